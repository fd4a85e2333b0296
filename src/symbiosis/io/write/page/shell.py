"""The one HTML shell of every page: head, stylesheet, header, sections, footer and scripts.

Every page of symbiosis (the solve report, the Pareto, alternatives, sweep and compare
pages, the company sheets) is made by ``page``: one stylesheet (``style.CSS``, with its
print rules), one script for tables (sorting and folding) and pictures, and the page's
own scripts, which are constant code of the package. Input text reaches a page only
escaped (``esc``) or as JSON data (``json_script``), never as code.

Nothing of the run (time, path) goes into a page: the same files give the same bytes.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from symbiosis.io.write.page.style import CSS
from symbiosis.version import __version__


def esc(x: Any) -> str:
    """Text for HTML, quotes included (attribute values too)."""
    return html.escape(str(x), quote=True)


def json_text(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` escaped (no ``</script>``,
    no ``<!--``), and the line separators U+2028/U+2029 escaped; NaN refused (``None`` instead)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def json_script(element_id: str, value: Any) -> str:
    """Data for the page's scripts: ``<script type="application/json">``, read with ``JSON.parse``."""
    return f'<script type="application/json" id="{esc(element_id)}">{json_text(value)}</script>'


@dataclass(frozen=True)
class Section:
    """A section of a page: its anchor, heading and HTML body. ``newpage``: printed from a new page."""

    id: str
    title: str
    body: str
    newpage: bool = False
    toc: bool = True
    wide: bool = False  # printed on landscape pages (a table of many columns)


def section(s: Section) -> str:
    classes = [c for c, on in (("newpage", s.newpage), ("wide", s.wide)) if on]
    cls = f' class="{" ".join(classes)}"' if classes else ""
    head = f"<h2>{esc(s.title)}</h2>" if s.title else ""
    return f'<section id="{esc(s.id)}"{cls}>{head}\n{s.body}\n</section>'


def cards(items: Iterable[tuple[str, str, str]], section_id: str = "headline") -> str:
    """Headline cards: (id, value, label), each value and label escaped."""
    body = "".join(f'<div class="card" id="{esc(i)}"><div class="value">{_value(v)}</div><div class="label">{esc(label)}</div></div>' for i, v, label in items)
    return f'<div id="{esc(section_id)}" class="cards">{body}</div>'


def _value(text: str) -> str:
    """A card's figure with its unit set smaller: ``5,907,187 EUR/yr``."""
    figure, _, unit = text.partition(" ")
    if unit and (figure[:1].isdigit() or (figure[:1] == "-" and figure[1:2].isdigit())):
        return f'{esc(figure)}<span class="unit"> {esc(unit)}</span>'
    return esc(text)


def banner(title: str, lines: Sequence[str] = (), element_id: str = "banner", bad: bool = False, html_lines: bool = False) -> str:
    """A boxed message above the figures; ``lines`` escaped unless ``html_lines`` (already made of escaped parts)."""
    items = "".join(f"<li>{line if html_lines else esc(line)}</li>" for line in lines)
    cls = "banner bad" if bad else "banner"
    return f'<div class="{cls}" id="{esc(element_id)}" role="note"><strong>{esc(title)}</strong>' + (f"<ul>{items}</ul>" if items else "") + "</div>"


def picture(key: str, title: str, caption: str, png: bytes, links: Sequence[tuple[str, str]] = (), extra_class: str = "") -> str:
    """A picture embedded as PNG (the page opens offline), with its caption and links to its files."""
    data = base64.b64encode(png).decode("ascii")
    more = ""
    if links:
        more = " Also as " + " and ".join(f'<a href="{esc(href)}">{esc(text)}</a>' for text, href in links) + "."
    cls = f' class="{esc(extra_class)}"' if extra_class else ""
    return (
        f'<figure id="fig-{esc(key)}"{cls}><img id="img-{esc(key)}" class="chart" alt="{esc(title)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{esc(caption)}{more}</figcaption></figure>"
    )


BASE_SCRIPT = """
(function () {
  document.querySelectorAll("img.chart").forEach(function (img) {
    function mark() { img.setAttribute("data-rendered", img.naturalWidth > 0 ? "yes" : "no"); }
    if (img.complete) { mark(); } else {
      img.addEventListener("load", mark);
      img.addEventListener("error", function () { img.setAttribute("data-rendered", "no"); console.error("picture did not load: " + img.id); });
    }
  });
  function refold(table) {
    var fold = parseInt(table.getAttribute("data-fold") || "0", 10);
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r, i) {
      r.classList.toggle("more", fold > 0 && i >= fold);
    });
  }
  document.querySelectorAll("button.fold").forEach(function (button) {
    var table = document.getElementById(button.getAttribute("data-table"));
    if (!table) { return; }
    var shown = button.textContent, hidden = button.getAttribute("data-less");
    button.addEventListener("click", function () {
      var open = table.classList.toggle("unfolded");
      button.textContent = open ? hidden : shown;
    });
  });
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead.rows[table.tHead.rows.length - 1].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.title = "click to sort";
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute("aria-sort") !== "ascending";
        var num = th.getAttribute("data-type") === "number";
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-value"), y = b.cells[col].getAttribute("data-value");
          var c = num ? ((x === "" ? -Infinity : parseFloat(x)) - (y === "" ? -Infinity : parseFloat(y)) || 0) : x.localeCompare(y);
          return asc ? c : -c;
        });
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        rows.forEach(function (r) { body.appendChild(r); });
        refold(table);
      });
    });
  });
})();
"""


def page(
    title: str,
    kind: str,
    sections: Sequence[Section],
    *,
    subtitle: str = "",
    before: str = "",
    head: str = "",
    scripts: Sequence[str] = (),
    data: Mapping[str, Any] | None = None,
    credits: str = "",
    toc: bool = True,
    after: str = "",
    print_header: bool = True,
    landscape: bool = False,
) -> str:
    """One page: ``kind`` names what it is ("Solve report", "Company sheet", ...); ``before`` is HTML
    shown above the sections (banners, headline cards); ``head`` extra elements of ``<head>`` (a
    vendored stylesheet); ``scripts`` constant code of the package; ``data`` JSON for them; ``after`` HTML
    after the sections (the company sheets of one file); ``print_header`` False: the page's header on
    screen only; ``landscape``: printed on landscape pages throughout."""
    nav = ""
    listed = [s for s in sections if s.toc and s.title]
    if toc and len(listed) > 2:
        nav = '<nav class="toc" aria-label="contents">' + "".join(f'<a href="#{esc(s.id)}">{esc(s.title)}</a>' for s in listed) + "</nav>"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}: {esc(kind)}</title>",
        f"<style>{CSS}</style>",
        head,
        '</head><body class="landscape">' if landscape else "</head><body>",
        f'<header class="page-head{"" if print_header else " screen-only"}"><p class="kind">{esc(kind)}</p><h1>{esc(title)}</h1>'
        + (f'<p class="meta">{esc(subtitle)}</p>' if subtitle else "")
        + "</header>",
        nav,
        before,
        *(section(s) for s in sections),
        after,
        f"<footer>Made by symbiosis {esc(__version__)} from the files of its folder; every figure can be recomputed from them. {credits}</footer>",
        *(json_script(f"data-{k}", v) for k, v in sorted((data or {}).items())),
        f"<script>{BASE_SCRIPT}</script>",
        *(f"<script>{s}</script>" for s in scripts),
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"

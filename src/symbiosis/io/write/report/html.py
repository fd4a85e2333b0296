"""The report's page: headline figures, the pictures (embedded as base64 PNG) and sortable tables.

One self-contained HTML page that opens offline: no external files, fonts or tiles,
and a few lines of inline script that sort the tables and mark each picture as
rendered. Nothing of the run (time, path) goes into it: the same result folder gives
the same page.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from symbiosis.io.read.results import ResultFiles
from symbiosis.io.write.report.figures import FIGURES
from symbiosis.io.write.report.transport import pool_transport
from symbiosis.measures import others
from symbiosis.types import Summary
from symbiosis.version import __version__

DASH = "\u2013"


def _money(x: Any) -> str:
    return DASH if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.0f}"


def _esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _cell(value: Any, column: str) -> tuple[str, str]:
    """(shown text, sort value) of a table cell."""
    if isinstance(value, str):
        return value, value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "", ""
    if isinstance(value, (bool,)):
        return str(value), str(int(value))
    if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu"):
        return f"{int(value):,}", repr(int(value))
    v = float(value)
    shown = f"{v:,.0f}" if "eur" in column else f"{v:,.2f}"
    return shown, repr(v)


def _table(frame: pd.DataFrame, table_id: str, caption: str) -> str:
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    head = "".join(
        f'<th data-type="{"number" if c in numeric else "text"}" title="click to sort">{_esc(c)}</th>' for c in frame.columns
    )
    rows = []
    for rec in frame.itertuples(index=False):
        cells = []
        for c, v in zip(frame.columns, rec):
            shown, key = _cell(v, c)
            cls = ' class="num"' if c in numeric else ""
            cells.append(f'<td{cls} data-value="{_esc(key)}">{_esc(shown)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table id="{table_id}" class="sortable"><caption>{_esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>"
    )


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1200px;padding:0 1.5rem 3rem;color:#222;line-height:1.4}
h1{margin:1.2rem 0 .2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.meta{color:#666;font-size:.9rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin-top:1rem}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;min-width:10rem;background:#fafafa}
.card .value{font-size:1.45rem;font-weight:600}.card .label{color:#666;font-size:.85rem}
.warn{background:#fff4e5;border:1px solid #f0b35b;border-radius:6px;padding:.6rem .9rem;margin-top:1rem}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#666;font-size:.85rem}
table{border-collapse:collapse;font-size:.8rem;margin-top:.5rem;width:100%}
caption{text-align:left;color:#666;padding-bottom:.3rem}
th,td{border-bottom:1px solid #e5e5e5;padding:.25rem .45rem;text-align:left;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f3f3f3;cursor:pointer;position:sticky;top:0;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
.scroll{max-height:40rem;overflow:auto;border:1px solid #eee}
footer{margin-top:3rem;color:#888;font-size:.8rem}
"""

SCRIPT = """
(function () {
  document.querySelectorAll("img.chart").forEach(function (img) {
    function mark() { img.setAttribute("data-rendered", img.naturalWidth > 0 ? "yes" : "no"); }
    if (img.complete) { mark(); } else {
      img.addEventListener("load", mark);
      img.addEventListener("error", function () { img.setAttribute("data-rendered", "no"); console.error("picture did not load: " + img.id); });
    }
  });
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
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
      });
    });
  });
})();
"""

CAPTIONS = {
    "map": (
        "Map",
        "Companies and shared facilities by their coordinates (km from the centre of the park). Arrows are exchanges, "
        "coloured by resource family and as wide as their savings; dashed lines join each shared facility to its members.",
    ),
    "savings": (
        "Savings per company",
        "What each company taking part pays today for the streams in the scenario (stand-alone) and with symbiosis; "
        "the difference is its share of the savings. Negative costs are earnings.",
    ),
    "flows": (
        "Flows by resource family",
        "Quantities per year exchanged or served by a shared facility, from the supplier (or facility) on the left to "
        "the receiver on the right. Quantities of different units are never added; peak resources count the capacity shared.",
    ),
    "loads": (
        "Load of the shared facilities",
        "Per-slot load of each shared facility of a peak resource (the members' summed need) against the capacity built.",
    ),
}


def estimates_line(estimates: Mapping[str, Any] | None) -> str | None:
    """The line the report and the command line say about the share of a result that rests on estimated streams (``summary.json`` ``estimates``), or None."""
    if not estimates:
        return None
    share = estimates.get("savings_share")
    head = f"{share:.0%} of the net savings" if share is not None else "none of the net savings (they are not above zero)"
    return (
        f"{head} ({estimates['savings_on_estimates_eur_per_year']:,.0f} EUR/yr, {estimates['n_matches_on_estimates']} of {estimates['n_matches']} matches) "
        f"rest on estimated streams ({estimates['n_estimated_streams']} of {estimates['n_streams']} streams, source 'estimated: ...'); "
        "confirm them with 'symbiosis intake' and 'symbiosis merge'"
    )


def _not_proven(summary: Summary) -> str:
    """For a result the time limit stopped: not proven, and the most it could still gain (bound less objective)."""
    if summary.status.value != "time_limit":
        return ""
    if summary.best_bound is None or summary.objective is None:
        return "; not proven, its bound unknown"
    unit = "of the objective" if summary.objective_weights else "EUR/yr"
    return f"; not proven: at most {_money(max(0.0, summary.best_bound - summary.objective))} {unit} more could be gained"


def _measure_cards(summary: Summary) -> list[tuple[str, str, str]]:
    """A card per measure beyond savings and CO2 (land freed, truck-km, ...), from summary.json ``measures``."""
    totals = summary.measures or {}
    cards = []
    for m in others():
        value = totals.get(m.name)
        shown = DASH if value is None else f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
        cards.append((f"kpi-{m.name.replace('_', '-')}", f"{shown} {m.unit}", m.label + (" (less is better)" if m.sense == "less" else "")))
    return cards


def _headline(summary: Summary) -> str:
    gap = summary.mip_gap
    co2 = summary.co2_avoided_t_per_year
    cards = [
        ("kpi-net-savings", f"{_money(summary.net_savings_eur_per_year)} EUR/yr", "net savings"),
        ("kpi-co2", f"{DASH if co2 is None else f'{co2:,.1f}'} t/yr", "CO2 avoided"),
        *_measure_cards(summary),
        ("kpi-exchanges", str(summary.n_exchanges), "exchanges"),
        ("kpi-pools", f"{summary.n_pools} ({summary.n_pool_members} members)", "shared facilities"),
        ("kpi-status", summary.status.value, "solver status" + ("" if gap is None else f", gap {gap:.4%}") + _not_proven(summary)),
    ]
    if summary.carbon_price_eur_per_t:
        cards.insert(
            1, ("kpi-objective", f"{_money(summary.objective)} EUR/yr", f"objective, with CO2 at {summary.carbon_price_eur_per_t:g} EUR/t")
        )
    if summary.net_savings_eur_per_year is not None:
        cards.append(
            (
                "kpi-rational",
                "yes" if summary.individually_rational else "NO",
                f"every company taking part at or above zero (lowest {_money(summary.min_participant_savings_eur_per_year)} EUR/yr)",
            )
        )
    return '<section id="headline" class="cards">' + "".join(
        f'<div class="card" id="{i}"><div class="value">{_esc(v)}</div><div class="label">{_esc(label)}</div></div>' for i, v, label in cards
    ) + "</section>"


def report_html(res: ResultFiles, pngs: dict[str, bytes], stem: str = "report") -> str:
    """The page: headline figures, the pictures (embedded), and sortable tables."""
    s = res.summary
    name = s.scenario
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(name)}: symbiosis report</title>",
        f"<style>{CSS}</style></head><body>",
        f"<header><h1>{_esc(name)}</h1>",
        f'<p class="meta">symbiosis result, input hash {_esc(s.input_hash)}; pools split by the {_esc(s.allocation)} rule</p></header>',
        _headline(s),
    ]
    said = estimates_line(s.estimates)
    if said is not None:
        parts.append(f'<p class="meta" id="estimates">{_esc(said)}.</p>')
    problems = s.problems
    if s.net_savings_eur_per_year is None or problems:
        items = "".join(f"<li>{_esc(p)}</li>" for p in problems)
        head = f"<strong>No solution to show: status {_esc(s.status.value)}.</strong>" if s.net_savings_eur_per_year is None else ""
        parts.append(f'<div class="warn" id="problems">{head}<ul>{items}</ul></div>')
    for key in FIGURES:
        title, caption = CAPTIONS[key]
        parts.append(f'<section id="{key}-section"><h2>{_esc(title)}</h2>')
        if key in pngs:
            data = base64.b64encode(pngs[key]).decode("ascii")
            parts.append(
                f'<figure id="fig-{key}"><img id="img-{key}" class="chart" alt="{_esc(title)}" src="data:image/png;base64,{data}">'
                f'<figcaption>{_esc(caption)} Also as <a href="{_esc(stem)}_{key}.svg">SVG</a> and <a href="{_esc(stem)}_{key}.png">PNG</a>.</figcaption></figure>'
            )
        else:
            parts.append(f'<p class="meta" id="no-{key}">{_esc(_nothing(key))}</p>')
        parts.append("</section>")
    matches = res.matches
    parts.append('<section id="matches-section"><h2>Matches</h2><div class="scroll">')
    parts.append(_table(matches, "matches-table", f"{len(matches)} matches (exchanges and pool memberships); click a column to sort"))
    parts.append("</div></section>")
    transport = pool_transport(res)
    if len(transport):
        parts.append('<section id="pool-transport-section"><h2>Transport to shared facilities</h2><div class="scroll">')
        parts.append(_table(transport, "pool-transport-table", f"{len(transport)} pool members pay to reach their facility (already in their savings); click a column to sort"))
        parts.append("</div></section>")
    parts.append('<section id="companies-section"><h2>Companies</h2><div class="scroll">')
    parts.append(_table(res.companies, "companies-table", f"{len(res.companies)} companies; savings and CO2 are each company's share; click a column to sort"))
    parts.append("</div></section>")
    parts.append(f"<footer>Made by symbiosis {_esc(__version__)} from the files of the result folder.</footer>")
    parts.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"


def _nothing(key: str) -> str:
    return {
        "map": "No company has coordinates in network.json: no map.",
        "savings": "No company takes part in an exchange or a pool.",
        "flows": "Nothing is exchanged or pooled.",
        "loads": "No shared facility of a peak resource was built.",
    }[key]

"""Every page as a person meets it, in headless Chromium (Debian's ``chromium``; ``.ci/run`` installs it).

On screen at 1,400 px: no horizontal overflow of the page or of any table; the map draws,
its family filters remove exactly that family's lines, and hovering a company names it (a
probe script appended to a copy of the page clicks and hovers, and writes what it found
into the DOM). Chromium's network log shows that the page asks for nothing anywhere. Printed
to PDF (A4): every row of every table is in the PDF's text, and every piece of text lies on
its page (no column cut off). The company sheets print one company per page.

The checks that need no browser (a sheet holds no other company's savings, a partner that
does not disclose is not named, a bad context file) are in ``test_sheets.py`` and
``test_map.py``.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis.io.read.results import read_result
from test_report import CHROMIUM, needs_chromium, png_size

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars",
]

# What a probe finds on a page: its width, each table's overflow, and (with a map) what the filters and hover do.
PROBE = """<script>
(function () {
  var out = {width: document.documentElement.scrollWidth, tables: {}};
  document.querySelectorAll("table.data").forEach(function (t) {
    var box = t.parentNode;
    out.tables[t.id] = {overflow: t.getBoundingClientRect().width - box.getBoundingClientRect().width, rows: t.tBodies[0].rows.length};
  });
  var el = document.getElementById("map");
  if (el) {
    var lines = function () { return document.querySelectorAll("#map path.sym-line").length; };
    out.map = {ready: el.getAttribute("data-ready"), lines: lines(), filters: {}};
    document.querySelectorAll("#map-controls input.map-filter").forEach(function (box) {
      box.click();
      out.map.filters[box.getAttribute("data-key")] = lines();
      box.click();
    });
    var pools = document.querySelector("#map-controls input.map-filter-pools");
    if (pools) { pools.click(); out.map.withoutPools = lines(); pools.click(); }
    var others = document.querySelector("#map-controls input.map-filter-others");
    var dots = function () { return document.querySelectorAll("#map path.sym-other").length; };
    out.map.others = dots(); others.click(); out.map.othersHidden = dots(); others.click();
    out.map.after = lines();
    var node = document.querySelector("#map path.sym-active");
    node.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
    var tip = document.querySelector(".leaflet-tooltip");
    out.map.tooltip = tip ? tip.textContent : null;
  }
  out.demand = {};
  document.querySelectorAll("button.show-map").forEach(function (b) {
    b.click();
    var el = document.getElementById(b.id.replace(/-show$/, ""));
    out.demand[el.id] = el.getAttribute("data-ready");
  });
  var pre = document.createElement("pre"); pre.id = "probe"; pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
})();
</script>"""


def run(args: list[str], tmp: Path, name: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp / f'profile-{name}'}", *args], capture_output=True, text=True, timeout=240
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def probe(page: Path, tmp: Path, screenshot: Path | None = None) -> tuple[dict[str, Any], list[str], list[str]]:
    """Open a copy of the page with the probe at 1,400 px: (what the probe found, console lines, the http(s)
    addresses the page asked for, from Chromium's network log)."""
    copy = page.with_name(f"probed-{page.name}")
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    netlog = tmp / f"net-{page.stem}.json"
    args = ["--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--window-size=1400,2400", f"--log-net-log={netlog}"]
    if screenshot is not None:
        args.append(f"--screenshot={screenshot}")
    proc = run([*args, "--dump-dom", copy.resolve().as_uri()], tmp, page.stem)
    copy.unlink()
    found = re.search(r'<pre id="probe">([^<]*)</pre>', proc.stdout)
    assert found is not None, proc.stdout[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")), console, page_requests(netlog)


def page_requests(netlog: Path) -> list[str]:
    """The web addresses a page asked for (the browser's own background requests have no origin)."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start and e.get("params", {}).get("initiator") != "not an origin" and str(e["params"].get("url", "")).startswith("http")
    ]


@dataclass
class PdfPage:
    text: str  # NFKC (no ligatures), as extracted
    width: float
    height: float
    outside: list[str]  # text placed beyond the page's edges


def printed(page: Path, tmp: Path) -> list[PdfPage]:
    """The page printed by Chromium (A4, its print stylesheet), read back page by page with pypdf."""
    from pypdf import PdfReader

    pdf = tmp / f"{page.stem}.pdf"
    run(["--no-pdf-header-footer", "--virtual-time-budget=5000", f"--print-to-pdf={pdf}", page.resolve().as_uri()], tmp, f"print-{page.stem}")
    pages = []
    for p in PdfReader(pdf).pages:
        width, height = float(p.mediabox.width), float(p.mediabox.height)
        outside: list[str] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any, width: float = width, height: float = height, outside: list[str] = outside) -> None:
            if not text.strip():
                return
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            if not (-1 <= x <= width - 2 and -1 <= y <= height + 1):
                outside.append(text)

        text = p.extract_text(visitor_text=visit)
        pages.append(PdfPage(unicodedata.normalize("NFKC", text), width, height, outside))
    return pages


def squeezed(text: str) -> str:
    """Text without white space: a cell wrapped over lines reads as one word."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def money(x: float) -> str:
    text = f"{x:,.0f}"
    return text[1:] if text in ("-0",) else text


@needs_chromium
def test_report_on_screen_offline_and_printed(haasrode_out: Path, tmp_path: Path) -> None:
    """Haasrode's report: fits 1,400 px, its map filters and names, it fetches nothing, and it prints every row."""
    page = tmp_path / "report.html"
    page.write_text((haasrode_out / "report.html").read_text(encoding="utf-8"), encoding="utf-8")
    shot = tmp_path / "report.png"
    found, console, requests = probe(page, tmp_path, shot)
    assert console == [], console
    assert requests == [], requests  # offline: no --tiles, so no request at all
    assert png_size(shot)[0] == 1400
    assert found["width"] <= 1400, found["width"]
    res = read_result(haasrode_out)
    matches, companies = res.matches, res.companies
    assert found["tables"]["matches-table"]["rows"] == len(matches)
    assert found["tables"]["companies-table"]["rows"] == len(companies)
    assert all(t["overflow"] <= 1 for t in found["tables"].values()), found["tables"]
    # The map: one line per pair of companies and family (exchanges) and per membership; each filter takes
    # away exactly its family's lines; hovering a company names it.
    data = json.loads(re.search(r'<script type="application/json" id="data-maps">(.*?)</script>', page.read_text(encoding="utf-8"), re.S).group(1))["map"]
    m = found["map"]
    assert m["ready"] == "yes" and m["lines"] == len(data["lines"]) == m["after"]
    exchanges = matches[matches["kind"] == "exchange"]
    pairs = {(min(a, b), max(a, b), res.family(r)) for a, b, r in zip(exchanges["source"], exchanges["target"], exchanges["resource"])}
    assert len(data["lines"]) == len(pairs) + int((matches["kind"] == "pool").sum()) < len(matches)
    for family in {res.family(r) for r in matches["resource"]}:
        assert m["filters"][family] == m["lines"] - sum(1 for line in data["lines"] if line["family"] == family), family
    assert m["withoutPools"] == m["lines"] - int((matches["kind"] == "pool").sum())
    idle = len(companies) - len(res.participants)
    assert (m["others"], m["othersHidden"]) == (sum(1 for n in data["nodes"] if not n["active"] and n["kind"] != "facility"), 0)
    assert m["others"] == idle
    first = next(n for n in data["nodes"] if n["active"])
    assert m["tooltip"] is not None and m["tooltip"].startswith(first["text"][0])
    # Printed: the cover portrait, the matches on landscape pages; every row of both tables; nothing off a page.
    pdf = printed(haasrode_out / "report.html", tmp_path)
    assert pdf[0].width < pdf[0].height and any(p.width > p.height for p in pdf)
    assert [t for p in pdf for t in p.outside] == []
    text = squeezed("".join(p.text for p in pdf))
    for r in matches.to_dict(orient="records"):
        assert squeezed(f"{r['supply_stream']} \u2192 {r['demand_stream']}" if r["supply_stream"] else r["demand_stream"]) in text, r
        assert money(r["savings_eur_per_year"]) in text, r
    names = dict(zip(companies["company"], companies["name"]))
    for r in companies.to_dict(orient="records"):
        assert squeezed(f"{names[r['company']]}{r['company']}") in text, r["company"]
    heads = squeezed("Savings(EUR/yr)CO2avoided(t/yr)")
    assert text.count(heads) >= 2 + sum(1 for p in pdf if p.width > p.height) - 1  # the header repeats on each page of the matches


@needs_chromium
def test_map_of_200_companies(tmp_path: Path) -> None:
    """A generated park of 200 companies, stopped by a short time limit: the banner says so; the map bundles its
    lines, filters them by family and names what the pointer is on, within 1,400 px."""
    from typer.testing import CliRunner

    from symbiosis.cli import app

    runner = CliRunner()
    park = tmp_path / "park"
    assert runner.invoke(app, ["generate", str(park), "--companies", "200", "--seed", "1"]).exit_code == 0
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(park), "--out", str(out), "--report", "-q", "--set", "solver.time_limit_s=3"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    text = (out / "report.html").read_text(encoding="utf-8")
    if summary["status"] == "time_limit":
        assert 'id="time-limit"' in text and "at most" in text
    found, console, requests = probe(out / "report.html", tmp_path)
    assert console == [] and requests == []
    assert found["width"] <= 1400 and all(t["overflow"] <= 1 for t in found["tables"].values())
    matches = pd.read_csv(out / "matches.csv")
    m = found["map"]
    assert m["ready"] == "yes" and m["lines"] < len(matches)
    assert all(n < m["lines"] for n in m["filters"].values())
    assert m["tooltip"]


@needs_chromium
def test_sheets_print_one_company_per_page(haasrode_out: Path, tmp_path: Path) -> None:
    """sheets.html prints each company on pages of its own (landscape), its title first; a single sheet fits 1,400 px."""
    from typer.testing import CliRunner

    from symbiosis.cli import app

    out = tmp_path / "sheets"
    result = CliRunner().invoke(app, ["sheets", str(haasrode_out), "--out", str(out)])
    assert result.exit_code == 0, result.output
    res = read_result(haasrode_out)
    part = res.participants
    pdf = printed(out / "sheets.html", tmp_path)
    assert all(p.width > p.height for p in pdf) and [t for p in pdf for t in p.outside] == []
    starts = [p.text.split("\n")[1].strip() if p.text.startswith("COMPANY SHEET") else None for p in pdf]
    assert sorted(s for s in starts if s) == sorted(part["name"]), starts[:5]
    found, console, requests = probe(sorted(out.glob("sheet-*.html"))[0], tmp_path)
    assert console == [] and requests == []
    assert found["width"] <= 1400 and all(t["overflow"] <= 1 for t in found["tables"].values())


@needs_chromium
def test_sweep_and_compare_pages_on_screen_and_printed(tmp_path: Path) -> None:
    """The sweep's page (tests/sweep_cases/one_price), a comparison's page (the tiny scenario against itself
    with a price changed) and a roadmap's (tests/cases/roadmap_three over 5 years, budget 70,000): within 1,400 px,
    nothing asked of the network, and printed with every row of every table."""
    from typer.testing import CliRunner

    from conftest import BASE, ROOT, write_scenario
    from symbiosis.cli import app
    from test_report import Page

    runner = CliRunner()
    sweep = tmp_path / "sweep"
    done = runner.invoke(app, ["sweep", str(ROOT / "tests" / "sweep_cases" / "one_price"), "--out", str(sweep), "--samples", "20", "--workers", "0", "-q"])
    assert done.exit_code == 0, done.output
    base = write_scenario(tmp_path / "base", BASE)
    other = write_scenario(tmp_path / "other", {**BASE, "streams.csv": BASE["streams.csv"].replace("cb_b,B,demand,cardboard,40,20", "cb_b,B,demand,cardboard,40,35")})
    for scenario, out in ((base, tmp_path / "a"), (other, tmp_path / "b")):
        assert runner.invoke(app, ["solve", str(scenario), "--out", str(out), "-q"]).exit_code == 0
    done = runner.invoke(app, ["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "diff")])
    assert done.exit_code == 0, done.output
    assert runner.invoke(app, ["solve", str(ROOT / "tests" / "cases" / "roadmap_three"), "--out", str(tmp_path / "three"), "-q"]).exit_code == 0
    done = runner.invoke(app, ["roadmap", str(tmp_path / "three"), "--out", str(tmp_path / "roadmap"), "--years", "5", "--budget", "70000"])
    assert done.exit_code == 0, done.output
    for page in (sweep / "report.html", tmp_path / "diff" / "report.html", tmp_path / "roadmap" / "roadmap.html"):
        found, console, requests = probe(page, tmp_path)
        assert console == [] and requests == []
        assert found["width"] <= 1400 and all(t["overflow"] <= 1 for t in found["tables"].values()), found
        pdf = printed(page, tmp_path)
        assert [t for p in pdf for t in p.outside] == []
        text = squeezed("".join(p.text for p in pdf))
        tables = Page(page.read_text(encoding="utf-8")).tables
        assert tables and all(rows for rows in tables.values()), tables.keys()
        for rows in tables.values():
            for row in rows:
                assert squeezed("".join(row)) in text, (page.name, row)

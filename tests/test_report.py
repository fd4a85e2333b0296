"""The analyst's report: pictures drawn from the result files, one self-contained page, rendered in Chromium.

Most checks use two small solved scenarios (the tiny one of conftest.py: two exchanges;
tests/cases/pool_parking: one shared car park); Haasrode is solved once, in one command.
The browser checks need Debian's chromium (``apt-get install chromium``) and are skipped,
saying so, only when it is absent.
"""

from __future__ import annotations

import html
import json
import math
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from matplotlib.colors import to_hex
from typer.testing import CliRunner

from conftest import BASE, CASES, write_scenario
from symbiosis.api import solve
from symbiosis.cli import app
from symbiosis.cli import base as cli
from symbiosis.io.write import report as rp
from symbiosis.io.write.registry import OUTPUT_FILES

runner = CliRunner()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium): the page is not opened in a browser"
)
TINY_NET = 1895.663392 + 14900.0  # hand-computed in tests/test_api.py


class Page(HTMLParser):
    """The elements with an id, the body rows of each table and the value of each headline card."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: dict[str, tuple[str, dict[str, Any]]] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.values: dict[str, str] = {}
        self._table: str | None = None
        self._body = False
        self._cell: list[str] | None = None
        self._card: str | None = None
        self._value: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "id" in a:
            self.elements[str(a["id"])] = (tag, a)
        if tag == "table":
            self._table = str(a.get("id"))
            self.tables[self._table] = []
        elif tag == "tbody":
            self._body = True
        elif tag == "tr" and self._body and self._table:
            self.tables[self._table].append([])
        elif tag == "td" and self._body:
            self._cell = []
        if a.get("class") == "card":
            self._card = str(a["id"])
        elif a.get("class") == "value" and self._card:
            self._value = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._body = False
        elif tag == "td" and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "div" and self._value is not None and self._card:
            self.values[self._card] = "".join(self._value)
            self._value, self._card = None, None

    def handle_data(self, data: str) -> None:
        for buf in (self._cell, self._value):
            if buf is not None:
                buf.append(data)


def browse(page: Path, tmp: Path, screenshot: Path | None = None) -> tuple[str, list[str]]:
    """Open a page in headless Chromium, offline: (the DOM after the scripts ran, console lines)."""
    assert CHROMIUM is not None
    args = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # no network: the page must not need it
        f"--user-data-dir={tmp / 'chromium-profile'}", "--enable-logging=stderr", "--v=0",
        "--virtual-time-budget=5000", "--hide-scrollbars", "--window-size=1400,3000",
    ]
    if screenshot is not None:
        args.append(f"--screenshot={screenshot}")
    args += ["--dump-dom", page.resolve().as_uri()]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]


def table_headers(text: str, table_id: str) -> list[str]:
    """The header cells of one table of a page, as shown."""
    m = re.search(rf'<table id="{table_id}".*?<thead>(.*?)</thead>', text, flags=re.S)
    assert m is not None, table_id
    return [html.unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", m.group(1))]


def assert_offline(text: str) -> None:
    """Nothing in the page would be fetched from elsewhere: no web address in an attribute or the styles
    (data: URIs and #fragments fetch nothing), no external script, frame or object; the scripts (the
    package's own, Leaflet inlined, and the map's data) name no web address but the SVG namespace and
    Leaflet's copyright line. (test_pages opens pages with Chromium's network log for the proof in a browser.)"""
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", text, flags=re.S | re.I)
    outside = re.sub(r"<script\b[^>]*>.*?</script>", "", text, flags=re.S | re.I)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", outside, re.I)
    assert not re.search(r"<link\b|@import|url\((?![\"']?(data:|#))|<script[^>]+src|<iframe|<object|<embed", outside, re.I)
    urls = set(re.findall(r"https?://[^\s\"'<>)\\]+", "".join(scripts)))  # the map's data too
    assert urls <= {"http://www.w3.org/2000/svg", "https://leafletjs.com"}, urls


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def assert_page(html: str, figures: list[str], n_matches: int, n_companies: int, rendered: bool = True) -> Page:
    """The pictures are there (and, in a browser's DOM, decoded: the page's script marks them), and every table row."""
    page = Page(html)
    for key in figures:
        tag, attrs = page.elements[f"img-{key}"]
        assert tag == "img" and str(attrs["src"]).startswith("data:image/png;base64,"), key
        if rendered:
            assert attrs.get("data-rendered") == "yes", f"picture {key} did not render"
    assert len(page.tables["matches-table"]) == n_matches
    assert len(page.tables["companies-table"]) == n_companies
    return page


@pytest.fixture(scope="module")
def tiny_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report_tiny")
    scenario = write_scenario(root / "tiny", BASE)
    result = runner.invoke(app, ["solve", str(scenario), "--out", str(root / "out"), "--report"])
    assert result.exit_code == 0, result.output
    assert f"report: {root / 'out' / 'report.html'}" in result.output
    return root / "out"


@pytest.fixture(scope="module")
def pool_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return solve(CASES / "pool_parking").write(tmp_path_factory.mktemp("report_pool") / "out")


def test_solve_report_writes_a_self_contained_page(tiny_out: Path) -> None:
    names = {p.name for p in tiny_out.iterdir()}
    pictures = {f"report_{k}.{e}" for k in ("map", "savings", "flows") for e in ("png", "svg")}
    assert pictures | {"report.html"} <= names
    assert not {"report_loads.png", "report_loads.svg"} & names  # no shared facility was built
    assert {p.name for p in rp.report_paths(Path("report.html")).values()} <= set(OUTPUT_FILES)
    for name in sorted(pictures):
        if name.endswith(".svg"):
            assert ET.parse(tiny_out / name).getroot().tag == "{http://www.w3.org/2000/svg}svg"
        else:
            assert png_size(tiny_out / name)[0] > 500
    text = (tiny_out / "report.html").read_text(encoding="utf-8")
    assert_offline(text)
    page = Page(text)
    # Headline figures, against the hand-computed optimum: 16,795.66 EUR/yr, 4.00 t CO2, 2 exchanges.
    assert page.values["kpi-net-savings"] == "16,796 EUR/yr"
    assert page.values["kpi-co2"] == "4.0 t/yr"
    assert page.values["kpi-exchanges"] == "2"
    assert page.values["kpi-pools"] == "0 (0 members)"
    assert page.values["kpi-status"] == "optimal"
    # Every measure's headline (summary.json measures), by hand: the parking exchange cuts C's night peak by 30 spaces x 25 m2 = 750 m2;
    # 40 t of cardboard reused; 40 t / 20 t a truck = 2 trips x 2 x 0.722768 km = 2.89 km/yr (one decimal below 100); no heat.
    assert (page.values["kpi-land-freed-m2"], page.values["kpi-material-reused-t"]) == ("750 m2", "40.0 t/yr")
    assert page.values["kpi-truck-km"] == "2.9 km/yr" and page.values["kpi-heat-recovered-mwh"] == "0.0 MWh/yr"
    assert {f"img-{k}" for k in ("map", "savings", "flows")} <= set(page.elements) and "no-loads" in page.elements
    matches = pd.read_csv(tiny_out / "matches.csv")
    assert len(page.tables["matches-table"]) == len(matches) == 2
    # names beside ids, units in the headers (the quantity's unit per row: the units differ)
    heads = table_headers(text, "matches-table")
    assert heads == ["Kind", "From", "To", "Resource", "Quantity", "Distance (km)", "Savings (EUR/yr)", "CO2 avoided (t/yr)",
                     "Land freed (m2)", "Material reused (t/yr)", "Truck-km (km/yr)",  # the measures this result has (no heat: a column of zeros)
                     "Price floor", "Price ceiling", "Streams (supply \u2192 demand)"]
    rows = {r[-1].split(" \u2192 ")[1]: dict(zip(heads, r)) for r in page.tables["matches-table"]}
    assert set(rows) == {"cb_b", "pk_c"} and rows["cb_b"]["Streams (supply \u2192 demand)"] == "cb_a \u2192 cb_b"
    assert (rows["cb_b"]["From"], rows["cb_b"]["To"], rows["pk_c"]["To"]) == ("Alpha A", "Beta B", "Gamma C")
    assert (rows["cb_b"]["Quantity"], rows["pk_c"]["Quantity"]) == ("40 t/yr", "30 space")
    assert (rows["cb_b"]["Savings (EUR/yr)"], rows["cb_b"]["Price floor"], rows["cb_b"]["Price ceiling"]) == ("1,896", "-30.00 EUR/t", "17.39 EUR/t")
    assert (rows["pk_c"]["Price floor"], rows["pk_c"]["Price ceiling"]) == ("0.00 EUR/space", "496.67 EUR/space")
    companies = {r[0].split()[-1]: r for r in page.tables["companies-table"]}
    assert set(companies) == {"A", "B", "C"} and companies["C"][4] == "7,450" and companies["C"][0] == "Gamma C"
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", text)
    assert {"Savings (EUR/yr)", "CO2 avoided (t/yr)", "Distance (km)", "Cost today (EUR/yr)"} <= set(headers)


def test_report_command_is_deterministic_and_leaves_the_folder_a_result(tiny_out: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tiny_out), "--out", str(tmp_path / "elsewhere" / "r.html")])
    assert result.exit_code == 0, result.output
    for key in ("map", "savings", "flows"):
        assert (tmp_path / "elsewhere" / f"r_{key}.svg").read_bytes() == (tiny_out / f"report_{key}.svg").read_bytes()
    page = (tmp_path / "elsewhere" / "r.html").read_text(encoding="utf-8")
    assert page.replace('href="r_', 'href="report_') == (tiny_out / "report.html").read_text(encoding="utf-8")
    # A result folder with a report is still a result folder: solving again replaces it whole.
    copy = tmp_path / "copy"
    shutil.copytree(tiny_out, copy)
    again = runner.invoke(app, ["solve", str(write_scenario(tmp_path / "tiny", BASE)), "--out", str(copy)])
    assert again.exit_code == 0, again.output
    assert not (copy / "report.html").exists()
    # Bad targets: exit 2 with a message, no traceback.
    bad = runner.invoke(app, ["report", str(tmp_path / "elsewhere")])
    assert bad.exit_code == 2 and "holds no summary.json" in bad.output
    bad = runner.invoke(app, ["report", str(tiny_out), "--out", str(tmp_path / "r.txt")])
    assert bad.exit_code == 2 and "ending in .html" in bad.output


def test_savings_chart_and_map_of_the_tiny_scenario(tiny_out: Path) -> None:
    res = rp.read_result(tiny_out)
    table = rp.savings_table(res)
    # A gets half of both exchanges, C half of the parking one, B half of the cardboard one.
    assert list(table["company"]) == ["A", "C", "B"]
    assert list(table["savings_eur_per_year"]) == pytest.approx([TINY_NET / 2, 14900 / 2, 1895.663392 / 2], abs=1e-3)
    with rp.style():
        fig = rp.savings_figure(res)
    assert fig is not None
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Alpha (A)", "Gamma (C)", "Beta (B)"]
    # Stand-alone cost today: A pays 30 EUR/t to dispose of 50 t (its spare parking is free) = 1,500;
    # C pays 500 EUR a space for 40 spaces = 20,000; B buys 40 t at 20 EUR/t = 800.
    standalone = [p.get_width() for p in ax.patches if p.get_gid() == "bars-standalone"]
    with_symbiosis = [p.get_width() for p in ax.patches if p.get_gid() == "bars-with-symbiosis"]
    assert standalone == pytest.approx([1500, 20000, 800])
    assert with_symbiosis == pytest.approx([1500 - TINY_NET / 2, 20000 - 7450, 800 - 1895.663392 / 2], abs=1e-3)

    with rp.style():
        fig = rp.map_figure(res)
    assert fig is not None
    ax = fig.axes[0]
    arrows = {p.get_gid(): p for p in ax.patches if str(p.get_gid()).startswith("exchange-")}
    assert len(arrows) == 2
    colours = sorted(to_hex(p.get_edgecolor()[:3]) for p in arrows.values())
    assert colours == sorted([rp.FAMILY_COLOURS["material"], rp.FAMILY_COLOURS["parking"]])
    widths = sorted(p.get_linewidth() for p in arrows.values())
    # Width 0.7 + 4.3 sqrt(savings / largest savings): parking 14,900 (the largest) and cardboard 1,895.66.
    assert widths == pytest.approx([0.7 + 4.3 * math.sqrt(1895.663392 / 14900), 5.0], abs=1e-4)
    dots = next(c for c in ax.collections if c.get_gid() == "companies-taking-part").get_offsets()
    a, b, c = (dots[i] for i in range(3))  # network.json lists A, B, C
    # Local km on the haversine's sphere: B is 0.005 deg north of A, C 0.006 deg east of A (at lat 50.8525).
    assert math.dist(a, b) == pytest.approx(6371.0088 * math.radians(0.005), abs=1e-6)
    assert math.dist(a, c) == pytest.approx(6371.0088 * math.radians(0.006) * math.cos(math.radians(50.8525)), abs=1e-6)


def test_flow_and_load_charts_of_a_pool(pool_out: Path) -> None:
    res = rp.read_result(pool_out)
    panels, by = rp.flow_panels(res)
    assert by == "company" and len(panels) == 1
    assert (panels[0].family, panels[0].unit, panels[0].total) == ("parking", "space", 140.0)
    assert panels[0].flows == [
        ("shared: Shared car park", "Event hall (hall)", "parking", 60.0),
        ("shared: Shared car park", "Office campus (office)", "parking", 80.0),
    ]
    with rp.style():
        fig = rp.loads_figure(res)
    assert fig is not None
    ax = fig.axes[0]
    # tests/cases/pool_parking/README.md: the members need 95 spaces by day, 80 in the evening; capacity 100.
    assert [p.get_height() for p in ax.patches if p.get_gid() == "load-hub"] == pytest.approx([95, 80])
    capacity = next(line for line in ax.lines if line.get_gid() == "capacity-hub")
    assert list(capacity.get_ydata()) == [100, 100]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["day", "evening"]
    assert list(rp.savings_table(res)["company"]) == ["office", "hall"]


SORT_PROBE = """<script>
(function () {
  var t = document.getElementById("companies-table"), heads = t.tHead.rows[0].cells;
  function col(name) { for (var i = 0; i < heads.length; i++) { if (heads[i].textContent === name) { return i; } } }
  function order() { return Array.prototype.map.call(t.tBodies[0].rows, function (r) { return r.cells[0].querySelector(".id").textContent; }).join(","); }
  var out = [];
  heads[col("Savings (EUR/yr)")].click(); out.push(order());
  heads[col("Savings (EUR/yr)")].click(); out.push(order());
  heads[col("Company")].click(); out.push(order());
  var pre = document.createElement("pre"); pre.id = "sort-result"; pre.textContent = out.join("|"); document.body.appendChild(pre);
})();
</script>"""


@needs_chromium
def test_page_renders_and_tables_sort_in_chromium(tiny_out: Path, tmp_path: Path) -> None:
    """The tiny page renders its pictures and tables with nothing on the console; clicking a header sorts
    numbers as numbers (947.83 < 7,450 < 8,397.83; as text it would be 7,450 < 8,397.83 < 947.83),
    clicking again reverses, and text sorts as text. A probe script appended to a copy does the clicking."""
    page = tmp_path / "report.html"
    page.write_text((tiny_out / "report.html").read_text(encoding="utf-8").replace("</body>", SORT_PROBE + "</body>"), encoding="utf-8")
    shot = tmp_path / "tiny.png"
    dom, console = browse(page, tmp_path, screenshot=shot)
    assert console == [], console  # no errors, no failed loads, nothing at all on the console
    found = assert_page(dom, ["map", "savings", "flows"], n_matches=2, n_companies=3)
    assert found.values["kpi-net-savings"] == "16,796 EUR/yr"
    sorted_ = re.search(r'<pre id="sort-result">([^<]*)</pre>', dom)
    assert sorted_ is not None and sorted_.group(1) == "B,C,A|A,C,B|A,B,C"
    assert png_size(shot) == (1400, 3000)


def test_haasrode_report_in_one_command(haasrode_out: Path) -> None:
    summary = json.loads((haasrode_out / "summary.json").read_text())
    matches = pd.read_csv(haasrode_out / "matches.csv")
    companies = pd.read_csv(haasrode_out / "companies.csv")
    page = assert_page((haasrode_out / "report.html").read_text(encoding="utf-8"), list(rp.FIGURES), len(matches), len(companies), rendered=False)
    assert page.values["kpi-net-savings"] == f"{summary['net_savings_eur_per_year']:,.0f} EUR/yr"
    assert page.values["kpi-exchanges"] == str(summary["n_exchanges"])
    assert {f"report_{k}.{e}" for k in rp.FIGURES for e in ("png", "svg")} <= {p.name for p in haasrode_out.iterdir()}
    geo = json.loads((haasrode_out / "network.geojson").read_text())
    network = json.loads((haasrode_out / "network.json").read_text())
    assert len(geo["features"]) == len(network["nodes"]) + len(matches)
    assert (haasrode_out / "results.xlsx").is_file()


@needs_chromium
def test_haasrode_page_renders_in_chromium(haasrode_out: Path, tmp_path: Path) -> None:
    shot = tmp_path / "haasrode.png"
    dom, console = browse(haasrode_out / "report.html", tmp_path, screenshot=shot)
    assert console == [], console
    assert_page(dom, list(rp.FIGURES), len(pd.read_csv(haasrode_out / "matches.csv")), len(pd.read_csv(haasrode_out / "companies.csv")))
    assert png_size(shot) == (1400, 3000) and shot.stat().st_size > 100_000


def test_a_time_limited_result_says_so_above_its_figures(tiny_out: Path) -> None:
    """A result the time limit stopped gets a banner: at most (bound - objective) more EUR/yr, and the gap; an optimal one none.
    The tiny result, marked stopped with a bound 250 EUR/yr above its objective, by hand: 16,795.66 + 250 = 17,045.66, gap 1.4667 %."""
    from symbiosis.types import Status

    summary = rp.read_result(tiny_out).summary
    assert rp.html.time_limit_banner(summary) == ""
    stopped = summary.model_copy(update={"status": Status.time_limit, "best_bound": summary.objective + 250, "mip_gap": 250 / (summary.objective + 250)})
    text = rp.html.time_limit_banner(stopped)
    assert "Stopped by the time limit: at most 250 EUR/yr more possible, gap 1.5 %" in text
    assert "16,796 found, 17,046 at most" in text
    unknown = summary.model_copy(update={"status": Status.time_limit, "best_bound": None, "mip_gap": None})
    assert "the bound is unknown" in rp.html.time_limit_banner(unknown)


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console
    from rich.status import Status

    monkeypatch.setattr(cli, "out", Console(file=io.StringIO(), force_terminal=True))
    assert isinstance(cli.progress("Solving ..."), Status)
    assert not isinstance(cli.progress("Solving ...", quiet=True), Status)
    monkeypatch.setattr(cli, "out", Console(file=io.StringIO(), force_terminal=False))
    assert not isinstance(cli.progress("Solving ..."), Status)  # piped: nothing

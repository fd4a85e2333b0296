"""No page and no workbook symbiosis writes shows ``nan``, ``inf`` or a negative zero.

Every figure on a page goes through ``page.numbers`` (``number``, ``percent``,
``with_unit``): a missing figure is empty or a dash, a figure that rounds to zero has no
sign. The scenario below is built to hit the edges: an exchange into a peak demand that
the allocation rule credits no share (quantity 0, no price band: DESIGN.md section 4,
"Savings per match"), and a road exchange whose CO2 avoided is a few grams below zero
(its transport's). Every kind of page is written from it (the report, the company
sheets, a comparison, a front, alternatives, a sweep and a roadmap) and ``results.xlsx``, and each
is scanned. A second scenario, a realised exchange that loses a few cents a year, gives a
network, a progress section and a roadmap whose totals are a few cents below zero.

The scenario, by hand (``link_fixed_cost_eur_per_year`` 0, parking walks, rho = 1):

- parking: the hall needs 100 spaces by day and 90 at night (p_d = 250 EUR/space/yr,
  100 kg CO2/space); lot A has 100 spare by day and none at night, lot B none by day and
  90 at night. Both links cut the peak to 0 (cut 100, 25,000 EUR/yr); A alone leaves
  the night's 90 (cut 10), B alone the day's 100 (cut 0). Stand-alone reductions:
  r_A = 100 - max(0, 90) = 10, r_B = 100 - max(100, 0) = 0, so A's link is credited the
  whole cut (quantity 100, 25,000 EUR/yr, 10 t CO2) and B's link none (quantity 0,
  savings 0, no price band), though the peak needs it: it carries the night's 90.
- cardboard: 2 t/yr from lot A to the hall, 0.289107 km (0.002 deg of latitude x 1.3);
  CO2 avoided = -(0.10 kg/tkm x 0.289107 km x 2 t) / 1000 = -0.0000578 t/yr.

The realised loss (``LOSS_FILES``): the same cardboard at prices 0, held by progress.csv
(realised) and made to flow by ``min_quantity`` 2: savings = -(0.15 EUR/tkm x 0.289107 km
x 2 t) = -0.0867322 EUR/yr, the network's too. Its roadmap over 3 years starts it in year
0 (realised): discounted savings = -0.0867322 x (1 + 1.05^-1 + 1.05^-2) = -0.0867322 x
2.859410 = -0.248003 EUR.
"""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import write_scenario
from symbiosis.cli import app
from symbiosis.io.read.results import read_result

runner = CliRunner()

FILES = {
    "scenario.yaml": (
        "format: 1\n"
        "name: zero share\n"
        "tables: {companies: companies.csv, resources: resources.csv, streams: streams.csv, profiles: profiles.csv, uncertainty: uncertainty.csv}\n"
        "settings:\n  link_fixed_cost_eur_per_year: 0\n  road_cost_eur_per_tkm: 0.15\n  road_co2_kg_per_tkm: 0.10\n  detour_factor: 1.3\n"
    ),
    "companies.csv": "id,name,sector,lat,lon\nlot_a,Lot A,offices,50.850,4.700\nlot_b,Lot B,offices,50.854,4.700\nhall,Event hall,leisure,50.852,4.700\n",
    "resources.csv": (
        "id,family,unit,pricing,transport,kg_per_unit,pipe_capex_eur_per_m,max_distance_km\n"
        "parking,parking,space,peak,walk,,,0.5\n"
        "cardboard,material,t,volume,road,1000,,\n"
    ),
    "streams.csv": (
        "id,company,direction,resource,quantity,price_eur_per_unit,co2_kg_per_unit,temperature_c,profile,min_quantity\n"
        "a_spare,lot_a,supply,parking,100,0,0,,by_day,\n"
        "b_spare,lot_b,supply,parking,90,0,0,,at_night,\n"
        "hall_need,hall,demand,parking,100,250,100,,hall,\n"
        "a_cardboard,lot_a,supply,cardboard,2,30,0,,,\n"
        "hall_cardboard,hall,demand,cardboard,2,20,0,,,\n"
    ),
    "profiles.csv": "profile,slot,value\nby_day,day,1\nby_day,night,0\nat_night,day,0\nat_night,night,1\nhall,day,100\nhall,night,90\n",
    "uncertainty.csv": "stream,field,low,high,distribution\nhall_need,price_eur_per_unit,200,300,uniform\n",
}

LOSS_FILES = {
    "scenario.yaml": (
        "format: 1\n"
        "name: a realised loss\n"
        "tables: {companies: companies.csv, resources: resources.csv, streams: streams.csv, progress: progress.csv}\n"
        "settings:\n  link_fixed_cost_eur_per_year: 0\n  road_cost_eur_per_tkm: 0.15\n  road_co2_kg_per_tkm: 0.10\n  detour_factor: 1.3\n"
    ),
    "companies.csv": "id,name,sector,lat,lon\nlot_a,Lot A,offices,50.850,4.700\nhall,Event hall,leisure,50.852,4.700\n",
    "resources.csv": "id,family,unit,pricing,transport,kg_per_unit,pipe_capex_eur_per_m,max_distance_km\ncardboard,material,t,volume,road,1000,,\n",
    "streams.csv": (
        "id,company,direction,resource,quantity,price_eur_per_unit,co2_kg_per_unit,min_quantity\n"
        "a_cardboard,lot_a,supply,cardboard,2,0,0,2\n"
        "hall_cardboard,hall,demand,cardboard,2,0,0,\n"
    ),
    "progress.csv": "source,target,stage,since\nlot_a,hall,realised,2022-05-01\n",
}

# A figure that is not one: NaN or infinity in any spelling, or a zero with a minus sign.
BAD = re.compile(r"(?i)\b(nan|inf|infinity)\b|(?<![\w.])-0(?:[.,]0+)?(?![\d.,])")


class Visible(HTMLParser):
    """The text a reader sees (scripts and styles left out), and the attributes a reader may see or a table sorts by."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts += [v for k, v in attrs if k in ("title", "alt", "aria-label") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def bad_figures(page: Path) -> list[str]:
    """Each place on a page where a figure reads nan, inf or -0 (with its surroundings)."""
    text = " ".join(Visible(page.read_text(encoding="utf-8")).parts)
    return [text[max(0, m.start() - 60): m.end() + 20] for m in BAD.finditer(text)]


def excel_decimals(fmt: str) -> tuple[int, bool]:
    """(decimals, percent) of a number format's first section."""
    first = fmt.split(";")[0]
    m = re.search(r"0\.([0#]+)", first)
    return (len(m.group(1)) if m else 0), "%" in first


def bad_cells(book: Path) -> list[str]:
    """Each cell of a workbook that holds NaN or infinity, reads nan or inf, or shows as a zero with a minus sign
    (a negative number whose format has no section of its own for negatives and rounds it to 0)."""
    from openpyxl import load_workbook

    found = []
    for ws in load_workbook(book).worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                where = f"{ws.title}!{c.coordinate}"
                if isinstance(v, str) and BAD.search(v):
                    found.append(f"{where}: {v[:80]!r}")
                if not isinstance(v, int | float) or isinstance(v, bool):
                    continue
                if not math.isfinite(v):
                    found.append(f"{where}: {v}")
                elif v < 0 and c.number_format != "General" and ";" not in c.number_format:
                    decimals, pct = excel_decimals(c.number_format)
                    if round(abs(v) * (100 if pct else 1), decimals) == 0:
                        found.append(f"{where}: {v} shown as -0 ({c.number_format})")
    return found


def run(*args: str) -> None:
    done = runner.invoke(app, [*args, "-q"] if args[0] in ("solve", "pareto", "alternatives", "sweep") else list(args))
    assert done.exit_code == 0, (args, done.output)


@pytest.fixture(scope="module")
def every_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every kind of page and results.xlsx, written from the scenario above."""
    tmp = tmp_path_factory.mktemp("figures")
    scenario = write_scenario(tmp / "zero_share", FILES)
    run("solve", str(scenario), "--out", str(tmp / "out"), "--report", "--xlsx")
    run("solve", str(scenario), "--out", str(tmp / "without"), "--without", "lot_b", "--report")
    run("sheets", str(tmp / "out"), "--out", str(tmp / "sheets"))
    run("compare", str(tmp / "out"), str(tmp / "without"), "--out", str(tmp / "compare"))
    run("pareto", str(scenario), "--out", str(tmp / "front"), "--points", "2")
    run("alternatives", str(scenario), "--out", str(tmp / "alts"), "--k", "1")
    run("sweep", str(scenario), "--out", str(tmp / "sweep"), "--samples", "4", "--workers", "0", "--mode", "evaluate")
    run("roadmap", str(tmp / "out"), "--out", str(tmp / "roadmap"), "--years", "3")
    loss = write_scenario(tmp / "realised_loss", LOSS_FILES)
    run("solve", str(loss), "--out", str(tmp / "loss"), "--report", "--xlsx")
    run("sheets", str(tmp / "loss"), "--out", str(tmp / "loss_sheets"))
    run("roadmap", str(tmp / "loss"), "--out", str(tmp / "loss_roadmap"), "--years", "3")
    return tmp


def test_the_scenario_is_as_worked_out_by_hand(every_page: Path) -> None:
    """The edges the scan relies on are there: B's link credited nothing and without a band, A's the whole cut, the
    cardboard's CO2 a few grams below zero."""
    m = read_result(every_page / "out").matches.set_index("supply_stream")
    assert m.loc["b_spare", "quantity"] == 0 and m.loc["b_spare", "savings_eur_per_year"] == 0
    assert m.loc["b_spare", "price_floor_eur_per_unit"] != m.loc["b_spare", "price_floor_eur_per_unit"]  # NaN: no band
    assert m.loc["a_spare", "quantity"] == pytest.approx(100) and m.loc["a_spare", "savings_eur_per_year"] == pytest.approx(25_000)
    assert m.loc["a_cardboard", "co2_avoided_t_per_year"] == pytest.approx(-0.10 * 0.289107 * 2 / 1000, rel=1e-4)
    loss = read_result(every_page / "loss").matches
    assert list(loss["stage"]) == ["realised"] and loss["savings_eur_per_year"].sum() == pytest.approx(-0.0867322, rel=1e-5)
    meta = json.loads((every_page / "loss_roadmap" / "roadmap.json").read_text(encoding="utf-8"))
    assert meta["discounted_savings_eur"] == pytest.approx(-0.248003, rel=1e-5)
    assert meta["savings_started_eur_per_year"] == meta["network_savings_eur_per_year"] == pytest.approx(-0.0867322, rel=1e-5)


def test_no_page_shows_nan_inf_or_a_negative_zero(every_page: Path) -> None:
    """Every page written (report, sheets, comparison, front, alternatives, sweep, roadmap; the realised loss's report,
    sheets and roadmap) reads no nan, inf or -0."""
    pages = sorted(every_page.rglob("*.html"))
    kinds = {p.relative_to(every_page).parts[0] for p in pages}
    assert kinds >= {"out", "without", "sheets", "compare", "front", "alts", "sweep", "roadmap", "loss", "loss_sheets", "loss_roadmap"}, kinds
    found = {str(p.relative_to(every_page)): bad_figures(p) for p in pages}
    assert {k: v for k, v in found.items() if v} == {}


def test_results_workbook_shows_no_nan_inf_or_negative_zero(every_page: Path) -> None:
    """results.xlsx: no NaN or infinite cell, no text reading nan, and no negative figure shown as -0.0 (the
    cardboard's CO2, -0.0000578 t/yr, in a column formatted #,##0.0 shows 0.0)."""
    book = every_page / "out" / "results.xlsx"
    assert bad_cells(book) == []
    assert bad_cells(every_page / "loss" / "results.xlsx") == []  # the realised loss's: -0.0867 EUR/yr, -0.0000578 t/yr
    from openpyxl import load_workbook

    ws = load_workbook(book)["matches"]
    ids = [c.value for c in ws[2]]
    row = next(r for r in ws.iter_rows(min_row=3) if r[ids.index("supply_stream")].value == "a_cardboard")
    co2 = row[ids.index("co2_avoided_t_per_year")]
    assert co2.value == pytest.approx(-0.0000578, rel=1e-3)  # the value as in the CSV file, only its format differs


def test_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The scan itself: it finds nan, NaN, inf, -0 and -0.00 in text and in a title, and passes names that hold the letters."""
    page = tmp_path / "p.html"
    page.write_text(
        '<p>a nan b</p><p>NaN</p><td>inf</td><span title="-0.00">x</span><p>-0</p><script>var nan = 1;</p></script>'
        "<p>Multi-tenant office, finance, point-01, -0.5, 10-0 and 0.00</p>",
        encoding="utf-8",
    )
    assert len(bad_figures(page)) == 5


def test_the_formatting_functions_at_their_edges() -> None:
    """page.numbers by hand: no figure reads nan, inf or -0 (an infinite figure is the sign of infinity)."""
    from symbiosis.io.write.page import number, percent, signed, with_unit
    from symbiosis.io.write.page.numbers import cell_format

    nan = float("nan")
    assert [number(nan, "money"), number(None), number(-0.0004, "money"), number(-0.004, "price"), number(-0.04, "co2")] == ["", "", "0", "0.00", "0.0"]
    assert [with_unit(nan, "EUR/yr"), percent(nan), percent(-1e-9), percent(1.18808e-16), percent(0.0)] == ["\u2013", "", "0 %", "0 %", "0 %"]
    assert [signed(-0.001, decimals=2), signed(0.834, decimals=2), signed(-0.834, decimals=2), signed(nan), signed(float("inf"))] == ["0.00", "+0.83", "-0.83", "\u2013", "\u2013"]
    assert [signed(-0.4, "money"), signed(1234.5, "money"), signed(0.08, "gap"), signed(-90.0, "quantity")] == ["0", "+1,234", "+8.0 %", "-90"]
    assert [cell_format(-0.00005, "#,##0.0"), cell_format(-0.05, "#,##0.0"), cell_format(-0.0004, "0.0%"), cell_format(-0.004, "0.0%")] == [
        "#,##0.0;#,##0.0", "#,##0.0", "0.0%;0.0%", "0.0%"]

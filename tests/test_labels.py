"""Names and figures as people read them, wherever they are shown: the comparison's totals by the measure registry's
labels and units (page and terminal), gaps as percentages in the terminal, the terminal's column headers from
``io/write/columns.py``, and the sweep's pictures naming companies as the page does.

The scenario is ``tests/test_page_figures.py``'s, by hand: solved whole, lot A's and lot B's links cut the hall's
parking peak by 100 spaces (2,500 m2 at 25 m2 a space); without lot B, lot A alone cuts 10 (250 m2): land freed
2,500 -> 250, change -2,250, and lot A's link's quantity 100 -> 10 spaces (change -90).
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import write_scenario
from symbiosis.cli import app
from test_page_figures import FILES
from test_report import Page, table_headers
from test_sheets import _forced

runner = CliRunner()
WIDE = {"COLUMNS": "220"}  # a wide terminal: each table row on one line


def cli(*args: str) -> str:
    done = runner.invoke(app, list(args), env=WIDE)
    assert done.exit_code == 0, done.output
    return done.output


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("labels")
    scenario = write_scenario(tmp / "zero_share", FILES)
    cli("solve", str(scenario), "--out", str(tmp / "base"), "-q")
    cli("solve", str(scenario), "--out", str(tmp / "without"), "--without", "lot_b", "-q")
    return scenario, tmp / "base", tmp / "without"


def row_of(output: str, label: str) -> list[str]:
    """The cells of the terminal table row that starts with ``label``."""
    for line in output.splitlines():
        cells = [c.strip() for c in re.split(r"[\u2502|]", line) if c.strip()]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r} in:\n{output}")


def test_compare_totals_by_their_labels_and_units(two: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """The comparison's totals read 'Land freed (m2)' with 2,500, 250 and -2,250 (module docstring), on the page and in
    the terminal, and never a raw key (measures.co2_t); net savings and CO2 once each (the measures savings_eur and
    co2_t are the same figures); the matches table's headers in the terminal are labels with units, its quantity with
    the row's unit (-90 space)."""
    _, base, other = two
    output = cli("compare", str(base), str(other), "--out", str(tmp_path / "diff"))
    text = (tmp_path / "diff" / "report.html").read_text(encoding="utf-8")
    rows = {r[0]: r[1:] for r in Page(text).tables["totals-table"]}
    assert rows["Land freed (m2)"] == ["2,500", "250", "-2,250"]
    assert rows["Gap"][:2] == ["0 %", "0 %"]
    assert "Material reused (t/yr)" in rows and "Truck-km (km/yr)" in rows and "Heat recovered (MWh/yr)" in rows
    assert list(rows).count("Net savings (EUR/yr)") == 1 and list(rows).count("CO2 avoided (t/yr)") == 1
    for shown in (text, output):
        assert "measures." not in shown
    assert row_of(output, "Land freed (m2)")[1:] == ["2,500", "250", "-2,250"]
    assert row_of(output, "CO2 avoided (t/yr)")[1:] == ["10.0", "1.0", "-9.0"]
    assert row_of(output, "Gap")[1:3] == ["0 %", "0 %"]
    heads = row_of(output.replace("\u2503", "\u2502"), "Change")
    assert "Land freed (m2)" in heads and "Savings (EUR/yr)" in heads and not any("_" in h for h in heads), heads
    assert "-90 space" in row_of(output, "changed")
    assert "land_freed_m2" not in output


def test_gaps_in_the_terminal_are_percentages(two: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """A gap of 1.18808e-16 (HiGHS's rounding of an optimum) reads 0 %, never 1.18808e-16; a time-limited result's
    gap of (950 - 650) / 650 = 46.2 % reads 46 % in compare's note and its totals; solve's status line says 'gap 0 %'."""
    _, base, other = two
    copy = tmp_path / "base"
    shutil.copytree(base, copy)
    summary = json.loads((copy / "summary.json").read_text(encoding="utf-8"))
    summary["mip_gap"] = 1.18808e-16
    (copy / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    output = cli("compare", str(copy), str(other))
    assert "e-16" not in output and row_of(output, "Gap")[1] == "0 %"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    stopped, proven = _forced(tmp_path / "a", "time_limit"), _forced(tmp_path / "b", "optimal")
    output = cli("compare", str(proven), str(stopped))
    assert "not proven, gap 46 %" in output and row_of(output, "Gap")[1:] == ["0 %", "46 %", "+46 %"]
    assert "status: optimal (gap 0 %)" in cli("solve", str(two[0]), "--out", str(tmp_path / "again"))


def svg_texts(path: Path) -> list[str]:
    return ["".join(t.itertext()) for t in ET.parse(path).getroot().iter("{http://www.w3.org/2000/svg}text")]


def test_sweep_pictures_name_companies_as_the_page_does(two: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """The sweep's pictures label a match by its companies' names (Lot A -> Event hall (parking)) and a driver by the
    input as written in uncertainty.csv (hall_need:price_eur_per_unit) with its company's name (Event hall)."""
    cli("sweep", str(two[0]), "--out", str(tmp_path / "sweep"), "--samples", "4", "--workers", "0", "--mode", "evaluate", "-q")
    matches = svg_texts(tmp_path / "sweep" / "sweep_matches.svg")
    for label in ("Lot A \u2192 Event hall (parking)", "Lot B \u2192 Event hall (parking)", "Lot A \u2192 Event hall (cardboard)"):
        assert label in matches, matches
    assert not any("lot_a" in t for t in matches)
    drivers = svg_texts(tmp_path / "sweep" / "sweep_drivers.svg")
    assert any(t.startswith("hall_need:price_eur_per_unit") and "Event hall" in t for t in drivers), drivers
    page = (tmp_path / "sweep" / "report.html").read_text(encoding="utf-8")
    assert all("Event hall" in " ".join(r) for r in Page(page).tables["match-robustness-table"])  # the page names them too
    assert table_headers(page, "drivers-table")[1] == "Input (stream:field)"

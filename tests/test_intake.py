"""``symbiosis intake`` and ``symbiosis merge``: one workbook per company, taken back with every change listed.

The scenario is the small register of ``test_estimate`` estimated with its own
coefficient table: company ``a`` has two estimated streams, ``a_cardboard_supply`` (8 t,
range [4, 12]) and ``a_heat_demand`` (280 MWh, range [240, 320]); ``b`` has
``b_cardboard_supply`` and ``b_heat_demand``.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from symbiosis import api
from symbiosis.cli import app
from symbiosis.io.read.intake import COLUMNS
from test_estimate import COEFFICIENTS, register

runner = CliRunner()


@pytest.fixture
def estimated(tmp_path: Path) -> Path:
    coefficients = tmp_path / "coefficients.csv"
    coefficients.write_text(COEFFICIENTS, encoding="utf-8")
    new = tmp_path / "estimated"
    api.estimate(register(tmp_path / "reg"), coefficients).write(new)
    return new


def _book(scenario: Path, company: str, out: Path) -> Path:
    coefficients = scenario.parent / "coefficients.csv"
    result = runner.invoke(app, ["intake", str(scenario), "--company", company, "--out", str(out), "--coefficients", str(coefficients)])
    assert result.exit_code == 0, result.output
    return out


def _edit(book: Path, edits: dict[tuple[int, str], object], out: Path | None = None) -> Path:
    """Set cells of the streams sheet by (spreadsheet row, column name); save as ``out``."""
    wb = openpyxl.load_workbook(book)
    ws = wb["streams"]
    for (row, column), value in edits.items():
        ws.cell(row, COLUMNS.index(column) + 1, value)
    target = out or book
    wb.save(target)
    return target


def _row_of(book: Path, stream: str) -> int:
    ws = openpyxl.load_workbook(book)["streams"]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == stream:
            return r
    raise AssertionError(stream)


def _streams(folder: Path) -> dict[str, dict[str, str]]:
    with open(folder / "streams.csv", newline="", encoding="utf-8") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def test_intake_lists_the_company_streams_with_values_ranges_and_sources(estimated: Path, tmp_path: Path) -> None:
    book = _book(estimated, "a", tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["README", "company", "streams"]
    ws = wb["streams"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    rows = {ws.cell(r, 1).value: {COLUMNS[j]: ws.cell(r, j + 1).value for j in range(len(COLUMNS))} for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}
    assert set(rows) == {"a_cardboard_supply", "a_heat_demand"}
    paper = rows["a_cardboard_supply"]
    assert (paper["quantity"], paper["low"], paper["high"], paper["unit"], paper["source"]) == (8, 4, 12, "t", "estimated: ROOT-PAPER")
    assert paper["basis"].startswith("0.2 t per employee x 40 employees")
    assert rows["a_heat_demand"]["low"] == 240 and rows["a_heat_demand"]["high"] == 320
    info = {wb["company"].cell(r, 1).value: wb["company"].cell(r, 2).value for r in range(2, wb["company"].max_row + 1)}
    assert info["company"] == "a" and info["nace"] == "62.01" and info["activity"] == "Computer programming activities"
    # Every text cell is text, never a formula.
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_confirmed_becomes_measured_and_loses_its_range_corrected_takes_the_new_value(estimated: Path, tmp_path: Path) -> None:
    book = _book(estimated, "a", tmp_path / "a.xlsx")
    paper, heat = _row_of(book, "a_cardboard_supply"), _row_of(book, "a_heat_demand")
    _edit(book, {(paper, "answer"): "confirm", (heat, "quantity"): 300, (heat, "answer"): "correct", (heat, "comment"): "meter readings 2024"})
    out = tmp_path / "merged"
    result = runner.invoke(app, ["merge", str(estimated), str(book), "--out", str(out)])
    assert result.exit_code == 0, result.output
    streams = _streams(out)
    assert streams["a_cardboard_supply"]["source"] == "measured" and float(streams["a_cardboard_supply"]["quantity"]) == 8
    assert streams["a_heat_demand"]["source"] == "measured" and float(streams["a_heat_demand"]["quantity"]) == 300
    ranges = set(pd.read_csv(out / "uncertainty.csv")["stream"])
    assert "a_cardboard_supply" not in ranges and "a_heat_demand" not in ranges and "b_cardboard_supply" in ranges
    changes = pd.read_csv(out / "changes.csv", keep_default_na=False)
    listed = {(r.stream, r.change, r.field): (str(r.old), str(r.new)) for r in changes.itertuples()}
    assert listed[("a_cardboard_supply", "confirmed", "source")] == ("estimated: ROOT-PAPER", "measured")
    assert listed[("a_heat_demand", "corrected", "quantity")] == ("280", "300")
    assert listed[("a_heat_demand", "comment", "comment")] == ("", "meter readings 2024")
    # The other companies' streams are untouched.
    assert streams["b_cardboard_supply"] == _streams(estimated)["b_cardboard_supply"]


def test_remove_and_add(estimated: Path, tmp_path: Path) -> None:
    book = _book(estimated, "a", tmp_path / "a.xlsx")
    paper = _row_of(book, "a_cardboard_supply")
    _edit(book, {(paper, "answer"): "remove", (4, "id"): "a_pallets", (4, "resource"): "cardboard", (4, "direction"): "supply", (4, "quantity"): 3, (4, "answer"): "add"})
    merged = api.merge(estimated, [book])
    assert "a_cardboard_supply" not in merged.scenario.stream_by_id
    added = merged.scenario.stream_by_id["a_pallets"]
    assert (added.company, added.quantity, added.source) == ("a", 3, "measured")


def test_workbook_of_a_company_not_in_the_scenario_is_refused(estimated: Path, tmp_path: Path) -> None:
    book = _book(estimated, "a", tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["company"]["B2"] = "zz"
    wb.save(book)
    result = runner.invoke(app, ["merge", str(estimated), str(book), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2, result.output
    assert "a.xlsx, sheet 'company': row 2, column 'value' (cell B2): the workbook is of company 'zz', which is not in the scenario" in result.output
    assert not (tmp_path / "m").exists()


def test_two_workbooks_of_one_company_are_refused(estimated: Path, tmp_path: Path) -> None:
    book = _book(estimated, "a", tmp_path / "a.xlsx")
    twin = tmp_path / "a-again.xlsx"
    shutil.copy(book, twin)
    result = runner.invoke(app, ["merge", str(estimated), str(book), str(twin), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "a-again.xlsx, sheet 'company': row 2, column 'value' (cell B2): a second workbook of company 'a'" in result.output


def test_a_stream_of_another_company_in_the_list_is_refused(estimated: Path, tmp_path: Path) -> None:
    """Rows pasted from b's workbook into a's: the listed rows no longer hold what the scenario has for a."""
    book = _book(estimated, "a", tmp_path / "a.xlsx")
    row = _row_of(book, "a_cardboard_supply")
    _edit(book, {(row, "id"): "b_cardboard_supply"})
    result = runner.invoke(app, ["merge", str(estimated), str(book), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert f"a.xlsx, sheet 'streams': row {row}, column 'id' (cell A{row}): holds 'b_cardboard_supply' where the scenario has 'a_cardboard_supply'" in result.output


def test_a_clashing_id_is_refused(estimated: Path, tmp_path: Path) -> None:
    book = _book(estimated, "a", tmp_path / "a.xlsx")
    _edit(book, {(4, "id"): "b_heat_demand", (4, "resource"): "heat", (4, "direction"): "demand", (4, "quantity"): 5, (4, "answer"): "add"})
    result = runner.invoke(app, ["merge", str(estimated), str(book), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "a.xlsx, sheet 'streams': row 4, column 'id' (cell A4): the stream id 'b_heat_demand' is taken (by company 'b')" in result.output


def test_a_workbook_edited_outside_its_cells_is_refused(estimated: Path, tmp_path: Path) -> None:
    book = _book(estimated, "a", tmp_path / "a.xlsx")
    row = _row_of(book, "a_heat_demand")
    _edit(book, {(row, "unit"): "kWh", (row, "high"): 999})
    result = runner.invoke(app, ["merge", str(estimated), str(book), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert f"sheet 'streams': row {row}, column 'unit' (cell D{row}): holds 'kWh' where the scenario has 'MWh'" in result.output
    assert f"sheet 'streams': row {row}, column 'high' (cell G{row})" in result.output
    wb = openpyxl.load_workbook(book)
    wb["streams"]["R1"] = "my notes"
    wb.save(book)
    result = runner.invoke(app, ["merge", str(estimated), str(book), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "column was added to the header" in result.output


def test_a_bad_value_in_an_editable_cell_is_named(estimated: Path, tmp_path: Path) -> None:
    book = _book(estimated, "a", tmp_path / "a.xlsx")
    row = _row_of(book, "a_heat_demand")
    _edit(book, {(row, "quantity"): "12,5", (row, "answer"): "correct"})
    result = runner.invoke(app, ["merge", str(estimated), str(book), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and f"row {row}, column 'quantity' (cell E{row}): expected a number, got '12,5' (use a decimal point" in result.output


def test_round_trip_returned_unchanged_or_confirmed_solves_the_same(estimated: Path, tmp_path: Path) -> None:
    """estimate -> intake -> merge: every workbook returned unchanged gives the same tables; every one confirmed gives the
    same streams, all measured and without ranges, and a solve equal to the estimated scenario's."""
    sc = api.load_scenario(estimated)
    companies = sorted({s.company for s in sc.streams})
    books = [_book(estimated, c, tmp_path / f"{c}.xlsx") for c in companies]
    same = api.merge(estimated, books)
    same.write(tmp_path / "unchanged")
    assert (tmp_path / "unchanged" / "streams.csv").read_bytes() == (estimated / "streams.csv").read_bytes()
    assert (tmp_path / "unchanged" / "uncertainty.csv").read_bytes() == (estimated / "uncertainty.csv").read_bytes()
    assert len(same.changes) == 0
    for book, company in zip(books, companies):
        n = sum(1 for s in sc.streams if s.company == company)
        _edit(book, {(r, "answer"): "confirm" for r in range(2, n + 2)})
    confirmed = api.merge(estimated, books)
    confirmed.write(tmp_path / "confirmed")
    back = api.load_scenario(tmp_path / "confirmed")
    assert all(s.source == "measured" for s in back.streams) and not back.uncertainty
    base, again = api.solve(sc), api.solve(back)
    assert again.summary.net_savings_eur_per_year == pytest.approx(base.summary.net_savings_eur_per_year, rel=1e-9)
    assert again.summary.co2_avoided_t_per_year == pytest.approx(base.summary.co2_avoided_t_per_year, rel=1e-9)
    key = ["kind", "source", "target", "supply_stream", "demand_stream"]
    pd.testing.assert_frame_equal(base.matches[key + ["quantity"]], again.matches[key + ["quantity"]])
    assert base.summary.estimates is not None and again.summary.estimates is None


def test_sweep_names_the_companies_to_ask(estimated: Path, tmp_path: Path) -> None:
    """The top driver's company is asked, with its intake command. A company is asked only for a driver that is
    distinguishable after the Benjamini-Hochberg adjustment (README, Sweeps): 12 samples left the top one at
    p_adjusted 0.16, so the sweep takes 40."""
    result = runner.invoke(app, ["sweep", str(estimated), "--out", str(tmp_path / "sweep"), "--samples", "40", "--workers", "0"])
    assert result.exit_code == 0, result.output
    drivers = pd.read_csv(tmp_path / "sweep" / "drivers.csv", keep_default_na=False)
    sc = api.load_scenario(estimated)
    for r in drivers.itertuples():
        assert r.company == sc.stream_by_id[r.stream].company and r.source == sc.stream_by_id[r.stream].source
    moving = drivers[drivers["index"] != 0]
    assert len(moving) and moving.iloc[0]["distinguishable"] == "yes", drivers
    assert f"ask {moving.iloc[0]['company']} (" in result.output
    assert f"symbiosis intake {estimated} --company {moving.iloc[0]['company']}" in result.output


def test_intake_refuses_an_unknown_company_and_an_existing_file(estimated: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["intake", str(estimated), "--company", "aa", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "no company 'aa' in the scenario; did you mean 'a'?" in result.output
    book = _book(estimated, "a", tmp_path / "a.xlsx")
    again = runner.invoke(app, ["intake", str(estimated), "--company", "a", "--out", str(book)])
    assert again.exit_code == 2 and "exists (perhaps a workbook already filled in)" in again.output
    assert runner.invoke(app, ["intake", str(estimated), "--company", "a", "--out", str(book), "--force"]).exit_code == 0


def test_merge_refuses_a_workbook_that_is_not_an_intake_workbook(estimated: Path, tmp_path: Path) -> None:
    template = tmp_path / "park.xlsx"
    assert runner.invoke(app, ["template", str(template)]).exit_code == 0
    result = runner.invoke(app, ["merge", str(estimated), str(template), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "park.xlsx: has no sheet 'company': it is not a workbook written by 'symbiosis intake'" in result.output


def test_merge_lists_only_real_changes(estimated: Path, tmp_path: Path) -> None:
    """A stream measured already and corrected again changes its quantity, not its source: changes.csv lists the
    quantity (300 -> 310) and no "source: measured -> measured"."""
    book = _book(estimated, "a", tmp_path / "a.xlsx")
    heat = _row_of(book, "a_heat_demand")
    _edit(book, {(heat, "quantity"): 300, (heat, "answer"): "correct"})
    first = tmp_path / "first"
    assert runner.invoke(app, ["merge", str(estimated), str(book), "--out", str(first)]).exit_code == 0
    (first / "coefficients.csv").write_bytes((estimated.parent / "coefficients.csv").read_bytes())
    again = _book(first, "a", tmp_path / "a2.xlsx")
    heat = _row_of(again, "a_heat_demand")
    _edit(again, {(heat, "quantity"): 310, (heat, "answer"): "correct"})
    second = tmp_path / "second"
    result = runner.invoke(app, ["merge", str(first), str(again), "--out", str(second)])
    assert result.exit_code == 0, result.output
    changes = pd.read_csv(second / "changes.csv", keep_default_na=False)
    listed = {(r.stream, r.change, r.field): (str(r.old), str(r.new)) for r in changes.itertuples()}
    assert listed == {("a_heat_demand", "corrected", "quantity"): ("300", "310")}, listed
    assert "measured -> measured" not in result.output


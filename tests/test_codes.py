"""The shipped code lists (NACE Rev. 2, the European List of Waste) and the checks of the register columns.

The counts are worked out independently of the files shipped:
- NACE Rev. 2 has 21 sections, 88 divisions, 272 groups and 615 classes (Regulation (EC)
  No 1893/2006, Annex I); the shipped list is Eurostat's export of it.
- The List of Waste of Decision 2000/532/EC as amended by 2014/955/EU, counted in a second
  public copy (the French one, MTES-MCT/trackdechets libs/shared/constants/src/WASTES.ts,
  from aida.ineris.fr), not the DEFRA copy the shipped file was derived from: 842 entries,
  408 of them hazardous, in 20 chapters with the counts below.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
from typer.testing import CliRunner

from symbiosis import Scenario, ScenarioError
from symbiosis.cli import app
from symbiosis.schema.codes import ewc_entry, ewc_problem, nace_code, nace_items, nace_path, nace_problem, waste_entries, waste_headings

runner = CliRunner()

CHAPTER_COUNTS = {
    "01": 24, "02": 38, "03": 19, "04": 21, "05": 24, "06": 48, "07": 78, "08": 38, "09": 13, "10": 173,
    "11": 27, "12": 23, "13": 34, "14": 5, "15": 12, "16": 72, "17": 38, "18": 16, "19": 99, "20": 40,
}  # fmt: skip


def test_nace_list_is_complete() -> None:
    levels = collections.Counter(item.level for item in nace_items().values())
    assert levels == {"section": 21, "division": 88, "group": 272, "class": 615}
    assert [c for c, it in nace_items().items() if it.level == "section"] == list("ABCDEFGHIJKLMNOPQRSTU")


def test_list_of_waste_is_complete() -> None:
    entries = waste_entries()
    assert len(entries) == 842
    assert sum(e.hazardous for e in entries.values()) == 408
    assert collections.Counter(code[:2] for code in entries) == CHAPTER_COUNTS
    headings = waste_headings()
    assert sorted(k for k in headings if len(k) == 2) == sorted(CHAPTER_COUNTS)
    assert all(code[:5] in headings for code in entries)  # every entry sits under a sub-chapter


def test_nace_codes_valid_and_unknown_with_the_nearest() -> None:
    assert nace_code("10.71") == nace_code("C10.71") == nace_code("C 10.71") == nace_code("c10.71") == "10.71"
    assert nace_code("C") == "C" and nace_code("72") == "72" and nace_code("72.1") == "72.1"
    assert nace_path("10.71") == ("C", "10", "10.7", "10.71")
    assert nace_problem("10.71") is None
    # 10.79 does not exist; its group 10.7 holds 10.71, 10.72, 10.73: the nearest is 10.73.
    assert "nearest is 10.73 (Manufacture of macaroni" in (nace_problem("10.79") or "")
    assert "is in section C, not A" in (nace_problem("A10.71") or "")
    # A national subclass (NACE-BEL 62.010) points to its class.
    assert "nearest is 62.01 (Computer programming activities)" in (nace_problem("62.010") or "")
    assert "not a NACE Rev. 2 section" in (nace_problem("X") or "") or "not a NACE Rev. 2 code" in (nace_problem("X") or "")


def test_ewc_codes_valid_unknown_and_hazardous_marks() -> None:
    paper = ewc_entry("150101")
    assert paper is not None and paper.code == "15 01 01" and not paper.hazardous
    assert ewc_problem("15 01 01") is None and ewc_problem("150101") is None
    contaminated = ewc_entry("15 01 10*")
    assert contaminated is not None and contaminated.hazardous and contaminated.code == "15 01 10*"
    assert ewc_problem("15 01 10*") is None
    assert "is not a hazardous entry; remove the '*'" in (ewc_problem("15 01 01*") or "")
    # 15 01 08 is not in the list; 15 01 07 and 15 01 09 are one away: the lower one is named.
    assert "nearest is 15 01 07 (Glass packaging" in (ewc_problem("15 01 08") or "")
    assert "is not an EWC code" in (ewc_problem("paper") or "")


def _scenario(companies: list[dict], streams: list[dict]) -> Scenario:
    return Scenario.from_tables(
        companies=companies,
        resources=[{"id": "cardboard", "family": "material", "unit": "t", "pricing": "volume", "transport": "road", "kg_per_unit": 1000},
                   {"id": "heat", "family": "energy", "unit": "MWh", "pricing": "volume", "transport": "none"}],
        streams=streams,
    )  # fmt: skip


COMPANY = {"id": "a", "name": "A", "lat": 50.85, "lon": 4.70}


def test_scenario_names_file_row_column_of_bad_codes() -> None:
    streams = [
        {"id": "s1", "company": "a", "direction": "supply", "resource": "cardboard", "quantity": 5, "ewc": "15 01 01*"},
        {"id": "s2", "company": "a", "direction": "supply", "resource": "cardboard", "quantity": 5, "ewc": "15 01 08"},
    ]
    with pytest.raises(ScenarioError) as err:
        _scenario([{**COMPANY, "nace": "10.79", "employees": 10}], streams)
    text = {(p.file, p.row, p.column): p.message for p in err.value.problems}
    assert "nearest is 10.73" in text[("<companies>", 1, "nace")]
    assert "not a hazardous entry" in text[("<streams>", 1, "ewc")]
    assert "nearest is 15 01 07" in text[("<streams>", 2, "ewc")]


def test_suspect_codes_are_warnings() -> None:
    streams = [
        {"id": "s1", "company": "a", "direction": "supply", "resource": "cardboard", "quantity": 5, "ewc": "15 01 10"},
        {"id": "s2", "company": "a", "direction": "supply", "resource": "heat", "quantity": 5, "ewc": "15 01 01"},
        {"id": "s3", "company": "a", "direction": "supply", "resource": "cardboard", "quantity": 5, "legal_status": "by_product"},
    ]
    sc = _scenario([{**COMPANY, "nace": "C10.71", "employees": 3, "disclose": "no"}], streams)
    found = {(w.row, w.column): w.message for w in sc.warnings}
    assert "hazardous entry: write it '15 01 10*'" in found[(1, "ewc")]
    assert "belongs on a material stream" in found[(2, "ewc")]
    assert "without one it is ignored" in found[(3, "legal_status")]
    assert not sc.company_by_id["a"].discloses


@pytest.mark.parametrize(
    ("cell", "column", "words"),
    [
        ("nace=10.79", "nace", "nearest is 10.73"),
        ("employees=0", "employees", "greater than 0"),
        ("employees=-3", "employees", "greater than 0"),
        ("employees=lots", "employees", "expected a number"),
        ("floor_area_m2=0", "floor_area_m2", "greater than 0"),
        ("disclose=maybe", "disclose", "is not one of"),
    ],
)
def test_bad_register_cells_exit_2_with_file_row_column(tmp_path: Path, cell: str, column: str, words: str) -> None:
    key, value = cell.split("=")
    row = {"id": "a", "name": "A", "sector": "", "lat": "50.85", "lon": "4.7", "nace": "62.01", "employees": "10", "floor_area_m2": "", "disclose": ""}
    row[key] = value
    (tmp_path / "companies.csv").write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n", encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text("format: 1\nname: r\ntables: {companies: companies.csv}\n", encoding="utf-8")
    for command in (["validate", str(tmp_path)], ["estimate", str(tmp_path), "--out", str(tmp_path.parent / "new")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert f"companies.csv: row 2, column '{column}'" in result.output and words in result.output
        assert "Traceback" not in result.output

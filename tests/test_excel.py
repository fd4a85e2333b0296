"""Excel in and out: the template, a filled workbook solved like the CSV folder, bad cells, results.xlsx."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

import symbiosis
from conftest import BASE, CASES, write_scenario
from symbiosis.api import solve
from symbiosis.cli import app

runner = CliRunner()

# The contract's column names (DESIGN.md section 3), written out here on purpose.
CONTRACT = {
    # Turn 3 added the register columns (DESIGN.md section 3): nace, employees, floor_area_m2, disclose; ewc, legal_status, source.
    "companies": ["id", "name", "sector", "lat", "lon", "nace", "employees", "floor_area_m2", "disclose"],
    "resources": ["id", "family", "unit", "pricing", "transport", "kg_per_unit", "pipe_capex_eur_per_m", "max_distance_km"],
    "streams": ["id", "company", "direction", "resource", "quantity", "price_eur_per_unit", "co2_kg_per_unit", "temperature_c", "profile", "min_quantity", "ewc", "legal_status", "source"],
    "profiles": ["profile", "slot", "value"],
    "substitutions": ["supply_resource", "demand_resource", "ratio"],
    "rules": ["rule", "source", "target"],
    # land_m2: an extension where the contract is silent (docs/model.md, "Measures"): the land a size option takes.
    "facilities": ["id", "name", "resource", "lat", "lon", "capacity", "capex_eur", "opex_eur_per_year", "cost_eur_per_unit", "max_distance_km", "land_m2"],
    "links": ["source", "target", "resource", "distance_km", "cost_eur_per_unit", "co2_kg_per_unit", "fixed_cost_eur_per_year"],
    "uncertainty": ["stream", "field", "low", "high", "distribution"],
    # Turn 3, section 4g: the legal route of waste exchanges and the stage of each match.
    "permits": ["company", "ewc"],
    "routes": ["route", "from_legal_status", "to_legal_status", "one_off_eur", "yearly_eur", "lead_time_months", "source"],
    "progress": ["source", "target", "stage", "since"],
}


def _number(text: str) -> Any:
    """A CSV cell as an analyst would type it into Excel: numbers become numbers, empty stays empty."""
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def fill_template(book: Path, folder: Path) -> Path:
    """Fill a template written by 'symbiosis template' from a scenario folder's CSV tables and settings."""
    doc = yaml.safe_load((folder / "scenario.yaml").read_text())
    wb = openpyxl.load_workbook(book)
    for table, file in doc["tables"].items():
        ws = wb[table]
        header = [c.value for c in ws[1]]
        with open(folder / file, newline="", encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                ws.append([_number(rec.get(h, "")) for h in header])
    keys = {wb["settings"].cell(r, 1).value: r for r in range(2, wb["settings"].max_row + 1)}
    for key, value in _flatten(doc.get("settings") or {}).items():
        assert key in keys, f"the template's settings sheet lacks {key}"
        wb["settings"].cell(keys[key], 2, value)
    wb["scenario"]["B3"] = doc["name"]
    wb.save(book)
    return book


def _template(path: Path) -> Path:
    result = runner.invoke(app, ["template", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_template_sheets_headers_lists_and_settings(tmp_path: Path) -> None:
    book = _template(tmp_path / "park.xlsx")
    wb = openpyxl.load_workbook(book)
    assert {"README", "scenario", "settings", *CONTRACT} == set(wb.sheetnames)
    for table, columns in CONTRACT.items():
        ws = wb[table]
        assert [c.value for c in ws[1]] == columns, table
        assert ws.freeze_panes == "A2"
    assert wb["settings"].freeze_panes == "A2"

    def lists(sheet: str) -> dict[str, str]:
        ws = wb[sheet]
        out = {}
        for dv in ws.data_validations.dataValidation:
            column = ws[str(dv.sqref).split(":")[0]].column
            out[ws.cell(1, column).value] = dv.formula1
        return out

    assert lists("resources") == {
        "family": '"material,energy,water,space,parking,service"',
        "pricing": '"volume,peak"',
        "transport": '"road,pipe,walk,none"',
    }
    assert lists("streams") == {"direction": '"supply,demand"', "legal_status": '"waste,by_product,end_of_waste"'}
    assert lists("companies") == {"disclose": '"yes,no"'}
    assert lists("rules") == {"rule": '"forbid,require"'}
    settings = {wb["settings"].cell(r, 1).value: wb["settings"].cell(r, 3).value for r in range(2, wb["settings"].max_row + 1)}
    # The contract's defaults (DESIGN.md section 3 and 4).
    assert settings["solver.time_limit_s"] == 60
    assert settings["annualisation.rate"] == 0.05 and settings["annualisation.years"] == 15
    assert settings["link_fixed_cost_eur_per_year"] == 1000 and settings["detour_factor"] == 1.3
    assert settings["heat_pump.carnot_fraction"] == 0.5
    assert [wb["settings"].cell(1, j).value for j in (1, 2)] == ["key", "value"]
    # No file is replaced without --force.
    assert runner.invoke(app, ["template", str(book)]).exit_code == 2
    assert runner.invoke(app, ["template", str(book), "--force"]).exit_code == 0


def test_template_is_byte_stable(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _template(tmp_path / "a" / "park.xlsx")
    b = _template(tmp_path / "b" / "park.xlsx")
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("case", ["tiny", "pool_parking"])
def test_workbook_solves_like_the_csv_folder(case: str, tmp_path: Path) -> None:
    """Template, filled from the CSVs (with profiles and facilities), solved: the same files as from the folder."""
    folder = write_scenario(tmp_path / "tiny", BASE) if case == "tiny" else CASES / case
    book = fill_template(_template(tmp_path / "book.xlsx"), folder)
    from_book = runner.invoke(app, ["solve", str(book), "--out", str(tmp_path / "from_book")])
    assert from_book.exit_code == 0, from_book.output
    from_csv = runner.invoke(app, ["solve", str(folder), "--out", str(tmp_path / "from_csv")])
    assert from_csv.exit_code == 0, from_csv.output
    for name in ("matches.csv", "flows.csv", "companies.csv", "facilities.csv", "facility_loads.csv"):
        assert (tmp_path / "from_book" / name).read_bytes() == (tmp_path / "from_csv" / name).read_bytes(), name
    a = json.loads((tmp_path / "from_book" / "summary.json").read_text())
    b = json.loads((tmp_path / "from_csv" / "summary.json").read_text())
    assert a["objective"] == b["objective"] and a["input_hash"] == b["input_hash"]
    expected = {"tiny": 1895.663392 + 14900.0, "pool_parking": 36097.313717}[case]  # hand-computed (test_api, cases README)
    assert a["objective"] == pytest.approx(expected, abs=1e-3)


def test_bad_cell_exits_2_naming_sheet_row_column_and_cell(tmp_path: Path) -> None:
    book = fill_template(_template(tmp_path / "book.xlsx"), write_scenario(tmp_path / "tiny", BASE))
    wb = openpyxl.load_workbook(book)
    wb["streams"]["E3"] = "lots"  # quantity of cb_b
    rows = {wb["settings"].cell(r, 1).value: r for r in range(2, wb["settings"].max_row + 1)}
    wb["settings"].cell(rows["solver.time_limit_s"], 2, -5)
    wb.save(book)
    result = runner.invoke(app, ["solve", str(book), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "book.xlsx, sheet 'streams': row 3, column 'quantity' (cell E3): expected a number, got 'lots'" in result.output
    assert f"book.xlsx, sheet 'settings': column 'settings.solver.time_limit_s' (cell B{rows['solver.time_limit_s']}): must be greater than 0" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_workbook_problems_are_named(tmp_path: Path) -> None:
    """Unknown sheet, duplicate column, formula without a saved value, missing required sheet, unreadable file."""
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    companies = wb.create_sheet("companies")
    companies.append(["id", "name", "sector", "lat", "lon", "name"])
    companies.append(["A", "Alpha", "office", "=50+0.85", 4.7])
    wb.create_sheet("resources").append(CONTRACT["resources"])
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(symbiosis.ScenarioError) as info:
        symbiosis.load_scenario(tmp_path / "bad.xlsx")
    text = [str(p) for p in info.value.problems]
    assert any(t.startswith("bad.xlsx: unknown sheet 'Sheet1'") for t in text), text
    assert "bad.xlsx, sheet 'companies': row 1, column 'name': duplicate column name (cells B1 and F1)" in text
    assert "bad.xlsx: the required sheet 'streams' is missing" in text

    wb = openpyxl.Workbook()
    wb.active.title = "companies"
    wb.active.append(CONTRACT["companies"])
    wb.active.append(["A", "Alpha", "office", "=50+0.85", 4.7])
    wb.save(tmp_path / "formula.xlsx")
    with pytest.raises(symbiosis.ScenarioError) as info:
        symbiosis.load_scenario(tmp_path / "formula.xlsx")
    assert any(str(p).startswith("formula.xlsx, sheet 'companies': row 2, column 'lat' (cell D2): holds a formula with no saved result") for p in info.value.problems)

    (tmp_path / "text.xlsx").write_text("not a workbook")
    result = runner.invoke(app, ["validate", str(tmp_path / "text.xlsx")])
    assert result.exit_code == 2 and "text.xlsx: cannot be read as an Excel workbook" in result.output


def test_numbers_typed_as_ids_are_read_as_text(tmp_path: Path) -> None:
    """An id typed as 7 in Excel is the id '7', in the companies sheet and where streams name it."""
    files = dict(BASE)
    files["companies.csv"] = files["companies.csv"].replace("\nA,Alpha", "\n7,Alpha")
    files["streams.csv"] = files["streams.csv"].replace(",A,", ",7,")
    book = fill_template(_template(tmp_path / "book.xlsx"), write_scenario(tmp_path / "s", files))
    sc = symbiosis.load_scenario(book)
    assert {c.id for c in sc.companies} == {"7", "B", "C"} and sc.name == "tiny"
    assert solve(sc).summary["net_savings_eur_per_year"] == pytest.approx(1895.663392 + 14900.0, abs=1e-3)


def test_results_workbook(tmp_path: Path) -> None:
    """results.xlsx for people (io/write/book.py): an overview first (status, headline figures with units,
    the gap), a README, then each table with labels and units in row 1, the CSV's ids in row 2, names beside
    ids, numbers as numbers in a format of their kind, frozen and filtered headers; the machine's summary
    last. Byte-stable apart from the summary's timings; each table sheet read with its ids as the header gives
    the CSV file back."""
    import pandas as pd

    from symbiosis.io.read.results import read_result

    tiny = write_scenario(tmp_path / "tiny", BASE)
    outs = []
    for name in ("a", "b"):
        result = runner.invoke(app, ["solve", str(tiny), "--out", str(tmp_path / name), "--xlsx"])
        assert result.exit_code == 0, result.output
        outs.append(tmp_path / name / "results.xlsx")
    wb = openpyxl.load_workbook(outs[0])
    assert wb.sheetnames == ["overview", "README", "matches", "companies", "facilities", "flows", "facility_loads", "summary"]
    # Byte-stable apart from the timings in the summary sheet (as summary.json).
    za, zb = zipfile.ZipFile(outs[0]), zipfile.ZipFile(outs[1])
    assert za.namelist() == zb.namelist()
    summary_xml = f"xl/worksheets/sheet{wb.sheetnames.index('summary') + 1}.xml"
    assert all(za.read(n) == zb.read(n) for n in za.namelist() if n != summary_xml)

    def untimed(book: Path) -> list[tuple[Any, ...]]:
        return [r for r in openpyxl.load_workbook(book)["summary"].iter_rows(values_only=True) if not str(r[0]).endswith("_seconds")]

    assert untimed(outs[0]) == untimed(outs[1])
    summary = {r[0]: r[1] for r in wb["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["net_savings_eur_per_year"] == pytest.approx(16795.663392, abs=1e-3)
    assert summary["status"] == "optimal" and summary["settings.link_fixed_cost_eur_per_year"] == 100
    # The overview: status in words, figures with units and formats.
    ov = wb["overview"]
    assert str(ov["A2"].value).startswith("Status: optimal")
    figures = {r[0].value: r for r in ov.iter_rows(min_row=5) if r[0].value}
    net = figures["net savings"]
    assert net[1].value == pytest.approx(16795.663392, abs=1e-3) and net[1].number_format == "#,##0" and net[2].value == "EUR/yr"
    assert figures["CO2 avoided"][1].number_format == "#,##0.0" and figures["exchanges"][1].value == 2
    assert figures["gap (how far from the best proven)"][1].number_format == "0.000%"
    assert any("header=1" in str(r[0]) for r in wb["README"].iter_rows(values_only=True))
    # Table sheets: labels with units, ids, names beside ids, frozen and filtered; each gives its CSV file back.
    files = read_result(tmp_path / "a")
    for sheet in ("matches", "companies", "facilities", "flows", "facility_loads"):
        ws = wb[sheet]
        assert ws.freeze_panes == "B3" and str(ws.auto_filter.ref).startswith("A2:"), sheet
        back = pd.read_excel(outs[0], sheet_name=sheet, header=1, keep_default_na=False, na_values=[""])
        csv_frame = getattr(files, sheet)
        assert [c for c in back.columns if not c.endswith("_name") and c != "sector"] == list(csv_frame.columns), sheet
        assert len(back) == len(csv_frame), sheet
        for col in csv_frame.columns:
            if pd.api.types.is_numeric_dtype(csv_frame[col]) and len(csv_frame):
                assert back[col].astype(float).tolist() == pytest.approx(csv_frame[col].astype(float).tolist(), nan_ok=True), (sheet, col)
            else:
                assert back[col].astype(object).fillna("").astype(str).tolist() == csv_frame[col].astype(str).tolist(), (sheet, col)
    m = wb["matches"]
    labels = [c.value for c in m[1]]
    ids = ids_of(m)
    assert ids[:5] == ["kind", "source", "source_name", "target", "target_name"]
    assert {"Savings (EUR/yr)", "CO2 avoided (t/yr)", "Distance (km)", "Price floor (EUR/unit)"} <= set(labels)
    rows = {r[ids.index("demand_stream")].value: r for r in m.iter_rows(min_row=3)}
    park = rows["pk_c"]
    assert park[ids.index("source_name")].value == "Alpha" and park[ids.index("target_name")].value == "Gamma"
    assert park[ids.index("quantity")].value == 30 and park[ids.index("savings_eur_per_year")].value == pytest.approx(14900.0)  # hand-computed in test_api
    for col, fmt in (("savings_eur_per_year", "#,##0"), ("co2_avoided_t_per_year", "#,##0.0"), ("distance_km", "#,##0.00"), ("price_ceiling_eur_per_unit", "#,##0.00")):
        cell = park[ids.index(col)]
        assert cell.data_type == "n" and cell.number_format == fmt, col
    assert park[ids.index("kind")].data_type == "s"
    company_ids = ids_of(wb["companies"])
    companies = {r[0]: r for r in wb["companies"].iter_rows(min_row=3, values_only=True)}
    assert companies["C"][company_ids.index("savings_eur_per_year")] == pytest.approx(7450.0)
    assert companies["C"][company_ids.index("name")] == "Gamma"


def ids_of(ws: Any) -> list[str]:
    """Row 2 of a table sheet: the CSV file's column ids."""
    return [str(c.value) for c in ws[2]]


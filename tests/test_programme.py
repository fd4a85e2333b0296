"""Legal status, permits, routes and the stage of each match (DESIGN.md section 4g), beyond the hand cases.

The hand cases (``tests/cases/legal_*``, ``stage_*``) hold the optima; here: bad input
exits 2 naming file, row and column; a progress row naming no candidate is a warning
that says why; explain names a missing permit, a missing route and a rejection; the
checker catches a route, a lead time, a one-off or a stage that is not the contract's; the
report and compare show the programme; anonymise and --without cover the new tables.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import symbiosis
from symbiosis.analysis.check import check_result
from symbiosis.analysis.explain import why_not
from symbiosis.cli import app
from symbiosis.schema.codes import ewc_prefix

CASES = Path(__file__).parent / "cases"
runner = CliRunner()


def _copy(case: str, tmp: Path, **tables: str) -> Path:
    """A copy of a hand case with some tables written (and listed in scenario.yaml)."""
    folder = tmp / case
    shutil.copytree(CASES / case, folder)
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    for name, body in tables.items():
        (folder / f"{name}.csv").write_text(body, encoding="utf-8")
        if f"{name}: {name}.csv" not in text:
            text = text.replace("streams: streams.csv", f"streams: streams.csv, {name}: {name}.csv")
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("tables", "line"),
    [
        ({"permits": "company,ewc\nnobody,15 01 01\n"}, "permits.csv: row 2, column 'company': unknown company 'nobody'"),
        ({"permits": "company,ewc\npacker,15 99\n"}, "permits.csv: row 2, column 'ewc': '15 99': the List of Waste has no sub-chapter 15 99; the nearest is 15 02"),
        ({"permits": "company,ewc\npacker,cardboard\n"}, "permits.csv: row 2, column 'ewc': 'cardboard' is not an EWC code or prefix"),
        ({"permits": "company,ewc\npacker,15 01 01*\n"}, "permits.csv: row 2, column 'ewc': '15 01 01*': 15 01 01 (Paper and cardboard packaging) is not a hazardous entry"),
        ({"routes": "route,from_legal_status,to_legal_status,one_off_eur,yearly_eur,lead_time_months,source\nr,waste,by_product,-5,0,3,x\n"},
         "routes.csv: row 2, column 'one_off_eur': must be greater than or equal to 0, got '-5'"),
        ({"routes": "route,from_legal_status,to_legal_status,one_off_eur,yearly_eur,lead_time_months,source\nr,waste,by_product,0,-1,3,x\n"},
         "routes.csv: row 2, column 'yearly_eur': must be greater than or equal to 0, got '-1'"),
        ({"routes": "route,from_legal_status,to_legal_status,one_off_eur,yearly_eur,lead_time_months,source\nr,waste,by_product,0,0,-2,x\n"},
         "routes.csv: row 2, column 'lead_time_months': must be greater than or equal to 0, got '-2'"),
        ({"routes": "route,from_legal_status,to_legal_status,one_off_eur,yearly_eur,lead_time_months,source\nr,waste,bi_product,0,0,2,x\n"},
         "routes.csv: row 2, column 'to_legal_status': 'bi_product' is not one of 'waste', 'by_product' or 'end_of_waste'"),
        ({"progress": "source,target,stage,since\nprinter,packer,signed,2025-01-01\n"},
         "progress.csv: row 2, column 'stage': 'signed' is not one of 'proposed', 'studied', 'agreed', 'realised' or 'rejected'"),
        ({"progress": "source,target,stage,since\nprinter,packer,agreed,1/2/2025\n"},
         "progress.csv: row 2, column 'since': expected a date YYYY-MM-DD (or YYYY-MM, YYYY), got '1/2/2025'"),
        ({"progress": "source,target,stage,since\nprinter,nobody,agreed,\n"},
         "progress.csv: row 2, column 'target': 'nobody' names nothing in the scenario (expected a company or a demand stream id)"),
        ({"progress": "source,target,stage,since\npacker_board,printer,agreed,\n"},
         "progress.csv: row 2, column 'source': 'packer_board' is a demand stream"),
        ({"progress": "source,target,stage,since\nprinter,packer,agreed,\nprinter,packer,studied,\n"},
         "progress.csv: row 3, column 'target': printer -> packer has a stage already (row 2)"),
    ],
)
def test_bad_input_exits_2_with_file_row_and_column(tmp_path: Path, tables: dict[str, str], line: str) -> None:
    folder = _copy("legal_permit", tmp_path, **tables)
    res = runner.invoke(app, ["validate", str(folder)])
    assert res.exit_code == 2, res.output
    assert line in " ".join(res.output.split()), res.output
    res = runner.invoke(app, ["solve", str(folder), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and not (tmp_path / "out").exists()


def test_a_progress_row_that_is_no_candidate_is_a_warning_naming_why(tmp_path: Path) -> None:
    """printer -> mill is no candidate (waste, no permit, no route): the row warns, says why, and holds nothing."""
    folder = _copy("legal_permit", tmp_path, progress="source,target,stage,since\nprinter,mill,agreed,2025-01-01\n")
    res = runner.invoke(app, ["validate", str(folder)])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    want = (
        "warning: progress.csv: row 2, column 'target': printer -> mill is not a candidate exchange (printer_board -> mill_board: "
        "no legal route: printer_board is waste 15 01 01 and mill has no permit covering it (permits.csv), nor is there a route "
        "from waste (routes.csv)); its stage 'agreed' and is not held"
    )
    assert want in text, text
    res = runner.invoke(app, ["validate", str(folder), "--strict"])
    assert res.exit_code == 2
    result = symbiosis.solve(symbiosis.load_scenario(folder))
    assert result.summary.objective == pytest.approx(4000.0)  # the optimum of legal_permit: nothing held
    assert any(w["file"] == "progress.csv" and "printer -> mill is not a candidate exchange" in w["message"] for w in result.summary.warnings)
    res = runner.invoke(app, ["solve", str(folder), "--out", str(tmp_path / "out"), "--strict"])
    assert res.exit_code == 2 and not (tmp_path / "out").exists()


def test_a_membership_row_beyond_the_facility_warns(tmp_path: Path) -> None:
    folder = _copy("stage_realised_pool", tmp_path)
    (folder / "companies.csv").write_text("id,name,sector,lat,lon\noffice,Office,services,50.85,4.7\nlaundry,Laundry,services,50.9,4.7\n")
    sc = symbiosis.load_scenario(folder)  # valid: the warning comes with the candidates
    warnings = symbiosis.api.programme_warnings(sc)
    assert any("the pool membership carpark -> laundry_parking is not a candidate: laundry lies" in w.message and "beyond its 0.5 km" in w.message for w in warnings), warnings


def test_explain_names_a_missing_permit_a_missing_route_and_a_rejection(tmp_path: Path) -> None:
    out = symbiosis.solve(symbiosis.load_scenario(CASES / "legal_permit")).write(tmp_path / "permit")
    w = why_not(out, "printer", "mill", force=False)
    assert w.relevant == [("printer_board", "mill_board", "no legal route: printer_board is waste 15 01 01 and mill has no permit covering it (permits.csv), nor is there a route from waste (routes.csv)")]
    out = symbiosis.solve(symbiosis.load_scenario(CASES / "legal_hazardous")).write(tmp_path / "hazardous")
    w = why_not(out, "garage", "kiln", force=False)
    assert "hazardous waste 13 02 05*, which goes only to a receiver whose permit covers it, and kiln has no such permit" in w.relevant[0][2]
    out = symbiosis.solve(symbiosis.load_scenario(CASES / "stage_rejected")).write(tmp_path / "rejected")
    res = runner.invoke(app, ["explain", str(out), "--why-not", "foundry", "brickworks", "--quick"])
    assert res.exit_code == 0 and "not a candidate: rejected since 2024-06" in " ".join(res.output.split()), res.output


def test_explain_breaks_down_the_route_in_the_fixed_cost(tmp_path: Path) -> None:
    """legal_cheapest_route: the breakdown holds the route's 963.42 EUR/yr (CRF x 10,000) and adds up to the savings."""
    out = symbiosis.solve(symbiosis.load_scenario(CASES / "legal_cheapest_route")).write(tmp_path / "out")
    res = runner.invoke(app, ["explain", str(out), "printer_board->packer_board", "--quick"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "legal route of the waste (CRF x one-off + yearly)" in text and "-963" in text
    assert "legal route: raw_material_declaration, lead time 6 months; one-off cost 10,000 EUR" in text


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("route", "self_assessment", "route 'self_assessment' but the permits and routes give 'raw_material_declaration'"),
        ("lead_time_months", 3.0, "lead_time_months 3.0 but its route takes 6"),
        ("one_off_eur", 2000.0, "one_off_eur 2000.0 but its pipe and route cost 10000"),
        ("stage", "agreed", "stage 'agreed' but progress.csv gives 'proposed'"),
        ("savings_eur_per_year", 4000.0, "savings_eur_per_year 4000.0 but recomputed 3036.577"),
    ],
)
def test_checker_catches_a_wrong_route_lead_time_one_off_or_stage(tmp_path: Path, column: str, value: object, fragment: str) -> None:
    sc = symbiosis.load_scenario(CASES / "legal_cheapest_route")
    out = symbiosis.solve(sc).write(tmp_path / "out")
    m = pd.read_csv(out / "matches.csv", keep_default_na=False)
    m[column] = m[column].astype(object)
    m.loc[0, column] = value
    m.to_csv(out / "matches.csv", index=False)
    v = check_result(sc, out).violations
    assert any(fragment in x for x in v), v


def test_checker_catches_an_exchange_without_a_permit_and_a_dropped_hold(tmp_path: Path) -> None:
    """A result that sends the waste to the mill (no permit) breaks the law; one without the agreed link breaks its hold."""
    sc = symbiosis.load_scenario(CASES / "legal_permit")
    out = symbiosis.solve(sc).write(tmp_path / "permit")
    for name in ("matches.csv", "flows.csv"):
        text = (out / name).read_text().replace("packer_board", "mill_board").replace(",packer,", ",mill,")
        (out / name).write_text(text)
    v = check_result(sc, out).violations
    assert any("no legal route: printer_board is waste 15 01 01 and mill has no permit" in x for x in v), v
    sc = symbiosis.load_scenario(CASES / "stage_agreed")
    out = symbiosis.solve(sc).write(tmp_path / "agreed")
    m = pd.read_csv(out / "matches.csv", keep_default_na=False)
    m[m["demand_stream"] != "garden_sand"].to_csv(out / "matches.csv", index=False)
    f = pd.read_csv(out / "flows.csv")
    f[f["demand_stream"] != "garden_sand"].to_csv(out / "flows.csv", index=False)
    v = check_result(sc, out).violations
    assert any("progress.csv: row 2: agreed foundry_sand_out -> garden_sand is held, but no exchange of it is in matches.csv" in x for x in v), v


def test_report_and_summary_show_the_programme(tmp_path: Path) -> None:
    """stage_agreed: the report's progress table and the solve's line: agreed -880 of the network's 1,420 EUR/yr."""
    res = runner.invoke(app, ["solve", str(CASES / "stage_agreed"), "--out", str(tmp_path / "out"), "--report"])
    assert res.exit_code == 0, res.output
    assert "progress: realised 0 match(es), 0 EUR/yr (0%); agreed 1 match(es), -880 EUR/yr (-62%) of the network's 1,420 EUR/yr" in res.output
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    section = page[page.index('id="progress-section"'):page.index('id="matches-section"')]
    assert '<td data-value="agreed">agreed</td><td class="num" data-value="1.0">1</td><td class="num" data-value="-880.0">-880</td>' in section
    assert '<td data-value="studied">studied</td><td class="num" data-value="1.0">1</td><td class="num" data-value="2300.0">2,300</td>' in section
    staged = section[section.index('id="staged-table"'):]
    assert "foundry_sand_out \u2192 garden_sand" in staged and '<td data-value="agreed">agreed</td>' in staged
    plain = runner.invoke(app, ["solve", str(CASES / "legal_permit"), "--out", str(tmp_path / "plain"), "--report"])
    assert "progress:" not in plain.output and 'id="progress-section"' not in (tmp_path / "plain" / "report.html").read_text()


def test_compare_of_two_dates_shows_what_moved(tmp_path: Path) -> None:
    """stage_agreed a year earlier (the landscaper link studied, nothing held): compare lists the link gained and the stage moved."""
    early = _copy("stage_agreed", tmp_path, progress="source,target,stage,since\nfoundry_sand_out,garden_sand,studied,2023-06-01\nfoundry,brickworks,proposed,\n")
    a = symbiosis.solve(symbiosis.load_scenario(early)).write(tmp_path / "year1")
    b = symbiosis.solve(symbiosis.load_scenario(CASES / "stage_agreed")).write(tmp_path / "year2")
    c = symbiosis.compare(a, b)
    moved = c.moved
    assert list(zip(moved["demand_stream"], moved["base_stage"], moved["other_stage"])) == [("brick_sand", "proposed", "studied")]
    gained = c.gained
    assert list(gained["demand_stream"]) == ["garden_sand"] and list(gained["other_stage"]) == ["agreed"]
    assert c.change_eur_per_year == pytest.approx(1420.0 - 2300.0)
    res = runner.invoke(app, ["compare", str(a), str(b)])
    text = " ".join(res.output.split())
    assert "stages: 1 match(es) moved: proposed -> studied: 1" in text, res.output
    assert {"progress"} <= set(c.inputs["table"])


def test_anonymise_and_without_cover_permits_and_progress(tmp_path: Path) -> None:
    sc = symbiosis.load_scenario(CASES / "stage_agreed")
    result = symbiosis.solve(sc).anonymised()
    real = {c.id for c in sc.companies} | {s.id for s in sc.streams}
    for g in result.scenario.progress:
        assert g.source not in real and g.target not in real
    left = symbiosis.without(symbiosis.load_scenario(CASES / "legal_permit"), ["packer"])
    assert left.scenario.permits == ()
    left = symbiosis.without(sc, ["landscaper"])
    assert [(g.source, g.target) for g in left.scenario.progress] == [("foundry", "brickworks")]


def test_ewc_prefixes() -> None:
    """A permit's code: an entry (with or without spaces or its *), a sub-chapter or a chapter of the List of Waste."""
    assert [ewc_prefix(t) for t in ("15", "15 01", "1501", "15.01", "150101", "15 01 01", "13 02 05*", "99", "15 99", "x")] == [
        "15", "15 01", "15 01", "15 01", "15 01 01", "15 01 01", "13 02 05", None, None, None,
    ]


def test_the_result_folder_keeps_permits_routes_and_progress(tmp_path: Path) -> None:
    out = symbiosis.solve(symbiosis.load_scenario(CASES / "roadmap_realised")).write(tmp_path / "out")
    doc = json.loads((out / "scenario.json").read_text())
    assert {"routes", "progress"} <= set(doc["tables"])
    again = symbiosis.load_scenario(out / "scenario.json")
    assert [g.stage for g in again.progress] == ["realised", "agreed"]

"""links.csv (DESIGN.md section 3): bad rows refused with file, row and column (exit 2); precedence;
the cases of tests/cases with links pass the checker, and explain names the links.csv terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import symbiosis
from conftest import BASE, CASES, write_scenario
from symbiosis.analysis.check import check_result
from symbiosis.analysis.explain import explain_match
from symbiosis.cli import app
from symbiosis.io.read import load_scenario

runner = CliRunner()
HEADER = "source,target,resource,distance_km,cost_eur_per_unit,co2_kg_per_unit,fixed_cost_eur_per_year\n"
FACILITY = (
    "id,name,resource,lat,lon,capacity,capex_eur,opex_eur_per_year,cost_eur_per_unit,max_distance_km\n"
    "hub,Hub,parking,50.852,4.702,100,0,100,0,1\n"
)


def _with_links(rows: str, facilities: bool = True) -> dict[str, str]:
    files = dict(BASE)
    tables = "profiles: profiles.csv, links: links.csv" + (", facilities: facilities.csv" if facilities else "")
    files["scenario.yaml"] = files["scenario.yaml"].replace("profiles: profiles.csv", tables)
    files["links.csv"] = HEADER + rows
    if facilities:
        files["facilities.csv"] = FACILITY
    return files


# (id, links.csv rows, fragments of one line of the message)
BAD = [
    ("same_specificity", "cb_a,cb_b,,1,,,\ncb_a,cb_b,,,2,,\n", ["links.csv", "row 3", "column 'target'", "second stream-to-stream row for cb_a -> cb_b (first at row 2)"]),
    ("same_company_rows", "A,B,,1,,,\nA,B,,2,,,\n", ["links.csv", "row 3", "column 'target'", "second company-to-company row"]),
    ("same_company_resource_rows", "A,B,cardboard,1,,,\nA,B,cardboard,2,,,\n", ["links.csv", "row 3", "column 'resource'", "(resource cardboard)"]),
    ("one_stream_each_side", "cb_a,B,,1,,,\nA,cb_b,,2,,,\n", ["links.csv", "row 3", "column 'target'", "both name one stream of the pair cb_a -> cb_b"]),
    ("unknown_source", "Z,B,,1,,,\n", ["links.csv", "row 2", "column 'source'", "'Z' names nothing in the scenario"]),
    ("unknown_target", "A,zz,,1,,,\n", ["links.csv", "row 2", "column 'target'", "'zz' names nothing in the scenario"]),
    ("facility_to_supply", "hub,pk_a,,1,,,\n", ["links.csv", "row 2", "column 'target'", "'pk_a' is a supply stream; a facility row's target is a demand stream or a company"]),
    ("target_is_supply", "A,cb_a,,1,,,\n", ["links.csv", "row 2", "column 'target'", "'cb_a' is a supply"]),
    ("source_is_demand", "cb_b,A,,1,,,\n", ["links.csv", "row 2", "column 'source'", "'cb_b' is a demand stream"]),
    ("negative", "A,B,,-1,,,\n", ["links.csv", "row 2", "column 'distance_km'", "greater than or equal to 0"]),
    ("negative_cost", "A,B,,,-0.5,,\n", ["links.csv", "row 2", "column 'cost_eur_per_unit'", "greater than or equal to 0"]),
    ("non_numeric", "A,B,,,,,free\n", ["links.csv", "row 2", "column 'fixed_cost_eur_per_year'", "expected a number, got 'free'"]),
    ("unknown_resource", "A,B,paper,1,,,\n", ["links.csv", "row 2", "column 'resource'", "unknown resource 'paper'"]),
    ("resource_on_stream_row", "cb_a,B,cardboard,1,,,\n", ["links.csv", "row 2", "column 'resource'", "company-to-company row only"]),
    ("facility_twice", "hub,C,,0.1,,,\nhub,C,,,1,,\n", ["links.csv", "row 3", "column 'target'", "second facility-to-company row for hub -> C"]),
]


@pytest.mark.parametrize("name,rows,fragments", BAD, ids=[b[0] for b in BAD])
def test_bad_links_rows_refused(tmp_path: Path, name: str, rows: str, fragments: list[str]) -> None:
    folder = write_scenario(tmp_path / name, _with_links(rows))
    for command in (["validate", str(folder)], ["solve", str(folder), "--out", str(tmp_path / "out")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        line = next((ln for ln in result.output.splitlines() if all(f in ln for f in fragments)), None)
        assert line is not None, f"no line holds all of {fragments}:\n{result.output}"
    assert not (tmp_path / "out").exists()


def test_rows_of_different_specificity_are_fine(tmp_path: Path) -> None:
    """One pair named at every level: the stream-to-stream row holds, its empty cells keep the computed value."""
    rows = "A,B,,9,9,9,9\nA,B,cardboard,8,8,8,8\ncb_a,B,,7,7,7,7\ncb_a,cb_b,,0.5,,,\n"
    sc = load_scenario(write_scenario(tmp_path / "ok", _with_links(rows)))
    s, d = sc.stream_by_id["cb_a"], sc.stream_by_id["cb_b"]
    link = sc.link_index.exchange(s, d)
    assert link is not None and link.distance_km == 0.5 and link.cost_eur_per_unit is None
    c = symbiosis.solve(sc).candidates.arcs
    arc = c[(c["supply_stream"] == "cb_a") & (c["demand_stream"] == "cb_b")].iloc[0]
    # v = p_s + p_d - 0.15 EUR/t-km x 1 t x 0.5 km = 30 + 20 - 0.075; F = the settings' 100 EUR/yr (cell empty)
    assert arc["distance_km"] == 0.5
    assert arc["value_eur_per_unit"] == pytest.approx(49.925)
    assert arc["fixed_cost_eur_per_year"] == pytest.approx(100.0)


def test_company_row_with_resource_beats_one_without(tmp_path: Path) -> None:
    rows = "A,B,,,5,,\nA,B,cardboard,,2,,\n"
    sc = load_scenario(write_scenario(tmp_path / "ok", _with_links(rows)))
    link = sc.link_index.exchange(sc.stream_by_id["cb_a"], sc.stream_by_id["cb_b"])
    assert link is not None and link.cost_eur_per_unit == 2


LINK_CASES = ["link_distance", "link_cost", "link_co2", "link_fixed_cost", "pool_road", "pool_link_cost", "pool_link_distance"]


@pytest.mark.parametrize("case", LINK_CASES)
def test_link_cases_pass_the_checker(case: str, tmp_path: Path) -> None:
    """The checker recomputes every figure of the result files with the same overrides (without the model)."""
    sc = load_scenario(CASES / case)
    out = tmp_path / "out"
    symbiosis.solve(sc).write(out)
    report = check_result(sc, out)
    assert report.ok, report.violations


def test_checker_catches_a_result_that_ignores_the_link(tmp_path: Path) -> None:
    """The link_cost result (the quote in its savings) fails the check against the scenario without links.csv."""
    sc = load_scenario(CASES / "link_cost")
    out = tmp_path / "out"
    symbiosis.solve(sc).write(out)
    report = check_result(sc.replaced(links=()), out)
    assert any("savings" in line for line in report.violations), report.violations


def test_explain_names_the_links_terms(tmp_path: Path) -> None:
    out = tmp_path / "out"
    symbiosis.solve(load_scenario(CASES / "link_cost")).write(out)
    e = explain_match(out, "mill_chips->pellets_chips", break_even=False)
    terms = dict(e.breakdown)
    # 100 t x 0.10 EUR/t from the quote; no computed road term.
    assert terms["transport (links.csv)"] == pytest.approx(-10.0)
    assert "road transport" not in terms
    assert sum(terms.values()) == pytest.approx(e.savings_eur_per_year)

    out2 = tmp_path / "pool"
    symbiosis.solve(load_scenario(CASES / "pool_link_cost")).write(out2)
    m = explain_match(out2, "hub->printer_waste", break_even=False)
    terms = dict(m.breakdown)
    assert terms["transport to the facility (links.csv)"] == pytest.approx(-50.0)
    assert terms["yearly cost of the membership (links.csv)"] == pytest.approx(-30.0)
    assert sum(terms.values()) == pytest.approx(m.savings_eur_per_year)

    out3 = tmp_path / "road"
    symbiosis.solve(load_scenario(CASES / "pool_road")).write(out3)
    r = explain_match(out3, "hub->bakery_waste", break_even=False)
    # 0.15 EUR/t-km x 1.445536 km x 100 t (tests/cases/pool_road/README.md)
    assert dict(r.breakdown)["road transport to the facility"] == pytest.approx(-21.68304, rel=1e-6)
    assert dict(r.co2_breakdown)["road transport to the facility"] == pytest.approx(-0.01445536, rel=1e-6)


def test_report_shows_transport_to_the_facility(tmp_path: Path) -> None:
    from symbiosis.io.write.report import build_report

    out = tmp_path / "road"
    symbiosis.solve(load_scenario(CASES / "pool_road")).write(out)
    page = build_report(out).html
    assert 'id="pool-transport-table"' in page
    assert "21.68" in page  # the bakery's road cost, EUR/yr

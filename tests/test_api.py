"""The Python API, the CLI end to end, determinism and safe outputs."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

import symbiosis
from conftest import BASE, write_scenario
from symbiosis.analysis.check import check_result
from symbiosis.cli import app

runner = CliRunner()

# Hand-computed optimum of the BASE scenario (tests/conftest.py):
# cardboard: A -> B, 40 t (demand-limited). d = haversine(0.005 deg lat) x 1.3
#   = 0.555975 km x 1.3 = 0.722768 km (R = 6371.0088 km).
#   v = 30 + 20 - 0.15 x 1000/1000 x 0.722768 = 49.891585 EUR/t; 40 t x v - 100 = 1895.663 EUR/yr.
#   CO2: 40 x (0 + 100 - 0.10 x 1 x 0.722768)/1000 = 3.997109 t.
# parking: the event hall C needs 10 (day) and 40 (night); A spares 0 (day) and 30 (night).
#   Remaining own peak max(10, 40 - 30) = 10, so 30 spaces x 500 - 100 = 14,900 EUR/yr.
TINY_NET = 1895.663392 + 14900.0
TINY_CO2 = 3.997109


def test_solve_tiny_by_hand(tiny: Path) -> None:
    result = symbiosis.solve(symbiosis.load_scenario(tiny))
    assert result.status == "optimal"
    assert result.summary["net_savings_eur_per_year"] == pytest.approx(TINY_NET, abs=1e-3)
    assert result.summary["co2_avoided_t_per_year"] == pytest.approx(TINY_CO2, abs=1e-5)
    park = result.matches.set_index("demand_stream").loc["pk_c"]
    assert park["quantity"] == pytest.approx(30.0)
    assert park["savings_eur_per_year"] == pytest.approx(14900.0)
    # Allocation: each exchange split evenly between its two companies.
    comp = result.companies.set_index("company")["savings_eur_per_year"]
    assert comp["A"] == pytest.approx(TINY_NET / 2, abs=1e-3)
    assert comp["B"] == pytest.approx(1895.663392 / 2, abs=1e-3)
    assert comp["C"] == pytest.approx(14900.0 / 2)
    g = result.network
    assert isinstance(g, nx.MultiDiGraph)
    assert set(g.nodes) == {"A", "B", "C"} and g.nodes["A"]["lat"] == 50.85
    assert g.number_of_edges() == 2 and g.has_edge("A", "C")


def test_in_memory_scenario_equals_folder(tiny: Path) -> None:
    """A scenario built from DataFrames gives the same optimum as the same folder."""
    frames = {n: pd.read_csv(tiny / f"{n}.csv") for n in ("companies", "resources", "streams", "profiles")}
    sc = symbiosis.Scenario.from_tables(**frames, settings={"link_fixed_cost_eur_per_year": 100})
    assert symbiosis.solve(sc).summary["net_savings_eur_per_year"] == pytest.approx(TINY_NET, abs=1e-3)


def test_inline_yaml_equals_folder(tmp_path: Path) -> None:
    """The same tables written inline in a single YAML file."""
    text = (
        "format: 1\nname: inline\nsettings: {link_fixed_cost_eur_per_year: 100}\ntables:\n"
        "  companies:\n"
        "    - {id: A, name: Alpha, sector: office, lat: 50.850, lon: 4.700}\n"
        "    - {id: B, name: Beta, sector: plant, lat: 50.855, lon: 4.700}\n"
        "    - {id: C, name: Gamma, sector: hall, lat: 50.850, lon: 4.706}\n"
        "  resources:\n"
        "    - {id: cardboard, family: material, unit: t, pricing: volume, transport: road, kg_per_unit: 1000}\n"
        "    - {id: parking, family: parking, unit: space, pricing: peak, transport: walk, max_distance_km: 2}\n"
        "  streams:\n"
        "    - {id: cb_a, company: A, direction: supply, resource: cardboard, quantity: 50, price_eur_per_unit: 30}\n"
        "    - {id: cb_b, company: B, direction: demand, resource: cardboard, quantity: 40, price_eur_per_unit: 20, co2_kg_per_unit: 100}\n"
        "    - {id: pk_a, company: A, direction: supply, resource: parking, quantity: 30, profile: evening}\n"
        "    - {id: pk_c, company: C, direction: demand, resource: parking, quantity: 40, price_eur_per_unit: 500, profile: event}\n"
        "  profiles:\n"
        "    - {profile: evening, slot: day, value: 0}\n"
        "    - {profile: evening, slot: night, value: 1}\n"
        "    - {profile: event, slot: day, value: 0.25}\n"
        "    - {profile: event, slot: night, value: 1}\n"
    )
    path = tmp_path / "one.yaml"
    path.write_text(text)
    result = symbiosis.solve(path)
    assert result.summary["net_savings_eur_per_year"] == pytest.approx(TINY_NET, abs=1e-3)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("quantity: 50,", "quantity: -50,"))
    with pytest.raises(symbiosis.ScenarioError) as exc:
        symbiosis.load_scenario(bad)
    assert "bad.yaml (tables.streams): row 1, column 'quantity'" in str(exc.value)


def test_settings_override_changes_the_objective(tiny: Path) -> None:
    """carbon price 100 EUR/t adds 100 x CO2 to the objective but not to net savings."""
    result = symbiosis.solve(tiny, carbon_price_eur_per_t=100)
    assert result.summary["net_savings_eur_per_year"] == pytest.approx(TINY_NET, abs=1e-3)
    assert result.summary["objective"] == pytest.approx(TINY_NET + 100 * TINY_CO2, abs=1e-3)
    assert result.summary["settings"]["carbon_price_eur_per_t"] == 100


def test_cli_solve_writes_every_file_and_check_passes(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(tiny), "--out", str(out), "--set", "carbon_price_eur_per_t=50"])
    assert result.exit_code == 0, result.output
    assert "net savings: 16,796 EUR/yr" in result.output
    for name in ("summary.json", "matches.csv", "flows.csv", "companies.csv", "facilities.csv", "network.graphml", "network.json"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "optimal" and summary["n_exchanges"] == 2
    assert list(pd.read_csv(out / "matches.csv").columns) == [
        "kind", "source", "target", "supply_stream", "demand_stream", "resource", "quantity", "unit",
        "distance_km", "savings_eur_per_year", "co2_avoided_t_per_year",
        # contract section 4d (turn 3): one column per measure beyond savings and CO2, named after it
        *(m.name for m in symbiosis.MEASURES.values() if m.name not in ("savings_eur", "co2_t")),
        "price_floor_eur_per_unit", "price_ceiling_eur_per_unit",  # contract section 4, price band (turn 3)
        # contract section 4g (turn 3): the legal route, its lead time, the one-off cost and the stage
        "route", "lead_time_months", "one_off_eur", "stage",
    ]
    assert {"land_freed_m2", "material_reused_t", "truck_km"} <= set(pd.read_csv(out / "matches.csv").columns)
    # Price bands by hand (contract section 4): cardboard [-p_s, p_d - road - F/q] = [-30, 20 - 0.15 x 0.722768 - 100/40];
    # parking (peak) [0, savings / quantity] = [0, 14,900 / 30].
    bands = pd.read_csv(out / "matches.csv").set_index("demand_stream")
    assert list(bands.loc["cb_b", ["price_floor_eur_per_unit", "price_ceiling_eur_per_unit"]]) == pytest.approx([-30, 20 - 0.15 * 0.722768 - 2.5], abs=1e-5)
    assert list(bands.loc["pk_c", ["price_floor_eur_per_unit", "price_ceiling_eur_per_unit"]]) == pytest.approx([0, 14900 / 30], abs=1e-5)
    assert nx.read_graphml(out / "network.graphml").number_of_edges() == 2
    checked = runner.invoke(app, ["check", str(tiny), str(out)])
    assert checked.exit_code == 0, checked.output


def test_check_catches_tampered_results(tiny: Path, tmp_path: Path) -> None:
    """Inflated savings, an over-used supply and a broken rule are each caught."""
    out = symbiosis.solve(tiny).write(tmp_path / "out")
    sc = symbiosis.load_scenario(tiny)
    m = pd.read_csv(out / "matches.csv")
    m.loc[m["demand_stream"] == "cb_b", "savings_eur_per_year"] += 500
    m.to_csv(out / "matches.csv", index=False)
    assert any("savings" in v and "cb_b" in v for v in check_result(sc, out).violations)

    out2 = symbiosis.solve(tiny).write(tmp_path / "out2")
    f = pd.read_csv(out2 / "flows.csv")
    f.loc[f["demand_stream"] == "cb_b", "quantity"] = 45.0  # demand is 40
    f.to_csv(out2 / "flows.csv", index=False)
    violations = check_result(sc, out2).violations
    assert any("demand cb_b" in v and "only 40" in v for v in violations), violations
    result = runner.invoke(app, ["check", str(tiny), str(out2)])
    assert result.exit_code == 1

    forbid = write_scenario(tmp_path / "forbid", {**BASE, "rules.csv": "rule,source,target\nforbid,A,cb_b\n",
                                                   "scenario.yaml": BASE["scenario.yaml"].replace("profiles: profiles.csv}", "profiles: profiles.csv, rules: rules.csv}")})
    assert any("forbidden" in v for v in check_result(symbiosis.load_scenario(forbid), out).violations)


def test_same_inputs_give_byte_identical_outputs(tiny: Path, tmp_path: Path) -> None:
    a = symbiosis.solve(tiny).write(tmp_path / "a")
    b = symbiosis.solve(tiny).write(tmp_path / "b")
    for name in ("matches.csv", "flows.csv", "companies.csv", "network.json", "network.graphml"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_infeasible_require_exits_3(tiny: Path, tmp_path: Path) -> None:
    """B has no supply, so 'require B -> A' cannot hold: exit 3, the rule's row named, no output lost."""
    files = {**BASE, "rules.csv": "rule,source,target\nrequire,B,A\n",
             "scenario.yaml": BASE["scenario.yaml"].replace("profiles: profiles.csv}", "profiles: profiles.csv, rules: rules.csv}")}
    folder = write_scenario(tmp_path / "s", files)
    result = runner.invoke(app, ["solve", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3, result.output
    assert "rules.csv: row 2: require B -> A cannot hold" in result.output
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["status"] == "infeasible"


def test_contradictory_requires_are_infeasible(tiny: Path, tmp_path: Path) -> None:
    """A's 50 t of cardboard cannot meet two required buyers that each insist on at least 40 t."""
    files = dict(BASE)
    files["companies.csv"] += "D,Delta,plant,50.852,4.700\n"
    files["streams.csv"] = files["streams.csv"].replace("cb_b,B,demand,cardboard,40,20,100,,,", "cb_b,B,demand,cardboard,40,20,100,,,40")
    files["streams.csv"] += "cb_d,D,demand,cardboard,40,20,,,,40\n"
    files["rules.csv"] = "rule,source,target\nrequire,A,B\nrequire,A,D\n"
    files["scenario.yaml"] = BASE["scenario.yaml"].replace("profiles: profiles.csv}", "profiles: profiles.csv, rules: rules.csv}")
    result = symbiosis.solve(write_scenario(tmp_path / "s", files))
    assert result.status == "infeasible"


def test_output_never_over_an_input(tiny: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["solve", str(tiny), "--out", str(tiny)])
    assert result.exit_code == 2 and "holds the input" in result.output
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.docx").write_text("years of work")
    result = runner.invoke(app, ["solve", str(tiny), "--out", str(precious)])
    assert result.exit_code == 2 and "not a symbiosis result" in result.output
    assert (precious / "thesis.docx").read_text() == "years of work"


def test_rewriting_a_result_folder_replaces_it_whole(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    symbiosis.solve(tiny).write(out)
    symbiosis.solve(tiny, carbon_price_eur_per_t=10).write(out)
    assert json.loads((out / "summary.json").read_text())["settings"]["carbon_price_eur_per_t"] == 10
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no temporary leftovers


def test_progress_reports_each_part(tiny: Path) -> None:
    """The tiny scenario has two independent parts (cardboard, parking); the last report holds both."""
    seen: list = []
    result = symbiosis.solve(tiny, progress=seen.append)
    assert [p.parts_done for p in seen] == [1, 2] and {p.parts_total for p in seen} == {2}
    assert seen[-1].objective == pytest.approx(TINY_NET, abs=1e-3)
    assert seen[-1].mip_gap == pytest.approx(0.0, abs=1e-4)
    assert result.summary["n_parts"] == 2

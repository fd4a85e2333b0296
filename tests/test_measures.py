"""Measures as data (contract section 4d): the registry, objectives, floors and ceilings on any
measure, fronts over any two, and every measure in the outputs and the checker.

Values are worked out by hand: tests/pareto_cases/land_savings/README.md (the land front),
tests/cases/measure_road_exchange/README.md (truck-km and material), tests/cases/README.md
(distances), or in each test's docstring. Random scenarios against brute force are in
tests/test_property.py.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import symbiosis
from conftest import BASE, CASES, ROOT, write_scenario
from symbiosis.analysis.check import check_result
from symbiosis.cli import app
from symbiosis.errors import SettingsError

runner = CliRunner()
LAND = ROOT / "tests" / "pareto_cases" / "land_savings"
ROAD = CASES / "measure_road_exchange"
ONE_PRICE = ROOT / "tests" / "sweep_cases" / "one_price"
# measure_road_exchange/README.md: the three exchanges' savings and truck-km.
CARDBOARD, PALLETS, RUBBLE = 991.3267837417845, 6196.183784846386, 650.0
TRUCK_CARDBOARD, TRUCK_PALLETS = 5.7821441721437115, 2.5441434357432327


# DESIGN.md section 4d, the table of built-in measures: name -> (unit, sense).
CONTRACT = {
    "savings_eur": ("EUR/yr", "more"),
    "co2_t": ("t/yr", "more"),
    "land_freed_m2": ("m2", "more"),
    "material_reused_t": ("t/yr", "more"),
    "truck_km": ("km/yr", "less"),
    "heat_recovered_mwh": ("MWh/yr", "more"),
}


def test_the_registry_holds_the_measures_of_the_contract() -> None:
    """The registry holds exactly the contract's measures, with their units and senses, savings and CO2 first; the settings' defaults."""
    got = {m.name: (m.unit, m.sense) for m in symbiosis.MEASURES.values()}
    assert got == CONTRACT and list(got)[:2] == ["savings_eur", "co2_t"]
    settings = symbiosis.Settings()
    assert (settings.m2_per_parking_space, settings.truck_payload_t) == (25.0, 20.0)


def test_land_front_by_hand(tmp_path: Path) -> None:
    """README of land_savings: (500 m2, 1,400 EUR), (1,000, 1,340) bought with the money-losing a3,
    (1,500, 1,300), (2,000, 1,240); steps of 0.12, 0.08 and 0.12 EUR/m2; every point checked."""
    out = tmp_path / "front"
    res = runner.invoke(app, ["pareto", str(LAND), "--x", "land_freed_m2", "--y", "savings_eur", "--out", str(out), "--points", "5"])
    assert res.exit_code == 0, res.output
    assert "every one of the 4 result folders holds every limit and rule" in res.output
    table = pd.read_csv(out / "pareto.csv")
    assert list(table.columns) == [
        "point", "epsilon_land_freed_m2", "net_savings_eur_per_year", "co2_avoided_t_per_year", "status", "mip_gap",
        "n_exchanges", "n_pools", "implicit_price_savings_eur_per_land_freed_m2", "best_bound",
        "implicit_price_low_savings_eur_per_land_freed_m2", "implicit_price_high_savings_eur_per_land_freed_m2",
        *(m.summary_key for m in symbiosis.MEASURES.values() if m.name not in ("savings_eur", "co2_t")),
    ]
    assert table["land_freed_m2"].tolist() == pytest.approx([500.0, 1000.0, 1500.0, 2000.0], abs=1e-6)
    assert table["net_savings_eur_per_year"].tolist() == pytest.approx([1400.0, 1340.0, 1300.0, 1240.0], abs=1e-6)
    assert table["implicit_price_savings_eur_per_land_freed_m2"].tolist()[1:] == pytest.approx([0.12, 0.08, 0.12], abs=1e-9)
    # Every point proven: each price's range is the price itself.
    for side in ("low", "high"):
        assert table[f"implicit_price_{side}_savings_eur_per_land_freed_m2"].tolist()[1:] == pytest.approx([0.12, 0.08, 0.12], abs=1e-9)
    assert set(table["status"]) == {"optimal"}
    middle = pd.read_csv(out / "point_02" / "matches.csv")
    a3 = middle[middle["supply_stream"] == "s_e"]
    assert a3["savings_eur_per_year"].tolist() == pytest.approx([-60.0]) and a3["land_freed_m2"].tolist() == pytest.approx([500.0])
    sc = symbiosis.load_scenario(LAND)
    for i in range(1, 5):
        report = check_result(sc, out / f"point_{i:02d}")
        assert report.ok, report.violations
        assert report.measures["land_freed_m2"] == pytest.approx(table["land_freed_m2"][i - 1], abs=1e-6)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Net savings against land freed: the Pareto front" in page and (out / "front.png").stat().st_size > 1000
    front = symbiosis.pareto(LAND, points=5, x="land_freed_m2")
    assert [p.value("land_freed_m2") for p in front.points] == pytest.approx([500.0, 1000.0, 1500.0, 2000.0], abs=1e-6)
    assert front.unverified == 0


def best_savings_within(truck_km: float) -> float:
    """The most net savings of measure_road_exchange with truck-km <= ``truck_km``, by hand from its README.

    Flows are continuous: per t of cardboard 49.783170 EUR and 2 x 1.445536 / 20 = 0.144554 km; per
    pallet 8.995230 EUR and 0.022 x 2 x 1.445536 / 20 = 0.003180 km; rubble 650 EUR and no road; each
    road link costs F = 1000 once it carries anything. Under the limit the pallets (2,828 EUR/km) go
    first, then cardboard (344 EUR/km), each only while its flow pays its F (49.78 q > 1000).
    """
    per_t, per_pallet = 2 * 1.4455360430359279 / 20, 0.022 * 2 * 1.4455360430359279 / 20
    v_t, v_pallet = 49.78316959354461, 8.995229731057982
    pallets_km = 800 * per_pallet
    if truck_km >= pallets_km:
        q = min(40.0, (truck_km - pallets_km) / per_t)
        return RUBBLE + PALLETS + max(0.0, v_t * q - 1000)
    return RUBBLE + max(0.0, v_pallet * truck_km / per_pallet - 1000)


def test_a_front_over_a_less_is_better_measure_by_hand() -> None:
    """Net savings against truck-km on measure_road_exchange (gap 0): every point has the most savings
    its truck-km allows (``best_savings_within``), from all three exchanges (7,837.51 EUR at 8.326288 km)
    to rubble alone (650 EUR at 0 km); the pallets without cardboard (6,846.18 EUR at 2.544143 km) are
    on it, and fewer truck-km always cost savings (the step price is positive)."""
    front = symbiosis.pareto(ROAD, points=4, x="truck_km", **{"solver.mip_rel_gap": 0.0})
    km = [p.value("truck_km") for p in front.points]
    eur = [p.net_savings for p in front.points]
    assert (km[0], eur[0]) == pytest.approx((TRUCK_CARDBOARD + TRUCK_PALLETS, CARDBOARD + PALLETS + RUBBLE), abs=1e-4)
    assert (km[-1], eur[-1]) == pytest.approx((0.0, RUBBLE), abs=1e-4)
    assert any(abs(k - TRUCK_PALLETS) < 1e-4 and abs(e - PALLETS - RUBBLE) < 1e-3 for k, e in zip(km, eur)), list(zip(km, eur))
    for k, e in zip(km, eur):
        assert e == pytest.approx(best_savings_within(k + 1e-7), abs=2e-3), (k, e)
    assert km == sorted(km, reverse=True)
    prices = front.table()["implicit_price_savings_eur_per_truck_km"].tolist()
    assert math.isnan(prices[0]) and all(p > 0 for p in prices[1:])


def test_maximise_floor_and_ceiling_by_hand(tmp_path: Path) -> None:
    """land_savings README: the most land is 2,000 m2, and among those networks the most savings is
    {a1, a2, a3, a4}, 1,240 EUR (point 4 of the front: a1 frees no land but pays, DESIGN 4b "ties broken
    by the larger net savings"); with savings >= 1,300, 1,500 m2. Road case: truck-km <= 6 keeps the
    pallets and 23.9 t of the cardboard, 7,036.35 EUR (``best_savings_within``); truck-km made best
    (minimised) is 0 km, and the most savings at 0 km is the rubble (no road) alone, 650 EUR."""
    out = tmp_path / "land"
    res = runner.invoke(app, ["solve", str(LAND), "--out", str(out), "--maximise", "land_freed_m2"])
    assert res.exit_code == 0, res.output
    assert "land freed: 2,000.0 m2" in res.output and "objective (1 x land_freed_m2): 2,000.0" in res.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["measures"]["land_freed_m2"] == pytest.approx(2000.0) and summary["net_savings_eur_per_year"] == pytest.approx(1240.0)
    assert summary["objective"] == pytest.approx(2000.0) and summary["objective_weights"] == {"land_freed_m2": 1.0}
    assert check_result(symbiosis.load_scenario(LAND), out).ok

    out2 = tmp_path / "land_floor"
    res = runner.invoke(app, ["solve", str(LAND), "--out", str(out2), "--maximise", "land_freed_m2", "--floor", "savings_eur=1300"])
    assert res.exit_code == 0, res.output
    summary = json.loads((out2 / "summary.json").read_text(encoding="utf-8"))
    assert summary["measures"]["land_freed_m2"] == pytest.approx(2000.0 - 500.0) and summary["net_savings_eur_per_year"] == pytest.approx(1300.0)
    assert summary["floors"] == {"net_savings_eur_per_year": 1300.0}
    report = check_result(symbiosis.load_scenario(LAND), out2)
    assert report.ok, report.violations
    # The API gives the same, with a typed objective.
    api = symbiosis.solve(LAND, objective=symbiosis.Objective("land_freed_m2", floors={"savings_eur": 1300}))
    assert api.summary.measures == pytest.approx(summary["measures"])

    out3 = tmp_path / "road_ceiling"
    res = runner.invoke(app, ["solve", str(ROAD), "--out", str(out3), "--ceiling", "truck_km=6", "--set", "solver.mip_rel_gap=0"])
    assert res.exit_code == 0, res.output
    summary = json.loads((out3 / "summary.json").read_text(encoding="utf-8"))
    assert summary["net_savings_eur_per_year"] == pytest.approx(best_savings_within(6.0), abs=1e-4)
    assert summary["measures"]["truck_km"] == pytest.approx(6.0, abs=1e-6)
    assert summary["ceilings"] == {"truck_km": 6.0} and "objective_weights" not in summary
    assert check_result(symbiosis.load_scenario(ROAD), out3).ok

    least = symbiosis.solve(ROAD, objective=symbiosis.Objective("truck_km"))
    assert least.summary.measures is not None and least.summary.measures["truck_km"] == 0.0
    assert least.summary.objective == 0.0 and least.summary.objective_weights == {"truck_km": -1.0}
    assert least.summary.net_savings_eur_per_year == pytest.approx(RUBBLE) and least.summary.n_exchanges == 1


def test_a_tampered_measure_or_broken_ceiling_is_caught(tmp_path: Path) -> None:
    """The checker recomputes every measure from the files: a changed land figure in matches.csv,
    companies.csv or summary.json, and a ceiling that the network does not hold, are each caught."""
    sc = symbiosis.load_scenario(LAND)
    out = symbiosis.solve(LAND, objective=symbiosis.Objective("land_freed_m2")).write(tmp_path / "out")
    m = pd.read_csv(out / "matches.csv")
    m.loc[m["supply_stream"] == "s_g", "land_freed_m2"] += 25
    m.to_csv(out / "matches.csv", index=False)
    assert any("s_g -> d_h: land_freed_m2 " in v for v in check_result(sc, out).violations)

    out = symbiosis.solve(LAND).write(tmp_path / "out2")
    c = pd.read_csv(out / "companies.csv")
    c.loc[c["company"] == "D", "land_freed_m2"] = 0.0
    c.to_csv(out / "companies.csv", index=False)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    summary["measures"]["truck_km"] = 12.0
    summary["ceilings"] = {"land_freed_m2": 100.0}
    (out / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    violations = check_result(sc, out).violations
    assert any(v.startswith("companies.csv: D: land_freed_m2 0.0") for v in violations), violations
    assert any(v.startswith("summary.json: measures truck_km 12.0 but recomputed 0.0") for v in violations), violations
    assert any(v.startswith("summary.json: ceiling land_freed_m2 100.0 does not hold") for v in violations), violations


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if (p / "expected.json").is_file()), ids=lambda p: p.name)
def test_the_weighted_default_is_todays_objective_on_every_case(case: Path) -> None:
    """savings + carbon price x CO2, given as weights, is the default objective: the same optimum, the same
    network and the same figures as ``solve`` without an objective (whose values each case's README derives)."""
    sc = symbiosis.load_scenario(case)
    default = symbiosis.solve(sc)
    weights = (("savings_eur", 1.0), ("co2_t", sc.settings.carbon_price_eur_per_t))
    weighted = symbiosis.solve(sc, objective=symbiosis.Objective(weights))
    assert weighted.summary.objective == pytest.approx(default.summary.objective, rel=1e-9, abs=1e-6)
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert default.summary.objective == pytest.approx(expected["objective"], rel=1e-6, abs=1e-4)
    key = ["kind", "source", "demand_stream"]
    a = default.matches.sort_values(key).reset_index(drop=True)
    b = weighted.matches.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--maximise", "land_freed"], ["unknown measure 'land_freed'", "did you mean 'land_freed_m2'?"]),
        (["--floor", "savings=0"], ["unknown measure 'savings'", "(floor)"]),
        (["--ceiling", "truck_kms=5"], ["unknown measure 'truck_kms'", "did you mean 'truck_km'?"]),
        (["--weight", "co2=1"], ["unknown measure 'co2'"]),
        (["--floor", "savings_eur=lots"], ["--floor savings_eur=lots: 'lots' is not a number"]),
        (["--floor", "savings_eur=0", "--floor", "savings_eur=1"], ["--floor savings_eur: given twice"]),
        (["--maximise", "co2_t", "--weight", "co2_t=1"], ["not both"]),
        (["--set", "truck_payload_t=0"], ["truck_payload_t"]),
    ],
)
def test_bad_measure_input_exits_2(tmp_path: Path, args: list[str], fragments: list[str]) -> None:
    res = runner.invoke(app, ["solve", str(ROAD), "--out", str(tmp_path / "out"), *args])
    assert res.exit_code == 2, res.output
    text = " ".join(res.output.split())
    for fragment in fragments:
        assert fragment in text, text
    assert not (tmp_path / "out").exists()


def test_bad_front_axes_and_payload_in_the_scenario_exit_2(tmp_path: Path) -> None:
    for args, fragment in ((["--x", "landfreed_m2"], "did you mean 'land_freed_m2'?"), (["--y", "euros"], "unknown measure 'euros'"), (["--x", "co2_t", "--y", "co2_t"], "both co2_t")):
        res = runner.invoke(app, ["pareto", str(ROAD), "--out", str(tmp_path / "f"), *args])
        assert res.exit_code == 2, res.output
        assert fragment in " ".join(res.output.split())
    with pytest.raises(SettingsError, match="did you mean 'truck_km'"):
        symbiosis.solve(ROAD, objective=symbiosis.Objective("truck_kms"))
    files = dict(BASE)
    files["scenario.yaml"] = BASE["scenario.yaml"] + "  truck_payload_t: -5\n"
    bad = write_scenario(tmp_path / "bad", files)
    res = runner.invoke(app, ["solve", str(bad), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "truck_payload_t" in res.output, res.output


def test_a_floor_nobody_can_meet_exits_3_naming_the_measure(tmp_path: Path) -> None:
    """The road case's savings are at most 7,837.51 EUR/yr (README): a floor of 10,000 is infeasible."""
    res = runner.invoke(app, ["solve", str(ROAD), "--out", str(tmp_path / "out"), "--floor", "savings_eur=10000"])
    assert res.exit_code == 3, res.output
    text = " ".join(res.output.split())
    assert "floor savings_eur >= 10,000 EUR/yr, but at most 7,837.51 EUR/yr can be reached" in text, text
    res = runner.invoke(app, ["solve", str(ROAD), "--out", str(tmp_path / "out2"), "--floor", "material_reused_t=50", "--ceiling", "truck_km=1"])
    assert res.exit_code == 3, res.output
    # Each alone can hold (87.6 t; 0 km), not both: both are named.
    assert "these floors and ceilings together: floor material_reused_t >= 50 t/yr; ceiling truck_km <= 1 km/yr" in " ".join(res.output.split())


def test_alternatives_and_sweep_report_every_measure(tmp_path: Path) -> None:
    """alternatives.csv and samples.csv carry one column per measure beyond savings and CO2, each equal to
    the network's own total (one_price: 100 t of pallets moved without road, material 100 t when chosen)."""
    alts = symbiosis.alternatives(ROAD, k=2, slack=0.5)
    table = alts.table()
    for m in symbiosis.MEASURES.values():
        if m.name not in ("savings_eur", "co2_t"):
            assert table[m.summary_key].tolist() == pytest.approx([r.summary.measures[m.name] for r in alts.results])
    assert table["truck_km"][0] == pytest.approx(TRUCK_CARDBOARD + TRUCK_PALLETS, abs=1e-6)
    result = symbiosis.sweep(ONE_PRICE, samples=6, seed=1, workers=0)
    samples = result.samples
    assert {"land_freed_m2", "material_reused_t", "truck_km"} <= set(samples.columns)
    chosen = samples["net_savings_eur_per_year"] > 0
    assert samples.loc[chosen, "material_reused_t"].tolist() == pytest.approx([100.0] * int(chosen.sum()))
    assert samples.loc[~chosen, "material_reused_t"].tolist() == pytest.approx([0.0] * int((~chosen).sum()))
    assert chosen.any()


def test_report_cards_show_land_freed_and_truck_km(tmp_path: Path) -> None:
    """The tiny scenario (tests/conftest.py): cardboard A -> B, 40 t over 0.005 deg x 144.553604 km/deg =
    0.722768 km: 40/20 = 2 trips x 2 x 0.722768 = 2.89 truck-km; parking A -> C cuts 30 of C's 40 spaces
    (its day need of 10 stays): 30 x 25 = 750 m2."""
    scenario = write_scenario(tmp_path / "tiny", BASE)
    out = tmp_path / "out"
    res = runner.invoke(app, ["solve", str(scenario), "--out", str(out), "--report"])
    assert res.exit_code == 0, res.output
    page = (out / "report.html").read_text(encoding="utf-8")

    def card(key: str) -> str:
        found = re.search(rf'id="{key}"><div class="value">(.*?)</div><div class="label">([^<]*)</div>', page)
        assert found, key
        return f"{re.sub('<[^>]+>', '', found.group(1))} | {found.group(2)}"  # the unit is set smaller, in a span

    assert card("kpi-land-freed-m2") == "750 m2 | land freed"
    assert card("kpi-truck-km") == "2.9 km/yr | truck-km (less is better)"
    assert card("kpi-material-reused-t") == "40.0 t/yr | material reused"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["measures"]["truck_km"] == pytest.approx(40 / 20 * 2 * 0.005 * 144.553604, rel=1e-6)
    assert summary["measures"]["land_freed_m2"] == pytest.approx(750.0)
    companies = pd.read_csv(out / "companies.csv").set_index("company")
    assert companies.loc["C", "land_freed_m2"] == pytest.approx(375.0) and companies.loc["B", "truck_km"] == pytest.approx(summary["measures"]["truck_km"] / 2)


def test_a_warm_start_that_presolve_reduces_is_not_taken_for_the_optimum() -> None:
    """Material reused made as small as it can be, with a floor that never binds: by hand 0 t (move
    nothing). The greedy warm start moves 10 t of s2 into s0; HiGHS 1.16 solved the presolved problem
    (objective 0) but handed back the start's values (10 t), found by the property test. The solver
    layer checks the values against the objective and solves again without the start."""
    companies = [dict(id=c, name=c, sector="", lat=50.85, lon=4.7) for c in ("C0", "C1")]
    resources = [dict(id="mat", family="material", unit="t", pricing="volume", transport="road", kg_per_unit=1000.0)]

    def stream(i: str, c: str, d: str, q: float, p: float, **more: object) -> dict[str, object]:
        return dict(id=i, company=c, direction=d, resource="mat", quantity=q, price_eur_per_unit=p, co2_kg_per_unit=0, **more)

    streams = [stream("s0", "C0", "demand", 10, 0), stream("s2", "C1", "supply", 50, 1), stream("s3", "C0", "demand", 30, 0, min_quantity=20, profile="p0")]
    profiles = [dict(profile="p0", slot=s, value=v) for s, v in (("a", 1), ("b", 0), ("c", 4))]
    sc = symbiosis.Scenario.from_tables(
        companies=companies, resources=resources, streams=streams, profiles=profiles,
        settings={"link_fixed_cost_eur_per_year": 0, "solver": {"mip_rel_gap": 0.0}}, name="start",
    )
    result = symbiosis.solve(sc, objective=symbiosis.Objective((("material_reused_t", -1.0),), floors={"savings_eur": -1e9}))
    assert result.status == "optimal"
    assert result.summary.measures is not None and result.summary.measures["material_reused_t"] == 0.0
    assert result.summary.n_exchanges == 0


def test_an_idle_free_link_into_a_peak_demand_takes_no_share_of_its_cut() -> None:
    """Two free links (F = 0) from C1's lots s1 and s2 (10 spaces each) into C0's need s0 (10 spaces at
    100 EUR): either alone cuts the whole peak, so by hand 10 x 100 = 1,000 EUR/yr and 250 m2. The settled
    flows use one link; the idle one is no match, and must not keep half of the cut (500 EUR/yr and 125 m2
    were reported), found by the property test of the measures."""
    companies = [dict(id=c, name=c, sector="", lat=50.85, lon=4.7) for c in ("C0", "C1")]
    resources = [dict(id="park", family="parking", unit="space", pricing="peak", transport="walk", max_distance_km=2.0)]
    streams = [
        dict(id=i, company=c, direction=d, resource="park", quantity=10, price_eur_per_unit=p, co2_kg_per_unit=0)
        for i, c, d, p in (("s0", "C0", "demand", 100), ("s1", "C1", "supply", 0), ("s2", "C1", "supply", 0))
    ]
    sc = symbiosis.Scenario.from_tables(
        companies=companies, resources=resources, streams=streams,
        settings={"link_fixed_cost_eur_per_year": 0, "solver": {"mip_rel_gap": 0.0}}, name="idle",
    )
    for goal in (None, symbiosis.Objective("land_freed_m2")):
        result = symbiosis.solve(sc, objective=goal)
        assert result.summary.net_savings_eur_per_year == pytest.approx(1000.0)
        assert result.summary.measures is not None and result.summary.measures["land_freed_m2"] == pytest.approx(250.0)
        assert len(result.matches) == 1 and result.matches["quantity"].tolist() == pytest.approx([10.0])


TIES = {
    "scenario.yaml": "format: 1\nname: ties\ntables: {companies: companies.csv, resources: resources.csv, streams: streams.csv}\n",
    "companies.csv": "id,name,sector,lat,lon\na,A,x,50.85,4.7\nb,B,x,50.86,4.7\nc,C,x,50.87,4.7\nd,D,x,50.871,4.7\n",
    "resources.csv": "id,family,unit,pricing,transport,kg_per_unit,pipe_capex_eur_per_m,max_distance_km\n"
    "cardboard,material,t,volume,road,1000,,\nparking,parking,space,peak,walk,,,0.5\n",
    "streams.csv": "id,company,direction,resource,quantity,price_eur_per_unit,co2_kg_per_unit\n"
    "a_card,a,supply,cardboard,50,30,0\nb_card,b,demand,cardboard,40,20,200\n"
    "c_spare,c,supply,parking,100,0,0\nd_need,d,demand,parking,100,120,0\n",
}


def test_ties_of_another_measure_are_broken_by_the_larger_savings(tmp_path: Path) -> None:
    """DESIGN 4b "ties broken by the larger net savings": ``--maximise truck_km --floor co2_t=5``.

    By hand (defaults: road 0.15 EUR and 0.10 kg CO2 per t-km, detour 1.3, F = 1000, payload 20 t):
    a -> b is 0.01 deg, d = 1.3 x 6371.0088 x 0.01 x pi/180 = 1.445535 km. A tonne of cardboard
    avoids 200 - 0.1 d kg of CO2 and drives 2 d / 20 truck-km, so the least truck-km with CO2 >= 5 t
    moves x = 5000 / (200 - 0.1 d) = 25.018 t: truck-km 2 d x / 20 = 3.6165, savings x (30 + 20 -
    0.15 d) - 1000. The parking exchange c -> d (0.001 deg, walk) drives no truck-km and cuts all
    100 spaces at 120 EUR: 12,000 - 1000 = 11,000 EUR/yr. Every network with x = 25.018 t is
    optimal for truck-km; the one with the parking exchange has 11,000 EUR more, so it is the result.
    """
    scenario = write_scenario(tmp_path / "ties", TIES)
    d = 1.3 * 6371.0088 * math.radians(0.01)
    x = 5000.0 / (200.0 - 0.1 * d)
    out = tmp_path / "out"
    res = runner.invoke(app, ["solve", str(scenario), "--out", str(out), "--maximise", "truck_km", "--floor", "co2_t=5"])
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["measures"]["truck_km"] == pytest.approx(2 * d * x / 20, rel=1e-6)
    assert summary["objective"] == pytest.approx(-2 * d * x / 20, rel=1e-6) and summary["status"] == "optimal"
    matches = pd.read_csv(out / "matches.csv")
    parking = matches[matches["demand_stream"] == "d_need"]
    assert len(parking) == 1 and parking["savings_eur_per_year"].iloc[0] == pytest.approx(11000.0)
    assert summary["net_savings_eur_per_year"] == pytest.approx(11000.0 + x * (50 - 0.15 * d) - 1000, rel=1e-6)
    assert summary["measures"]["land_freed_m2"] == pytest.approx(100 * 25.0)
    report = check_result(symbiosis.load_scenario(scenario), out)
    assert report.ok, report.violations
    # A floor on savings that only the parking exchange's part can meet: the same network.
    floored = symbiosis.solve(scenario, objective=symbiosis.Objective("truck_km", floors={"co2_t": 5, "savings_eur": 11200}))
    assert floored.summary.net_savings_eur_per_year == pytest.approx(summary["net_savings_eur_per_year"], rel=1e-6)
    assert floored.summary.measures is not None and floored.summary.measures["truck_km"] == pytest.approx(2 * d * x / 20, rel=1e-6)


def test_land_m2_of_a_size_option_is_checked(tmp_path: Path) -> None:
    """facilities.csv land_m2 (the land a size option takes, m2): below 0 or not a number is bad input,
    exit 2, naming the file, row and column; empty keeps the contract's capacity x 25 m2."""
    case = CASES / "measure_pool_land_m2"
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in case.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    text = (case / "facilities.csv").read_text(encoding="utf-8")
    (bad / "facilities.csv").write_text(text.replace(",625\n", ",-5\n").replace(",60\n", ",lots\n"), encoding="utf-8")
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 2, res.output
    assert "facilities.csv: row 2, column 'land_m2'" in res.output and "-5" in res.output
    assert "facilities.csv: row 4, column 'land_m2'" in res.output and "lots" in res.output

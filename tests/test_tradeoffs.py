"""Trade-offs: the EUR-CO2 front, near-optimal alternatives, solving without a company, comparing results.

Values are worked out independently: by hand (tests/pareto_cases/three_points/README.md)
and by brute force over every link subset and pool choice (tests/bruteforce.py).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from typer.testing import CliRunner

import symbiosis
from bruteforce import brute_force_max_savings, brute_force_optimum, eligible_arcs, eligible_members
from conftest import ROOT
from symbiosis.analysis.check import check_result
from symbiosis.analysis.coupled import Coupled
from symbiosis.cli import app
from symbiosis.types import Objective
from test_property import scenarios
from test_report import Page

runner = CliRunner()
THREE = ROOT / "tests" / "pareto_cases" / "three_points"


def test_hand_computed_front_has_three_points_and_a_money_losing_step(tmp_path: Path) -> None:
    """README: (0 t, 950 EUR), (10 t, 650 EUR) bought with the money-losing a3, (20 t, 150 EUR); 30 and 50 EUR/t."""
    out = tmp_path / "front"
    res = runner.invoke(app, ["pareto", str(THREE), "--out", str(out), "--points", "5"])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "pareto.csv")
    assert list(table.columns[:8]) == ["point", "epsilon_co2_t", "net_savings_eur_per_year", "co2_avoided_t_per_year", "status", "mip_gap", "n_exchanges", "n_pools"]
    assert table["co2_avoided_t_per_year"].tolist() == pytest.approx([0.0, 10.0, 20.0], abs=1e-6)
    assert table["net_savings_eur_per_year"].tolist() == pytest.approx([950.0, 650.0, 150.0], abs=1e-6)
    assert table["implicit_carbon_price_eur_per_t"].tolist()[1:] == pytest.approx([30.0, 50.0], abs=1e-6)
    assert set(table["status"]) == {"optimal"}
    sc = symbiosis.load_scenario(THREE)
    for i in (1, 2, 3):
        assert check_result(sc, out / f"point_{i:02d}").ok
    middle = pd.read_csv(out / "point_02" / "matches.csv")
    a3 = middle[(middle["supply_stream"] == "s2") & (middle["demand_stream"] == "d3")]
    assert a3["savings_eur_per_year"].tolist() == pytest.approx([-300.0])
    assert sorted(middle["supply_stream"] + ">" + middle["demand_stream"]) == ["s1>d1", "s2>d3", "s4>d4"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="front-picture"' in page and (out / "front.png").stat().st_size > 1000
    # A plain solve never builds the money-losing arc.
    plain = symbiosis.solve(sc)
    assert plain.summary.net_savings_eur_per_year == pytest.approx(950.0)


def test_front_through_the_api_is_deterministic() -> None:
    a = symbiosis.pareto(THREE, points=3)
    b = symbiosis.pareto(THREE, points=3)
    assert a.table().drop(columns=[]).equals(b.table())
    assert a.unverified == 0 and a.verified == 2


def _chained_tolerance_case() -> symbiosis.Scenario:
    """Found by hypothesis: two step points 1e-5 t apart, each within 0.01 EUR of the one left of it,
    dropped the best-savings end one after the other (the left end read 4,826.17 for 4,826.19 EUR/yr)."""
    from symbiosis.schema.records import Company, ProfilePoint, Resource, Rule, Stream

    def stream(i: str, company: str, direction: str, resource: str, q: float, price: float, co2: float, **kw: object) -> Stream:
        return Stream(id=i, company=company, direction=direction, resource=resource, quantity=q, price_eur_per_unit=price, co2_kg_per_unit=co2, **kw)

    return symbiosis.Scenario(
        name="random",
        companies=tuple(Company(id=c, name=c, sector="", lat=50.85, lon=4.7) for c in ("C0", "C1", "C2")),
        resources=(
            Resource(id="mat", family="material", unit="t", pricing="volume", transport="road", kg_per_unit=1000.0),
            Resource(id="alt", family="material", unit="t", pricing="volume", transport="none"),
        ),
        streams=(
            stream("s0", "C0", "supply", "mat", 10.0, 0.0, 0.0, min_quantity=10.0),
            stream("s1", "C2", "supply", "mat", 10.0, 0.0, 0.0),
            stream("s2", "C2", "demand", "alt", 90.0, 50.0, 100.0),
            stream("s3", "C0", "supply", "alt", 30.0, 45.0, 50.0, profile="p1"),
            stream("s4", "C0", "supply", "alt", 40.0, 0.0, 100.0),
            stream("s5", "C2", "demand", "alt", 10.0, 0.0, 100.0, min_quantity=10.0),
        ),
        profiles=tuple(ProfilePoint(profile="p1", slot=t, value=v) for t, v in (("a", 4.0), ("b", 0.0), ("c", 3.0))),
        rules=(Rule(rule="forbid", source="C0", target="C0"),),
    ).with_settings(solver={"mip_rel_gap": 0.0})



@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sc=scenarios())
@example(sc=_chained_tolerance_case())
def test_front_points_equal_brute_force_and_none_dominates_another(sc: symbiosis.Scenario, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every point's savings = the brute-force max of savings s.t. CO2 >= the point's own CO2; the left end is the max savings."""
    assume(len(eligible_arcs(sc)) <= 5 and len(eligible_members(sc)) <= 3)
    assume(brute_force_optimum(sc.with_settings(carbon_price_eur_per_t=0)) is not None)
    front = symbiosis.pareto(sc, points=3)
    pts = [(p.co2, p.net_savings) for p in front.points]
    assert all(p.status.value == "optimal" for p in front.points)
    left = brute_force_max_savings(sc, None)
    assert left is not None and pts[0][1] == pytest.approx(left, rel=1e-6, abs=1e-4)
    # HiGHS holds a (scaled) CO2 floor to its feasibility tolerance, so a point's CO2 is
    # known to ~1e-5 t: its savings lie between the brute-force optima 1e-5 t above and
    # below its CO2 (within 1e-3 EUR), and no point beats another beyond those tolerances.
    for co2, net in pts:
        upper = brute_force_max_savings(sc, co2 - 1e-5)
        lower = brute_force_max_savings(sc, co2 + 1e-5)
        assert upper is not None
        assert net <= upper + 1e-3, (co2, net, upper)
        assert lower is None or net >= lower - 1e-3, (co2, net, lower)
    for p, q in itertools.permutations(pts, 2):
        dominates = p[0] >= q[0] - 1e-5 and p[1] >= q[1] - 1e-3 and (p[0] > q[0] + 1e-5 or p[1] > q[1] + 1e-3)
        assert not dominates, (p, q)
    assert [p[0] for p in pts] == sorted(p[0] for p in pts)
    if len(pts) > 1:
        # The right end: the most CO2 with savings >= 0.
        assert pts[-1][1] >= -1e-4
    out = tmp_path_factory.mktemp("front") / "f"
    front.write(out)
    for name, report in front.check(out).items():
        assert report.ok, (name, report.violations)


def _loss_making_pool(allocation: str) -> symbiosis.Scenario:
    """A free parking hub pool (s2: 10 spaces x 110 EUR = 1,100 EUR/yr, no CO2) and a 'yard'
    pool for s1 (60 t at 44 EUR/t, 50 kg CO2/t) that costs more than s1 is worth; found by
    test_front_points_equal_brute_force_and_none_dominates_another."""
    companies = [dict(id="C0", name="C0", sector="", lat=50.85, lon=4.7), dict(id="C1", name="C1", sector="", lat=50.86, lon=4.715)]
    resources = [
        dict(id="mat", family="material", unit="t", pricing="volume", transport="road", kg_per_unit=1000.0),
        dict(id="park", family="parking", unit="space", pricing="peak", transport="walk", max_distance_km=2.0),
    ]

    def stream(i: str, c: str, d: str, r: str, q: float, p: float, co2: float) -> dict[str, object]:
        return dict(id=i, company=c, direction=d, resource=r, quantity=q, price_eur_per_unit=p, co2_kg_per_unit=co2)

    streams = [
        stream("s0", "C0", "supply", "mat", 10, 0, 0),
        stream("s1", "C1", "demand", "mat", 60, 44, 50),
        stream("s2", "C0", "demand", "park", 10, 110, 0),
        stream("s3", "C1", "demand", "mat", 10, 0, 0),
        stream("s4", "C1", "supply", "mat", 10, 0, 0),
    ]
    profiles = [dict(profile=p, slot=s, value=v) for p in ("p0", "p1") for s, v in (("a", 1.0), ("b", 0.0), ("c", 0.0))]

    def facility(i: str, r: str, lat: float, lon: float, cap: float, capex: float, opex: float, reach: float) -> dict[str, object]:
        return dict(id=i, name=i, resource=r, lat=lat, lon=lon, capacity=cap, capex_eur=capex, opex_eur_per_year=opex, cost_eur_per_unit=0, max_distance_km=reach)

    facilities = [facility("hub", "park", 50.85, 4.7, 10, 0, 0, 0.5), facility("yard", "mat", 50.866, 4.724, 80, 20000, 1000, 1.5)]
    return symbiosis.Scenario.from_tables(
        companies=companies, resources=resources, streams=streams, profiles=profiles, facilities=facilities,
        settings={"solver": {"mip_rel_gap": 0.0}, "allocation": allocation}, name="loss_making_pool",
    )


@pytest.mark.parametrize("allocation", ["shapley", "proportional"])
def test_a_pool_built_at_a_loss_for_its_co2_counts_its_loss(allocation: str, tmp_path: Path) -> None:
    """The yard pool, by hand (defaults: CRF(5 %, 15 y), 0.15 EUR/tkm, 0.10 kg CO2/tkm, detour 1.3):

    CRF = 0.05 x 1.05^15 / (1.05^15 - 1) = 0.0963423; yard fixed = 20000 CRF + 1000 = 2926.846 EUR/yr.
    C1 to the yard: haversine 0.918751 km x 1.3 = 1.194376 km; road to the yard 0.15 x 1 t x 1.194376 x 60 = 10.749.
    Yard surplus = 60 x 44 - 10.749 - 2926.846 = -297.595 EUR/yr; CO2 = 60 x 50 / 1000 - 0.10 x 1.194376 x 60 / 1000
    = 2.992834 t/yr. The exchange s0 -> s1 (at most 10 t, 0.498 t CO2) cannot reach 2.99 t.
    So with CO2 >= 2.99 t the most savings are 1100 - 297.595 = 802.405 EUR/yr, not 1,100: under Shapley the
    grand coalition's worth was clamped at 0, the member's share was 0 and the summary dropped the loss.
    """
    sc = _loss_making_pool(allocation)
    hand_surplus = 60 * 44 - 0.15 * 1.194376 * 60 - (20000 * 0.05 * 1.05**15 / (1.05**15 - 1) + 1000)
    assert hand_surplus == pytest.approx(-297.595, abs=1e-3)
    front = symbiosis.pareto(sc, points=3)
    assert [p.co2 for p in front.points] == pytest.approx([0.0, 2.992834], abs=1e-5)
    assert [p.net_savings for p in front.points] == pytest.approx([1100.0, 1100.0 + hand_surplus], abs=1e-3)
    for p in front.points:
        best = brute_force_max_savings(sc, p.co2 - 1e-5)
        assert best is not None and p.net_savings <= best + 1e-3, (p.co2, p.net_savings, best)
    # Solved with a CO2 floor of 2.99 t (as the front does, carbon price 0).
    engine = Coupled(sc.with_settings(carbon_price_eur_per_t=0), couple=("co2_t",))
    run = engine.run(Objective("savings_eur", floors=(("co2_t", 2.99),)))
    result = run.result
    assert run.solution.objective is not None
    assert result.summary.net_savings_eur_per_year == pytest.approx(802.405, abs=1e-3)
    # The summary's net savings = the model's savings (fixed parts + merged model) = the
    # matches' and the companies' sums = the objective at carbon price 0.
    assert result.summary.net_savings_eur_per_year == pytest.approx(engine.fixed_savings + run.solution.objective, abs=1e-6)
    assert result.summary.objective == pytest.approx(result.summary.net_savings_eur_per_year, abs=1e-9)
    assert result.companies["savings_eur_per_year"].sum() == pytest.approx(802.405, abs=1e-3)
    yard = result.matches[result.matches["source"] == "yard"]
    assert yard["savings_eur_per_year"].tolist() == pytest.approx([hand_surplus], abs=1e-3)
    assert result.facilities.set_index("facility").loc["yard", "surplus_eur_per_year"] == pytest.approx(hand_surplus, abs=1e-3)
    out = tmp_path / "front"
    front.write(out)
    for name, report in front.check(out).items():
        assert report.ok, (name, report.violations)
    assert report.net_savings_eur_per_year == pytest.approx(1100.0 + hand_surplus, abs=1e-3)
    # The checker totals the pools from their recomputed surplus, not from the members'
    # shares: a folder whose shares and summary both drop the loss (the old output) fails.
    point = out / front.folders()[-1]
    matches = pd.read_csv(point / "matches.csv")
    matches.loc[matches["source"] == "yard", "savings_eur_per_year"] = 0.0
    matches.to_csv(point / "matches.csv", index=False)
    summary = json.loads((point / "summary.json").read_text(encoding="utf-8"))
    summary["net_savings_eur_per_year"] = summary["objective"] = 1100.0
    (point / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    violations = check_result(sc, point).violations
    assert any(v.startswith("summary.json: net_savings_eur_per_year 1100.0") for v in violations), violations


def test_a_peak_demand_that_loses_money_is_cut_only_as_far_as_its_flows_go(tmp_path: Path) -> None:
    """Parking demand s1 (10 spaces, price -10 EUR, 50 kg CO2 each) fed by s3; material s2 -> s0 (10 t, 1 EUR/t).

    By hand: C0-C1 haversine 0.210610 km x 1.3 = 0.273793 km; s2 -> s0 saves 10 x (1 - 0.15 x 0.273793)
    = 9.589311 EUR/yr and avoids -0.10 x 0.273793 x 10 / 1000 = -0.000274 t; each space of s1's peak
    cut costs 10 EUR and avoids 0.05 t. The right end (most CO2 with savings >= 0) cuts 0.958931
    spaces: CO2 0.05 x 0.958931 - 0.000274 = 0.047673 t at 0 EUR/yr. Before peak_pin the model held
    k_d up while the flows cut the whole peak, and the result reported (0.4997 t, -90.41 EUR/yr).
    """
    companies = [dict(id="C0", name="C0", sector="", lat=50.85, lon=4.7), dict(id="C1", name="C1", sector="", lat=50.85, lon=4.703)]
    resources = [
        dict(id="mat", family="material", unit="t", pricing="volume", transport="road", kg_per_unit=1000.0),
        dict(id="park", family="parking", unit="space", pricing="peak", transport="walk", max_distance_km=2.0),
    ]
    streams = [
        dict(id="s0", company="C1", direction="demand", resource="mat", quantity=10, price_eur_per_unit=1, co2_kg_per_unit=0, min_quantity=10),
        dict(id="s1", company="C0", direction="demand", resource="park", quantity=10, price_eur_per_unit=-10, co2_kg_per_unit=50),
        dict(id="s2", company="C0", direction="supply", resource="mat", quantity=10, price_eur_per_unit=0, co2_kg_per_unit=0),
        dict(id="s3", company="C1", direction="supply", resource="park", quantity=10, price_eur_per_unit=0, co2_kg_per_unit=0),
    ]
    sc = symbiosis.Scenario.from_tables(
        companies=companies, resources=resources, streams=streams,
        settings={"solver": {"mip_rel_gap": 0.0}, "link_fixed_cost_eur_per_year": 0.0}, name="losing_peak",
    )
    front = symbiosis.pareto(sc, points=3)
    left, right = front.points[0], front.points[-1]
    assert (left.co2, left.net_savings) == pytest.approx((-0.000274, 9.589311), abs=1e-6)
    # The right end's floor is 1e-6 t below the most CO2: 2e-4 EUR/yr more savings.
    assert right.co2 == pytest.approx(0.047673, abs=2e-6) and right.net_savings == pytest.approx(0.0, abs=1e-3)
    for p in front.points:
        best = brute_force_max_savings(sc, p.co2 - 1e-5)
        assert best is not None and p.net_savings <= best + 1e-3, (p.co2, p.net_savings, best)
    out = tmp_path / "front"
    front.write(out)
    for name, report in front.check(out).items():
        assert report.ok, (name, report.violations)


def test_alternatives_by_hand(tmp_path: Path) -> None:
    """README: with slack 0.6 (floor 380), {a2} (400, shares nothing) then {a1} (900); then no network is left."""
    out = tmp_path / "alts"
    res = runner.invoke(app, ["alternatives", str(THREE), "--out", str(out), "--k", "5", "--slack", "0.6"])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "alternatives.csv")
    assert table["objective"].tolist() == pytest.approx([950.0, 400.0, 900.0])
    assert table["links_shared_with_optimum"].tolist() == [2, 0, 1]
    assert table["jaccard_to_optimum"].tolist() == pytest.approx([1.0, 0.0, 0.5])
    freq = pd.read_csv(out / "link_frequency.csv")
    assert not freq["robust_core"].any()
    assert dict(zip(freq["supply_stream"] + ">" + freq["demand_stream"], freq["n_networks"])) == {"s1>d1": 2, "s4>d4": 1, "s1>d2": 1}
    assert 'id="core-count"' in (out / "report.html").read_text(encoding="utf-8")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sc=scenarios())
def test_alternatives_within_slack_different_and_checked(sc: symbiosis.Scenario, tmp_path_factory: pytest.TempPathFactory) -> None:
    assume(len(eligible_arcs(sc)) <= 6 and len(eligible_members(sc)) <= 4)
    alts = symbiosis.alternatives(sc, k=3, slack=0.3)
    best = alts.results[0].summary.objective
    assume(best is not None)
    assert best == pytest.approx(brute_force_optimum(sc), rel=1e-6, abs=1e-4)
    for r in alts.results[1:]:
        assert r.summary.objective >= best - 0.3 * abs(best) - 1e-6
    for a, b in itertools.combinations(alts.links, 2):
        assert a != b
    out = tmp_path_factory.mktemp("alts") / "a"
    alts.write(out)
    for name, report in alts.check(out).items():
        assert report.ok, (name, report.violations)
    core = alts.core
    assert all(core <= links for links in alts.links)


def _deleted(sc: symbiosis.Scenario, company: str) -> symbiosis.Scenario:
    """The scenario rebuilt from its tables with the company's streams (and rules naming it) deleted."""
    data = json.loads(sc.model_dump_json())
    streams = [s for s in data["streams"] if s["company"] != company]
    ids = {s["id"] for s in data["streams"] if s["company"] == company} | {company}
    rules = [r for r in data["rules"] if r["source"] not in ids and r["target"] not in ids]
    links = [row for row in data["links"] if row["source"] not in ids and row["target"] not in ids]
    return symbiosis.Scenario.from_tables(
        companies=data["companies"], resources=data["resources"], streams=streams, profiles=data["profiles"],
        substitutions=data["substitutions"], rules=rules, facilities=data["facilities"], links=links, settings=data["settings"], name=data["name"],
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios())
def test_without_equals_solving_with_the_streams_deleted(sc: symbiosis.Scenario) -> None:
    company = sorted(c.id for c in sc.companies)[0]
    assume(any(s.company != company for s in sc.streams))
    mine = symbiosis.solve(sc, without=[company])
    theirs = symbiosis.solve(_deleted(sc, company))
    assert mine.status == theirs.status
    assert mine.summary.objective == pytest.approx(theirs.summary.objective, rel=1e-9, abs=1e-6) if theirs.ok else True
    assert mine.matches.equals(theirs.matches)
    expected = brute_force_optimum(_deleted(sc, company)) if len(eligible_arcs(_deleted(sc, company))) <= 6 else None
    if expected is not None and mine.ok:
        assert mine.summary.objective == pytest.approx(expected, rel=1e-6, abs=1e-4)


def test_without_and_compare_by_hand(tmp_path: Path) -> None:
    """Without D (s2, d4): a4 is lost, the optimum is {a1}, 900 EUR/yr; D's savings go from 25 to 0."""
    base, other = tmp_path / "base", tmp_path / "without"
    assert runner.invoke(app, ["solve", str(THREE), "--out", str(base), "-q"]).exit_code == 0
    res = runner.invoke(app, ["solve", str(THREE), "--out", str(other), "--without", "D"])
    assert res.exit_code == 0, res.output
    assert json.loads((other / "summary.json").read_text())["net_savings_eur_per_year"] == pytest.approx(900.0)
    c = symbiosis.compare(base, other)
    assert c.lost[["supply_stream", "demand_stream"]].values.tolist() == [["s4", "d4"]]
    assert len(c.gained) == 0 and c.absent == ("D",)
    change = dict(zip(c.companies["company"], c.companies["change_eur_per_year"]))
    assert change["D"] == pytest.approx(-25.0) and change["C"] == pytest.approx(-25.0) and change["A"] == pytest.approx(0.0)
    assert c.change_eur_per_year == pytest.approx(-50.0)
    res = runner.invoke(app, ["compare", str(base), str(other)])
    assert res.exit_code == 0 and "matches: 1 lost, 0 gained, 0 changed" in res.output
    # The companies left out: their streams are the input differences (turn 3: compare shows them first).
    assert sorted(c.inputs["row"]) == ["id=d4", "id=s2"] and set(c.inputs["change"]) == {"removed"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pareto", str(THREE), "--out", "{out}", "--points", "1"], "at least 2 points"),
        (["alternatives", str(THREE), "--out", "{out}", "--slack", "0"], "strictly between 0 and 1"),
        (["alternatives", str(THREE), "--out", "{out}", "--slack", "1"], "strictly between 0 and 1"),
        (["alternatives", str(THREE), "--out", "{out}", "--k", "0"], "at least 1 alternative"),
        (["alternatives", str(THREE), "--out", "{out}", "--method", "fast"], "give parts or whole"),
        (["solve", str(THREE), "--out", "{out}", "--without", "A,nobody"], "unknown company 'nobody'"),
    ],
)
def test_bad_input_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    res = runner.invoke(app, [a.replace("{out}", str(tmp_path / "out")) for a in args])
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert not (tmp_path / "out").exists()


def test_compare_of_results_that_share_no_company_exits_2(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert runner.invoke(app, ["solve", str(THREE), "--out", str(a), "-q"]).exit_code == 0
    assert runner.invoke(app, ["solve", str(ROOT / "tests" / "cases" / "forbid"), "--out", str(b), "-q"]).exit_code == 0
    res = runner.invoke(app, ["compare", str(a), str(b)])
    assert res.exit_code == 2 and "share no company" in res.output and "Traceback" not in res.output


def _version(tmp_path: Path, name: str, edit) -> Path:
    """A copy of three_points with its scenario.yaml edited, solved into tmp_path/name."""
    folder = tmp_path / f"{name}-scenario"
    folder.mkdir()
    text = (THREE / "scenario.yaml").read_text(encoding="utf-8")
    edited = edit(text)
    assert edited != text
    (folder / "scenario.yaml").write_text(edited, encoding="utf-8")
    out = tmp_path / name
    res = runner.invoke(app, ["solve", str(folder), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    return out


def _base(tmp_path: Path) -> Path:
    base = tmp_path / "base"
    assert runner.invoke(app, ["solve", str(THREE), "--out", str(base), "-q"]).exit_code == 0
    return base


def _matches(c) -> dict:
    return {(r["change"], r["supply_stream"], r["demand_stream"]): (r["change_savings_eur_per_year"], r["change_co2_avoided_t_per_year"]) for r in c.matches.to_dict("records")}


def test_compare_a_price_edit_by_hand(tmp_path: Path) -> None:
    """d1's price 10 -> 4 (three_points/README.md): a1 = s1 -> d1 is worth 4 x 100 - 100 = 300 < a2's 400, so the
    optimum moves from {a1, a4} (950 EUR/yr, 0 t) to {a2, a4} (450, 10 t). Companies (exchanges split evenly):
    A 450 -> 200, B 450 -> 0, C 25 -> 25 + 200 = 225 (CO2 +5), D 25 -> 25."""
    other = _version(tmp_path, "price", lambda t: t.replace("{id: d1, company: B, direction: demand, resource: m1, quantity: 100, price_eur_per_unit: 10",
                                                             "{id: d1, company: B, direction: demand, resource: m1, quantity: 100, price_eur_per_unit: 4"))
    c = symbiosis.compare(_base(tmp_path), other)
    assert c.inputs[["table", "row", "change", "field", "base", "other"]].values.tolist() == [["streams", "id=d1", "changed", "price_eur_per_unit", 10.0, 4.0]]
    assert _matches(c) == {("lost", "s1", "d1"): pytest.approx((-900.0, 0.0)), ("gained", "s1", "d2"): pytest.approx((400.0, 10.0))}
    assert list(c.matches["change"]) == ["lost", "gained"]  # largest change in EUR first
    change = dict(zip(c.companies["company"], c.companies["change_eur_per_year"]))
    assert change == pytest.approx({"A": -250.0, "B": -450.0, "C": 200.0, "D": 0.0})
    assert list(c.companies["company"][:3]) == ["B", "A", "C"]
    assert dict(zip(c.companies["company"], c.companies["change_co2_avoided_t_per_year"]))["C"] == pytest.approx(5.0)
    totals = c.totals.set_index("total")["change"]
    assert totals["net_savings_eur_per_year"] == pytest.approx(-500.0) and totals["co2_avoided_t_per_year"] == pytest.approx(10.0)
    res = runner.invoke(app, ["compare", str(tmp_path / "base"), str(other)])
    assert res.exit_code == 0, res.output
    out = res.output
    assert out.index("Input differences") < out.index("net savings") < out.index("Matches lost")
    assert "CO2 avoided: 0.0 -> 10.0 t/yr (change 10.0)" in out and "1 lost, 1 gained, 0 changed" in out and "2 of 2 shown" in out
    assert "s1 -> d1" in out  # by stream


def test_compare_an_added_company_by_hand(tmp_path: Path) -> None:
    """Company E (lat 50.854) with a demand d5 of m1 at 12 EUR/t: s1 -> d5 is worth 12 x 100 - 100 = 1 100 > a1's 900,
    so a1 is lost and s1 -> d5 gained: 950 -> 1 150. A 450 -> 550, B 450 -> 0, E 0 -> 550."""
    def add(t: str) -> str:
        t = t.replace("    - {id: D, name: D, sector: test, lat: 50.853, lon: 4.7}\n", "    - {id: D, name: D, sector: test, lat: 50.853, lon: 4.7}\n    - {id: E, name: E, sector: test, lat: 50.854, lon: 4.7}\n")
        return t.replace("  streams:\n", "  streams:\n    - {id: d5, company: E, direction: demand, resource: m1, quantity: 100, price_eur_per_unit: 12, co2_kg_per_unit: 0}\n")
    other = _version(tmp_path, "added", add)
    c = symbiosis.compare(_base(tmp_path), other)
    assert c.inputs[["table", "row", "change"]].values.tolist() == [["companies", "id=E", "added"], ["streams", "id=d5", "added"]]
    assert _matches(c) == {("gained", "s1", "d5"): pytest.approx((1100.0, 0.0)), ("lost", "s1", "d1"): pytest.approx((-900.0, 0.0))}
    assert list(c.matches["change"]) == ["gained", "lost"]
    change = dict(zip(c.companies["company"], c.companies["change_eur_per_year"]))
    assert change == pytest.approx({"A": 100.0, "B": -450.0, "C": 0.0, "D": 0.0, "E": 550.0})
    assert c.change_eur_per_year == pytest.approx(200.0) and c.absent == ("E",)


def test_compare_a_removed_stream_by_hand(tmp_path: Path) -> None:
    """s4 (C's m3) removed: a4 = s4 -> d4 (3 x 50 - 100 = 50) is lost; C 25 -> 0, D 25 -> 0; 950 -> 900."""
    other = _version(tmp_path, "removed", lambda t: t.replace("    - {id: s4, company: C, direction: supply, resource: m3, quantity: 50, price_eur_per_unit: 0, co2_kg_per_unit: 0}\n", ""))
    c = symbiosis.compare(_base(tmp_path), other)
    assert c.inputs[["table", "row", "change"]].values.tolist() == [["streams", "id=s4", "removed"]]
    assert _matches(c) == {("lost", "s4", "d4"): pytest.approx((-50.0, 0.0))}
    change = dict(zip(c.companies["company"], c.companies["change_eur_per_year"]))
    assert change == pytest.approx({"A": 0.0, "B": 0.0, "C": -25.0, "D": -25.0})
    assert c.change_eur_per_year == pytest.approx(-50.0)


def test_compare_shows_n_of_m_and_every_row_with_all_or_in_a_file(tmp_path: Path) -> None:
    """--top 1 shows 1 of 2 and says so; --all shows both; --out writes every row of the four tables."""
    other = _version(tmp_path, "price", lambda t: t.replace("{id: d1, company: B, direction: demand, resource: m1, quantity: 100, price_eur_per_unit: 10",
                                                             "{id: d1, company: B, direction: demand, resource: m1, quantity: 100, price_eur_per_unit: 4"))
    base = _base(tmp_path)
    res = runner.invoke(app, ["compare", str(base), str(other), "--top", "1"])
    assert res.exit_code == 0 and "1 of 2 shown; --all for every one" in res.output and "s1 -> d2" not in res.output
    res = runner.invoke(app, ["compare", str(base), str(other), "--all", "--out", str(tmp_path / "diff")])
    assert res.exit_code == 0 and "2 of 2 shown" in res.output and "s1 -> d2" in res.output
    matches = (tmp_path / "diff" / "matches.csv").read_text().splitlines()
    assert len(matches) == 3 and matches[0].startswith("kind,source,target,supply_stream,demand_stream,resource,change,base_savings_eur_per_year,")
    assert sorted(p.name for p in (tmp_path / "diff").iterdir()) == [".symbiosis-result.json", "companies.csv", "inputs.csv", "matches.csv", "report.html", "totals.csv"]
    page = Page((tmp_path / "diff" / "report.html").read_text(encoding="utf-8"))  # the same rows, in the one page system
    assert len(page.tables["matches-table"]) == 2 and len(page.tables["inputs-table"]) == len((tmp_path / "diff" / "inputs.csv").read_text().splitlines()) - 1


def test_a_front_replaces_only_a_folder_symbiosis_wrote(tmp_path: Path) -> None:
    """An analyst's folder that happens to hold a pareto.csv is refused and left untouched; an earlier front is replaced."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "pareto.csv").write_text("my own notes\n", encoding="utf-8")
    (mine / "budget.xlsx").write_bytes(b"not a symbiosis file")
    res = runner.invoke(app, ["pareto", str(THREE), "--out", str(mine), "--points", "2"])
    assert res.exit_code == 2, res.output
    assert "not a symbiosis front" in res.output
    assert sorted(p.name for p in mine.iterdir()) == ["budget.xlsx", "pareto.csv"]
    assert (mine / "pareto.csv").read_text(encoding="utf-8") == "my own notes\n"
    front = tmp_path / "front"
    for _ in range(2):  # the second run replaces the first, recognised by its marker
        res = runner.invoke(app, ["pareto", str(THREE), "--out", str(front), "--points", "2"])
        assert res.exit_code == 0, res.output
    assert (front / ".symbiosis-result.json").is_file()

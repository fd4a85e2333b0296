"""Random tiny scenarios: the optimum equals brute force, and the checker passes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import symbiosis
from bruteforce import brute_force_optimum, eligible_arcs, eligible_members
from symbiosis.analysis.check import check_result
from symbiosis.errors import ScenarioError

RESOURCES = [
    {"id": "mat", "family": "material", "unit": "t", "pricing": "volume", "transport": "road", "kg_per_unit": 1000},
    {"id": "alt", "family": "material", "unit": "t", "pricing": "volume", "transport": "none"},
    {"id": "heat", "family": "energy", "unit": "MWh", "pricing": "volume", "transport": "pipe", "pipe_capex_eur_per_m": 50},
    {"id": "park", "family": "parking", "unit": "space", "pricing": "peak", "transport": "walk", "max_distance_km": 2},
]
SLOTS = ["a", "b", "c"]


@st.composite
def scenarios(draw: st.DrawFn, streams_of: tuple[str, ...] = ("mat", "alt", "heat", "park")) -> symbiosis.Scenario:
    """A random tiny scenario; ``streams_of`` names the resources its streams and facilities may use."""
    n_comp = draw(st.integers(2, 4))
    companies = [
        {"id": f"C{i}", "name": f"C{i}", "lat": 50.85 + draw(st.integers(0, 8)) * 0.002, "lon": 4.70 + draw(st.integers(0, 8)) * 0.003}
        for i in range(n_comp)
    ]
    profiles = [{"profile": f"p{j}", "slot": s, "value": draw(st.integers(0, 4)) + (1 if s == "a" else 0)} for j in range(2) for s in SLOTS]
    streams = []
    for i in range(draw(st.integers(2, 6))):
        res = draw(st.sampled_from([r for r in RESOURCES if r["id"] in streams_of]))
        direction = draw(st.sampled_from(["supply", "demand"]))
        peak = res["pricing"] == "peak"
        stream = {
            "id": f"s{i}",
            "company": f"C{draw(st.integers(0, n_comp - 1))}",
            "direction": direction,
            "resource": res["id"],
            "quantity": draw(st.integers(1, 10)) * 10,
            "price_eur_per_unit": 0 if (peak and direction == "supply") else draw(st.integers(-20, 60)) * (10 if peak else 1),
            "co2_kg_per_unit": draw(st.integers(0, 3)) * 50,
        }
        if draw(st.booleans()):
            stream["profile"] = draw(st.sampled_from(["p0", "p1"]))
        if res["id"] == "heat":
            stream["temperature_c"] = draw(st.sampled_from([20, 40, 60, 80]))
        if not peak and draw(st.integers(0, 3)) == 0:
            stream["min_quantity"] = draw(st.integers(1, 6)) * 10
        streams.append(stream)
    subs = [{"supply_resource": "mat", "demand_resource": "alt", "ratio": draw(st.sampled_from([0.5, 1.5]))}] if draw(st.booleans()) else []
    rules = []
    if draw(st.integers(0, 3)) == 0:
        rules.append({"rule": draw(st.sampled_from(["forbid", "require"])), "source": f"C{draw(st.integers(0, n_comp - 1))}", "target": f"C{draw(st.integers(0, n_comp - 1))}"})
    facilities = []
    for fid, res in (("hub", "park"), ("depot", "alt"), ("yard", "mat")):
        if res not in streams_of:
            continue
        if draw(st.booleans()):
            lat, lon = 50.85 + draw(st.integers(0, 8)) * 0.002, 4.70 + draw(st.integers(0, 8)) * 0.003
            reach = draw(st.sampled_from([0.5, 1.5, 3.0]))
            unit_cost = draw(st.integers(0, 20))
            for _ in range(draw(st.integers(1, 2))):
                facilities.append({
                    "id": fid, "name": fid, "resource": res, "lat": lat, "lon": lon,
                    "capacity": draw(st.integers(1, 12)) * 10, "capex_eur": draw(st.integers(0, 5)) * 10000,
                    "opex_eur_per_year": draw(st.integers(0, 3)) * 500, "cost_eur_per_unit": unit_cost,
                    "max_distance_km": reach,
                })
    settings_ = {
        "link_fixed_cost_eur_per_year": draw(st.sampled_from([0, 100, 1000])),
        "carbon_price_eur_per_t": draw(st.sampled_from([0, 80])),
        "solver": {"mip_rel_gap": 0.0},
    }
    if draw(st.booleans()):
        settings_["heat_pump"] = {"carnot_fraction": 0.5, "max_lift_c": 50}
    if draw(st.booleans()):
        settings_["allocation"] = "shapley"
    links = draw(link_rows(companies, streams, facilities))
    try:
        return symbiosis.Scenario.from_tables(
            companies=companies, resources=RESOURCES, streams=streams, profiles=profiles, substitutions=subs, rules=rules,
            facilities=facilities, settings=settings_, name="random", links=links,
        )
    except ScenarioError:
        assume(False)  # two random links.csv rows of one specificity for one pair: refused, as it should be
        raise


@st.composite
def link_rows(draw: st.DrawFn, companies: list[dict], streams: list[dict], facilities: list[dict]) -> list[dict]:
    """0-3 random links.csv rows: exchange rows at every specificity and facility rows, random cells empty."""
    supplies = [s["id"] for s in streams if s["direction"] == "supply"]
    demands = [s["id"] for s in streams if s["direction"] == "demand"]
    firms = [c["id"] for c in companies]
    sites = sorted({f["id"] for f in facilities})
    rows = []
    for _ in range(draw(st.integers(0, 3))):
        source = draw(st.sampled_from(supplies + firms + sites))
        target = draw(st.sampled_from(demands + firms))
        row = {"source": source, "target": target}
        if source in firms and target in firms and draw(st.booleans()):
            row["resource"] = draw(st.sampled_from([r["id"] for r in RESOURCES]))
        for col, values in (("distance_km", [0.0, 0.5, 3.0, 20.0]), ("cost_eur_per_unit", [0.0, 2.0, 15.0]),
                            ("co2_kg_per_unit", [0.0, 40.0]), ("fixed_cost_eur_per_year", [0.0, 300.0])):
            if draw(st.booleans()):
                row[col] = draw(st.sampled_from(values))
        rows.append(row)
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sc=scenarios())
def test_optimum_equals_brute_force_and_checker_passes(sc: symbiosis.Scenario, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The MILP's optimum equals the best of every pool choice and link subset, and its files pass the checker.

    Without require rules every participant's allocation is also at or above zero
    (the checker flags any company below zero).
    """
    assume(len(eligible_arcs(sc)) <= 6 and len(eligible_members(sc)) <= 4)
    expected = brute_force_optimum(sc)
    result = symbiosis.solve(sc)
    if expected is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal", result.summary
    event(f"pools built: {result.summary['n_pools']}, exchanges: {min(result.summary['n_exchanges'], 2)}+")
    event(f"links.csv rows: {len(sc.links)}")
    assert result.summary["objective"] == pytest.approx(expected, rel=1e-6, abs=1e-4)
    monolithic = symbiosis.solve(sc, **{"solver.decompose": False})
    assert monolithic.summary["objective"] == pytest.approx(expected, rel=1e-6, abs=1e-4)
    out: Path = tmp_path_factory.mktemp("res") / "out"
    result.write(out)
    report = check_result(sc, out)
    assert report.ok, report.violations
    assert report.objective == pytest.approx(expected, rel=1e-6, abs=1e-4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
@given(sc=st.one_of(scenarios(), scenarios(streams_of=("park",))))
def test_each_measure_made_best_equals_brute_force(sc: symbiosis.Scenario, tmp_path_factory: pytest.TempPathFactory) -> None:
    """For every measure of the registry, ``objective=Objective(measure)`` (maximised, or minimised when less
    is better) reaches the brute-force best of that measure over every pool choice and link subset, and so
    does the opposite (the weight -sign: truck_km maximised, land_freed_m2 minimised, ...), which exercises
    every coefficient where "best" is an empty network (money aside). With a floor that never binds the
    optimum is the same (the candidates differ, and the parts are solved as one). The files pass the checker, which recomputes every
    measure and the objective from them."""
    arcs, members = eligible_arcs(sc), eligible_members(sc)
    assume(len(arcs) <= 5 and len(members) <= 3 and (arcs or members))  # something to choose
    for name, m in symbiosis.MEASURES.items():
        # Losing money on purpose is no objective: its best is a link that carries nothing for its
        # fixed cost, and an arc that can carry nothing is never a candidate (contract section 4).
        for weight in (m.sign,) if name == "savings_eur" else (m.sign, -m.sign):
            expected = brute_force_optimum(sc, {name: weight})
            goal = symbiosis.Objective(name) if weight == m.sign else symbiosis.Objective(((name, weight),))
            result = symbiosis.solve(sc, objective=goal)
            # A floor that never binds keeps every arc that adds money as a candidate (and couples
            # the parts): the optimum is the same.
            loose = symbiosis.solve(sc, objective=symbiosis.Objective(goal.maximise, floors=(("savings_eur", -1e9),)))
            if expected is None:
                assert result.status == "infeasible" and loose.status == "infeasible", name
                continue
            assert loose.status == "optimal", (name, weight, loose.summary)
            assert loose.summary.objective == pytest.approx(expected, rel=1e-6, abs=1e-4), (name, weight, "with a loose floor")
            assert result.status == "optimal", (name, weight, result.summary)
            assert result.summary.measures is not None
            assert weight * result.summary.measures[name] == pytest.approx(expected, rel=1e-6, abs=1e-4), (name, weight)
            assert result.summary.objective == pytest.approx(expected, rel=1e-6, abs=1e-4), (name, weight)
            event(f"{name} x {weight:+g}: {'non-zero' if abs(expected) > 1e-9 else 'zero'}")
            out: Path = tmp_path_factory.mktemp("res") / f"{name}{weight:+g}"
            result.write(out)
            report = check_result(sc, out)
            assert report.ok, (name, weight, report.violations)
            assert report.measures[name] == pytest.approx(result.summary.measures[name], rel=1e-6, abs=1e-4)

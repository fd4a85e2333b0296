"""Near-optimal alternatives found part by part (``analysis.sharing``) against brute force and the whole model.

Brute force (tests/bruteforce.py) values every subset of the candidate links with an LP
(scipy), so each alternative's least sharing and best objective at it are worked out
without symbiosis's solver: for the earlier networks L_0..L_{i-1} the method reported,

    D_i = min over networks N with value >= floor and N not a superset of any L_n of sum_n |N & L_n|
    V_i = max value over those networks with sum_n |N & L_n| = D_i.

The candidates are those of the usual objective (the contract's: a link that cannot add
to it is no alternative), taken from symbiosis; every value is brute force's.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, assume, event, given, settings

import symbiosis
from bruteforce import eligible_arcs, subset_value
from conftest import ROOT
from symbiosis.analysis.alternatives import alternatives
from symbiosis.analysis.coupled import Coupled
from symbiosis.candidates import build_candidates, split_components
from symbiosis.io.read import load_scenario
from symbiosis.types import WEIGHTED, LinkKey, Objective, Status
from test_partwise import parks

SLACK = 0.6  # wide, so that several alternatives exist


def networks(sc: symbiosis.Scenario) -> list[tuple[frozenset[LinkKey], float]]:
    """Every subset of the candidate exchanges with a feasible flow, and its best objective (brute force)."""
    c = build_candidates(sc, objective=WEIGHTED)
    pairs = set(zip(c.arcs["supply_stream"], c.arcs["demand_stream"]))
    arcs = [a for a in eligible_arcs(sc) if (a.s.id, a.d.id) in pairs]
    out = []
    for n in range(len(arcs) + 1):
        for subset in itertools.combinations(arcs, n):
            value = subset_value(sc, list(subset))
            if value is not None:
                out.append((frozenset(("exchange", a.s.id, a.d.id) for a in subset), value))
    return out


def next_by_brute_force(nets: list[tuple[frozenset[LinkKey], float]], earlier: list[frozenset[LinkKey]], floor: float) -> tuple[int, float] | None:
    """(D_i, V_i) after these earlier networks; None when no network is left."""
    fits = [(sum(len(n & e) for e in earlier), v) for n, v in nets if v >= floor - 1e-6 and not any(e <= n for e in earlier)]
    if not fits:
        return None
    d = min(s for s, _ in fits)
    return d, max(v for s, v in fits if s == d)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(sc=parks())
def test_alternatives_part_by_part_equal_brute_force(sc: symbiosis.Scenario) -> None:
    """Every alternative of the part-wise method shares D_i links with the networks before it and has objective V_i,
    both by brute force; it stops exactly when brute force has no network left; every one is proven."""
    c = build_candidates(sc, objective=WEIGHTED)
    assume(2 <= len(c.arcs) <= 7 and len(split_components(c)) >= 2)
    nets = networks(sc)
    alts = alternatives(sc, k=4, slack=SLACK, method="parts")
    best = alts.results[0].summary.objective
    assert best is not None
    assert best == pytest.approx(max(v for _, v in nets), rel=1e-6, abs=1e-4)
    floor = best - SLACK * abs(best)
    event(f"alternatives: {len(alts.results) - 1}")
    for i in range(1, len(alts.results)):
        want = next_by_brute_force(nets, list(alts.links[:i]), floor)
        assert want is not None, i
        r = alts.results[i]
        assert sum(len(alts.links[i] & e) for e in alts.links[:i]) == want[0], i
        assert r.summary.objective == pytest.approx(want[1], rel=1e-6, abs=1e-4), i
        assert r.summary.status.value == "optimal"
        assert r.summary.best_bound == pytest.approx(want[1], rel=1e-6, abs=1e-4)
    if len(alts.results) < 5:
        assert next_by_brute_force(nets, list(alts.links), floor) is None


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(sc=parks())
def test_parts_and_whole_model_give_the_same_alternatives(sc: symbiosis.Scenario) -> None:
    """The whole model (the method before) and the part-wise one: the same sharing and objective at every step
    while they pick the same networks (ties may part them: then the rest is not compared)."""
    c = build_candidates(sc, objective=WEIGHTED)
    assume(2 <= len(c.arcs) <= 7)
    parts = alternatives(sc, k=3, slack=SLACK, method="parts")
    whole = alternatives(sc, k=3, slack=SLACK, method="whole")
    for i in range(1, min(len(parts.results), len(whole.results))):
        a, b = parts.results[i].summary, whole.results[i].summary
        assert a.objective == pytest.approx(b.objective, rel=1e-6, abs=1e-4)
        share = [sum(len(x.links[i] & e) for e in x.links[:i]) for x in (parts, whole)]
        assert share[0] == share[1]
        if parts.links[i] != whole.links[i]:
            return
    assert len(parts.results) == len(whole.results)


def test_a_link_in_two_earlier_networks_is_one_term_of_distinct() -> None:
    """three_points (tests/pareto_cases/three_points/README.md): the optimum {a1, a4} at 950 EUR/yr. With it twice among
    the earlier networks, sharing is counted twice: distinct >= -2 allows one of its links (counted 2), so the best is
    {a1} alone at 900. Before, the row held each column twice, HiGHS refused the model and no network came back."""
    sc = load_scenario(ROOT / "tests" / "pareto_cases" / "three_points")
    engine = Coupled(sc, couple=None, pool_of=WEIGHTED)
    optimum = engine.run(Objective("weighted")).result
    links = frozenset(("exchange", str(m.supply_stream), str(m.demand_stream)) for m in optimum.matches.itertuples())
    assert len(links) == 2
    run = engine.run(Objective("weighted", floors=(("distinct", -2.5),), avoid=(links, links)))
    assert run.result.summary.status is Status.optimal
    assert run.result.summary.objective == pytest.approx(900.0)

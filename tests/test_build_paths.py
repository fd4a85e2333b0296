"""The build's fast paths give what the plain ways give (issue 21: 1,000 companies built in 3 s).

- the greedy's shortcuts (streams with nothing left kept in sets, arcs whose first room
  cannot pay passed over, the order by ``numpy.lexsort``) against the greedy computing
  every room and every stream's maximum, arc by arc, in Python's sorted order;
- ``model.families._flows_by`` (one stable sort) against a dictionary filled flow by flow;
- ``model.handle.add_rows`` against ``pyo.Constraint(keys, rule=...)``: the same members,
  in the same order, with the same expressions;
- ``candidates.split_components`` against the connected components of networkx.

On generated parks with profiles and pools (every kind of part: peak parking, monthly heat,
pools, flat materials) and on Haasrode.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pyomo.core as pyo
import pytest

from symbiosis import api
from symbiosis.analysis import baselines
from symbiosis.bundled import bundled_scenario
from symbiosis.candidates import Candidates, Decisions, build_candidates, split_components
from symbiosis.generate import write_park
from symbiosis.model import build_model, families
from symbiosis.model.handle import add_rows


@pytest.fixture(scope="module", params=["gen-80", "haasrode"])
def scenario(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> object:
    if request.param == "haasrode":
        return api.load_scenario(bundled_scenario("haasrode"))
    return api.load_scenario(write_park(tmp_path_factory.mktemp("park") / "gen-80", 80, seed=5))


def _decisions(d: Decisions) -> list[list[float]]:
    return [np.asarray(f).tolist() for f in d.flows] + [d.y.tolist(), d.z.tolist(), d.w.tolist()]


def test_the_greedy_shortcuts_change_no_decision(scenario: object, monkeypatch: pytest.MonkeyPatch) -> None:
    c = build_candidates(scenario)
    fast = baselines.greedy(c, scenario.settings)
    # The plain greedy: every stream's maximum looked at again for every arc, every room computed, Python's sort.
    monkeypatch.setattr(baselines._Ledger, "exhausted", lambda led, a: bool(led.supply[led.sup[a]].max() <= 0.0 or led.demand[led.dem[a]].max() <= 0.0))
    monkeypatch.setattr(baselines._Ledger, "first_room_totals", lambda led: np.full(len(led.sup), np.inf))
    monkeypatch.setattr(baselines, "_order", lambda w, req: sorted(range(len(w)), key=lambda a: (a not in req, -float(w[a]), a)))
    plain = baselines.greedy(c, scenario.settings)
    assert _decisions(fast) == _decisions(plain)
    assert fast.y.sum() > 0  # the case is not empty


def test_first_room_totals_are_the_rooms_summed(scenario: object) -> None:
    c = build_candidates(scenario)
    led = baselines._Ledger(c)
    totals = led.first_room_totals()
    rooms = np.array([led.room(a).sum() for a in range(len(c.arcs))])
    assert np.allclose(totals, rooms, rtol=1e-12, atol=0.0)


def _parts(scenario: object) -> list[Candidates]:
    return [p.candidates for p in split_components(build_candidates(scenario))]


def test_flows_by_groups_like_a_dictionary(scenario: object) -> None:
    for c in _parts(scenario):
        h = build_model(c, scenario.settings)
        for column in ("supply_stream", "demand_stream"):
            streams = c.arcs[column].tolist()
            expected: dict[tuple[str, int], list[int]] = {}
            for f, (a, t) in enumerate(zip(h.flow_arc.tolist(), h.flow_slot.tolist())):
                expected.setdefault((streams[a], t), []).append(f)
            got = families._flows_by(c, h, column)
            assert list(got) == sorted(expected)  # keys in sorted order
            assert got == expected


def test_add_rows_gives_the_rule_s_constraint() -> None:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(4))
    keys = [("b", 1), ("a", 2), ("c", 0)]
    rows = {k: m.x[k[1]] + 2 * m.x[3] <= k[1] for k in keys}
    m.by_rule = pyo.Constraint(keys, rule=lambda _m, s, t: rows[(s, t)])
    add_rows(m, "by_rows", keys, (rows[k] for k in keys))
    assert list(m.by_rows.keys()) == list(m.by_rule.keys()) == keys
    for k in keys:
        assert m.by_rows[k].expr is m.by_rule[k].expr
        assert m.by_rows[k].index() == k and m.by_rows[k].parent_component() is m.by_rows
    with pytest.raises(ValueError, match="2 rows for 3 keys"):
        add_rows(m, "short", keys, iter([rows[keys[0]], rows[keys[1]]]))


def test_split_components_are_networkx_s(scenario: object) -> None:
    c = build_candidates(scenario)
    g = nx.Graph()
    for a, (s, d) in enumerate(zip(c.arcs["supply_stream"], c.arcs["demand_stream"])):
        g.add_edge(("arc", a), ("s", s))
        g.add_edge(("arc", a), ("d", d))
    for j, (f, d) in enumerate(zip(c.memberships["facility"], c.memberships["demand_stream"])):
        g.add_edge(("mem", j), ("d", d))
        g.add_edge(("mem", j), ("f", f))
    for o, f in enumerate(c.options["facility"]):
        g.add_edge(("opt", o), ("f", f))
    for r in c.requires:
        for a, b in zip(r.arcs, r.arcs[1:]):
            g.add_edge(("arc", a), ("arc", b))
    expected = set()
    for comp in nx.connected_components(g):
        arcs = tuple(sorted(i for kind, i in comp if kind == "arc"))
        opts = tuple(sorted(i for kind, i in comp if kind == "opt"))
        mems = tuple(sorted(i for kind, i in comp if kind == "mem"))
        if arcs or opts:
            expected.add((arcs, opts, mems))
    parts = split_components(c)
    assert {(tuple(p.arcs.tolist()), tuple(p.options.tolist()), tuple(p.memberships.tolist())) for p in parts} == expected
    firsts = [(0, int(p.arcs[0])) if len(p.arcs) else (1, int(p.options[0])) for p in parts]
    assert firsts == sorted(firsts)  # by first arc, then first option
    assert len(parts) > 3

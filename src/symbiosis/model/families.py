"""The constraint families of the MILP: one ``add_<rule>`` function each, registered by name.

Every family reads the candidate tables and the handle's variables, and adds one
indexed Pyomo constraint named after its rule. ``FAMILIES`` is the registry the
model is built from, in this order; ``tests/test_cases.py`` checks that each family
has a hand-computed case in ``tests/cases/`` in which it binds (removing it changes
the optimum) or, for a valid inequality, in which it tightens the LP relaxation.

Notation (contract section 4): arcs a = (s, d), slots t, flows x_{a,t} >= 0 in
supply units, link choices y_a in {0, 1}, remaining own peak k_d of a peak demand,
size options z_{f,k} in {0, 1}, memberships w_{d,f} in {0, 1}.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and contrib plugins cost 0.4 s of start-up and are not used
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import InequalityExpression

from symbiosis.candidates import Candidates
from symbiosis.model.handle import ExchangeModel, add_rows, ge, le, linear

K = TypeVar("K")

Rule = Callable[[pyo.ConcreteModel, Candidates, ExchangeModel], None]


@dataclass(frozen=True)
class Family:
    """A registered constraint family: its name (the Pyomo component), its function, its kind."""

    name: str
    add: Rule
    valid_inequality: bool = False  # tightens the relaxation only; never changes the optimum


FAMILIES: dict[str, Family] = {}


def family(name: str, valid_inequality: bool = False) -> Callable[[Rule], Rule]:
    """Register ``add_<name>`` as the family ``name``."""

    def register(fn: Rule) -> Rule:
        assert fn.__name__ == f"add_{name}", f"{fn.__name__} must be named add_{name}"
        FAMILIES[name] = Family(name, fn, valid_inequality)
        return fn

    return register


def group_by_key(keys: list[K]) -> dict[K, list[int]]:
    """The positions at which each key occurs."""
    out: dict[K, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        out[k].append(i)
    return dict(out)


def _flows_by(c: Candidates, h: ExchangeModel, column: str) -> dict[tuple[str, int], list[int]]:
    """The flow variables of each (stream, slot), in flow order, the keys in sorted order.

    ``column`` names the arcs' stream (``supply_stream`` or ``demand_stream``); grouped by
    one stable sort of the flows' keys rather than a dictionary built flow by flow.
    """
    if not len(h.flow_arc):
        return {}
    names, code = np.unique(c.arcs[column].to_numpy(dtype=object), return_inverse=True)  # sorted as Python sorts text
    width = int(h.flow_slot.max()) + 1
    key = code.astype(np.int64)[h.flow_arc] * width + h.flow_slot
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    cuts = [0, *(np.flatnonzero(np.diff(ordered)) + 1).tolist(), len(order)]
    flows = order.tolist()
    first = ordered[cuts[:-1]].tolist()
    return {(names[k // width], k % width): flows[b:e] for k, b, e in zip(first, cuts, cuts[1:])}


def _terms(coefs: list[float], xs: list[object], fs: list[int]) -> list[object]:
    """The terms coefs_f x_f of the flows fs, for a flat LinearExpression (a coefficient of 1 keeps the bare variable)."""
    return [xs[f] if coefs[f] == 1.0 else MonomialTermExpression((coefs[f], xs[f])) for f in fs]


@family("supply_limit")
def add_supply_limit(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """supply_limit[s,t]:  sum_{a from s} x_{a,t} <= S_{s,t}."""
    rows = _flows_by(c, h, "supply_stream")
    keys = [k for k, fs in rows.items() if len(fs) > 1]  # one flow: its bound already holds
    xs = h.xs
    add_rows(m, "supply_limit", keys, (le(LinearExpression([xs[f] for f in rows[k]]), float(c.supply_slots[k[0]][k[1]])) for k in keys))


@family("demand_limit")
def add_demand_limit(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """demand_limit[d,t]:  sum_{a into d} rho_a x_{a,t} <= D_{d,t}.

    The contract states it for volume demands; for peak demands it is a valid
    tightening (flow beyond the need cuts no peak).
    """
    rows = _flows_by(c, h, "demand_stream")
    keys = [k for k, fs in rows.items() if len(fs) > 1]
    rho_f = c.arcs["rho"].to_numpy()[h.flow_arc].tolist() if len(h.flow_arc) else []
    add_rows(m, "demand_limit", keys, (le(LinearExpression(_terms(rho_f, h.xs, rows[k])), float(c.demand_slots[k[0]][k[1]])) for k in keys))


@family("link_bound")
def add_link_bound(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """link_bound[f]:  x_{a,t} <= U_{a,t} y_a: no flow without the link."""
    ys = h.ys
    # One row per flow, the model's most numerous: built without the generic helpers' lists.
    rows = (
        InequalityExpression((LinearExpression([x, MonomialTermExpression((-u, ys[a]))]), 0.0), False)
        for x, u, a in zip(h.xs, h.upper, h.flow_arc.tolist())
    )
    add_rows(m, "link_bound", range(len(h.xs)), rows, over=m.F)


@family("min_quantity")
def add_min_quantity(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """min_quantity[a]:  sum_t x_{a,t} >= m_a y_a, m_a = max(min_s, min_d / rho)."""
    mins = c.arcs["min_flow"].to_numpy()
    start = h.flow_start.tolist()
    keys = np.flatnonzero(mins > 0).tolist()
    xs, ys = h.xs, h.ys
    m.min_quantity = pyo.Constraint(
        keys,
        rule=lambda _m, a: ge(linear([1.0] * (start[a + 1] - start[a]) + [-float(mins[a])], xs[start[a] : start[a + 1]] + [ys[a]]), 0.0),
    )


@family("remaining_peak")
def add_remaining_peak(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """remaining_peak[d,t]:  k_d >= D_{d,t} - sum_{a into d} rho_a x_{a,t},  0 <= k_d <= max_t D_{d,t}.

    For peak-priced demands only; the objective values max_t D_{d,t} - k_d.
    """
    peak_demands = h.peak_demands
    if not peak_demands:
        m.remaining_peak = pyo.Constraint([])
        return
    rows = _flows_by(c, h, "demand_stream")
    rho_f = c.arcs["rho"].to_numpy()[h.flow_arc].tolist() if len(h.flow_arc) else []
    keys = [(i, t) for i, d in enumerate(peak_demands) for t in range(len(c.demand_slots[d]))]
    xs, ks = h.xs, list(m.k.values())

    def row(i: int, t: int) -> InequalityExpression:
        d = peak_demands[i]
        return ge(LinearExpression([ks[i], *_terms(rho_f, xs, rows.get((d, t), []))]), float(c.demand_slots[d][t]))

    add_rows(m, "remaining_peak", keys, (row(i, t) for i, t in keys))


@family("require")
def add_require(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """require[r]:  sum_{a matching rule r} y_a >= 1.

    A rule with no candidate arc cannot hold; the pipeline reports that before solving.
    """
    keys = [i for i, r in enumerate(c.requires) if r.arcs]
    m.require = pyo.Constraint(keys, rule=lambda _m, i: sum(_m.y[a] for a in c.requires[i].arcs) >= 1)


def _options_of(c: Candidates) -> dict[str, list[int]]:
    return group_by_key(list(c.options["facility"]))


@family("pool_size_choice")
def add_pool_size_choice(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """pool_size_choice[f]:  sum_k z_{f,k} <= 1: at most one size option is built."""
    opts = _options_of(c)
    keys = sorted(f for f, o in opts.items() if len(o) > 1)
    m.pool_size_choice = pyo.Constraint(keys, rule=lambda _m, f: sum(_m.z[o] for o in opts[f]) <= 1)


@family("pool_capacity")
def add_pool_capacity(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """pool_capacity[f,t]:  sum_d D_{d,t} w_{d,f} <= sum_k capacity_k z_{f,k}, in every slot.

    Members are served whole, so complementary profiles share capacity: the
    facility needs the peak of the sum, not the sum of the peaks.
    """
    opts = _options_of(c)
    mems = group_by_key(list(c.memberships["facility"]))
    demand = list(c.memberships["demand_stream"])
    cap = c.options["capacity"].to_numpy()
    keys = []
    for f in sorted(mems):
        n_slots = len(c.demand_slots[demand[mems[f][0]]])
        keys += [(f, t) for t in range(n_slots) if any(c.demand_slots[demand[j]][t] > 0 for j in mems[f])]
    m.pool_capacity = pyo.Constraint(
        keys,
        rule=lambda _m, f, t: sum(float(c.demand_slots[demand[j]][t]) * _m.w[j] for j in mems[f] if c.demand_slots[demand[j]][t] > 0)
        <= sum(float(cap[o]) * _m.z[o] for o in opts[f]),
    )


@family("member_needs_facility", valid_inequality=True)
def add_member_needs_facility(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """member_needs_facility[j]:  w_{d,f} <= sum_k z_{f,k}.

    Implied by pool_capacity for a member with a positive need; it tightens the
    LP relaxation (a fractional z no longer carries whole members).
    """
    opts = _options_of(c)
    fac = list(c.memberships["facility"])
    m.member_needs_facility = pyo.Constraint(m.J, rule=lambda _m, j: _m.w[j] <= sum(_m.z[o] for o in opts[fac[j]]))


@family("one_pool_per_demand")
def add_one_pool_per_demand(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """one_pool_per_demand[d]:  sum_f w_{d,f} <= 1: a demand joins at most one pool."""
    by_demand = group_by_key(list(c.memberships["demand_stream"]))
    keys = sorted(d for d, js in by_demand.items() if len(js) > 1)
    m.one_pool_per_demand = pyo.Constraint(keys, rule=lambda _m, d: sum(_m.w[j] for j in by_demand[d]) <= 1)


@family("member_takes_no_exchange")
def add_member_takes_no_exchange(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """member_takes_no_exchange[a]:  y_a + sum_f w_{d,f} <= 1 for every arc a into a possible member d."""
    by_demand = group_by_key(list(c.memberships["demand_stream"]))
    into = list(c.arcs["demand_stream"])
    keys = [a for a, d in enumerate(into) if d in by_demand]
    m.member_takes_no_exchange = pyo.Constraint(keys, rule=lambda _m, a: _m.y[a] + sum(_m.w[j] for j in by_demand[into[a]]) <= 1)


@family("hold_membership")
def add_hold_membership(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """hold_membership[j]:  w_{d,f} = 1 for a membership held by its stage (agreed or realised, DESIGN.md section 4g).

    Written w_{d,f} >= 1. An exchange held by its stage is a ``require`` row instead.
    """
    held = c.memberships["required"].to_numpy(dtype=bool) if "required" in c.memberships else []
    keys = [j for j, v in enumerate(held) if v]
    m.hold_membership = pyo.Constraint(keys, rule=lambda _m, j: _m.w[j] >= 1)

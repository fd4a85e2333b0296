"""The Pyomo model of exchanges: one ``add_<rule>`` function per family.

Reads no files and calls no solver. Index sets come straight from the pruned arc
table, and the rows each constraint sums over are precomputed once, because
filtering arcs inside a rule is what makes Pyomo models slow.

Notation (contract section 4): arcs a = (s, d), slots t, flows x_{a,t} >= 0 in
supply units, link choices y_a in {0, 1}, remaining own peak k_d of a peak demand.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TypeVar
from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import InequalityExpression

from symbiosis import economics
from symbiosis.candidates import Candidates
from symbiosis.schema import Settings


K = TypeVar("K")


@dataclass
class ExchangeModel:
    """A built Pyomo model and the maps from its variables back to the arc table."""

    model: pyo.ConcreteModel
    flow_arc: np.ndarray  # flow variable f -> arc index
    flow_slot: np.ndarray  # flow variable f -> slot position
    flows_of_arc: dict[int, list[int]] = field(default_factory=dict)  # arc -> its flow variables
    peak_demands: list[str] = field(default_factory=list)  # k index -> demand stream
    xs: list = field(default_factory=list)  # x variables in index order (no lookups while building)
    upper: list[float] = field(default_factory=list)  # x upper bounds U_{a,t}, by flow variable
    ys: list = field(default_factory=list)  # y variables in index order


def _linear(coefs: list[float], variables: list) -> LinearExpression:
    """sum_i coefs_i variables_i as one flat LinearExpression (no operator overloading)."""
    return LinearExpression([v if c == 1.0 else MonomialTermExpression((c, v)) for c, v in zip(coefs, variables)])


def _le(body: LinearExpression, ub: float) -> InequalityExpression:
    """body <= ub, made directly (Pyomo's tuple form costs a second pass per row)."""
    return InequalityExpression((body, ub), False)


def _ge(body: LinearExpression, lb: float) -> InequalityExpression:
    """body >= lb, as lb <= body."""
    return InequalityExpression((lb, body), False)


def build_model(candidates: Candidates, settings: Settings) -> ExchangeModel:
    """Create the MILP for the candidate arcs: variables, constraints, objective."""
    with PauseGC():
        return _build(candidates, settings)


def _build(candidates: Candidates, settings: Settings) -> ExchangeModel:
    m = pyo.ConcreteModel(name="symbiosis")
    handle = add_flow_variables(m, candidates)
    add_supply_limit(m, candidates, handle)
    add_demand_limit(m, candidates, handle)
    add_link_bound(m, candidates, handle)
    add_min_quantity(m, candidates, handle)
    add_remaining_peak(m, candidates, handle, settings)
    add_require(m, candidates)
    add_pool_variables(m, candidates)
    add_pool_size_choice(m, candidates)
    add_pool_capacity(m, candidates)
    add_member_needs_facility(m, candidates)
    add_one_pool_per_demand(m, candidates)
    add_member_takes_no_exchange(m, candidates)
    add_objective(m, candidates, handle, settings)
    return handle


def add_flow_variables(m: pyo.ConcreteModel, c: Candidates) -> ExchangeModel:
    """Flows x_f for every arc and slot with U_{a,t} > 0, and link binaries y_a.

    0 <= x_{a,t} <= U_{a,t} = min(S_{s,t}, D_{d,t} / rho_a); y_a in {0, 1}.
    """
    flow_arc: list[int] = []
    flow_slot: list[int] = []
    bounds: list[float] = []
    for a, u in enumerate(c.upper):
        ts = np.flatnonzero(u > 0)
        flow_arc += [a] * len(ts)
        flow_slot += ts.tolist()
        bounds += u[ts].tolist()
    m.F = pyo.RangeSet(0, len(flow_arc) - 1) if flow_arc else pyo.Set(initialize=[])
    m.A = pyo.RangeSet(0, len(c) - 1) if len(c) else pyo.Set(initialize=[])
    m.x = pyo.Var(m.F, domain=pyo.NonNegativeReals, bounds=(0.0, None))
    m.y = pyo.Var(m.A, domain=pyo.Binary)
    xs = list(m.x.values())
    for v, ub in zip(xs, bounds):
        v.setub(ub)
    h = ExchangeModel(m, np.array(flow_arc, dtype=np.int64), np.array(flow_slot, dtype=np.int64), _group_by_key(flow_arc))
    h.xs, h.ys, h.upper = xs, list(m.y.values()), bounds
    return h


def _flows_by(c: Candidates, h: ExchangeModel, column: str) -> dict[tuple[str, int], list[int]]:
    streams = c.arcs[column].to_numpy()
    out: dict[tuple[str, int], list[int]] = defaultdict(list)
    for f, (a, t) in enumerate(zip(h.flow_arc, h.flow_slot)):
        out[(streams[a], int(t))].append(f)
    return out


def add_supply_limit(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """supply_limit[s,t]:  sum_{a from s} x_{a,t} <= S_{s,t}."""
    rows = _flows_by(c, h, "supply_stream")
    keys = sorted(k for k, fs in rows.items() if len(fs) > 1)  # one flow: its bound already holds
    xs = h.xs
    m.supply_limit = pyo.Constraint(
        keys, rule=lambda _m, s, t: _le(_linear([1.0] * len(rows[(s, t)]), [xs[f] for f in rows[(s, t)]]), float(c.supply_slots[s][t]))
    )


def add_demand_limit(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """demand_limit[d,t]:  sum_{a into d} rho_a x_{a,t} <= D_{d,t}.

    The contract states it for volume demands; for peak demands it is a valid
    tightening (flow beyond the need cuts no peak).
    """
    rows = _flows_by(c, h, "demand_stream")
    rho = c.arcs["rho"].to_numpy()
    keys = sorted(k for k, fs in rows.items() if len(fs) > 1)
    rho_f = rho[h.flow_arc].tolist() if len(h.flow_arc) else []
    xs = h.xs
    m.demand_limit = pyo.Constraint(
        keys,
        rule=lambda _m, d, t: _le(_linear([rho_f[f] for f in rows[(d, t)]], [xs[f] for f in rows[(d, t)]]), float(c.demand_slots[d][t])),
    )


def add_link_bound(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """link_bound[f]:  x_{a,t} <= U_{a,t} y_a: no flow without the link."""
    xs, ys, arc, ub = h.xs, h.ys, h.flow_arc.tolist(), h.upper
    m.link_bound = pyo.Constraint(m.F, rule=lambda _m, f: _le(_linear([1.0, -ub[f]], [xs[f], ys[arc[f]]]), 0.0))


def add_min_quantity(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> None:
    """min_quantity[a]:  sum_t x_{a,t} >= m_a y_a, m_a = max(min_s, min_d / rho)."""
    mins = c.arcs["min_flow"].to_numpy()
    flows = h.flows_of_arc
    keys = [a for a in range(len(c)) if mins[a] > 0]
    xs, ys = h.xs, h.ys
    m.min_quantity = pyo.Constraint(
        keys,
        rule=lambda _m, a: _ge(_linear([1.0] * len(flows.get(a, [])) + [-float(mins[a])], [xs[f] for f in flows.get(a, [])] + [ys[a]]), 0.0),
    )


def add_remaining_peak(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel, settings: Settings) -> None:
    """remaining_peak[d,t]:  k_d >= D_{d,t} - sum_{a into d} rho_a x_{a,t},  0 <= k_d <= max_t D_{d,t}.

    For peak-priced demands only; the objective values max_t D_{d,t} - k_d.
    """
    arcs = c.arcs
    peak_demands = sorted(set(arcs.loc[arcs["peak"], "demand_stream"]))
    h.peak_demands = peak_demands
    rows = _flows_by(c, h, "demand_stream")
    rho = arcs["rho"].to_numpy()
    m.K = pyo.RangeSet(0, len(peak_demands) - 1) if peak_demands else pyo.Set(initialize=[])
    m.k = pyo.Var(m.K, domain=pyo.NonNegativeReals, bounds=lambda _m, i: (0.0, float(c.demand_slots[peak_demands[i]].max())))
    keys = [(i, t) for i, d in enumerate(peak_demands) for t in range(len(c.demand_slots[d]))]
    rho_f = rho[h.flow_arc].tolist() if len(h.flow_arc) else []
    xs, ks = h.xs, list(m.k.values())

    def body(i: int, t: int) -> LinearExpression:
        fs = rows.get((peak_demands[i], t), [])
        return _linear([1.0] + [rho_f[f] for f in fs], [ks[i]] + [xs[f] for f in fs])

    m.remaining_peak = pyo.Constraint(keys, rule=lambda _m, i, t: _ge(body(i, t), float(c.demand_slots[peak_demands[i]][t])))


def add_require(m: pyo.ConcreteModel, c: Candidates) -> None:
    """require[r]:  sum_{a matching rule r} y_a >= 1.

    A rule with no candidate arc cannot hold; the API reports that before solving.
    """
    keys = [i for i, r in enumerate(c.requires) if r.arcs]
    m.require = pyo.Constraint(keys, rule=lambda _m, i: sum(_m.y[a] for a in c.requires[i].arcs) >= 1)


def add_pool_variables(m: pyo.ConcreteModel, c: Candidates) -> None:
    """Size choices z_o in {0, 1} per facility option o = (f, k); memberships w_j in {0, 1} per j = (d, f)."""
    m.O = pyo.RangeSet(0, len(c.options) - 1) if len(c.options) else pyo.Set(initialize=[])
    m.J = pyo.RangeSet(0, len(c.memberships) - 1) if len(c.memberships) else pyo.Set(initialize=[])
    m.z = pyo.Var(m.O, domain=pyo.Binary)
    m.w = pyo.Var(m.J, domain=pyo.Binary)


def _options_of(c: Candidates) -> dict[str, list[int]]:
    return _group_by_key(list(c.options["facility"]))


def _group_by_key(keys: list[K]) -> dict[K, list[int]]:
    """The positions at which each key occurs."""
    out: dict[K, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        out[k].append(i)
    return dict(out)


def add_pool_size_choice(m: pyo.ConcreteModel, c: Candidates) -> None:
    """pool_size_choice[f]:  sum_k z_{f,k} <= 1: at most one size option is built."""
    opts = _options_of(c)
    keys = sorted(f for f, o in opts.items() if len(o) > 1)
    m.pool_size_choice = pyo.Constraint(keys, rule=lambda _m, f: sum(_m.z[o] for o in opts[f]) <= 1)


def add_pool_capacity(m: pyo.ConcreteModel, c: Candidates) -> None:
    """pool_capacity[f,t]:  sum_d D_{d,t} w_{d,f} <= sum_k capacity_k z_{f,k}, in every slot.

    Members are served whole, so complementary profiles share capacity: the
    facility needs the peak of the sum, not the sum of the peaks.
    """
    opts = _options_of(c)
    mems = _group_by_key(list(c.memberships["facility"]))
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


def add_member_needs_facility(m: pyo.ConcreteModel, c: Candidates) -> None:
    """member_needs_facility[j]:  w_{d,f} <= sum_k z_{f,k} (tightens the relaxation)."""
    opts = _options_of(c)
    fac = list(c.memberships["facility"])
    m.member_needs_facility = pyo.Constraint(m.J, rule=lambda _m, j: _m.w[j] <= sum(_m.z[o] for o in opts[fac[j]]))


def add_one_pool_per_demand(m: pyo.ConcreteModel, c: Candidates) -> None:
    """one_pool_per_demand[d]:  sum_f w_{d,f} <= 1: a demand joins at most one pool."""
    by_demand = _group_by_key(list(c.memberships["demand_stream"]))
    keys = sorted(d for d, js in by_demand.items() if len(js) > 1)
    m.one_pool_per_demand = pyo.Constraint(keys, rule=lambda _m, d: sum(_m.w[j] for j in by_demand[d]) <= 1)


def add_member_takes_no_exchange(m: pyo.ConcreteModel, c: Candidates) -> None:
    """member_takes_no_exchange[a]:  y_a + sum_f w_{d,f} <= 1 for every arc a into a possible member d."""
    by_demand = _group_by_key(list(c.memberships["demand_stream"]))
    into = list(c.arcs["demand_stream"])
    keys = [a for a, d in enumerate(into) if d in by_demand]
    m.member_takes_no_exchange = pyo.Constraint(
        keys, rule=lambda _m, a: _m.y[a] + sum(_m.w[j] for j in by_demand[into[a]]) <= 1
    )


def add_objective(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel, settings: Settings) -> None:
    """Maximise exchange surplus + peak cuts + pool surplus, carbon valued.

    sum_{a,t} w_a x_{a,t} - sum_a F_a y_a + sum_d w_d (max_t D_{d,t} - k_d)
    + sum_j W_j w_j - sum_o G_o z_o, with w_a = v_a + carbon price x co2_a / 1000
    (0 for peak arcs), w_d = p_d + carbon price x co2_d / 1000 for peak demands,
    W_j = (p_d - cost per unit) Q_d + carbon price x co2_d Q_d / 1000 for a membership,
    and G_o = CRF capex + opex for a size option.
    """
    w = c.arcs["weight_eur_per_unit"].to_numpy()
    peak = c.arcs["peak"].to_numpy()
    fixed = c.arcs["fixed_cost_eur_per_year"].to_numpy()
    coefs: list[float] = []
    variables: list = []

    def term(coef: float, var: object) -> None:
        coefs.append(coef)
        variables.append(var)

    for f, a in enumerate(h.flow_arc.tolist()):
        if not peak[a] and w[a] != 0:
            term(float(w[a]), h.xs[f])
    for a in range(len(c)):
        if fixed[a] != 0:
            term(-float(fixed[a]), h.ys[a])
    weight = c.memberships["weight_eur_per_year"].to_numpy()
    for j in range(len(weight)):
        term(float(weight[j]), m.w[j])
    g = c.options["fixed_cost_eur_per_year"].to_numpy()
    for o in range(len(g)):
        if g[o] != 0:
            term(-float(g[o]), m.z[o])
    constant = 0.0
    for i, d in enumerate(h.peak_demands):
        wd = float(economics.objective_weight(c.demand_price[d], c.demand_co2[d], settings))
        constant += wd * float(c.demand_slots[d].max())
        term(-wd, m.k[i])
    expr = LinearExpression([MonomialTermExpression((cf, v)) for cf, v in zip(coefs, variables)])
    m.objective = pyo.Objective(expr=expr + constant if constant else expr, sense=pyo.maximize)


def set_start(h: ExchangeModel, c: Candidates, flows: list[np.ndarray], y: np.ndarray, z: np.ndarray, w: np.ndarray) -> None:
    """Give every variable a starting value (a warm start), e.g. from the greedy baseline.

    k_d is set to the remaining peak that the flows leave, so the start is consistent.
    """
    m = h.model
    for f, (a, t) in enumerate(zip(h.flow_arc, h.flow_slot)):
        m.x[f].set_value(float(min(flows[a][t], m.x[f].ub)), skip_validation=True)
    for a in range(len(y)):
        m.y[a].set_value(float(round(y[a])), skip_validation=True)
    for o in range(len(z)):
        m.z[o].set_value(float(round(z[o])), skip_validation=True)
    for j in range(len(w)):
        m.w[j].set_value(float(round(w[j])), skip_validation=True)
    rho = c.arcs["rho"].to_numpy(dtype=float)
    demand = c.arcs["demand_stream"].to_numpy()
    for i, d in enumerate(h.peak_demands):
        need = c.demand_slots[d]
        inflow = sum((rho[a] * flows[a] for a in np.flatnonzero(demand == d)), np.zeros_like(need))
        m.k[i].set_value(float(max(0.0, np.max(need - inflow))), skip_validation=True)

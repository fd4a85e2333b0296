"""The objectives: any measure of the registry or a weighted sum, floors and ceilings, and the cuts of alternatives.

Each measure m (``symbiosis.measures``) is one linear expression over the model's
variables plus a constant, from its raw coefficients (candidates' ``coefficients``):

    m = ( sum_{a,t} f_a x_{a,t} + sum_a l_a y_a + sum_j u_j w_j + sum_o g_o z_o
          + sum_d p_d (max_t D_{d,t} - k_d) ) / divisor_m

with f_a per supply unit of volume arc a (peak arcs are valued through their
demand's peak cut), l_a per link, u_j per membership, g_o per size option and p_d per
unit of peak cut. For money, f_a = v_a, l_a = -F_a, u_j = (p_d - cost per unit) Q_d
(less transport), g_o = -(CRF capex + opex), p_d the demand's price; for CO2 the kg
per unit and divisor 1000. An objective is a weighted sum sum_m w_m m: the default
``weighted`` is savings + carbon price x CO2; maximising a "less" measure (truck_km)
takes its weight -1. Floors and ceilings bound any measure: floor_<m>: m >= V and
ceiling_<m>: m <= V.

For near-optimal alternatives, with L_1..L_n the link sets of the earlier networks
(exchanges' y_a and pool memberships' w_j, as ``LinkKey``s):

    distinct = - sum_n sum_{l in L_n} u_l          (u_l = y_a or w_j: links shared)
    differ_n:  sum_{l in L_n} u_l <= |L_n| - 1      (drop at least one link of L_n)

and, for an empty L_n, sum of all u_l >= 1. Maximising ``distinct`` shares as few
links as possible with the networks before; ``differ_n`` makes every network a new
one (a superset of an earlier network only adds matches to it, so it is not counted
as a different way to do it).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and contrib plugins cost 0.4 s of start-up and are not used
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from symbiosis import measures
from symbiosis.candidates import Candidates
from symbiosis.model.handle import ExchangeModel, ge, le
from symbiosis.schema import Settings
from symbiosis.types import LinkKey, Objective


def weighted_sum(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel, weights: measures.Weights) -> tuple[LinearExpression, float]:
    """sum_m w_m m as (linear expression, constant): one measure (weight 1) or any weighted sum."""
    coef = c.coefficients
    names = [name for name, _ in weights]

    def total(kind: str) -> np.ndarray:
        return measures.combine(weights, {n: getattr(coef[n], kind) for n in names})

    flow, link, member, option = total("flow"), total("link"), total("membership"), total("option")
    peak = c.arcs["peak"].to_numpy(dtype=bool)
    coefs: list[float] = []
    variables: list[Any] = []

    def terms(values: np.ndarray, over: list[Any], keep: np.ndarray) -> None:
        """The terms values_i over_i for the positions kept, in order (picked at once, not one by one)."""
        at = np.flatnonzero(keep)
        coefs.extend(np.asarray(values, dtype=float)[at].tolist())
        variables.extend([over[i] for i in at.tolist()])

    # Volume flows valued per unit (peak arcs are valued through their demand's k_d), then
    # links, every membership, size options, and the remaining peaks.
    flow_f = np.asarray(flow, dtype=float)[h.flow_arc]
    terms(flow_f, h.xs, ~peak[h.flow_arc] & (flow_f != 0))
    terms(link, h.ys, np.asarray(link) != 0)
    terms(member, list(m.w.values()), np.ones(len(member), dtype=bool))
    terms(option, list(m.z.values()), np.asarray(option) != 0)
    constant = 0.0
    ks = list(m.k.values())
    for i, d in enumerate(h.peak_demands):
        wd = _peak_weight(c, d, weights)
        constant += wd * float(c.demand_slots[d].max())
        coefs.append(-wd)
        variables.append(ks[i])
    return LinearExpression([MonomialTermExpression((cf, v)) for cf, v in zip(coefs, variables)]), constant


def measure(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel, name: str, settings: Settings) -> tuple[LinearExpression, float]:
    """One measure of the registry (or ``weighted``, the default objective) as (linear expression, constant)."""
    return weighted_sum(m, c, h, measures.weights_of(name, settings) if name == measures.WEIGHTED else ((name, 1.0),))


def link_variables(m: pyo.ConcreteModel, h: ExchangeModel) -> dict[LinkKey, Any]:
    """Every link's 0/1 variable by its key: exchanges' y_a and pool memberships' w_j."""
    links: dict[LinkKey, Any] = {("exchange", s, d): y for (s, d), y in zip(h.arc_ids, h.ys)}
    for i, (f, d) in enumerate(h.membership_ids):
        links[("pool", f, d)] = m.w[i]
    return links


def distinct(m: pyo.ConcreteModel, h: ExchangeModel, avoid: tuple[frozenset[LinkKey], ...]) -> LinearExpression:
    """distinct = - sum_n sum_{l in L_n} u_l (minus the links shared with the earlier networks)."""
    links = link_variables(m, h)
    # One term per link, weighted by the networks holding it: a row with a column twice is
    # refused by HiGHS (stage 2 of a third alternative ended "model empty" before).
    count = Counter(k for net in avoid for k in net if k in links)
    return LinearExpression([MonomialTermExpression((-float(count[k]), links[k])) for k in sorted(count)])


def add_differ(m: pyo.ConcreteModel, h: ExchangeModel, avoid: tuple[frozenset[LinkKey], ...]) -> None:
    """differ_n: sum_{l in L_n} u_l <= |L_n| - 1; for an empty L_n, sum_l u_l >= 1."""
    links = link_variables(m, h)
    m.differ = pyo.ConstraintList()
    for net in avoid:
        mine = [links[k] for k in sorted(net) if k in links]
        if net:
            # A link of L_n that is no longer a candidate is dropped already.
            if len(mine) == len(net):
                m.differ.add(le(LinearExpression(mine), float(len(net) - 1)))
        else:
            m.differ.add(ge(LinearExpression(list(links.values())), 1.0))


def _expression(
    m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel, name: measures.Weights | str, settings: Settings, objective: Objective, bound: bool
) -> tuple[Any, float]:
    """The expression of what is maximised (a measure with its sign: truck_km is minimised) or of a bound
    (the measure itself), or of a weighted sum; ``distinct``: minus the links shared."""
    if name == measures.DISTINCT:
        return distinct(m, h, objective.avoid), 0.0
    if bound and isinstance(name, str) and name != measures.WEIGHTED:
        return weighted_sum(m, c, h, ((name, 1.0),))
    return weighted_sum(m, c, h, measures.weights_of(name, settings))


def add_peak_pin(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel, directions: list[measures.Weights]) -> None:
    """peak_pin[d,t]: k_d <= D_{d,t} - sum_{a into d} rho_a x_{a,t} + max_t D_{d,t} (1 - b_{d,t}),
    peak_slot_one[d]: sum_t b_{d,t} = 1, with b_{d,t} in {0, 1}: k_d is the remaining peak the flows leave.

    ``remaining_peak`` only bounds k_d from below, and the measures value max_t D_{d,t} - k_d;
    that is exact while every weighted sum in use (``measures.directions``: the objective,
    each floor, each ceiling negated) gains from a lower k_d. When one gains from a
    higher k_d (p_d < 0 in savings, co2_d < 0 in CO2, p_d + carbon price x co2_d < 0
    weighted, a ceiling on land freed: a demand that only a trade-off or a fixed network
    admits), the model could keep k_d up while the flows cut the peak, and the result,
    which recomputes k_d = max_t (D_{d,t} - inflow) from the flows, would report another
    network's figures (a Pareto end at -90 EUR/yr under a floor of savings >= 0). Since
    the inflow never exceeds D_{d,t}, D_{d,t} - inflow >= 0 and max_t D_{d,t} is a valid M.
    """
    pins = [i for i, d in enumerate(h.peak_demands) if any(_peak_weight(c, d, w) < 0 for w in directions)]
    if not pins:
        return
    rows: dict[tuple[str, int], list[int]] = {}
    for f, (a, t) in enumerate(zip(h.flow_arc.tolist(), h.flow_slot.tolist())):
        rows.setdefault((c.arcs["demand_stream"].iloc[a], int(t)), []).append(f)
    rho = c.arcs["rho"].to_numpy(dtype=float)
    keys = [(i, t) for i in pins for t in range(len(c.demand_slots[h.peak_demands[i]]))]
    m.peak_slot = pyo.Var(keys, domain=pyo.Binary)

    def pin(_m: pyo.ConcreteModel, i: int, t: int) -> Any:
        d = h.peak_demands[i]
        big = float(c.demand_slots[d].max())
        fs = rows.get((d, t), [])
        coefs = [1.0, big] + [float(rho[h.flow_arc[f]]) for f in fs]
        return le(LinearExpression([MonomialTermExpression((cf, v)) for cf, v in zip(coefs, [m.k[i], m.peak_slot[i, t]] + [h.xs[f] for f in fs])]), float(c.demand_slots[d][t]) + big)

    m.peak_pin = pyo.Constraint(keys, rule=pin)
    m.peak_slot_one = pyo.Constraint(
        pins, rule=lambda _m, i: pyo.inequality(1.0, LinearExpression([m.peak_slot[i, t] for (j, t) in keys if j == i]), 1.0)
    )


def _peak_weight(c: Candidates, d: str, weights: measures.Weights) -> float:
    """What a unit of peak cut of demand d adds to a weighted sum (the coefficient of -k_d)."""
    return float(measures.combine(weights, {n: np.asarray(c.coefficients[n].peak.get(d, 0.0)) for n, _ in weights}))


def add_facility_serves(m: pyo.ConcreteModel, c: Candidates, directions: list[measures.Weights]) -> None:
    """facility_serves[f]: sum_k z_{f,k} <= sum_d w_{d,f}: a facility is built to serve members.

    Added only for facilities of which some size option adds to a weighted sum in use
    (land freed minimised, or a ceiling on it: an option's land coefficient is
    -capacity x m2 per space). Otherwise building an option never helps on its own and
    an empty facility is never chosen, as the contract has it ("a facility nobody can
    join is never worth building"); this keeps it so for every objective.
    """
    options = c.options["facility"].tolist()
    helps = {
        f for o, f in enumerate(options)
        if any(float(measures.combine(w, {n: np.asarray(c.coefficients[n].option[o]) for n, _ in w})) > 0 for w in directions)
    }
    if not helps:
        return
    members = c.memberships["facility"].tolist()
    keys = sorted(helps)

    def rule(_m: pyo.ConcreteModel, f: str) -> Any:
        zs = [m.z[o] for o, g in enumerate(options) if g == f]
        ws = [m.w[j] for j, g in enumerate(members) if g == f]
        return le(LinearExpression(zs + [MonomialTermExpression((-1.0, w)) for w in ws]), 0.0)

    m.facility_serves = pyo.Constraint(keys, rule=rule)


def add_objective(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel, settings: Settings, objective: Objective) -> None:
    """objective: maximise the weighted sum in use; floor_<m>: m >= floor; ceiling_<m>: m <= ceiling;
    differ_n for ``avoid``; peak_pin and facility_serves where needed."""
    add_peak_pin(m, c, h, measures.directions(objective, settings))
    add_facility_serves(m, c, measures.directions(objective, settings))
    expr, constant = _expression(m, c, h, objective.maximise, settings, objective, bound=False)
    m.objective = pyo.Objective(expr=expr + constant if constant else expr, sense=pyo.maximize)
    for kind, bounds, relation in (("floor", objective.floors, ge), ("ceiling", objective.ceilings, le)):
        for n, (name, value) in enumerate(bounds):
            body, const = _expression(m, c, h, name, settings, objective, bound=True)
            label = f"{kind}_{name}" if [b for b, _ in bounds].count(name) == 1 else f"{kind}_{name}_{n}"
            setattr(m, label, pyo.Constraint(expr=relation(body, float(value) - const)))
    if objective.avoid:
        add_differ(m, h, objective.avoid)

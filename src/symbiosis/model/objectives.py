"""The named objectives: net savings (EUR/yr), CO2 avoided (t/yr), and the two weighted.

Each measure is one linear expression over the model's variables plus a constant,
built from the candidates' per-unit values and CO2 (contract section 4):

    savings = sum_{a,t} v_a x_{a,t} - sum_a F_a y_a + sum_d p_d (max_t D_{d,t} - k_d)
              + sum_j V_j w_j - sum_o G_o z_o
    co2     = sum_{a,t} c_a x_{a,t} / 1000 + sum_d co2_d (max_t D_{d,t} - k_d) / 1000 + sum_j C_j w_j
    weighted = savings + carbon price x co2

with v_a, c_a the value and CO2 per supply unit of volume arc a (peak arcs are
valued through their demand's peak cut), V_j = (p_d - cost per unit) Q_d and C_j the
CO2 (t/yr) of membership j, and G_o = CRF capex + opex of size option o.

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

from typing import Any, Literal

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and contrib plugins cost 0.4 s of start-up and are not used
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from symbiosis import economics
from symbiosis.candidates import Candidates
from symbiosis.model.handle import ExchangeModel, ge, le
from symbiosis.schema import Settings
from symbiosis.types import LinkKey, Objective

Measure = Literal["weighted", "savings", "co2"]


def measure(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel, kind: Measure, settings: Settings) -> tuple[LinearExpression, float]:
    """One measure as (linear expression, constant)."""
    value = c.arcs["value_eur_per_unit"].to_numpy(dtype=float)
    co2 = c.arcs["co2_kg_per_unit"].to_numpy(dtype=float)
    peak = c.arcs["peak"].to_numpy()
    zero = kind == "co2"
    fixed = np.zeros(len(c)) if zero else c.arcs["fixed_cost_eur_per_year"].to_numpy()
    mem_value = c.memberships["value_eur_per_year"].to_numpy(dtype=float)
    mem_co2 = c.memberships["co2_t_per_year"].to_numpy(dtype=float)
    g = np.zeros(len(c.options)) if zero else c.options["fixed_cost_eur_per_year"].to_numpy()

    def per_unit(v: Any, kg: Any) -> Any:
        if kind == "weighted":
            return economics.objective_weight(v, kg, settings)
        return kg / 1000.0 if kind == "co2" else v

    w = per_unit(value, co2)
    coefs: list[float] = []
    variables: list[Any] = []

    def term(coef: float, var: Any) -> None:
        coefs.append(coef)
        variables.append(var)

    for f, a in enumerate(h.flow_arc.tolist()):
        if not peak[a] and w[a] != 0:
            term(float(w[a]), h.xs[f])
    for a in range(len(c)):
        if fixed[a] != 0:
            term(-float(fixed[a]), h.ys[a])
    weight = per_unit(mem_value, mem_co2 * 1000.0)
    for j in range(len(weight)):
        term(float(weight[j]), m.w[j])
    for o in range(len(g)):
        if g[o] != 0:
            term(-float(g[o]), m.z[o])
    constant = 0.0
    for i, d in enumerate(h.peak_demands):
        wd = float(per_unit(c.demand_price[d], c.demand_co2[d]))
        constant += wd * float(c.demand_slots[d].max())
        term(-wd, m.k[i])
    return LinearExpression([MonomialTermExpression((cf, v)) for cf, v in zip(coefs, variables)]), constant


def link_variables(m: pyo.ConcreteModel, h: ExchangeModel) -> dict[LinkKey, Any]:
    """Every link's 0/1 variable by its key: exchanges' y_a and pool memberships' w_j."""
    links: dict[LinkKey, Any] = {("exchange", s, d): y for (s, d), y in zip(h.arc_ids, h.ys)}
    for i, (f, d) in enumerate(h.membership_ids):
        links[("pool", f, d)] = m.w[i]
    return links


def distinct(m: pyo.ConcreteModel, h: ExchangeModel, avoid: tuple[frozenset[LinkKey], ...]) -> LinearExpression:
    """distinct = - sum_n sum_{l in L_n} u_l (minus the links shared with the earlier networks)."""
    links = link_variables(m, h)
    terms = [links[k] for net in avoid for k in sorted(net) if k in links]
    return LinearExpression([MonomialTermExpression((-1.0, v)) for v in terms])


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


def _expression(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel, kind: str, settings: Settings, objective: Objective) -> tuple[Any, float]:
    if kind == "distinct":
        return distinct(m, h, objective.avoid), 0.0
    return measure(m, c, h, kind, settings)  # type: ignore[arg-type]


def add_peak_pin(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel, settings: Settings, kinds: set[str]) -> None:
    """peak_pin[d,t]: k_d <= D_{d,t} - sum_{a into d} rho_a x_{a,t} + max_t D_{d,t} (1 - b_{d,t}),
    peak_slot_one[d]: sum_t b_{d,t} = 1, with b_{d,t} in {0, 1}: k_d is the remaining peak the flows leave.

    ``remaining_peak`` only bounds k_d from below, and the measures value max_t D_{d,t} - k_d;
    that is exact while every measure in use (objective and floors) gains from a lower k_d.
    When one gains from a higher k_d (p_d < 0 in savings, co2_d < 0 in CO2, p_d + carbon
    price x co2_d < 0 weighted: a demand that only a trade-off or a fixed network admits),
    the model could keep k_d up while the flows cut the peak, and the result, which
    recomputes k_d = max_t (D_{d,t} - inflow) from the flows, would report another
    network's savings (a Pareto end at -90 EUR/yr under a floor of savings >= 0). Since
    the inflow never exceeds D_{d,t}, D_{d,t} - inflow >= 0 and max_t D_{d,t} is a valid M.
    """
    pins = [i for i, d in enumerate(h.peak_demands) if any(_peak_weight(c, d, kind, settings) < 0 for kind in kinds)]
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


def _peak_weight(c: Candidates, d: str, kind: str, settings: Settings) -> float:
    """What a unit of peak cut of demand d adds to a measure (the coefficient of -k_d)."""
    if kind == "savings":
        return float(c.demand_price[d])
    if kind == "co2":
        return float(c.demand_co2[d]) / 1000.0
    if kind == "weighted":
        return float(economics.objective_weight(c.demand_price[d], c.demand_co2[d], settings))
    return 0.0  # distinct: no k_d


def add_objective(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel, settings: Settings, objective: Objective) -> None:
    """objective: maximise the chosen measure; floor_<measure>: measure >= its floor; differ_n for ``avoid``; peak_pin where needed."""
    add_peak_pin(m, c, h, settings, {objective.maximise, *(name for name, _ in objective.floors)})
    expr, constant = _expression(m, c, h, objective.maximise, settings, objective)
    m.objective = pyo.Objective(expr=expr + constant if constant else expr, sense=pyo.maximize)
    for name, floor in objective.floors:
        body, const = _expression(m, c, h, name, settings, objective)
        setattr(m, f"floor_{name}", pyo.Constraint(expr=ge(body, float(floor) - const)))
    if objective.avoid:
        add_differ(m, h, objective.avoid)

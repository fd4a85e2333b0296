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


def add_objective(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel, settings: Settings, objective: Objective) -> None:
    """objective: maximise the chosen measure; floor_<measure>: measure >= its floor; differ_n for ``avoid``."""
    expr, constant = _expression(m, c, h, objective.maximise, settings, objective)
    m.objective = pyo.Objective(expr=expr + constant if constant else expr, sense=pyo.maximize)
    for name, floor in objective.floors:
        body, const = _expression(m, c, h, name, settings, objective)
        setattr(m, f"floor_{name}", pyo.Constraint(expr=ge(body, float(floor) - const)))
    if objective.avoid:
        add_differ(m, h, objective.avoid)

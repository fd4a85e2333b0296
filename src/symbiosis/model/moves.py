"""A built model made ready for one of its inputs to move (explain's break-even searches).

``add_supply_scale`` turns a supply stream's quantity into a column q, so that a
search moves the quantity by that column's bounds alone, in one compiled model:

    supply_scale[t]:  sum_{a from s} x_{a,t} <= sigma_t q     (sigma_t = S_{s,t} / Q_s)
    floor_supply_quantity:  q >= 0

At q <= Q_s these rows, with the model's own rows (written for Q_s), hold exactly the
flows the model built for quantity q holds: S_{s,t} is proportional to the quantity,
U_{a,t} = min(S_{s,t}, D_{d,t} / rho_a) only tightens where sigma_t q binds, and an arc
or slot that candidates would drop at q (it can carry nothing, or its minimum quantity
no longer fits, or the slot can never set a peak) carries nothing of use here either.
"""

from __future__ import annotations

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and contrib plugins cost 0.4 s of start-up and are not used
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from symbiosis.candidates import Candidates
from symbiosis.model.handle import ExchangeModel, ge, le

SUPPLY_QUANTITY_ROW = "floor_supply_quantity"  # the row that holds q alone (``solver.highs.compile_front`` takes it as the moved measure)


def add_supply_scale(h: ExchangeModel, c: Candidates, supply: str, shares: np.ndarray) -> None:
    """supply_scale[t]: sum_{a from supply} x_{a,t} - sigma_t q <= 0, and floor_supply_quantity: q >= 0 (``shares`` = sigma_t)."""
    m = h.model
    from_supply = (c.arcs["supply_stream"] == supply).to_numpy()
    slots: dict[int, list[int]] = {}
    for f, (a, t) in enumerate(zip(h.flow_arc.tolist(), h.flow_slot.tolist())):
        if from_supply[a]:
            slots.setdefault(int(t), []).append(f)
    m.supply_quantity = pyo.Var(domain=pyo.NonNegativeReals)
    q = m.supply_quantity
    keys = sorted(slots)
    m.supply_scale = pyo.Constraint(
        keys, rule=lambda _m, t: le(LinearExpression([h.xs[f] for f in slots[t]] + [MonomialTermExpression((-float(shares[t]), q))]), 0.0)
    )
    setattr(m, SUPPLY_QUANTITY_ROW, pyo.Constraint(expr=ge(LinearExpression([q]), 0.0)))

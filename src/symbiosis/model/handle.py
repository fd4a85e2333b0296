"""A built model's variables and the maps between them and the project's ids.

Index sets come straight from the pruned candidate tables, and the rows each
constraint sums over are precomputed once, because filtering arcs inside a rule is
what makes Pyomo models slow. Rows are built as flat ``LinearExpression``s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and contrib plugins cost 0.4 s of start-up and are not used
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import InequalityExpression

from symbiosis.candidates import Candidates
from symbiosis.types import ArcId, MembershipId, OptionId


@dataclass
class ExchangeModel:
    """A built Pyomo model and the maps from its variables back to the candidates' ids."""

    model: pyo.ConcreteModel
    flow_arc: np.ndarray  # flow variable f -> arc position
    flow_slot: np.ndarray  # flow variable f -> slot position
    flow_start: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))  # arc a's flows are flow_start[a]:flow_start[a+1]
    peak_demands: list[str] = field(default_factory=list)  # k index -> demand stream
    xs: list[Any] = field(default_factory=list)  # x variables in index order (no lookups while building)
    upper: list[float] = field(default_factory=list)  # x upper bounds U_{a,t}, by flow variable
    ys: list[Any] = field(default_factory=list)  # y variables in index order
    arc_ids: list[ArcId] = field(default_factory=list)
    arc_slots: list[int] = field(default_factory=list)  # arc -> number of slots of its supply
    option_ids: list[OptionId] = field(default_factory=list)
    membership_ids: list[MembershipId] = field(default_factory=list)

    def decode(
        self, value: Callable[[Any], float]
    ) -> tuple[dict[ArcId, np.ndarray], dict[ArcId, float], dict[OptionId, float], dict[MembershipId, float]]:
        """The variables' values keyed by ids: per-slot flows, links, size options, memberships."""
        m = self.model
        flows = {a: np.zeros(n) for a, n in zip(self.arc_ids, self.arc_slots)}
        for f, (a, t) in enumerate(zip(self.flow_arc.tolist(), self.flow_slot.tolist())):
            flows[self.arc_ids[a]][t] = value(self.xs[f])
        links = {a: value(v) for a, v in zip(self.arc_ids, self.ys)}
        options = {o: value(m.z[i]) for i, o in enumerate(self.option_ids)}
        memberships = {j: value(m.w[i]) for i, j in enumerate(self.membership_ids)}
        return flows, links, options, memberships

    def decoder(self, col: dict[int, int]) -> Decoder:
        """The decoder for a matrix whose columns are ``col`` (``id(variable)`` -> column)."""
        m = self.model

        def cols(variables: list[Any]) -> np.ndarray:
            return np.array([col[id(v)] for v in variables], dtype=np.int64)

        return Decoder(
            self.flow_arc, self.flow_slot, self.arc_ids, self.arc_slots, self.option_ids, self.membership_ids,
            cols(self.xs), cols(self.ys), cols(list(m.z.values())), cols(list(m.w.values())),
        )


@dataclass(frozen=True)
class Decoder:
    """Column values of the compiled model back to the candidates' ids (no Pyomo object kept)."""

    flow_arc: np.ndarray
    flow_slot: np.ndarray
    arc_ids: list[ArcId]
    arc_slots: list[int]
    option_ids: list[OptionId]
    membership_ids: list[MembershipId]
    x_col: np.ndarray  # flow variable f -> column
    y_col: np.ndarray
    z_col: np.ndarray
    w_col: np.ndarray

    def __call__(
        self, values: np.ndarray
    ) -> tuple[dict[ArcId, np.ndarray], dict[ArcId, float], dict[OptionId, float], dict[MembershipId, float]]:
        """Per-slot flows, links, size options, memberships, as ``ExchangeModel.decode`` gives them."""
        flows = {a: np.zeros(n) for a, n in zip(self.arc_ids, self.arc_slots)}
        x = values[self.x_col].tolist()
        for f, (a, t) in enumerate(zip(self.flow_arc.tolist(), self.flow_slot.tolist())):
            flows[self.arc_ids[a]][t] = x[f]
        links = dict(zip(self.arc_ids, values[self.y_col].tolist()))
        options = dict(zip(self.option_ids, values[self.z_col].tolist()))
        memberships = dict(zip(self.membership_ids, values[self.w_col].tolist()))
        return flows, links, options, memberships


def linear(coefs: Sequence[float], variables: Sequence[Any]) -> LinearExpression:
    """sum_i coefs_i variables_i as one flat LinearExpression (no operator overloading)."""
    return LinearExpression([v if c == 1.0 else MonomialTermExpression((c, v)) for c, v in zip(coefs, variables)])


def le(body: Any, ub: float) -> InequalityExpression:
    """body <= ub, made directly (Pyomo's tuple form costs a second pass per row)."""
    return InequalityExpression((body, ub), False)


def ge(body: Any, lb: float) -> InequalityExpression:
    """body >= lb, as lb <= body."""
    return InequalityExpression((lb, body), False)


def add_rows(m: pyo.ConcreteModel, name: str, keys: Sequence[Any], rows: Iterable[Any], over: Any = None) -> None:
    """m.<name>[keys[i]] = rows[i]: an indexed constraint over ``keys`` (or the set ``over``, whose order ``keys`` is).

    The same members as ``pyo.Constraint(keys, rule=...)`` gives, in the same order, made
    without a rule: the component is declared empty and each relational expression stored
    through ``_setitem_when_not_present``, the call Pyomo's own construction makes for each
    index. This skips Pyomo's rule wrapper and its walk over the index set, a third of the
    time of the model's most numerous rows (docs/performance.md 6).
    """
    con = pyo.Constraint(keys if over is None else over)
    setattr(m, name, con)
    if len(con.index_set()) != len(keys):
        raise ValueError(f"{name}: {len(keys)} keys for an index of {len(con.index_set())}")
    put = con._setitem_when_not_present
    n = 0
    for key, row in zip(keys, rows):
        put(key, row)
        n += 1
    if n != len(keys):
        raise ValueError(f"{name}: {n} rows for {len(keys)} keys")


def _index(n: int) -> Any:
    return pyo.RangeSet(0, n - 1) if n else pyo.Set(initialize=[])


def add_variables(m: pyo.ConcreteModel, c: Candidates) -> ExchangeModel:
    """Flows x_f for every arc and slot with U_{a,t} > 0, link binaries y_a, remaining peaks k_d,
    size choices z_o and memberships w_j.

    0 <= x_{a,t} <= U_{a,t} = min(S_{s,t}, D_{d,t} / rho_a); y_a in {0, 1};
    0 <= k_d <= max_t D_{d,t} for every peak demand with an arc; z_o, w_j in {0, 1}.
    """
    # Every (arc, slot) with U > 0, arc by arc and slot by slot, gathered at once.
    lengths = np.array([len(u) for u in c.upper], dtype=np.int64)
    flat = np.concatenate(c.upper).astype(float) if len(c.upper) else np.zeros(0)
    arc_of = np.repeat(np.arange(len(c.upper), dtype=np.int64), lengths)
    slot_of = np.arange(len(flat), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    used = flat > 0
    flow_arc: list[int] = arc_of[used].tolist()
    flow_slot: list[int] = slot_of[used].tolist()
    bounds: list[float] = flat[used].tolist()
    # Flows come arc by arc: arc a's are the positions flow_start[a] to flow_start[a + 1].
    flow_start = np.searchsorted(arc_of[used], np.arange(len(c.upper) + 1, dtype=np.int64)).astype(np.int64)
    m.F = _index(len(flow_arc))
    m.A = _index(len(c))
    m.x = pyo.Var(m.F, domain=pyo.NonNegativeReals, bounds=(0.0, None))
    m.y = pyo.Var(m.A, domain=pyo.Binary)
    xs = list(m.x.values())
    for v, ub in zip(xs, bounds):
        v.setub(ub)
    arcs = c.arcs
    peak_demands = sorted(set(arcs.loc[arcs["peak"], "demand_stream"]))
    m.K = _index(len(peak_demands))
    m.k = pyo.Var(m.K, domain=pyo.NonNegativeReals, bounds=lambda _m, i: (0.0, float(c.demand_slots[peak_demands[i]].max())))
    m.O = _index(len(c.options))
    m.J = _index(len(c.memberships))
    m.z = pyo.Var(m.O, domain=pyo.Binary)
    m.w = pyo.Var(m.J, domain=pyo.Binary)
    return ExchangeModel(
        m,
        np.array(flow_arc, dtype=np.int64),
        np.array(flow_slot, dtype=np.int64),
        flow_start,
        peak_demands,
        xs,
        bounds,
        list(m.y.values()),
        list(zip(arcs["supply_stream"].tolist(), arcs["demand_stream"].tolist())),
        [len(u) for u in c.upper],
        list(zip(c.options["facility"].tolist(), [int(k) for k in c.options["option"]])),
        list(zip(c.memberships["facility"].tolist(), c.memberships["demand_stream"].tolist())),
    )

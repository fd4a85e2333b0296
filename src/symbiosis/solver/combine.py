"""The park's front from its parts' fronts: a small disjunctive MILP over the parts' linear pieces, solved exactly.

With each part's front phi_p an upper envelope of linear pieces alpha_i + beta_i e on
[a_i, b_i], the park's front is F(eps) = max sum_p phi_p(e_p) s.t. sum_p e_p >= eps.
Per piece i a binary u_i and e_i in [a_i u_i, b_i u_i]; one piece per part
(sum_i u_i = 1); the value sum_i (alpha_i u_i + beta_i e_i). A piece's line never
exceeds its part's envelope on [a_i, b_i], and the envelope is the maximum of its
pieces, so the MILP's optimum is F(eps) exactly. It has a few hundred binaries at
most and is solved in milliseconds, for any floor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from symbiosis.schema import SolverSettings
from symbiosis.solver.highs import solve_arrays
from symbiosis.types import Termination

Line = tuple[float, float, float, float]  # (a, b, alpha, beta): alpha + beta e on [a, b]


@dataclass(frozen=True)
class Allocation:
    """Where the park's point at eps lies in each part: the piece chosen and its e."""

    value: float
    pieces: tuple[int, ...]
    e: tuple[float, ...]


def best_choice(
    parts: Sequence[Sequence[Line]],
    options: SolverSettings,
    wy: float = 1.0,
    wx: float = 0.0,
    e_low: float = -np.inf,
    e_high: float = np.inf,
    y_floor: float | None = None,
    offset: float = 0.0,
    abs_gap: float = 1e-9,
) -> Allocation | None:
    """max wy sum v + wx sum e + offset s.t. sum e in [e_low, e_high] (and sum v >= y_floor), one piece per part.

    In each piece's own coordinates: e_i = a_i u_i + d_i with 0 <= d_i <= (b_i - a_i) u_i, so
    v_i = (alpha_i + beta_i a_i) u_i + beta_i d_i (better scaled than e_i in [a_i u_i, b_i u_i]).
    """
    cost: list[float] = []
    upper: list[float] = []
    integer: list[bool] = []
    rows: list[tuple[np.ndarray, np.ndarray, float, float]] = []
    where: list[list[int]] = []
    v_idx: list[int] = []
    v_coef: list[float] = []
    e_idx: list[int] = []
    e_coef: list[float] = []
    for lines in parts:
        mine = []
        for a, b, alpha, beta in lines:
            u, d = len(cost), len(cost) + 1
            mine.append(u)
            start = alpha + beta * a
            cost += [wy * start + wx * a, wy * beta + wx]
            upper += [1.0, b - a]
            integer += [True, False]
            if b > a:
                rows.append((np.array([d, u]), np.array([1.0, -(b - a)]), -np.inf, 0.0))
            v_idx += [u, d]
            v_coef += [start, beta]
            e_idx += [u, d]
            e_coef += [a, 1.0]
        rows.append((np.array(mine), np.ones(len(mine)), 1.0, 1.0))
        where.append(mine)
    rows.append((np.array(e_idx), np.array(e_coef), e_low, e_high))
    if y_floor is not None:
        rows.append((np.array(v_idx), np.array(v_coef), y_floor, np.inf))
    termination, objective, values = solve_arrays(
        np.array(cost), np.zeros(len(cost)), np.array(upper), np.array(integer), rows, options, offset, abs_gap
    )
    if termination is not Termination.optimal or values is None or objective is None:
        return None
    chosen = tuple(int(np.argmax([values[u] for u in mine])) for mine in where)
    es = tuple(parts[p][i][0] + float(values[mine[i] + 1]) for p, (mine, i) in enumerate(zip(where, chosen)))
    value = sum(parts[p][i][2] + parts[p][i][3] * es[p] for p, i in enumerate(chosen))
    return Allocation(value, chosen, es)

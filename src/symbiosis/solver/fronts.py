"""A part's own front between two measures, exactly (``analysis.partwise`` combines the parts' fronts).

For a part, phi(e) = max y s.t. x >= e (both "more is better": sign x value) is the
upper envelope of the LP fronts of its configurations (every integer decision fixed),
each concave. It is found by ``envelope.outer_approximation``: a configuration's
LP front by the dichotomic (weighted-sum) method, LP by LP; a piece alpha + beta e of
the envelope on [a, b] proven by a MILP, max y - beta x - alpha s.t. x in [a, b], whose
optimum is at most the tolerance, or else giving a new configuration.

The front runs from the left end (the most y, then the most x at that y) to the right
end (the most x with y >= ``floor``: a point below the floor cannot be part of any
point of the park's front, e.g. one that loses more money than all other parts can
make). Everything is solved on one compiled model per part (``highs.FrontModel``),
so a part's front is one task for a Dask worker. A part whose front is not finished
in its time keeps an upper bound on it from the MILPs' bounds (``PartFront.raised``).
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np

from symbiosis import measures
from symbiosis.candidates import Candidates
from symbiosis.model import build_model
from symbiosis.model.handle import Decoder
from symbiosis.schema import Settings
from symbiosis.solver.envelope import Check, Concave, Outer, Piece, concave_hull, outer_approximation, spans
from symbiosis.solver.highs import Found, FrontModel, compile_front
from symbiosis.types import Objective, Solution, Termination

DELTA = 1e-6  # a piece after a step is checked from this fraction of the x range past the step


@dataclass
class FrontStart:
    """A part's compiled front model and its left end (the most y, then the most x at that y)."""

    model: FrontModel
    left: Found | None  # None: no feasible network (require rules that cannot hold)
    y_bound: float  # no network of the part has more y
    proven: bool  # the most y is proven
    seconds: float
    solves: int = 0


@dataclass
class PartFront:
    """A part's front: the configurations' concave fronts, the envelope's pieces with the slack of their proofs, and bounds.

    ``raised`` are pieces (a, b, alpha, beta) whose maximum is an upper bound of the
    part's front at every e (the envelope lifted by each piece's slack; where nothing
    was proven, the part's bound on y). ``columns`` are the column values at each
    vertex of each function, to rebuild a network at any e without solving.
    """

    functions: list[Concave]
    pieces: list[Piece]
    slack: list[float]
    raised: list[tuple[float, float, float, float]]
    lo: float
    hi: float
    complete: bool
    y_bound: float
    decoder: Decoder | None
    columns: dict[Hashable, list[np.ndarray]] = field(default_factory=dict)
    seconds: float = 0.0
    solves: int = 0

    @property
    def max_slack(self) -> float:
        return max(self.slack, default=0.0)

    def point(self, e: float, owner: int) -> tuple[np.ndarray, float, float]:
        """The columns, x and y of ``owner``'s point at e (on its front, interpolated between its vertices)."""
        f = self.functions[owner]
        cols = self.columns[f.key]
        if e <= f.xs[0]:
            return cols[0], f.xs[0], f.ys[0]
        j = min(int(np.searchsorted(f.xs, e, side="left")), len(f.xs) - 1)
        x0, x1 = f.xs[j - 1], f.xs[j]
        t = 1.0 if x1 <= x0 else (e - x0) / (x1 - x0)
        return (1 - t) * cols[j - 1] + t * cols[j], e, (1 - t) * f.ys[j - 1] + t * f.ys[j]

    def solution(self, e: float, owner: int, termination: Termination, seconds: float) -> Solution:
        """The part's network at e, as a ``Solution`` keyed by ids (its objective is its y)."""
        cols, _, yv = self.point(e, owner)
        assert self.decoder is not None
        return Solution(termination, yv, None, seconds, *self.decoder(cols), message=termination.value)


def start_front(c: Candidates, settings: Settings, x: str, y: str, deadline: float) -> FrontStart:
    """Build and compile the part's model (y made best, x as its second row) and find its left end."""
    t0 = time.perf_counter()
    more = measures.MEASURES[x].sign > 0
    objective = Objective(y, floors=((x, 0.0),)) if more else Objective(y, ceilings=((x, 0.0),))
    handle = build_model(c, settings, objective)
    model = compile_front(handle, f"floor_{x}" if more else f"ceiling_{x}", settings.solver)
    first = model.best(1.0, 0.0, time_limit_s=max(deadline - time.monotonic(), 0.01))
    solves = 1
    if first is None:
        bound = model.relaxed_bound(1.0, 0.0)
        return FrontStart(model, None, bound if bound is not None else np.inf, False, time.perf_counter() - t0, solves)
    left = model.best(0.0, 1.0, y_floor=measures.held(first.y), time_limit_s=max(deadline - time.monotonic(), 0.01), start=first.values) or first
    solves += 1
    return FrontStart(model, left, first.bound, first.termination is Termination.optimal, time.perf_counter() - t0, solves)


def config_front(model: FrontModel, key: bytes, floor: float, tol_y: float) -> tuple[Concave, list[np.ndarray], int] | None:
    """A configuration's LP front (its vertices by the dichotomic method) and the columns at each vertex."""
    solves = 0

    def lp(wy: float, wx: float, x_low: float = -np.inf, y_floor: float = floor) -> Found | None:
        nonlocal solves
        solves += 1
        return model.best(wy, wx, x_low=x_low, y_floor=y_floor, key=key)

    top = lp(1.0, 0.0)
    if top is None:
        return None
    a = lp(0.0, 1.0, y_floor=max(floor, measures.held(top.y))) or top
    far = lp(0.0, 1.0)
    # The right end: the most y at the most x, held to 1e-9 of x (an LP keeps it); the
    # lexicographic tolerance of a MILP would move it inwards, and the front would stop short.
    b = (lp(1.0, 0.0, x_low=far.x - 1e-9 * max(1.0, abs(far.x))) or lp(1.0, 0.0, x_low=measures.held(far.x)) or far) if far is not None else a
    # The left end as solved (top: the most y) counts too; the hull drops it if it is dominated.
    found = [f for f in (top, a, b) if f is not None]
    queue = [(a, b)]
    while queue:
        p, q = queue.pop()
        if q.x - p.x <= 1e-9 * max(1.0, abs(q.x)) or p.y - q.y <= tol_y:
            continue
        lam = (p.y - q.y) / (q.x - p.x)
        r = lp(1.0, lam)
        if r is None:
            continue
        if r.y + lam * r.x > p.y + lam * p.x + tol_y:
            found.append(r)
            queue += [(p, r), (r, q)]
    xs, ys = concave_hull([(f.x, f.y) for f in found], tol_y * 1e-3)
    by_point = {(f.x, f.y): f.values for f in found}
    return Concave(xs, ys, key), [by_point[(xv, yv)] for xv, yv in zip(xs, ys)], solves


def finish_front(start: FrontStart, floor: float, deadline: float, tol_y: float) -> PartFront:
    """The part's front from its left end to the most x with y >= floor, by outer approximation (see the module).

    The most x is first looked for by a MILP in a quarter of the time, and the most y
    at that x in an eighth of what is left (the outer approximation finds a better
    configuration there if there is one; given all the time, a hard part spent it here
    and proved no piece); if the most x is not proven, the front is extended past the
    furthest x found, point by point (the most y with x beyond it), as long as the time
    lasts.
    """
    t0 = time.perf_counter()
    model = start.model
    solves = start.solves
    if start.left is None:
        return PartFront([], [], [], [], 0.0, 0.0, False, start.y_bound, model.decoder, seconds=start.seconds, solves=solves)
    left = start.left
    first = max((deadline - time.monotonic()) / 4, 0.01)
    right = model.best(0.0, 1.0, y_floor=floor, time_limit_s=first, start=left.values if left.y >= floor else None)
    solves += 1
    x_bound = left.x if right is None and model.last is Termination.infeasible else (right.bound if right is not None else np.inf)
    if right is not None:
        if right.termination is Termination.optimal:
            x_bound = right.x
        polish = max((deadline - time.monotonic()) / 8, 0.01)
        right = model.best(1.0, 0.0, x_low=measures.held(right.x), y_floor=floor, time_limit_s=polish, start=right.values) or right
        solves += 1
    columns: dict[Hashable, list[np.ndarray]] = {}

    def concave_of(key: Hashable) -> Concave | None:
        nonlocal solves
        assert isinstance(key, bytes)
        out = config_front(model, key, floor, tol_y)
        if out is None:
            return None
        f, cols, n = out
        solves += n
        columns[key] = cols
        return f

    keys = list(dict.fromkeys(found.key for found in (left, right) if found is not None))
    functions = [f for f in (concave_of(k) for k in keys) if f is not None]
    # The front starts at the left end's own LP point (the MILP's x may differ from it in the last digits).
    lo = min([left.x] + [f.xs[0] for f in functions if f.key == left.key])
    # Past a step, the check starts DELTA of the x scale further: the solver's tolerances let a
    # configuration reach a little beyond its own range, which on a steep front looks like a point above.
    scale = max([1.0, abs(lo)] + [abs(f.right) for f in functions] + ([abs(x_bound)] if np.isfinite(x_bound) else []))
    delta = DELTA * scale

    def check(found: Found | None) -> Check | None:
        if found is None:
            return None if model.last is Termination.infeasible else Check(-np.inf, np.inf, None, False)
        return Check(found.objective, found.bound, found.key, found.termination is Termination.optimal)

    def oracle(a: float, b: float, alpha: float, beta: float, seconds: float) -> Check | None:
        return check(model.best(1.0, -beta, x_low=a, x_high=b, y_floor=floor, time_limit_s=seconds, offset=-alpha, abs_gap=tol_y / 4))

    def extend(a: float, b: float, seconds: float) -> Check | None:
        return check(model.best(1.0, 0.0, x_low=a, x_high=b, y_floor=floor, time_limit_s=seconds))

    state: Outer = outer_approximation(functions, concave_of, oracle, lo, x_bound, tol_y, delta, deadline, extend)
    pieces = state.pieces()
    slack, raised = _slacks(state, pieces, tol_y, start.y_bound, model, floor)
    complete = state.complete and start.proven
    if state.beyond is not None and state.hi_bound > state.hi:
        raised.append((state.hi, state.hi_bound, min(state.beyond, start.y_bound), 0.0))
    used = {state.functions[p.owner].key for p in pieces}
    keep = [f for f in state.functions if f.key in used]
    remap = {f.key: i for i, f in enumerate(keep)}
    pieces = [Piece(p.a, p.b, p.alpha, p.beta, remap[state.functions[p.owner].key], p.step) for p in pieces]
    return PartFront(
        keep, pieces, slack, raised, lo, state.hi, complete, start.y_bound, model.decoder,
        {f.key: columns[f.key] for f in keep}, start.seconds + time.perf_counter() - t0, solves + state.checks,
    )


def _slacks(
    state: Outer, pieces: list[Piece], tol: float, y_bound: float, model: FrontModel, floor: float
) -> tuple[list[float], list[tuple[float, float, float, float]]]:
    """Each piece's slack (how far a point could rise above it) and the lifted lines that bound the front.

    Over each piece's span (``envelope.spans``) the bound is the line of the proof that
    covers it lifted by the proof's slack (the bound of a check the time stopped, if
    so); over a span never proven, the piece's line lifted by the LP relaxation's bound
    of its check. A piece with an empty span (inside the stretch just past a step) is
    under the proof of the piece before the step. The first lifted line is the left
    end at the part's bound on y (nothing has more y, and less x never helps a point of
    the park).
    """
    slack: list[float] = []
    raised: list[tuple[float, float, float, float]] = [(state.lo, state.lo, y_bound, 0.0)]
    for p, (a, b) in zip(pieces, spans(pieces, state.delta)):
        if a > b:
            slack.append(0.0)
            continue
        cert = state.covered(p, (a, b), tol)
        if cert is not None:
            _, _, alpha, beta, s = cert
            slack.append(max(alpha + beta * e + s - p.at(e) for e in (a, b)))
            raised.append((a, b, alpha + s, beta))
            continue
        relaxed = model.relaxed_bound(1.0, -p.beta, a, b, floor, -p.alpha)
        s = max(relaxed, 0.0) if relaxed is not None else max(y_bound - p.at(b), 0.0)
        slack.append(s)
        raised.append((a, b, p.alpha + s, p.beta))
    return slack, raised


def part_front(c: Candidates, settings: Settings, x: str, y: str, floor: float, tol_y: float, seconds: float, wall_deadline: float) -> PartFront:
    """One part's whole front (``start_front`` then ``finish_front``) within ``seconds`` and before ``wall_deadline``
    (``time.time()``, which workers on other hosts share): one task for a Dask worker, or a call in this process.
    The compiled model stays here; the front that comes back holds plain numbers and the decoder only."""
    seconds = max(min(seconds, wall_deadline - time.time()), 0.05)
    deadline = time.monotonic() + seconds
    start = start_front(c, settings, x, y, time.monotonic() + seconds / 4)
    front = finish_front(start, floor, deadline, tol_y)
    return front

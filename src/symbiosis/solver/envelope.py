"""Fronts as upper envelopes of concave pieces, and their exact outer approximation (plain numbers, no solver).

A front here is phi(e) = max y s.t. x >= e over a finite union of polytopes in (x, y),
both "more is better". Each polytope (a configuration: every integer decision fixed)
has a concave, non-increasing, piecewise-linear front psi_c(e), constant left of its
first vertex and undefined right of its last; phi is their upper envelope, a
non-increasing piecewise-linear function with steps where a configuration's range
ends (``upper_envelope``).

``outer_approximation`` finds phi from an oracle that maximises y - beta x over x in
an interval: with the envelope of the configurations found so far cut into linear
pieces alpha + beta e on [a, b], a piece is proven when the oracle finds no point
with x in [a, b] and y above alpha + beta x (beyond a tolerance); otherwise the
point's configuration is new and joins the envelope. When every piece is proven,
every feasible point lies on or below the envelope at its own x, and since the
envelope is non-increasing, phi(e) = max_{x >= e} y <= envelope(e): the envelope is
the front (it is also a lower bound, being made of feasible points). A piece that
starts at a step s is checked from s + delta, since the step's own higher point lies
above its line at s (and, found by LPs held to their tolerances, may lie a little
past s): the piece that ends at s is checked on to s + delta instead, with its own
(higher) line, so that every x from the front's start to its end is under some proof
(``spans``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

INF = float("inf")


@dataclass(frozen=True)
class Concave:
    """A concave, non-increasing piecewise-linear function given by its vertices.

    xs increasing, ys non-increasing with slopes decreasing; psi(e) = ys[0] for e <=
    xs[0], linear between vertices, undefined (minus infinity) beyond xs[-1].
    """

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    key: Hashable = None

    def at(self, e: float) -> float:
        if e > self.xs[-1]:
            return -INF
        if e <= self.xs[0]:
            return self.ys[0]
        return float(np.interp(e, self.xs, self.ys))

    @property
    def right(self) -> float:
        return self.xs[-1]

    def lines(self) -> list[tuple[float, float, float, float]]:
        """(from, to, alpha, beta): the flat part left of the first vertex, then each segment."""
        return self._lines

    @cached_property
    def _lines(self) -> list[tuple[float, float, float, float]]:
        out = [(-INF, self.xs[0], self.ys[0], 0.0)]
        for (x0, y0), (x1, y1) in zip(zip(self.xs, self.ys), zip(self.xs[1:], self.ys[1:])):
            beta = (y1 - y0) / (x1 - x0)
            out.append((x0, x1, y0 - beta * x0, beta))
        return out

    @cached_property
    def _x_array(self) -> np.ndarray:
        return np.asarray(self.xs, dtype=float)


def concave_hull(points: list[tuple[float, float]], tol_y: float = 0.0) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The vertices of the concave, non-increasing function through these (x, y) points (their upper-right hull).

    A point is kept only if it has more y than every point with more x; points closer
    in x than 1e-12 of their size count as one (the one with more y).
    """
    kept: list[tuple[float, float]] = []
    for x, y in sorted(set(points), reverse=True):  # most x first; at one x, most y first
        if kept and abs(kept[-1][0] - x) <= 1e-12 * max(1.0, abs(x)):
            if y > kept[-1][1]:  # one point: the one with more y
                kept[-1] = (x, y)
            continue
        if not kept or y > kept[-1][1] + tol_y:
            kept.append((x, y))
    kept.reverse()
    hull: list[tuple[float, float]] = []
    for p in kept:
        while len(hull) >= 2:
            (x0, y0), (x1, y1) = hull[-2], hull[-1]
            # drop the middle point when it lies on or below the chord
            if (y1 - y0) * (p[0] - x0) <= (p[1] - y0) * (x1 - x0) + tol_y * (p[0] - x0):
                hull.pop()
            else:
                break
        hull.append(p)
    return tuple(h[0] for h in hull), tuple(h[1] for h in hull)


@dataclass(frozen=True)
class Piece:
    """A linear piece alpha + beta e of an envelope on [a, b]; ``owner`` is the function's index; ``step`` when the
    envelope at a lies above the piece's line (a configuration's range ended there)."""

    a: float
    b: float
    alpha: float
    beta: float
    owner: int
    step: bool = False

    def at(self, e: float) -> float:
        return self.alpha + self.beta * e


def upper_envelope(functions: list[Concave], lo: float, hi: float, tol: float = 1e-9) -> list[Piece]:
    """The upper envelope of the functions on [lo, hi], as linear pieces left to right (closed on the right)."""
    live = [f for f in functions if f.right >= lo - tol]
    if not live or hi < lo:
        return []
    cuts = sorted({lo, hi} | {x for f in live for x in f.xs if lo < x < hi})
    spans_ = list(zip(cuts, cuts[1:] if len(cuts) > 1 else cuts))
    mids = np.array([(t0 + t1) / 2 for t0, t1 in spans_])
    # Each function's line at each interval's middle: the first of its lines (the flat part, then each
    # segment) whose range, widened by tol, holds the middle.
    at_mid = [np.searchsorted(f._x_array + tol, mids, side="left").tolist() for f in functions]
    pieces: list[Piece] = []
    for j, (t0, t1) in enumerate(spans_):
        lines = []
        for i, f in enumerate(functions):
            k = at_mid[i][j]
            if f.right < t1 - tol * max(1.0, abs(t1)) or k >= len(f.xs):
                continue
            _, _, alpha, beta = f.lines()[k]
            lines.append((alpha, beta, i))
        pieces += _max_of_lines(lines, t0, t1)
    # A function whose range ends at lo itself counts there only: a piece of one point.
    ends = [(f.at(lo), i) for i, f in enumerate(functions) if abs(f.right - lo) <= tol * max(1.0, abs(lo))]
    if ends:
        top, i = max(ends, key=lambda vi: (vi[0], -vi[1]))
        if not pieces or top > pieces[0].at(lo) + tol * max(1.0, abs(top)):
            pieces.insert(0, Piece(lo, lo, top, 0.0, i))
    return _merge(pieces, functions, tol)


def _max_of_lines(lines: list[tuple[float, float, int]], t0: float, t1: float) -> list[Piece]:
    """The pieces of max_i (alpha_i + beta_i e) on [t0, t1], left to right (ties to the larger slope, then the first)."""
    if not lines:
        return []
    out: list[Piece] = []
    t = t0
    cur = max(lines, key=lambda ln: (ln[0] + ln[1] * t, ln[1], -ln[2]))
    while True:
        nxt, at = None, t1
        for ln in lines:
            if ln[1] > cur[1]:
                cross = (cur[0] - ln[0]) / (ln[1] - cur[1])  # where ln overtakes cur (right of t: cur is the max at t)
                if cross < at or (nxt is not None and cross == at and ln[1] > nxt[1]):
                    nxt, at = ln, max(cross, t)
        if nxt is None or at >= t1:
            out.append(Piece(t, t1, cur[0], cur[1], cur[2]))
            return out
        if at > t:
            out.append(Piece(t, at, cur[0], cur[1], cur[2]))
        cur, t = nxt, at


def _merge(pieces: list[Piece], functions: list[Concave], tol: float) -> list[Piece]:
    """Pieces joined where the line goes on; a piece marked ``step`` where the envelope drops at its start."""
    out: list[Piece] = []
    for p in pieces:
        if p.b < p.a:
            continue
        if out:
            q = out[-1]
            scale = tol * max(1.0, abs(q.at(q.b)))
            same = abs(q.beta - p.beta) <= 1e-12 * max(1.0, abs(q.beta)) and abs(q.at(p.a) - p.at(p.a)) <= scale
            if same and q.owner == p.owner and abs(q.b - p.a) <= tol * max(1.0, abs(p.a)):
                out[-1] = Piece(q.a, p.b, q.alpha, q.beta, q.owner, q.step)
                continue
            if p.b <= q.b:
                continue
            step = q.at(q.b) > p.at(p.a) + scale
            out.append(Piece(max(p.a, q.b), p.b, p.alpha, p.beta, p.owner, step))
            continue
        out.append(p)
    return out


def envelope_at(pieces: list[Piece], e: float) -> float:
    """The envelope's value at e (the higher piece at a step); minus infinity beyond its range."""
    best = -INF
    for p in pieces:
        if p.a <= e <= p.b:
            best = max(best, p.at(e))
    return best


@dataclass(frozen=True)
class Check:
    """The oracle's answer for a piece: the most any point rises above the piece's line, its bound, the point's key."""

    violation: float  # best found of y - (alpha + beta x)
    bound: float  # no point rises more than this
    key: Hashable | None  # the configuration of the point found
    proven: bool  # the oracle finished (its bound is within its tolerance)


Oracle = Callable[[float, float, float, float, float], Check | None]  # (a, b, alpha, beta, seconds) -> Check


@dataclass
class Outer:
    """The state of an outer approximation: the functions found, the proofs, and where it stands.

    The envelope runs from ``lo`` to the furthest x of the functions found (``hi``);
    ``hi_bound`` is where a point of the front may at most lie (``hi`` once proven).
    """

    functions: list[Concave]
    lo: float
    hi_bound: float
    delta: float
    certificates: list[tuple[float, float, float, float, float]] = field(default_factory=list)  # (a, b, alpha, beta, slack)
    failed: int = 0  # checks the time stopped (their bound is a certificate's slack, not within the tolerance)
    beyond: float | None = None  # a bound on y beyond hi (when hi_bound > hi); None: nothing lies beyond
    checks: int = 0
    complete: bool = False

    _cache: tuple[int, list[Piece]] | None = None  # the pieces of the first n functions (only ever appended to)
    _proofs: dict[tuple[float, float, float, float], tuple[float, float, float, float, float]] = field(default_factory=dict)

    @property
    def hi(self) -> float:
        return max((f.right for f in self.functions), default=self.lo)

    def pieces(self) -> list[Piece]:
        if self._cache is None or self._cache[0] != len(self.functions):
            self._cache = (len(self.functions), upper_envelope(self.functions, self.lo, self.hi))
        return self._cache[1]

    def prove(self, cert: tuple[float, float, float, float, float]) -> None:
        """Keep a proof (a, b, alpha, beta, slack): no point with x in [a, b] lies more than slack above the line."""
        self.certificates.append(cert)
        self._proofs.setdefault(cert[:4], cert)

    def proven(self, p: Piece, span: tuple[float, float], tol: float) -> bool:
        """Whether the piece's span was checked (its own check, looked up, even one the time stopped: it is not
        checked again) or a proof covers it."""
        return (span[0], span[1], p.alpha, p.beta) in self._proofs or self.covered(p, span, tol) is not None

    def covered(self, p: Piece, span: tuple[float, float], tol: float) -> tuple[float, float, float, float, float] | None:
        """The proof (a, b, alpha, beta, slack) with the least slack that covers the piece's span, its line no more
        than ``tol`` above the piece's (None if none does; a check the time stopped before it found any point has an
        infinite slack and proves nothing)."""
        a, b = span
        best: tuple[float, float, float, float, float] | None = None
        for cert in self.certificates:
            ca, cb, alpha, beta, slack = cert
            if not np.isfinite(slack):
                continue
            inside = ca <= a + 1e-12 * max(1.0, abs(a)) and cb >= b - 1e-12 * max(1.0, abs(b))
            below = alpha + beta * a <= p.at(a) + tol and alpha + beta * b <= p.at(b) + tol
            if inside and below and (best is None or slack < best[4]):
                best = cert
        return best


def spans(pieces: list[Piece], delta: float) -> list[tuple[float, float]]:
    """Where each piece is checked: [a, b], except that the stretch [s, s + delta] after a step s is checked with
    the line of the piece that ends at s (the step's higher level, which the upper network's x may reach a little
    past s to its tolerances), so a piece after a step starts at s + delta, and a piece inside that stretch has
    nothing of its own to check (its span is empty: start > end)."""
    out: list[tuple[float, float]] = []
    blur = -INF  # the end of the stretch after the last step
    for i, p in enumerate(pieces):
        if p.step:
            blur = p.a + delta
        nxt = pieces[i + 1] if i + 1 < len(pieces) else None
        end = max(p.b, nxt.a + delta) if nxt is not None and nxt.step else p.b
        out.append((max(p.a, blur), end))
    return out


def outer_approximation(
    functions: list[Concave],
    concave_of: Callable[[Hashable], Concave | None],
    oracle: Oracle,
    lo: float,
    hi_bound: float,
    tol: float,
    delta: float,
    deadline: float,
    extend: Callable[[float, float, float], Check | None] | None = None,
) -> Outer:
    """Refine the envelope of ``functions`` from lo until every piece is proven or the deadline (``time.monotonic``) passes.

    Pieces are checked left to right (the front where the other measure is given up cheapest first). While ``hi_bound`` lies beyond the furthest x found,
    ``extend(a, b, seconds)`` looks for the point with the most y and x in [a, b] past it
    (None: there is none, and the front ends there).
    """
    state = Outer(list(functions), lo, hi_bound, delta)
    known = {f.key for f in state.functions}
    while True:
        pieces = state.pieces()
        todo = [(p, sp) for p, sp in zip(pieces, spans(pieces, delta)) if sp[0] <= sp[1] and not state.proven(p, sp, tol)]
        past = state.hi_bound > state.hi + delta and extend is not None
        if not todo and not past:
            state.complete = state.failed == 0
            return state
        left = deadline - time.monotonic()
        if left <= 0:
            if past:
                state.beyond = INF
            return state
        span = (0.0, 0.0)
        if todo:
            p, span = min(todo, key=lambda ps: (ps[0].a, ps[0].b))  # left to right: the cheapest trades first
            check = oracle(span[0], span[1], p.alpha, p.beta, max(min(left, 2.0), left / 4))
        else:
            assert extend is not None
            p = None
            check = extend(state.hi + delta, state.hi_bound, left)
        state.checks += 1
        if check is None:  # no point at all there: nothing lies above the piece (or beyond the front)
            if p is None:
                state.hi_bound = state.hi
            else:
                state.prove((span[0], span[1], p.alpha, p.beta, 0.0))
            continue
        if check.key is not None and check.key not in known and (p is None or check.violation > tol):
            f = concave_of(check.key)
            known.add(check.key)
            if f is not None:
                state.functions.append(f)
                continue
        if p is None:  # beyond the front: nothing new found in time
            state.beyond = check.bound
            return state
        state.prove((span[0], span[1], p.alpha, p.beta, max(check.bound, 0.0)))
        if not check.proven:
            state.failed += 1

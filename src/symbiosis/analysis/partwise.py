"""The front between two measures, part by part (``pareto(method="parts")``, the default; docs/model.md).

1. Candidates as for the epsilon method (those that add to y or to x); independent
   parts. Parts that carry no x are solved once for the most y and held fixed.
2. Every other part's own front, exactly (``solver.fronts``): from its left end (the
   most y, then the most x) to the most x with y >= its floor, as the upper envelope
   of its configurations' LP fronts, each piece proven by a MILP. Where y is money,
   a part's floor is minus what all other parts can at most make (with the fixed
   parts' savings): below it no point of the park keeps net savings >= 0. Parts are
   solved on Dask workers when the work pays for starting them (``workers_for``).
3. The park's front F(eps) = max sum_p phi_p(e_p) s.t. sum_p e_p >= eps - (fixed parts'
   x, which is 0), exactly, with every vertex (``solver.combine``).
4. Points: F's vertices from the left end to the right end (the most x with net
   savings >= 0 where y is money); each point's network is rebuilt from the parts'
   configurations at their e_p (on their LP fronts), its flows settled, and it is a
   whole result like any other. Where y is not money, net savings >= 0 is not part of
   the parts' fronts: a point whose network meets it is exact (a relaxation whose
   optimum is feasible), and a point that does not is solved by the epsilon method.

A point is proven when every part's front is; its bound is F plus the parts' largest
slacks, or, when a part's front is not finished, the same MILP over the parts' upper
bounds (``PartFront.raised``) plus the fixed parts' bounds.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from symbiosis import measures
from symbiosis.analysis import baselines
from symbiosis.analysis.coupled import carries
from symbiosis.candidates import Candidates, Part, build_candidates, split_components, whole
from symbiosis.results import Result, assign, build_result
from symbiosis.schema import Scenario, SolverSettings
from symbiosis.solver import solve_in_turn, solve_parallel
from symbiosis.solver.cluster import dask_client, usable_cores
from symbiosis.solver.combine import Allocation, Line, best_choice
from symbiosis.solver.fronts import PartFront, part_front
from symbiosis.solver.schedule import part_workers, trim
from symbiosis.types import Objective, Solution, Status, Termination

MONEY = "savings_eur"
ABS_TOL = 1e-5  # a point's bound within this of its value (y's units) is proven whatever the gap tolerance


@dataclass(frozen=True)
class PointOut:
    """One point of the front: its floor on x (goodness), its network and how sure it is."""

    epsilon: float
    result: Result
    mip_gap: float | None


@dataclass
class PartwiseFront:
    """What ``pareto`` needs from the part-wise method: the points, the work done, and how many pairs are shown whole."""

    points: list[PointOut]
    solves: int
    verified: int
    unverified: int
    part_seconds: list[float] = field(default_factory=list)
    fallback: list[float] = field(default_factory=list)  # floors solved by the epsilon method (y is not money)
    complete: bool = True  # every part's front was finished within the time limit


@dataclass
class _Parts:
    """The candidates, the parts held fixed with their solutions, and the parts that trade with their best y."""

    candidates: Candidates
    fixed: list[tuple[Part, Solution]]
    trading: list[Part]
    fixed_y: float  # the fixed parts' y (goodness)
    fixed_bound: float | None
    fixed_scale: float  # sum of the fixed parts' |y|
    best: list[Solution] = field(default_factory=list)  # each trading part's most y (its bound caps its front)


def _split(sc: Scenario, pool_of: Objective, x: str, y: str, deadline: float, workers: int) -> _Parts:
    """Every part solved for its most y (on the workers when there are several): the parts that carry no x are
    held there, and the others' bounds set the floors of their fronts."""
    c = build_candidates(sc, objective=pool_of)
    parts = split_components(c) if sc.settings.solver.decompose else [whole(c)]
    ahead = time.monotonic() + 0.25 * max(deadline - time.monotonic(), 0.0)
    if workers > 1 and len(parts) > 1:
        solved = solve_parallel(parts, sc.with_settings(processes=workers), ahead, baselines.greedy, Objective(y))
    else:
        solved = solve_in_turn(parts, sc.settings, ahead, baselines.greedy, objective=Objective(y))
    fixed: list[tuple[Part, Solution]] = []
    trading: list[Part] = []
    best: list[Solution] = []
    value, bound, scale = 0.0, 0.0, 0.0
    known = True
    for p, out in zip(parts, solved, strict=True):
        sol = out.solution
        if carries(p.candidates, (x,)):
            trading.append(p)
            best.append(sol)
            continue
        fixed.append((p, sol))
        value += sol.objective or 0.0
        scale += abs(sol.objective or 0.0)
        known = known and sol.best_bound is not None
        bound += sol.best_bound or 0.0
    return _Parts(c, fixed, trading, value, bound if known else None, scale, best)


def workers_for(sc: Scenario, parts: Sequence[Part]) -> int:
    """Worker processes for the parts' fronts: ``solver.processes`` (``auto``: the rule of ``solve``,
    ``schedule.part_workers``), at most the cores and the parts."""
    return max(min(part_workers(list(parts), sc.settings.solver.processes), len(parts), usable_cores()), 1)


def _size(p: Part) -> int:
    return len(p.candidates.arcs) + len(p.candidates.memberships) + 1


def park_parts(sc: Scenario, pool_of: Objective, x: str, y: str, workers: int | None = None) -> tuple[_Parts, list[PartFront]]:
    """The parts held fixed (solved once) and every trading part's own front, within the time limit (sc at carbon
    price 0), on ``workers`` processes (default ``workers_for``; the fronts do not depend on it)."""
    limit = sc.settings.solver.time_limit_s
    deadline = time.monotonic() + limit
    c = build_candidates(sc, objective=pool_of)
    n = workers if workers is not None else workers_for(sc, split_components(c) if sc.settings.solver.decompose else [whole(c)])
    split = _split(sc, pool_of, x, y, deadline, n)
    bounds = [s.best_bound if s.best_bound is not None else np.inf for s in split.best]
    tolerances = shares(sc.settings.solver.mip_rel_gap, sum(abs(s.objective or 0.0) for s in split.best) + split.fixed_scale, [_size(p) for p in split.trading])
    if y == MONEY:  # below minus what all other parts can at most make, no point of the park keeps savings >= 0
        others = sum(bounds) + (split.fixed_bound if split.fixed_bound is not None else np.inf)
        floors = [-(others - b) for b in bounds]
    else:
        floors = [-np.inf] * len(bounds)
    return split, _fronts(sc, split.trading, x, y, floors, tolerances, deadline, n)


def shares(rel: float, scale: float, sizes: list[int]) -> list[float]:
    """How far above its front a point of each trading part may lie: half the gap tolerance of the park's scale
    (the other half is for the parts held fixed), shared by the parts in proportion to their size, so that a large,
    hard part is not held to a small part's share (the slacks a point adds up never exceed the half)."""
    total = max(sum(sizes), 1)
    return [max(rel * scale / 2 * s / total, 1e-7 * max(scale, 1.0), 1e-6) for s in sizes]


def _fronts(sc: Scenario, parts: list[Part], x: str, y: str, floors: list[float], tol: list[float], deadline: float, workers: int) -> list[PartFront]:
    """The parts' fronts: in turn, smallest first, each with the larger of its share by size and an equal share of
    the time left (a part that finishes early leaves its time to those after it, the largest last), or on Dask
    workers."""
    sizes = [_size(p) for p in parts]
    if not parts:
        return []
    left = max(deadline - time.monotonic(), 0.0)
    wall = time.time() + left
    if workers > 1 and len(parts) > 1:
        order = sorted(range(len(parts)), key=lambda i: (-sizes[i], i))
        with dask_client(workers) as client:
            futures = {
                i: client.submit(
                    part_front, trim(parts[i].candidates), sc.settings, x, y, floors[i], tol[i],
                    min(left, left * workers * sizes[i] / sum(sizes)), wall,
                    key=f"symbiosis-front-{i}-{time.time_ns()}", pure=False, priority=len(order) - rank,
                )
                for rank, i in enumerate(order)
            }
            return [futures[i].result() for i in range(len(parts))]
    out: list[PartFront | None] = [None] * len(parts)
    todo = sum(sizes)
    for k, i in enumerate(sorted(range(len(parts)), key=lambda i: (sizes[i], i))):
        share = max(deadline - time.monotonic(), 0.0) * max(sizes[i] / max(todo, 1), 1 / (len(parts) - k))
        todo -= sizes[i]
        out[i] = part_front(parts[i].candidates, sc.settings, x, y, floors[i], tol[i], share, wall)
    return [f for f in out if f is not None]


def park_value(split: _Parts, fronts: list[PartFront], options: SolverSettings, eps: float, y_floor: float | None = None) -> float | None:
    """F(eps): the park's most y with x >= eps, from the parts' fronts (``combine.best_choice``); None: no network reaches eps."""
    got = best_choice([[(p.a, p.b, p.alpha, p.beta) for p in f.pieces] for f in fronts], options, e_low=eps - 0.0, y_floor=y_floor)
    return None if got is None else got.value + split.fixed_y


def partwise(
    scenario: Scenario,
    pool_of: Objective,
    x: str,
    y: str,
    points: int,
    extra: int,
    fallback: Callable[[float | None], tuple[Result, float | None] | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PartwiseFront:
    """The front of y against x by the part-wise method (module docstring). ``fallback(floor)`` solves one point by
    the epsilon method (for a point whose network loses money where y is not money)."""
    sc = scenario.with_settings(carbon_price_eur_per_t=0)
    split, fronts = park_parts(sc, pool_of, x, y)
    solves = len(split.fixed) + sum(f.solves for f in fronts)

    lines: list[list[Line]] = [[(p.a, p.b, p.alpha, p.beta) for p in f.pieces] for f in fronts]
    if any(not ls for ls in lines):
        return PartwiseFront([], solves, 0, 0, [f.seconds for f in fronts], complete=False)
    if not lines:  # nothing carries x: the front is the one network with the best y
        return PartwiseFront([_point(sc, split, [], Allocation(0.0, (), ()), -np.inf, x, y)], solves, 0, 0)
    park = _Park(lines, sc.settings.solver, split.fixed_y)
    found = park.trace(points, extra, y == MONEY)
    solves += park.solves
    out: list[PointOut] = []
    fell_back: list[float] = []
    for eps, alloc in found.points:
        point = _point(sc, split, fronts, alloc, eps, x, y)
        if y != MONEY and x != MONEY and float((point.result.summary.measures or {}).get(MONEY) or 0.0) < -1e-6 and fallback is not None:
            solved = fallback(eps)
            fell_back.append(eps)
            if solved is None:
                continue
            point = PointOut(eps, solved[0], solved[1])
        out.append(point)
        if progress is not None:
            progress(len(out), len(found.points))
    return PartwiseFront(out, solves, found.verified, found.unverified, [f.seconds for f in fronts], fell_back, all(f.complete for f in fronts))


@dataclass
class _Traced:
    points: list[tuple[float, Allocation]]
    verified: int
    unverified: int


class _Park:
    """The park's front over the trading parts' pieces (``combine.best_choice``), point by point.

    A point at floor eps is lexicographic: F(eps) = the most y with sum e >= eps, then the
    most sum e at that y. Points are traced as the epsilon method does (the ends, evenly
    spaced floors, then each pair of neighbours refined by its middle floor and, where the
    front steps, the floor just past the left point), each a MILP of milliseconds.
    """

    def __init__(self, lines: list[list[Line]], options: SolverSettings, fixed_y: float) -> None:
        self.lines, self.options, self.fixed_y = lines, options, fixed_y
        self.solves = 0
        scale = max([1.0] + [abs(alpha + beta * a) for ls in lines for a, _, alpha, beta in ls])
        self.tol_y = 1e-9 * scale * len(lines) + 1e-9  # the combination is solved to 1e-9: its second stage gives up no more

    def best(self, wy: float, wx: float, e_low: float = -np.inf, y_floor: float | None = None) -> Allocation | None:
        self.solves += 1
        return best_choice(self.lines, self.options, wy, wx, e_low, y_floor=y_floor)

    def at(self, eps: float) -> tuple[float, float, Allocation] | None:
        """(x, y, allocation) of the lexicographic point at floor eps (x = sum e; y without the fixed parts)."""
        first = self.best(1.0, 0.0, eps)
        if first is None:
            return None
        second = self.best(0.0, 1.0, eps, first.value - self.tol_y) or first
        return sum(second.e), second.value, second

    def trace(self, points: int, extra: int, money: bool) -> _Traced:
        left = self.at(-np.inf)
        assert left is not None  # every part's front holds its left end
        found = [left]
        if money:  # the right end: the most x with net savings >= 0 (the fixed parts' savings count)
            far = self.best(0.0, 1.0, y_floor=-self.fixed_y)
        else:
            far = self.best(0.0, 1.0)
        right = self.at(sum(far.e)) if far is not None else None
        if right is not None and right[0] > left[0]:
            found.append(right)
        if len(found) < 2:
            return _Traced([(left[0], left[2])], 0, 0)
        span_x = right[0] - left[0] if right is not None else 1.0
        tol_x = max(1e-9 * span_x, 1e-9)
        last = left
        for k in range(1, points - 1):
            floor = left[0] + span_x * k / (points - 1)
            if last[0] >= floor:
                continue  # the point found at a lower floor meets this one: it is this floor's point
            p = self.at(floor)
            if p is not None:
                found.append(p)
                last = p
        delta = max(1e-6 * span_x, 10 * tol_x)

        def same(p: tuple[float, float, Allocation], q: tuple[float, float, Allocation]) -> bool:
            return abs(p[0] - q[0]) <= tol_x and abs(p[1] - q[1]) <= self.tol_y

        def front() -> list[tuple[float, float, Allocation]]:
            keep: list[tuple[float, float, Allocation]] = []
            for p in sorted(found, key=lambda p: (p[0], -p[1])):
                if any(q[0] >= p[0] - tol_x and q[1] >= p[1] - self.tol_y and not same(p, q) for q in found):
                    continue
                if not any(same(p, q) for q in keep):
                    keep.append(p)
            return keep

        verified: set[tuple[float, float]] = set()
        budget = extra
        while budget > 0:
            pairs = [(a, b) for a, b in itertools.pairwise(front()) if (a[0], b[0]) not in verified]
            if not pairs:
                break
            a, b = max(pairs, key=lambda ab: (ab[1][0] - ab[0][0], -ab[0][0]))
            key = (a[0], b[0])
            if b[0] - a[0] <= 2 * delta:
                verified.add(key)
                continue
            mid = self.at((a[0] + b[0]) / 2)
            budget -= 1
            if mid is None:
                verified.add(key)
                continue
            if same(mid, b):
                step = self.at(a[0] + delta)
                budget -= 1
                if step is None or same(step, b):
                    verified.add(key)  # the front steps from a straight to b
                    continue
                found.append(step)
                # The front leaves a along step's pieces and is at b's level by mid: just before those pieces
                # end (the most x they reach together) is its corner, from where it steps on (without it, each
                # round would only move delta further along them).
                corner = sum(self.lines[p][i][1] for p, i in enumerate(step[2].pieces)) - delta
                if budget > 0 and step[0] + delta < corner < b[0] - delta:
                    c = self.at(corner)
                    budget -= 1
                    if c is not None:
                        found.append(c)
                continue
            chord = a[1] + (b[1] - a[1]) * (mid[0] - a[0]) / (b[0] - a[0])
            if abs(mid[1] - chord) <= self.tol_y:
                verified.update({key, (a[0], mid[0]), (mid[0], b[0])})  # a linear piece
            found.append(mid)
        shown = front()
        keys = [(a[0], b[0]) for a, b in itertools.pairwise(shown)]
        n_ok = sum(1 for k in keys if k in verified)
        return _Traced([(p[0], p[2]) for p in shown], n_ok, len(keys) - n_ok)


def _point(sc: Scenario, split: _Parts, fronts: list[PartFront], alloc: Allocation, eps: float, x: str, y: str) -> PointOut:
    """The park's network at floor eps: each part at its piece's owner configuration and e, settled; with its bound."""
    t0 = time.perf_counter()
    solved = list(split.fixed)
    for part, front, piece, e in zip(split.trading, fronts, alloc.pieces, alloc.e, strict=True):
        owner = front.pieces[piece].owner
        solved.append((part, front.solution(e, owner, Termination.optimal, 0.0)))
    decisions, outcome = assign(split.candidates, solved)
    outcome = replace(outcome, status=Status.optimal)
    my = measures.MEASURES[y]
    objective = _objective(y, (x, eps)) if np.isfinite(eps) else Objective(y)
    top = best_choice([f.raised for f in fronts], sc.settings.solver, e_low=eps) if fronts else Allocation(0.0, (), ())
    bound = None if top is None or split.fixed_bound is None else max(top.value + split.fixed_bound, alloc.value + split.fixed_y)
    result = build_result(sc, split.candidates, decisions, outcome, 0.0, objective=objective)
    got = my.sign * float((result.summary.measures or {}).get(y) or 0.0)
    # The gap of a point: its bound less its value over the larger of |value| and the parts' own |y| at the
    # point (what solving each part within the gap tolerance of its own value would leave).
    scale = max(abs(got), split.fixed_scale + sum(abs(f.pieces[i].at(e)) for f, i, e in zip(fronts, alloc.pieces, alloc.e, strict=True)), 1.0)
    gap = None if bound is None else max(bound - got, 0.0) / scale
    proven = bound is not None and bound - got <= sc.settings.solver.mip_rel_gap * scale + ABS_TOL
    summary = result.summary.model_copy(update={
        "best_bound": None if bound is None else my.sign * bound, "mip_gap": gap, "status": Status.optimal if proven else Status.time_limit,
        "solve_seconds": time.perf_counter() - t0,
    })
    return PointOut(eps, replace(result, summary=summary), gap)


def _objective(y: str, *bounds: tuple[str, float]) -> Objective:
    """Make y as good as it can be, keeping each (measure, good) at least that good (a floor, or a ceiling for "less")."""
    floors: list[tuple[str, float]] = []
    ceilings: list[tuple[str, float]] = []
    for name, good in bounds:
        if measures.MEASURES[name].sign > 0:
            floors.append((name, good))
        else:
            ceilings.append((name, -good))
    return Objective(y, floors=tuple(floors), ceilings=tuple(ceilings))

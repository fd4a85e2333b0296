"""Fronts between two measures by epsilon constraints (contract sections 4b and 4d): by default
net savings (y) against CO2 avoided (x), and any two measures of the registry alike.

Method (exact, documented in docs/model.md). Each measure is made "as good as it can
be" (larger, or smaller for a "less" measure such as truck_km); below, "best", "floor"
and "more" are in that sense (a floor on a "less" measure is a ceiling):

1. The carbon price is set to 0: a point makes y best alone, and each step's implicit
   price is the y given up per unit of x gained from the point before,
   (y_i - y_{i+1}) / (x_{i+1} - x_i) (EUR/t for the default front).
2. Candidates are those that add to y *or* x (money-losing arcs that save CO2 are in).
   Parts that carry no x at all (nor money, where net savings >= 0 is a floor, below)
   are solved once for the best y and held fixed; the others are merged into one model
   under the floors (``analysis.coupled``): exact.
3. A point for a floor eps on x is lexicographic: y* = best y s.t. x >= eps, then best x
   s.t. y no worse than y* less 1e-9 |y*| + 1e-6 (the same network, or one with more x for
   the same y; warm started from the first, within a quarter of the time limit). Its
   gap is that of the first stage (the y problem). Every solve is warm started from the
   best network found so far that meets its floor (always feasible).
4. Ends: the left end has no floor on x (the best-y network, its x the lowest eps); the
   right end is the best x among networks that do not lose money (net savings >= 0),
   then the best y at that x. Where y is not net savings, net savings >= 0 is a floor of
   every point, so that no point of the front loses money.
5. Between the ends, N - 2 floors evenly spaced; then, while the budget lasts, each pair
   of neighbours (a, b) is refined: a point at the middle floor; if it lies on the chord
   of a and b the piece is taken as linear; if it is b itself, a point at x_a + delta
   (delta = 1e-4 of the x range) tells whether anything lies between: if that is b
   again, the front steps from a straight to b (no point between is non-dominated),
   otherwise the new point is added and both halves are refined. Every pair checked
   so is ``verified``; a pair left when the budget ran out is counted in ``unverified``.
6. Only non-dominated points are kept, sorted by x.

Time-limited points (turn 3) are never shown as facts. A point whose y problem the time
limit stopped carries its status, gap and bound (of the y problem at its floor: the best
y any network with x no worse than its floor could have, fixed parts included). It
stands for the front at its floor, so it sits at x = its floor with the interval
[its y, its bound]; its network's own x may be better. It stays on the front unless a
proven point that meets its floor already reaches its bound, and a neighbour pair it
belongs to is not taken as verified (no step or linear piece is inferred from it). The
implicit price of a step next to such a point is a range, from the two points' values
and bounds (``price_range``).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from symbiosis import measures
from symbiosis.analysis.check import CheckReport, check_result
from symbiosis.analysis.coupled import Coupled, Run
from symbiosis.analysis.limits import front_solves
from symbiosis.analysis.optimise import second_stage_limit
from symbiosis.analysis.partwise import partwise
from symbiosis.candidates import Decisions
from symbiosis.errors import SettingsError
from symbiosis.io.write.tradeoffs import write_folder
from symbiosis.results import Result
from symbiosis.schema import Scenario
from symbiosis.types import Objective, Status

X, Y = "co2_t", "savings_eur"  # the default front: net savings against CO2 avoided
PARETO_COLUMNS = [
    "point",
    "epsilon_co2_t",
    "net_savings_eur_per_year",
    "co2_avoided_t_per_year",
    "status",
    "mip_gap",
    "n_exchanges",
    "n_pools",
    "implicit_carbon_price_eur_per_t",
    "best_bound",
    "implicit_carbon_price_low_eur_per_t",
    "implicit_carbon_price_high_eur_per_t",
    *(m.summary_key for m in measures.others()),
]


def front_columns(x: str = X, y: str = Y) -> dict[str, str]:
    """A front's own column names by their default-front name: ``epsilon_<x>`` for the floor, and for the
    step price (the y given up per unit of x gained) ``implicit_price[_low|_high]_<y>_per_<x>``, the
    default front keeping its ``implicit_carbon_price[_low|_high]_eur_per_t``."""
    if (x, y) == (X, Y):
        return {}
    return {
        "epsilon_co2_t": f"epsilon_{x}",
        "implicit_carbon_price_eur_per_t": f"implicit_price_{y}_per_{x}",
        "implicit_carbon_price_low_eur_per_t": f"implicit_price_low_{y}_per_{x}",
        "implicit_carbon_price_high_eur_per_t": f"implicit_price_high_{y}_per_{x}",
    }


@dataclass(frozen=True)
class FrontPoint:
    """One point of the front: its floor on x, its result (a full network) and its gap."""

    epsilon: float | None  # the floor on x, in x's units; None for the left end (no floor)
    result: Result
    mip_gap: float | None  # of the y problem at this floor
    x_name: str = X
    y_name: str = Y

    def value(self, name: str) -> float:
        """The point's total of a measure."""
        return float((self.result.summary.measures or {}).get(name) or 0.0)

    @property
    def epsilon_co2_t(self) -> float | None:
        return self.epsilon

    @property
    def net_savings(self) -> float:
        return float(self.result.summary.net_savings_eur_per_year or 0.0)

    @property
    def co2(self) -> float:
        return float(self.result.summary.co2_avoided_t_per_year or 0.0)

    @property
    def gx(self) -> float:
        """x made "more is better" (sign x value)."""
        return measures.MEASURES[self.x_name].sign * self.value(self.x_name)

    @property
    def gy(self) -> float:
        """y made "more is better"."""
        return measures.MEASURES[self.y_name].sign * self.value(self.y_name)

    @property
    def status(self) -> Status:
        return self.result.summary.status

    @property
    def proven(self) -> bool:
        return self.status is Status.optimal

    @property
    def best_bound(self) -> float | None:
        """The bound of the y problem at this floor (y's units): no network with x no worse than the floor does better."""
        return self.result.summary.best_bound

    @property
    def upside(self) -> float | None:
        """At most this much better y could be had at this floor (0 when proven; None when the bound is unknown)."""
        if self.proven:
            return 0.0
        if self.best_bound is None:
            return None
        return max(0.0, measures.MEASURES[self.y_name].sign * self.best_bound - self.gy)

    @property
    def gpos(self) -> float:
        """Where the point stands (x made "more is better"): its x, or for a point not proven its floor."""
        if self.proven or self.epsilon is None:
            return self.gx
        return measures.MEASURES[self.x_name].sign * float(self.epsilon)

    @property
    def ghigh(self) -> float:
        """Its y made "more is better", or for a point not proven its bound so (its y when the bound is unknown)."""
        return self.gy + (self.upside or 0.0)

    @property
    def x(self) -> float:
        """Where the point stands on the front, in x's units: its x, or for a point not proven its floor."""
        return measures.MEASURES[self.x_name].sign * self.gpos

    @property
    def high(self) -> float:
        """Its y, or for a point not proven its bound (its y when the bound is unknown), in y's units."""
        return measures.MEASURES[self.y_name].sign * self.ghigh


def price_range(a: FrontPoint, b: FrontPoint) -> tuple[float | None, float | None, float | None]:
    """The implicit price of the step from a to b (y given up per unit of x gained): as found, lowest and highest
    that the bounds allow (EUR/t on the default front).

    As found: (y_a - y_b) / (x_b - x_a). The true y lies in [y, bound] at each point, so the
    price lies in [(y_a - B_b), (B_a - y_b)] / (x_b - x_a), and not below 0 (the best y at a
    floor never improves as the floor rises); equal to it when both are proven. All in
    "more is better" terms.
    """
    d = b.gpos - a.gpos
    if d <= 0:
        return None, None, None
    price = (a.gy - b.gy) / d
    return price, min(price, max(0.0, (a.gy - b.ghigh) / d)), (a.ghigh - b.gy) / d


@dataclass(frozen=True)
class Front:
    """The points of the front, left (best y) to right (best x), and how it was found."""

    scenario: Scenario
    points: tuple[FrontPoint, ...]
    solves: int
    seconds: float
    verified: int  # neighbour pairs proven to hold no hidden step (or a linear piece)
    unverified: int  # pairs left unchecked when the budget ran out
    x_name: str = X
    y_name: str = Y
    method: str = "epsilon"  # how it was found: "parts" (exact, part by part) or "epsilon"

    def table(self) -> pd.DataFrame:
        """``pareto.csv``: one row per point, with the implicit price of the step from the point before, and every measure."""
        rename = front_columns(self.x_name, self.y_name)
        rows = []
        for i, p in enumerate(self.points):
            price, low, high = price_range(self.points[i - 1], p) if i > 0 else (None, None, None)
            rows.append(
                {
                    "point": i + 1,
                    "epsilon_co2_t": p.epsilon,
                    "net_savings_eur_per_year": p.net_savings,
                    "co2_avoided_t_per_year": p.co2,
                    "status": p.status.value,
                    "mip_gap": p.mip_gap,
                    "best_bound": p.best_bound,
                    "n_exchanges": p.result.summary.n_exchanges,
                    "n_pools": p.result.summary.n_pools,
                    "implicit_carbon_price_eur_per_t": price,
                    "implicit_carbon_price_low_eur_per_t": low,
                    "implicit_carbon_price_high_eur_per_t": high,
                    **{m.summary_key: p.value(m.name) for m in measures.others()},
                }
            )
        return pd.DataFrame(rows, columns=PARETO_COLUMNS).rename(columns=rename)

    @property
    def not_proven(self) -> list[FrontPoint]:
        """The points the time limit stopped (their y is not proven the best at their floor)."""
        return [p for p in self.points if not p.proven]

    @property
    def most_to_gain(self) -> float | None:
        """The most any point could still gain (its bound less its y, in y's units); None when a bound is unknown."""
        ups = [p.upside for p in self.not_proven]
        return None if any(u is None for u in ups) else max((u for u in ups if u is not None), default=0.0)

    def folders(self) -> list[str]:
        """The result folder of each point: ``point_01``, ``point_02``, ..."""
        return [f"point_{i + 1:02d}" for i in range(len(self.points))]

    def write(self, out_dir: str | Path) -> Path:
        """Write ``pareto.csv``, the picture, ``report.html`` and one result folder per point, whole or not at all."""
        networks = [(name, p.result.output()) for name, p in zip(self.folders(), self.points)]
        return write_folder(Path(out_dir), "pareto", {"pareto": self.table()}, networks, self.scenario.input_files)

    def check(self, out_dir: str | Path) -> dict[str, CheckReport]:
        """``check_result`` of every point's folder (recomputed from the files alone)."""
        return {name: check_result(self.scenario, Path(out_dir) / name) for name in self.folders()}


def _status(*runs: Run) -> Status:
    statuses = [r.result.summary.status for r in runs]
    for s in (Status.infeasible, Status.error, Status.no_solution, Status.time_limit):
        if s in statuses:
            return s
    return Status.optimal


def non_dominated(points: list[FrontPoint], tol_y: float, tol_x: float) -> list[FrontPoint]:
    """The points that no other point dominates (at least as good in both, better in one), one per place, by x.

    A point not proven stands for the front at its floor with [y, bound]: it is
    dominated only when a proven point that meets its floor already reaches its bound.
    Between proven points, x is known to ``tol_x`` (the solver holds a floor on x to
    its feasibility tolerance, relative to x) and y to the solver's noise: a point with
    more x for less y is dominated only when its x is within ``tol_x``. A looser
    ``tol_y`` here let neighbours a little right and a little lower drop the best-y end
    one after the other; ``tol_y`` only merges two points found at one place.
    """
    keep: list[FrontPoint] = []
    for p in sorted(points, key=lambda p: (p.gpos, -p.gy)):
        if p.proven:
            ny = measures.hold_tolerance(p.gy)
            dominated = any(
                q is not p
                and q.gx >= p.gx - tol_x and q.gy >= p.gy - ny
                and (q.gx > p.gx + tol_x or q.gy > p.gy + ny)
                for q in points
            )
        else:
            dominated = any(q.proven and q.gx >= p.gpos - tol_x and q.gy >= p.ghigh - tol_y for q in points)
        if not dominated and not any(abs(k.gpos - p.gpos) <= tol_x and abs(k.gy - p.gy) <= tol_y and k.proven == p.proven for k in keep):
            keep.append(p)
    return keep


def _no_worse(name: str, good: float) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]:
    """(floors, ceilings) that keep a measure at least as good as ``good`` (sign x value): a floor, or a ceiling for "less"."""
    sign = measures.MEASURES[name].sign
    return (((name, good),), ()) if sign > 0 else ((), ((name, -good),))


def _objective(best: str, *bounds: tuple[str, float]) -> Objective:
    """Make ``best`` as good as it can be, keeping each (measure, good) of ``bounds`` at least that good."""
    floors: list[tuple[str, float]] = []
    ceilings: list[tuple[str, float]] = []
    for name, good in bounds:
        f, c = _no_worse(name, good)
        floors += f
        ceilings += c
    return Objective(best, floors=tuple(floors), ceilings=tuple(ceilings))


def _held(bounds: tuple[tuple[str, float], ...]) -> tuple[dict[str, float], dict[str, float] | None]:
    """The bounds a point holds, for its summary: floors and ceilings by summary key."""
    floors: dict[str, float] = {}
    ceilings: dict[str, float] = {}
    for name, good in bounds:
        m = measures.MEASURES[name]
        key = m.summary_key
        if m.sign > 0:
            floors[key] = max(floors.get(key, good), good)
        else:
            ceilings[key] = min(ceilings.get(key, -good), -good)
    return floors, ceilings or None


METHODS = ("auto", "parts", "epsilon")


def pareto(
    scenario: Scenario,
    points: int = 10,
    extra: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_solves: int | None = None,
    x: str = X,
    y: str = Y,
    method: str = "epsilon",
) -> Front:
    """The front of ``y`` against ``x`` (default net savings against CO2 avoided).

    ``method="parts"`` (``analysis.partwise``) finds the front exactly part by part:
    each part's own front, proven piece by piece, then their exact combination; the
    points shown are the ends, ``points`` evenly spaced floors and up to ``extra``
    refinements, each read off the combination (no solve of the park's model).
    ``"epsilon"`` is the method before it (this module's docstring): ``points`` evenly
    spaced floors and up to ``extra`` refinements (default ``points``), each a solve of
    the coupled model (the default). ``"auto"`` is "parts" when every part's front is
    finished within the time limit, else "epsilon" (which keeps a bound point by point);
    ``Front.method`` says which one ran.

    A front of more solves than ``max_solves`` (default ``limits.MAX_SOLVES``), or of
    more points than it can tell apart, is refused before anything is solved.
    """
    if points < 2:
        raise ValueError("points must be at least 2")
    if method not in METHODS:
        raise SettingsError(f"--method '{method}': expected {' or '.join(METHODS)}")
    front_solves(points, points if extra is None else extra, max_solves)
    measures.measure(x, "--x")
    measures.measure(y, "--y")
    if x == y:
        raise SettingsError(f"--x and --y are both {x}: a front trades two different measures")
    if method == "epsilon":
        return _epsilon_front(scenario, points, extra, progress, x, y)
    t0 = time.perf_counter()
    front = _parts_front(scenario, points, points if extra is None else extra, progress, x, y, method == "auto")
    if front is None:  # "auto": a part's front was not finished in time; the epsilon method, which keeps bounds point by point
        later = _epsilon_front(scenario, points, extra, progress, x, y)
        return replace(later, seconds=time.perf_counter() - t0)
    return front


def _setup(scenario: Scenario, x: str, y: str) -> tuple[Scenario, tuple[tuple[str, float], ...], tuple[str, ...], Objective]:
    """The scenario at carbon price 0, the floors every point holds, the measures that couple the parts, and the candidates' objective."""
    sc = scenario.with_settings(carbon_price_eur_per_t=0)
    money = "savings_eur"
    # Where y is not money, net savings >= 0 holds at every point and couples the parts too.
    base: tuple[tuple[str, float], ...] = () if y == money else ((money, 0.0),)
    couple = (x,) if y == money else tuple(dict.fromkeys((x, money)))
    # Candidates: those that add to y or to a coupling measure (each in its own sense).
    return sc, base, couple, _objective(y, *((m, 0.0) for m in couple))


def _parts_front(scenario: Scenario, points: int, extra: int, progress: Callable[[int, int], None] | None, x: str, y: str, strict: bool = False) -> Front | None:
    """The part-wise front as a ``Front``; a point where y is not money and the network loses money comes from the epsilon method."""
    t0 = time.perf_counter()
    sc, base, couple, pool_of = _setup(scenario, x, y)
    engine: list[_Lexicographic] = []

    def fallback(floor: float | None) -> tuple[Result, float | None] | None:
        if not engine:
            engine.append(_Lexicographic(Coupled(sc, couple=couple, pool_of=pool_of, best=y), sc, x, y, base))
        point = engine[0](floor)
        return None if point is None else (point.result, point.mip_gap)

    found = partwise(scenario, pool_of, x, y, points, extra, fallback, progress)
    if strict and not found.complete:
        return None
    sx = measures.MEASURES[x].sign
    pts = [FrontPoint(sx * p.epsilon, p.result, p.mip_gap, x, y) for p in found.points]
    solves = found.solves + (engine[0].solves if engine else 0)
    if not pts:
        raise RuntimeError(f"the network with the best {y} could not be found")
    rel = max(sc.settings.solver.mip_rel_gap, 1e-6)
    span_x = max(abs(pts[-1].gx - pts[0].gx), 1.0)
    tol_y = max(rel * max(abs(pts[0].gy), 1.0), 0.01)
    front = non_dominated(pts, tol_y, 1e-6 * span_x)
    unverified = found.unverified + (len(pts) - len(front))
    return Front(scenario, tuple(front), solves, time.perf_counter() - t0, len(front) - 1 - min(unverified, len(front) - 1), unverified, x, y, "parts")


class _Lexicographic:
    """The epsilon method's point at a floor: the best y s.t. x no worse than the floor, then the best x at that y."""

    def __init__(self, engine: Coupled, sc: Scenario, x: str, y: str, base: tuple[tuple[str, float], ...]) -> None:
        self.engine, self.sc, self.x, self.y, self.base = engine, sc, x, y, base
        self.solves = 0
        self.starts: list[tuple[float, float, Decisions]] = []  # (gx, gy, decisions) of every network found

    def good(self, result: Result, name: str) -> float:
        return measures.MEASURES[name].sign * float((result.summary.measures or {}).get(name) or 0.0)

    def start_for(self, floor: float | None) -> Decisions | None:
        """The best network found so far that meets the floor (on x made "more is better"): a feasible warm start."""
        ok = [(gy, -gx, d) for gx, gy, d in self.starts if floor is None or gx >= floor]
        return max(ok, key=lambda t: (t[0], t[1]))[2] if ok else None

    def __call__(self, floor: float | None) -> FrontPoint | None:
        engine, sc, x, y, base = self.engine, self.sc, self.x, self.y, self.base
        start_for, good = self.start_for, self.good
        starts = self.starts
        sx = measures.MEASURES[x].sign
        on_x = () if floor is None else ((x, floor),)
        stage1 = engine.run(_objective(y, *on_x, *base), start=start_for(floor))
        self.solves += 1
        sol1 = stage1.solution
        if not stage1.result.ok or sol1.objective is None:
            return None
        y_star = sol1.objective  # y made "more is better", over the merged model
        # The floor on y gives up no more than the solver's own feasibility tolerance.
        y_floor = measures.held(y_star)
        # Stage 2 starts from stage 1's network and can only add x at (almost) equal y,
        # so a quarter of the limit is enough: it never changes the y gap of the point.
        limit2 = second_stage_limit(sc.settings)
        stage2 = engine.run(_objective(x, (y, y_floor), *on_x, *base), start=engine.start_of(stage1), time_limit_s=limit2)
        self.solves += 1
        best = stage2 if stage2.result.ok else stage1
        for run in (stage1, stage2):
            if run.result.ok and run.solution.has_solution:
                starts.append((good(run.result, x), good(run.result, y), engine.start_of(run)))
        # The point's status and gap are those of the y problem (stage 1): stage 2
        # starts from stage 1's network and cannot lower its y beyond the tolerance.
        status = _status(stage1)
        # Both stages hold floors (stage 2 its floor on y), so a participant may end below zero.
        floors, ceilings = _held(((y, y_floor + measures.MEASURES[y].sign * engine.fixed_total(y)), *on_x, *base))
        result, gap = engine.with_bound(best.result, sol1.best_bound, status, floors, ceilings)
        return FrontPoint(None if floor is None else sx * floor, result, gap, x, y)


def _epsilon_front(scenario: Scenario, points: int, extra: int | None, progress: Callable[[int, int], None] | None, x: str, y: str) -> Front:
    """The epsilon method (this module's docstring)."""
    t0 = time.perf_counter()
    sc, base, couple, pool_of = _setup(scenario, x, y)
    money = "savings_eur"
    engine = Coupled(sc, couple=couple, pool_of=pool_of, best=y)
    rel = max(sc.settings.solver.mip_rel_gap, 1e-6)
    lex = _Lexicographic(engine, sc, x, y, base)
    starts, start_for, good = lex.starts, lex.start_for, lex.good
    solves = 0

    def lexicographic(floor: float | None) -> FrontPoint | None:
        nonlocal solves
        before = lex.solves
        point = lex(floor)
        solves += lex.solves - before
        if progress is not None:
            progress(solves, 0)
        return point

    left = lexicographic(None)
    if left is None:
        raise RuntimeError(f"the network with the best {y} could not be found")
    found = [left]
    if engine.empty:
        return Front(scenario, (left,), solves, time.perf_counter() - t0, 0, 0, x, y)
    # Right end: the best x among networks that do not lose money (the fixed parts' savings count).
    far = engine.run(_objective(x, (money, -engine.fixed_total(money)), *base), start=start_for(None))
    solves += 1
    right = None
    if far.result.ok and far.solution.objective is not None:
        starts.append((good(far.result, x), good(far.result, y), engine.start_of(far)))
        g_max = good(far.result, x)
        right = lexicographic(g_max - max(1e-6 * abs(g_max), 1e-6))
    if right is None or right.gx <= left.gx:
        return Front(scenario, (left,), solves, time.perf_counter() - t0, 0, 0, x, y)
    found.append(right)
    span_x = right.gx - left.gx
    span_y = max(abs(left.gy - right.gy), 1.0)
    tol_x = max(1e-6 * span_x, 1e-6 * max(abs(left.gx), abs(right.gx)), 1e-6)  # x's noise: relative to x, not only to the span
    tol_y = max(rel * max(abs(left.gy), 1.0), 1e-6 * span_y, 0.01)
    last = left  # the point found at the highest floor so far
    for i in range(1, points - 1):
        floor = left.gx + span_x * i / (points - 1)
        if last.status is Status.optimal and last.gx >= floor:
            continue  # that point has the best y with x >= a lower floor, and meets this one: the same point
        p = lexicographic(floor)
        if p is not None:
            found.append(p)
            last = p
    budget = points if extra is None else extra
    delta = max(1e-4 * span_x, 10 * tol_x)

    def same(p: FrontPoint, q: FrontPoint) -> bool:
        return abs(p.gx - q.gx) <= tol_x and abs(p.gy - q.gy) <= tol_y

    verified: set[tuple[float, float]] = set()
    unproven: set[tuple[float, float]] = set()  # pairs refined with a point the time limit stopped: nothing inferred
    while True:
        front = non_dominated(found, tol_y, tol_x)
        pairs = [(a, b) for a, b in itertools.pairwise(front) if (a.gx, b.gx) not in verified | unproven]
        if not pairs or budget <= 0:
            break
        a, b = max(pairs, key=lambda ab: (ab[1].gx - ab[0].gx, -ab[0].gx))
        key = (a.gx, b.gx)
        if b.gx - a.gx <= 2 * delta:
            verified.add(key)
            continue
        if not (a.proven and b.proven):
            unproven.add(key)  # a pair with a point not proven: its floor's front is an interval already
            continue
        mid = lexicographic((a.gx + b.gx) / 2)
        budget -= 1
        if mid is None:
            verified.add(key)
            continue
        if not mid.proven:
            unproven.add(key)
            found.append(mid)
            continue
        if same(mid, b):
            step = lexicographic(a.gx + delta)
            budget -= 1
            if step is not None and not step.proven:
                unproven.add(key)
                found.append(step)
            elif step is None or same(step, b):
                verified.add(key)  # the front steps from a straight to b
            else:
                found.append(step)
            continue
        chord = a.gy + (b.gy - a.gy) * (mid.gx - a.gx) / (b.gx - a.gx)
        if abs(mid.gy - chord) <= tol_y:
            verified.update({key, (a.gx, mid.gx), (mid.gx, b.gx)})  # a linear piece
        found.append(mid)
    front = non_dominated(found, tol_y, tol_x)
    keys = [(a.gx, b.gx) for a, b in itertools.pairwise(front)]  # a pair with a point not proven counts as unverified
    n_ok = sum(1 for k in keys if k in verified)
    # The left end's floor is its own x, the lowest epsilon.
    front[0] = replace(front[0], epsilon=front[0].epsilon if front[0].epsilon is not None else front[0].value(x))
    return Front(scenario, tuple(front), solves, time.perf_counter() - t0, n_ok, len(keys) - n_ok, x, y)

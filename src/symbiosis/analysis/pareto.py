"""The EUR-CO2 front: net savings against CO2 avoided, by epsilon constraints (contract section 4b).

Method (exact, documented in docs/model.md):

1. The carbon price is set to 0: a point maximises net savings alone, and each step's
   implicit carbon price is the result, (S_i - S_{i+1}) / (C_{i+1} - C_i) EUR/t.
2. Candidates are those that add money *or* CO2 (money-losing arcs that save CO2 are in).
   Parts with no CO2 are solved once for the most savings and held fixed; the others
   are merged into one model under the CO2 floor (``analysis.coupled``): exact.
3. A point for a floor eps is lexicographic: S* = max savings s.t. CO2 >= eps, then
   max CO2 s.t. savings >= S* - 1e-9 |S*| - 1e-6 (the same network, or one with more CO2 for the
   same money; warm started from the first, within a quarter of the time limit). Its
   gap is that of the first stage (the savings problem). Every solve is warm started
   from the best network found so far that meets its floor (always feasible).
4. Ends: the left end has no floor (the max-savings network, its CO2 the lowest eps);
   the right end is max CO2 s.t. net savings >= 0, then the most savings at that CO2.
5. Between the ends, N - 2 floors evenly spaced; then, while the budget lasts, each pair
   of neighbours (a, b) is refined: a point at the middle floor; if it lies on the chord
   of a and b the piece is taken as linear; if it is b itself, a point at C_a + delta
   (delta = 1e-4 of the CO2 range) tells whether anything lies between: if that is b
   again, the front steps from a straight to b (no point between is non-dominated),
   otherwise the new point is added and both halves are refined. Every pair checked
   so is ``verified``; a pair left when the budget ran out is counted in ``unverified``.
6. Only non-dominated points are kept, sorted by CO2.

Time-limited points (turn 3) are never shown as facts. A point whose savings problem
the time limit stopped carries its status, gap and bound (of the savings problem at its
floor: the best any network with CO2 >= its floor could save, fixed parts included).
It stands for the front at its floor, so it sits at x = its floor with the interval
[its savings, its bound]; its network's own CO2 may be higher. It stays on the front
unless a proven point that meets its floor already saves its bound, and a neighbour pair
it belongs to is not taken as verified (no step or linear piece is inferred from it).
The implicit carbon price of a step next to such a point is a range, from the two
points' savings and bounds (``price_range``).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from symbiosis.analysis.check import CheckReport, check_result
from symbiosis.analysis.coupled import Coupled, Run
from symbiosis.analysis.limits import front_solves
from symbiosis.candidates import Decisions
from symbiosis.io.write.tradeoffs import write_folder
from symbiosis.results import Result
from symbiosis.schema import Scenario
from symbiosis.types import MeasureName, Objective, Status

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
]


@dataclass(frozen=True)
class FrontPoint:
    """One point of the front: its floor, its result (a full network) and its gap."""

    epsilon_co2_t: float | None  # None for the left end (no floor)
    result: Result
    mip_gap: float | None  # of the savings problem at this floor

    @property
    def net_savings(self) -> float:
        return float(self.result.summary.net_savings_eur_per_year or 0.0)

    @property
    def co2(self) -> float:
        return float(self.result.summary.co2_avoided_t_per_year or 0.0)

    @property
    def status(self) -> Status:
        return self.result.summary.status

    @property
    def proven(self) -> bool:
        return self.status is Status.optimal

    @property
    def best_bound(self) -> float | None:
        """The bound of the savings problem at this floor (EUR/yr): no network with CO2 >= the floor saves more."""
        return self.result.summary.best_bound

    @property
    def upside(self) -> float | None:
        """At most this much more could be saved at this floor (0 when proven; None when the bound is unknown)."""
        if self.proven:
            return 0.0
        return None if self.best_bound is None else max(0.0, self.best_bound - self.net_savings)

    @property
    def x(self) -> float:
        """Where the point stands on the front: its CO2, or for a point not proven its floor (it stands for the front there)."""
        if self.proven or self.epsilon_co2_t is None:
            return self.co2
        return float(self.epsilon_co2_t)

    @property
    def high(self) -> float:
        """Its savings, or for a point not proven its bound (its savings when the bound is unknown)."""
        up = self.upside
        return self.net_savings + (up or 0.0)


def price_range(a: FrontPoint, b: FrontPoint) -> tuple[float | None, float | None, float | None]:
    """The implicit carbon price of the step from a to b: as found, lowest and highest that the bounds allow (EUR/t).

    As found: (S_a - S_b) / (x_b - x_a). The true savings lie in [S, bound] at each point,
    so the price lies in [(S_a - B_b), (B_a - S_b)] / (x_b - x_a), and not below 0 (the
    most savings at a floor never rise with the floor); equal to it when both are proven.
    """
    d = b.x - a.x
    if d <= 0:
        return None, None, None
    price = (a.net_savings - b.net_savings) / d
    return price, min(price, max(0.0, (a.net_savings - b.high) / d)), (a.high - b.net_savings) / d


@dataclass(frozen=True)
class Front:
    """The points of the front, left (most savings) to right (most CO2), and how it was found."""

    scenario: Scenario
    points: tuple[FrontPoint, ...]
    solves: int
    seconds: float
    verified: int  # neighbour pairs proven to hold no hidden step (or a linear piece)
    unverified: int  # pairs left unchecked when the budget ran out

    def table(self) -> pd.DataFrame:
        """``pareto.csv``: one row per point, with the implicit carbon price of the step from the point before."""
        rows = []
        for i, p in enumerate(self.points):
            price, low, high = price_range(self.points[i - 1], p) if i > 0 else (None, None, None)
            rows.append(
                {
                    "point": i + 1,
                    "epsilon_co2_t": p.epsilon_co2_t,
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
                }
            )
        return pd.DataFrame(rows, columns=PARETO_COLUMNS)

    @property
    def not_proven(self) -> list[FrontPoint]:
        """The points the time limit stopped (their savings are not proven the most at their floor)."""
        return [p for p in self.points if not p.proven]

    @property
    def most_to_gain(self) -> float | None:
        """The most any point could still gain (its bound less its savings); None when a bound is unknown."""
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


def non_dominated(points: list[FrontPoint], tol_eur: float, tol_t: float) -> list[FrontPoint]:
    """The points that no other point dominates (at least as good in both, better in one), one per place, by CO2.

    A point not proven stands for the front at its floor with [savings, bound]: it is
    dominated only when a proven point that meets its floor already saves its bound.
    """
    keep: list[FrontPoint] = []
    for p in sorted(points, key=lambda p: (p.x, -p.net_savings)):
        if p.proven:
            dominated = any(
                q is not p
                and q.co2 >= p.co2 - tol_t and q.net_savings >= p.net_savings - tol_eur
                and (q.co2 > p.co2 + tol_t or q.net_savings > p.net_savings + tol_eur)
                for q in points
            )
        else:
            dominated = any(q.proven and q.co2 >= p.x - tol_t and q.net_savings >= p.high - tol_eur for q in points)
        if not dominated and not any(abs(k.x - p.x) <= tol_t and abs(k.net_savings - p.net_savings) <= tol_eur and k.proven == p.proven for k in keep):
            keep.append(p)
    return keep


def pareto(
    scenario: Scenario, points: int = 10, extra: int | None = None, progress: Callable[[int, int], None] | None = None, max_solves: int | None = None
) -> Front:
    """The EUR-CO2 front of a scenario with ``points`` evenly spaced floors and up to ``extra`` refinements (default ``points``).

    A front of more solves than ``max_solves`` (default ``limits.MAX_SOLVES``), or of
    more points than it can tell apart, is refused before anything is solved.
    """
    if points < 2:
        raise ValueError("points must be at least 2")
    front_solves(points, points if extra is None else extra, max_solves)
    t0 = time.perf_counter()
    sc = scenario.with_settings(carbon_price_eur_per_t=0)
    engine = Coupled(sc, co2_only=True)
    solves = 0
    rel = max(sc.settings.solver.mip_rel_gap, 1e-6)

    starts: list[tuple[float, float, Decisions]] = []  # (CO2, savings, decisions) of every network found

    def start_for(floor: float | None) -> Decisions | None:
        """The best network found so far that meets the floor: a feasible warm start."""
        ok = [(s, -c, d) for c, s, d in starts if floor is None or c >= floor]
        return max(ok, key=lambda t: (t[0], t[1]))[2] if ok else None

    def lexicographic(floor: float | None) -> FrontPoint | None:
        nonlocal solves
        floors: tuple[tuple[MeasureName, float], ...] = () if floor is None else (("co2", floor),)
        stage1 = engine.run(Objective("savings", floors=floors), start=start_for(floor))
        solves += 1
        sol1 = stage1.solution
        if not stage1.result.ok or sol1.objective is None:
            return None
        s_star = sol1.objective
        # The savings floor gives up no more than the solver's own feasibility tolerance.
        s_floor = s_star - (1e-9 * abs(s_star) + 1e-6)
        floors2: tuple[tuple[MeasureName, float], ...] = (("savings", s_floor),)
        if floor is not None:
            floors2 = (*floors2, ("co2", floor))
        # Stage 2 starts from stage 1's network and can only add CO2 at (almost) equal savings,
        # so a quarter of the limit is enough: it never changes the savings gap of the point.
        limit2 = max(1.0, sc.settings.solver.time_limit_s / 4)
        stage2 = engine.run(Objective("co2", floors=floors2), start=engine.start_of(stage1), time_limit_s=limit2)
        solves += 1
        best = stage2 if stage2.result.ok else stage1
        for run in (stage1, stage2):
            if run.result.ok and run.solution.has_solution:
                summ = run.result.summary
                starts.append((summ.co2_avoided_t_per_year or 0.0, summ.net_savings_eur_per_year or 0.0, engine.start_of(run)))
        # The point's status and gap are those of the savings problem (stage 1): stage 2
        # starts from stage 1's network and cannot lower its savings beyond the tolerance.
        status = _status(stage1)
        # Both stages hold floors (stage 2 its savings floor), so a participant may end below zero.
        held = {"net_savings_eur_per_year": s_floor + engine.fixed_savings}
        if floor is not None:
            held["co2_avoided_t_per_year"] = floor
        result, gap = engine.with_bound(best.result, sol1.best_bound, status, held)
        if progress is not None:
            progress(solves, 0)
        return FrontPoint(floor, result, gap)

    left = lexicographic(None)
    if left is None:
        raise RuntimeError("the max-savings network could not be found")
    found = [left]
    if engine.empty:
        return Front(scenario, (left,), solves, time.perf_counter() - t0, 0, 0)
    # Right end: the most CO2 with net savings >= 0 (the fixed parts' savings count).
    far = engine.run(Objective("co2", floors=(("savings", -engine.fixed_savings),)), start=start_for(None))
    solves += 1
    right = None
    if far.result.ok and far.solution.objective is not None:
        summ = far.result.summary
        starts.append((summ.co2_avoided_t_per_year or 0.0, summ.net_savings_eur_per_year or 0.0, engine.start_of(far)))
        c_max = far.result.summary.co2_avoided_t_per_year or 0.0
        right = lexicographic(c_max - max(1e-6 * abs(c_max), 1e-6))
    if right is None or right.co2 <= left.co2:
        return Front(scenario, (left,), solves, time.perf_counter() - t0, 0, 0)
    found.append(right)
    span_c = right.co2 - left.co2
    span_s = max(abs(left.net_savings - right.net_savings), 1.0)
    tol_t = max(1e-6 * span_c, 1e-6)
    tol_eur = max(rel * max(abs(left.net_savings), 1.0), 1e-6 * span_s, 0.01)
    last = left  # the point found at the highest floor so far
    for i in range(1, points - 1):
        floor = left.co2 + span_c * i / (points - 1)
        if last.status is Status.optimal and last.co2 >= floor:
            continue  # that point has the most savings with CO2 >= a lower floor, and meets this one: the same point
        p = lexicographic(floor)
        if p is not None:
            found.append(p)
            last = p
    budget = points if extra is None else extra
    delta = max(1e-4 * span_c, 10 * tol_t)

    def same(p: FrontPoint, q: FrontPoint) -> bool:
        return abs(p.co2 - q.co2) <= tol_t and abs(p.net_savings - q.net_savings) <= tol_eur

    verified: set[tuple[float, float]] = set()
    unproven: set[tuple[float, float]] = set()  # pairs refined with a point the time limit stopped: nothing inferred
    while True:
        front = non_dominated(found, tol_eur, tol_t)
        pairs = [(a, b) for a, b in itertools.pairwise(front) if (a.co2, b.co2) not in verified | unproven]
        if not pairs or budget <= 0:
            break
        a, b = max(pairs, key=lambda ab: (ab[1].co2 - ab[0].co2, -ab[0].co2))
        key = (a.co2, b.co2)
        if b.co2 - a.co2 <= 2 * delta:
            verified.add(key)
            continue
        if not (a.proven and b.proven):
            unproven.add(key)  # a pair with a point not proven: its floor's front is an interval already
            continue
        mid = lexicographic((a.co2 + b.co2) / 2)
        budget -= 1
        if mid is None:
            verified.add(key)
            continue
        if not mid.proven:
            unproven.add(key)
            found.append(mid)
            continue
        if same(mid, b):
            step = lexicographic(a.co2 + delta)
            budget -= 1
            if step is not None and not step.proven:
                unproven.add(key)
                found.append(step)
            elif step is None or same(step, b):
                verified.add(key)  # the front steps from a straight to b
            else:
                found.append(step)
            continue
        chord = a.net_savings + (b.net_savings - a.net_savings) * (mid.co2 - a.co2) / (b.co2 - a.co2)
        if abs(mid.net_savings - chord) <= tol_eur:
            verified.update({key, (a.co2, mid.co2), (mid.co2, b.co2)})  # a linear piece
        found.append(mid)
    front = non_dominated(found, tol_eur, tol_t)
    keys = [(a.co2, b.co2) for a, b in itertools.pairwise(front)]  # a pair with a point not proven counts as unverified
    n_ok = sum(1 for k in keys if k in verified)
    # The left end's floor is its own CO2, the lowest epsilon.
    front[0] = replace(front[0], epsilon_co2_t=front[0].epsilon_co2_t if front[0].epsilon_co2_t is not None else front[0].co2)
    return Front(scenario, tuple(front), solves, time.perf_counter() - t0, n_ok, len(keys) - n_ok)

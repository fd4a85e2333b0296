"""Solving a scenario under objectives that couple its independent parts (CO2 floors, cuts).

A floor on CO2 avoided, or on the whole objective, ties every part together, so the
parts can no longer be solved apart. What stays exact and cheap:

- parts whose candidates carry no CO2 at all (every arc, peak demand and membership
  has zero CO2) do not enter a CO2 floor; for a Pareto run they are solved once, for
  the largest savings, and kept fixed (``Coupled(co2_only=True)``);
- every other part is merged into one model, solved as a whole under the floors.

Then a run's optimum is the sum of the fixed parts' optima and the merged model's
optimum: exact, since the fixed parts share no variable with the floor. Without
``co2_only`` (alternatives, whose floor is on the whole objective) everything is one
model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from symbiosis.analysis import baselines
from symbiosis.candidates import Candidates, Decisions, Part, build_candidates, split_components, subset, whole
from symbiosis.results import Result, assign, build_result
from symbiosis.schema import Scenario
from symbiosis.solver import decisions_of, solve_part
from symbiosis.types import Objective, Solution, Status, Termination, relative_gap

# Candidates in a Pareto or alternatives run: arcs that add money or CO2 (``economics.of_use``).
BROAD = Objective("savings", floors=(("co2", 0.0),))


def _carries_co2(c: Candidates) -> bool:
    arcs = c.arcs
    if len(arcs) and np.any(arcs["co2_kg_per_unit"].to_numpy(dtype=float) != 0):
        return True
    peak = arcs.loc[arcs["peak"].astype(bool), "demand_stream"] if len(arcs) else []
    if any(c.demand_co2.get(d, 0.0) != 0 for d in peak):
        return True
    return bool(len(c.memberships) and np.any(c.memberships["co2_t_per_year"].to_numpy(dtype=float) != 0))


@dataclass
class Run:
    """One solve of the coupled model: the result over the whole scenario and the coupled part's own solution."""

    result: Result
    solution: Solution  # the coupled model's solution (its objective is the measure maximised)
    seconds: float


@dataclass
class Coupled:
    """The candidates of a scenario, the parts held fixed and the merged model's part."""

    scenario: Scenario
    co2_only: bool = True
    pool_of: Objective = BROAD  # the objective whose pruning picks the candidates
    candidates: Candidates = field(init=False)
    fixed: list[tuple[Part, Solution]] = field(init=False)
    merged: Part = field(init=False)
    fixed_savings: float = field(init=False)
    fixed_bound: float | None = field(init=False)
    build_seconds: float = field(init=False)

    def __post_init__(self) -> None:
        t0 = time.perf_counter()
        sc = self.scenario
        self.candidates = build_candidates(sc, objective=self.pool_of)
        c = self.candidates
        parts = split_components(c) if (sc.settings.solver.decompose and self.co2_only) else [whole(c)]
        carries = [not self.co2_only or _carries_co2(p.candidates) for p in parts]
        free = [p for p, k in zip(parts, carries) if not k]
        rest = [p for p, k in zip(parts, carries) if k]
        arcs = np.concatenate([p.arcs for p in rest]) if rest else np.zeros(0, dtype=int)
        opts = np.concatenate([p.options for p in rest]) if rest else np.zeros(0, dtype=int)
        mems = np.concatenate([p.memberships for p in rest]) if rest else np.zeros(0, dtype=int)
        arcs, opts, mems = np.sort(arcs), np.sort(opts), np.sort(mems)
        self.merged = Part(subset(c, arcs, opts, mems), arcs, opts, mems)
        self.fixed = []
        savings = 0.0
        bounds: list[float | None] = []
        for p in free:
            deadline = time.monotonic() + sc.settings.solver.time_limit_s
            sol = solve_part(p.candidates, sc.settings, deadline, baselines.greedy, objective=Objective("savings")).solution
            self.fixed.append((p, sol))
            savings += sol.objective or 0.0
            bounds.append(sol.best_bound)
        self.fixed_savings = savings
        self.fixed_bound = None if any(b is None for b in bounds) else sum(b for b in bounds if b is not None)
        self.build_seconds = time.perf_counter() - t0

    @property
    def empty(self) -> bool:
        """Nothing is left to trade: no candidate carries CO2 (or there is no candidate)."""
        return len(self.merged.candidates.arcs) == 0 and len(self.merged.candidates.options) == 0

    def start_of(self, run: Run) -> Decisions:
        """A run's decisions over the merged model (a warm start for the next)."""
        return decisions_of(self.merged.candidates, run.solution)

    def run(self, objective: Objective, start: Decisions | None = None, time_limit_s: float | None = None) -> Run:
        """Solve the merged model for an objective, with the fixed parts' solutions, as a whole result.

        ``time_limit_s`` (default ``solver.time_limit_s``) is this solve's own limit.
        """
        t0 = time.perf_counter()
        st = self.scenario.settings
        deadline = time.monotonic() + (st.solver.time_limit_s if time_limit_s is None else time_limit_s)
        if self.empty:
            value = 0.0
            sol = Solution(Termination.optimal, value, value, 0.0)
        else:
            heuristic = None if start is not None else baselines.greedy
            sol = solve_part(self.merged.candidates, st, deadline, heuristic, start=start, objective=objective).solution
        decisions, outcome = assign(self.candidates, [*self.fixed, (self.merged, sol)])
        result = build_result(self.scenario, self.candidates, decisions, outcome, self.build_seconds)
        return Run(result, sol, time.perf_counter() - t0)

    def with_bound(self, result: Result, merged_bound: float | None, status: Status, floors: dict[str, float] | None) -> tuple[Result, float | None]:
        """The result with the bound of the savings problem (fixed parts' bounds + the merged model's) and its gap."""
        bound = None if merged_bound is None or self.fixed_bound is None else self.fixed_bound + merged_bound
        net = result.summary.net_savings_eur_per_year
        gap = relative_gap(net, bound) if net is not None else None
        summary = result.summary.model_copy(update={"best_bound": bound, "mip_gap": gap, "status": status, "objective": net, "floors": floors})
        return replace(result, summary=summary), gap

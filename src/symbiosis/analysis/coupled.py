"""Solving a scenario under objectives that couple its independent parts (floors, ceilings, cuts).

A floor on a measure (CO2 avoided on a Pareto front), or on the whole objective, ties
every part together, so the parts can no longer be solved apart. What stays exact
and cheap:

- parts whose candidates carry none of the coupling measures (every arc, peak demand,
  membership and size option has a zero coefficient of each) do not enter their
  floors; for a front they are solved once, for the best value of the measure traded
  against (``best``, net savings by default), and kept fixed (``couple``);
- every other part is merged into one model, solved as a whole under the floors.

Then a run's optimum is the sum of the fixed parts' optima and the merged model's
optimum: exact, since the fixed parts share no variable with the floors. With
``couple=None`` (alternatives, whose floor is on the whole objective) everything is
one model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from symbiosis import measures
from symbiosis.analysis import baselines
from symbiosis.candidates import Candidates, Decisions, Part, build_candidates, split_components, subset, whole
from symbiosis.results import Result, assign, build_result
from symbiosis.schema import Scenario
from symbiosis.solver import decisions_of, solve_part
from symbiosis.types import Objective, Solution, Status, Termination, relative_gap

# Candidates of the default front: arcs that add money or CO2 (``measures.of_use``).
BROAD = Objective("savings_eur", floors=(("co2_t", 0.0),))


def carries(c: Candidates, names: tuple[str, ...]) -> bool:
    """Whether any candidate of the part has a non-zero coefficient of one of these measures."""
    arcs = c.arcs
    peak = set(arcs.loc[arcs["peak"].astype(bool), "demand_stream"]) if len(arcs) else set()
    for name in names:
        k = c.coefficients[name]
        if any(np.any(a != 0) for a in (k.flow, k.link, k.membership, k.option)):
            return True
        if any(k.peak.get(d, 0.0) != 0 for d in peak):
            return True
    return False


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
    couple: tuple[str, ...] | None = ("co2_t",)  # measures whose floors tie parts (None: one model)
    pool_of: Objective = BROAD  # the objective whose pruning picks the candidates
    best: str = "savings_eur"  # what the fixed parts are solved for (made as good as it can be)
    candidates: Candidates = field(init=False)
    fixed: list[tuple[Part, Solution]] = field(init=False)
    merged: Part = field(init=False)
    fixed_value: float = field(init=False)  # the fixed parts' total of ``best`` (in its own units)
    fixed_bound: float | None = field(init=False)  # their bound, in the same units
    build_seconds: float = field(init=False)

    def __post_init__(self) -> None:
        t0 = time.perf_counter()
        sc = self.scenario
        self.candidates = build_candidates(sc, objective=self.pool_of)
        c = self.candidates
        couple = self.couple
        parts = split_components(c) if (sc.settings.solver.decompose and couple is not None) else [whole(c)]
        ties = [couple is None or carries(p.candidates, couple) for p in parts]
        free = [p for p, k in zip(parts, ties) if not k]
        rest = [p for p, k in zip(parts, ties) if k]
        arcs = np.concatenate([p.arcs for p in rest]) if rest else np.zeros(0, dtype=int)
        opts = np.concatenate([p.options for p in rest]) if rest else np.zeros(0, dtype=int)
        mems = np.concatenate([p.memberships for p in rest]) if rest else np.zeros(0, dtype=int)
        arcs, opts, mems = np.sort(arcs), np.sort(opts), np.sort(mems)
        self.merged = Part(subset(c, arcs, opts, mems), arcs, opts, mems)
        self.fixed = []
        sign = measures.MEASURES[self.best].sign
        value = 0.0
        bounds: list[float | None] = []
        for p in free:
            deadline = time.monotonic() + sc.settings.solver.time_limit_s
            sol = solve_part(p.candidates, sc.settings, deadline, baselines.greedy, objective=Objective(self.best)).solution
            self.fixed.append((p, sol))
            value += sol.objective or 0.0
            bounds.append(sol.best_bound)
        # The solver's objective is ``best`` made as good as it can be: sign x its value.
        self.fixed_value = sign * value
        self.fixed_bound = None if any(b is None for b in bounds) else sign * sum(b for b in bounds if b is not None)
        self.build_seconds = time.perf_counter() - t0

    @property
    def fixed_savings(self) -> float:
        """The fixed parts' net savings (EUR/yr) when they are solved for savings."""
        return self.fixed_value if self.best == "savings_eur" else 0.0

    def fixed_total(self, name: str) -> float:
        """What the fixed parts add to a measure: their ``best``; 0 for a coupling measure (they carry none)."""
        return self.fixed_value if name == self.best else 0.0

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

    def with_bound(
        self, result: Result, merged_bound: float | None, status: Status, floors: dict[str, float] | None, ceilings: dict[str, float] | None = None
    ) -> tuple[Result, float | None]:
        """The result with the bound of the ``best`` problem (fixed parts' bounds + the merged model's), its gap, and the bounds it holds."""
        m = measures.MEASURES[self.best]
        bound = None if merged_bound is None or self.fixed_bound is None else self.fixed_bound + m.sign * merged_bound
        value = (result.summary.measures or {}).get(self.best)
        gap = relative_gap(value, bound) if value is not None else None
        objective = None if value is None else m.sign * value
        update = {"best_bound": bound, "mip_gap": gap, "status": status, "objective": objective, "floors": floors, "ceilings": ceilings}
        if self.best != "savings_eur":
            update["objective_weights"] = {self.best: m.sign}
        summary = result.summary.model_copy(update=update)
        return replace(result, summary=summary), gap

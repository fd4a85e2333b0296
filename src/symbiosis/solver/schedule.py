"""Solving the independent parts: in turn within fair time shares, or in worker processes.

Each part is built and solved on its own (exact, since parts share nothing), warm
started from a heuristic's decisions when asked. Time a part does not use passes on
to the parts still to solve, and what is left at the end goes to the parts the
limit stopped, largest gap first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from symbiosis.candidates import Candidates, Decisions, Part
from symbiosis.model import build_model, set_start
from symbiosis.schema import Scenario, Settings
from symbiosis.solver.highs import solve_model
from symbiosis.types import WEIGHTED, Objective, Solution, Termination, relative_gap

Start = Callable[[Candidates, Settings], Decisions]


@dataclass(frozen=True)
class Progress:
    """Where a solve stands: parts done, and the incumbent and bound over those parts."""

    parts_done: int
    parts_total: int
    objective: float  # sum of the incumbents of the parts done
    best_bound: float | None  # sum of their bounds (None while one is unknown)

    @property
    def mip_gap(self) -> float | None:
        return relative_gap(self.objective, self.best_bound)


@dataclass(frozen=True)
class Solved:
    """One part's solution and the seconds spent building its model."""

    solution: Solution
    build_seconds: float


def solve_part(
    c: Candidates,
    settings: Settings,
    deadline: float,
    heuristic: Start | None = None,
    start: Decisions | None = None,
    objective: Objective = WEIGHTED,
) -> Solved:
    """Build, warm-start and solve one part.

    ``deadline`` is on ``time.monotonic()``, which worker processes share. The warm
    start is ``start`` when given (an earlier incumbent), else ``heuristic``'s
    decisions when ``solver.warm_start`` is on.
    """
    t0 = time.perf_counter()
    handle = build_model(c, settings, objective)
    options = settings.solver
    start_from = start if start is not None else (heuristic(c, settings) if options.warm_start and heuristic is not None else None)
    if start_from is not None:
        set_start(handle, c, start_from.flows, start_from.y, start_from.z, start_from.w)
    build = time.perf_counter() - t0
    remaining = max(deadline - time.monotonic(), 0.01)
    return Solved(solve_model(handle, options, time_limit_s=remaining, warm_start=start_from is not None), build)


def solve_in_turn(
    parts: list[Part],
    settings: Settings,
    deadline: float,
    heuristic: Start | None = None,
    progress: Callable[[Progress], None] | None = None,
    objective: Objective = WEIGHTED,
) -> list[Solved]:
    """Solve the parts one by one, smallest first, each within its share of the time left.

    A part's share is the time left times its size over the size of the parts still
    to solve, so a large part at the end is not starved; time a part does not use
    passes on. Its build counts against its share.
    """
    sizes = [len(p.candidates.arcs) + len(p.candidates.memberships) + 1 for p in parts]
    left = sum(sizes)
    outs: list[Solved | None] = [None] * len(parts)
    total, bound = 0.0, 0.0
    known = True
    for done, i in enumerate(sorted(range(len(parts)), key=lambda i: (sizes[i], i)), start=1):
        now = time.monotonic()
        share = max(deadline - now, 0.0) * sizes[i] / left
        out = solve_part(parts[i].candidates, settings, now + share, heuristic, objective=objective)
        outs[i] = out
        left -= sizes[i]
        if progress is not None:
            sol = out.solution
            total += sol.objective or 0.0
            known = known and sol.best_bound is not None
            bound = bound + (sol.best_bound or 0.0)
            progress(Progress(done, len(parts), total, bound if known else None))
    solved = [o for o in outs if o is not None]
    _use_time_left(parts, solved, settings, deadline, objective)
    return solved


def _use_time_left(parts: list[Part], outs: list[Solved], settings: Settings, deadline: float, objective: Objective) -> None:
    """Give the time that parts did not use to the parts the limit stopped, largest gap first.

    Each is solved again from its incumbent; it keeps the better incumbent and the
    tighter of the two bounds (both are valid).
    """
    while deadline - time.monotonic() > 1.0:
        pending = [i for i, o in enumerate(outs) if o.solution.termination is Termination.time_limit]
        if not pending:
            return
        i = max(pending, key=lambda i: (_abs_gap(outs[i].solution), -i))
        old = outs[i]
        start = decisions_of(parts[i].candidates, old.solution) if old.solution.has_solution else None
        new = solve_part(parts[i].candidates, settings, deadline, start=start, objective=objective)
        outs[i] = Solved(_better(old.solution, new.solution), old.build_seconds + new.build_seconds)
        if new.solution.termination is Termination.time_limit:
            return  # it used all the time there was


def _abs_gap(sol: Solution) -> float:
    if sol.best_bound is None or sol.objective is None:
        return float("inf")
    return sol.best_bound - sol.objective


def _better(old: Solution, new: Solution) -> Solution:
    """The better incumbent of two solves of one part, with the tighter bound."""
    if new.termination is Termination.optimal or not old.has_solution:
        best = new
    elif not new.has_solution:
        best = old
    else:
        best = new if (new.objective or 0.0) >= (old.objective or 0.0) else old
    bounds = [b for b in (old.best_bound, new.best_bound) if b is not None]
    bound = min(bounds) if bounds else None
    if best.termination is Termination.optimal:
        bound = best.best_bound
    return replace(best, best_bound=bound, solve_seconds=old.solve_seconds + new.solve_seconds)


def decisions_of(c: Candidates, sol: Solution) -> Decisions:
    """A solution as decisions over the candidates' tables (positions from the ids)."""
    arcs = list(zip(c.arcs["supply_stream"], c.arcs["demand_stream"]))
    options = list(zip(c.options["facility"], [int(k) for k in c.options["option"]]))
    members = list(zip(c.memberships["facility"], c.memberships["demand_stream"]))
    return Decisions(
        [np.array(sol.flows[a], dtype=float) if a in sol.flows else np.zeros(len(u)) for a, u in zip(arcs, c.upper)],
        np.array([sol.links.get(a, 0.0) for a in arcs], dtype=float),
        np.array([sol.options.get(o, 0.0) for o in options], dtype=float),
        np.array([sol.memberships.get(j, 0.0) for j in members], dtype=float),
    )


def solve_parallel(
    parts: list[Part], scenario: Scenario, deadline: float, heuristic: Start | None = None, objective: Objective = WEIGHTED
) -> list[Solved]:
    """Solve the parts in ``solver.processes`` worker processes, biggest first.

    Each part is solved exactly as it would be alone, and the answers are kept in
    part order, so the result does not depend on which worker finishes first.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    order = sorted(range(len(parts)), key=lambda i: -(len(parts[i].candidates.arcs) + len(parts[i].candidates.memberships)))
    workers = min(scenario.settings.solver.processes, len(parts))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {i: pool.submit(solve_part, trim(parts[i].candidates), scenario.settings, deadline, heuristic, None, objective) for i in order}
        return [futures[i].result() for i in range(len(parts))]


def trim(c: Candidates) -> Candidates:
    """The part's candidates with the per-stream tables cut down to its own streams (less to send to a worker)."""
    supply = set(c.arcs["supply_stream"])
    demand = set(c.arcs["demand_stream"]) | set(c.memberships["demand_stream"])
    return replace(
        c,
        supply_slots={k: c.supply_slots[k] for k in supply},
        demand_slots={k: c.demand_slots[k] for k in demand},
        slots={k: c.slots[k] for k in supply | demand},
        demand_price={k: c.demand_price[k] for k in demand},
        demand_co2={k: c.demand_co2[k] for k in demand},
    )

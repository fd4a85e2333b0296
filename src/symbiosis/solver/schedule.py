"""Solving the independent parts: in turn within fair time shares, or on Dask workers.

Each part is built and solved on its own (exact, since parts share nothing), warm
started from a heuristic's decisions when asked. A first pass shares out most of the
time by size; time a part does not use passes on to the parts still to solve, and
what is left at the end goes to the parts the limit stopped, in shares by their gap.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from pyomo.common.gc_manager import PauseGC

from symbiosis.candidates import Candidates, Decisions, Part
from symbiosis.model import build_model, set_start
from symbiosis.schema import Scenario, Settings
from symbiosis.solver.cluster import dask_client, usable_cores
from symbiosis.solver.highs import Kept, solve_compiled, solve_keeping
from symbiosis.types import WEIGHTED, Objective, Solution, Termination, relative_gap

Start = Callable[[Candidates, Settings], Decisions]

# ``solver.processes: auto`` starts workers only when the parts hold at least this many
# candidates (arcs plus memberships): below it a park is solved in one process sooner
# than a local cluster starts (docs/performance.md 3b).
AUTO_MIN_CANDIDATES = 10_000

# The first pass over the parts shares out this fraction of the time limit by size; the
# rest goes to the parts the limit stopped, by their part of the gap (``_use_time_left``).
FIRST_PASS = 0.7


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
    """One part's solution and the seconds spent building its model.

    ``kept`` is the compiled model and the incumbent's column values of a part the
    limit stopped, when asked for: it is solved again from there, not built again.
    """

    solution: Solution
    build_seconds: float
    kept: Kept | None = None


def part_workers(parts: list[Part], processes: int | str) -> int:
    """How many worker processes solve ``parts``: ``processes``, or for ``auto`` the rule of ``workers_for``."""
    return workers_for([_size(p) for p in parts], processes)


def workers_for(sizes: list[int], processes: int | str) -> int:
    """Worker processes for parts of these sizes (candidates plus one): ``processes``, or for ``auto`` a measured rule.

    ``auto`` is the machine's usable cores (at most one per part) when the parts hold
    ``AUTO_MIN_CANDIDATES`` candidates or more, else 1; and 1 inside a Dask worker (a
    sweep's sample), which never starts a cluster of its own. Results do not depend on
    it: each part is solved exactly as it would be alone.
    """
    if processes != "auto":
        return int(processes)
    if len(sizes) < 2 or sum(sizes) < AUTO_MIN_CANDIDATES or _in_dask_worker():
        return 1
    return max(min(usable_cores(), len(sizes)), 1)


def _in_dask_worker() -> bool:
    if "distributed" not in sys.modules:  # not loaded: no worker here (and no import of it just to ask)
        return False
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:
        return False
    return True


def solve_part(
    c: Candidates,
    settings: Settings,
    deadline: float,
    heuristic: Start | None = None,
    start: Decisions | None = None,
    objective: Objective = WEIGHTED,
    keep: bool = False,
) -> Solved:
    """Build, warm-start and solve one part.

    ``deadline`` is on ``time.monotonic()``, which worker processes share. The warm
    start is ``start`` when given (an earlier incumbent), else ``heuristic``'s
    decisions when ``solver.warm_start`` is on. With ``keep``, a part the limit
    stops comes back with its compiled model (``Solved.kept``).
    """
    t0 = time.perf_counter()
    options = settings.solver
    # No garbage collection while the model lives: its passes over millions of Pyomo
    # objects tripled the warm start's time (docs/performance.md 6).
    with PauseGC():
        start_from = start if start is not None else (heuristic(c, settings) if options.warm_start and heuristic is not None else None)
        handle = build_model(c, settings, objective)
        if start_from is not None:
            set_start(handle, c, start_from.flows, start_from.y, start_from.z, start_from.w)
        build = time.perf_counter() - t0
        remaining = max(deadline - time.monotonic(), 0.01)
        solution, kept = solve_keeping(handle, options, time_limit_s=remaining, warm_start=start_from is not None)
        return Solved(solution, build, kept if keep else None)


def solve_in_turn(
    parts: list[Part],
    settings: Settings,
    deadline: float,
    heuristic: Start | None = None,
    progress: Callable[[Progress], None] | None = None,
    objective: Objective = WEIGHTED,
) -> list[Solved]:
    """Solve the parts one by one, smallest first, each within its share of the time.

    A part's share is the first pass's time (``FIRST_PASS`` of the limit) times its
    size over the size of all parts; its build counts against it. The rest of the
    time, and every second a part does not use, goes to the parts the limit
    stopped, by their gap (solved again from their compiled model and incumbent).
    """
    sizes = [_size(p) for p in parts]
    outs: list[Solved | None] = [None] * len(parts)
    total, bound = 0.0, 0.0
    known = True
    first = FIRST_PASS * max(deadline - time.monotonic(), 0.0)
    first_deadline = time.monotonic() + first
    for done, i in enumerate(sorted(range(len(parts)), key=lambda i: (sizes[i], i)), start=1):
        now = time.monotonic()
        # A fixed share by size: time the small parts leave goes to the parts holding the gap, not to the largest part.
        share = min(max(first_deadline - now, 0.0), first * sizes[i] / sum(sizes))
        out = solve_part(parts[i].candidates, settings, now + share, heuristic, objective=objective, keep=True)
        outs[i] = out
        if progress is not None:
            sol = out.solution
            total += sol.objective or 0.0
            known = known and sol.best_bound is not None
            bound = bound + (sol.best_bound or 0.0)
            progress(Progress(done, len(parts), total, bound if known else None))
    solved = [o for o in outs if o is not None]
    _use_time_left(solved, settings, deadline)
    return [replace(o, kept=None) for o in solved]  # the compiled models are not needed past here


def _use_time_left(outs: list[Solved], settings: Settings, deadline: float) -> None:
    """Give the time left to the parts the limit stopped, in shares by their part of the gap.

    In rounds: each part still stopped, largest absolute gap first, gets the time left
    times its gap over the gaps of all such parts (at least a second), and is solved
    again from its compiled model and incumbent (``Solved.kept``); it keeps the better incumbent and the tighter of the two
    bounds (both are valid). A part proven optimal drops out and its time passes on.
    """
    while deadline - time.monotonic() > 1.0:
        pending = [i for i, o in enumerate(outs) if o.kept is not None and o.solution.termination is Termination.time_limit and _abs_gap(o.solution) > 0]
        if not pending:
            return
        pending.sort(key=lambda i: (-_abs_gap(outs[i].solution), i))
        for i in pending:
            left = deadline - time.monotonic()
            if left <= 1.0:
                return
            gaps = [_abs_gap(outs[j].solution) for j in pending if outs[j].solution.termination is Termination.time_limit]
            total = sum(g for g in gaps if g != float("inf"))
            gap = _abs_gap(outs[i].solution)
            share = left if gap == float("inf") or total <= 0 else max(left * gap / total, 1.0)
            old = outs[i]
            if old.kept is None:
                continue
            compiled, values = old.kept
            sol, new_values = solve_compiled(compiled, settings.solver, min(share, left), values)
            best = _better(old.solution, sol)
            took_new = new_values is not None and (values is None or (sol.objective or 0.0) >= (old.solution.objective or 0.0))
            kept = None if best.termination is Termination.optimal else (compiled, new_values if took_new else values)
            outs[i] = Solved(best, old.build_seconds, kept)


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
    parts: list[Part],
    scenario: Scenario,
    deadline: float,
    heuristic: Start | None = None,
    objective: Objective = WEIGHTED,
    scheduler: str | None = None,
    progress: Callable[[Progress], None] | None = None,
    workers: int | None = None,
) -> list[Solved]:
    """Solve the parts on Dask workers, biggest first: ``workers`` local ones (``part_workers``), or a cluster's at ``scheduler``.

    Each worker gets a part's candidate tables (cut down by ``trim``; plain pandas and
    numpy), builds its own model and solves it exactly as it would be solved alone;
    no Pyomo model is pickled. A part's time is its share of the workers' total time
    by size, and at most what is left before the limit; every part the limit stops
    still gets its LP relaxation bound. Answers are kept in part order, so the result
    does not depend on which worker finishes first. Time left at the end goes to the
    parts the limit stopped, as in ``solve_in_turn``.
    """
    from distributed import as_completed  # heavy: loaded only when workers are asked for

    settings = scenario.settings
    sizes = [_size(p) for p in parts]
    order = sorted(range(len(parts)), key=lambda i: (-sizes[i], i))
    asked = part_workers(parts, settings.solver.processes) if workers is None else workers
    workers = max(min(asked, len(parts), usable_cores()), 1)  # more processes than cores only share them
    with dask_client(workers, scheduler) as client:
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1) if scheduler is not None else workers
        left = FIRST_PASS * max(deadline - time.monotonic(), 0.0)
        wall_deadline = time.time() + left  # workers on other hosts share the wall clock, not this monotonic one
        total = sum(sizes)
        futures = {}
        with warnings.catch_warnings():
            # Each part's tables go to a worker once, in its task: Dask's hint to scatter
            # data that tasks share ("Sending large graph") does not apply, and is noise.
            warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
            for rank, i in enumerate(order):
                budget = min(left, left * n_workers * sizes[i] / total)
                futures[i] = client.submit(
                    _solve_on_worker, trim(parts[i].candidates), settings, budget, wall_deadline, heuristic, objective,
                    key=f"symbiosis-part-{i}-{id(parts)}-{time.time_ns()}", pure=False, priority=len(order) - rank,
                )
        at = {f.key: i for i, f in futures.items()}
        outs: list[Solved | None] = [None] * len(parts)
        done_total, bound, known = 0.0, 0.0, True
        for done, future in enumerate(as_completed(list(futures.values())), start=1):
            i = at[future.key]
            out = future.result()
            outs[i] = out
            if progress is not None:
                done_total += out.solution.objective or 0.0
                known = known and out.solution.best_bound is not None
                bound += out.solution.best_bound or 0.0
                progress(Progress(done, len(parts), done_total, bound if known else None))
    solved = [o for o in outs if o is not None]
    _use_time_left(solved, settings, deadline)
    return [replace(o, kept=None) for o in solved]


def _size(p: Part) -> int:
    return len(p.candidates.arcs) + len(p.candidates.memberships) + 1


def _solve_on_worker(
    c: Candidates, settings: Settings, budget_s: float, wall_deadline: float, heuristic: Start | None, objective: Objective
) -> Solved:
    """On a worker: solve one part within ``budget_s`` seconds and before ``wall_deadline`` (``time.time()``).

    A part the limit stops comes back with its compiled model, so that the second pass
    solves it again without building it again.
    """
    seconds = max(min(budget_s, wall_deadline - time.time()), 0.0)
    return solve_part(c, settings, time.monotonic() + seconds, heuristic, None, objective, keep=True)


def trim(c: Candidates) -> Candidates:
    """The part's candidates with the per-stream tables cut down to its own streams (less to send to a worker)."""
    supply = set(c.arcs["supply_stream"])
    demand = set(c.arcs["demand_stream"]) | set(c.memberships["demand_stream"])
    both = supply | demand
    # Filtered in the tables' own order (never a set's), so that the worker's model is built in the same order.
    return replace(
        c,
        supply_slots={k: v for k, v in c.supply_slots.items() if k in supply},
        demand_slots={k: v for k, v in c.demand_slots.items() if k in demand},
        slots={k: v for k, v in c.slots.items() if k in both},
        demand_price={k: v for k, v in c.demand_price.items() if k in demand},
        demand_co2={k: v for k, v in c.demand_co2.items() if k in demand},
        coefficients={k: v.for_demands(demand) for k, v in c.coefficients.items()},
    )

"""The public Python surface: load a scenario, solve it, get a ``Result``.

The pipeline is visible here: sanity check (loading), candidates, model, solve,
results. A non-optimal outcome is a value (``result.status``), not an exception.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from symbiosis.analysis import baselines
from symbiosis.candidates import (
    Candidates,
    Part,
    RequireRule,
    build_candidates,
    split_components,
    whole,
)
from symbiosis.model import ExchangeModel, build_model, set_start
from symbiosis.results import Decisions, Outcome, Result, assign, build_result
from symbiosis.schema import Scenario, Settings, load_scenario
from symbiosis.solver.highs import Solution, Status, relative_gap, solve_model

__all__ = ["Result", "Scenario", "load_scenario", "run_baseline", "solve"]


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


def solve(scenario: Scenario | str | Path, progress: Callable[[Progress], None] | None = None, **settings: Any) -> Result:
    """Find the best network of exchanges and pools for a scenario.

    ``scenario`` is a ``Scenario`` or a path to load. Keyword arguments override
    settings, e.g. ``solve(s, carbon_price_eur_per_t=100, time_limit_s=10)``; dotted
    keys go through ``**{"heat_pump.max_lift_c": 40}``. ``progress`` is called after
    each independent part is solved.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    scenario = scenario.with_settings(**settings)
    start = time.perf_counter()
    candidates = build_candidates(scenario)
    unmet = [r for r in candidates.requires if not r.arcs]
    if unmet:
        problems = [_unmet_message(scenario, r) for r in unmet]
        outcome = Outcome(Status.infeasible, None, None, None, 0.0, 0)
        return build_result(scenario, candidates, None, outcome, time.perf_counter() - start, problems)
    options = scenario.settings.solver
    parts = split_components(candidates) if options.decompose else [whole(candidates)]
    build_seconds = time.perf_counter() - start
    deadline = time.monotonic() + options.time_limit_s
    if options.processes > 1 and len(parts) > 1:
        outs = _solve_parallel(parts, scenario, deadline)
    else:
        outs = _solve_in_turn(parts, scenario.settings, deadline, progress)
    solved = [(part, handle, sol) for part, (handle, sol, _) in zip(parts, outs)]
    build_seconds += sum(b for _, _, b in outs)
    decisions, outcome = assign(candidates, solved)
    problems = []
    if outcome.status is Status.infeasible:
        from symbiosis.analysis.explain import diagnose_infeasible

        for part, _, sol in solved:
            if sol.status is Status.infeasible:
                lines = diagnose_infeasible(scenario, part)
                problems.append("these rules and limits clash: " + "; ".join(lines) if lines else "the require rules cannot all hold together")
    return build_result(scenario, candidates, decisions, outcome, build_seconds, problems)


def _solve_part(c: Candidates, settings: Settings, deadline: float, start: Decisions | None = None) -> tuple[ExchangeModel, Solution, float]:
    """Build, warm-start and solve one part; returns its handle (without the Pyomo model), solution and build seconds.

    ``deadline`` is on ``time.monotonic()``, which worker processes share. The warm
    start is ``start`` when given (an earlier incumbent), else the greedy baseline.
    """
    t0 = time.perf_counter()
    handle = build_model(c, settings)
    options = settings.solver
    if options.warm_start or start is not None:
        start_from = start if start is not None else baselines.greedy(c, settings)
        set_start(handle, c, start_from.flows, start_from.y, start_from.z, start_from.w)
    build = time.perf_counter() - t0
    remaining = max(deadline - time.monotonic(), 0.01)
    sol = solve_model(handle, options, time_limit_s=remaining, warm_start=options.warm_start or start is not None)
    light = ExchangeModel(None, handle.flow_arc, handle.flow_slot, handle.flows_of_arc, handle.peak_demands)  # type: ignore[arg-type]
    return light, sol, build


def _solve_in_turn(
    parts: list[Part], settings: Settings, deadline: float, progress: Callable[[Progress], None] | None = None
) -> list[tuple[ExchangeModel, Solution, float]]:
    """Solve the parts one by one, smallest first, each within its share of the time left.

    A part's share is the time left times its size over the size of the parts still
    to solve, so a large part at the end is not starved; time a part does not use
    passes on. Its build counts against its share.
    """
    sizes = [len(p.candidates.arcs) + len(p.candidates.memberships) + 1 for p in parts]
    left = sum(sizes)
    outs: list[tuple[ExchangeModel, Solution, float] | None] = [None] * len(parts)
    objective, bound = 0.0, 0.0
    for done, i in enumerate(sorted(range(len(parts)), key=lambda i: (sizes[i], i)), start=1):
        now = time.monotonic()
        share = max(deadline - now, 0.0) * sizes[i] / left
        out = _solve_part(parts[i].candidates, settings, now + share)
        outs[i] = out
        left -= sizes[i]
        if progress is not None:
            sol = out[1]
            objective += sol.objective or 0.0
            bound = bound + sol.best_bound if (bound is not None and sol.best_bound is not None) else None  # type: ignore[operator]
            progress(Progress(done, len(parts), objective, bound))
    solved = [o for o in outs if o is not None]
    _use_time_left(parts, solved, settings, deadline)
    return solved


def _use_time_left(parts: list[Part], outs: list[tuple[ExchangeModel, Solution, float]], settings: Settings, deadline: float) -> None:
    """Give the time that parts did not use to the parts the limit stopped, largest gap first.

    Each is solved again from its incumbent; it keeps the better incumbent and the
    tighter of the two bounds (both are valid).
    """
    unfinished = (Status.time_limit, Status.no_solution)
    while deadline - time.monotonic() > 1.0:
        pending = [i for i, o in enumerate(outs) if o[1].status in unfinished]
        if not pending:
            return
        i = max(pending, key=lambda i: (_abs_gap(outs[i][1]), -i))
        handle, old, build = outs[i]
        start = _decisions(parts[i].candidates, handle, old) if old.has_values else None
        new_handle, new, more = _solve_part(parts[i].candidates, settings, deadline, start)
        outs[i] = (new_handle, _better(old, new), build + more)
        if new.status in unfinished:
            return  # it used all the time there was


def _abs_gap(sol: Solution) -> float:
    if sol.best_bound is None or sol.objective is None:
        return float("inf")
    return sol.best_bound - sol.objective


def _better(old: Solution, new: Solution) -> Solution:
    """The better incumbent of two solves of one part, with the tighter bound."""
    if new.status is Status.optimal or not old.has_values:
        best = new
    elif not new.has_values:
        best = old
    else:
        best = new if (new.objective or 0.0) >= (old.objective or 0.0) else old
    bounds = [b for b in (old.best_bound, new.best_bound) if b is not None]
    bound = min(bounds) if bounds else None
    if best.status is Status.optimal:
        bound = best.best_bound
    seconds = old.solve_seconds + new.solve_seconds
    return replace(best, best_bound=bound, mip_gap=relative_gap(best.objective, bound), solve_seconds=seconds)


def _decisions(c: Candidates, handle: ExchangeModel, sol: Solution) -> Decisions:
    """A part's solution as per-arc flows and choices, to start from."""
    flows = [np.zeros(len(u)) for u in c.upper]
    for f, (a, t) in enumerate(zip(handle.flow_arc, handle.flow_slot)):
        flows[a][t] = sol.x[f]
    return Decisions(flows, sol.y, sol.z, sol.w)


def _solve_parallel(parts: list[Part], scenario: Scenario, deadline: float) -> list[tuple[ExchangeModel, Solution, float]]:
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
        futures = {i: pool.submit(_solve_part, _trim(parts[i].candidates), scenario.settings, deadline) for i in order}
        return [futures[i].result() for i in range(len(parts))]


def _trim(c: Candidates) -> Candidates:
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


def run_baseline(scenario: Scenario | str | Path, method: str, **settings: Any) -> Result:
    """The result of a baseline: ``greedy`` (best value first) or ``type_only`` (every compatible pair in listing order)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    scenario = scenario.with_settings(**settings)
    start = time.perf_counter()
    if method == "greedy":
        candidates = build_candidates(scenario)
        decisions = baselines.greedy(candidates, scenario.settings)
    elif method == "type_only":
        candidates = build_candidates(scenario, prune=False)
        decisions = baselines.type_only(candidates)
    else:
        raise ValueError(f"unknown baseline '{method}' (greedy or type_only)")
    seconds = time.perf_counter() - start
    outcome = Outcome(Status.heuristic, None, None, None, seconds, 1)
    return build_result(scenario, candidates, decisions, outcome, 0.0)


def _unmet_message(scenario: Scenario, rule: RequireRule) -> str:
    """Name the rule's row and, for each stream pair it covers, what excluded it."""
    from symbiosis.analysis.explain import exclusion_reasons

    file, row = scenario.origin("rules", rule.index)
    where = f"{file}: row {row}" if row is not None else file
    reasons, _ = exclusion_reasons(scenario, rule.source, rule.target)
    detail = "; ".join(f"{s} -> {d}: {why}" for s, d, why in reasons[:10])
    more = f" (and {len(reasons) - 10} more pairs)" if len(reasons) > 10 else ""
    return f"{where}: require {rule.source} -> {rule.target} cannot hold: no candidate exchange joins them: {detail}{more}"

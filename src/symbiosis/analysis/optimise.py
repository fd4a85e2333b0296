"""The pipeline of one optimisation: candidates, parts, model and solve, results.

Sanity check (the scenario validates itself), candidates for the objective in use,
independent parts, one model per part solved by HiGHS, solutions assigned back by
id, results. A non-optimal outcome is a value (``result.status``), not an exception.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from symbiosis import measures
from symbiosis.analysis import baselines
from symbiosis.analysis.diagnose import diagnose_infeasible, unmet_message
from symbiosis.analysis.fixed import settle
from symbiosis.candidates import build_candidates, split_components, whole
from symbiosis.results import Outcome, Result, assign, build_result, parts_table
from symbiosis.schema import Scenario
from symbiosis.solver import Progress, solve_in_turn, solve_parallel
from symbiosis.types import WEIGHTED, Objective, Status, Termination, relative_gap


def optimise(
    scenario: Scenario,
    progress: Callable[[Progress], None] | None = None,
    objective: Objective = WEIGHTED,
    scheduler: str | None = None,
) -> Result:
    """Find the best network of exchanges and pools of a scenario for an objective.

    With ``solver.processes`` above 1, or a Dask ``scheduler`` address, the
    independent parts are solved on Dask workers (same results as in turn).
    """
    start = time.perf_counter()
    measures.check_objective(objective)
    candidates = build_candidates(scenario, objective=objective)
    unmet = [r for r in candidates.requires if not r.arcs]
    if unmet:
        problems = [unmet_message(scenario, r) for r in unmet]
        outcome = Outcome(Status.infeasible, None, None, None, 0.0, 0)
        return build_result(scenario, candidates, None, outcome, time.perf_counter() - start, problems, objective=objective)
    options = scenario.settings.solver
    # A floor or a cut couples the parts: then the whole is solved as one model (exact).
    parts = split_components(candidates) if options.decompose and objective.separable else [whole(candidates)]
    build_seconds = time.perf_counter() - start
    deadline = time.monotonic() + options.time_limit_s
    if (options.processes > 1 or scheduler is not None) and len(parts) > 1:
        outs = solve_parallel(parts, scenario, deadline, baselines.greedy, objective, scheduler, progress)
    else:
        outs = solve_in_turn(parts, scenario.settings, deadline, baselines.greedy, progress, objective)
    build_seconds += sum(o.build_seconds for o in outs)
    solved = [(part, out.solution) for part, out in zip(parts, outs)]
    decisions, outcome = assign(candidates, solved)
    if outcome.has_values:
        # The network found, with its flows settled by the fixed rule: the same network gives the same figures.
        t0 = time.perf_counter()
        decisions, value = settle(scenario, candidates, decisions, objective)
        outcome = replace(outcome, solve_seconds=outcome.solve_seconds + time.perf_counter() - t0)
        if value is not None and objective.maximise != "distinct" and outcome.objective is not None and value > outcome.objective:
            outcome = replace(outcome, objective=value, mip_gap=relative_gap(value, outcome.best_bound))
    problems = []
    if outcome.status is Status.infeasible:
        if objective.bounded:
            problems.append(bounds_message(scenario, objective))
        for part, sol in solved:
            if sol.termination is Termination.infeasible:
                lines = diagnose_infeasible(scenario, part)
                if lines or not objective.bounded:
                    problems.append("these rules and limits clash: " + "; ".join(lines) if lines else "the require rules cannot all hold together")
    table = parts_table(scenario, [(part, out.solution, out.build_seconds) for part, out in zip(parts, outs)])
    return build_result(scenario, candidates, decisions, outcome, build_seconds, problems, parts=table, objective=objective)


def bounds_message(scenario: Scenario, objective: Objective) -> str:
    """Why a bounded objective is infeasible: the floors and ceilings that no network can meet on their own,
    each with the best that measure can reach (found by optimising it alone), or all of them where only
    their combination fails."""
    alone, together = [], []
    for kind, bounds, sign in (("floor", objective.floors, 1.0), ("ceiling", objective.ceilings, -1.0)):
        for name, value in bounds:
            m = measures.MEASURES.get(name)
            if m is None:  # the weighted sum (alternatives): no single measure to name
                together.append(f"{kind} on the objective {value:,.6g}")
                continue
            best = optimise(scenario, objective=Objective(((name, sign),)))
            reach = best.summary.measures.get(name) if best.summary.measures else None
            text = f"{kind} {name} {'>=' if sign > 0 else '<='} {value:,.6g} {m.unit}"
            if reach is not None and sign * (value - reach) > 1e-9 * max(1.0, abs(reach)):
                alone.append(f"{text}, but at {'most' if sign > 0 else 'least'} {reach:,.6g} {m.unit} can be reached")
            else:
                together.append(text)
    if alone:
        return "no network meets " + "; ".join(alone)
    return "no network meets these floors and ceilings together: " + "; ".join(together)


def run_baseline(scenario: Scenario, method: str) -> Result:
    """The result of a baseline: ``greedy`` (best value first) or ``type_only`` (every compatible pair in listing order)."""
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

"""The public Python surface: load a scenario, solve it, get a ``Result``.

The pipeline is visible here: sanity check (loading), candidates, model, solve,
results. A non-optimal outcome is a value (``result.status``), not an exception.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from symbiosis.candidates import RequireRule, build_candidates, split_components, whole
from symbiosis import baselines
from symbiosis.model import build_model, set_start
from symbiosis.results import Outcome, Result, assign, build_result
from symbiosis.scenario import Scenario, load_scenario
from symbiosis.solve import Status, solve_model

__all__ = ["load_scenario", "solve", "run_baseline", "Scenario", "Result"]


def solve(scenario: Scenario | str | Path, **settings: Any) -> Result:
    """Find the best network of exchanges and pools for a scenario.

    ``scenario`` is a ``Scenario`` or a path to load. Keyword arguments override
    settings, e.g. ``solve(s, carbon_price_eur_per_t=100, time_limit_s=10)``; dotted
    keys go through ``**{"heat_pump.max_lift_c": 40}``.
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
    solved = []
    deadline = time.perf_counter() + options.time_limit_s
    for part in parts:
        t0 = time.perf_counter()
        handle = build_model(part.candidates, scenario.settings)
        if options.warm_start:
            start_from = baselines.greedy(part.candidates, scenario.settings)
            set_start(handle, part.candidates, start_from.flows, start_from.y, start_from.z, start_from.w)
        build_seconds += time.perf_counter() - t0
        remaining = max(deadline - time.perf_counter(), 0.01)
        solved.append((part, handle, solve_model(handle, options, time_limit_s=remaining, warm_start=options.warm_start)))
    decisions, outcome = assign(candidates, solved)
    problems = []
    if outcome.status is Status.infeasible:
        from symbiosis.explain import diagnose_infeasible

        for part, _, sol in solved:
            if sol.status is Status.infeasible:
                lines = diagnose_infeasible(scenario, part)
                problems.append("these rules and limits clash: " + "; ".join(lines) if lines else "the require rules cannot all hold together")
    return build_result(scenario, candidates, decisions, outcome, build_seconds, problems)


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
    from symbiosis.explain import exclusion_reasons

    file, row = scenario.origin("rules", rule.index)
    where = f"{file}: row {row}" if row is not None else file
    reasons, _ = exclusion_reasons(scenario, rule.source, rule.target)
    detail = "; ".join(f"{s} -> {d}: {why}" for s, d, why in reasons[:10])
    more = f" (and {len(reasons) - 10} more pairs)" if len(reasons) > 10 else ""
    return f"{where}: require {rule.source} -> {rule.target} cannot hold: no candidate exchange joins them: {detail}{more}"

"""The public Python surface: load a scenario, solve it, get a ``Result``.

The pipeline is visible here: sanity check (loading), candidates, model, solve,
results. A non-optimal outcome is a value (``result.status``), not an exception.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from symbiosis.candidates import build_candidates
from symbiosis.model import build_model
from symbiosis.results import Result, build_result
from symbiosis.scenario import Scenario, load_scenario
from symbiosis.solve import Solution, Status, solve_model

__all__ = ["load_scenario", "solve", "Scenario", "Result"]


def solve(scenario: Scenario | str | Path, **settings: Any) -> Result:
    """Find the best network of exchanges for a scenario.

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
        problems = []
        for r in unmet:
            file, row = scenario.origin("rules", r.index)
            where = f"{file}: row {row}" if row is not None else file
            problems.append(
                f"{where}: require {r.source} -> {r.target} cannot hold: no candidate exchange joins them "
                "(check resources, distance, temperatures and forbid rules)"
            )
        empty = Solution(Status.infeasible, None, None, None, np.zeros(0), np.zeros(0), np.zeros(0), 0.0, "unmet require")
        return build_result(scenario, candidates, None, empty, time.perf_counter() - start, problems)
    handle = build_model(candidates, scenario.settings)
    build_seconds = time.perf_counter() - start
    solution = solve_model(handle, scenario.settings.solver)
    problems = []
    if solution.status is Status.infeasible:
        problems.append("the require rules cannot all hold together with the supply and demand limits")
    return build_result(scenario, candidates, handle, solution, build_seconds, problems)

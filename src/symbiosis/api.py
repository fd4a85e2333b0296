"""The public Python surface: load a scenario, solve it, get a ``Result``.

Each function is a thin call of the pipeline in ``symbiosis.analysis``. A
non-optimal outcome is a value (``result.status``), not an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from symbiosis.analysis.optimise import optimise
from symbiosis.analysis.optimise import run_baseline as _run_baseline
from symbiosis.analysis.sweep import SweepResult
from symbiosis.analysis.sweep import sweep as _sweep
from symbiosis.io.read import load_scenario
from symbiosis.io.write.files import check_target
from symbiosis.results import Result
from symbiosis.schema import Scenario
from symbiosis.solver import Progress

__all__ = ["Progress", "Result", "Scenario", "SweepResult", "check_output", "load_scenario", "run_baseline", "solve", "sweep"]


def _scenario(scenario: Scenario | str | Path, settings: dict[str, Any]) -> Scenario:
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    return scenario.with_settings(**settings)


def solve(
    scenario: Scenario | str | Path, progress: Callable[[Progress], None] | None = None, scheduler: str | None = None, **settings: Any
) -> Result:
    """Find the best network of exchanges and pools for a scenario.

    ``scenario`` is a ``Scenario`` or a path to load. Keyword arguments override
    settings, e.g. ``solve(s, carbon_price_eur_per_t=100, time_limit_s=10)``; dotted
    keys go through ``**{"heat_pump.max_lift_c": 40}``. ``progress`` is called after
    each independent part is solved. ``scheduler`` (``tcp://HOST:8786``) solves the
    independent parts on that Dask cluster's workers; ``solver.processes`` above 1 on
    a local one.
    """
    return optimise(_scenario(scenario, settings), progress, scheduler=scheduler)


def run_baseline(scenario: Scenario | str | Path, method: str, **settings: Any) -> Result:
    """The result of a baseline: ``greedy`` (best value first) or ``type_only`` (every compatible pair in listing order)."""
    return _run_baseline(_scenario(scenario, settings), method)


def sweep(
    scenario: Scenario | str | Path,
    samples: int,
    seed: int = 0,
    mode: str = "reoptimise",
    workers: int = 1,
    scheduler: str | None = None,
    grid: dict[str, list[Any]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **settings: Any,
) -> SweepResult:
    """Monte Carlo over the scenario's ``uncertainty`` ranges, at every combination of ``grid``'s settings.

    ``mode`` is ``reoptimise`` (each sample's MILP) or ``evaluate`` (the base network's
    links fixed, the flows re-optimised: an LP). Samples run on a dask.distributed
    cluster: a local one of ``workers`` processes, or the one at ``scheduler``
    (``tcp://HOST:8786``); ``workers=0`` runs them in this process. ``progress`` is
    called with (samples done, samples in all). The result's tables do not depend on
    the number of workers; ``result.write(folder)`` saves them.
    """
    return _sweep(_scenario(scenario, settings), samples, seed, mode, workers, scheduler, grid, progress)


def check_output(out_dir: str | Path, scenario: Scenario) -> None:
    """Refuse, before any work, an output folder that cannot be written or must not be replaced.

    Raises ``OutputError`` naming the path: one holding an input, a non-empty folder that
    is not an intact symbiosis result, a parent that is a file, no permission, a name too long.
    """
    check_target(Path(out_dir), scenario.input_files)

"""The public Python surface: load a scenario, solve it, get a ``Result``.

Each function is a thin call of the pipeline in ``symbiosis.analysis``. A
non-optimal outcome is a value (``result.status``), not an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from symbiosis.analysis.alternatives import Alternatives
from symbiosis.analysis.alternatives import alternatives as _alternatives
from symbiosis.analysis.compare import Comparison, Without
from symbiosis.analysis.compare import compare as _compare
from symbiosis.analysis.compare import without as _without
from symbiosis.analysis.limits import alternatives_solves, front_solves, sweep_solves
from symbiosis.analysis.optimise import optimise
from symbiosis.analysis.optimise import run_baseline as _run_baseline
from symbiosis.analysis.pareto import Front
from symbiosis.analysis.pareto import pareto as _pareto
from symbiosis.analysis.roadmap import Roadmap
from symbiosis.analysis.roadmap import roadmap as _roadmap
from symbiosis.analysis.sweep import SweepResult
from symbiosis.analysis.sweep import sweep as _sweep
from symbiosis.candidates import build_candidates
from symbiosis.errors import InputWarning, SettingsError
from symbiosis.io.read import load_scenario, read_scenario
from symbiosis.io.read.results import read_result
from symbiosis.io.write.files import check_target
from symbiosis.io.write.intake import write_intake
from symbiosis.io.write.roadmap import write_roadmap
from symbiosis.measures import MEASURES, check_objective, measure
from symbiosis.register.intake import Merged, intake_book
from symbiosis.register.intake import merge as _merge
from symbiosis.register.streams import Estimate
from symbiosis.register.streams import estimate as _estimate
from symbiosis.register.tables import load_tables
from symbiosis.results import Result
from symbiosis.schema import Scenario
from symbiosis.solver import Progress
from symbiosis.solver.cluster import check_scheduler
from symbiosis.types import WEIGHTED, Objective

__all__ = [
    "MEASURES",
    "Alternatives",
    "Comparison",
    "Estimate",
    "Front",
    "Merged",
    "Objective",
    "Progress",
    "Result",
    "Roadmap",
    "Scenario",
    "SweepResult",
    "Without",
    "alternatives",
    "check_output",
    "compare",
    "estimate",
    "intake",
    "load_scenario",
    "merge",
    "pareto",
    "programme_warnings",
    "roadmap",
    "run_baseline",
    "solve",
    "sweep",
    "sweep_size",
    "without",
]


def _scenario(scenario: Scenario | str | Path, settings: dict[str, Any]) -> Scenario:
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    return scenario.with_settings(**settings)


def solve(
    scenario: Scenario | str | Path,
    progress: Callable[[Progress], None] | None = None,
    scheduler: str | None = None,
    objective: Objective | str | None = None,
    **settings: Any,
) -> Result:
    """Find the best network of exchanges and pools for a scenario.

    ``scenario`` is a ``Scenario`` or a path to load. Keyword arguments override
    settings, e.g. ``solve(s, carbon_price_eur_per_t=100, time_limit_s=10)``; dotted
    keys go through ``**{"heat_pump.max_lift_c": 40}``. ``objective`` is an
    ``Objective`` (default: net savings plus the carbon price times CO2), e.g.
    ``Objective("land_freed_m2", floors={"savings_eur": 0})``, or a measure's name
    (``symbiosis.MEASURES``); an unknown measure raises ``SettingsError``.
    ``progress`` is called after each independent part is solved. ``scheduler``
    (``tcp://HOST:8786``) solves the independent parts on that Dask cluster's workers;
    ``solver.processes`` above 1 on a local one (``auto``, the default: the cores
    when the parts hold 10,000 candidates or more, else this process). ``without=["c1", ...]`` names
    companies whose streams are removed first (see ``without``); it is not a setting.
    """
    left_out: Sequence[str] = settings.pop("without", ())
    if scheduler is not None:
        check_scheduler(scheduler)
    goal = WEIGHTED if objective is None else Objective(objective) if isinstance(objective, str) else objective
    check_objective(goal)
    sc = _scenario(scenario, settings)
    if left_out:
        sc = _without(sc, left_out).scenario
    return optimise(sc, progress, objective=goal, scheduler=scheduler)


def programme_warnings(scenario: Scenario) -> tuple[InputWarning, ...]:
    """The warnings about progress.csv that need the candidates: rows naming no candidate match, and why (DESIGN.md section 4g)."""
    if not scenario.progress:
        return ()
    return tuple(build_candidates(scenario).warnings)


def roadmap(result_dir: str | Path, years: int, budget: float | None = None, out: str | Path | None = None) -> Roadmap:
    """Schedule a result's matches over ``years`` years under a yearly ``budget`` for one-off costs (DESIGN.md section 4g).

    With ``out``, the roadmap folder is written there too (``roadmap.csv``, ``years.csv``,
    ``roadmap.json``, the picture and its page), whole or not at all.
    """
    folder = Path(result_dir)
    if out is not None:
        check_target(Path(out), [folder / "matches.csv"], "roadmap")
    plan = _roadmap(folder, years, budget)
    if out is not None:
        write_roadmap(plan.rows, plan.years, plan.meta, Path(out), [folder / "matches.csv"])
    return plan


def without(scenario: Scenario | str | Path, companies: Sequence[str]) -> Without:
    """The scenario with the streams of ``companies`` removed (and the rules naming them); an unknown company raises ``SettingsError``."""
    return _without(_scenario(scenario, {}), companies)


def pareto(
    scenario: Scenario | str | Path,
    points: int = 10,
    progress: Callable[[int, int], None] | None = None,
    max_solves: int | None = None,
    x: str = "co2_t",
    y: str = "savings_eur",
    method: str = "epsilon",
    **settings: Any,
) -> Front:
    """The front of measure ``y`` against measure ``x`` (default: net savings against CO2 avoided):
    ``front.points``, ``front.table()``, ``front.write(dir)``.

    ``points`` (>= 2) floors on x evenly spaced between the network with the best y and
    the best x among networks with net savings >= 0, then up to as many points again
    where the front bends. An unknown measure raises ``SettingsError``. A front of more
    solves than ``max_solves`` (default 10,000) is refused before it starts. ``method``:
    ``epsilon`` (the default: a solve of the coupled model per floor), ``parts`` (exact,
    part by part) or ``auto`` (parts when every part's front is finished within the time
    limit, else epsilon; docs/model.md).
    """
    if points < 2:
        raise SettingsError(f"--points {points}: a front needs at least 2 points")
    measure(x, "--x")
    measure(y, "--y")
    front_solves(points, points, max_solves, x=x)  # before the scenario is even loaded
    return _pareto(_scenario(scenario, settings), points=points, progress=progress, max_solves=max_solves, x=x, y=y, method=method)


def alternatives(
    scenario: Scenario | str | Path,
    k: int = 5,
    slack: float = 0.05,
    progress: Callable[[int, int], None] | None = None,
    max_solves: int | None = None,
    method: str = "parts",
    **settings: Any,
) -> Alternatives:
    """Up to ``k`` networks within ``slack`` of the optimum, each as different as possible from those before; ``.core`` is the robust core.

    A run of more solves than ``max_solves`` (default 10,000) is refused before it starts.
    ``method``: "parts" (each alternative from the parts' own solves) or "whole" (one model per stage).
    """
    if k < 1:
        raise SettingsError(f"--k {k}: ask for at least 1 alternative")
    if not 0 < slack < 1:
        raise SettingsError(f"--slack {slack}: the slack is a share of the optimum, strictly between 0 and 1 (e.g. 0.05)")
    alternatives_solves(k, max_solves)
    if method not in ("parts", "whole"):
        raise SettingsError(f"--method {method}: give parts or whole")
    return _alternatives(_scenario(scenario, settings), k=k, slack=slack, progress=progress, max_solves=max_solves, method=method)


def compare(base_dir: str | Path, other_dir: str | Path) -> Comparison:
    """Matches lost and gained from one result folder to another, and each company's change in savings."""
    return _compare(read_result(base_dir), read_result(other_dir))


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
    max_solves: int | None = None,
    include_stopped: bool = False,
    reuse: bool = True,
    **settings: Any,
) -> SweepResult:
    """Monte Carlo over the scenario's ``uncertainty`` ranges, at every combination of ``grid``'s settings.

    ``mode`` is ``reoptimise`` (each sample's MILP) or ``evaluate`` (the base network's
    links fixed, the flows re-optimised: an LP). Samples run on a dask.distributed
    cluster: a local one of ``workers`` processes, or the one at ``scheduler``
    (``tcp://HOST:8786``); ``workers=0`` runs them in this process. ``progress`` is
    called with (samples done, samples in all). The result's tables do not depend on
    the number of workers; ``result.write(folder)`` saves them. At most this machine's
    cores of local workers are started; a sweep of more solves than ``max_solves``
    (default 10,000: samples + 1 at every grid point) is refused before it starts.
    Samples the time limit stopped beyond the gap tolerance are left out of the
    statistics unless ``include_stopped``; a range that no longer fits its stream is a
    ``ScenarioError``. In ``reoptimise`` a sample solves only the parts its values change
    (the others keep the base's solution, the same bytes); ``reuse=False`` solves them all.
    """
    sweep_solves(samples, [len(v) for v in (grid or {}).values()], max_solves)  # before the scenario is even loaded
    return _sweep(_scenario(scenario, settings), samples, seed, mode, workers, scheduler, grid, progress, max_solves, include_stopped, reuse)


def sweep_size(samples: int, grid: dict[str, list[Any]] | None = None, max_solves: int | None = None) -> int:
    """The solves a sweep would need, (samples + 1) x grid points; ``SettingsError`` above ``max_solves`` (default 10,000)."""
    return sweep_solves(samples, [len(v) for v in (grid or {}).values()], max_solves)


def check_output(out_dir: str | Path, scenario: Scenario, kind: str = "result") -> None:
    """Refuse, before any work, an output folder that cannot be written or must not be replaced.

    ``kind`` is what will be written there: ``result``, ``sweep``, ``pareto`` or
    ``alternatives``. Raises ``OutputError`` naming the path: one holding an input, a
    non-empty folder that is not an intact symbiosis folder of that kind, a parent that
    is a file, no permission, a name too long.
    """
    check_target(Path(out_dir), scenario.input_files, kind)


def estimate(scenario: str | Path, coefficients: str | Path | None = None) -> Estimate:
    """Estimated streams for every company with a NACE code and staff or floor area (DESIGN.md section 4f).

    ``scenario`` is a folder, YAML file or workbook; a company register alone (companies
    with ``nace`` and ``employees``) is enough. ``coefficients`` is a CSV table of one's own
    in place of the shipped one. ``estimate(...).write(folder)`` writes the new scenario.
    """
    return _estimate(read_scenario(scenario, required=("companies",)), load_tables(coefficients))


def intake(scenario: Scenario | str | Path, company: str, out: str | Path, coefficients: str | Path | None = None, overwrite: bool = False) -> Path:
    """Write one company's workbook (``out``, .xlsx) of its streams to confirm or correct; returns its path."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    book = intake_book(sc, company, load_tables(coefficients))
    return write_intake(book, company, sc.name, Path(out), sc.input_files, overwrite)


def merge(scenario: str | Path, books: Sequence[str | Path]) -> Merged:
    """Take returned intake workbooks back into the scenario; ``merge(...).write(folder)`` writes the new one, with ``changes.csv``."""
    return _merge(read_scenario(scenario), books)

"""symbiosis: industrial-symbiosis matchmaking for business parks.

    import symbiosis
    scenario = symbiosis.load_scenario("scenarios/haasrode")
    result = symbiosis.solve(scenario, carbon_price_eur_per_t=67)
    land = symbiosis.solve(scenario, objective=symbiosis.Objective("land_freed_m2", floors={"savings_eur": 0}))
    result.matches, result.companies, result.network, result.summary
    result.write("out/haasrode")

The public names are imported on first use, so that ``symbiosis --help`` and
``symbiosis validate`` start without loading Pyomo, and Ctrl-C during start-up is
handled by the command line like everywhere else.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from symbiosis.errors import OutputError, Problem, ScenarioError, SettingsError, SymbiosisError
from symbiosis.version import __version__ as __version__

if TYPE_CHECKING:
    from symbiosis.api import Roadmap, SweepResult, alternatives, compare, estimate, intake, merge, pareto, roadmap, run_baseline, solve, sweep, without
    from symbiosis.io.read import load_scenario
    from symbiosis.measures import MEASURES
    from symbiosis.results import Result
    from symbiosis.schema import Scenario, Settings
    from symbiosis.types import Objective

_LAZY = {
    "solve": "symbiosis.api",
    "run_baseline": "symbiosis.api",
    "sweep": "symbiosis.api",
    "SweepResult": "symbiosis.api",
    "pareto": "symbiosis.api",
    "alternatives": "symbiosis.api",
    "compare": "symbiosis.api",
    "without": "symbiosis.api",
    "estimate": "symbiosis.api",
    "intake": "symbiosis.api",
    "merge": "symbiosis.api",
    "roadmap": "symbiosis.api",
    "Roadmap": "symbiosis.api",
    "Result": "symbiosis.results",
    "Scenario": "symbiosis.schema",
    "Settings": "symbiosis.schema",
    "load_scenario": "symbiosis.io.read",
    "Objective": "symbiosis.types",
    "MEASURES": "symbiosis.measures",
}

__all__ = [
    "MEASURES",
    "Objective",
    "OutputError",
    "Problem",
    "Result",
    "Roadmap",
    "Scenario",
    "ScenarioError",
    "Settings",
    "SettingsError",
    "SweepResult",
    "SymbiosisError",
    "alternatives",
    "compare",
    "estimate",
    "intake",
    "load_scenario",
    "merge",
    "pareto",
    "roadmap",
    "run_baseline",
    "solve",
    "sweep",
    "without",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'symbiosis' has no attribute {name!r}")

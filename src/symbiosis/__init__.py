"""symbiosis: industrial-symbiosis matchmaking for business parks.

    import symbiosis
    scenario = symbiosis.load_scenario("scenarios/haasrode")
    result = symbiosis.solve(scenario, carbon_price_eur_per_t=67)
    result.matches, result.companies, result.network, result.summary
    result.write("out/haasrode")
"""

from symbiosis.api import solve
from symbiosis.errors import OutputError, Problem, ScenarioError, SettingsError, SymbiosisError
from symbiosis.results import Result
from symbiosis.scenario import Scenario, Settings, load_scenario

__all__ = [
    "load_scenario",
    "solve",
    "Scenario",
    "Settings",
    "Result",
    "Problem",
    "ScenarioError",
    "SettingsError",
    "OutputError",
    "SymbiosisError",
]
__version__ = "0.1.0"

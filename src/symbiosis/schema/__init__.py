"""The scenario's strict, frozen, self-validating pydantic models.

``records`` holds one model per table row, ``settings`` the scenario-wide settings,
``scenario`` the ``Scenario`` that checks itself as a whole (with ``checks``),
``rows`` turns raw cells into records and ``messages`` words every problem.
Reading files is ``symbiosis.io.read``.
"""

from symbiosis.schema.records import (
    FLAT_SLOT,
    FORMAT_VERSION,
    MAX_AMOUNT,
    MAX_DISTANCE_KM,
    MAX_ID_LENGTH,
    MAX_TEMPERATURE_C,
    RECORD_MODELS,
    REQUIRED_TABLES,
    TABLES,
    UNCERTAIN_FIELDS,
    Company,
    Direction,
    Facility,
    Family,
    Pricing,
    ProfilePoint,
    Record,
    Resource,
    Rule,
    Stream,
    Substitution,
    Transport,
    Uncertainty,
)
from symbiosis.schema.scenario import Scenario
from symbiosis.schema.settings import SOLVER_KEYS, Annualisation, HeatPump, Settings, SolverSettings, merge_settings

__all__ = [
    "FLAT_SLOT",
    "FORMAT_VERSION",
    "MAX_AMOUNT",
    "MAX_DISTANCE_KM",
    "MAX_ID_LENGTH",
    "MAX_TEMPERATURE_C",
    "RECORD_MODELS",
    "REQUIRED_TABLES",
    "SOLVER_KEYS",
    "TABLES",
    "UNCERTAIN_FIELDS",
    "Annualisation",
    "Company",
    "Direction",
    "Facility",
    "Family",
    "HeatPump",
    "Pricing",
    "ProfilePoint",
    "Record",
    "Resource",
    "Rule",
    "Scenario",
    "Settings",
    "SolverSettings",
    "Stream",
    "Substitution",
    "Transport",
    "Uncertainty",
    "merge_settings",
]

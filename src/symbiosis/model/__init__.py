"""The Pyomo model: a registry of constraint families and named objectives. Reads no files, calls no solver."""

from symbiosis.model.build import build_model, set_start
from symbiosis.model.families import FAMILIES, Family, group_by_key
from symbiosis.model.handle import ExchangeModel
from symbiosis.model.objectives import measure
from symbiosis.model.tiebreak import add_tie_break

__all__ = ["FAMILIES", "ExchangeModel", "Family", "add_tie_break", "build_model", "group_by_key", "measure", "set_start"]

"""The sparse candidate tables of feasible arcs and pool memberships, and the independent parts."""

from symbiosis.candidates.arcs import build_candidates
from symbiosis.candidates.parts import Part, split_components, subset, whole
from symbiosis.candidates.pools import build_pool_candidates
from symbiosis.candidates.table import ARC_COLUMNS, MEMBERSHIP_COLUMNS, OPTION_COLUMNS, Candidates, Coefficients, Decisions, RequireRule

__all__ = [
    "ARC_COLUMNS",
    "MEMBERSHIP_COLUMNS",
    "OPTION_COLUMNS",
    "Candidates",
    "Coefficients",
    "Decisions",
    "Part",
    "RequireRule",
    "build_candidates",
    "build_pool_candidates",
    "split_components",
    "subset",
    "whole",
]

"""From the solver's decisions back to the analyst's terms: matches, savings, allocation, network, pseudonyms."""

from symbiosis.results.network import build_network
from symbiosis.results.parts import PART_COLUMNS, gap_holders, parts_table
from symbiosis.results.privacy import Pseudonyms
from symbiosis.results.result import (
    COMPANY_COLUMNS,
    FACILITY_COLUMNS,
    FLOW_COLUMNS,
    LOAD_COLUMNS,
    MATCH_COLUMNS,
    Outcome,
    Result,
    allocate,
    assign,
    build_result,
)

__all__ = [
    "COMPANY_COLUMNS",
    "FACILITY_COLUMNS",
    "FLOW_COLUMNS",
    "LOAD_COLUMNS",
    "MATCH_COLUMNS",
    "PART_COLUMNS",
    "Outcome",
    "Pseudonyms",
    "Result",
    "allocate",
    "assign",
    "build_network",
    "build_result",
    "gap_holders",
    "parts_table",
]

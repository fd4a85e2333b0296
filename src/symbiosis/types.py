"""The small typed values that cross stages: ids, how a solve ended, a solution, the summary.

Nothing here knows Pyomo or HiGHS. A ``Solution`` is keyed by the project's own
ids (supply and demand streams, facilities, size options), so the results stage
never reads a model position.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

ArcId = tuple[str, str]  # (supply stream, demand stream)
OptionId = tuple[str, int]  # (facility, size option number)
MembershipId = tuple[str, str]  # (facility, demand stream)


class Termination(str, Enum):
    """Why the solver stopped, apart from whether it holds a solution."""

    optimal = "optimal"  # proven within mip_rel_gap
    time_limit = "time_limit"  # the time limit (or another work limit) stopped it
    infeasible = "infeasible"
    error = "error"
    not_solved = "not_solved"  # no solver ran: a baseline's decisions


class Status(str, Enum):
    """The status reported in ``summary.json``: termination, solution and method taken together."""

    optimal = "optimal"
    time_limit = "time_limit"  # stopped by the limit, with a solution
    no_solution = "no_solution"  # stopped by the limit before any solution
    infeasible = "infeasible"
    error = "error"
    heuristic = "heuristic"  # a baseline's result: feasible, with no bound

    @classmethod
    def of(cls, termination: Termination, has_solution: bool) -> Status:
        if termination is Termination.not_solved:
            return cls.heuristic
        if termination is Termination.time_limit:
            return cls.time_limit if has_solution else cls.no_solution
        return cls(termination.value)

    @property
    def has_solution(self) -> bool:
        return self in (Status.optimal, Status.time_limit, Status.heuristic)


@dataclass(frozen=True)
class Schedule:
    """A solved roadmap (DESIGN.md section 4g): each unit's start year (None: not within the horizon), keyed by unit position."""

    termination: Termination
    objective: float | None  # the discounted savings, EUR
    best_bound: float | None
    starts: dict[int, int | None] = field(default_factory=dict)
    solve_seconds: float = 0.0

    @property
    def has_solution(self) -> bool:
        return self.objective is not None


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """|bound - objective| / max(|objective|, 1): 0 when proven optimal."""
    if objective is None or bound is None:
        return None
    return abs(bound - objective) / max(abs(objective), 1.0)


@dataclass(frozen=True)
class Solution:
    """What the solver found for one model, keyed by ids.

    ``flows`` holds, per arc, its flow in each slot of the supply's slot set (supply
    units); ``links``, ``options`` and ``memberships`` the 0/1 choices. The maps are
    empty when there is no solution.
    """

    termination: Termination
    objective: float | None
    best_bound: float | None
    solve_seconds: float
    flows: Mapping[ArcId, np.ndarray] = field(default_factory=dict)
    links: Mapping[ArcId, float] = field(default_factory=dict)
    options: Mapping[OptionId, float] = field(default_factory=dict)
    memberships: Mapping[MembershipId, float] = field(default_factory=dict)
    message: str = ""

    @property
    def has_solution(self) -> bool:
        return self.objective is not None

    @property
    def status(self) -> Status:
        return Status.of(self.termination, self.has_solution)

    @property
    def mip_gap(self) -> float | None:
        return relative_gap(self.objective, self.best_bound)


LinkKey = tuple[str, str, str]  # ("exchange", supply stream, demand stream) or ("pool", facility, demand stream)
# A measure of the registry (``symbiosis.measures``: savings_eur, co2_t, land_freed_m2, ...),
# or "weighted" (savings + carbon price x CO2, the default) or "distinct" (links shared).
MeasureName = str
Bounds = tuple[tuple[MeasureName, float], ...]


def _pairs(value: Any) -> Any:
    """A mapping as a tuple of (name, number) pairs in its order; anything else as a tuple."""
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(k), float(v)) for k, v in items)


@dataclass(frozen=True)
class Objective:
    """The objective in use: what is made as good as it can be, and the floors and ceilings on measures.

    ``maximise`` is a measure's name (maximised, or minimised when less is better, such
    as ``truck_km``), ``"weighted"`` (the default: net savings plus the carbon price
    times CO2 avoided), or weights ``(("savings_eur", 1.0), ("land_freed_m2", 2.0))``
    whose sum of weight x measure is maximised (a mapping is taken as such pairs).
    ``floors`` and ``ceilings`` bound measures, e.g. ``(("savings_eur", 0.0),)`` or
    ``{"truck_km": 50000}``; a Pareto point floors one measure, a near-optimal
    alternative ``(("weighted", 0.95 * best),)``. ``distinct`` is minus the number of
    links shared with the earlier networks in ``avoid`` (each a set of ``LinkKey``s);
    with ``avoid`` set, every network found also drops at least one link of each
    earlier network (see ``model.objectives``). Names are checked against the registry
    by ``symbiosis.measures.check_objective``.
    """

    maximise: MeasureName | tuple[tuple[MeasureName, float], ...] = "weighted"
    floors: Bounds = ()
    ceilings: Bounds = ()
    avoid: tuple[frozenset[LinkKey], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.maximise, str):
            object.__setattr__(self, "maximise", _pairs(self.maximise))
        object.__setattr__(self, "floors", _pairs(self.floors))
        object.__setattr__(self, "ceilings", _pairs(self.ceilings))

    @property
    def plain(self) -> bool:
        """Only the default weighted objective counts: an arc must add to it to be of use."""
        return self.maximise == "weighted" and not self.floors and not self.ceilings and not self.avoid

    @property
    def bounded(self) -> bool:
        """Some floor or ceiling holds."""
        return bool(self.floors or self.ceilings)

    @property
    def separable(self) -> bool:
        """Independent parts may be solved apart: no floor, ceiling or cut couples them."""
        return not self.bounded and not self.avoid and self.maximise != "distinct"


WEIGHTED = Objective()


class Summary(BaseModel):
    """``summary.json``: one solve's headline figures, its status and its settings.

    Keys and their order are those of ``summary.json``. ``summary["status"]`` reads a
    key as in the file (the API has always offered that); code uses the attributes.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str
    input_hash: str
    status: Status
    net_savings_eur_per_year: float | None
    objective: float | None
    co2_avoided_t_per_year: float | None
    carbon_price_eur_per_t: float
    best_bound: float | None
    mip_gap: float | None
    n_exchanges: int
    n_pools: int
    n_pool_members: int
    n_candidates: int
    n_parts: int
    n_membership_candidates: int
    allocation: str
    min_participant_savings_eur_per_year: float
    individually_rational: bool
    build_seconds: float
    solve_seconds: float
    problems: list[str]
    warnings: list[dict[str, Any]] = []  # {file, row, column, message}: legal but suspect input (contract section 5)
    settings: dict[str, Any]
    resources: dict[str, dict[str, str]]
    shapley_max_std_error_eur: float | None = None
    anonymised: bool | None = None
    # The floors a network was found under (a Pareto point's CO2, an alternative's
    # objective): with a floor, dropping a match may break it, so a participant may
    # end below zero at the optimum.
    floors: dict[str, float] | None = None
    # How much of the figures rests on estimated streams (turn 3, DESIGN.md section 4f); only
    # where some stream has source "estimated: ...". See results.estimates.
    estimates: dict[str, Any] | None = None
    ceilings: dict[str, float] | None = None
    # Every measure's total (contract section 4d), by name; savings_eur and co2_t repeat
    # net_savings_eur_per_year and co2_avoided_t_per_year.
    measures: dict[str, float] | None = None
    # The objective in use where it is not the default weighted one: measure -> weight,
    # and ``objective`` = sum of weight x measure.
    objective_weights: dict[str, float] | None = None

    @property
    def has_solution(self) -> bool:
        return self.status.has_solution

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``summary.json`` (optional keys only where set)."""
        data = self.model_dump(mode="json")
        for key in ("shapley_max_std_error_eur", "anonymised", "floors", "estimates", "ceilings", "measures", "objective_weights"):
            if data[key] is None:
                del data[key]
        return data

    def __getitem__(self, key: str) -> Any:
        if key not in type(self).model_fields:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in type(self).model_fields else default


def summary_from_json(data: Mapping[str, Any]) -> Summary:
    """A ``Summary`` from the JSON of ``summary.json`` (raises pydantic's ValidationError)."""
    return Summary.model_validate(dict(data))


__all__ = [
    "WEIGHTED",
    "ArcId",
    "Bounds",
    "LinkKey",
    "MeasureName",
    "MembershipId",
    "Objective",
    "OptionId",
    "Solution",
    "Status",
    "Summary",
    "Termination",
    "relative_gap",
    "summary_from_json",
]

"""The candidate tables: arcs, facility size options and pool memberships, with their coefficients.

No Pyomo here: the model only reads these tables. Arcs are keyed by (supply stream,
demand stream), options by (facility, option), memberships by (facility, demand stream).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from symbiosis.errors import InputWarning

ARC_COLUMNS = [
    "supply_stream",
    "demand_stream",
    "supply_company",
    "demand_company",
    "resource",
    "demand_resource",
    "rho",
    "distance_km",
    "value_eur_per_unit",
    "co2_kg_per_unit",
    "fixed_cost_eur_per_year",
    "heat_pump_cop",
    "peak",
    "min_flow",
    "required",
    "route",  # the legal route of a waste exchange: '' (none needed), 'permit' or a route id (DESIGN.md section 4g)
    "lead_time_months",
    "one_off_eur",  # its pipe (capex x 1000 x d) and its route's one-off: what starting it costs, once
    "stage",  # from progress.csv; 'proposed' where no row names it
]


OPTION_COLUMNS = ["facility", "option", "capacity", "fixed_cost_eur_per_year"]
MEMBERSHIP_COLUMNS = [
    "facility",
    "demand_stream",
    "company",
    "distance_km",
    "quantity",
    "cost_eur_per_unit",
    "value_eur_per_year",
    "co2_t_per_year",
    "stage",
    "required",  # held by an agreed or realised progress row
]


@dataclass(frozen=True)
class RequireRule:
    """A ``require`` rule and the arcs that can satisfy it: a row of rules.csv, or an agreed or realised row of progress.csv."""

    index: int  # position in scenario.rules (or scenario.progress)
    source: str
    target: str
    arcs: tuple[int, ...]
    table: str = "rules"  # or "progress": a stage that holds the link, never dropped to explain a clash

    @property
    def held(self) -> bool:
        """True for a link held by its stage (agreed or realised)."""
        return self.table == "progress"


@dataclass(frozen=True)
class Coefficients:
    """One measure's raw coefficients (``symbiosis.measures``), indexed like the candidate tables."""

    flow: np.ndarray  # per arc: per supply unit moved (0 on peak arcs)
    link: np.ndarray  # per arc: per year when the link is built
    membership: np.ndarray  # per membership candidate
    option: np.ndarray  # per size option
    peak: dict[str, float]  # per peak demand stream: per unit of peak cut

    def subset(self, arcs: np.ndarray, options: np.ndarray, memberships: np.ndarray) -> Coefficients:
        """Restricted to some arcs, options and memberships (by position)."""
        return Coefficients(self.flow[arcs], self.link[arcs], self.membership[memberships], self.option[options], self.peak)

    def for_demands(self, demands: set[str]) -> Coefficients:
        """With the peak coefficients of these demand streams only."""
        return replace(self, peak={k: v for k, v in self.peak.items() if k in demands})


@dataclass
class Candidates:
    """Arcs (one row each, index 0..n-1) and the per-slot quantities they draw on."""

    arcs: pd.DataFrame
    supply_slots: dict[str, np.ndarray]  # supply stream -> S_{s,t}
    demand_slots: dict[str, np.ndarray]  # demand stream -> D_{d,t}
    upper: list[np.ndarray]  # arc -> U_{a,t} = min(S_{s,t}, D_{d,t} / rho)
    slots: dict[str, tuple[str, ...]]  # stream -> its slot names
    demand_price: dict[str, float]  # demand stream -> p_d
    demand_co2: dict[str, float]  # demand stream -> co2_d (kg per unit)
    requires: list[RequireRule] = field(default_factory=list)
    options: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OPTION_COLUMNS))
    memberships: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MEMBERSHIP_COLUMNS))
    excluded: dict[tuple[str, str], str] = field(default_factory=dict)  # traced pairs -> why dropped
    coefficients: dict[str, Coefficients] = field(default_factory=dict)  # measure -> its coefficients
    warnings: list[InputWarning] = field(default_factory=list)  # progress rows that name no candidate

    def __len__(self) -> int:
        return len(self.arcs)


@dataclass
class Decisions:
    """Chosen values, indexed like a candidate set's tables (a start, a baseline, or a solution assigned back)."""

    flows: list[np.ndarray]  # per arc: flow in each slot (supply units)
    y: np.ndarray  # per arc: link built
    z: np.ndarray  # per size option: built
    w: np.ndarray  # per membership candidate: joined

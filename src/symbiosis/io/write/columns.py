"""What each output column means to a person: its label, its unit and the kind of figure it holds.

Declared once, here, and read by every page (``page.tables``) and by the workbook for
people (``workbook``): a column id of a CSV file (``savings_eur_per_year``) becomes a
header with its unit (``Savings (EUR/yr)``) and a number shown with the precision of its
kind (``page.numbers``). A column not listed is labelled from its id, its unit read from
the suffix convention of the contract (``_eur_per_year``, ``_t_per_year``, ``_km``, ...).

``{unit}`` in a unit stands for the row's own unit, which the caller gives (``t/yr`` for a
volume resource in ``t``, ``space`` for a peak resource: quantities are per year unless
the resource is peak-priced).
"""

from __future__ import annotations

from dataclasses import dataclass

from symbiosis.measures import MEASURES


@dataclass(frozen=True)
class Column:
    """A column as people read it."""

    label: str
    unit: str = ""
    kind: str = "text"  # text, id, or a kind of figure of page.numbers.DECIMALS

    def header(self, unit: str | None = None) -> str:
        """``Label (unit)``; ``unit`` replaces ``{unit}`` (or the unit when the column has one per row)."""
        shown = self.unit.replace("{unit}", unit) if unit is not None and "{unit}" in self.unit else self.unit
        if "{unit}" in shown:
            shown = shown.replace("{unit}", "unit")
        return f"{self.label} ({shown})" if shown else self.label

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text", "id")


COLUMNS: dict[str, Column] = {
    # matches.csv
    "kind": Column("Kind"),
    "source": Column("From", kind="id"),
    "target": Column("To", kind="id"),
    "supply_stream": Column("Supply stream", kind="id"),
    "demand_stream": Column("Demand stream", kind="id"),
    "resource": Column("Resource", kind="id"),
    "quantity": Column("Quantity", "{unit}", "quantity"),
    "unit": Column("Unit"),
    "distance_km": Column("Distance", "km", "km"),
    "savings_eur_per_year": Column("Savings", "EUR/yr", "money"),
    "co2_avoided_t_per_year": Column("CO2 avoided", "t/yr", "co2"),
    "price_floor_eur_per_unit": Column("Price floor", "EUR/{unit}", "price"),
    "price_ceiling_eur_per_unit": Column("Price ceiling", "EUR/{unit}", "price"),
    # contract section 4g: the legal route, the one-off, the stage (matches.csv), the roadmap
    "route": Column("Legal route"),
    "lead_time_months": Column("Lead time", "months", "count"),
    "one_off_eur": Column("One-off cost", "EUR", "money"),
    "stage": Column("Stage"),
    "base_stage": Column("Base stage"),
    "other_stage": Column("Other stage"),
    "capex_eur": Column("Capex", "EUR", "money"),
    "year": Column("Start year", kind="count"),
    "earliest_year": Column("Earliest year", kind="count"),
    "start_group": Column("Starts with"),
    "discounted_savings_eur": Column("Discounted savings", "EUR", "money"),
    "cumulative_savings_eur": Column("Cumulative savings", "EUR", "money"),
    "budget_eur": Column("Budget", "EUR", "money"),
    "n_started": Column("Matches started", kind="count"),
    "discount_factor": Column("Discount factor", kind="number"),
    "n_matches": Column("Matches", kind="count"),
    "share_of_network": Column("Share of the network's savings", kind="share"),
    "source_name": Column("From (name)"),
    "target_name": Column("To (name)"),
    # flows.csv
    "slot": Column("Slot"),
    "supplier_name": Column("Supplier (name)"),
    "receiver_name": Column("Receiver (name)"),
    # companies.csv
    "company": Column("Company", kind="id"),
    "name": Column("Name"),
    "sector": Column("Sector"),
    "n_exchanges": Column("Exchanges", kind="count"),
    "n_pools": Column("Pools", kind="count"),
    "standalone_cost_eur_per_year": Column("Cost today", "EUR/yr", "money"),
    "cost_with_symbiosis_eur_per_year": Column("Cost with symbiosis", "EUR/yr", "money"),
    # facilities.csv, facility_loads.csv
    "facility": Column("Facility", kind="id"),
    "facility_name": Column("Facility (name)"),
    "capacity": Column("Capacity", "{unit}", "quantity"),
    "n_members": Column("Members", kind="count"),
    "peak_load": Column("Peak load", "{unit}", "quantity"),
    "cost_eur_per_year": Column("Cost", "EUR/yr", "money"),
    "surplus_eur_per_year": Column("Surplus", "EUR/yr", "money"),
    "members": Column("Member streams"),
    "load": Column("Load", "{unit}", "quantity"),
    # the report's table of transport to shared facilities
    "transport_eur_per_year": Column("Transport", "EUR/yr", "money"),
    "membership_cost_eur_per_year": Column("Membership cost", "EUR/yr", "money"),
    "transport_co2_t_per_year": Column("Transport CO2", "t/yr", "co2"),
    "given_by": Column("Given by"),
    # parts.csv
    "part": Column("Part", kind="count"),
    "resources": Column("Resources"),
    "n_streams": Column("Streams", kind="count"),
    "n_candidates": Column("Candidates", kind="count"),
    "status": Column("Status"),
    "objective": Column("Objective", "EUR/yr", "money"),
    "best_bound": Column("Best bound", "EUR/yr", "money"),
    "mip_gap": Column("Gap", kind="gap"),
    "seconds": Column("Time", "s", "quantity"),
    # pareto.csv, alternatives.csv, link_frequency.csv
    "point": Column("Point", kind="count"),
    "epsilon_co2_t": Column("CO2 floor", "t/yr", "co2"),
    "net_savings_eur_per_year": Column("Net savings", "EUR/yr", "money"),
    "implicit_carbon_price_eur_per_t": Column("Price of the step", "EUR/t", "money"),
    "n_pool_members": Column("Pool members", kind="count"),
    "alternative": Column("Alternative", kind="count"),
    "links_shared_with_optimum": Column("Links shared with the optimum", kind="count"),
    "jaccard_to_optimum": Column("Likeness to the optimum (Jaccard)", kind="share"),
    "n_networks": Column("Networks holding it", kind="count"),
    "share_of_networks": Column("Share of networks", kind="share"),
    "robust_core": Column("In every network"),
    # sweep tables
    "sample": Column("Sample", kind="count"),
    "share_chosen": Column("Share of samples", kind="share"),
    "share_low": Column("Share, 95 % low", kind="share"),
    "share_high": Column("Share, 95 % high", kind="share"),
    "savings_p10": Column("Savings P10", "EUR/yr", "money"),
    "savings_p50": Column("Savings P50", "EUR/yr", "money"),
    "savings_p90": Column("Savings P90", "EUR/yr", "money"),
    "share_below_zero": Column("Share of samples below zero", kind="share"),
    "share_below_zero_low": Column("Below zero, 95 % low", kind="share"),
    "share_below_zero_high": Column("Below zero, 95 % high", kind="share"),
    "rank": Column("Rank", kind="count"),
    "stream": Column("Stream", kind="id"),
    "field": Column("Field"),
    "index": Column("Influence (Spearman's rho)", kind="number"),
    "index_low": Column("Influence, 95 % low", kind="number"),
    "index_high": Column("Influence, 95 % high", kind="number"),
    "distinguishable": Column("Distinguishable from noise"),
    "samples_needed": Column("Samples that would tell", kind="count"),
    "counted": Column("Counted"),
    "n_links": Column("Links", kind="count"),
}

# The measures (contract section 4d) come from their registry: a column per measure in
# matches.csv and companies.csv, and a front's floor on it in pareto.csv.
UNIT_KINDS = {"EUR/yr": "money", "t/yr": "co2", "m2": "measure", "km/yr": "measure", "MWh/yr": "measure"}
for _m in MEASURES.values():
    _kind = UNIT_KINDS.get(_m.unit, "number")
    COLUMNS.setdefault(_m.column, Column(_m.label[:1].upper() + _m.label[1:], _m.unit, _kind))
    COLUMNS.setdefault(f"epsilon_{_m.name}", Column(f"Floor on {_m.label}", _m.unit, _kind))


def measure_column(name: str) -> Column:
    """The column of a measure by its name (``land_freed_m2``, ``savings_eur``, ...)."""
    return COLUMNS[MEASURES[name].column]


# Unit suffixes of column ids (contract section 5), longest first.
_SUFFIXES = (
    ("_eur_per_year", "EUR/yr", "money"),
    ("_t_per_year", "t/yr", "co2"),
    ("_eur_per_unit", "EUR/unit", "price"),
    ("_eur_per_t", "EUR/t", "money"),
    ("_eur", "EUR", "money"),
    ("_km", "km", "km"),
    ("_m2", "m2", "quantity"),
    ("_mwh", "MWh", "quantity"),
    ("_t", "t", "co2"),
)


def column(name: str) -> Column:
    """The column ``name`` as people read it (from its id where it is not declared)."""
    known = COLUMNS.get(name)
    if known is not None:
        return known
    if name.startswith("measures.") and name[len("measures."):] in MEASURES:  # a total of summary.json (compare's totals)
        return measure_column(name[len("measures."):])
    for prefix in ("base_", "other_", "change_"):  # a comparison's columns (symbiosis compare)
        if name.startswith(prefix) and name[len(prefix):] in COLUMNS:
            inner = COLUMNS[name[len(prefix):]]
            label = inner.label if inner.label[1:2].isupper() else inner.label[:1].lower() + inner.label[1:]  # 'CO2 avoided' keeps its capitals
            return Column(f"{prefix[:-1].capitalize()} {label}", inner.unit, inner.kind if inner.kind != "id" else "text")
    for suffix, unit, kind in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return Column(_words(name[: -len(suffix)]), unit, kind)
    return Column(_words(name))


def _words(name: str) -> str:
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]

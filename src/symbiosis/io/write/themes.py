"""The six themes a circular business park plans by (DESIGN.md section 1), and which results go in each.

Park programmes report by theme: raw materials, energy, space, mobility, people,
environment. A match belongs to the theme of its resource's family; a measure (section
4d) to the theme it counts for. CO2 avoided is the environment theme's headline over
the whole network, whatever the family. The mapping (docs/report.md):

| theme | resource families | measures |
| --- | --- | --- |
| raw materials | material | material_reused_t |
| energy | energy | heat_recovered_mwh |
| space | space | land_freed_m2 |
| mobility | parking | truck_km |
| people | service | |
| environment | water | co2_t (the whole network) |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Theme:
    name: str
    families: tuple[str, ...]
    measures: tuple[str, ...]
    about: str


THEMES: tuple[Theme, ...] = (
    Theme("Raw materials", ("material",), ("material_reused_t",), "by-products and waste that replace raw materials"),
    Theme("Energy", ("energy",), ("heat_recovered_mwh",), "waste heat and other energy passed on"),
    Theme("Space", ("space",), ("land_freed_m2",), "floor space and land shared or freed"),
    Theme("Mobility", ("parking",), ("truck_km",), "parking shared, and the lorries the network puts on the road"),
    Theme("People", ("service",), (), "shared services for staff: canteens, waste contracts, hubs"),
    Theme("Environment", ("water",), ("co2_t",), "water reused, and CO2 avoided by the whole network"),
)


@dataclass
class ThemeTotals:
    """What one theme holds in a result: counts, money, CO2, quantities per unit, measures."""

    theme: Theme
    n_exchanges: int = 0
    n_memberships: int = 0
    savings_eur_per_year: float = 0.0
    co2_avoided_t_per_year: float = 0.0
    quantities: dict[str, float] = field(default_factory=dict)  # unit label -> total
    measures: dict[str, float] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.n_exchanges + self.n_memberships == 0 and not any(self.measures.values())


def theme_of(family: str) -> Theme:
    """The theme of a resource family (the families are the contract's six; anything else: people)."""
    return next((t for t in THEMES if family in t.families), THEMES[4])


def theme_totals(matches: pd.DataFrame, resources: Mapping[str, Mapping[str, str]], measures: Mapping[str, Any] | None = None) -> list[ThemeTotals]:
    """Every theme's totals from the matches (``matches.csv``) and the result's measures (``summary.json``)."""
    out = {t.name: ThemeTotals(t) for t in THEMES}
    for r in matches.to_dict(orient="records"):
        info = resources.get(str(r["resource"]), {})
        t = out[theme_of(str(info.get("family", ""))).name]
        if r["kind"] == "pool":
            t.n_memberships += 1
        else:
            t.n_exchanges += 1
        t.savings_eur_per_year += float(r["savings_eur_per_year"])
        t.co2_avoided_t_per_year += float(r["co2_avoided_t_per_year"])
        unit = str(info.get("unit") or r.get("unit") or "")
        label = unit if info.get("pricing") == "peak" else f"{unit}/yr"
        t.quantities[label] = t.quantities.get(label, 0.0) + float(r["quantity"])
    for t in out.values():
        for m in t.theme.measures:
            if measures and measures.get(m) is not None:
                t.measures[m] = float(measures[m])
            elif m in matches.columns:
                t.measures[m] = float(matches[m].sum()) if len(matches) else 0.0
    return [out[t.name] for t in THEMES]

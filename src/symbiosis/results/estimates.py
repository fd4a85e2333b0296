"""How much of a result rests on estimated streams (DESIGN.md section 4f: "62 % of the savings rest on estimated streams").

A match rests on estimates when one of its streams (the supply or the demand of an
exchange; the member's demand of a pool) has ``source`` = ``estimated: <coefficient
id>``, as ``symbiosis estimate`` writes it. The share of the savings is the savings
of those matches over the net savings of all matches (none when the net savings are
not above zero); the same for CO2 avoided. ``summary.json`` carries the figures under
``estimates`` (only for a scenario with estimated streams); the report and the
command line say them in one line (``io.write.report.html.estimates_line``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from symbiosis.schema import Scenario


def estimate_share(scenario: Scenario, matches: pd.DataFrame) -> dict[str, Any] | None:
    """The ``estimates`` block of ``summary.json``, or None when no stream of the scenario is estimated."""
    estimated = {s.id for s in scenario.streams if s.estimated}
    if not estimated:
        return None
    if len(matches):
        on = matches["supply_stream"].isin(estimated) | matches["demand_stream"].isin(estimated)
        savings, co2 = matches["savings_eur_per_year"], matches["co2_avoided_t_per_year"]
    else:
        on = pd.Series(dtype=bool)
        savings = co2 = pd.Series(dtype=float)
    net, net_co2 = float(savings.sum()), float(co2.sum())
    on_savings, on_co2 = float(savings[on].sum()), float(co2[on].sum())
    return {
        "n_streams": len(scenario.streams),
        "n_estimated_streams": len(estimated),
        "n_companies_estimated": len({s.company for s in scenario.streams if s.id in estimated}),
        "n_matches": len(matches),
        "n_matches_on_estimates": int(on.sum()),
        "savings_on_estimates_eur_per_year": on_savings,
        "savings_share": on_savings / net if net > 0 else None,
        "co2_on_estimates_t_per_year": on_co2,
        "co2_share": on_co2 / net_co2 if net_co2 > 0 else None,
    }


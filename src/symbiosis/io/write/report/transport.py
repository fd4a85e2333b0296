"""The report's table of what pool members pay to reach their shared facility (DESIGN.md section 4, pools).

A member of a ``road`` resource pays t_{d,f} per unit of its quantity to bring it to
the facility, and emits its road CO2; ``links.csv`` may give that cost, the CO2, the
distance, or a yearly membership cost g_{d,f}. The figures are recomputed from the
scenario as solved (``scenario.json``) through ``economics``, as the checker does.
"""

from __future__ import annotations

import pandas as pd

from symbiosis import economics
from symbiosis.io.read.results import ResultFiles
from symbiosis.schema import Scenario

TRANSPORT_COLUMNS = [
    "facility",
    "demand_stream",
    "distance_km",
    "transport_eur_per_year",
    "membership_cost_eur_per_year",
    "transport_co2_t_per_year",
    "given_by",
]


def pool_transport(res: ResultFiles) -> pd.DataFrame:
    """One row per pool member whose way to the facility costs money or CO2 (empty if none)."""
    m = res.matches
    pools = m[m["kind"] == "pool"] if len(m) else m
    if not len(pools) or not res.scenario:
        return pd.DataFrame(columns=TRANSPORT_COLUMNS)
    doc = res.scenario
    scenario = Scenario.from_tables(**doc.get("tables", {}), settings=doc.get("settings"), name=doc.get("name", ""))
    sites = {f.id: f for f in reversed(scenario.facilities)}
    rows = []
    for r in pools.itertuples(index=False):
        site, d = sites.get(r.source), scenario.stream_by_id.get(r.demand_stream)
        if site is None or d is None:
            continue
        link = scenario.link_index.membership(site.id, d)
        t = economics.member_terms(scenario.settings, scenario.resource_by_id[site.resource], d, site, float(r.distance_km), link)
        cost = -(t.parts["road_to_facility"] + t.parts["link_transport"])
        fixed = -t.parts["membership_cost"]
        co2 = -(t.parts["co2_road_to_facility"] + t.parts["co2_link_transport"])
        if cost == 0 and fixed == 0 and co2 == 0:
            continue
        rows.append([site.id, d.id, float(r.distance_km), cost, fixed, co2, "links.csv" if link is not None else "road (computed)"])
    return pd.DataFrame(rows, columns=TRANSPORT_COLUMNS)

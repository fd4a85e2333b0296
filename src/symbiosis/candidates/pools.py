"""Candidate pools: the size options of every facility and the demands that may join it."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from symbiosis import economics
from symbiosis.candidates.table import MEMBERSHIP_COLUMNS, OPTION_COLUMNS
from symbiosis.schema import Scenario, Stream
from symbiosis.types import WEIGHTED, Objective


def build_pool_candidates(
    scenario: Scenario, demands: list[Stream], objective: Objective = WEIGHTED, keep_all: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Size options of every facility, and the demand streams that may join it.

    A demand of the facility's resource may join when its company lies within the
    facility's max_distance_km (haversine x detour, or the links.csv distance), and it
    can add to the objective in use: its value ((p_d - cost_eur_per_unit - t_{d,f}) Q_d
    - g_{d,f}) or its CO2 (``economics.member_terms``, ``economics.of_use``).
    ``keep_all`` keeps the memberships that cannot add to it too (a fixed network's members).
    """
    st = scenario.settings
    companies = scenario.company_by_id
    options: list[dict[str, object]] = []
    members: list[dict[str, object]] = []
    by_resource: dict[str, list[Stream]] = defaultdict(list)
    for d in demands:
        by_resource[d.resource].append(d)
    seen: dict[str, int] = {}
    for f in scenario.facilities:
        k = seen.get(f.id, 0)
        seen[f.id] = k + 1
        options.append(
            {
                "facility": f.id,
                "option": k,
                "capacity": f.capacity,
                "fixed_cost_eur_per_year": economics.pool_fixed_cost(f.capex_eur, f.opex_eur_per_year, st),
            }
        )
        if k > 0:
            continue  # options share the site, the resource and the catchment
        cands = by_resource.get(f.resource, [])
        if not cands:
            continue
        lat = np.array([companies[d.company].lat for d in cands])
        lon = np.array([companies[d.company].lon for d in cands])
        dist = economics.distance_km(np.full(len(cands), f.lat), np.full(len(cands), f.lon), lat, lon, st)
        resource = scenario.resource_by_id[f.resource]
        for d, km in zip(cands, dist.tolist()):
            link = scenario.link_index.membership(f.id, d)
            if link is not None and link.distance_km is not None:
                km = link.distance_km
            if km > f.max_distance_km:
                continue
            terms = economics.member_terms(st, resource, d, f, km, link)
            value, co2 = terms.value_eur_per_year, terms.co2_t_per_year
            if not keep_all and not economics.of_use(np.array([value]), np.array([co2 * 1000.0]), st, objective)[0]:
                continue
            members.append(
                {
                    "facility": f.id,
                    "demand_stream": d.id,
                    "company": d.company,
                    "distance_km": float(km),
                    "quantity": d.quantity,
                    "cost_eur_per_unit": f.cost_eur_per_unit,
                    "value_eur_per_year": value,
                    "co2_t_per_year": co2,
                }
            )
    opt = pd.DataFrame(options, columns=OPTION_COLUMNS)
    mem = pd.DataFrame(members, columns=MEMBERSHIP_COLUMNS)
    # A facility nobody can join is never worth building.
    opt = opt[opt["facility"].isin(set(mem["facility"]))].reset_index(drop=True)
    return opt, mem

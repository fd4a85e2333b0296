"""Candidate pools: the size options of every facility and the demands that may join it."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from symbiosis import economics, measures
from symbiosis.candidates.table import MEMBERSHIP_COLUMNS, OPTION_COLUMNS
from symbiosis.schema import HOLDING_STAGES, Scenario, Stream
from symbiosis.types import WEIGHTED, Objective


def build_pool_candidates(
    scenario: Scenario,
    demands: list[Stream],
    objective: Objective = WEIGHTED,
    keep_all: bool = False,
    excluded: dict[tuple[str, str], str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Size options of every facility, the demand streams that may join it, and every measure's
    coefficients of each option and membership (``symbiosis.measures``), by measure.

    A demand of the facility's resource may join when its company lies within the
    facility's max_distance_km (haversine x detour, or the links.csv distance), and it
    can add to the objective in use (``measures.of_use``): its value ((p_d -
    cost_eur_per_unit - t_{d,f}) Q_d - g_{d,f}), its CO2 (``economics.member_terms``) or
    another measure the objective asks for. ``keep_all`` keeps the memberships that
    cannot add to it too (a fixed network's members).

    The stage of a membership (progress.csv, a facility and a demand stream) decides too:
    a ``rejected`` one is no candidate, an ``agreed`` or ``realised`` one is held (kept,
    and joined in every network: ``required``). ``excluded`` receives why a membership
    that a progress row names is no candidate.
    """
    st = scenario.settings
    companies = scenario.company_by_id
    options: list[dict[str, object]] = []
    members: list[dict[str, object]] = []
    option_coef: list[dict[str, float]] = []
    member_coef: list[dict[str, float]] = []
    by_resource: dict[str, list[Stream]] = defaultdict(list)
    for d in demands:
        by_resource[d.resource].append(d)
    # The demands' coordinates, once per resource rather than once per facility.
    where = {r: (np.array([companies[d.company].lat for d in ds]), np.array([companies[d.company].lon for d in ds])) for r, ds in by_resource.items()}
    seen: dict[str, int] = {}
    # A facility whose size option itself adds to the objective in use (land freed minimised, a ceiling on
    # it) keeps every member within reach: a member may pay its way by letting the option be built.
    helps: dict[str, bool] = defaultdict(bool)
    for f in scenario.facilities:
        coef = measures.option_coefficients(measures.OptionFacts(st, scenario.resource_by_id[f.resource], f))
        helps[f.id] |= bool(measures.of_use(objective, st, {m: np.array([v]) for m, v in coef.items()})[0])
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
        resource = scenario.resource_by_id[f.resource]
        option_coef.append(measures.option_coefficients(measures.OptionFacts(st, resource, f)))
        if k > 0:
            continue  # options share the site, the resource and the catchment
        cands = by_resource.get(f.resource, [])
        if not cands:
            continue
        lat, lon = where[f.resource]
        dist = economics.distance_km(np.full(len(cands), f.lat), np.full(len(cands), f.lon), lat, lon, st)
        for d, km in zip(cands, dist.tolist()):
            row = scenario.progress_index.membership_row(f.id, d.id) if scenario.progress else None
            stage = scenario.progress[row].stage if row is not None else "proposed"
            link = scenario.link_index.membership(f.id, d)
            if link is not None and link.distance_km is not None:
                km = link.distance_km
            if km > f.max_distance_km:
                if row is not None and excluded is not None:
                    excluded[(f.id, d.id)] = f"{d.company} lies {km:.3f} km from the facility, beyond its {f.max_distance_km:g} km"
                continue
            if stage == "rejected":
                if excluded is not None:
                    excluded[(f.id, d.id)] = "rejected"
                continue
            terms = economics.member_terms(st, resource, d, f, km, link)
            value, co2 = terms.value_eur_per_year, terms.co2_t_per_year
            coef = measures.member_coefficients(measures.MemberFacts(st, resource, d, float(km), terms))
            held = stage in HOLDING_STAGES
            if not keep_all and not held and not helps[f.id] and not measures.of_use(objective, st, {m: np.array([v]) for m, v in coef.items()})[0]:
                if row is not None and excluded is not None:
                    excluded[(f.id, d.id)] = f"it can never pay: joining is worth {value:,.2f} EUR/yr before the facility's cost"
                continue
            member_coef.append(coef)
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
                    "stage": stage,
                    "required": held,
                }
            )
    opt = pd.DataFrame(options, columns=OPTION_COLUMNS)
    mem = pd.DataFrame(members, columns=MEMBERSHIP_COLUMNS)
    # A facility nobody can join is never worth building.
    joined = opt["facility"].isin(set(mem["facility"])).to_numpy(dtype=bool)
    opt = opt[joined].reset_index(drop=True)
    by_option = {m: np.array([c[m] for c in option_coef], dtype=float)[joined] for m in measures.MEASURES}
    by_member = {m: np.array([c[m] for c in member_coef], dtype=float) for m in measures.MEASURES}
    return opt, mem, by_option, by_member

"""Candidate shared facilities of a generated park: where they go and their size options.

Per park: mobility hubs about one per 100 companies, residual-waste hubs (at the waste
broker) and company restaurants about one per 150, and in some parks with a moulding
or electronics plant a low-temperature heat loop. Each candidate gets size options
from the demand within its reach (its catchment's peak per-slot load), with the
capex and opex of the Haasrode facilities.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, NamedTuple

import numpy as np

from symbiosis.generate.factors import FACTORS, LAND_PER_SPACE, round_to
from symbiosis.generate.geography import WASTE_BROKER, Firm, dist_km

HEAT_LOOP_ANCHORS = ("moulding", "electronics")  # archetypes whose waste heat may feed a park's heat loop
HEAT_LOOP_ODDS = 0.35


class Option(NamedTuple):
    """A size option: a fraction of the catchment's peak per-slot load, and its cost.

    With ``ref`` None, ``capex`` and ``opex`` are per unit of capacity; otherwise they
    are those of a reference facility serving ``ref`` units a year, scaled by
    (served / ref) ** exponent.
    """

    fraction: float
    capex: float
    opex: float
    ref: float | None = None
    capex_exp: float = 1.0
    opex_exp: float = 1.0


def slot_loads(stream: dict[str, Any], shapes: dict[str, tuple[float, ...]], peak: bool, n_slots: int) -> np.ndarray:
    """Per-slot quantity of a stream (contract section 3), over ``n_slots`` slots."""
    prof = stream.get("profile")
    if prof is None:
        return np.full(n_slots, stream["quantity"] if peak else stream["quantity"] / n_slots)
    shape = np.array(shapes[prof], dtype=float)
    return stream["quantity"] * shape / (shape.max() if peak else shape.sum())  # type: ignore[no-any-return]


def facilities(
    firms: list[Firm], streams: list[dict[str, Any]], shapes: dict[str, tuple[float, ...]], sites: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Size options of every candidate facility, from the demand within its reach."""
    pos = {f.id: (f.lat, f.lon) for f in firms}
    by_res: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in streams:
        if s["direction"] == "demand":
            by_res[s["resource"]].append(s)
    coords = {
        r: (np.array([pos[s["company"]][0] for s in ss]), np.array([pos[s["company"]][1] for s in ss]), np.array([s["price_eur_per_unit"] for s in ss]))
        for r, ss in by_res.items()
    }
    rows: list[dict[str, Any]] = []
    for site in sites:
        cands = by_res.get(site["resource"], [])
        if not cands:
            continue
        lat, lon, price = coords[site["resource"]]
        near = (dist_km(lat, lon, site["lat"], site["lon"]) <= site["max_distance_km"]) & (price > site["cost_eur_per_unit"])
        members = [cands[i] for i in np.flatnonzero(near)]
        if not members:
            continue
        peak = site["resource"] == "parking"
        n_slots = max((len(shapes[s["profile"]]) for s in members if s.get("profile")), default=1)
        load = float(np.max(sum(slot_loads(s, shapes, peak, n_slots) for s in members)))  # peak of the summed need
        annual = float(sum(s["quantity"] for s in members))
        base = {k: site[k] for k in ("id", "name", "resource", "lat", "lon", "cost_eur_per_unit", "max_distance_km")}
        seen: set[float] = set()
        for opt in site["options"]:
            cap = max(site["step"], round_to(opt.fraction * load, site["step"]))
            if cap in seen:
                continue
            seen.add(cap)
            if opt.ref is None:  # cost per unit of capacity
                capex, opex = opt.capex * cap, opt.opex * cap
            else:  # economies of scale on the yearly amount served when full
                scale = opt.fraction * annual / opt.ref
                capex, opex = opt.capex * scale**opt.capex_exp, opt.opex * scale**opt.opex_exp
            rows.append({**base, "capacity": cap, "capex_eur": round_to(capex, 1000), "opex_eur_per_year": round_to(opex, 100)})
    return rows


def _spread(pool: list[Firm], k: int, rng: np.random.Generator) -> list[Firm]:
    """k sites among ``pool``: a random first, then farthest-point sampling."""
    if not pool:
        return []
    chosen = [pool[int(rng.integers(len(pool)))]]
    lat = np.array([f.lat for f in pool])
    lon = np.array([f.lon for f in pool])
    dmin = dist_km(lat, lon, chosen[0].lat, chosen[0].lon)
    while len(chosen) < min(k, len(pool)):
        j = int(np.argmax(dmin))
        chosen.append(pool[j])
        dmin = np.minimum(dmin, dist_km(lat, lon, pool[j].lat, pool[j].lon))
    return chosen


def facility_sites(firms: list[Firm], streams: list[dict[str, Any]], rng: np.random.Generator) -> list[dict[str, Any]]:
    """Where candidate facilities go: parking hubs ~1 per 100 firms, waste hubs and canteens ~1 per 150."""
    has: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in streams:
        has[s["resource"], s["direction"]].add(s["company"])
    by_park: dict[int, list[Firm]] = defaultdict(list)
    for f in firms:
        by_park[f.park].append(f)
    width = max(2, len(str(len(by_park))))
    sites: list[dict[str, Any]] = []
    surface = FACTORS["parking_surface_capex"] + LAND_PER_SPACE  # 11,500 EUR/space
    deck = FACTORS["parking_garage_capex"] + LAND_PER_SPACE / 4  # 16,875 EUR/space, 4 levels
    for p in sorted(by_park):
        park = by_park[p]
        tag = f"p{p:0{width}d}"
        parkers = [f for f in park if f.id in has["parking", "demand"]]
        for k, f in enumerate(_spread(parkers, max(1, round(len(park) / 100)), rng), start=1):
            sites.append(
                {
                    "id": f"parking_hub_{tag}_{k}", "name": f"Mobility hub {k} of park {p}", "resource": "parking",
                    "lat": f.lat, "lon": f.lon, "cost_eur_per_unit": 25.0, "max_distance_km": 0.8, "step": 25,
                    # two surface lots and a multi-storey hub
                    "options": [
                        Option(0.35, surface, FACTORS["parking_surface_opex"]),
                        Option(0.7, surface, FACTORS["parking_surface_opex"]),
                        Option(1.0, deck, FACTORS["parking_garage_opex"]),
                    ],
                }
            )  # fmt: skip
        recyclers = [f for f in park if f.archetype.key == WASTE_BROKER] or park
        wasters = [f for f in park if f.id in has["waste_collection", "demand"]]
        n_hubs = max(1, round(len(park) / 150))
        hubs = recyclers[:n_hubs] if len(recyclers) >= n_hubs else _spread(wasters, n_hubs, rng)
        for k, f in enumerate(hubs, start=1):
            sites.append(
                {
                    "id": f"waste_hub_{tag}_{k}", "name": f"Shared residual-waste hub {k} of park {p}", "resource": "waste_collection",
                    "lat": f.lat, "lon": f.lon, "cost_eur_per_unit": 145.0, "max_distance_km": 3.0, "step": 50,
                    # haasrode facilities.csv: 1,200 t/yr for 80 kEUR + 22 kEUR/yr, 2,400 t for 120 + 30
                    "options": [Option(x, 80000, 22000, 1200, 0.585, 0.45) for x in (0.5, 1.0)],
                }
            )  # fmt: skip
        diners = [f for f in park if f.id in has["meals", "demand"]]
        for k, f in enumerate(_spread(diners, max(1, round(len(park) / 150)), rng), start=1):
            sites.append(
                {
                    "id": f"canteen_{tag}_{k}", "name": f"Shared company restaurant {k} of park {p}", "resource": "meals",
                    "lat": f.lat, "lon": f.lon, "cost_eur_per_unit": 6.0, "max_distance_km": 0.7, "step": 1000,
                    # haasrode facilities.csv: 110,000 meals/yr for 1.71 MEUR + 60 kEUR/yr, 220,000 for 3.06 + 100
                    "options": [Option(x, 1710000, 60000, 110000, 0.84, 0.74) for x in (0.5, 1.0)],
                }
            )  # fmt: skip
        sources = [f for f in park if f.archetype.key in HEAT_LOOP_ANCHORS and (f.id in has["heat", "supply"])]
        if sources and rng.random() < HEAT_LOOP_ODDS:
            f = sources[int(rng.integers(len(sources)))]
            sites.append(
                {
                    "id": f"heat_loop_{tag}", "name": f"Low-temperature loop with central heat pump, park {p}", "resource": "heat",
                    "lat": f.lat, "lon": f.lon, "cost_eur_per_unit": 46.0, "max_distance_km": 1.0, "step": 10,
                    # haasrode facilities.csv: 1,000 MWh in the peak month (~6,200 MWh/yr) for
                    # 2.5 MEUR + 50 kEUR/yr, twice that for 4.7 MEUR + 94 kEUR/yr
                    "options": [Option(x, 2500000, 50000, 6200, 0.91, 0.91) for x in (0.5, 1.0)],
                }
            )  # fmt: skip
    return sites

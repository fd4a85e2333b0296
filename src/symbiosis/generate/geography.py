"""Where the firms of a generated park are, and who they are: parks, clusters, positions, sizes.

Up to 300 companies form one park around (50.85 N, 4.71 E), on a disc whose area
grows with N at Haasrode's density (haasrode.md §1: ~300 companies on ~190 ha), with a
research zone and a craft zone (Researchpark and Ambachtenzone). Beyond 300 companies
the generator builds a region: round(N/200) parks of 100-300 companies, in clusters of
up to five parks 2.5-6 km apart (like the parks around Leuven), with cluster centres at
least 12 km apart within 30 km of the first. Road materials travel up to 15 km, so a
firm trades with its own cluster.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from symbiosis.generate.archetypes import ARCHETYPES, Archetype
from symbiosis.generate.factors import SETTINGS_BASE
from symbiosis.geodesy import haversine_km

CENTRE = (50.85, 4.71)  # Haasrode, south of Leuven
COMPANIES_PER_HA = 300 / 190  # haasrode.md §1
SINGLE_PARK_MAX = 300
PARK_MEAN = 200
PARK_MIN, PARK_MAX = 100, 300
PARKS_PER_CLUSTER = 5
CLUSTER_RADIUS_KM = 6.0
MIN_PARK_SEPARATION_KM = 2.5
REGION_RADIUS_KM = 30.0
MIN_CLUSTER_SEPARATION_KM = 12.0
KM_PER_DEG_LAT = 111.32
CRAFT_ZONE = {"craft_trades", "wholesale_logistics"}  # sectors that take the craft end of a park
WASTE_BROKER = "recycler"  # every park of 10+ firms has one: recyclables always have a buyer


@dataclass
class Firm:
    """A generated company."""

    id: str
    archetype: Archetype
    park: int
    lat: float
    lon: float
    fte: int
    students: int = 0


def apportion(total: int, weights: Sequence[float] | np.ndarray, rng: np.random.Generator) -> list[int]:
    """Split ``total`` in proportion to ``weights``: floors, then the rest drawn by remainder."""
    w = np.asarray(weights, dtype=float)
    exact = total * w / w.sum()
    counts = np.floor(exact).astype(int)
    rest = total - int(counts.sum())
    if rest > 0:
        rem = exact - counts
        pick = rng.choice(len(w), size=rest, replace=False, p=rem / rem.sum())
        counts[pick] += 1
    return [int(c) for c in counts]


def km_to_deg(lat0: float, dx_km: np.ndarray, dy_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return dy_km / KM_PER_DEG_LAT, dx_km / (KM_PER_DEG_LAT * math.cos(math.radians(lat0)))


def dist_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """Haversine x detour factor, as the candidate generator measures it."""
    return haversine_km(lat0, lon0, lat, lon) * SETTINGS_BASE["detour_factor"]  # type: ignore[type-var,no-any-return]


def _scatter(k: int, radius: float, min_sep: float, rng: np.random.Generator) -> list[tuple[float, float]]:
    """``k`` points (km) in a disc, the first at its centre, at least ``min_sep`` apart when possible."""
    pts: list[tuple[float, float]] = [(0.0, 0.0)]
    tries = 0
    while len(pts) < k:
        rr, th = radius * math.sqrt(rng.random()), 2 * math.pi * rng.random()
        x, y = rr * math.cos(th), rr * math.sin(th)
        tries += 1
        if tries > 2000 or all(math.hypot(x - a, y - b) >= min_sep for a, b in pts):
            pts.append((x, y))
    return pts


def _layout(n: int, rng: np.random.Generator) -> tuple[list[int], list[tuple[float, float]]]:
    """Park sizes and centres: one park up to 300 companies, else clusters of parks.

    Beyond 300 companies: round(N/200) parks of 100-300 companies, grouped in
    clusters of up to five (parks 2.5-6 km apart, like the parks around Leuven),
    whose centres lie at least 12 km apart within 30 km of the first.
    """
    if n <= SINGLE_PARK_MAX:
        return [n], [CENTRE]
    k = max(2, round(n / PARK_MEAN))
    sizes = apportion(n, rng.uniform(0.5, 1.5, size=k), rng)
    # Keep every park within 100-300 firms (N/k lies between 150 and 300).
    sizes = [min(PARK_MAX, max(PARK_MIN, x)) for x in sizes]
    i = 0
    while sum(sizes) != n:
        step = 1 if sum(sizes) < n else -1
        if PARK_MIN <= sizes[i % k] + step <= PARK_MAX:
            sizes[i % k] += step
        i += 1
    m = math.ceil(k / PARKS_PER_CLUSTER)
    clusters = _scatter(m, REGION_RADIUS_KM, MIN_CLUSTER_SEPARATION_KM, rng)
    per_cluster = apportion(k, [1.0] * m, rng)
    centres_km: list[tuple[float, float]] = []
    for (cx, cy), kc in zip(clusters, per_cluster):
        centres_km += [(cx + x, cy + y) for x, y in _scatter(kc, CLUSTER_RADIUS_KM, MIN_PARK_SEPARATION_KM, rng)]
    lat0, lon0 = CENTRE
    centres = []
    for x, y in centres_km:
        dlat, dlon = km_to_deg(lat0, np.array(x), np.array(y))
        centres.append((round(lat0 + float(dlat), 6), round(lon0 + float(dlon), 6)))
    return sizes, centres


def _archetype_counts(n: int, rng: np.random.Generator) -> list[int]:
    counts = apportion(n, [a.per_300 for a in ARCHETYPES], rng)
    # Every park of 10+ firms has a waste broker: recyclables always have a buyer
    # within trucking distance (the Haasrode recycling yard, haasrode.md §3).
    keys = [a.key for a in ARCHETYPES]
    rec = keys.index(WASTE_BROKER)
    if n >= 10 and counts[rec] == 0:
        big = int(np.argmax(counts))
        counts[big] -= 1
        counts[rec] += 1
    return counts


def firms(n: int, rng: np.random.Generator) -> list[Firm]:
    """The ``n`` firms: park, archetype, position, FTE (and students), ids ``c0001``, ..."""
    sizes, centres = _layout(n, rng)
    width = max(4, len(str(n)))
    out: list[Firm] = []
    for p, (size, (clat, clon)) in enumerate(zip(sizes, centres), start=1):
        counts = _archetype_counts(size, rng)
        kinds = [a for a, c in zip(ARCHETYPES, counts) for _ in range(c)]
        kinds = [kinds[i] for i in rng.permutation(len(kinds))]
        # Positions: uniform on a disc of the park's area; the craft zone takes the
        # positions at one end of a random axis (Researchpark vs Ambachtenzone).
        radius_km = math.sqrt(size / COMPANIES_PER_HA / 100 / math.pi)
        rho = radius_km * np.sqrt(rng.random(size))
        theta = 2 * math.pi * rng.random(size)
        x, y = rho * np.cos(theta), rho * np.sin(theta)
        axis = 2 * math.pi * rng.random()
        proj = x * math.cos(axis) + y * math.sin(axis)
        order = np.argsort(proj, kind="stable")
        n_craft = sum(1 for a in kinds if a.sector in CRAFT_ZONE)
        craft_pos, other_pos = list(order[:n_craft]), list(order[n_craft:])
        dlat, dlon = km_to_deg(clat, x, y)
        for a in kinds:
            pos = craft_pos.pop(0) if a.sector in CRAFT_ZONE else other_pos.pop(0)
            mu = math.log(a.fte_mean) - a.fte_sigma**2 / 2
            fte = int(min(a.fte_max, max(1, round(float(rng.lognormal(mu, a.fte_sigma))))))
            students = 0
            if a.students is not None:
                mean, sigma = a.students
                students = int(round(float(rng.lognormal(math.log(mean) - sigma**2 / 2, sigma)), -1))
            out.append(
                Firm(
                    id=f"c{len(out) + 1:0{width}d}",
                    archetype=a,
                    park=p,
                    lat=round(clat + float(dlat[pos]), 6),
                    lon=round(clon + float(dlon[pos]), 6),
                    fte=fte,
                    students=students,
                )
            )
    return out

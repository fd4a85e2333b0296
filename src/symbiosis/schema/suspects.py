"""Input that is legal but suspect: the scenario-level warnings (contract section 5).

``scenario_warnings`` looks at the validated records of every table and returns one
``InputWarning`` per finding, naming file, row and column like a problem:

- a company (or facility) at 0,0: almost always a missing coordinate;
- a company farther than ``FAR_KM`` from every other company and facility: out of
  reach of any exchange, and often latitude and longitude swapped (said so when
  swapping them would bring it near the others);
- ids of one table that differ only in case (``A-pal`` and ``a-pal``): two records to
  symbiosis, usually one meant twice;
- a ``min_quantity`` above the stream's own quantity: the stream can never be matched.

The reader-level warnings (a column name close to a contract column) are found by the
readers and passed in through the validation context.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from symbiosis.errors import InputWarning
from symbiosis.geodesy import haversine_km

Origin = Mapping[str, tuple[str, Sequence[int | None]]]

FAR_KM = 100.0  # no exchange in the contract's defaults reaches this far (max_distance_km 15)
ID_KEYS = {"companies": "id", "resources": "id", "streams": "id", "facilities": "id", "profiles": "profile"}


def scenario_warnings(tables: Mapping[str, Sequence[Any]], origin: Origin) -> list[InputWarning]:
    """Every scenario-level warning; see the module docstring."""
    out: list[InputWarning] = []
    out += _null_island(tables, origin)
    out += _isolated(tables, origin)
    for table, key in ID_KEYS.items():
        out += _case_twins(tables.get(table, ()), key, origin[table])
    sfile, srows = origin["streams"]
    for i, s in enumerate(tables["streams"]):
        if s.min_quantity is not None and s.min_quantity > s.quantity:
            out.append(
                InputWarning(
                    sfile, srows[i], "min_quantity", f"{s.min_quantity:g} is above the stream's quantity {s.quantity:g}; the stream can never be matched"
                )
            )
    return out


def _null_island(tables: Mapping[str, Sequence[Any]], origin: Origin) -> list[InputWarning]:
    out = []
    for table in ("companies", "facilities"):
        file, rows = origin[table]
        for i, rec in enumerate(tables.get(table, ())):
            if rec.lat == 0 and rec.lon == 0:
                out.append(InputWarning(file, rows[i], "lat", f"'{rec.id}' is at 0,0 (in the Gulf of Guinea); is its position missing?"))
    return out


def _isolated(tables: Mapping[str, Sequence[Any]], origin: Origin) -> list[InputWarning]:
    """Companies with no other company or facility within ``FAR_KM``."""
    companies = [c for c in tables["companies"] if not (c.lat == 0 and c.lon == 0)]
    if len(companies) < 2:
        return []
    lat = np.array([c.lat for c in companies] + [f.lat for f in tables.get("facilities", ())], dtype=float)
    lon = np.array([c.lon for c in companies] + [f.lon for f in tables.get("facilities", ())], dtype=float)
    n = len(companies)
    # A company sharing a 0.5-degree cell with another point is within about 80 km of it.
    cells: dict[tuple[int, int], int] = {}
    for la, lo in zip(np.floor(lat * 2).astype(int), np.floor(lon * 2).astype(int)):
        cells[(la, lo)] = cells.get((la, lo), 0) + 1
    lonely = [i for i in range(n) if cells[(int(np.floor(lat[i] * 2)), int(np.floor(lon[i] * 2)))] < 2]
    if not lonely:
        return []
    file, rows = origin["companies"]
    index = {id(c): k for k, c in enumerate(tables["companies"])}
    out = []
    for i in lonely:
        d = haversine_km(lat[i], lon[i], lat, lon)
        d[i] = np.inf
        nearest = int(np.argmin(d))
        if d[nearest] <= FAR_KM:
            continue
        swapped = haversine_km(lon[i], lat[i], np.delete(lat, i), np.delete(lon, i)) if -90 <= lon[i] <= 90 else np.array([np.inf])
        hint = "; are lat and lon swapped?" if float(np.min(swapped)) <= FAR_KM else ""
        c = companies[i]
        other = companies[nearest].id if nearest < n else tables["facilities"][nearest - n].id
        out.append(
            InputWarning(file, rows[index[id(c)]], "lat", f"'{c.id}' is {float(d[nearest]):,.0f} km from the nearest other company or facility ('{other}'){hint}")
        )
    return out


def _case_twins(records: Sequence[Any], key: str, where: tuple[str, Sequence[int | None]]) -> list[InputWarning]:
    """Records whose id equals an earlier record's id but for case (exact repeats are problems elsewhere)."""
    file, rows = where
    values = [getattr(rec, key) for rec in records]
    if len({v.casefold() for v in values}) == len(set(values)):
        return []  # the usual case, found at C speed
    first: dict[str, tuple[str, int | None]] = {}
    out = []
    for i, rec in enumerate(records):
        value = getattr(rec, key)
        folded = value.casefold()
        seen = first.get(folded)
        if seen is None:
            first[folded] = (value, rows[i])
        elif seen[0] != value:
            out.append(
                InputWarning(file, rows[i], key, f"'{value}' differs only in case from '{seen[0]}' (row {seen[1]}); ids are case-sensitive, so these are two different records")
            )
    return out

"""Input that is legal but suspect: the scenario-level warnings (contract section 5).

``scenario_warnings`` looks at the validated records of every table and returns one
``InputWarning`` per finding, naming file, row and column like a problem:

- a company (or facility) at 0,0: almost always a missing coordinate;
- a company farther than ``FAR_KM`` from every other company and facility: out of
  reach of any exchange, and often latitude and longitude swapped (said so when
  swapping them would bring it near the others);
- ids of one table that differ only in case (``A-pal`` and ``a-pal``): two records to
  symbiosis, usually one meant twice;
- a ``min_quantity`` above the stream's own quantity: the stream can never be matched;
- an invisible, filler or direction-control character in a name (refused in ids): it
  shows as nothing, or reorders the text around it, wherever the name is shown;
- links.csv rows that are legal but suspect (``link_warnings``) and uncertainty ranges
  that are (``uncertainty_warnings``).

The reader-level warnings (a column name close to a contract column) are found by the
readers and passed in through the validation context.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from symbiosis.errors import InputWarning
from symbiosis.geodesy import haversine_km
from symbiosis.schema.messages import codepoint, first_invisible
from symbiosis.schema.records import Direction, Pricing
from symbiosis.schema.settings import Settings

Origin = Mapping[str, tuple[str, Sequence[int | None]]]

FAR_KM = 100.0  # no exchange in the contract's defaults reaches this far (max_distance_km 15)
ID_KEYS = {"companies": "id", "resources": "id", "streams": "id", "facilities": "id", "profiles": "profile"}


def scenario_warnings(tables: Mapping[str, Sequence[Any]], origin: Origin, settings: Settings | None = None) -> list[InputWarning]:
    """Every scenario-level warning; see the module docstring."""
    out: list[InputWarning] = []
    out += link_warnings(tables, origin, settings or Settings())
    out += uncertainty_warnings(tables, origin)
    out += _null_island(tables, origin)
    out += _isolated(tables, origin)
    for table, key in ID_KEYS.items():
        out += _case_twins(tables.get(table, ()), key, origin[table])
    out += _hidden_characters(tables, origin)
    sfile, srows = origin["streams"]
    for i, s in enumerate(tables["streams"]):
        if s.min_quantity is not None and s.min_quantity > s.quantity:
            out.append(
                InputWarning(
                    sfile, srows[i], "min_quantity", f"{s.min_quantity:g} is above the stream's quantity {s.quantity:g}; the stream can never be matched"
                )
            )
    return out


# The free-text columns of each table (names and labels: not ids, which refuse these characters).
TEXT_COLUMNS = {"companies": ("name", "sector"), "resources": ("unit",), "facilities": ("name",)}


def _hidden_characters(tables: Mapping[str, Sequence[Any]], origin: Origin) -> list[InputWarning]:
    """Names and labels holding an invisible, filler or direction-control character (``messages.invisible``)."""
    out = []
    for table, columns in TEXT_COLUMNS.items():
        file, rows = origin[table]
        for i, rec in enumerate(tables.get(table, ())):
            for col in columns:
                found = first_invisible(getattr(rec, col) or "")
                if found is not None:
                    ch, what = found
                    out.append(
                        InputWarning(
                            file, rows[i], col,
                            f"holds the {what} character {codepoint(ch)}; it is kept, but shows as nothing"
                            + (" and reorders the text around it" if what == "direction-control" else "")
                            + " wherever the text is shown",
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


# --------------------------------------------------------------------------- links.csv

LONG_RATIO = 100.0  # a link distance this many times the straight line (metres typed as km give 1,000)
NEAR_KM = 0.1  # below this, the straight line is taken as this (neighbours on one site)
SHORT_SHARE = 0.99  # a link distance below this share of the straight line is shorter than it (coordinates rounded)


def link_warnings(tables: Mapping[str, Sequence[Any]], origin: Origin, settings: Settings) -> list[InputWarning]:
    """links.csv rows that are legal but suspect: a company linked to itself, a distance far longer or
    shorter than the straight line, a per-unit cost or CO2 that is ignored (exchanges of a peak-priced
    resource), a row that can never apply. A row naming nothing is a problem elsewhere and skipped here."""
    links = tables.get("links", ())
    if not links:
        return []
    file, rows = origin["links"]
    companies = {c.id: c for c in tables["companies"]}
    streams = {s.id: s for s in tables["streams"]}
    facilities: dict[str, Any] = {}
    for f in tables.get("facilities", ()):
        facilities.setdefault(f.id, f)
    resources = {r.id: r for r in tables["resources"]}
    subs = {(s.supply_resource, s.demand_resource) for s in tables.get("substitutions", ())}
    by_company: dict[tuple[str, Direction], list[Any]] = {}
    for s in tables["streams"]:
        by_company.setdefault((s.company, s.direction), []).append(s)
    out: list[InputWarning] = []
    for i, link in enumerate(links):
        row = rows[i]
        src_site = _site(link.source, companies, streams, facilities)
        tgt_site = _site(link.target, companies, streams, {})
        if src_site is None or tgt_site is None:
            continue  # names nothing (or the wrong thing): a problem, reported elsewhere
        facility = facilities.get(link.source) if link.source not in companies and link.source not in streams else None
        if facility is None and src_site.id == tgt_site.id:
            out.append(InputWarning(file, row, "target", f"links '{src_site.id}' to itself; an exchange is between two companies, so this row never applies"))
            continue
        if link.distance_km is not None:
            straight = haversine_km(src_site.lat, src_site.lon, tgt_site.lat, tgt_site.lon)
            between = f"'{link.source}' and '{link.target}'"
            if link.distance_km >= LONG_RATIO * max(straight, NEAR_KM):
                out.append(InputWarning(file, row, "distance_km", f"{link.distance_km:,.4g} km is {link.distance_km / max(straight, 1e-9):,.0f} times the straight line between {between} ({straight:,.3g} km); metres typed as km?"))
            elif link.distance_km < SHORT_SHARE * straight:
                out.append(InputWarning(file, row, "distance_km", f"{link.distance_km:,.4g} km is shorter than the straight line between {between} ({straight:,.3g} km); no road or pipe is, so the distance or a coordinate is wrong"))
        if facility is not None:
            out += _facility_row_never(file, row, link, facility, streams, by_company)
            continue
        supplies = [streams[link.source]] if link.source in streams else by_company.get((link.source, Direction.supply), [])
        if link.resource is not None:
            supplies = [s for s in supplies if s.resource == link.resource]
        demands = [streams[link.target]] if link.target in streams else by_company.get((link.target, Direction.demand), [])
        pairs = [(s, d) for s in supplies for d in demands if s.company != d.company and (s.resource == d.resource or (s.resource, d.resource) in subs)]
        if not pairs:
            out.append(InputWarning(file, row, "target", f"never applies: no supply of '{link.source}'" + (f" of '{link.resource}'" if link.resource else "") + f" can serve a demand of '{link.target}' (no common resource or substitution)"))
            continue
        reach = max(resources[s.resource].max_distance_km or settings.max_distance_km for s, _ in pairs if s.resource in resources)
        if link.distance_km is not None and link.distance_km > reach:
            out.append(InputWarning(file, row, "distance_km", f"never applies: {link.distance_km:,.4g} km is beyond the distance limit of every resource it could carry ({reach:,.4g} km)"))
        peak = {s.resource for s, _ in pairs if s.resource in resources and resources[s.resource].pricing is Pricing.peak}
        if peak and len(peak) == len({s.resource for s, _ in pairs}):
            for col in ("cost_eur_per_unit", "co2_kg_per_unit"):
                if getattr(link, col) is not None:
                    out.append(InputWarning(file, row, col, f"is ignored: an exchange of the peak-priced resource '{sorted(peak)[0]}' is valued by the peak it cuts, not per unit moved; a yearly cost goes in fixed_cost_eur_per_year"))
    return out


def _site(ref: str, companies: Mapping[str, Any], streams: Mapping[str, Any], facilities: Mapping[str, Any]) -> Any:
    """The company (or facility) whose position a reference stands for, or None."""
    if ref in companies:
        return companies[ref]
    if ref in streams:
        return companies.get(streams[ref].company)
    return facilities.get(ref)


def _facility_row_never(file: str, row: int | None, link: Any, facility: Any, streams: Mapping[str, Any], by_company: Mapping[tuple[str, Direction], list[Any]]) -> list[InputWarning]:
    """A facility row naming no demand of the facility's resource, or a distance beyond its reach: it never applies."""
    demands = [streams[link.target]] if link.target in streams else by_company.get((link.target, Direction.demand), [])
    if not any(d.direction is Direction.demand and d.resource == facility.resource for d in demands):
        return [InputWarning(file, row, "target", f"never applies: '{link.target}' has no demand of '{facility.resource}', the resource of facility '{facility.id}'")]
    if link.distance_km is not None and link.distance_km > facility.max_distance_km:
        return [InputWarning(file, row, "distance_km", f"never applies: {link.distance_km:,.4g} km is beyond facility '{facility.id}''s max_distance_km ({facility.max_distance_km:,.4g} km)")]
    return []


# --------------------------------------------------------------------------- uncertainty.csv

UNIT_SLIP = 1000.0  # a range bound this many times the stream's own value: a unit typed wrong


def uncertainty_warnings(tables: Mapping[str, Sequence[Any]], origin: Origin) -> list[InputWarning]:
    """Ranges of uncertainty.csv that are legal but suspect: a uniform range that leaves out the stream's
    own value (the sweep never samples today's), or one that reaches 1,000 times it (a unit slip).

    A row that no longer fits its stream (a triangular mode outside its range, an unknown stream, a
    price range on a peak supply) is ``checks.stale_uncertainty``: a warning for a solve (the
    scenario's validator adds it), an error for a sweep.
    """
    rows_ = tables.get("uncertainty", ())
    if not rows_:
        return []
    file, rows = origin["uncertainty"]
    streams = {s.id: s for s in tables["streams"]}
    out: list[InputWarning] = []
    for i, u in enumerate(rows_):
        s = streams.get(u.stream)
        if s is None or u.low > u.high:
            continue  # a problem, reported elsewhere
        own = float(getattr(s, u.field))
        if u.distribution == "uniform" and not u.low <= own <= u.high:
            col = "low" if own < u.low else "high"
            out.append(InputWarning(file, rows[i], col, f"the range [{u.low:g}, {u.high:g}] leaves out the stream's own {u.field} {own:g}; the sweep never samples today's value (is the range out of date?)"))
        far = max(abs(u.low), abs(u.high))
        if own != 0 and far >= UNIT_SLIP * abs(own):
            col = "high" if abs(u.high) >= abs(u.low) else "low"
            out.append(InputWarning(file, rows[i], col, f"reaches {far:,.6g}, {far / abs(own):,.0f} times the stream's own {u.field} {own:g}; a unit typed wrong (kg for t, EUR for kEUR)?"))
    return out

"""The tables of a programme's realisation (DESIGN.md section 4g): permits, routes and progress.

``permits.csv`` (``company, ewc``) says which List-of-Waste entries, sub-chapters or
chapters a receiver's environmental permit covers; ``routes.csv`` the ways a waste
exchange can be made legal without that permit (a grondstofverklaring, a by-product
self-assessment, a permit change), each with its cost and lead time; ``progress.csv``
(``source, target, stage, since``) how far each match has come.

This module checks those tables against the rest of the scenario (``programme_problems``,
``programme_warnings``) and answers two questions about them, each in one place:

- ``PermitIndex.permit_for(company, entry)``: the permit row of a receiver that covers an
  entry, if any (the longest prefix: an entry before its sub-chapter before its chapter);
- ``ProgressIndex.row_for(supply, demand)`` and ``.membership_row(facility, demand)``: the
  progress row that holds for an exchange or a pool membership. For an exchange the most
  specific row holds: one naming both streams, then the supply stream and the receiving
  company, then the supplying company and the demand stream, then both companies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from symbiosis.errors import InputWarning, Problem
from symbiosis.schema.codes import ewc_prefix
from symbiosis.schema.records import Direction, Permit, Progress, Stream

Origin = Mapping[str, tuple[str, Sequence[int | None]]]
Tables = Mapping[str, Sequence[Any]]


@dataclass(frozen=True)
class PermitIndex:
    """The permits by company: (prefix, row index) pairs, longest prefix first."""

    by_company: Mapping[str, tuple[tuple[str, int], ...]]
    permits: tuple[Permit, ...]

    def permit_for(self, company: str, entry: str) -> Permit | None:
        """The permit of ``company`` that covers the entry ``entry`` (``15 01 01``), or None."""
        for prefix, i in self.by_company.get(company, ()):
            if entry.startswith(prefix):
                return self.permits[i]
        return None


def permit_index(permits: Sequence[Permit]) -> PermitIndex:
    """Index the permits (rows whose code names nothing are skipped: the scenario refuses them)."""
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for i, p in enumerate(permits):
        prefix = ewc_prefix(p.ewc)
        if prefix is not None:
            found[p.company].append((prefix, i))
    return PermitIndex({c: tuple(sorted(v, key=lambda x: (-len(x[0]), x[1]))) for c, v in found.items()}, tuple(permits))


@dataclass(frozen=True)
class ProgressIndex:
    """The progress rows by (source, target), and their positions in the table."""

    rows: Mapping[tuple[str, str], int]
    progress: tuple[Progress, ...]
    memberships: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def row_for(self, supply: Stream, demand: Stream) -> int | None:
        """The position of the row that holds for the exchange supply -> demand (most specific first), or None."""
        for key in ((supply.id, demand.id), (supply.id, demand.company), (supply.company, demand.id), (supply.company, demand.company)):
            i = self.rows.get(key)
            if i is not None:
                return i
        return None

    def membership_row(self, facility: str, demand: str) -> int | None:
        """The position of the row naming the pool membership facility -> demand stream, or None."""
        return self.memberships.get((facility, demand))

    def stage_of(self, supply: Stream, demand: Stream) -> str | None:
        i = self.row_for(supply, demand)
        return None if i is None else self.progress[i].stage


def progress_index(progress: Sequence[Progress], facility_ids: set[str]) -> ProgressIndex:
    """Index the progress rows; rows whose source is a facility are memberships."""
    rows: dict[tuple[str, str], int] = {}
    members: dict[tuple[str, str], int] = {}
    for i, p in enumerate(progress):
        (members if p.source in facility_ids else rows).setdefault((p.source, p.target), i)
    return ProgressIndex(rows, tuple(progress), members)


def programme_problems(tables: Tables, origin: Origin, raw_ids: Mapping[str, set[str]], unreadable: frozenset[str] = frozenset()) -> list[Problem]:
    """Every problem of permits.csv, routes.csv and progress.csv against the rest of the scenario.

    Codes (``codes``, as field validators), numbers and stages are checked by the record models.
    Ids of records that failed validation, or of a table that could not be read, count as known.
    """
    out: list[Problem] = []
    broken = {"companies", "streams", "facilities"} & set(unreadable)
    companies = {c.id for c in tables["companies"]} | raw_ids.get("companies", set())
    streams = {s.id: s for s in tables["streams"]}
    stream_ids = set(streams) | raw_ids.get("streams", set())
    facilities: dict[str, str] = {f.id: f.resource for f in tables["facilities"]}
    facility_ids = set(facilities) | raw_ids.get("facilities", set())

    pfile, prows = origin["permits"]
    seen_permits: dict[tuple[str, str | None], int | None] = {}
    for i, p in enumerate(tables["permits"]):
        if "companies" not in unreadable and p.company not in companies:
            kind = " (a stream id: a permit belongs to a company)" if p.company in stream_ids else ""
            out.append(Problem(pfile, prows[i], "company", f"unknown company '{p.company}'{kind}"))
        key = (p.company, ewc_prefix(p.ewc))
        if key[1] is not None and key in seen_permits:
            out.append(Problem(pfile, prows[i], "ewc", f"company '{p.company}' has a permit for {key[1]} already (row {seen_permits[key]})"))
        seen_permits.setdefault(key, prows[i])

    rfile, rrows = origin["routes"]
    seen_routes: dict[str, int | None] = {}
    for i, r in enumerate(tables["routes"]):
        if r.route in seen_routes:
            out.append(Problem(rfile, rrows[i], "route", f"duplicate route '{r.route}' (first at row {seen_routes[r.route]})"))
        seen_routes.setdefault(r.route, rrows[i])

    gfile, grows = origin["progress"]
    seen_pairs: dict[tuple[str, str], int | None] = {}
    for i, g in enumerate(tables["progress"]):
        where = (gfile, grows[i])
        if broken:
            break  # one unreadable table, one message
        out += _progress_row(g, where, companies, streams, stream_ids, facilities, facility_ids)
        if (g.source, g.target) in seen_pairs:
            out.append(Problem(gfile, grows[i], "target", f"{g.source} -> {g.target} has a stage already (row {seen_pairs[(g.source, g.target)]}); keep one row per pair"))
        seen_pairs.setdefault((g.source, g.target), grows[i])
    return out


def _progress_row(
    g: Progress,
    where: tuple[str, int | None],
    companies: set[str],
    streams: Mapping[str, Stream],
    stream_ids: set[str],
    facilities: Mapping[str, str],
    facility_ids: set[str],
) -> list[Problem]:
    """The problems of one progress row: what its source and target name, and whether they can be a match."""
    file, row = where
    out: list[Problem] = []
    kinds = {
        col: [k for k, ids in (("company", companies), ("stream", stream_ids), ("facility", facility_ids)) if getattr(g, col) in ids]
        for col in ("source", "target")
    }
    for col, found in kinds.items():
        ref = getattr(g, col)
        if len(found) > 1:
            out.append(Problem(file, row, col, f"'{ref}' is both a {' and a '.join(found)} id; rename one"))
        elif not found:
            allowed = "a company, a supply stream or a facility" if col == "source" else "a company or a demand stream"
            out.append(Problem(file, row, col, f"'{ref}' names nothing in the scenario (expected {allowed} id)"))
    if out:
        return out
    source, target = kinds["source"][0], kinds["target"][0]
    if target == "facility":
        out.append(Problem(file, row, "target", f"'{g.target}' is a facility; a membership is written facility -> demand stream (source -> target)"))
    s, d = streams.get(g.source), streams.get(g.target)
    if source == "stream" and s is not None and s.direction is not Direction.supply:
        out.append(Problem(file, row, "source", f"'{g.source}' is a demand stream; the source of a match is a supply stream, a company or a facility"))
    if target == "stream" and d is not None and d.direction is not Direction.demand:
        out.append(Problem(file, row, "target", f"'{g.target}' is a supply stream; the target of a match is a demand stream or a company"))
    if source == "facility":
        if target == "company":
            out.append(Problem(file, row, "target", f"'{g.target}' is a company; a pool membership names the facility and one demand stream"))
        elif d is not None and g.source in facilities and d.resource != facilities[g.source]:
            out.append(Problem(file, row, "target", f"'{g.target}' is a demand of {d.resource}, but facility '{g.source}' serves {facilities[g.source]}"))
    return out


def programme_warnings(tables: Tables, origin: Origin) -> list[InputWarning]:
    """Legal but suspect rows: a route that no exchange can use, permits or routes where no supply has an ``ewc`` code."""
    out: list[InputWarning] = []
    rfile, rrows = origin["routes"]
    for i, r in enumerate(tables["routes"]):
        if r.from_legal_status != "waste":
            out.append(InputWarning(rfile, rrows[i], "from_legal_status", f"only an exchange of waste needs a route; a route from {r.from_legal_status} is never used"))
    if (tables["permits"] or tables["routes"]) and not any(s.ewc is not None for s in tables["streams"]):
        table = "permits" if tables["permits"] else "routes"
        file, rows = origin[table]
        out.append(InputWarning(file, rows[0] if rows else None, "ewc" if table == "permits" else "route", f"no stream has an ewc code, so {table}.csv changes nothing"))
    return out

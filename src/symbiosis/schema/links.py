"""links.csv: which row holds for a pair, and the problems of the table (DESIGN.md section 3).

A row applies to exchanges (source a supply stream or a company, target a demand
stream or a company) or to pool memberships (source a facility, target a demand
stream or a company). For one exchange pair (s, d) the most specific row holds: one
naming both streams, then one naming one stream, then a company-to-company row with
``resource`` (the supply's), then one without. For a membership (f, d): a row naming
d, then one naming d's company. Two rows of the same specificity for one pair are an
error, and so is a row whose source or target names nothing (or the wrong kind of
thing). The row that holds replaces only the fields it gives: an empty cell keeps the
computed value (never a less specific row's value).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from symbiosis.errors import Problem
from symbiosis.schema.records import Direction, Facility, Link, Stream

Kind = Literal["supply", "demand", "company", "facility"]


def _kinds(ref: str, companies: set[str], streams: Mapping[str, Stream], facilities: set[str]) -> list[Kind]:
    out: list[Kind] = []
    if ref in companies:
        out.append("company")
    if ref in streams:
        out.append("supply" if streams[ref].direction is Direction.supply else "demand")
    if ref in facilities:
        out.append("facility")
    return out


@dataclass
class LinkIndex:
    """The rows of links.csv by what they name, ready for ``exchange`` and ``membership`` look-ups."""

    links: tuple[Link, ...] = ()
    pair: dict[tuple[str, str], int] = field(default_factory=dict)  # (supply stream, demand stream)
    supply_company: dict[tuple[str, str], int] = field(default_factory=dict)  # (supply stream, demand company)
    company_demand: dict[tuple[str, str], int] = field(default_factory=dict)  # (supply company, demand stream)
    company_resource: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (company, company, resource)
    company: dict[tuple[str, str], int] = field(default_factory=dict)  # (company, company)
    member: dict[tuple[str, str], int] = field(default_factory=dict)  # (facility, demand stream)
    member_company: dict[tuple[str, str], int] = field(default_factory=dict)  # (facility, company)

    def __bool__(self) -> bool:
        return bool(self.links)

    def exchange_row(self, supply: Stream, demand: Stream) -> int | None:
        """Index of the row that holds for the exchange pair (supply, demand), or None."""
        for table, key in (
            (self.pair, (supply.id, demand.id)),
            (self.supply_company, (supply.id, demand.company)),
            (self.company_demand, (supply.company, demand.id)),
        ):
            if key in table:
                return table[key]  # type: ignore[index]
        k3 = (supply.company, demand.company, supply.resource)
        if k3 in self.company_resource:
            return self.company_resource[k3]
        return self.company.get((supply.company, demand.company))

    def exchange(self, supply: Stream, demand: Stream) -> Link | None:
        """The row that holds for the exchange pair (supply, demand), or None."""
        i = self.exchange_row(supply, demand)
        return None if i is None else self.links[i]

    def membership(self, facility: str, demand: Stream) -> Link | None:
        """The row that holds for demand's membership of the facility's pool, or None."""
        i = self.member.get((facility, demand.id))
        if i is None:
            i = self.member_company.get((facility, demand.company))
        return None if i is None else self.links[i]


def build_index(
    links: Sequence[Link],
    companies: set[str],
    streams: Mapping[str, Stream],
    facilities: Sequence[Facility],
    file: str = "links.csv",
    rows: Sequence[int | None] = (),
    unresolved_ok: set[str] | frozenset[str] = frozenset(),
    all_unresolved_ok: bool = False,
) -> tuple[LinkIndex, list[Problem]]:
    """Index the rows by what they name, with a problem for every bad row.

    A reference that names nothing is not reported when it is in ``unresolved_ok``
    (the id of a record that failed validation) or ``all_unresolved_ok`` is set (a
    table it may point into could not be read); the row is skipped.
    """
    fac_ids = {f.id for f in facilities}
    index = LinkIndex(tuple(links))
    problems: list[Problem] = []
    first: dict[tuple[object, ...], int] = {}

    def row(i: int) -> int | None:
        return rows[i] if i < len(rows) else None

    def put(table: dict, key: tuple, i: int, col: str, level: str) -> bool:  # type: ignore[type-arg]
        # ``first`` keys carry the level so that one pair at two levels is fine.
        if (level, key) in first:
            j = first[(level, key)]
            problems.append(Problem(file, row(i), col, f"a second {level} row for {_show(key)} (first at row {row(j)}); keep one"))
            return False
        first[(level, key)] = i
        table[key] = i
        return True

    for i, link in enumerate(links):
        src = _kinds(link.source, companies, streams, fac_ids)
        tgt = _kinds(link.target, companies, streams, fac_ids)
        bad = False
        for col, ref, kinds, allowed in (
            ("source", link.source, src, ("supply", "company", "facility")),
            ("target", link.target, tgt, ("demand", "company")),
        ):
            if not kinds and (all_unresolved_ok or ref in unresolved_ok):
                bad = True
                continue
            if len(kinds) > 1:
                problems.append(Problem(file, row(i), col, f"'{ref}' names both a {kinds[0]} and a {kinds[1]}; rename one"))
                bad = True
            elif not kinds:
                what = "a supply stream, a company or a facility" if col == "source" else "a demand stream or a company"
                problems.append(Problem(file, row(i), col, f"'{ref}' names nothing in the scenario (expected {what})"))
                bad = True
            elif kinds[0] not in allowed:
                if col == "target" and src == ["facility"]:
                    msg = f"'{ref}' is a {kinds[0]} stream; a facility row's target is a demand stream or a company"
                elif col == "source":
                    msg = f"'{ref}' is a demand stream; the source is a supply stream, a company or a facility"
                else:
                    msg = f"'{ref}' is a {kinds[0]}; the target is a demand stream or a company"
                problems.append(Problem(file, row(i), col, msg))
                bad = True
        if bad:
            continue
        s_kind, t_kind = src[0], tgt[0]
        if link.resource is not None and not (s_kind == "company" and t_kind == "company"):
            problems.append(Problem(file, row(i), "resource", "limits a company-to-company row only; leave it empty when a row names a stream or a facility"))
            continue
        if s_kind == "facility":
            if t_kind == "demand":
                put(index.member, (link.source, link.target), i, "target", "facility-to-stream")
            else:
                put(index.member_company, (link.source, link.target), i, "target", "facility-to-company")
        elif s_kind == "supply" and t_kind == "demand":
            put(index.pair, (link.source, link.target), i, "target", "stream-to-stream")
        elif s_kind == "supply":
            put(index.supply_company, (link.source, link.target), i, "target", "one-stream")
        elif t_kind == "demand":
            put(index.company_demand, (link.source, link.target), i, "target", "one-stream")
        elif link.resource is not None:
            put(index.company_resource, (link.source, link.target, link.resource), i, "resource", "company-to-company")
        else:
            put(index.company, (link.source, link.target), i, "target", "company-to-company")

    # A stream-to-company row (s, B) and a company-to-stream row (A, d) with s of A and
    # d of B both name one stream of the pair (s, d): the same specificity.
    by_company: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (sc, d), j in index.company_demand.items():
        if d in streams:
            by_company[sc].append((d, j))
    for (s, dc), i in sorted(index.supply_company.items(), key=lambda kv: kv[1]):
        if s not in streams:
            continue
        for d, j in by_company.get(streams[s].company, []):
            if streams[d].company == dc and (s, d) not in index.pair:
                later, earlier = max(i, j), min(i, j)
                problems.append(
                    Problem(
                        file,
                        row(later),
                        "target",
                        f"rows {row(earlier)} and {row(later)} both name one stream of the pair {s} -> {d}; "
                        "give a row naming both streams, or keep one",
                    )
                )
    return index, problems


def _show(key: tuple[str, ...]) -> str:
    if len(key) == 3:
        return f"{key[0]} -> {key[1]} (resource {key[2]})"
    return f"{key[0]} -> {key[1]}"

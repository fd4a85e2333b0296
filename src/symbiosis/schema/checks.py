"""Checks that need the whole scenario: references between tables, duplicates, slot sets.

Each check takes the validated records of every table and where each record came
from (``Origin``: table -> file label and the row of each record), and returns the
problems it finds, each naming file, row and column. ``Scenario`` runs them all
when it is built; nothing here reads a file.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from symbiosis.errors import Problem
from symbiosis.schema.links import build_index
from symbiosis.schema.records import FLAT_SLOT, RESOURCE_COLUMNS, Direction, Facility, Pricing, Substitution, Transport
from symbiosis.schema.references import COMPANY, FACILITY, PROFILE, REFERENCES, STREAM

# table -> (file label, row of each record); a record past the end has no known row.
Origin = Mapping[str, tuple[str, Sequence[int | None]]]
Tables = Mapping[str, Sequence[Any]]


def duplicates(items: Sequence[Any], key: str, table: str, origin: Origin) -> list[Problem]:
    """One problem per record whose ``key`` an earlier record of ``table`` already has."""
    file, rows = origin[table]
    first: dict[str, int | None] = {}
    out = []
    for i, item in enumerate(items):
        k = getattr(item, key)
        if k in first:
            out.append(Problem(file, rows[i], key, f"duplicate id '{k}' (first at row {first[k]})"))
        else:
            first[k] = rows[i]
    return out


def look_alikes(items: Sequence[Any], key: str, table: str, origin: Origin) -> list[Problem]:
    """One problem per id of ``table`` that differs from an earlier one but is the same once NFKC-normalised.

    NFKC folds what looks alike: fullwidth ``Ａ`` and ``A``, the ligature ``ﬁ`` and ``fi``,
    a composed and a decomposed accent (ids are read as NFC already, so those two are
    plain duplicates by then). Both rows are named. Ids that differ only in case stay a
    warning (``suspects``).
    """
    file, rows = origin[table]
    values = [getattr(item, key) for item in items]
    if all(v.isascii() for v in values):
        return []  # NFKC leaves ASCII as it is: the usual case
    first: dict[str, tuple[str, int | None]] = {}
    out = []
    for i, value in enumerate(values):
        folded = unicodedata.normalize("NFKC", value)
        seen = first.setdefault(folded, (value, rows[i]))
        if seen[0] != value:
            out.append(
                Problem(
                    file, rows[i], key,
                    f"'{value}' (row {rows[i]}) and '{seen[0]}' (row {seen[1]}) are the same id once normalised "
                    f"(Unicode NFKC: fullwidth and plain letters, ligatures, composed and decomposed accents); rename one",
                )
            )
    return out


# The table whose ids a reference of each kind names (``references.REFERENCES``; a resource
# column of ``records.RESOURCE_COLUMNS`` names a resource).
RESOURCE = "resource"
KIND_TABLES = {COMPANY: "companies", STREAM: "streams", FACILITY: "facilities", PROFILE: "profiles", RESOURCE: "resources"}


def failed_row_references(
    failed: Iterable[tuple[str, str, int, Mapping[str, str]]], ids: Mapping[str, set[str]], unreadable: frozenset[str] = frozenset()
) -> list[Problem]:
    """An unknown company, stream, facility, profile or resource named by a row that failed validation for
    another cell.

    Such a row is no record, so ``cross_check`` never sees it; its reference cells
    (declared in ``references.REFERENCES`` and ``records.RESOURCE_COLUMNS``) are checked
    here against every id read, valid or not, so that every problem of a row is named at once.
    """
    out: list[Problem] = []
    kinds = {(r.table, r.column): r.kinds for r in REFERENCES if not r.own}
    for table, file, row, cells in failed:
        for column, value in cells.items():
            what = kinds.get((table, column), (RESOURCE,) if column in RESOURCE_COLUMNS else ())
            tables = [KIND_TABLES[k] for k in what]
            if any(t in unreadable or value in ids.get(t, set()) for t in tables):
                continue
            if tables:
                out.append(Problem(file, row, column, f"unknown {' or '.join(what)} '{value}'"))
    return out


class Anything(set[str]):
    """The ids of a table that could not be read: every reference counts as known."""

    def __contains__(self, item: object) -> bool:
        return True


def cross_check(
    parsed: Tables,
    origin: Origin,
    raw_ids: Mapping[str, set[str]],
    unreadable: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Every problem between records and tables: duplicate ids, unknown references, rules of the format.

    ``raw_ids`` are ids of records that failed validation; they count as known, so
    that one bad cell does not cascade into "unknown company" messages elsewhere.
    ``unreadable`` names tables that were given but could not be read at all: every
    id that points into them counts as known (one broken file, one message).
    """
    out: list[Problem] = []
    for table in ("companies", "resources", "streams"):
        out += duplicates(parsed[table], "id", table, origin)
    for table, id_column in (("companies", "id"), ("resources", "id"), ("streams", "id"), ("facilities", "id"), ("profiles", "profile")):
        out += look_alikes(parsed[table], id_column, table, origin)

    def known(table: str, ids: set[str]) -> set[str]:
        return Anything() if table in unreadable else ids | raw_ids.get(table, set())

    companies = known("companies", {c.id for c in parsed["companies"]})
    resources = {r.id: r for r in parsed["resources"]}
    known_resources = known("resources", set(resources))
    profile_ids = known("profiles", {p.profile for p in parsed["profiles"]})
    stream_ids = known("streams", {s.id for s in parsed["streams"]})

    rfile, rrows = origin["resources"]
    for i, r in enumerate(parsed["resources"]):
        if r.pricing is Pricing.peak and r.transport in (Transport.road, Transport.pipe):
            out.append(Problem(rfile, rrows[i], "transport", f"a peak-priced resource moves by walk or none, not by {r.transport.value}"))
        if r.transport is Transport.road and r.kg_per_unit is None:
            out.append(Problem(rfile, rrows[i], "kg_per_unit", "required for a road resource"))
        if r.transport is Transport.pipe and r.pipe_capex_eur_per_m is None:
            out.append(Problem(rfile, rrows[i], "pipe_capex_eur_per_m", "required for a pipe resource"))

    sfile, srows = origin["streams"]
    for i, s in enumerate(parsed["streams"]):
        if s.company not in companies:
            out.append(Problem(sfile, srows[i], "company", f"unknown company '{s.company}'"))
        res = resources.get(s.resource)
        if s.resource not in known_resources:
            out.append(Problem(sfile, srows[i], "resource", f"unknown resource '{s.resource}'"))
        elif res is not None and res.pricing is Pricing.peak:
            if s.direction is Direction.supply and s.price_eur_per_unit != 0:
                out.append(Problem(sfile, srows[i], "price_eur_per_unit", f"must be 0 or empty for a supply of a peak resource, got {s.price_eur_per_unit}"))
            if s.min_quantity is not None:
                out.append(Problem(sfile, srows[i], "min_quantity", "applies to volume resources only"))
        if s.profile is not None and s.profile not in profile_ids:
            out.append(Problem(sfile, srows[i], "profile", f"unknown profile '{s.profile}'"))

    pfile, prows = origin["profiles"]
    seen_pts: dict[tuple[str, str], int | None] = {}
    totals: dict[str, float] = defaultdict(float)
    first_row: dict[str, int | None] = {}
    for i, p in enumerate(parsed["profiles"]):
        key = (p.profile, p.slot)
        if key in seen_pts:
            out.append(Problem(pfile, prows[i], "slot", f"slot '{p.slot}' of profile '{p.profile}' given twice (first at row {seen_pts[key]})"))
        else:
            seen_pts[key] = prows[i]
        totals[p.profile] += p.value
        first_row.setdefault(p.profile, prows[i])
    for prof, total in totals.items():
        if total <= 0:
            out.append(Problem(pfile, first_row[prof], "value", f"profile '{prof}' is zero in every slot"))

    bfile, brows = origin["substitutions"]
    seen_subs: set[tuple[str, str]] = set()
    for i, sub in enumerate(parsed["substitutions"]):
        for col in ("supply_resource", "demand_resource"):
            if getattr(sub, col) not in known_resources:
                out.append(Problem(bfile, brows[i], col, f"unknown resource '{getattr(sub, col)}'"))
        pair = (sub.supply_resource, sub.demand_resource)
        if pair in seen_subs:
            out.append(Problem(bfile, brows[i], "demand_resource", f"substitution {pair[0]} -> {pair[1]} given twice"))
        seen_subs.add(pair)
        if sub.supply_resource == sub.demand_resource and sub.ratio != 1:
            out.append(Problem(bfile, brows[i], "ratio", "a resource substitutes itself with ratio 1; remove this row"))
        a, b = resources.get(sub.supply_resource), resources.get(sub.demand_resource)
        if a is not None and b is not None and a.pricing is not b.pricing:
            out.append(Problem(bfile, brows[i], "demand_resource", f"'{a.id}' is {a.pricing.value}-priced but '{b.id}' is {b.pricing.value}-priced"))
    out += substitution_cycles(parsed["substitutions"], bfile, brows)

    lfile, lrows = origin["rules"]
    for i, rule in enumerate(parsed["rules"]):
        for col in ("source", "target"):
            ref = getattr(rule, col)
            is_c, is_s = ref in companies, ref in stream_ids
            if isinstance(companies, Anything) or isinstance(stream_ids, Anything):
                continue
            if is_c and is_s:
                out.append(Problem(lfile, lrows[i], col, f"'{ref}' is both a company id and a stream id; rename one"))
            elif not (is_c or is_s):
                out.append(Problem(lfile, lrows[i], col, f"'{ref}' is neither a company id nor a stream id"))

    ffile, frows = origin["facilities"]
    first_fac: dict[str, Facility] = {}
    for i, f in enumerate(parsed["facilities"]):
        if f.resource not in known_resources:
            out.append(Problem(ffile, frows[i], "resource", f"unknown resource '{f.resource}'"))
        prev = first_fac.setdefault(f.id, f)
        # The contract's pool surplus has one cost_eur_per_unit per facility.
        for col in ("name", "resource", "lat", "lon", "max_distance_km", "cost_eur_per_unit"):
            if getattr(prev, col) != getattr(f, col):
                out.append(Problem(ffile, frows[i], col, f"size options of facility '{f.id}' must share {col}"))

    kfile, krows = origin["links"]
    for i, link in enumerate(parsed["links"]):
        if link.resource is not None and link.resource not in known_resources:
            out.append(Problem(kfile, krows[i], "resource", f"unknown resource '{link.resource}'"))
    # Ids of records that failed validation, or of a table that could not be read, are
    # not reported again as names of nothing.
    raw = set().union(*(raw_ids.get(t, set()) for t in ("companies", "streams", "facilities")))
    _, link_problems = build_index(
        parsed["links"], {c.id for c in parsed["companies"]}, {s.id: s for s in parsed["streams"]}, parsed["facilities"],
        kfile, krows, unresolved_ok=raw, all_unresolved_ok=bool({"companies", "streams", "facilities"} & set(unreadable)),
    )
    out += link_problems
    return out


def substitution_cycles(subs: Sequence[Substitution], file: str, rows: Sequence[int | None]) -> list[Problem]:
    """One problem per cycle of substitutions between different resources (A -> B -> A).

    Substitution is one hop (a supply serves a demand of the resource it replaces),
    so a cycle changes no result; but it is almost always a data-entry slip (a row
    typed both ways round), so it is refused, naming the rows that form it.
    """
    edges: dict[str, list[tuple[str, int]]] = defaultdict(list)  # resource -> [(to, index)]
    for i, sub in enumerate(subs):
        if sub.supply_resource != sub.demand_resource:
            edges[sub.supply_resource].append((sub.demand_resource, i))
    components = strong_components(edges)
    out: list[Problem] = []
    for comp in components:
        if len(comp) < 2:
            continue
        # Start from the earliest row inside the component; close the cycle by the
        # shortest path back (breadth first, inside the component).
        first = min(i for u in comp for v, i in edges[u] if v in comp)
        start, nxt = subs[first].supply_resource, subs[first].demand_resource
        back: dict[str, tuple[str, int] | None] = {nxt: None}
        queue = [nxt]
        while queue and start not in back:
            u = queue.pop(0)
            for v, i in edges[u]:
                if v in comp and v not in back:
                    back[v] = (u, i)
                    queue.append(v)
        path: list[tuple[str, int]] = []
        node = start
        while back[node] is not None:
            prev, i = back[node]  # type: ignore[misc]
            path.append((node, i))
            node = prev
        path.reverse()
        names = [start, nxt] + [n for n, _ in path]
        idx = [first] + [i for _, i in path]
        cyc_rows = [rows[i] for i in idx]
        out.append(
            Problem(
                file,
                max((r for r in cyc_rows if r is not None), default=None),
                "demand_resource",
                f"substitution cycle {' -> '.join(names)} (rows {', '.join(str(r) for r in cyc_rows)}); "
                "a substitution is one-way, so remove the rows that are not meant",
            )
        )
    return out


def strong_components(edges: Mapping[str, list[tuple[str, int]]]) -> list[set[str]]:
    """Strongly connected components (Tarjan, iterative, so deep graphs cannot overflow the stack)."""
    nodes = sorted(set(edges) | {v for vs in edges.values() for v, _ in vs})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    comps: list[set[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, pos = work.pop()
            if pos == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = edges.get(node, [])
            for j in range(pos, len(succ)):
                v = succ[j][0]
                if v not in index:
                    work.append((node, j + 1))
                    work.append((v, 0))
                    break
                if v in on_stack:
                    low[node] = min(low[node], index[v])
            else:
                if low[node] == index[node]:
                    comp = set()
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.add(w)
                        if w == node:
                            break
                    comps.append(comp)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return comps


def slot_sets(parsed: Tables, origin: Origin) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """Slot set of each resource: shared by resources linked through substitutions."""
    resources = [r.id for r in parsed["resources"]]
    order: dict[str, list[str]] = defaultdict(list)
    for p in parsed["profiles"]:
        if p.slot not in order[p.profile]:
            order[p.profile].append(p.slot)
    # Union-find over substitution links.
    parent = {r: r for r in resources}

    def find(r: str) -> str:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for sub in parsed["substitutions"]:
        if sub.supply_resource in parent and sub.demand_resource in parent:
            a, b = find(sub.supply_resource), find(sub.demand_resource)
            if a != b:
                parent[max(a, b)] = min(a, b)
    group_slots: dict[str, tuple[str, ...]] = {}
    group_by: dict[str, tuple[str, str]] = {}  # group -> (profile, first stream id) that fixed it
    problems: list[Problem] = []
    sfile, srows = origin["streams"]
    for i, s in enumerate(parsed["streams"]):
        if s.resource not in parent or s.profile is None or s.profile not in order:
            continue
        g = find(s.resource)
        slots = tuple(order[s.profile])
        if g not in group_slots:
            group_slots[g] = slots
            group_by[g] = (s.profile, s.id)
        elif set(group_slots[g]) != set(slots):
            prof, sid = group_by[g]
            problems.append(
                Problem(
                    sfile,
                    srows[i],
                    "profile",
                    f"profile '{s.profile}' names slots {short(slots)} but resource '{s.resource}' "
                    f"(and resources linked to it by substitution) already uses profile '{prof}' "
                    f"(stream '{sid}') with slots {short(group_slots[g])}",
                )
            )
    return {r: group_slots.get(find(r), (FLAT_SLOT,)) for r in resources}, problems


def short(slots: Iterable[str]) -> str:
    """A slot set for a message: the first four and how many there are."""
    s = list(slots)
    text = ", ".join(s[:4]) + (f", ... ({len(s)} slots)" if len(s) > 4 else "")
    return "{" + text + "}"


def uncertainty_problems(
    parsed: Tables,
    origin: Origin,
    raw_ids: Mapping[str, set[str]],
    unreadable: frozenset[str] = frozenset(),
) -> list[Problem]:
    """The rows of ``uncertainty.csv`` that are wrong in themselves (contract sections 3 and 4c).

    A range given twice for one stream field; low above high; a quantity range
    reaching 0 or below (a stream's quantity is > 0). A row that no longer fits its
    stream is ``stale_uncertainty`` (a warning for a solve, an error for a sweep).
    """
    return _uncertainty_rows(parsed, origin, raw_ids, unreadable)[0]


def stale_uncertainty(
    parsed: Tables,
    origin: Origin,
    raw_ids: Mapping[str, set[str]],
    unreadable: frozenset[str] = frozenset(),
) -> list[Problem]:
    """The rows of ``uncertainty.csv`` that no longer fit their stream: they cannot be sampled, but a solve ignores them.

    An unknown stream (removed or renamed since); a price range on the supply of a
    peak resource (whose price is 0); a triangular range whose mode, the stream's own
    value, lies outside [low, high] (a price or quantity edited since).
    """
    return _uncertainty_rows(parsed, origin, raw_ids, unreadable)[1]


def _uncertainty_rows(parsed: Tables, origin: Origin, raw_ids: Mapping[str, set[str]], unreadable: frozenset[str]) -> tuple[list[Problem], list[Problem]]:
    file, rows = origin["uncertainty"]
    if "streams" in unreadable:
        streams: dict[str, Any] = {}
        known: set[str] = Anything()
    else:
        streams = {s.id: s for s in parsed["streams"]}
        known = set(streams) | raw_ids.get("streams", set())
    peak = {r.id for r in parsed["resources"] if r.pricing is Pricing.peak}
    out: list[Problem] = []
    stale: list[Problem] = []
    first: dict[tuple[str, str], int | None] = {}
    for i, u in enumerate(parsed["uncertainty"]):
        row = rows[i]
        key = (u.stream, u.field)
        if key in first:
            out.append(Problem(file, row, "field", f"a range for {u.stream}:{u.field} is given twice (first at row {first[key]})"))
            continue
        first[key] = row
        if u.low > u.high:
            out.append(Problem(file, row, "high", f"high {u.high:g} is below low {u.low:g}"))
            continue
        if u.field == "quantity" and u.low <= 0:
            out.append(Problem(file, row, "low", f"a quantity must stay above 0; low is {u.low:g}"))
        if u.stream not in known:
            stale.append(Problem(file, row, "stream", f"unknown stream '{u.stream}'; the range cannot be sampled"))
            continue
        s = streams.get(u.stream)
        if s is None:
            continue  # the stream's own row is bad: reported there
        if u.field == "price_eur_per_unit" and s.direction is Direction.supply and s.resource in peak:
            stale.append(Problem(file, row, "field", f"the price of a supply of the peak resource '{s.resource}' is 0 and cannot vary"))
        own = getattr(s, u.field)
        if u.distribution == "triangular" and not u.low <= own <= u.high:
            stale.append(
                Problem(file, row, "low" if own < u.low else "high", f"the mode of a triangular range is the stream's own {u.field} {own:g}, outside [{u.low:g}, {u.high:g}]")
            )
    return out, stale

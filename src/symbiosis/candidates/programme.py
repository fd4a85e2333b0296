"""Candidates and the programme (DESIGN.md section 4g): the legal route of each arc, the stage of each match.

Two filters of the candidate generator live here, each one rule: ``legal_routes``
(waste only to a permitted receiver, or through the cheapest route, whose yearly cost
joins F_a) and ``progress_rows`` (a ``rejected`` match is no candidate; an ``agreed`` or
``realised`` one is held, as a require that cannot be dropped). ``progress_warnings``
names every progress row that names no candidate, and why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from symbiosis import economics, legal
from symbiosis.candidates.table import RequireRule
from symbiosis.errors import InputWarning
from symbiosis.schema import HOLDING_STAGES, Direction, Scenario, Stream

PROPOSED = "proposed"  # the stage of a match that no progress row names


def legal_routes(scenario: Scenario, supplies: Sequence[Stream], demands: Sequence[Stream], ps: np.ndarray, pd_: np.ndarray) -> list[legal.LegalRoute]:
    """The legal route of each pair (supply position, demand position), ``symbiosis.legal``; one per receiver and supply."""
    if not any(s.ewc is not None for s in supplies):
        return [legal.FREE] * len(ps)
    st = scenario.settings
    permits, routes = scenario.permit_index, scenario.routes
    family = {r.id: r.family for r in scenario.resources}
    memo: dict[tuple[int, str], legal.LegalRoute] = {}
    out = []
    for i, j in zip(ps.tolist(), pd_.tolist()):
        key = (i, demands[j].company)
        found = memo.get(key)
        if found is None:
            s = supplies[i]
            found = memo[key] = legal.legal_route(s, family[s.resource], demands[j].company, permits, routes, st)
        out.append(found)
    return out


def progress_rows(scenario: Scenario, supplies: Sequence[Stream], demands: Sequence[Stream], ps: np.ndarray, pd_: np.ndarray) -> np.ndarray:
    """The progress row that holds for each pair (its position in progress.csv), -1 where none does."""
    out = np.full(len(ps), -1, dtype=np.int64)
    if not scenario.progress:
        return out
    index = scenario.progress_index
    for n, (i, j) in enumerate(zip(ps.tolist(), pd_.tolist())):
        row = index.row_for(supplies[i], demands[j])
        if row is not None:
            out[n] = row
    return out


def stages(scenario: Scenario, rows: np.ndarray) -> np.ndarray:
    """The stage of each pair from its progress row (``proposed`` where none)."""
    names = [g.stage for g in scenario.progress]
    out = np.empty(len(rows), dtype=object)
    out[:] = [names[r] if r >= 0 else PROPOSED for r in rows.tolist()]
    return out


def holding_rules(scenario: Scenario, rows: np.ndarray) -> list[RequireRule]:
    """One require rule per agreed or realised progress row, over the arcs it holds (rows of the final arc table)."""
    out = []
    for r, g in enumerate(scenario.progress):
        if g.stage in HOLDING_STAGES:
            arcs = tuple(int(a) for a in np.flatnonzero(rows == r))
            if arcs:
                out.append(RequireRule(r, g.source, g.target, arcs, table="progress"))
    return out


def match_stage(scenario: Scenario, kind: str, source: str, target: str, supply: str, demand: str) -> str:
    """The stage of a match named by its kind and ids (``proposed`` where no progress row names it)."""
    if not scenario.progress:
        return PROPOSED
    index = scenario.progress_index
    if kind == "pool":
        row = index.membership_row(source, demand)
    else:
        streams = scenario.stream_by_id
        s, d = streams.get(supply), streams.get(demand)
        row = index.row_for(s, d) if s is not None and d is not None else None
    return scenario.progress[row].stage if row is not None else PROPOSED


def rejected_reason(scenario: Scenario, row: int) -> str:
    """Why a pair is no candidate when its progress row says ``rejected``."""
    file, line = scenario.origin("progress", row)
    g = scenario.progress[row]
    since = f" since {g.since}" if g.since else ""
    return f"rejected{since} ({file}: row {line}: {g.source} -> {g.target})"


def traced_pairs(scenario: Scenario) -> set[tuple[str, str]]:
    """Every (supply stream, demand stream) pair that an exchange row of progress.csv names."""
    facilities = {f.id for f in scenario.facilities}
    out: set[tuple[str, str]] = set()
    for g in scenario.progress:
        if g.source in facilities:
            continue
        out |= {(s.id, d.id) for s in named(scenario, g.source, Direction.supply) for d in named(scenario, g.target, Direction.demand)}
    return out


def named(scenario: Scenario, ref: str, direction: Direction) -> list[Stream]:
    """The streams of one direction that ``ref`` names: a stream id or a company id."""
    return [s for s in scenario.streams if s.direction is direction and ref in (s.id, s.company)]


def progress_warnings(
    scenario: Scenario,
    arcs: set[tuple[str, str]],
    members: set[tuple[str, str]],
    excluded: dict[tuple[str, str], str],
    not_generated: Callable[[Stream, Stream], str],
) -> list[InputWarning]:
    """A warning for every progress row that names no candidate: the pairs it names and why each is none.

    ``arcs`` and ``members`` are the candidates kept; ``excluded`` the traced reasons (arcs
    and memberships alike); ``not_generated`` words why a pair never became a candidate.
    """
    out: list[InputWarning] = []
    facilities = {f.id for f in scenario.facilities}
    index = scenario.progress_index
    for r, g in enumerate(scenario.progress):
        file, line = scenario.origin("progress", r)
        if g.source in facilities:
            if (g.source, g.target) not in members and not (g.stage == "rejected" and excluded.get((g.source, g.target)) == "rejected"):
                why = excluded.get((g.source, g.target), f"{g.target} is not within reach of facility {g.source}")
                out.append(InputWarning(file, line, "target", f"the pool membership {g.source} -> {g.target} is not a candidate: {why}; its stage '{g.stage}' changes nothing"))
            continue
        pairs = [
            (s, d)
            for s in named(scenario, g.source, Direction.supply)
            for d in named(scenario, g.target, Direction.demand)
            if index.row_for(s, d) == r
        ]
        if any((s.id, d.id) in arcs for s, d in pairs):
            continue
        if g.stage == "rejected" and any((excluded.get((s.id, d.id)) or "").startswith("rejected") for s, d in pairs):
            continue  # a candidate, forbidden by its stage
        if not pairs:
            why = f"no supply of {g.source} and demand of {g.target} are left to it (a more specific row names each pair)"
        else:
            reasons = [f"{s.id} -> {d.id}: {excluded.get((s.id, d.id)) or not_generated(s, d)}" for s, d in pairs[:5]]
            more = f" (and {len(pairs) - 5} more)" if len(pairs) > 5 else ""
            why = "; ".join(reasons) + more
        held = " and is not held" if g.stage in HOLDING_STAGES else " changes nothing"
        out.append(InputWarning(file, line, "target", f"{g.source} -> {g.target} is not a candidate exchange ({why}); its stage '{g.stage}'{held}"))
    return out


def not_generated(scenario: Scenario, s: Stream, d: Stream) -> str:
    """Why a pair never became a candidate before any filter ran: its resources, or its distance."""
    st = scenario.settings
    if s.resource != d.resource and not any(x.supply_resource == s.resource and x.demand_resource == d.resource for x in scenario.substitutions):
        return f"resource {s.resource} cannot serve {d.resource} (no substitution row)"
    if s.company == d.company:
        return f"both streams belong to company {s.company}"
    res = scenario.resource_by_id[s.resource]
    limit = res.max_distance_km if res.max_distance_km is not None else st.max_distance_km
    a, b = scenario.company_by_id[s.company], scenario.company_by_id[d.company]
    km = float(economics.distance_km(a.lat, a.lon, b.lat, b.lon, st))
    link = scenario.link_index.exchange(s, d)
    given = link is not None and link.distance_km is not None
    if link is not None and link.distance_km is not None:
        km = link.distance_km
    if km > limit:
        return f"distance {km:.3f} km{' (links.csv)' if given else ''} exceeds the limit of {limit:g} km for {s.resource}"
    return "not a candidate"

"""Why a match, and why not: explanations an analyst can defend in a meeting.

Everything here re-solves the model rather than reading duals: a break-even value
is found by moving one input (a price, a quantity, a distance) and solving again,
by bisection, until the match leaves the optimum. Only the independent part of the
problem that holds the match is re-solved, which is exact and keeps this fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from symbiosis import economics, legal
from symbiosis.analysis import breakeven as be
from symbiosis.analysis.compare import match_changes
from symbiosis.analysis.diagnose import exclusion_reasons, streams_of
from symbiosis.analysis.optimise import optimise
from symbiosis.candidates import Candidates, build_candidates, split_components
from symbiosis.errors import SettingsError
from symbiosis.io.read import load_scenario
from symbiosis.io.read.results import SCENARIO, read_result
from symbiosis.model import build_model
from symbiosis.schema import Direction, Pricing, Rule, Scenario, SolverSettings, Stream, Transport
from symbiosis.solver import solve_model
from symbiosis.types import Solution, Summary

TOLERANCE = 1e-3  # relative precision of a break-even value
MAX_STEPS = 40


@dataclass(frozen=True)
class BreakEven:
    """The value of one input at which the match leaves the optimum."""

    parameter: str  # e.g. "demand price"
    stream: str
    unit: str
    current: float
    threshold: float | None  # None: the match stays over the whole range tried
    note: str


@dataclass
class MatchExplanation:
    """A match's savings broken down, and what would make it disappear."""

    key: str
    kind: str
    source: str
    target: str
    resource: str
    quantity: float
    unit: str
    distance_km: float
    savings_eur_per_year: float
    co2_avoided_t_per_year: float
    breakdown: list[tuple[str, float]]  # EUR/yr, adding up to the savings
    co2_breakdown: list[tuple[str, float]]  # t/yr
    break_even: list[BreakEven] = field(default_factory=list)
    route: str = ""  # '' (none needed), 'permit' or the route id (DESIGN.md section 4g)
    lead_time_months: float = 0.0
    one_off_eur: float = 0.0
    stage: str = "proposed"


RESOURCE_MISMATCH = "cannot serve"  # the reason text of a pair of streams of unrelated resources


@dataclass
class WhyNot:
    """Why a source does not serve a target, and what forcing it would cost.

    ``answer`` says it in one sentence, first. When a link is forced, ``pushed_out``
    (lost), ``gained`` and ``changed`` are every match that differs between the two
    results, so that their EUR changes add up to the cost (the carbon value aside:
    ``carbon_eur_per_year``).
    """

    source: str
    target: str
    excluded: list[tuple[str, str, str]]  # (supply stream, demand stream, reason)
    candidates: list[tuple[str, str]]  # pairs that were candidates but not chosen
    objective_before: float | None = None
    objective_after: float | None = None
    status_after: str | None = None
    forced: pd.DataFrame | None = None  # the matches the rule brought in
    pushed_out: pd.DataFrame | None = None  # matches of the optimum that had to go
    gained: pd.DataFrame | None = None  # matches the forced result has and the optimum has not (the forced ones among them)
    changed: pd.DataFrame | None = None  # matches in both whose figures moved (change_savings_eur_per_year, ...)
    carbon_eur_per_year: float = 0.0  # the carbon price's share of the cost (objective, not money)

    @property
    def cost_eur_per_year(self) -> float | None:
        if self.objective_before is None or self.objective_after is None:
            return None
        return self.objective_before - self.objective_after

    @property
    def unrelated(self) -> list[tuple[str, str, str]]:
        """Excluded pairs whose resources differ with no substitution: not a reason anyone would act on."""
        return [e for e in self.excluded if RESOURCE_MISMATCH in e[2]]

    @property
    def unrelated_resources(self) -> tuple[list[str], list[str]]:
        """The supply and demand resources of the unrelated pairs (from ``resource X cannot serve Y``)."""
        supply, demand = set(), set()
        for _, _, why in self.unrelated:
            head = why.split(" (")[0].removeprefix("resource ")
            a, _, b = head.partition(f" {RESOURCE_MISMATCH} ")
            supply.add(a)
            demand.add(b)
        return sorted(supply), sorted(demand)

    @property
    def relevant(self) -> list[tuple[str, str, str]]:
        """Excluded pairs of one resource (or a substitution): each has its own reason (distance, temperature, a rule, ...)."""
        return [e for e in self.excluded if RESOURCE_MISMATCH not in e[2]]

    @property
    def answer(self) -> str:
        """The answer, in one sentence."""
        pairs = len(self.excluded) + len(self.candidates)
        if self.status_after == "already matched":
            n = 0 if self.forced is None else len(self.forced)
            return f"{self.source} already serves {self.target}: {n} exchange(s) in this result."
        if not self.candidates:
            if self.relevant:
                return (f"{self.source} cannot serve {self.target}: none of the {pairs} pair(s) of their streams is a candidate; "
                        f"{len(self.relevant)} pair(s) of one resource are ruled out (below), the other {len(self.unrelated)} are of unrelated resources.")
            return f"{self.source} cannot serve {self.target}: none of their {pairs} pair(s) of streams shares a resource or a substitution."
        if self.status_after is None:
            return f"{len(self.candidates)} pair(s) could be linked, but the optimum does not choose them (run without --quick to see what forcing one costs)."
        if self.objective_after is None:
            return f"Forcing a link from {self.source} to {self.target} makes the scenario {self.status_after}: the rules and limits leave no room for it."
        return f"It does not pay: forcing a link from {self.source} to {self.target} costs {self.cost_eur_per_year:,.0f} EUR/yr."


def load_result(result_dir: str | Path) -> tuple[Scenario, pd.DataFrame, Summary]:
    """The scenario as solved, the matches and the summary of a result folder."""
    files = read_result(result_dir)
    scenario = load_scenario(files.folder / SCENARIO)
    return scenario, files.matches, files.summary


# --------------------------------------------------------------------------- match


def explain_match(result_dir: str | Path, key: str, break_even: bool = True, method: str = "search") -> MatchExplanation:
    """Explain the match ``SUPPLY->DEMAND`` (an exchange) or ``FACILITY->DEMAND`` (a pool member).

    An exchange's break-even values come from the parametric search (``analysis.breakeven``);
    ``method="bisection"`` takes the bisection instead (one MILP per step; a pool member's always do).
    """
    files = read_result(result_dir)
    scenario, matches = load_scenario(files.folder / SCENARIO), files.matches
    left, sep, right = key.partition("->")
    if not sep:
        raise SettingsError(f"match '{key}': write it as SUPPLY_STREAM->DEMAND_STREAM or FACILITY->DEMAND_STREAM")
    rows = matches[((matches["supply_stream"] == left) | ((matches["kind"] == "pool") & (matches["source"] == left))) & (matches["demand_stream"] == right)]
    if rows.empty:
        raise SettingsError(f"match '{key}' is not in matches.csv of '{result_dir}'")
    row = rows.iloc[0]
    if row["kind"] == "pool":
        return _explain_member(scenario, row, key, break_even)
    return _explain_exchange(scenario, matches, row, key, break_even, files.facilities, method)


def _arc_terms(scenario: Scenario, c: Candidates, supply: str, demand: str) -> tuple[int, economics.ExchangeTerms]:
    arcs = c.arcs
    hit = np.flatnonzero((arcs["supply_stream"] == supply).to_numpy() & (arcs["demand_stream"] == demand).to_numpy())
    a = int(hit[0])
    row = arcs.iloc[a]
    res = scenario.resource_by_id[row["resource"]]
    s, d = scenario.stream_by_id[supply], scenario.stream_by_id[demand]
    ratio = 1.0 if s.resource == d.resource else next(
        x.ratio for x in scenario.substitutions if x.supply_resource == s.resource and x.demand_resource == d.resource
    )
    link = scenario.link_index.exchange(s, d)
    route = legal.legal_route(s, res.family, d.company, scenario.permit_index, scenario.routes, scenario.settings)
    terms = economics.pair_terms(scenario.settings, res, s, d, ratio, float(row["distance_km"]), float(row["heat_pump_cop"]), link, route.yearly_eur)
    return a, terms


LABELS = {
    "avoided_disposal": "avoided disposal (the supplier's cost today)",
    "avoided_purchase": "avoided purchase (the buyer's price today)",
    "road_transport": "road transport",
    "link_transport": "transport (links.csv)",
    "heat_pump": "heat pump (electricity and running cost)",
    "link_fixed_cost": "fixed cost of the link",
    "pipe_cost": "pipe (annualised capex)",
    "link_given_fixed_cost": "fixed cost of the link (links.csv)",
    "legal_route": "legal route of the waste (CRF x one-off + yearly)",
    "co2_supply_route": "supplier's route today",
    "co2_demand_route": "buyer's route today",
    "co2_road_transport": "road transport",
    "co2_link_transport": "transport (links.csv)",
    "co2_heat_pump": "heat pump electricity",
}
MEMBER_LABELS = {
    "avoided_provision": "avoided own provision (price x quantity)",
    "facility_cost": "the facility's cost per unit served",
    "road_to_facility": "road transport to the facility",
    "link_transport": "transport to the facility (links.csv)",
    "membership_cost": "yearly cost of the membership (links.csv)",
    "co2_member_route": "member's route today",
    "co2_road_to_facility": "road transport to the facility",
    "co2_link_transport": "transport to the facility (links.csv)",
}


def _explain_exchange(
    scenario: Scenario, matches: pd.DataFrame, row: pd.Series, key: str, with_break_even: bool, facilities: pd.DataFrame, method: str
) -> MatchExplanation:
    supply, demand = row["supply_stream"], row["demand_stream"]
    c = build_candidates(scenario)
    _, terms = _arc_terms(scenario, c, supply, demand)
    res = scenario.resource_by_id[row["resource"]]
    if res.pricing is Pricing.peak:
        # The links into one peak demand share its cut and their fixed costs by stand-alone
        # reductions (economics.peak_cut_shares); the match's quantity is its share of the cut.
        cut_value = scenario.stream_by_id[demand].price_eur_per_unit * float(row["quantity"])
        into = matches[(matches["kind"] == "exchange") & (matches["demand_stream"] == demand)]
        breakdown = [
            (f"share of the buyer's peak cut (its price x the {float(row['quantity']):,.4g} {row['unit']} of its cut that this link's stand-alone reduction earns)", cut_value),
            (f"share of the fixed costs of the {len(into)} link(s) into {demand}", float(row["savings_eur_per_year"]) - cut_value),
        ]
        co2 = [("buyer's route today (share of the peak cut)", float(row["co2_avoided_t_per_year"]))]
    else:
        flow = _yearly_flow(row)
        breakdown = [(LABELS[k], float(terms.parts[k]) * flow) for k in economics.VALUE_PARTS if float(terms.parts[k]) != 0]
        breakdown += [(LABELS[k], -float(terms.parts[k])) for k in economics.FIXED_PARTS if float(terms.parts[k]) != 0]
        co2 = [(LABELS[k], float(terms.parts[k]) * flow / 1000.0) for k in economics.CO2_PARTS if float(terms.parts[k]) != 0]
    out = MatchExplanation(
        key, "exchange", row["source"], row["target"], row["resource"], float(row["quantity"]), row["unit"], float(row["distance_km"]),
        float(row["savings_eur_per_year"]), float(row["co2_avoided_t_per_year"]), breakdown, co2,
    )
    out.route, out.lead_time_months, out.one_off_eur, out.stage = _programme_of(row)
    if with_break_even:
        if method == "bisection":
            out.break_even = bisect_break_even(scenario, supply, demand, res.transport, float(row["distance_km"]))
        else:
            out.break_even = search_break_even(scenario, matches, facilities, supply, demand, res.transport, float(row["distance_km"]))
    return out


def _programme_of(row: pd.Series) -> tuple[str, float, float, str]:
    """A match's route, lead time, one-off cost and stage from matches.csv (a result of an earlier version has none)."""
    def number(key: str) -> float:
        value = row.get(key)
        return 0.0 if value is None or pd.isna(value) else float(value)

    return str(row.get("route", "") or ""), number("lead_time_months"), number("one_off_eur"), str(row.get("stage", "") or "proposed")


def _yearly_flow(row: pd.Series) -> float:
    return float(row["quantity"])  # a volume exchange's quantity is its yearly flow


def _explain_member(scenario: Scenario, row: pd.Series, key: str, with_break_even: bool) -> MatchExplanation:
    facility, demand = row["source"], row["demand_stream"]
    site = next(f for f in scenario.facilities if f.id == facility)
    d = scenario.stream_by_id[demand]
    terms = economics.member_terms(
        scenario.settings, scenario.resource_by_id[site.resource], d, site, float(row["distance_km"]), scenario.link_index.membership(facility, d)
    )
    value = terms.value_eur_per_year
    share = float(row["savings_eur_per_year"])
    breakdown = [(MEMBER_LABELS[k], terms.parts[k]) for k in economics.MEMBER_PARTS if k in ("avoided_provision", "facility_cost") or terms.parts[k] != 0]
    breakdown.append(("share of the facility's fixed cost and of the pool's gain from sharing", share - value))
    co2 = [(MEMBER_LABELS[k], terms.parts[k]) for k in economics.MEMBER_CO2_PARTS if k == "co2_member_route" or terms.parts[k] != 0]
    out = MatchExplanation(
        key, "pool", facility, row["target"], row["resource"], float(row["quantity"]), row["unit"], float(row["distance_km"]),
        share, float(row["co2_avoided_t_per_year"]), breakdown, co2,
    )
    out.stage = _programme_of(row)[3]
    if with_break_even:
        present = _member_present(facility, demand)
        out.break_even = [
            _search_down(scenario, d, "price_eur_per_unit", "member's price today", f"EUR/{row['unit']}", present),
            _search_down(scenario, d, "quantity", "member's quantity", row["unit"], present),
        ]
    return out


# --------------------------------------------------------------------------- break-even search


Present = Callable[[Scenario, dict[tuple[str, str], float] | None], bool]


def _part_solution(scenario: Scenario, c: Candidates, arc: int | None = None, membership: int | None = None) -> Solution | None:
    """The solution of the independent part that holds an arc or a membership (None without one)."""
    for part in split_components(c):
        if (arc is not None and arc in set(part.arcs.tolist())) or (membership is not None and membership in set(part.memberships.tolist())):
            sol = solve_model(build_model(part.candidates, scenario.settings), scenario.settings.solver)
            return sol if sol.has_solution else None
    return None


def _exchange_present(supply: str, demand: str) -> Present:
    def present(scenario: Scenario, distance: dict[tuple[str, str], float] | None) -> bool:
        c = build_candidates(scenario, distance_override=distance)
        arcs = c.arcs
        a = be.arc_at(c, supply, demand)
        if a is None:
            return False
        sol = _part_solution(scenario, c, arc=a)
        if sol is None or sol.links[(supply, demand)] <= 0.5:
            return False
        flow = float(sol.flows[(supply, demand)].sum())
        return bool(flow > 1e-9 or float(arcs.iloc[a]["fixed_cost_eur_per_year"]) > 0)

    return present


def _member_present(facility: str, demand: str) -> Present:
    def present(scenario: Scenario, distance: dict[tuple[str, str], float] | None) -> bool:
        c = build_candidates(scenario)
        mem = c.memberships
        hit = np.flatnonzero((mem["facility"] == facility).to_numpy() & (mem["demand_stream"] == demand).to_numpy())
        if not len(hit):
            return False
        sol = _part_solution(scenario, c, membership=int(hit[0]))
        return sol is not None and sol.memberships[(facility, demand)] > 0.5

    return present


def _with_stream(scenario: Scenario, stream: Stream) -> Scenario:
    streams = tuple(stream if s.id == stream.id else s for s in scenario.streams)
    return scenario.replaced(streams=streams)


def _bisect(present: Callable[[float], bool], inside: float, outside: float) -> float:
    """The boundary between ``inside`` (match present) and ``outside`` (absent)."""
    for _ in range(MAX_STEPS):
        if abs(outside - inside) <= TOLERANCE * max(abs(inside), abs(outside), 1e-9):
            break
        mid = (inside + outside) / 2
        if present(mid):
            inside = mid
        else:
            outside = mid
    return (inside + outside) / 2


def _search_down(scenario: Scenario, stream: Stream, attr: str, label: str, unit: str, present: Present) -> BreakEven:
    """Lower one of a stream's numbers until the match leaves the optimum."""
    current = float(getattr(stream, attr))

    def at(value: float) -> bool:
        if attr == "quantity" and value <= 0:
            return False
        return present(_with_stream(scenario, stream.replaced(**{attr: value})), None)

    if attr == "quantity":
        outside = current * 1e-6
        if at(outside):
            return BreakEven(label, stream.id, unit, current, None, "the match stays even with almost no quantity")
        return BreakEven(label, stream.id, unit, current, _bisect(at, current, outside), "below this the match leaves the optimum")
    step = max(abs(current), 1.0)
    outside = current - step
    for _ in range(30):
        if not at(outside):
            return BreakEven(label, stream.id, unit, current, _bisect(at, current, outside), "below this the match leaves the optimum")
        step *= 2
        outside = current - step
    return BreakEven(label, stream.id, unit, current, None, "the match stays at any price tried")


def bisect_break_even(scenario: Scenario, supply: str, demand: str, transport: Transport, distance: float) -> list[BreakEven]:
    """The break-even values by bisection, one MILP of the part per step (the method before the parametric search:
    the fall-back, and what the tests compare the search with)."""
    present = _exchange_present(supply, demand)
    s, d = scenario.stream_by_id[supply], scenario.stream_by_id[demand]
    res = scenario.resource_by_id[s.resource]
    unit_d = scenario.resource_by_id[d.resource].unit
    out = [
        _search_down(scenario, d, "price_eur_per_unit", "buyer's price today", f"EUR/{unit_d}", present),
        _search_down(scenario, s, "quantity", "supplier's quantity", res.unit, present),
    ]
    limit = res.max_distance_km if res.max_distance_km is not None else scenario.settings.max_distance_km
    if transport in (Transport.walk, Transport.none):
        out.append(BreakEven("distance", supply, "km", distance, None, f"distance costs nothing for {res.transport.value}; the match holds up to the limit of {limit:g} km"))
        return out

    def at(km: float) -> bool:
        return present(scenario, {(supply, demand): km})

    if at(limit):
        out.append(BreakEven("distance", supply, "km", distance, None, f"the match holds up to the limit of {limit:g} km"))
    else:
        out.append(BreakEven("distance", supply, "km", distance, _bisect(at, distance, limit), "beyond this distance the match leaves the optimum"))
    return out


def search_break_even(
    scenario: Scenario, matches: pd.DataFrame, facilities: pd.DataFrame, supply: str, demand: str, transport: Transport, distance: float
) -> list[BreakEven]:
    """The break-even values by the parametric search (``analysis.breakeven``): the buyer's price, the supplier's
    quantity and the distance, as ``bisect_break_even`` states them, sharing one compiled part and the networks found."""
    options = scenario.settings.solver.model_copy(update={"mip_rel_gap": 0.0})  # a crossing is settled by the absolute gap
    part = be.compile_part(scenario, supply, demand, options)
    if part is None:
        return bisect_break_even(scenario, supply, demand, transport, distance)
    networks = be.Networks()
    key = be.result_network(part, scenario, matches, facilities)
    if key is not None:
        networks.add(key, True, part.integer_position)
    s, d = scenario.stream_by_id[supply], scenario.stream_by_id[demand]
    res = scenario.resource_by_id[s.resource]
    unit_d = scenario.resource_by_id[d.resource].unit
    old = _exchange_present(supply, demand)

    def moved(stream: Stream, attr: str) -> Callable[[float], Scenario]:
        return lambda v: _with_stream(scenario, stream.replaced(**{attr: v}))

    price = _cost_search(part, networks, options, float(d.price_eur_per_unit), moved(d, "price_eur_per_unit"), None, supply, demand)
    quantity = be.Search(part, part.front, lambda v: (1.0, 0.0, v, v), networks)
    out = [
        _price_break_even(scenario, d, price, f"EUR/{unit_d}", old, supply, demand),
        _quantity_break_even(scenario, s, quantity, res.unit, old, supply, demand),
    ]
    limit = res.max_distance_km if res.max_distance_km is not None else scenario.settings.max_distance_km
    if transport in (Transport.walk, Transport.none):
        out.append(BreakEven("distance", supply, "km", distance, None, f"distance costs nothing for {res.transport.value}; the match holds up to the limit of {limit:g} km"))
        return out

    def far(km: float) -> dict[tuple[str, str], float]:
        return {(supply, demand): km}

    search = _cost_search(part, networks, options, distance, lambda v: scenario, far, supply, demand, towards=limit)
    if search is not None and be.may_pay(scenario, supply, demand, far(limit)) and search.present_at(limit):
        out.append(BreakEven("distance", supply, "km", distance, None, f"the match holds up to the limit of {limit:g} km"))
        return out
    threshold = None if search is None else search.threshold(distance, limit, TOLERANCE)
    if threshold is None:
        if old(scenario, far(limit)):
            out.append(BreakEven("distance", supply, "km", distance, None, f"the match holds up to the limit of {limit:g} km"))
            return out
        threshold = _bisect(lambda km: old(scenario, far(km)), distance, limit)
    out.append(BreakEven("distance", supply, "km", distance, threshold, _note(threshold, distance, "beyond this distance the match leaves the optimum")))
    return out


def _note(threshold: float, current: float, usual: str) -> str:
    """The note of a break-even; one at today's value says that the match is tied already (the search's certificate)."""
    if abs(threshold - current) <= 1e-9 * max(abs(current), 1.0):
        return "tied already today: a network without this match is worth as much"
    return usual


def _price_break_even(scenario: Scenario, d: Stream, search: be.Search | None, unit: str, old: Present, supply: str, demand: str) -> BreakEven:
    """The buyer's price, stepped down as ``_search_down`` does until the match goes, then searched."""
    label, current = "buyer's price today", float(d.price_eur_per_unit)
    if search is None:
        return _search_down(scenario, d, "price_eur_per_unit", label, unit, old)
    step = max(abs(current), 1.0)
    outside = current - step
    for _ in range(30):
        moved = _with_stream(scenario, d.replaced(price_eur_per_unit=outside))
        if not be.may_pay(moved, supply, demand) or not search.present_at(outside):
            threshold = search.threshold(current, outside, TOLERANCE)
            if threshold is None:
                return _search_down(scenario, d, "price_eur_per_unit", label, unit, old)
            return BreakEven(label, d.id, unit, current, threshold, _note(threshold, current, "below this the match leaves the optimum"))
        step *= 2
        outside = current - step
    return BreakEven(label, d.id, unit, current, None, "the match stays at any price tried")


def _quantity_break_even(scenario: Scenario, s: Stream, search: be.Search, unit: str, old: Present, supply: str, demand: str) -> BreakEven:
    """The supplier's quantity, between today's and almost none (as ``_search_down`` tries it)."""
    label, current = "supplier's quantity", float(s.quantity)
    outside = current * 1e-6
    if be.may_pay(_with_stream(scenario, s.replaced(quantity=outside)), supply, demand) and search.present_at(outside):
        return BreakEven(label, s.id, unit, current, None, "the match stays even with almost no quantity")
    threshold = search.threshold(current, outside, TOLERANCE)
    if threshold is None:
        return _search_down(scenario, s, "quantity", label, unit, old)
    return BreakEven(label, s.id, unit, current, threshold, _note(threshold, current, "below this the match leaves the optimum"))


def _cost_search(
    part: be.PartModel,
    networks: be.Networks,
    options: SolverSettings,
    v0: float,
    moved: Callable[[float], Scenario],
    override: Callable[[float], dict[tuple[str, str], float]] | None,
    supply: str,
    demand: str,
    towards: float | None = None,
) -> be.Search | None:
    """A search over an input that moves only costs (a price, a distance): the model's costs at v from its models at v0
    and at a second value with the same matrix (None when none of the values tried has it)."""
    step = max(abs(v0), 1.0) if towards is None else towards - v0
    tries = (v0 - step / 2, v0 + step / 2, v0 - step / 64) if towards is None else (v0 + step / 2, v0 + step / 64)
    for v1 in tries:
        if v1 == v0:
            continue
        other = be.compile_part(moved(v1), supply, demand, options, None if override is None else override(v1))
        front = be.cost_front(part, other, v0, v1, options)
        if front is not None:
            return be.Search(part, front, lambda v: (1.0, v - v0, -np.inf, np.inf), networks)
    return None


# --------------------------------------------------------------------------- why not


def why_not(result_dir: str | Path, source: str, target: str, force: bool = True) -> WhyNot:
    """Why ``source`` (company or supply stream) does not serve ``target`` (company or demand stream)."""
    scenario, matches, summary = load_result(result_dir)
    supplies = streams_of(scenario, source, Direction.supply)
    demands = streams_of(scenario, target, Direction.demand)
    if not supplies:
        raise SettingsError(f"'{source}' is neither a company with supply streams nor a supply stream of the scenario")
    if not demands:
        raise SettingsError(f"'{target}' is neither a company with demand streams nor a demand stream of the scenario")
    excluded, present = exclusion_reasons(scenario, source, target)
    chosen = matches[(matches["kind"] == "exchange") & matches["supply_stream"].isin([s.id for s in supplies]) & matches["demand_stream"].isin([d.id for d in demands])]
    out = WhyNot(source, target, excluded, sorted(present))
    if not chosen.empty:
        out.forced = chosen.reset_index(drop=True)
        out.objective_before = out.objective_after = summary.objective
        out.status_after = "already matched"
        return out
    if not out.candidates or not force:
        return out
    rule = Rule(rule="require", source=source, target=target)
    forced_scenario = scenario.replaced(rules=scenario.rules + (rule,))
    after = optimise(forced_scenario)
    out.objective_before = summary.objective
    out.status_after = after.status
    if after.ok:
        out.objective_after = after.summary.objective
        key = ["kind", "source", "target", "supply_stream", "demand_stream"]
        after_keys = set(map(tuple, after.matches[key].to_numpy().tolist()))
        m = after.matches
        out.forced = m[m["supply_stream"].isin([s.id for s in supplies]) & m["demand_stream"].isin([d.id for d in demands])].reset_index(drop=True)
        out.pushed_out = matches[[tuple(r) not in after_keys for r in matches[key].to_numpy().tolist()]].reset_index(drop=True)
        changes = match_changes(matches, m)
        out.gained = changes[changes["change"] == "gained"].reset_index(drop=True)
        out.changed = changes[changes["change"] == "changed"].reset_index(drop=True)
        co2 = float(changes["change_co2_avoided_t_per_year"].sum()) if "change_co2_avoided_t_per_year" in changes else 0.0
        out.carbon_eur_per_year = -scenario.settings.carbon_price_eur_per_t * co2
    return out

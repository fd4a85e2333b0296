"""The measure registry (contract section 4d): every figure a network is judged by, as data.

A measure has a name, a unit, a sense (more or less is better) and five coefficient
rules, in its own raw units (the measure's value is raw / ``divisor``):

- ``flow``: per supply unit moved over a volume arc (x_{a,t}; 0 on peak arcs, whose
  flows in slots that set no peak are arbitrary);
- ``link``: per year per link built (y_a);
- ``membership``: per pool membership (w_{d,f});
- ``option``: per size option built (z_{f,k});
- ``peak``: per unit of peak cut of a peak demand (max_t D_{d,t} - k_d).

Every measure is then one exact linear expression over the model's variables, which
the objective maximises (or minimises, by its sense), floors, ceilings and fronts
use; the results split it over matches and companies, and the checker recomputes it
from the files, all through these rules. Money and CO2 come from ``economics``.

To add a measure: one ``Measure(...)`` in ``MEASURES`` below, and one hand-computed
case in ``tests/cases/`` (docs/architecture.md, "Measures").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from symbiosis import economics
from symbiosis.errors import SettingsError
from symbiosis.schema import Facility, Family, Pricing, Resource, Settings, Stream, Transport
from symbiosis.schema.messages import did_you_mean
from symbiosis.types import Objective

Sense = Literal["more", "less"]
# Names that an objective may use beside the measures: the default weighted sum
# (savings + carbon price x CO2) and the alternatives' "links shared" count.
WEIGHTED, DISTINCT = "weighted", "distinct"


@dataclass(frozen=True)
class ArcFacts:
    """What the measures read of exchange arcs: numpy arrays with one entry per arc."""

    settings: Settings
    terms: economics.ExchangeTerms  # v_a, CO2 per unit, F_a and rho_a (heat pump included)
    distance_km: np.ndarray  # d_ij (a links.csv distance already in it)
    peak: np.ndarray  # bool: the supply resource is peak-priced
    supply_family: np.ndarray  # family of the supply's resource (str)
    demand_family: np.ndarray  # family of the demand's resource (str)
    road: np.ndarray  # bool: the supply resource moves by road
    mass_t: np.ndarray  # tonnes per supply unit (``mass_t_per_unit``)


@dataclass(frozen=True)
class MemberFacts:
    """What the measures read of one pool membership: demand d joining facility f."""

    settings: Settings
    resource: Resource
    demand: Stream
    distance_km: float  # d_{d,f} (a links.csv distance already in it)
    terms: economics.MemberTerms


@dataclass(frozen=True)
class OptionFacts:
    """What the measures read of one size option of a facility."""

    settings: Settings
    resource: Resource
    facility: Facility


@dataclass(frozen=True)
class PeakFacts:
    """What the measures read of one peak demand (per unit of its peak cut)."""

    settings: Settings
    resource: Resource
    demand: Stream


def _zero_arcs(a: ArcFacts) -> np.ndarray:
    return np.zeros(len(a.distance_km))


def _zero(_: object) -> float:
    return 0.0


@dataclass(frozen=True)
class Measure:
    """One measure: its name, unit and sense, where it is written, and its coefficient rules (raw units)."""

    name: str
    unit: str
    sense: Sense
    label: str  # what an analyst calls it (cards, captions)
    column: str  # its column in matches.csv and companies.csv
    summary_key: str  # its key in summary.json (beside ``measures``)
    flow: Callable[[ArcFacts], np.ndarray] = _zero_arcs
    link: Callable[[ArcFacts], np.ndarray] = _zero_arcs
    membership: Callable[[MemberFacts], float] = _zero
    option: Callable[[OptionFacts], float] = _zero
    peak: Callable[[PeakFacts], float] = _zero
    divisor: float = 1.0  # value = raw / divisor (CO2: kg in, t out)
    lowest: float | None = None  # the least any network can have (0 for a measure that is never negative), None if unbounded

    @property
    def sign(self) -> float:
        """+1 when more is better, -1 when less is: the weight of "make it as good as it can be"."""
        return 1.0 if self.sense == "more" else -1.0


# --------------------------------------------------------------------------- the rules


def mass_t_per_unit(resource: Resource) -> float:
    """Tonnes in one unit: kg_per_unit / 1000, or 1 where the unit is ``t`` and kg_per_unit is empty; else 0 (unknown)."""
    if resource.kg_per_unit is not None:
        return resource.kg_per_unit / 1000.0
    return 1.0 if resource.unit.strip().lower() == "t" else 0.0


def land_m2_per_unit(resource: Resource, settings: Settings) -> float:
    """Land one unit of peak capacity takes: ``m2_per_parking_space`` for parking, 1 for ``space`` in m2; else 0."""
    if resource.pricing is not Pricing.peak:
        return 0.0
    if resource.family is Family.parking:
        return settings.m2_per_parking_space
    if resource.family is Family.space and resource.unit.strip().lower() == "m2":
        return 1.0
    return 0.0


def option_land_m2(facility: Facility, resource: Resource, settings: Settings) -> float:
    """Land a size option takes, m2: its ``land_m2`` where given (a deck on several levels, an e-bike
    shelter whose capacity is bikes), else capacity x ``land_m2_per_unit`` (the contract's "capacity built")."""
    if facility.land_m2 is not None:
        return facility.land_m2
    return facility.capacity * land_m2_per_unit(resource, settings)


def _trips_km_per_t(settings: Settings, distance_km: np.ndarray | float) -> np.ndarray | float:
    """Truck-km per tonne moved: 1 / truck_payload_t trips, each 2 x the distance (loaded out, empty back)."""
    return 2.0 * distance_km / settings.truck_payload_t  # type: ignore[no-any-return]


def _truck_flow(a: ArcFacts) -> np.ndarray:
    return np.where(a.road & ~a.peak, a.mass_t * np.asarray(_trips_km_per_t(a.settings, a.distance_km)), 0.0)


def _truck_member(m: MemberFacts) -> float:
    if m.resource.transport is not Transport.road:
        return 0.0
    return m.demand.quantity * mass_t_per_unit(m.resource) * float(_trips_km_per_t(m.settings, m.distance_km))


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure(
            "savings_eur", "EUR/yr", "more", "net savings", "savings_eur_per_year", "net_savings_eur_per_year",
            flow=lambda a: a.terms.value_eur_per_unit,
            link=lambda a: -a.terms.fixed_cost_eur_per_year,
            membership=lambda m: m.terms.value_eur_per_year,
            option=lambda o: -economics.pool_fixed_cost(o.facility.capex_eur, o.facility.opex_eur_per_year, o.settings),
            peak=lambda p: p.demand.price_eur_per_unit,
        ),
        Measure(
            "co2_t", "t/yr", "more", "CO2 avoided", "co2_avoided_t_per_year", "co2_avoided_t_per_year",
            flow=lambda a: a.terms.co2_kg_per_unit,
            membership=lambda m: m.terms.co2_t_per_year * 1000.0,
            peak=lambda p: p.demand.co2_kg_per_unit,
            divisor=1000.0,
        ),
        Measure(
            # Parking spaces (x m2_per_parking_space) and m2 of space no longer needed:
            # a peak exchange frees its cut of d's own capacity; a pool its members'
            # summed peaks less the land its size option takes (``option_land_m2``).
            "land_freed_m2", "m2", "more", "land freed", "land_freed_m2", "land_freed_m2",
            membership=lambda m: m.demand.quantity * land_m2_per_unit(m.resource, m.settings),
            option=lambda o: -option_land_m2(o.facility, o.resource, o.settings),
            peak=lambda p: land_m2_per_unit(p.resource, p.settings),
        ),
        Measure(
            # Mass of material supplies exchanged: sum x kg_per_unit / 1000.
            "material_reused_t", "t/yr", "more", "material reused", "material_reused_t", "material_reused_t",
            flow=lambda a: np.where((a.supply_family == Family.material.value) & ~a.peak, a.mass_t, 0.0),
            lowest=0.0,
        ),
        Measure(
            # Road kilometres driven: mass moved / truck_payload_t trips, 2 x the distance each.
            "truck_km", "km/yr", "less", "truck-km", "truck_km", "truck_km",
            flow=_truck_flow,
            membership=_truck_member,
            lowest=0.0,
        ),
        Measure(
            # Energy delivered by exchanges into energy demands: sum rho_a x (a heat pump's lift included).
            "heat_recovered_mwh", "MWh/yr", "more", "heat recovered", "heat_recovered_mwh", "heat_recovered_mwh",
            flow=lambda a: np.where((a.demand_family == Family.energy.value) & ~a.peak, a.terms.rho, 0.0),
            lowest=0.0,
        ),
    )
}


# --------------------------------------------------------------------------- objectives


def measure(name: str, what: str = "measure") -> Measure:
    """The measure called ``name``; ``SettingsError`` with the nearest name otherwise."""
    if name not in MEASURES:
        raise SettingsError(f"unknown measure '{name}' in {what}{did_you_mean(name, list(MEASURES))} (the measures: {', '.join(MEASURES)})")
    return MEASURES[name]


def check_objective(objective: Objective, what: str = "the objective") -> Objective:
    """Refuse an objective that names a measure the registry does not know (with the nearest name)."""
    if not isinstance(objective, Objective):
        raise SettingsError(f"{what}: expected a symbiosis.Objective or a measure's name, got {type(objective).__name__}")
    if isinstance(objective.maximise, str):
        if objective.maximise not in (WEIGHTED, DISTINCT):
            measure(objective.maximise, f"{what} (maximise)")
    else:
        if not objective.maximise:
            raise SettingsError(f"{what}: a weighted sum needs at least one measure")
        for name, weight in objective.maximise:
            measure(name, f"{what} (weights)")
            if not math.isfinite(weight):
                raise SettingsError(f"{what}: the weight of {name} must be a finite number, not {weight}")
    for kind, bounds in (("floor", objective.floors), ("ceiling", objective.ceilings)):
        for name, value in bounds:
            if name not in (WEIGHTED, DISTINCT):
                measure(name, f"{what} ({kind})")
            if not math.isfinite(value):
                raise SettingsError(f"{what}: the {kind} on {name} must be a finite number, not {value}")
            m = MEASURES.get(name)
            if kind == "ceiling" and m is not None and m.lowest is not None and value < m.lowest:
                raise SettingsError(
                    f"{what}: the ceiling {name} <= {value:g} is below the least any network can have, {m.lowest:g} {m.unit} "
                    f"({m.label} is never negative); no network can meet it"
                )
    return objective


def name_of(summary_key: str) -> str:
    """A measure's name from its key in summary.json (``net_savings_eur_per_year`` -> ``savings_eur``); other keys as they are."""
    return next((m.name for m in MEASURES.values() if m.summary_key == summary_key), summary_key)


Weights = tuple[tuple[str, float], ...]


def weights_of(name: str | Weights, settings: Settings) -> Weights:
    """The weights of a named objective: a measure (+1, or -1 for a "less" measure), the
    default ``weighted`` (savings + carbon price x CO2), or given weights as they are."""
    if not isinstance(name, str):
        return tuple(name)
    if name == WEIGHTED:
        return (("savings_eur", 1.0), ("co2_t", settings.carbon_price_eur_per_t))
    if name == DISTINCT:
        return ()
    return ((name, MEASURES[name].sign),)


# What equal optima of another measure are told apart by (DESIGN 4b: "ties broken by the larger net savings").
TIE_BREAK = "savings_eur"


def breaks_ties(objective: Objective) -> bool:
    """Whether a solve for this objective has a second, lexicographic stage that makes net savings as
    large as they can be among the optima of the measure maximised (``lexicographic``): so when one
    measure of the registry other than savings is maximised. The default objective holds savings
    already, a weighted sum says itself how much savings count, and ``distinct`` is the alternatives' own."""
    m = objective.maximise
    return isinstance(m, str) and m in MEASURES and m != TIE_BREAK


def hold_tolerance(value: float) -> float:
    """What a solver may give up of a value it was told to hold: 1e-9 |value| + 1e-6, its own feasibility tolerance."""
    return 1e-9 * abs(value) + 1e-6


def held(optimum: float) -> float:
    """How good a later lexicographic stage keeps an earlier stage's optimum (as the solver reports it,
    sign x value): the optimum less ``hold_tolerance``, so that the earlier network is feasible for
    the later stage."""
    return optimum - hold_tolerance(optimum)


def lexicographic(objective: Objective, good: float, then: str = TIE_BREAK) -> Objective:
    """The next stage of a lexicographic solve: make ``then`` as good as it can be, keeping the
    objective's own floors and ceilings and its measure maximised at least ``good`` (sign x value,
    ``held`` of the first stage's optimum): a floor, or a ceiling for a "less" measure such as
    truck_km (the default weighted objective is floored as ``weighted``)."""
    name = objective.maximise
    if not isinstance(name, str) or name == DISTINCT:
        raise ValueError(f"a lexicographic stage holds one measure or the weighted objective, not {name!r}")
    floors, ceilings = objective.floors, objective.ceilings
    if name == WEIGHTED or MEASURES[name].sign > 0:
        floors = (*floors, (name, good))
    else:
        ceilings = (*ceilings, (name, -good))
    return Objective(then, floors=floors, ceilings=ceilings)


def directions(objective: Objective, settings: Settings) -> list[Weights]:
    """The weighted sums the objective in use wants larger: the one maximised, each floored
    measure and each ceilinged one (negated), and net savings where a second stage breaks
    ties by them (``breaks_ties``). An arc or membership that adds to none of them is of no
    use, and a peak demand that gains from a higher k_d in any needs pinning."""
    out = [weights_of(objective.maximise, settings)]
    if breaks_ties(objective):
        out.append(((TIE_BREAK, 1.0),))
    out += [weights_of(name, settings) if name in (WEIGHTED, DISTINCT) else ((name, 1.0),) for name, _ in objective.floors]
    out += [tuple((m, -w) for m, w in weights_of(name, settings)) if name == WEIGHTED else ((name, -1.0),) for name, _ in objective.ceilings]
    return [w for w in out if w]


def combine(weights: Weights, raw: Mapping[str, np.ndarray]) -> np.ndarray:
    """sum_m w_m raw_m / divisor_m: one coefficient of a weighted sum (the savings term first, as the objective adds it)."""
    total: np.ndarray | float = 0.0
    for name, w in weights:
        total = total + w * raw[name] / MEASURES[name].divisor
    return np.asarray(total, dtype=float)


def of_use(objective: Objective, settings: Settings, raw: Mapping[str, np.ndarray], link: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
    """Whether an arc or membership can add to the objective in use, else it is pruned.

    ``raw`` holds each measure's coefficient per unit (per flow unit, per unit of peak
    cut for peak arcs, per membership), ``link`` each per link built. It is of use
    where some direction (``directions``) gains from it. Dropping one that adds to no
    direction changes no optimum: setting it to 0 in any network keeps every floor and
    ceiling and loses nothing.
    """
    dirs = directions(objective, settings)
    n = len(next(iter(raw.values())))
    useful = np.zeros(n, dtype=bool)
    for w in dirs:
        useful |= combine(w, raw) > 0
        if link is not None:
            useful |= combine(w, link) > 0
    return useful


# --------------------------------------------------------------------------- coefficients


def arc_facts(
    settings: Settings,
    resources: Sequence[Resource],
    supply_code: np.ndarray,
    demand_code: np.ndarray,
    terms: economics.ExchangeTerms,
    distance_km: np.ndarray,
) -> ArcFacts:
    """``ArcFacts`` of arcs whose supply and demand resources are ``resources[code]``, one code per arc."""
    s, d = np.asarray(supply_code, dtype=np.int64), np.asarray(demand_code, dtype=np.int64)

    def column(values: list[object], dtype: object) -> np.ndarray:
        return np.array(values, dtype=dtype)  # type: ignore[call-overload]

    peak = column([r.pricing is Pricing.peak for r in resources], bool)
    family = column([r.family.value for r in resources], object)
    road = column([r.transport is Transport.road for r in resources], bool)
    mass = column([mass_t_per_unit(r) for r in resources], float)
    return ArcFacts(
        settings=settings,
        terms=terms,
        distance_km=np.asarray(distance_km, dtype=float),
        peak=peak[s] if len(s) else np.zeros(0, dtype=bool),
        supply_family=family[s] if len(s) else np.zeros(0, dtype=object),
        demand_family=family[d] if len(d) else np.zeros(0, dtype=object),
        road=road[s] if len(s) else np.zeros(0, dtype=bool),
        mass_t=mass[s] if len(s) else np.zeros(0),
    )


def pair_coefficients(
    settings: Settings, supply_resource: Resource, demand_resource: Resource, terms: economics.ExchangeTerms, distance_km: float
) -> tuple[dict[str, float], dict[str, float]]:
    """Every measure's raw coefficient per flow unit and per link of one supply-demand pair (``economics.pair_terms``)."""
    facts = arc_facts(settings, [supply_resource, demand_resource], np.array([0]), np.array([1]), terms, np.array([distance_km]))
    flow, link = arc_coefficients(facts)
    return {k: float(v[0]) for k, v in flow.items()}, {k: float(v[0]) for k, v in link.items()}


def arc_coefficients(facts: ArcFacts) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Every measure's raw coefficient per flow unit and per link built, one entry per arc."""
    n = len(facts.distance_km)
    flow = {m.name: np.broadcast_to(np.asarray(m.flow(facts), dtype=float), (n,)).copy() for m in MEASURES.values()}
    link = {m.name: np.broadcast_to(np.asarray(m.link(facts), dtype=float), (n,)).copy() for m in MEASURES.values()}
    return flow, link


def member_coefficients(facts: MemberFacts) -> dict[str, float]:
    """Every measure's raw coefficient of one pool membership."""
    return {m.name: float(m.membership(facts)) for m in MEASURES.values()}


def option_coefficients(facts: OptionFacts) -> dict[str, float]:
    """Every measure's raw coefficient of one size option built."""
    return {m.name: float(m.option(facts)) for m in MEASURES.values()}


def peak_coefficients(facts: PeakFacts) -> dict[str, float]:
    """Every measure's raw coefficient per unit of peak cut of one demand."""
    return {m.name: float(m.peak(facts)) for m in MEASURES.values()}


# --------------------------------------------------------------------------- values of matches


def exchange_value(name: str, flow_coef: float, link_coef: float, flow: float) -> float:
    """A volume exchange's measure: (coefficient x sum_t x + link coefficient) / divisor."""
    return (flow_coef * flow + link_coef) / MEASURES[name].divisor


def peak_values(name: str, peak_coef: float, link_coefs: Sequence[float], cut: float, shares: Sequence[float]) -> list[float]:
    """The measure of each exchange into one peak demand: (coefficient x cut + its links' coefficients) / divisor,
    split by the shares of ``economics.peak_cut_shares``."""
    total = (peak_coef * cut + float(sum(link_coefs))) / MEASURES[name].divisor
    return [total * w for w in shares]


def member_values(name: str, member_coefs: Sequence[float], option_coef: float, quantities: Sequence[float]) -> list[float]:
    """Each member's measure in one pool: its own coefficient plus the option's, split in proportion to the
    members' quantities Q_d (evenly when all are 0), over the divisor. (Money follows ``allocation`` instead.)"""
    shares = economics.proportional_shares(option_coef, quantities)
    return [(c + s) / MEASURES[name].divisor for c, s in zip(member_coefs, shares)]


def others() -> list[Measure]:
    """The measures beyond savings and CO2 (each one a column of its own in matches.csv and companies.csv)."""
    return [m for m in MEASURES.values() if m.name not in ("savings_eur", "co2_t")]

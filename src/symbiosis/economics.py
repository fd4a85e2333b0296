"""Every money and CO2 formula of the contract (DESIGN.md section 4), in one place.

The measure registry beside it (``symbiosis.measures``) turns these and the other
measures (land, material, truck-km, heat) into coefficients. The candidate generator, the model's objective, the results, the checker and the
report all call these functions, so a formula can only be wrong once. Functions take
numpy arrays or plain floats alike. Money is EUR per year, CO2 is kg per unit in and
t per year out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from symbiosis.geodesy import EARTH_RADIUS_KM as EARTH_RADIUS_KM
from symbiosis.geodesy import haversine_km as haversine_km
from symbiosis.schema import Facility, HeatPump, Link, Pricing, Resource, Settings, Stream, Transport

KELVIN = 273.15

F = TypeVar("F", float, np.ndarray)


def distance_km(lat1: F, lon1: F, lat2: F, lon2: F, settings: Settings) -> F:
    """d_ij = haversine(i, j) x detour_factor."""
    return haversine_km(lat1, lon1, lat2, lon2) * settings.detour_factor  # type: ignore[no-any-return]


def crf(rate: float, years: int) -> float:
    """Capital recovery factor r(1+r)^n / ((1+r)^n - 1); 1/n when r = 0."""
    if rate == 0:
        return 1.0 / years
    g = (1 + rate) ** years
    return rate * g / (g - 1)


def heat_pump_cop(t_supply: F, t_demand: F, approach_c: float, hp: HeatPump) -> F:
    """COP of a heat pump lifting t_supply to t_demand + approach, NaN where none applies.

    L = T_d + approach - T_s must be in (0, max_lift]; COP = carnot_fraction x
    (T_d + 273.15) / L, and COP <= 1 means no candidate.
    """
    ts = np.asarray(t_supply, dtype=float)
    td = np.asarray(t_demand, dtype=float)
    lift = td + approach_c - ts
    ok = (lift > 0) & (lift <= hp.max_lift_c)
    with np.errstate(divide="ignore", invalid="ignore"):
        cop = np.where(ok, hp.carnot_fraction * (td + KELVIN) / np.where(ok, lift, 1.0), np.nan)
    cop = np.where(cop > 1, cop, np.nan)
    return cop if cop.ndim else float(cop)  # type: ignore[return-value]


@dataclass(frozen=True)
class ExchangeTerms:
    """Per supply unit: effective ratio, value and CO2; per year: the fixed cost."""

    rho: np.ndarray  # demand units delivered per supply unit (heat pump included)
    value_eur_per_unit: np.ndarray  # v_a (0 for peak arcs: their value is the peak cut)
    co2_kg_per_unit: np.ndarray  # avoided per supply unit (0 for peak arcs)
    fixed_cost_eur_per_year: np.ndarray  # F_a
    heat_pump_cop: np.ndarray  # NaN where no heat pump
    parts: dict[str, np.ndarray]  # the terms that add up to the three above, for explanations


# Labels of ExchangeTerms.parts: per supply unit (EUR, kg CO2) or per year (fixed).
# A links.csv value replaces the computed part: "road_transport" becomes 0 and
# "link_transport" holds the given cost; likewise for CO2 and the fixed cost.
VALUE_PARTS = ("avoided_disposal", "avoided_purchase", "road_transport", "link_transport", "heat_pump")
CO2_PARTS = ("co2_supply_route", "co2_demand_route", "co2_road_transport", "co2_link_transport", "co2_heat_pump")
FIXED_PARTS = ("link_fixed_cost", "pipe_cost", "link_given_fixed_cost", "legal_route")


def link_values(link: Link | None) -> tuple[float, float, float, float]:
    """A links.csv row's (distance, cost per unit, CO2 per unit, fixed cost), NaN where it keeps the computed value."""
    if link is None:
        return (np.nan, np.nan, np.nan, np.nan)
    return tuple(np.nan if v is None else float(v) for v in (link.distance_km, link.cost_eur_per_unit, link.co2_kg_per_unit, link.fixed_cost_eur_per_year))  # type: ignore[return-value]


def _given(override: np.ndarray | float | None) -> np.ndarray:
    return np.asarray(np.nan if override is None else override, dtype=float)


def exchange_terms(
    *,
    settings: Settings,
    rho: np.ndarray | float,
    distance_km: np.ndarray | float,
    supply_price: np.ndarray | float,
    demand_price: np.ndarray | float,
    supply_co2: np.ndarray | float,
    demand_co2: np.ndarray | float,
    road_kg_per_unit: np.ndarray | float,
    pipe_capex_eur_per_m: np.ndarray | float,
    peak: np.ndarray | bool,
    cop: np.ndarray | float,
    link_cost: np.ndarray | float | None = None,
    link_co2: np.ndarray | float | None = None,
    link_fixed: np.ndarray | float | None = None,
    route_cost: np.ndarray | float = 0.0,
) -> ExchangeTerms:
    """The arc coefficients of contract section 4.

    v_a = p_s + rho p_d - road cost - heat-pump cost, with road cost =
    road_cost_eur_per_tkm x kg/1000 x d, and for a heat pump rho <- rho COP/(COP-1),
    cost electricity_price/(COP-1) + cost_eur_per_mwh x rho per supply unit.
    CO2 (kg per supply unit) = co2_s + rho co2_d - road_co2 x kg/1000 x d
    - electricity_co2/(COP-1).  F_a = link_fixed_cost + CRF x pipe_capex x 1000 x d.
    Pass road_kg_per_unit = 0 unless the resource moves by road, and
    pipe_capex_eur_per_m = 0 unless by pipe.

    ``link_cost``, ``link_co2`` and ``link_fixed`` are links.csv values (NaN or None:
    keep the computed one): the transport cost and CO2 per supply unit replace the road
    terms whatever the transport mode, and the fixed cost replaces F_a's link and pipe terms.

    ``route_cost`` is the yearly cost of the legal route of a waste exchange
    (``route_yearly_cost``, section 4g), added to F_a whatever links.csv says: paperwork
    is not transport.
    """
    d = np.asarray(distance_km, dtype=float)
    kg = np.asarray(road_kg_per_unit, dtype=float)
    cop_a = np.asarray(cop, dtype=float)
    has_hp = ~np.isnan(cop_a)
    hp = settings.heat_pump
    with np.errstate(divide="ignore", invalid="ignore"):
        per_supply = np.where(has_hp, 1.0 / (cop_a - 1.0), 0.0)
    rho_eff = np.asarray(rho, dtype=float) * np.where(has_hp, cop_a * per_supply, 1.0)
    hp_cost = np.zeros_like(rho_eff)
    hp_co2 = np.zeros_like(rho_eff)
    if hp is not None:
        hp_cost = np.where(has_hp, hp.electricity_price_eur_per_mwh * per_supply + hp.cost_eur_per_mwh * rho_eff, 0.0)
        hp_co2 = np.where(has_hp, hp.electricity_co2_kg_per_mwh * per_supply, 0.0)
    a = settings.annualisation
    live = ~np.asarray(peak, dtype=bool)  # a peak arc's value is the demand's peak cut, not per unit
    lc, lq, lf = _given(link_cost), _given(link_co2), _given(link_fixed)
    has_c, has_q, has_f = ~np.isnan(lc), ~np.isnan(lq), ~np.isnan(lf)
    parts = {
        "avoided_disposal": np.asarray(supply_price, dtype=float) * live,
        "avoided_purchase": rho_eff * np.asarray(demand_price, dtype=float) * live,
        "road_transport": np.where(has_c, 0.0, -settings.road_cost_eur_per_tkm * kg / 1000.0 * d) * live,
        "link_transport": -np.where(has_c, lc, 0.0) * live,
        "heat_pump": -hp_cost * live,
        "co2_supply_route": np.asarray(supply_co2, dtype=float) * live,
        "co2_demand_route": rho_eff * np.asarray(demand_co2, dtype=float) * live,
        "co2_road_transport": np.where(has_q, 0.0, -settings.road_co2_kg_per_tkm * kg / 1000.0 * d) * live,
        "co2_link_transport": -np.where(has_q, lq, 0.0) * live,
        "co2_heat_pump": -hp_co2 * live,
        "link_fixed_cost": np.where(has_f, 0.0, np.asarray(settings.link_fixed_cost_eur_per_year, dtype=float)),
        "pipe_cost": np.where(has_f, 0.0, crf(a.rate, a.years) * np.asarray(pipe_capex_eur_per_m, dtype=float) * 1000.0 * d),
        "link_given_fixed_cost": np.where(has_f, lf, 0.0),
        "legal_route": np.asarray(route_cost, dtype=float),
    }
    value = sum(parts[k] for k in VALUE_PARTS)
    co2 = sum(parts[k] for k in CO2_PARTS)
    fixed = sum(parts[k] for k in FIXED_PARTS)
    shape = np.broadcast(rho_eff, value, co2, fixed, cop_a).shape

    def full(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(x, shape).copy()

    return ExchangeTerms(
        rho=full(rho_eff),
        value_eur_per_unit=full(value),
        co2_kg_per_unit=full(co2),
        fixed_cost_eur_per_year=full(fixed),
        heat_pump_cop=full(cop_a),
        parts={k: full(v) for k, v in parts.items()},
    )


def pair_terms(
    settings: Settings,
    resource: Resource,
    supply: Stream,
    demand: Stream,
    rho: float,
    distance_km: float,
    cop: float,
    link: Link | None = None,
    route_cost: float = 0.0,
) -> ExchangeTerms:
    """``exchange_terms`` for one supply-demand pair, read from their streams and the supply's resource.

    ``distance_km`` is the pair's distance (a links.csv distance already in it); ``link``
    the links.csv row that holds for the pair, if any; ``route_cost`` the yearly cost of
    its legal route (``symbiosis.legal``).
    """
    _, cost, co2, fixed = link_values(link)
    return exchange_terms(
        settings=settings,
        rho=rho,
        distance_km=distance_km,
        supply_price=supply.price_eur_per_unit,
        demand_price=demand.price_eur_per_unit,
        supply_co2=supply.co2_kg_per_unit,
        demand_co2=demand.co2_kg_per_unit,
        road_kg_per_unit=(resource.kg_per_unit or 0.0) if resource.transport is Transport.road else 0.0,
        pipe_capex_eur_per_m=(resource.pipe_capex_eur_per_m or 0.0) if resource.transport is Transport.pipe else 0.0,
        peak=resource.pricing is Pricing.peak,
        cop=cop,
        link_cost=cost,
        link_co2=co2,
        link_fixed=fixed,
        route_cost=route_cost,
    )


# --------------------------------------------------------------------------- legal routes and one-off costs (section 4g)


def route_yearly_cost(one_off_eur: float, yearly_eur: float, settings: Settings) -> float:
    """The yearly cost of a legal route: CRF x one-off + yearly (the one-off annualised like any capital)."""
    a = settings.annualisation
    return crf(a.rate, a.years) * one_off_eur + yearly_eur


def pipe_one_off_eur(pipe_capex_eur_per_m: F, distance_km: F) -> F:
    """What a pipe costs to build, once: pipe_capex_eur_per_m x 1000 x d (the F_a term before the CRF)."""
    return pipe_capex_eur_per_m * 1000.0 * distance_km  # type: ignore[return-value]


def exchange_one_off_eur(pipe_capex_eur_per_m: F, distance_km: F, given_fixed_cost: F | bool, route_one_off_eur: F) -> F:
    """The one-off cost of starting an exchange: its pipe (none where links.csv gives the fixed cost: the pipe
    exists or is priced there) plus its legal route's one-off. Pass pipe_capex_eur_per_m = 0 unless by pipe."""
    pipe = np.where(given_fixed_cost, 0.0, pipe_one_off_eur(pipe_capex_eur_per_m, distance_km))  # type: ignore[arg-type]
    return pipe + route_one_off_eur  # type: ignore[return-value]


def discount(rate: float, year: int) -> float:
    """What one EUR of year ``year`` is worth today: 1 / (1 + rate)^year (year 0 is now)."""
    return 1.0 / (1.0 + rate) ** year


def discounted_savings(savings_eur_per_year: float, start: int, years: int, rate: float) -> float:
    """Savings of a match that starts in year ``start`` and runs to the end of a ``years``-year horizon,
    discounted: sum_{k=start}^{years-1} savings / (1 + rate)^k (0 when it starts at or after the horizon)."""
    return savings_eur_per_year * sum(discount(rate, k) for k in range(max(start, 0), years))


def objective_weight(value_eur: F, co2_kg: F, settings: Settings) -> F:
    """What one unit is worth to the objective: EUR plus the carbon price of its CO2."""
    return value_eur + settings.carbon_price_eur_per_t * co2_kg / 1000.0  # type: ignore[no-any-return]


def objective(net_savings_eur: float, co2_t: float, settings: Settings) -> float:
    """Objective = net savings + carbon price x CO2 avoided (t)."""
    return net_savings_eur + settings.carbon_price_eur_per_t * co2_t


def remaining_peak(demand_per_slot: np.ndarray, inflow_per_slot: np.ndarray) -> float:
    """k_d = max(0, max_t (D_t - sum_a rho_a x_{a,t})): the peak the demand still covers itself."""
    return float(max(0.0, float(np.max(demand_per_slot - inflow_per_slot))))


def standalone_reduction(demand_per_slot: np.ndarray, rho: float, supply_per_slot: np.ndarray) -> float:
    """r_a = max_t D_t - max_t max(0, D_t - rho S_t): what link a alone could cut from d's peak.

    S_t is the supply's whole spare capacity in slot t, as if no other link drew on it.
    """
    need = np.asarray(demand_per_slot, dtype=float)
    left = np.maximum(0.0, need - rho * np.asarray(supply_per_slot, dtype=float))
    return float(need.max() - left.max()) if len(need) else 0.0


def peak_weights(reductions: Sequence[float]) -> list[float]:
    """Each exchange's share of a peak demand: r_a / sum r (evenly where every r_a is 0)."""
    n = len(reductions)
    total = float(sum(reductions))
    return [float(r) / total for r in reductions] if total > 0 else [1.0 / n] * n


def peak_cut_shares(demand_per_slot: np.ndarray, inflow_per_slot: np.ndarray, reductions: Sequence[float]) -> tuple[float, list[float]]:
    """The peak cut max_t D_t - k_d of one peak demand, and each exchange's share of it (``peak_weights``).

    Every measure of the exchanges into d (``measures.peak_values``) is split so, and each
    match's quantity is its share of the cut.
    """
    cut = float(np.max(demand_per_slot)) - remaining_peak(demand_per_slot, inflow_per_slot)
    return cut, peak_weights(reductions)


def price_band(supply_price: float, savings_eur_per_year: float, quantity: float) -> tuple[float, float] | None:
    """The price band of an exchange (contract section 4, turn 3): per unit of the match's quantity, the
    transfer prices pi (paid by the buyer to the supplier) at which both companies end at least as well
    off as today; None for an exchange that moves nothing.

    Volume exchange, q = sum_t x_{a,t} supply units: the supplier gains (p_s + pi) q and the buyer
    (rho p_d - c_a - pi) q - F_a, so pi lies in [-p_s, rho p_d - c_a - F_a / q]. Since the exchange's
    savings are (p_s + rho p_d - c_a) q - F_a (``volume_exchange``), the ceiling is -p_s + savings / q:
    the band is as wide as the savings per unit, and its midpoint (``even_split_price``) gives each
    side half of them, the even split of the companies' figures.

    Peak exchange: from 0 to the match's savings divided by its quantity. A peak supply's price is 0
    (contract section 3), so the same -p_s + savings / q holds.

    Money only: a carbon price is not cash changing hands.
    """
    if not quantity > 0:
        return None
    floor = 0.0 - supply_price  # not -p_s: a price of 0 gives 0.0, never -0.0
    return floor, floor + savings_eur_per_year / quantity


def even_split_price(band: tuple[float, float]) -> float:
    """The transfer price of the even split: the middle of the band."""
    return (band[0] + band[1]) / 2.0


def split_exchange(amount: float) -> tuple[float, float]:
    """An exchange's savings (or CO2) split evenly between its two companies."""
    return amount / 2.0, amount / 2.0


# --------------------------------------------------------------------------- pools


def pool_fixed_cost(capex_eur: float, opex_eur_per_year: float, settings: Settings) -> float:
    """Yearly fixed cost of a size option: CRF x capex + opex."""
    a = settings.annualisation
    return crf(a.rate, a.years) * capex_eur + opex_eur_per_year


def pool_member_value(price: float, cost_eur_per_unit: float, quantity: float) -> float:
    """What a member gains from the pool before fixed costs: (p_d - cost per unit) x Q_d."""
    return (price - cost_eur_per_unit) * quantity


def pool_member_co2_t(co2_kg_per_unit: float, quantity: float) -> float:
    """CO2 a member avoids (t/yr): co2_d x Q_d / 1000."""
    return co2_kg_per_unit * quantity / 1000.0


@dataclass(frozen=True)
class MemberTerms:
    """A pool membership's yearly value and CO2, and the parts that add up to them."""

    value_eur_per_year: float  # ((p_d - cost_eur_per_unit - t_{d,f}) Q_d - g_{d,f})
    co2_t_per_year: float  # (co2_d - transport CO2 per unit) Q_d / 1000
    parts: dict[str, float]  # MEMBER_PARTS in EUR/yr, MEMBER_CO2_PARTS in t/yr


MEMBER_PARTS = ("avoided_provision", "facility_cost", "road_to_facility", "link_transport", "membership_cost")
MEMBER_CO2_PARTS = ("co2_member_route", "co2_road_to_facility", "co2_link_transport")


def member_terms(
    settings: Settings, resource: Resource, demand: Stream, facility: Facility, distance_km: float, link: Link | None = None
) -> MemberTerms:
    """Value and CO2 of demand d joining facility f's pool (contract section 4, pools).

    t_{d,f} = road_cost_eur_per_tkm x kg/1000 x d_{d,f} per unit of Q_d for a ``road``
    resource (0 otherwise), and its CO2 road_co2_kg_per_tkm x kg/1000 x d_{d,f}, unless
    the links.csv row gives them; g_{d,f} is the row's fixed cost (default 0).
    ``distance_km`` is the membership distance (a links.csv distance already in it).
    """
    _, cost, co2, fixed = link_values(link)
    q = demand.quantity
    kg = (resource.kg_per_unit or 0.0) / 1000.0 if resource.transport is Transport.road else 0.0
    road_t = settings.road_cost_eur_per_tkm * kg * distance_km
    road_q = settings.road_co2_kg_per_tkm * kg * distance_km
    parts = {
        "avoided_provision": demand.price_eur_per_unit * q,
        "facility_cost": -facility.cost_eur_per_unit * q,
        "road_to_facility": 0.0 if not math.isnan(cost) else -road_t * q,
        "link_transport": -cost * q if not math.isnan(cost) else 0.0,
        "membership_cost": -fixed if not math.isnan(fixed) else 0.0,
        "co2_member_route": demand.co2_kg_per_unit * q / 1000.0,
        "co2_road_to_facility": 0.0 if not math.isnan(co2) else -road_q * q / 1000.0,
        "co2_link_transport": -co2 * q / 1000.0 if not math.isnan(co2) else 0.0,
    }
    return MemberTerms(
        value_eur_per_year=float(sum(parts[k] for k in MEMBER_PARTS)),
        co2_t_per_year=float(sum(parts[k] for k in MEMBER_CO2_PARTS)),
        parts=parts,
    )


def pool_surplus(member_values: Sequence[float], fixed_cost: float) -> float:
    """sum_d (p_d - cost per unit) Q_d over the members, less the option's CRF capex + opex."""
    return float(sum(member_values)) - fixed_cost


def standalone_cost(price: float, quantity: float) -> float:
    """What a stream costs its company today: price x quantity (negative where it earns)."""
    return price * quantity


def proportional_shares(surplus: float, weights: Sequence[float]) -> list[float]:
    """The pool surplus split in proportion to the members' p_d Q_d (evenly if all are 0)."""
    total = float(sum(weights))
    n = len(weights)
    if n == 0:
        return []
    return [surplus * w / total for w in weights] if total > 0 else [surplus / n] * n


def coalition_worth(
    values: Sequence[float], loads: Sequence[np.ndarray], options: Sequence[tuple[float, float]], members: Sequence[int]
) -> float:
    """v(S): the best surplus the members S could make alone with this facility.

    max(0, max over options (capacity, fixed) with capacity >= max_t sum_{d in S} D_{d,t}
    of sum_{d in S} value_d - fixed); 0 when no option is large enough.
    """
    if not members:
        return 0.0
    peak = float(np.max(np.sum([loads[i] for i in members], axis=0)))
    return _worth(float(sum(values[i] for i in members)), peak, options)


def _worth(value: float, peak: float, options: Sequence[tuple[float, float]]) -> float:
    best = 0.0
    for capacity, fixed in options:
        if capacity >= peak * (1 - 1e-9):
            best = max(best, value - fixed)
    return best


def shapley_shares(
    values: Sequence[float],
    loads: Sequence[np.ndarray],
    options: Sequence[tuple[float, float]],
    samples: int = 2000,
    seed: int = 0,
    exact_up_to: int = 12,
    surplus: float | None = None,
) -> tuple[list[float], float]:
    """Shapley value of each member of one pool, and the largest standard error.

    Exact (over all coalitions) for up to ``exact_up_to`` members, with error 0;
    beyond that, the mean marginal contribution over ``samples`` random orders.

    ``surplus`` is the worth of all the members together: the surplus of the pool as
    built (``pool_surplus``), which is negative when a pool is built at a loss for its
    CO2 (under a CO2 floor or a carbon price). A smaller coalition may stay out
    (worth >= 0), the grand coalition did not: with v(N) = max(0, ...) the shares
    summed to 0 instead of the loss, and the net savings summed from them dropped it.
    Default: ``coalition_worth`` of all the members.
    """
    n = len(values)
    if n == 0:
        return [], 0.0
    if n <= exact_up_to:
        from math import factorial

        worth: dict[int, float] = {}
        for mask in range(1 << n):
            worth[mask] = coalition_worth(values, loads, options, [i for i in range(n) if mask >> i & 1])
        if surplus is not None:
            worth[(1 << n) - 1] = surplus
        weight = [factorial(k) * factorial(n - k - 1) / factorial(n) for k in range(n)]
        phi = [0.0] * n
        for mask in range(1 << n):
            size = bin(mask).count("1")
            for i in range(n):
                if not mask >> i & 1:
                    phi[i] += weight[size] * (worth[mask | 1 << i] - worth[mask])
        return phi, 0.0
    rng = np.random.default_rng(seed)
    contrib = np.zeros((samples, n))
    for s in range(samples):
        load = np.zeros_like(np.asarray(loads[0], dtype=float))
        value = 0.0
        before = 0.0
        for k, i in enumerate(rng.permutation(n)):
            load = load + loads[i]
            value += values[i]
            after = surplus if surplus is not None and k == n - 1 else _worth(value, float(load.max()), options)
            contrib[s, i] = after - before
            before = after
    mean = contrib.mean(axis=0)
    stderr = contrib.std(axis=0, ddof=1) / np.sqrt(samples)
    return [float(x) for x in mean], float(stderr.max())

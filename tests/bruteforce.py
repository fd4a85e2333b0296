"""An independent optimum for tiny scenarios: every subset of links, each with an LP.

It re-derives which supply-demand pairs may be linked straight from the contract
(not from ``symbiosis.candidates``), takes the coefficients from ``economics`` and the
measure registry (the one home of the formulas), and solves each link subset's flow
problem with scipy's ``linprog``. Nothing here touches Pyomo or HiGHS through symbiosis.

``weights`` (measure -> weight, as ``symbiosis.measures``) asks for the best weighted
sum of measures instead of the default objective (savings + carbon price x CO2).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from symbiosis import economics, measures
from symbiosis.schema import Direction, Link, Pricing, Scenario, Stream

Weights = dict[str, float]


def _weighted(weights: Weights, raw: dict[str, float]) -> float:
    """sum_m w_m raw_m / divisor_m."""
    return sum(w * raw[m] / measures.MEASURES[m].divisor for m, w in weights.items())


def exchange_link(sc: Scenario, s: Stream, d: Stream) -> Link | None:
    """The links.csv row that holds for (s, d), read from the contract's precedence (not from symbiosis).

    Both streams named: 3; one stream and the other's company: 2; both companies with
    ``resource`` = the supply's: 1; both companies, no resource: 0.
    """
    best: tuple[int, Link] | None = None
    for link in sc.links:
        src = 1 if link.source == s.id else (0 if link.source == s.company else None)
        dst = 1 if link.target == d.id else (0 if link.target == d.company else None)
        if src is None or dst is None:
            continue
        if src + dst:
            level = 1 + src + dst
        elif link.resource is None:
            level = 0
        elif link.resource == s.resource:
            level = 1
        else:
            continue
        if best is None or level > best[0]:
            best = (level, link)
    return None if best is None else best[1]


def member_link(sc: Scenario, facility: str, d: Stream) -> Link | None:
    """The links.csv row for d joining the facility: one naming d, else one naming its company."""
    rows = [k for k in sc.links if k.source == facility and k.target in (d.id, d.company)]
    rows.sort(key=lambda k: k.target != d.id)
    return rows[0] if rows else None


@dataclass
class Arc:
    s: Stream
    d: Stream
    rho: float
    value: float
    co2: float
    fixed: float
    peak: bool
    min_flow: float
    flow: dict[str, float]  # every measure's raw coefficient per supply unit (registry)
    link: dict[str, float]  # per link built
    per_cut: dict[str, float]  # per unit of the demand's peak cut


def eligible_arcs(sc: Scenario) -> list[Arc]:
    st = sc.settings
    res = sc.resource_by_id
    comp = sc.company_by_id
    ratios = {(x.supply_resource, x.demand_resource): x.ratio for x in sc.substitutions}
    arcs = []
    for s in sc.streams:
        if s.direction is not Direction.supply:
            continue
        for d in sc.streams:
            if d.direction is not Direction.demand or d.company == s.company:
                continue
            rho = 1.0 if s.resource == d.resource else ratios.get((s.resource, d.resource))
            if rho is None:
                continue
            rs = res[s.resource]
            cs, cd = comp[s.company], comp[d.company]
            dist = float(economics.distance_km(cs.lat, cs.lon, cd.lat, cd.lon, st))
            link = exchange_link(sc, s, d)
            if link is not None and link.distance_km is not None:
                dist = link.distance_km
            if dist > (rs.max_distance_km or st.max_distance_km):
                continue
            cop = math.nan
            if s.temperature_c is not None and d.temperature_c is not None and s.temperature_c < d.temperature_c + st.heat_approach_c:
                if st.heat_pump is None:
                    continue
                cop = float(economics.heat_pump_cop(s.temperature_c, d.temperature_c, st.heat_approach_c, st.heat_pump))
                if math.isnan(cop):
                    continue
            if any(r.rule == "forbid" and r.source in (s.id, s.company) and r.target in (d.id, d.company) for r in sc.rules):
                continue
            t = economics.pair_terms(st, rs, s, d, rho, dist, cop, link)
            rho_eff = float(t.rho)
            rd = res[d.resource]
            flow, per_link = measures.pair_coefficients(st, rs, rd, t, dist)
            arcs.append(
                Arc(s, d, rho_eff, float(t.value_eur_per_unit), float(t.co2_kg_per_unit), float(t.fixed_cost_eur_per_year),
                    rs.pricing is Pricing.peak, max(s.min_quantity or 0.0, (d.min_quantity or 0.0) / rho_eff),
                    flow, per_link, measures.peak_coefficients(measures.PeakFacts(st, rd, d)))
            )
    return arcs


def subset_value(sc: Scenario, arcs: list[Arc], co2_floor: float | None = None, weights: Weights | None = None) -> float | None:
    """Best objective with exactly these links built (y = 1), or None if infeasible.

    ``co2_floor`` (t/yr) adds CO2 avoided by these links >= the floor; ``weights`` values
    the links by that weighted sum of measures instead.
    """
    st = sc.settings
    carbon = st.carbon_price_eur_per_t / 1000.0
    var: list[tuple[int, int]] = []  # (arc, slot)
    for i, a in enumerate(arcs):
        for t in range(len(sc.slots(a.s.resource))):
            var.append((i, t))
    peaks = sorted({a.d.id for a in arcs if a.peak})
    n = len(var) + len(peaks)
    c = np.zeros(n)
    const = -sum(a.fixed for a in arcs) if weights is None else sum(_weighted(weights, a.link) for a in arcs)
    for j, (i, _) in enumerate(var):
        a = arcs[i]
        if not a.peak:
            c[j] = -(a.value + carbon * a.co2) if weights is None else -_weighted(weights, a.flow)  # linprog minimises
    a_ub, b_ub = [], []
    bounds = [(0, None)] * len(var)
    streams = sc.stream_by_id
    per_cut = {a.d.id: a.per_cut for a in arcs}
    for p, did in enumerate(peaks):
        d = streams[did]
        need = sc.slot_quantities(d)
        w = d.price_eur_per_unit + carbon * d.co2_kg_per_unit if weights is None else _weighted(weights, per_cut[did])
        const += w * need.max()
        c[len(var) + p] = w
        bounds.append((0, float(need.max())))
        for t, dt in enumerate(need):  # k_d >= D_t - sum rho x
            row = np.zeros(n)
            row[len(var) + p] = -1
            for j, (i, tt) in enumerate(var):
                if arcs[i].d.id == did and tt == t:
                    row[j] = -arcs[i].rho
            a_ub.append(row)
            b_ub.append(-dt)
    for s in {a.s.id for a in arcs}:
        cap = sc.slot_quantities(streams[s])
        for t, ct in enumerate(cap):
            row = np.array([1.0 if arcs[i].s.id == s and tt == t else 0.0 for i, tt in var] + [0.0] * len(peaks))
            a_ub.append(row)
            b_ub.append(ct)
    for did in {a.d.id for a in arcs if not a.peak}:
        need = sc.slot_quantities(streams[did])
        for t, dt in enumerate(need):
            row = np.array([arcs[i].rho if arcs[i].d.id == did and tt == t else 0.0 for i, tt in var] + [0.0] * len(peaks))
            a_ub.append(row)
            b_ub.append(dt)
    for i, a in enumerate(arcs):
        if a.min_flow > 0:
            row = np.array([-1.0 if ii == i else 0.0 for ii, _ in var] + [0.0] * len(peaks))
            a_ub.append(row)
            b_ub.append(-a.min_flow)
    if co2_floor is not None:
        # CO2 = sum_volume co2_a x / 1000 + sum_peak co2_d (max D - k_d) / 1000 >= floor
        row = np.zeros(n)
        rhs = -co2_floor
        for j, (i, _) in enumerate(var):
            if not arcs[i].peak:
                row[j] = -arcs[i].co2 / 1000.0
        for p, did in enumerate(peaks):
            d = streams[did]
            rhs += d.co2_kg_per_unit * float(sc.slot_quantities(d).max()) / 1000.0
            row[len(var) + p] = d.co2_kg_per_unit / 1000.0
        if n == 0:
            return const if rhs >= -1e-9 else None
        a_ub.append(row)
        b_ub.append(rhs)
    if n == 0:
        return const
    res = linprog(c, A_ub=np.array(a_ub) if a_ub else None, b_ub=np.array(b_ub) if b_ub else None, bounds=bounds, method="highs")
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    return const - float(res.fun)


def member_distance(sc: Scenario, facility: str, d: Stream) -> float:
    """The membership distance: haversine x detour from the facility, or the links.csv distance."""
    f = next(x for x in sc.facilities if x.id == facility)
    c = sc.company_by_id[d.company]
    link = member_link(sc, facility, d)
    if link is not None and link.distance_km is not None:
        return link.distance_km
    return float(economics.distance_km(f.lat, f.lon, c.lat, c.lon, sc.settings))


def eligible_members(sc: Scenario) -> list[tuple[str, Stream]]:
    """(facility, demand stream) pairs allowed by resource and catchment distance."""
    first = {}
    for f in sc.facilities:
        first.setdefault(f.id, f)
    out = []
    for fid, f in sorted(first.items()):
        for d in sc.streams:
            if d.direction is Direction.demand and d.resource == f.resource and member_distance(sc, fid, d) <= f.max_distance_km:
                out.append((fid, d))
    return out


def pool_configurations(sc: Scenario, weights: Weights | None = None) -> list[tuple[float, frozenset[str]]]:
    """Every feasible choice of options and members: (pool objective, or ``weights``' sum, member demand ids)."""
    st = sc.settings
    carbon = st.carbon_price_eur_per_t / 1000.0
    options: dict[str, list] = {}
    for f in sc.facilities:
        options.setdefault(f.id, []).append(f)
    members = eligible_members(sc)
    configs = []
    fids = sorted(options)
    for choice in itertools.product(*[[None] + list(range(len(options[f]))) for f in fids]):
        built = {f: options[f][k] for f, k in zip(fids, choice) if k is not None}
        cand = [(fid, d) for fid, d in members if fid in built]
        for n in range(len(cand) + 1):
            for subset in itertools.combinations(cand, n):
                ids = [d.id for _, d in subset]
                if len(ids) != len(set(ids)):
                    continue  # a demand joins at most one pool
                value = 0.0
                ok = True
                for fid, opt in built.items():
                    mine = [d for g, d in subset if g == fid]
                    if not mine:
                        ok = False  # a facility nobody joins is never built (contract section 4, pools)
                        break
                    load = sum((sc.slot_quantities(d) for d in mine), np.zeros(len(sc.slots(opt.resource))))
                    if np.any(load > opt.capacity + 1e-9):
                        ok = False
                        break
                    resource = sc.resource_by_id[opt.resource]
                    if weights is None:
                        value -= economics.pool_fixed_cost(opt.capex_eur, opt.opex_eur_per_year, st)
                    else:
                        value += _weighted(weights, measures.option_coefficients(measures.OptionFacts(st, resource, opt)))
                    for d in mine:
                        km = member_distance(sc, fid, d)
                        t = economics.member_terms(st, resource, d, opt, km, member_link(sc, fid, d))
                        if weights is None:
                            value += t.value_eur_per_year + carbon * 1000.0 * t.co2_t_per_year
                        else:
                            value += _weighted(weights, measures.member_coefficients(measures.MemberFacts(st, resource, d, km, t)))
                if ok:
                    configs.append((value, frozenset(ids)))
    return configs


def brute_force_optimum(sc: Scenario, weights: Weights | None = None) -> float | None:
    """The best objective (or weighted sum of measures) over every pool configuration and subset of links; None if none is feasible."""
    arcs = eligible_arcs(sc)
    requires = [r for r in sc.rules if r.rule == "require"]
    best: float | None = None
    memo: dict[frozenset[str], float | None] = {}
    for pool_value, member_ids in pool_configurations(sc, weights):
        if member_ids not in memo:
            usable = [a for a in arcs if a.d.id not in member_ids]  # a pool member takes no exchanges
            inner: float | None = None
            for k in range(len(usable) + 1):
                for subset in itertools.combinations(usable, k):
                    if not all(any(r.source in (a.s.id, a.s.company) and r.target in (a.d.id, a.d.company) for a in subset) for r in requires):
                        continue
                    v = subset_value(sc, list(subset), weights=weights)
                    if v is not None and (inner is None or v > inner):
                        inner = v
            memo[member_ids] = inner
        inner = memo[member_ids]
        if inner is not None and (best is None or pool_value + inner > best):
            best = pool_value + inner
    return best


def brute_force_max_savings(sc: Scenario, co2_floor: float | None) -> float | None:
    """The most net savings subject to CO2 avoided >= ``co2_floor`` (t/yr), over every pool
    configuration and subset of links (carbon price 0); None if no network meets the floor.

    Pools here are of resources moved by ``walk`` or ``none``, so a member's CO2 is co2_d Q_d / 1000.
    """
    sc = sc.with_settings(carbon_price_eur_per_t=0)
    arcs = eligible_arcs(sc)
    requires = [r for r in sc.rules if r.rule == "require"]
    streams = sc.stream_by_id
    best: float | None = None
    for pool_value, member_ids in pool_configurations(sc):
        pool_co2 = sum(streams[d].co2_kg_per_unit * streams[d].quantity / 1000.0 for d in member_ids)
        usable = [a for a in arcs if a.d.id not in member_ids]
        for k in range(len(usable) + 1):
            for subset in itertools.combinations(usable, k):
                if not all(any(r.source in (a.s.id, a.s.company) and r.target in (a.d.id, a.d.company) for a in subset) for r in requires):
                    continue
                floor = None if co2_floor is None else co2_floor - pool_co2
                v = subset_value(sc, list(subset), floor)
                if v is not None and (best is None or pool_value + v > best):
                    best = pool_value + v
    return best

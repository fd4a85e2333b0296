"""Candidate exchanges: the sparse table of feasible arcs, with their coefficients.

An arc a = (s, d) joins a supply stream s to a demand stream d of another company,
for the same resource (rho = 1) or through a substitution (rho = ratio), within the
supply resource's maximum distance, and hot enough (or through a heat pump). Pairs
are found with a KD-tree on the unit sphere, never by looking at all pairs. Arcs and
memberships that cannot add to the objective in use are pruned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np
import pandas as pd

from symbiosis import economics, measures
from symbiosis.candidates import programme
from symbiosis.candidates.pools import build_pool_candidates
from symbiosis.candidates.table import ARC_COLUMNS, Candidates, Coefficients, RequireRule
from symbiosis.schema import HOLDING_STAGES, Direction, Pricing, Scenario, Stream, Transport
from symbiosis.types import WEIGHTED, Objective

BRUTE_FORCE_PAIRS = 250_000  # up to this many supply x demand pairs, no k-d tree (and no scipy import)


def _near_pairs(sup: np.ndarray, dem: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """(supply, demand) positions of the unit vectors within ``radius`` (chord) of each other, by supply then demand.

    Small sets are compared all against all, as the k-d tree does (squared distance
    against the squared radius); large ones go through scipy's ``cKDTree``. Importing
    scipy makes Pyomo import scipy.stats (0.7 s), which a small solve so avoids.
    """
    if len(sup) * len(dem) <= BRUTE_FORCE_PAIRS:
        diff = sup[:, None, :] - dem[None, :, :]
        d2 = diff[..., 0] ** 2 + diff[..., 1] ** 2 + diff[..., 2] ** 2
        si, di = np.nonzero(d2 <= radius * radius)
        return si.astype(np.int64), di.astype(np.int64)
    from scipy.spatial import cKDTree  # heavy: see above

    hits = cKDTree(dem).query_ball_point(sup, radius)
    si = np.repeat(np.arange(len(sup)), [len(h) for h in hits])
    di = np.fromiter((j for h in hits for j in sorted(h)), dtype=np.int64, count=len(si))
    return si.astype(np.int64), di


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _chord(km: float) -> float:
    theta = min(km / economics.EARTH_RADIUS_KM, np.pi)
    return float(2 * np.sin(theta / 2))


def _matches(rule_ref: str, stream: Stream) -> bool:
    return rule_ref in (stream.id, stream.company)


def build_candidates(
    scenario: Scenario,
    *,
    trace: set[tuple[str, str]] | None = None,
    distance_override: dict[tuple[str, str], float] | None = None,
    prune: bool = True,
    objective: Objective = WEIGHTED,
    keep_all: bool = False,
) -> Candidates:
    """Every feasible, possibly profitable arc of the scenario, with its coefficients.

    ``trace`` names (supply, demand) stream pairs whose exclusion, if any, is
    recorded in ``Candidates.excluded`` with the reason; ``distance_override`` sets
    the distance of some pairs (for what-if questions); ``prune=False`` keeps arcs
    that can never pay (for the type-only baseline, which does not look at value).
    ``objective`` decides what "can pay" means (``economics.of_use``). ``keep_all``
    keeps every arc and membership that can carry anything, paying or not (a given
    network whose links are fixed: the sweep's ``evaluate`` mode).
    """
    excluded: dict[tuple[str, str], str] = {}
    if scenario.progress:
        trace = (trace or set()) | programme.traced_pairs(scenario)  # a progress row naming no candidate is told why
    st = scenario.settings
    companies = scenario.company_by_id
    resources = scenario.resource_by_id
    supplies = [s for s in scenario.streams if s.direction is Direction.supply]
    demands = [s for s in scenario.streams if s.direction is Direction.demand]
    supply_slots = {s.id: scenario.slot_quantities(s) for s in supplies}
    demand_slots = {d.id: scenario.slot_quantities(d) for d in demands}
    slots = {s.id: scenario.slots(s.resource) for s in scenario.streams}

    # Column arrays, one entry per supply (S) or demand (D) stream: arcs below are
    # pairs of integer positions into them, never Stream objects.
    company_code = {c: k for k, c in enumerate(sorted(companies))}
    S, D = _columns(supplies, companies, company_code), _columns(demands, companies, company_code)

    by_resource_d: dict[str, list[int]] = defaultdict(list)
    for j, d in enumerate(demands):
        by_resource_d[d.resource].append(j)
    by_resource_s: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(supplies):
        by_resource_s[s.resource].append(i)

    targets: dict[str, list[tuple[str, float]]] = {r.id: [(r.id, 1.0)] for r in scenario.resources}
    for sub in scenario.substitutions:
        if sub.supply_resource != sub.demand_resource:
            targets[sub.supply_resource].append((sub.demand_resource, sub.ratio))

    links = scenario.link_index
    s_pos = {s.id: i for i, s in enumerate(supplies)}
    d_pos = {d.id: j for j, d in enumerate(demands)}
    # Pairs a links.csv distance may bring within reach although the coordinates do not.
    named = _pairs_with_link_distance(scenario, supplies, demands, s_pos, d_pos) if links else {}

    pair_s: list[np.ndarray] = []
    pair_d: list[np.ndarray] = []
    pair_rho: list[np.ndarray] = []
    pair_dist: list[np.ndarray] = []
    pair_link: list[np.ndarray] = []
    for r_s in sorted(by_resource_s):
        sup = np.array(by_resource_s[r_s], dtype=np.int64)
        res = resources[r_s]
        max_km = res.max_distance_km if res.max_distance_km is not None else st.max_distance_km
        s_lat, s_lon = S["lat"][sup], S["lon"][sup]
        for r_d, rho in targets[r_s]:
            if not by_resource_d.get(r_d):
                continue
            dem = np.array(by_resource_d[r_d], dtype=np.int64)
            d_lat, d_lon = D["lat"][dem], D["lon"][dem]
            # A little slack on the radius; the exact haversine test follows.
            si, di = _near_pairs(_unit_vectors(s_lat, s_lon), _unit_vectors(d_lat, d_lon), _chord(max_km / st.detour_factor) * (1 + 1e-9) + 1e-12)
            gs, gd = sup[si], dem[di]
            extra = named.get((r_s, r_d))
            if extra:
                have = set(zip(gs.tolist(), gd.tolist()))
                add = sorted(p for p in extra if p not in have)
                if add:
                    gs = np.concatenate([gs, np.array([p[0] for p in add], dtype=np.int64)])
                    gd = np.concatenate([gd, np.array([p[1] for p in add], dtype=np.int64)])
            if len(gs) == 0:
                continue
            dist = economics.distance_km(S["lat"][gs], S["lon"][gs], D["lat"][gd], D["lon"][gd], st)
            link_row = np.full(len(gs), -1, dtype=np.int64)
            if links:
                for n, (i, j) in enumerate(zip(gs.tolist(), gd.tolist())):
                    k = links.exchange_row(supplies[i], demands[j])
                    if k is not None:
                        link_row[n] = k
                        given = links.links[k].distance_km
                        if given is not None:
                            dist[n] = given
            if distance_override:
                for n, (i, j) in enumerate(zip(S["id"][gs], D["id"][gd])):
                    dist[n] = distance_override.get((i, j), dist[n])
            keep = dist <= max_km
            if trace:
                for m in np.flatnonzero(~keep).tolist():
                    key = (S["id"][gs[m]], D["id"][gd[m]])
                    if key in trace:
                        excluded[key] = f"distance {dist[m]:.3f} km exceeds the limit of {max_km:g} km for {r_s}"
            pair_s.append(gs[keep])
            pair_d.append(gd[keep])
            pair_rho.append(np.full(int(keep.sum()), rho))
            pair_dist.append(dist[keep])
            pair_link.append(link_row[keep])

    if pair_s:
        ps, pd_ = np.concatenate(pair_s), np.concatenate(pair_d)
        rho_arr, dist_arr = np.concatenate(pair_rho), np.concatenate(pair_dist)
        link_arr = np.concatenate(pair_link)
    else:
        ps = pd_ = link_arr = np.zeros(0, dtype=np.int64)
        rho_arr = dist_arr = np.zeros(0, dtype=float)

    def note(mask: np.ndarray, why: Callable[[int], str]) -> None:
        # Record why traced pairs are dropped where ``mask`` is False.
        if trace:
            for i in np.flatnonzero(~mask):
                key = (S["id"][ps[i]], D["id"][pd_[i]])
                if key in trace:
                    excluded[key] = why(int(i))

    # Different companies only.
    keep = S["company_code"][ps] != D["company_code"][pd_]
    note(keep, lambda i: f"both streams belong to company {S['company'][ps[i]]}")
    ps, pd_, rho_arr, dist_arr, link_arr = ps[keep], pd_[keep], rho_arr[keep], dist_arr[keep], link_arr[keep]

    # Temperature: direct when hot enough, else a heat pump where settings allow.
    t_s, t_d = S["temperature"][ps], D["temperature"][pd_]
    both = ~np.isnan(t_s) & ~np.isnan(t_d)
    direct = ~both | (t_s >= t_d + st.heat_approach_c)
    cop = np.full(len(ps), np.nan)
    if st.heat_pump is not None and len(ps):
        cop = np.where(both & ~direct, economics.heat_pump_cop(t_s, t_d, st.heat_approach_c, st.heat_pump), np.nan)
    keep = direct | ~np.isnan(cop)
    note(
        keep,
        lambda i: f"supply at {t_s[i]:g} C is too cold for a demand at {t_d[i]:g} C (needs {t_d[i] + st.heat_approach_c:g} C)"
        + (" and no heat pump is set" if st.heat_pump is None else f" and no heat pump can make the lift (max {st.heat_pump.max_lift_c:g} K, COP > 1)"),
    )
    ps, pd_, rho_arr, dist_arr, cop, link_arr = ps[keep], pd_[keep], rho_arr[keep], dist_arr[keep], cop[keep], link_arr[keep]

    # Forbid rules.
    forbids = [(r.source, r.target) for r in scenario.rules if r.rule == "forbid"]
    if forbids:
        hit = [_rule_hits(S, D, ps, pd_, a, b) for a, b in forbids]
        keep = ~np.logical_or.reduce(hit)
        note(keep, lambda i: "a forbid rule: " + ", ".join(f"forbid {a} -> {b}" for (a, b), h in zip(forbids, hit) if h[i]))
        ps, pd_, rho_arr, dist_arr, cop, link_arr = ps[keep], pd_[keep], rho_arr[keep], dist_arr[keep], cop[keep], link_arr[keep]

    # Legal route (DESIGN.md section 4g): waste only to a permitted receiver, or through the cheapest route.
    legal = programme.legal_routes(scenario, supplies, demands, ps, pd_)
    keep = np.array([r.allowed for r in legal], dtype=bool)
    note(keep, lambda i: f"no legal route: {legal[i].refused}")
    ps, pd_, rho_arr, dist_arr, cop, link_arr = ps[keep], pd_[keep], rho_arr[keep], dist_arr[keep], cop[keep], link_arr[keep]
    legal = [r for r, k in zip(legal, keep.tolist()) if k]

    # Stage (progress.csv): a rejected match is no candidate.
    rows = programme.progress_rows(scenario, supplies, demands, ps, pd_)
    keep = np.array([r < 0 or scenario.progress[r].stage != "rejected" for r in rows.tolist()], dtype=bool)
    note(keep, lambda i: programme.rejected_reason(scenario, int(rows[i])))
    ps, pd_, rho_arr, dist_arr, cop, link_arr, rows = ps[keep], pd_[keep], rho_arr[keep], dist_arr[keep], cop[keep], link_arr[keep], rows[keep]
    legal = [r for r, k in zip(legal, keep.tolist()) if k]

    # Per supply resource: pricing and transport terms.
    r_ids = sorted(resources)
    r_code = {r: k for k, r in enumerate(r_ids)}
    r_peak = np.array([resources[r].pricing is Pricing.peak for r in r_ids], dtype=bool)
    r_kg = np.array([(resources[r].kg_per_unit or 0.0) if resources[r].transport is Transport.road else 0.0 for r in r_ids], dtype=float)
    r_pipe = np.array([(resources[r].pipe_capex_eur_per_m or 0.0) if resources[r].transport is Transport.pipe else 0.0 for r in r_ids], dtype=float)
    s_res = np.array([r_code[s.resource] for s in supplies], dtype=np.int64)[ps] if len(ps) else np.zeros(0, dtype=np.int64)
    peak = r_peak[s_res]
    # A links.csv row's given values (NaN: computed), once per row named rather than once per pair.
    given_terms = np.full((len(ps), 3), np.nan)
    for k in np.unique(link_arr[link_arr >= 0]).tolist():
        given_terms[link_arr == k] = economics.link_values(links.links[k])[1:]
    terms = economics.exchange_terms(
        settings=st,
        rho=rho_arr,
        distance_km=dist_arr,
        supply_price=S["price"][ps],
        demand_price=D["price"][pd_],
        supply_co2=S["co2"][ps],
        demand_co2=D["co2"][pd_],
        road_kg_per_unit=r_kg[s_res],
        pipe_capex_eur_per_m=r_pipe[s_res],
        peak=peak,
        cop=cop,
        link_cost=given_terms[:, 0],
        link_co2=given_terms[:, 1],
        link_fixed=given_terms[:, 2],
        route_cost=np.array([r.yearly_eur for r in legal], dtype=float),
    )
    # Every measure's coefficients of every pair; a peak arc is worth its demand's peak cut.
    d_res = np.array([r_code[d.resource] for d in demands], dtype=np.int64)[pd_] if len(pd_) else np.zeros(0, dtype=np.int64)
    facts = measures.arc_facts(st, [resources[r] for r in r_ids], s_res, d_res, terms, dist_arr)
    flow_coef, link_coef = measures.arc_coefficients(facts)
    peak_coef = _peak_coefficients(scenario, demands)
    peak_ids = D["id"][pd_][peak]
    per_unit: dict[str, np.ndarray] = {}
    for name, coef in flow_coef.items():
        per_unit[name] = coef.copy()
        per_unit[name][peak] = [peak_coef[name].get(d, 0.0) for d in peak_ids]
    of_use = measures.of_use(objective, st, per_unit, link_coef) if len(ps) else np.zeros(0, dtype=bool)
    min_flow = np.maximum(S["min_quantity"][ps], D["min_quantity"][pd_] / terms.rho)
    upper, cap = _upper_bounds(supplies, demands, supply_slots, demand_slots, ps, pd_, terms.rho)
    for i in _drop_idle_peak_slots(upper, D["id"][pd_], terms.rho, peak, demand_slots):
        cap[i] = upper[i].sum()

    requires_raw = [(i, r.source, r.target) for i, r in enumerate(scenario.rules) if r.rule == "require"]
    required = np.zeros(len(ps), dtype=bool)
    for _, a, b in requires_raw:
        required |= _rule_hits(S, D, ps, pd_, a, b)
    # An agreed or realised match is held: kept whatever it is worth.
    required |= np.array([r >= 0 and scenario.progress[r].stage in HOLDING_STAGES for r in rows.tolist()], dtype=bool)
    one_off = economics.exchange_one_off_eur(r_pipe[s_res], dist_arr, ~np.isnan(given_terms[:, 2]), np.array([r.one_off_eur for r in legal], dtype=float))

    # Arcs that can never help the objective are dropped, unless a rule needs them.
    useful = of_use & (cap > 0) & (min_flow <= cap * (1 + 1e-9))
    keep = (useful if prune and not keep_all else cap > 0) | required

    def why_useless(i: int) -> str:
        if cap[i] <= 0:
            return "the supply and the demand never overlap in any slot"
        if min_flow[i] > cap[i] * (1 + 1e-9):
            return f"its minimum quantity {min_flow[i]:g} exceeds the most it could carry ({cap[i]:g})"
        if not objective.plain:
            return "it adds to none of the measures that the objective, its floors and its ceilings ask for"
        if peak[i]:
            return f"the demand's price ({D['price'][pd_[i]]:g} EUR/unit, carbon valued) gives it no value"
        weight = economics.objective_weight(terms.value_eur_per_unit[i], terms.co2_kg_per_unit[i], st)
        return f"it can never pay: each unit is worth {weight:.4g} EUR (carbon valued) before the fixed cost"

    note(keep, why_useless)
    idx = np.flatnonzero(keep)
    ks, kd = ps[idx], pd_[idx]
    arcs = pd.DataFrame(
        {
            "supply_stream": S["id"][ks],
            "demand_stream": D["id"][kd],
            "supply_company": S["company"][ks],
            "demand_company": D["company"][kd],
            "resource": S["resource"][ks],
            "demand_resource": D["resource"][kd],
            "rho": terms.rho[idx],
            "distance_km": dist_arr[idx],
            "value_eur_per_unit": terms.value_eur_per_unit[idx],
            "co2_kg_per_unit": terms.co2_kg_per_unit[idx],
            "fixed_cost_eur_per_year": terms.fixed_cost_eur_per_year[idx],
            "heat_pump_cop": terms.heat_pump_cop[idx],
            "peak": peak[idx],
            "min_flow": min_flow[idx],
            "required": required[idx],
            "route": _objects([legal[i].route for i in idx.tolist()]),
            "lead_time_months": np.array([legal[i].lead_time_months for i in idx.tolist()], dtype=float),
            "one_off_eur": np.asarray(one_off, dtype=float)[idx] if len(idx) else np.zeros(0),
            "stage": programme.stages(scenario, rows[idx]),
        },
        columns=ARC_COLUMNS,
    )
    # A stable order makes the model, and so HiGHS's path, the same on every run.
    arcs = arcs.sort_values(["supply_stream", "demand_stream"], kind="stable")
    perm = arcs.index.to_numpy()
    arcs = arcs.reset_index(drop=True)
    upper_sorted = [upper[i] for i in idx[perm].tolist()]

    requires = []
    if requires_raw:
        sa, sc_ = arcs["supply_stream"].to_numpy(), arcs["supply_company"].to_numpy()
        da, dc = arcs["demand_stream"].to_numpy(), arcs["demand_company"].to_numpy()
        for i, a, b in requires_raw:
            hit = ((sa == a) | (sc_ == a)) & ((da == b) | (dc == b))
            requires.append(RequireRule(i, a, b, tuple(int(k) for k in np.flatnonzero(hit))))
    requires += programme.holding_rules(scenario, rows[idx][perm])
    options, memberships, option_coef, member_coef = build_pool_candidates(scenario, demands, objective, keep_all, excluded)
    order = idx[perm]
    coefficients = {
        name: Coefficients(flow_coef[name][order], link_coef[name][order], member_coef[name], option_coef[name], peak_coef[name]) for name in flow_coef
    }
    warnings = []
    if scenario.progress:
        warnings = programme.progress_warnings(
            scenario,
            set(zip(arcs["supply_stream"], arcs["demand_stream"])),
            set(zip(memberships["facility"], memberships["demand_stream"])),
            excluded,
            lambda s, d: programme.not_generated(scenario, s, d),
        )
    return Candidates(
        arcs,
        supply_slots,
        demand_slots,
        upper_sorted,
        slots,
        {d.id: d.price_eur_per_unit for d in demands},
        {d.id: d.co2_kg_per_unit for d in demands},
        requires,
        options,
        memberships,
        excluded,
        coefficients,
        warnings,
    )


def _peak_coefficients(scenario: Scenario, demands: list[Stream]) -> dict[str, dict[str, float]]:
    """Every measure's coefficient per unit of peak cut, by measure and peak-priced demand stream."""
    st = scenario.settings
    out: dict[str, dict[str, float]] = {m: {} for m in measures.MEASURES}
    for d in demands:
        resource = scenario.resource_by_id[d.resource]
        if resource.pricing is Pricing.peak:
            for m, v in measures.peak_coefficients(measures.PeakFacts(st, resource, d)).items():
                out[m][d.id] = v
    return out


def _pairs_with_link_distance(
    scenario: Scenario, supplies: list[Stream], demands: list[Stream], s_pos: dict[str, int], d_pos: dict[str, int]
) -> dict[tuple[str, str], set[tuple[int, int]]]:
    """(supply, demand) positions named by a links.csv row with a distance, by (supply resource, demand resource).

    They join the pairs found by distance, so that a given distance decides the limit
    even where the coordinates are far apart; which row holds is decided per pair later.
    """
    by_company_s: dict[str, list[int]] = defaultdict(list)
    by_company_d: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(supplies):
        by_company_s[s.company].append(i)
    for j, d in enumerate(demands):
        by_company_d[d.company].append(j)
    out: dict[tuple[str, str], set[tuple[int, int]]] = defaultdict(set)
    for link in scenario.links:
        if link.distance_km is None:
            continue
        src = [s_pos[link.source]] if link.source in s_pos else by_company_s.get(link.source, [])
        dst = [d_pos[link.target]] if link.target in d_pos else by_company_d.get(link.target, [])
        for i in src:
            if link.resource is not None and supplies[i].resource != link.resource:
                continue
            for j in dst:
                out[(supplies[i].resource, demands[j].resource)].add((i, j))
    return out


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _columns(streams: list[Stream], companies: dict, code: dict[str, int]) -> dict[str, np.ndarray]:
    """The fields of some streams as numpy columns (object arrays for strings)."""

    def obj(values: list) -> np.ndarray:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out

    return {
        "id": obj([s.id for s in streams]),
        "company": obj([s.company for s in streams]),
        "company_code": np.array([code[s.company] for s in streams], dtype=np.int64),
        "resource": obj([s.resource for s in streams]),
        "lat": np.array([companies[s.company].lat for s in streams], dtype=float),
        "lon": np.array([companies[s.company].lon for s in streams], dtype=float),
        "temperature": np.array([np.nan if s.temperature_c is None else s.temperature_c for s in streams], dtype=float),
        "price": np.array([s.price_eur_per_unit for s in streams], dtype=float),
        "co2": np.array([s.co2_kg_per_unit for s in streams], dtype=float),
        "min_quantity": np.array([s.min_quantity or 0.0 for s in streams], dtype=float),
    }


def _rule_hits(S: dict, D: dict, ps: np.ndarray, pd_: np.ndarray, source: str, target: str) -> np.ndarray:
    """Pairs matched by a rule: the source names the supply stream or its company, the target the demand's."""
    src = (S["id"] == source) | (S["company"] == source)
    dst = (D["id"] == target) | (D["company"] == target)
    return src[ps] & dst[pd_]


def _upper_bounds(
    supplies: list[Stream],
    demands: list[Stream],
    supply_slots: dict[str, np.ndarray],
    demand_slots: dict[str, np.ndarray],
    ps: np.ndarray,
    pd_: np.ndarray,
    rho: np.ndarray,
) -> tuple[list[np.ndarray], np.ndarray]:
    """U_{a,t} = min(S_{s,t}, D_{d,t} / rho_a), and sum_t U_{a,t}, a slot-count group at a time."""
    n_s = np.array([len(supply_slots[s.id]) for s in supplies], dtype=np.int64)
    n_d = np.array([len(demand_slots[d.id]) for d in demands], dtype=np.int64)
    upper: list[np.ndarray] = [np.zeros(0)] * len(ps)
    cap = np.zeros(len(ps))
    if not len(ps):
        return upper, cap
    lengths = n_s[ps]
    for n in np.unique(lengths):
        sel = np.flatnonzero(lengths == n)
        if np.any(n_d[pd_[sel]] != n):
            raise ValueError("a substitution joins resources with different slot sets")
        s_mat = np.zeros((len(supplies), n))
        d_mat = np.zeros((len(demands), n))
        for i in np.unique(ps[sel]):
            s_mat[i] = supply_slots[supplies[i].id]
        for j in np.unique(pd_[sel]):
            d_mat[j] = demand_slots[demands[j].id]
        u = np.minimum(s_mat[ps[sel]], d_mat[pd_[sel]] / rho[sel, None])
        cap[sel] = u.sum(axis=1)
        for k, row in zip(sel.tolist(), u):
            upper[k] = row
    return upper, cap


def _drop_idle_peak_slots(
    upper: list[np.ndarray], d_arr: np.ndarray, rho: np.ndarray, peak: np.ndarray, demand_slots: dict[str, np.ndarray]
) -> list[int]:
    """Zero the flow bounds of peak arcs in slots that can never set the demand's peak.

    Even if every arc into peak demand d ran at its bound, d would still cover
    k_lb = max_t (D_t - sum_a rho_a U_{a,t}) itself. A slot with D_t <= k_lb can then
    never bind k_d >= D_t - inflow_t, so flow there is worth nothing and only uses
    supply: dropping it changes no optimum, and removes most of the hourly flow
    variables of a car park. Returns the arcs whose bounds changed.
    """
    changed: list[int] = []
    into: dict[str, list[int]] = defaultdict(list)
    for i in np.flatnonzero(peak):
        into[d_arr[i]].append(int(i))
    for d, arcs in into.items():
        need = demand_slots[d]
        k_lb = float(np.max(need - sum(rho[i] * upper[i] for i in arcs)))
        idle = need <= k_lb + 1e-9 * max(1.0, float(need.max()))
        if idle.any():
            for k in arcs:
                upper[k] = np.where(idle, 0.0, upper[k])
            changed += arcs
    return changed

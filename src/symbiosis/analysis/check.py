"""The result checker: recompute feasibility and every figure from the files.

It reads ``summary.json``, ``matches.csv``, ``flows.csv`` and ``companies.csv`` and
the scenario, and uses neither the candidate generator nor the model: eligibility
of each exchange is re-derived here from the contract, and money, CO2 and every other
measure come from the measure registry (``symbiosis.measures``, over ``economics``),
the one home of those formulas. A result that passes holds every per-slot limit,
rule, floor and ceiling, and every figure it reports.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from symbiosis import economics, legal, measures
from symbiosis.io.read.results import read_result
from symbiosis.io.write.marker import MARKER, changed, read_marker
from symbiosis.schema import HOLDING_STAGES, Direction, Link, Pricing, Scenario, Settings, Stream, Transport
from symbiosis.types import Status

REL = 1e-6
ABS = 1e-4  # EUR, t, units: outputs carry 10 significant digits


@dataclass
class CheckReport:
    """What the checker found: ``violations`` is empty when the result holds."""

    violations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, but the result still holds
    n_matches: int = 0
    n_flows: int = 0
    net_savings_eur_per_year: float = 0.0
    co2_avoided_t_per_year: float = 0.0
    objective: float = 0.0
    measures: dict[str, float] = field(default_factory=dict)  # every measure's total, recomputed

    @property
    def ok(self) -> bool:
        return not self.violations


def _close(a: float, b: float, scale: float = 1.0) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=ABS * max(1.0, scale))


def marker_notes(folder: Path) -> list[str]:
    """A note for every file the folder's marker lists that is no longer as symbiosis wrote it."""
    listed = read_marker(folder) or {}
    return [
        f"{name} is not the file symbiosis wrote (its size or SHA-256 differs from {MARKER}); it was changed or damaged since"
        for name in sorted(listed)
        if changed(folder, name, listed[name])
    ]


def check_result(scenario: Scenario, result_dir: str | Path) -> CheckReport:
    """Check a result folder against its scenario; see ``CheckReport``."""
    folder = Path(result_dir)
    report = CheckReport()
    v = report.violations
    files = read_result(folder)
    report.notes += marker_notes(folder)
    summary = files.summary
    scenario = scenario.replaced(settings=Settings.model_validate(summary.settings))
    st = scenario.settings
    if not summary.has_solution:
        return report  # nothing to check: no solution was reported
    matches, flows, companies_out = files.matches, files.flows, files.companies
    streams = scenario.stream_by_id
    resources = scenario.resource_by_id
    ratios = {(s.supply_resource, s.demand_resource): s.ratio for s in scenario.substitutions}

    exchanges = matches[matches["kind"] == "exchange"]
    programme_columns = _programme_columns(matches, v)
    report.n_matches = len(matches)
    report.n_flows = len(flows)
    flow_map: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for r in flows.itertuples(index=False):
        key = (r.supply_stream, r.demand_stream)
        if float(r.quantity) < 0:
            v.append(f"flows.csv: {key[0]} -> {key[1]} slot {r.slot}: negative quantity {r.quantity}")
        flow_map[key][r.slot] = flow_map[key].get(r.slot, 0.0) + float(r.quantity)
    match_keys = set(zip(exchanges["supply_stream"], exchanges["demand_stream"]))
    for key in flow_map:
        if key not in match_keys:
            v.append(f"flows.csv: flow {key[0]} -> {key[1]} has no exchange in matches.csv")

    supply_use: dict[str, np.ndarray] = {}
    demand_use: dict[str, np.ndarray] = {}
    arc_info: dict[tuple[str, str], dict[str, Any]] = {}
    for r in exchanges.itertuples(index=False):
        tag = f"matches.csv: {r.supply_stream} -> {r.demand_stream}"
        s, d = streams.get(r.supply_stream), streams.get(r.demand_stream)
        if s is None or d is None or s.direction is not Direction.supply or d.direction is not Direction.demand:
            v.append(f"{tag}: not a supply stream and a demand stream of the scenario")
            continue
        if (s.company, d.company) != (r.source, r.target):
            v.append(f"{tag}: source/target {r.source}/{r.target} are not the streams' companies {s.company}/{d.company}")
        if s.company == d.company:
            v.append(f"{tag}: a company cannot exchange with itself")
        pair = _pair(scenario, s, d, ratios)
        v += [f"{tag}: {why}" for why in pair.refused]
        if pair.skip or pair.rho is None:
            continue
        rs, rd = resources[s.resource], resources[d.resource]
        rho, dist, cop, link, route = pair.rho, pair.distance_km, pair.cop, pair.link, pair.route
        if not _close(dist, float(r.distance_km)):
            v.append(f"{tag}: distance_km {r.distance_km} but the coordinates (and links.csv) give {dist:.6f}")
        if programme_columns:
            pipe = (rs.pipe_capex_eur_per_m or 0.0) if rs.transport is Transport.pipe else 0.0
            given = link is not None and link.fixed_cost_eur_per_year is not None
            one_off = float(economics.exchange_one_off_eur(pipe, dist, given, route.one_off_eur))
            _check_programme_row(r, tag, route.route, route.lead_time_months, one_off, scenario.progress_index.stage_of(s, d), v)
        terms = economics.pair_terms(st, rs, s, d, rho, dist, cop, link, route.yearly_eur)
        slots = scenario.slots(s.resource)
        per_slot = flow_map.get((s.id, d.id), {})
        unknown = set(per_slot) - set(slots)
        if unknown:
            v.append(f"{tag}: flows in unknown slots {sorted(unknown)}")
        x = np.array([per_slot.get(t, 0.0) for t in slots])
        rho_eff = float(terms.rho)
        supply_use[s.id] = supply_use.get(s.id, np.zeros(len(slots))) + x
        demand_use[d.id] = demand_use.get(d.id, np.zeros(len(slots))) + rho_eff * x
        total = float(x.sum())
        peak = rs.pricing is Pricing.peak
        if not peak and not _close(total, float(r.quantity), total):
            v.append(f"{tag}: quantity {r.quantity} but flows.csv gives {total}")
        m_a = max(s.min_quantity or 0.0, (d.min_quantity or 0.0) / rho_eff)
        if total < m_a * (1 - 1e-6) - 1e-9:
            v.append(f"{tag}: moves {total} but the minimum quantity is {m_a}")
        flow_coef, link_coef = measures.pair_coefficients(st, rs, rd, terms, dist)
        reduction = economics.standalone_reduction(scenario.slot_quantities(d), rho_eff, scenario.slot_quantities(s)) if peak else 0.0
        arc_info[(s.id, d.id)] = {"row": r, "peak": peak, "flow": flow_coef, "link": link_coef, "x": x, "rho": rho_eff, "reduction": reduction, "qty": total}

    for sid, used in supply_use.items():
        cap = scenario.slot_quantities(streams[sid])
        for t, (u, c) in enumerate(zip(used, cap)):
            if u > c * (1 + 1e-6) + 1e-6:
                v.append(f"supply {sid} slot {scenario.slots(streams[sid].resource)[t]}: {u} sent but only {c} available")
    for did, used in demand_use.items():
        if resources[streams[did].resource].pricing is Pricing.peak:
            continue  # the contract limits volume demands; a peak demand's excess only cuts nothing
        need = scenario.slot_quantities(streams[did])
        for t, (u, c) in enumerate(zip(used, need)):
            if u > c * (1 + 1e-6) + 1e-6:
                v.append(f"demand {did} slot {scenario.slots(streams[did].resource)[t]}: {u} delivered but only {c} needed")

    # Every measure per match, recomputed.
    columns = _measure_columns(matches, "matches.csv", v)
    values: dict[tuple[str, str], dict[str, float]] = {}
    into_peak: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, info in arc_info.items():
        if info["peak"]:
            into_peak[key[1]].append(key)
        else:
            flow = float(info["x"].sum())
            values[key] = {m: measures.exchange_value(m, info["flow"][m], info["link"][m], flow) for m in measures.MEASURES}
    for did, keys in into_peak.items():
        d = streams[did]
        need = scenario.slot_quantities(d)
        inflow = sum(arc_info[k]["rho"] * arc_info[k]["x"] for k in keys)
        cut, shares = economics.peak_cut_shares(need, inflow, [arc_info[k]["reduction"] for k in keys])
        per_cut = measures.peak_coefficients(measures.PeakFacts(st, resources[d.resource], d))
        for k, w in zip(keys, shares):
            values[k] = {}
            r = arc_info[k]["row"]
            arc_info[k]["qty"] = cut * w  # a peak exchange's quantity: its share of the cut
            if not _close(cut * w, float(r.quantity), cut * w):
                v.append(f"matches.csv: {k[0]} -> {k[1]}: quantity {r.quantity} but its share of the peak cut is {cut * w:.6f}")
        for m in measures.MEASURES:
            for k, val in zip(keys, measures.peak_values(m, per_cut[m], [arc_info[k]["link"][m] for k in keys], cut, shares)):
                values[k][m] = val
    for key, want in values.items():
        r = arc_info[key]["row"]
        for m in columns:
            got = float(getattr(r, measures.MEASURES[m].column))
            if not _close(want[m], got, abs(want[m])):
                v.append(f"matches.csv: {key[0]} -> {key[1]}: {measures.MEASURES[m].column} {got} but recomputed {want[m]:.6f}")

    _check_price_bands(matches, {k: (want["savings_eur"], arc_info[k]["qty"]) for k, want in values.items()}, streams, v)

    _check_holds(scenario, set(arc_info), set(zip(matches.loc[matches["kind"] == "pool", "source"], matches.loc[matches["kind"] == "pool", "demand_stream"])), ratios, v)
    for i, rule in enumerate(scenario.rules):
        if rule.rule == "require" and not any(
            rule.source in (k[0], streams[k[0]].company) and rule.target in (k[1], streams[k[1]].company) for k in arc_info
        ):
            file, row = scenario.origin("rules", i)
            v.append(f"{file}: row {row}: require {rule.source} -> {rule.target} does not hold")

    pool_shares, pool_totals = _check_pools(scenario, files.facilities, matches, {k[1] for k in arc_info}, columns, v, programme_columns)

    # Allocation to companies and the totals.
    alloc: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(measures.MEASURES, 0.0))
    n_exchanges: dict[str, int] = defaultdict(int)
    for key, want in values.items():
        for company in (streams[key[0]].company, streams[key[1]].company):
            n_exchanges[company] += 1
        for m, amount in want.items():
            for company, part in zip((streams[key[0]].company, streams[key[1]].company), economics.split_exchange(amount)):
                alloc[company][m] += part
    n_pools: dict[str, set[str]] = defaultdict(set)
    for (fid, did), shares_of in pool_shares.items():
        company = streams[did].company
        for m, amount in shares_of.items():
            alloc[company][m] += amount
        n_pools[company].add(fid)
    standalone: dict[str, float] = defaultdict(float)
    for s in scenario.streams:
        standalone[s.company] += economics.standalone_cost(s.price_eur_per_unit, s.quantity)
    # A require rule, or a link held by its stage (agreed, realised), may keep a participant below zero.
    has_require = any(r.rule == "require" for r in scenario.rules) or any(g.stage in HOLDING_STAGES for g in scenario.progress)
    company_columns = _measure_columns(companies_out, "companies.csv", v)
    seen = set()
    for r in companies_out.itertuples(index=False):
        seen.add(r.company)
        want = alloc.get(r.company, dict.fromkeys(measures.MEASURES, 0.0))
        if int(r.n_pools) != len(n_pools.get(r.company, ())):
            v.append(f"companies.csv: {r.company}: n_pools {r.n_pools} but counted {len(n_pools.get(r.company, ()))}")
        if not _close(standalone[r.company], float(r.standalone_cost_eur_per_year), abs(standalone[r.company])):
            v.append(f"companies.csv: {r.company}: stand-alone cost {r.standalone_cost_eur_per_year} but the streams give {standalone[r.company]:.6f}")
        with_sym = standalone[r.company] - want["savings_eur"]
        if not _close(with_sym, float(r.cost_with_symbiosis_eur_per_year), abs(with_sym)):
            v.append(f"companies.csv: {r.company}: cost with symbiosis {r.cost_with_symbiosis_eur_per_year} but recomputed {with_sym:.6f}")
        gain = economics.objective(want["savings_eur"], want["co2_t"], st)  # the carbon value counts, as in the objective
        if gain < -1e-6 and not has_require:
            # Only a proven optimum keeps everyone at or above zero (dropping a match is
            # always feasible); a stopped or heuristic result may not, nor one found
            # under a floor (a Pareto point, an alternative, a floor asked for), which dropping may break.
            line = f"companies.csv: {r.company}: allocated {gain:.2f} EUR/yr (carbon valued), below zero (individual rationality fails)"
            bound = summary.floors or summary.ceilings or summary.objective_weights
            (v if summary.status is Status.optimal and not bound else report.notes).append(line)
        for m in company_columns:
            got = float(getattr(r, measures.MEASURES[m].column))
            if not _close(want[m], got, abs(want[m])):
                v.append(f"companies.csv: {r.company}: {measures.MEASURES[m].column} {got} but the matches give {want[m]:.6f}")
        if int(r.n_exchanges) != n_exchanges.get(r.company, 0):
            v.append(f"companies.csv: {r.company}: n_exchanges {r.n_exchanges} but counted {n_exchanges.get(r.company, 0)}")
    for company in alloc:
        if company not in seen:
            v.append(f"companies.csv: company {company} takes part in exchanges but has no row")

    # The pools count with their totals recomputed from the inputs, not the members' shares
    # in matches.csv: a total summed from the shares trusts the allocation rule, and one that
    # drops a loss (a Shapley worth clamped at 0) would agree with a summary that drops it too.
    totals = {m: sum(x[m] for x in values.values()) + pool_totals.get(m, 0.0) for m in measures.MEASURES}
    net, co2_t = totals["savings_eur"], totals["co2_t"]
    report.net_savings_eur_per_year = net
    report.co2_avoided_t_per_year = co2_t
    report.measures = totals
    weights = summary.objective_weights
    report.objective = economics.objective(net, co2_t, st) if weights is None else sum(w * totals[m] for m, w in weights.items() if m in totals)
    for name, recomputed in (("net_savings_eur_per_year", net), ("co2_avoided_t_per_year", co2_t), ("objective", report.objective)):
        got = getattr(summary, name)
        if got is None or not _close(recomputed, float(got), abs(recomputed)):
            v.append(f"summary.json: {name} {got} but recomputed {recomputed:.6f}")
    reported = summary.measures or {}
    for m, recomputed in totals.items():
        if m not in reported:
            v.append(f"summary.json: measures has no {m}")
        elif not _close(recomputed, float(reported[m]), abs(recomputed)):
            v.append(f"summary.json: measures {m} {reported[m]} but recomputed {recomputed:.6f}")
    _check_bounds(summary.floors, summary.ceilings, totals, report.objective, v)
    if summary.n_exchanges != len(exchanges):
        v.append(f"summary.json: n_exchanges {summary.n_exchanges} but matches.csv has {len(exchanges)}")
    n_built = len({f for f, _ in pool_shares})
    if summary.n_pools < n_built:
        v.append(f"summary.json: n_pools {summary.n_pools} but matches.csv has members of {n_built} facilities")
    return report


def _measure_columns(frame: pd.DataFrame, file: str, v: list[str]) -> list[str]:
    """The measures whose column the table has; a missing one is a violation."""
    out = []
    for m in measures.MEASURES.values():
        if m.column in frame.columns:
            out.append(m.name)
        else:
            v.append(f"{file}: has no column '{m.column}' (measure {m.name})")
    return out


def _check_bounds(floors: dict[str, float] | None, ceilings: dict[str, float] | None, totals: dict[str, float], objective: float, v: list[str]) -> None:
    """Each floor and ceiling of summary.json (keyed by summary key, or ``objective``) holds for the recomputed figures."""
    by_key = {m.summary_key: totals[m.name] for m in measures.MEASURES.values()} | {"objective": objective}
    for kind, bounds, sign in (("floor", floors, 1.0), ("ceiling", ceilings, -1.0)):
        for key, value in (bounds or {}).items():
            if key not in by_key:
                v.append(f"summary.json: {kind} on unknown figure '{key}'")
                continue
            # The solver holds a bound to its feasibility tolerance: a little slack, scaled by the bound.
            if sign * (by_key[key] - value) < -(REL * abs(value) + ABS * max(1.0, abs(value))):
                v.append(f"summary.json: {kind} {key} {value} does not hold: recomputed {by_key[key]:.6f}")


def _check_price_bands(matches: pd.DataFrame, recomputed: dict[tuple[str, str], tuple[float, float]], streams: dict[str, Any], v: list[str]) -> None:
    """Every exchange's price band, recomputed from its recomputed savings and quantity (``economics.price_band``);
    pool rows have none. A result written before price bands existed has neither column and is not checked."""
    if "price_floor_eur_per_unit" not in matches.columns:
        return
    for r in matches.to_dict(orient="records"):
        floor, ceiling = r["price_floor_eur_per_unit"], r.get("price_ceiling_eur_per_unit", math.nan)
        tag = f"matches.csv: {r['supply_stream']} -> {r['demand_stream']}" if r["kind"] == "exchange" else f"matches.csv: pool {r['source']} member {r['demand_stream']}"
        key = (r["supply_stream"], r["demand_stream"])
        if r["kind"] != "exchange" or key not in recomputed:
            if r["kind"] != "exchange" and not (math.isnan(floor) and math.isnan(ceiling)):
                v.append(f"{tag}: a pool membership has no price band, but matches.csv gives {floor}..{ceiling}")
            continue
        sa, qty = recomputed[key]
        band = economics.price_band(streams[key[0]].price_eur_per_unit, sa, qty)
        if band is None:
            if not (math.isnan(floor) and math.isnan(ceiling)):
                v.append(f"{tag}: moves nothing, so it has no price band, but matches.csv gives {floor}..{ceiling}")
            continue
        for name, got, want in (("price_floor_eur_per_unit", floor, band[0]), ("price_ceiling_eur_per_unit", ceiling, band[1])):
            if math.isnan(got) or not _close(want, got, abs(want)):
                v.append(f"{tag}: {name} {got} but recomputed {want:.6f}")


def _check_pools(
    scenario: Scenario, built: pd.DataFrame, matches: pd.DataFrame, exchange_demands: set[str], columns: list[str], v: list[str], programme_columns: bool = False
) -> tuple[dict[tuple[str, str], dict[str, float]], dict[str, float]]:
    """Check facilities and memberships; return each member's figures by measure and the pools' totals by measure,
    recomputed from the inputs (money: each built pool's surplus)."""
    st = scenario.settings
    pools = matches[matches["kind"] == "pool"]
    if len(pools) and not len(built):
        v.append("facilities.csv: pool members are listed but no facility is built")
    streams = scenario.stream_by_id
    companies = scenario.company_by_id
    resources = scenario.resource_by_id
    sites: dict[str, list[Any]] = defaultdict(list)
    for f in scenario.facilities:
        sites[f.id].append(f)
    shares: dict[tuple[str, str], dict[str, float]] = {}
    totals: dict[str, float] = dict.fromkeys(measures.MEASURES, 0.0)
    member_of: dict[str, str] = {}
    member: dict[str, economics.MemberTerms] = {}
    member_coef: dict[str, dict[str, float]] = {}
    for r in pools.itertuples(index=False):
        tag = f"matches.csv: pool {r.source} member {r.demand_stream}"
        d = streams.get(r.demand_stream)
        if r.source not in sites or d is None or d.direction is not Direction.demand:
            v.append(f"{tag}: unknown facility or not a demand stream")
            continue
        site = sites[r.source][0]
        if d.resource != site.resource:
            v.append(f"{tag}: resource {d.resource} is not the facility's {site.resource}")
        if d.company != r.target:
            v.append(f"{tag}: target {r.target} is not the stream's company {d.company}")
        c = companies[d.company]
        km = float(economics.distance_km(site.lat, site.lon, c.lat, c.lon, st))
        link = scenario.link_index.membership(site.id, d)
        if link is not None and link.distance_km is not None:
            km = link.distance_km
        member[d.id] = economics.member_terms(st, resources[site.resource], d, site, km, link)
        member_coef[d.id] = measures.member_coefficients(measures.MemberFacts(st, resources[site.resource], d, km, member[d.id]))
        if not _close(km, float(r.distance_km), km):
            v.append(f"{tag}: distance_km {r.distance_km} but the coordinates (and links.csv) give {km:.6f}")
        if km > site.max_distance_km * (1 + 1e-9):
            v.append(f"{tag}: {km:.3f} km from the facility, beyond its {site.max_distance_km} km")
        if d.id in member_of:
            v.append(f"{tag}: the demand already belongs to pool {member_of[d.id]}")
        member_of[d.id] = r.source
        if d.id in exchange_demands:
            v.append(f"{tag}: a pool member takes no exchanges, but {d.id} takes one")
        if not _close(float(r.quantity), d.quantity, d.quantity):
            v.append(f"{tag}: quantity {r.quantity} but the stream's is {d.quantity}")
        row = scenario.progress_index.membership_row(site.id, d.id)
        stage = scenario.progress[row].stage if row is not None else None
        if stage == "rejected":
            v.append(f"{tag}: rejected in progress.csv, but taken")
        if programme_columns:
            _check_programme_row(r, tag, "", 0.0, 0.0, stage, v)
    for fac in built.itertuples(index=False):
        fid = fac.facility
        tag = f"facilities.csv: {fid}"
        if fid not in sites:
            v.append(f"{tag}: unknown facility")
            continue
        options = [(o.capacity, economics.pool_fixed_cost(o.capex_eur, o.opex_eur_per_year, st), o) for o in sites[fid]]
        site = sites[fid][0]
        members = [r for r in pools.itertuples(index=False) if r.source == fid and r.demand_stream in member]
        members.sort(key=lambda r: r.demand_stream)
        quantity = sum(streams[r.demand_stream].quantity for r in members)
        chosen = [
            (cap, fixed, o) for cap, fixed, o in options
            if _close(cap, float(fac.capacity), cap) and _close(fixed + site.cost_eur_per_unit * quantity, float(fac.cost_eur_per_year), fixed)
        ]
        if not chosen:
            v.append(f"{tag}: capacity {fac.capacity} at cost {fac.cost_eur_per_year} is none of the facility's size options")
            continue
        capacity, fixed, option = chosen[0]
        if "capex_eur" not in built.columns:
            v.append(f"{tag}: facilities.csv has no column 'capex_eur'")
        elif not _close(option.capex_eur, float(fac.capex_eur), option.capex_eur):
            v.append(f"{tag}: capex_eur {fac.capex_eur} but the size option built costs {option.capex_eur}")
        loads = [scenario.slot_quantities(streams[r.demand_stream]) for r in members]
        load = np.sum(loads, axis=0) if loads else np.zeros(1)
        for slot, value in zip(scenario.slots(site.resource), load):
            if value > capacity * (1 + 1e-6) + 1e-6:
                v.append(f"{tag}: slot {slot} needs {value} but the capacity is {capacity}")
        if int(fac.n_members) != len(members):
            v.append(f"{tag}: n_members {fac.n_members} but matches.csv lists {len(members)}")
        if not _close(float(load.max()), float(fac.peak_load), float(load.max())):
            v.append(f"{tag}: peak_load {fac.peak_load} but the members' summed need peaks at {load.max()}")
        values = [member[r.demand_stream].value_eur_per_year for r in members]
        surplus = economics.pool_surplus(values, fixed)
        totals["savings_eur"] += surplus
        if not _close(surplus, float(fac.surplus_eur_per_year), abs(surplus)):
            v.append(f"{tag}: surplus {fac.surplus_eur_per_year} but recomputed {surplus:.6f}")
        if st.allocation == "shapley":
            want, _ = economics.shapley_shares(values, loads, [(c, f) for c, f, _ in options], st.shapley_samples, st.solver.seed, surplus=surplus)
        else:
            want = economics.proportional_shares(surplus, [streams[r.demand_stream].price_eur_per_unit * streams[r.demand_stream].quantity for r in members])
        if not _close(sum(float(r.savings_eur_per_year) for r in members), surplus, abs(surplus)):
            v.append(f"{tag}: the members' shares sum to {sum(float(r.savings_eur_per_year) for r in members):.6f}, not the surplus {surplus:.6f}")
        per_option = measures.option_coefficients(measures.OptionFacts(st, resources[site.resource], option))
        other = {
            m: measures.member_values(m, [member_coef[r.demand_stream][m] for r in members], per_option[m], [streams[r.demand_stream].quantity for r in members])
            for m in measures.MEASURES
            if m != "savings_eur"
        }
        for m, figures in other.items():
            totals[m] += sum(figures)
        for i, (r, share) in enumerate(zip(members, want)):
            d = streams[r.demand_stream]
            if not _close(share, float(r.savings_eur_per_year), abs(share)):
                v.append(f"matches.csv: pool {fid} member {d.id}: share {r.savings_eur_per_year} but the {st.allocation} rule gives {share:.6f}")
            for m, figures in other.items():
                if m in columns:
                    got = float(getattr(r, measures.MEASURES[m].column))
                    if not _close(figures[i], got, abs(figures[i])):
                        v.append(f"matches.csv: pool {fid} member {d.id}: {measures.MEASURES[m].column} {got} but recomputed {figures[i]:.6f}")
            shares[(fid, d.id)] = {"savings_eur": float(r.savings_eur_per_year)} | {m: figures[i] for m, figures in other.items()}
    for fid in set(pools["source"]) - set(built["facility"]):
        v.append(f"matches.csv: pool {fid} has members but is not in facilities.csv")
    return shares, totals


# --------------------------------------------------------------------------- the contract's rules for one pair, and the programme (section 4g)


@dataclass(frozen=True)
class PairFacts:
    """What the contract says of one supply-demand pair, re-derived here without the candidate generator."""

    refused: list[str]  # why the pair may not be an exchange
    rho: float | None
    distance_km: float
    cop: float
    link: Link | None
    route: legal.LegalRoute
    skip: bool  # its figures cannot be recomputed (no substitution, no heat pump that can make the lift)


def _pair(scenario: Scenario, s: Stream, d: Stream, ratios: dict[tuple[str, str], float]) -> PairFacts:
    """Eligibility of s -> d by the contract: resources, pricing, distance, temperature, forbid rules, legal route, stage."""
    st = scenario.settings
    rs, rd = scenario.resource_by_id[s.resource], scenario.resource_by_id[d.resource]
    rho = 1.0 if s.resource == d.resource else ratios.get((s.resource, d.resource))
    if rho is None:
        return PairFacts([f"resource {s.resource} cannot serve {d.resource} (no substitution)"], None, math.nan, math.nan, None, legal.FREE, True)
    out: list[str] = []
    if rs.pricing is not rd.pricing:
        out.append(f"a {rs.pricing.value} supply cannot serve a {rd.pricing.value} demand")
    cs, cd = scenario.company_by_id[s.company], scenario.company_by_id[d.company]
    link = scenario.link_index.exchange(s, d)
    dist = float(economics.distance_km(cs.lat, cs.lon, cd.lat, cd.lon, st))
    if link is not None and link.distance_km is not None:
        dist = link.distance_km  # links.csv replaces the distance everywhere
    max_km = rs.max_distance_km if rs.max_distance_km is not None else st.max_distance_km
    if dist > max_km * (1 + 1e-9):
        out.append(f"distance {dist:.3f} km exceeds the limit {max_km} km")
    cop, skip = math.nan, False
    if s.temperature_c is not None and d.temperature_c is not None and s.temperature_c < d.temperature_c + st.heat_approach_c:
        if st.heat_pump is None:
            out.append(f"supply at {s.temperature_c} C is too cold for {d.temperature_c} C and no heat pump is set")
            skip = True
        else:
            cop = float(economics.heat_pump_cop(s.temperature_c, d.temperature_c, st.heat_approach_c, st.heat_pump))
            if math.isnan(cop):
                out.append(f"no heat pump can lift {s.temperature_c} C to {d.temperature_c} C")
                skip = True
    for rule in scenario.rules:
        if rule.rule == "forbid" and rule.source in (s.id, s.company) and rule.target in (d.id, d.company):
            out.append(f"forbidden by rule forbid {rule.source} -> {rule.target}")
    route = legal.legal_route(s, rs.family, d.company, scenario.permit_index, scenario.routes, st)
    if not route.allowed:
        out.append(f"no legal route: {route.refused}")
        route = legal.FREE
    if scenario.progress_index.stage_of(s, d) == "rejected":
        out.append("rejected in progress.csv, but taken")
    return PairFacts(out, rho, dist, cop, link, route, skip)


PROGRAMME_COLUMNS = ("route", "lead_time_months", "one_off_eur", "stage")


def _programme_columns(matches: pd.DataFrame, v: list[str]) -> bool:
    """True when matches.csv has the columns of section 4g; each one missing is a violation."""
    missing = [c for c in PROGRAMME_COLUMNS if c not in matches.columns]
    v += [f"matches.csv: has no column '{c}' (contract section 4g)" for c in missing]
    return not missing


def _check_programme_row(r: Any, tag: str, route: str, lead_time_months: float, one_off_eur: float, stage: str | None, v: list[str]) -> None:
    """A match's route, lead time, one-off cost and stage (``proposed`` where no progress row names it)."""
    if str(r.route) != route:
        v.append(f"{tag}: route '{r.route}' but the permits and routes give '{route}'")
    if not _close(lead_time_months, float(r.lead_time_months)):
        v.append(f"{tag}: lead_time_months {r.lead_time_months} but its route takes {lead_time_months:g}")
    if not _close(one_off_eur, float(r.one_off_eur), one_off_eur):
        v.append(f"{tag}: one_off_eur {r.one_off_eur} but its pipe and route cost {one_off_eur:.6f} once")
    want = stage or "proposed"
    if str(r.stage) != want:
        v.append(f"{tag}: stage '{r.stage}' but progress.csv gives '{want}'")


def _check_holds(scenario: Scenario, arcs: set[tuple[str, str]], members: set[tuple[str, str]], ratios: dict[tuple[str, str], float], v: list[str]) -> None:
    """Every agreed or realised progress row holds its link, where the link may be made at all."""
    facilities = {f.id: f for f in reversed(scenario.facilities)}
    streams = scenario.stream_by_id
    index = scenario.progress_index
    for i, g in enumerate(scenario.progress):
        if g.stage not in HOLDING_STAGES:
            continue
        file, row = scenario.origin("progress", i)
        if g.source in facilities:
            f, d = facilities[g.source], streams.get(g.target)
            if d is None or (g.source, g.target) in members:
                continue
            c = scenario.company_by_id[d.company]
            km = float(economics.distance_km(f.lat, f.lon, c.lat, c.lon, scenario.settings))
            link = scenario.link_index.membership(f.id, d)
            if link is not None and link.distance_km is not None:
                km = link.distance_km
            if km <= f.max_distance_km * (1 + 1e-9):
                v.append(f"{file}: row {row}: {g.stage} {g.source} -> {g.target} is held, but the membership is not in matches.csv")
            continue
        pairs = [
            (s, d)
            for s in scenario.streams
            if s.direction is Direction.supply and g.source in (s.id, s.company)
            for d in scenario.streams
            if d.direction is Direction.demand and g.target in (d.id, d.company) and index.row_for(s, d) == i
        ]
        if any((s.id, d.id) in arcs for s, d in pairs):
            continue
        if any(s.company != d.company and not (p := _pair(scenario, s, d, ratios)).refused and not p.skip for s, d in pairs):
            v.append(f"{file}: row {row}: {g.stage} {g.source} -> {g.target} is held, but no exchange of it is in matches.csv")

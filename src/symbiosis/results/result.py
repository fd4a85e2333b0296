"""From the solver's numbers back to the analyst's terms: matches, savings, companies.

Savings, CO2 and every other measure are recomputed here from the flows with the
rules of the measure registry (``symbiosis.measures``, money and CO2 from
``economics``), not read off the solver's objective, so the report, the checker and
the objective agree by construction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from symbiosis import economics, measures
from symbiosis.candidates import Candidates, Decisions, Part
from symbiosis.errors import sort_warnings
from symbiosis.io.write.page import MapLayers
from symbiosis.io.write.registry import Output, write_output
from symbiosis.results.estimates import estimate_share
from symbiosis.results.network import build_network
from symbiosis.results.parts import PART_COLUMNS
from symbiosis.results.privacy import Pseudonyms, anonymised_scenario
from symbiosis.schema import Scenario, Settings
from symbiosis.types import WEIGHTED, Objective, Solution, Status, Summary, relative_gap

PRICE_BAND_COLUMNS = ["price_floor_eur_per_unit", "price_ceiling_eur_per_unit"]  # contract section 4, turn 3; empty for pool rows
MATCH_COLUMNS = [
    "kind",
    "source",
    "target",
    "supply_stream",
    "demand_stream",
    "resource",
    "quantity",
    "unit",
    "distance_km",
    "savings_eur_per_year",
    "co2_avoided_t_per_year",
    *(m.column for m in measures.others()),  # one column per measure beyond savings and CO2 (contract section 4d)
    *PRICE_BAND_COLUMNS,
    # From proposal to realised exchange (contract section 4g): the legal route of a waste exchange
    # ('' none needed, 'permit', or a route id), its lead time, what starting the match costs once
    # (pipe and route; a pool's capex is its facility's, in facilities.csv), and its stage.
    "route",
    "lead_time_months",
    "one_off_eur",
    "stage",
]
FLOW_COLUMNS = ["supply_stream", "demand_stream", "slot", "quantity"]
COMPANY_COLUMNS = [
    "company",
    "name",
    "savings_eur_per_year",
    "co2_avoided_t_per_year",
    "n_exchanges",
    "n_pools",
    "standalone_cost_eur_per_year",
    "cost_with_symbiosis_eur_per_year",
    *(m.column for m in measures.others()),
]
LOAD_COLUMNS = ["facility", "slot", "load", "capacity"]
ALLOCATION_TOLERANCE = 1e-6  # EUR: rounding, not a loss
FACILITY_COLUMNS = [
    "facility",
    "name",
    "resource",
    "capacity",
    "n_members",
    "peak_load",
    "cost_eur_per_year",
    "surplus_eur_per_year",
    "capex_eur",  # the size option's capex, paid once when the facility is built (the roadmap's one-off)
]
ZERO = 1e-9  # flows below this are solver noise


@dataclass
class Result:
    """The outcome of one solve: tables, graph and summary. ``write`` saves them."""

    scenario: Scenario
    summary: Summary
    matches: pd.DataFrame
    flows: pd.DataFrame
    companies: pd.DataFrame
    facilities: pd.DataFrame
    network: nx.MultiDiGraph
    candidates: Candidates | None = field(default=None, repr=False)
    facility_loads: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LOAD_COLUMNS))
    parts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PART_COLUMNS))  # one row per independent part solved

    @property
    def status(self) -> str:
        return self.summary.status.value

    @property
    def ok(self) -> bool:
        """True when the result holds a solution (optimal, stopped by the time limit, or a baseline's)."""
        return self.summary.has_solution

    def anonymised(self, key: bytes | None = None) -> Result:
        """A copy with company names, company ids, stream ids and profile ids replaced by stable pseudonyms."""
        result = self
        sc = result.scenario
        p = Pseudonyms(sc, key)
        scenario = anonymised_scenario(sc, p)
        matches = result.matches.copy()
        exchange = matches["kind"] == "exchange"
        matches.loc[exchange, "source"] = matches.loc[exchange, "source"].map(p.company)
        matches["target"] = matches["target"].map(p.company)
        matches.loc[exchange, "supply_stream"] = matches.loc[exchange, "supply_stream"].map(p.stream)
        matches["demand_stream"] = matches["demand_stream"].map(p.stream)
        matches = matches.sort_values(["kind", "source", "target", "supply_stream", "demand_stream"], kind="stable").reset_index(drop=True)
        flows = result.flows.copy()
        flows["supply_stream"] = flows["supply_stream"].map(p.stream)
        flows["demand_stream"] = flows["demand_stream"].map(p.stream)
        flows = flows.sort_values(["supply_stream", "demand_stream"], kind="stable").reset_index(drop=True)
        companies = result.companies.copy()
        companies["company"] = companies["company"].map(p.company)
        companies["name"] = companies["company"]
        companies = companies.sort_values("company", kind="stable").reset_index(drop=True)
        facilities = result.facilities.copy()
        if "members" in facilities:
            facilities["members"] = facilities["members"].map(lambda m: ";".join(sorted(p.stream[x] for x in m.split(";") if x)))
        summary = result.summary.model_copy(
            update={
                "scenario": scenario.name,
                "problems": [p.text(x) for x in result.summary.problems],
                "warnings": [{**w, "message": p.text(str(w["message"]))} for w in result.summary.warnings],
                "anonymised": True,
            }
        )
        return replace(
            result,
            scenario=scenario,
            summary=summary,
            matches=matches,
            flows=flows,
            companies=companies,
            facilities=facilities,
            network=build_network(scenario, matches),
            candidates=None,
        )

    def output(self) -> Output:
        """What the writers write."""
        tables = {
            "matches": self.matches,
            "flows": self.flows,
            "companies": self.companies,
            "facilities": self.facilities,
            "facility_loads": self.facility_loads,
            "parts": self.parts,
        }
        return Output(self.summary, tables, self.network, self.scenario)

    def write(self, out_dir: str | Path, overwrite: bool = True, xlsx: bool = False, report: bool = False, layers: MapLayers | None = None) -> Path:
        """Write every output file into ``out_dir``, whole or not at all.

        ``xlsx`` adds ``results.xlsx``; ``report`` adds ``report.html`` with its pictures (``layers``:
        the map's context and tiles, see ``symbiosis.io.write.page.MapLayers``).
        """
        return write_output(self.output(), Path(out_dir), overwrite=overwrite, xlsx=xlsx, report=report, layers=layers)


@dataclass(frozen=True)
class Outcome:
    """How the solve of all parts ended, taken together."""

    status: Status
    objective: float | None
    best_bound: float | None
    mip_gap: float | None
    solve_seconds: float
    n_parts: int = 1

    @property
    def has_values(self) -> bool:
        return self.status.has_solution


def assign(candidates: Candidates, solved: list[tuple[Part, Solution]]) -> tuple[Decisions, Outcome]:
    """Assign the parts' solutions back to the whole candidate set by id, and combine their status.

    A part stopped by the time limit before any solution keeps all-zero decisions
    (feasible when it has no require rule); its bound is then unknown.
    """
    flows = [np.zeros(len(u)) for u in candidates.upper]
    y = np.zeros(len(candidates.arcs))
    z = np.zeros(len(candidates.options))
    w = np.zeros(len(candidates.memberships))
    arc_at = {a: i for i, a in enumerate(zip(candidates.arcs["supply_stream"], candidates.arcs["demand_stream"]))}
    option_at = {o: i for i, o in enumerate(zip(candidates.options["facility"], [int(k) for k in candidates.options["option"]]))}
    member_at = {j: i for i, j in enumerate(zip(candidates.memberships["facility"], candidates.memberships["demand_stream"]))}
    statuses = []
    objective, bound, seconds = 0.0, 0.0, 0.0
    bound_known = True
    for _, sol in solved:
        statuses.append(sol.status)
        seconds += sol.solve_seconds
        if sol.has_solution:
            for arc, x in sol.flows.items():
                flows[arc_at[arc]] = np.where(x > ZERO, x, 0.0)
            for arc, v in sol.links.items():
                y[arc_at[arc]] = v
            for o, v in sol.options.items():
                z[option_at[o]] = v
            for j, v in sol.memberships.items():
                w[member_at[j]] = v
            objective += sol.objective or 0.0
        if sol.best_bound is None:
            bound_known = False
        else:
            bound += sol.best_bound
    if Status.infeasible in statuses:
        status = Status.infeasible
    elif Status.error in statuses:
        status = Status.error
    elif Status.no_solution in statuses and any(p.candidates.requires for p, s in solved if s.status is Status.no_solution):
        status = Status.no_solution
    elif any(s is not Status.optimal for s in statuses):
        status = Status.time_limit
    else:
        status = Status.optimal
    has = status.has_solution
    best = bound if bound_known and has else None
    outcome = Outcome(status, objective if has else None, best, relative_gap(objective, best) if has else None, seconds, len(solved))
    return Decisions(flows, y, z, w), outcome


def build_result(
    scenario: Scenario,
    candidates: Candidates,
    decisions: Decisions | None,
    solution: Outcome,
    build_seconds: float,
    problems: list[str] | None = None,
    parts: pd.DataFrame | None = None,
    objective: Objective = WEIGHTED,
) -> Result:
    """Turn the decisions into matches, flows, facilities, per-company allocation and the network.

    ``parts`` is the parts table (``parts_table``) when the model was solved;
    ``objective`` the objective solved for (its value, weights and bounds go into the summary).
    """
    st = scenario.settings
    exchange_rows: list[dict[str, Any]] = []
    flow_rows: list[dict[str, Any]] = []
    pool_rows: list[dict[str, Any]] = []
    facility_rows: list[dict[str, Any]] = []
    load_rows: list[dict[str, Any]] = []
    shapley_error = 0.0
    if solution.has_values and decisions is not None:
        exchange_rows, flow_rows = _exchanges(scenario, candidates, decisions)
        pool_rows, facility_rows, load_rows, shapley_error = _pools(scenario, candidates, decisions)
    matches = with_price_bands(pd.DataFrame(exchange_rows + pool_rows, columns=MATCH_COLUMNS), scenario)
    matches = matches.sort_values(["kind", "source", "target", "supply_stream", "demand_stream"], kind="stable").reset_index(drop=True)
    flows = pd.DataFrame(flow_rows, columns=FLOW_COLUMNS)
    facilities = pd.DataFrame(facility_rows, columns=FACILITY_COLUMNS + ["members"])
    companies = allocate(scenario, matches)
    net = float(matches["savings_eur_per_year"].sum()) if len(matches) else 0.0
    co2_t = float(matches["co2_avoided_t_per_year"].sum()) if len(matches) else 0.0
    totals = {"savings_eur": net, "co2_t": co2_t} | {m.name: float(matches[m.column].sum()) if len(matches) else 0.0 for m in measures.others()}
    weights, value = _objective_value(objective, totals, st)
    taking_part = companies[(companies["n_exchanges"] > 0) | (companies["n_pools"] > 0)]
    # As in the objective, the carbon value counts towards what a participant gains.
    gains = [economics.objective(s, q, st) for s, q in zip(taking_part["savings_eur_per_year"], taking_part["co2_avoided_t_per_year"])]
    min_share = min(gains) if gains else 0.0
    summary = Summary(
        scenario=scenario.name,
        input_hash=scenario.fingerprint(),
        status=solution.status,
        net_savings_eur_per_year=net if solution.has_values else None,
        objective=value if solution.has_values else None,
        co2_avoided_t_per_year=co2_t if solution.has_values else None,
        carbon_price_eur_per_t=st.carbon_price_eur_per_t,
        best_bound=solution.best_bound,
        mip_gap=solution.mip_gap,
        n_exchanges=int((matches["kind"] == "exchange").sum()),
        n_pools=len(facilities),
        n_pool_members=int((matches["kind"] == "pool").sum()),
        n_candidates=len(candidates.arcs),
        n_parts=solution.n_parts,
        n_membership_candidates=len(candidates.memberships),
        allocation=st.allocation,
        min_participant_savings_eur_per_year=min_share,
        individually_rational=bool(min_share >= -ALLOCATION_TOLERANCE),
        build_seconds=build_seconds,
        solve_seconds=solution.solve_seconds,
        problems=list(problems or []),
        warnings=[w.to_json() for w in sort_warnings([*scenario.warnings, *candidates.warnings])],
        settings=st.model_dump(mode="json"),
        resources={r.id: {"family": r.family.value, "unit": r.unit, "pricing": r.pricing.value} for r in scenario.resources},
        shapley_max_std_error_eur=shapley_error if st.allocation == "shapley" else None,
        estimates=estimate_share(scenario, matches),
        floors=_bounds(objective.floors),
        ceilings=_bounds(objective.ceilings),
        measures=totals if solution.has_values else None,
        objective_weights=weights,
    )
    return Result(
        scenario=scenario,
        summary=summary,
        matches=matches,
        flows=flows,
        companies=companies,
        facilities=facilities,
        network=build_network(scenario, matches),
        candidates=candidates,
        facility_loads=pd.DataFrame(load_rows, columns=LOAD_COLUMNS),
        parts=parts if parts is not None else pd.DataFrame(columns=PART_COLUMNS),
    )


def _objective_value(objective: Objective, totals: dict[str, float], settings: Settings) -> tuple[dict[str, float] | None, float]:
    """The objective's weights (None for the default) and its value: savings + carbon price x CO2 by default."""
    if objective.maximise in (measures.WEIGHTED, measures.DISTINCT):
        return None, economics.objective(totals["savings_eur"], totals["co2_t"], settings)
    weights = measures.weights_of(objective.maximise, settings)
    return dict(weights), float(sum(w * totals[m] for m, w in weights))


def _bounds(bounds: tuple[tuple[str, float], ...]) -> dict[str, float] | None:
    """Floors or ceilings of an objective by their summary.json key (``objective`` for the weighted sum)."""
    if not bounds:
        return None
    return {("objective" if name == measures.WEIGHTED else measures.MEASURES[name].summary_key): value for name, value in bounds if name != measures.DISTINCT}


def _exchanges(scenario: Scenario, candidates: Candidates, decisions: Decisions) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Match rows and per-slot flow rows of the exchanges built."""
    arcs = candidates.arcs
    match_rows: list[dict[str, Any]] = []
    flow_rows: list[dict[str, Any]] = []
    per_arc = decisions.flows
    fixed = arcs["fixed_cost_eur_per_year"].to_numpy(dtype=float)
    required = arcs["required"].to_numpy(dtype=bool)
    # A free link that carries nothing is no match (unless a require rule asks for it), and
    # takes no share of a peak demand's cut: the matches reported are the ones shared among.
    built = [a for a in range(len(arcs)) if decisions.y[a] > 0.5 and (float(per_arc[a].sum()) > ZERO or fixed[a] > 0 or required[a])]
    values, peak_quantity = _match_values(candidates, built, per_arc)
    resources = scenario.resource_by_id
    for a in built:
        row = arcs.iloc[a]
        total = float(per_arc[a].sum())
        match_rows.append(
            {
                "kind": "exchange",
                "source": row["supply_company"],
                "target": row["demand_company"],
                "supply_stream": row["supply_stream"],
                "demand_stream": row["demand_stream"],
                "resource": row["resource"],
                "quantity": peak_quantity[a] if row["peak"] else total,
                "unit": resources[row["resource"]].unit,
                "distance_km": float(row["distance_km"]),
                **{measures.MEASURES[m].column: values[m][a] for m in measures.MEASURES},
                "route": row["route"],
                "lead_time_months": float(row["lead_time_months"]),
                "one_off_eur": float(row["one_off_eur"]),
                "stage": row["stage"],
            }
        )
        slot_names = candidates.slots[row["supply_stream"]]
        for t, q in enumerate(per_arc[a]):
            if q > 0:
                flow_rows.append({"supply_stream": row["supply_stream"], "demand_stream": row["demand_stream"], "slot": slot_names[t], "quantity": float(q)})
    return match_rows, flow_rows


def _pools(
    scenario: Scenario, c: Candidates, solution: Decisions
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], float]:
    """Member rows, facility rows and per-slot loads of the facilities built."""
    st = scenario.settings
    facilities = {f.id: f for f in reversed(scenario.facilities)}  # the first option names the site
    sizes: dict[str, list[Any]] = defaultdict(list)  # a facility's size options, in order (option k is the k-th row)
    for f in scenario.facilities:
        sizes[f.id].append(f)
    options = c.options
    mem = c.memberships
    resources = scenario.resource_by_id
    streams = scenario.stream_by_id
    member_rows: list[dict[str, Any]] = []
    facility_rows: list[dict[str, Any]] = []
    load_rows: list[dict[str, Any]] = []
    worst_error = 0.0
    for o in range(len(options)):
        if solution.z[o] <= 0.5:
            continue
        fid = options.iloc[o]["facility"]
        site = facilities[fid]
        capacity = float(options.iloc[o]["capacity"])
        fixed = float(options.iloc[o]["fixed_cost_eur_per_year"])
        joined = [j for j in range(len(mem)) if mem.iloc[j]["facility"] == fid and solution.w[j] > 0.5]
        if not joined:
            # Built with nobody in it: an objective that no option's cost touches (CO2 or
            # truck-km alone) leaves z free. A facility nobody joins is not built: dropping
            # it loses nothing the objective counts and keeps every floor (facility_serves
            # forbids it where an option itself adds to the objective).
            continue
        joined_sorted = sorted(joined, key=lambda j: mem.iloc[j]["demand_stream"])
        rows = [mem.iloc[j] for j in joined_sorted]
        values = [float(r["value_eur_per_year"]) for r in rows]
        loads = [c.demand_slots[r["demand_stream"]] for r in rows]
        surplus = economics.pool_surplus(values, fixed)
        if st.allocation == "shapley":
            fac_options = [
                (float(options.iloc[k]["capacity"]), float(options.iloc[k]["fixed_cost_eur_per_year"]))
                for k in range(len(options))
                if options.iloc[k]["facility"] == fid
            ]
            shares, err = economics.shapley_shares(values, loads, fac_options, st.shapley_samples, st.solver.seed, surplus=surplus)
            worst_error = max(worst_error, err)
        else:
            shares = economics.proportional_shares(
                surplus, [streams[r["demand_stream"]].price_eur_per_unit * float(r["quantity"]) for r in rows]
            )
        opt_coef = {m: float(c.coefficients[m].option[o]) for m in measures.MEASURES}
        other = {
            m.name: measures.member_values(
                m.name, [float(c.coefficients[m.name].membership[j]) for j in joined_sorted], opt_coef[m.name], [float(r["quantity"]) for r in rows]
            )
            for m in measures.MEASURES.values()
            if m.name != "savings_eur"
        }
        for i, (r, share) in enumerate(zip(rows, shares)):
            member_rows.append(
                {
                    "kind": "pool",
                    "source": fid,
                    "target": r["company"],
                    "supply_stream": "",
                    "demand_stream": r["demand_stream"],
                    "resource": site.resource,
                    "quantity": float(r["quantity"]),
                    "unit": resources[site.resource].unit,
                    "distance_km": float(r["distance_km"]),
                    "savings_eur_per_year": share,
                    **{measures.MEASURES[m].column: v[i] for m, v in other.items()},
                    "route": "",
                    "lead_time_months": 0.0,
                    "one_off_eur": 0.0,
                    "stage": r["stage"],
                }
            )
        load = np.sum(loads, axis=0) if loads else np.zeros(len(scenario.slots(site.resource)))
        served = float(sum(float(r["quantity"]) for r in rows))
        facility_rows.append(
            {
                "facility": fid,
                "name": site.name,
                "resource": site.resource,
                "capacity": capacity,
                "n_members": len(rows),
                "peak_load": float(load.max()) if len(load) else 0.0,
                "cost_eur_per_year": fixed + site.cost_eur_per_unit * served,
                "surplus_eur_per_year": surplus,
                "capex_eur": float(sizes[fid][int(options.iloc[o]["option"])].capex_eur),
                "members": ";".join(r["demand_stream"] for r in rows),
            }
        )
        for slot, value in zip(scenario.slots(site.resource), load):
            load_rows.append({"facility": fid, "slot": slot, "load": float(value), "capacity": capacity})
    facility_rows.sort(key=lambda r: r["facility"])
    return member_rows, facility_rows, load_rows, worst_error


def _match_values(c: Candidates, built: list[int], per_arc: list[np.ndarray]) -> tuple[dict[str, dict[int, float]], dict[int, float]]:
    """Every measure of every built arc (by measure, then arc), and the quantity of each arc into a peak demand.

    A volume arc's figures come from its flows; the arcs into one peak demand share its
    cut, and every measure of it, by their stand-alone reductions r_a (``economics.peak_cut_shares``).
    """
    arcs = c.arcs
    coef = c.coefficients
    out: dict[str, dict[int, float]] = {m: {} for m in measures.MEASURES}
    quantity: dict[int, float] = {}
    into_peak: dict[str, list[int]] = defaultdict(list)
    peak = arcs["peak"].to_numpy()
    demand = arcs["demand_stream"].to_numpy()
    for a in built:
        if peak[a]:
            into_peak[demand[a]].append(a)
            continue
        flow = float(per_arc[a].sum())
        for m in measures.MEASURES:
            out[m][a] = measures.exchange_value(m, float(coef[m].flow[a]), float(coef[m].link[a]), flow)
    rho = arcs["rho"].to_numpy()
    supply = arcs["supply_stream"].to_numpy()
    for d, into in into_peak.items():
        need = c.demand_slots[d]
        inflow = sum(rho[a] * per_arc[a] for a in into)
        reductions = [economics.standalone_reduction(need, float(rho[a]), c.supply_slots[supply[a]]) for a in into]
        cut, shares = economics.peak_cut_shares(need, inflow, reductions)
        quantity.update((a, cut * w) for a, w in zip(into, shares))
        for m in measures.MEASURES:
            values = measures.peak_values(m, coef[m].peak.get(d, 0.0), [float(coef[m].link[a]) for a in into], cut, shares)
            out[m].update(zip(into, values))
    return out, quantity


def with_price_bands(matches: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Each exchange's price band (``economics.price_band``) in ``price_floor_eur_per_unit`` and
    ``price_ceiling_eur_per_unit``; empty (NaN) for pool rows and for an exchange that moves nothing."""
    floors, ceilings = [], []
    streams = scenario.stream_by_id
    for kind, supply, savings, quantity in zip(matches["kind"], matches["supply_stream"], matches["savings_eur_per_year"], matches["quantity"]):
        band = economics.price_band(streams[supply].price_eur_per_unit, float(savings), float(quantity)) if kind == "exchange" else None
        floors.append(np.nan if band is None else band[0])
        ceilings.append(np.nan if band is None else band[1])
    return matches.assign(price_floor_eur_per_unit=floors, price_ceiling_eur_per_unit=ceilings)


def allocate(scenario: Scenario, matches: pd.DataFrame) -> pd.DataFrame:
    """Per-company savings, CO2 and every other measure.

    An exchange is split evenly between its two companies; a pool member's row
    already holds its share of the pool surplus (and of the facility's other
    measures). Stand-alone cost is what the company's streams cost today (price x
    quantity); the cost with symbiosis is that less the savings.
    """
    columns = [m.column for m in measures.MEASURES.values()]
    share: dict[str, dict[str, float]] = {col: defaultdict(float) for col in columns}
    n_ex: dict[str, int] = defaultdict(int)
    pools: dict[str, set[str]] = defaultdict(set)
    for row in matches.to_dict(orient="records"):
        if row["kind"] == "exchange":
            for col in columns:
                for company, part in zip((row["source"], row["target"]), economics.split_exchange(row[col])):
                    share[col][company] += part
            n_ex[row["source"]] += 1
            n_ex[row["target"]] += 1
        else:
            for col in columns:
                share[col][row["target"]] += row[col]
            pools[row["target"]].add(row["source"])
    standalone: dict[str, float] = defaultdict(float)
    for stream in scenario.streams:
        standalone[stream.company] += economics.standalone_cost(stream.price_eur_per_unit, stream.quantity)
    sav = share["savings_eur_per_year"]
    rows = [
        {
            "company": c.id,
            "name": c.name,
            "savings_eur_per_year": sav[c.id],
            "co2_avoided_t_per_year": share["co2_avoided_t_per_year"][c.id],
            "n_exchanges": n_ex[c.id],
            "n_pools": len(pools[c.id]),
            "standalone_cost_eur_per_year": standalone[c.id],
            "cost_with_symbiosis_eur_per_year": standalone[c.id] - sav[c.id],
            **{m.column: share[m.column][c.id] for m in measures.others()},
        }
        for c in sorted(scenario.companies, key=lambda c: c.id)
    ]
    return pd.DataFrame(rows, columns=COMPANY_COLUMNS)

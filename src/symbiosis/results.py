"""From the solver's numbers back to the analyst's terms: matches, savings, companies.

Savings and CO2 are recomputed here from the flows with the formulas in
``economics`` (not read off the solver's objective), so the report, the checker and
the objective agree by construction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from symbiosis import economics
from symbiosis.candidates import Candidates
from symbiosis.model import ExchangeModel
from symbiosis.scenario import Scenario
from symbiosis.solve import Solution, Status

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
]
FLOW_COLUMNS = ["supply_stream", "demand_stream", "slot", "quantity"]
COMPANY_COLUMNS = ["company", "name", "savings_eur_per_year", "co2_avoided_t_per_year", "n_exchanges", "n_pools"]
FACILITY_COLUMNS = [
    "facility",
    "name",
    "resource",
    "capacity",
    "n_members",
    "peak_load",
    "cost_eur_per_year",
    "surplus_eur_per_year",
]
ZERO = 1e-9  # flows below this are solver noise


@dataclass
class Result:
    """The outcome of one solve: tables, graph and summary. ``write`` saves them."""

    scenario: Scenario
    summary: dict[str, Any]
    matches: pd.DataFrame
    flows: pd.DataFrame
    companies: pd.DataFrame
    facilities: pd.DataFrame
    network: nx.MultiDiGraph
    candidates: Candidates | None = field(default=None, repr=False)

    @property
    def status(self) -> str:
        return str(self.summary["status"])

    @property
    def ok(self) -> bool:
        """True when the result holds a solution (optimal or stopped by the time limit)."""
        return self.status in (Status.optimal.value, Status.time_limit.value)

    def write(self, out_dir: str | Path, overwrite: bool = True) -> Path:
        """Write every output file into ``out_dir``, whole or not at all."""
        from symbiosis.io import write_result

        return write_result(self, Path(out_dir), overwrite=overwrite)


def build_result(
    scenario: Scenario,
    candidates: Candidates,
    handle: ExchangeModel | None,
    solution: Solution,
    build_seconds: float,
    problems: list[str] | None = None,
) -> Result:
    """Turn a solution into matches, flows, per-company allocation and the network."""
    st = scenario.settings
    arcs = candidates.arcs
    match_rows: list[dict[str, Any]] = []
    flow_rows: list[dict[str, Any]] = []
    if solution.has_values and handle is not None and len(arcs):
        x = np.where(solution.x > ZERO, solution.x, 0.0)
        per_arc = np.zeros((len(arcs),), dtype=object)
        for a in range(len(arcs)):
            per_arc[a] = np.zeros(len(candidates.upper[a]))
        for f, (a, t) in enumerate(zip(handle.flow_arc, handle.flow_slot)):
            per_arc[a][t] = x[f]
        built = [a for a in range(len(arcs)) if solution.y[a] > 0.5]
        savings, co2 = _match_values(scenario, candidates, built, per_arc)
        resources = scenario.resource_by_id
        for a in built:
            row = arcs.iloc[a]
            total = float(per_arc[a].sum())
            fixed = float(row["fixed_cost_eur_per_year"])
            if total <= ZERO and fixed <= 0:
                continue  # a free link that carries nothing is no match
            res = resources[row["resource"]]
            qty = float(per_arc[a].max()) if row["peak"] else total
            match_rows.append(
                {
                    "kind": "exchange",
                    "source": row["supply_company"],
                    "target": row["demand_company"],
                    "supply_stream": row["supply_stream"],
                    "demand_stream": row["demand_stream"],
                    "resource": row["resource"],
                    "quantity": qty,
                    "unit": res.unit,
                    "distance_km": float(row["distance_km"]),
                    "savings_eur_per_year": savings[a],
                    "co2_avoided_t_per_year": co2[a],
                }
            )
            slot_names = candidates.slots[row["supply_stream"]]
            for t, q in enumerate(per_arc[a]):
                if q > 0:
                    flow_rows.append(
                        {"supply_stream": row["supply_stream"], "demand_stream": row["demand_stream"], "slot": slot_names[t], "quantity": float(q)}
                    )
    matches = pd.DataFrame(match_rows, columns=MATCH_COLUMNS)
    matches = matches.sort_values(["kind", "source", "target", "supply_stream", "demand_stream"], kind="stable").reset_index(drop=True)
    flows = pd.DataFrame(flow_rows, columns=FLOW_COLUMNS)
    companies = allocate(scenario, matches)
    net = float(matches["savings_eur_per_year"].sum()) if len(matches) else 0.0
    co2_t = float(matches["co2_avoided_t_per_year"].sum()) if len(matches) else 0.0
    summary: dict[str, Any] = {
        "scenario": scenario.name,
        "input_hash": scenario.fingerprint(),
        "status": solution.status.value,
        "net_savings_eur_per_year": net if solution.has_values else None,
        "objective": economics.objective(net, co2_t, st) if solution.has_values else None,
        "co2_avoided_t_per_year": co2_t if solution.has_values else None,
        "carbon_price_eur_per_t": st.carbon_price_eur_per_t,
        "best_bound": solution.best_bound,
        "mip_gap": solution.mip_gap,
        "n_exchanges": int((matches["kind"] == "exchange").sum()),
        "n_pools": 0,
        "n_candidates": len(arcs),
        "build_seconds": build_seconds,
        "solve_seconds": solution.solve_seconds,
        "problems": list(problems or []),
        "settings": st.model_dump(mode="json"),
    }
    return Result(
        scenario=scenario,
        summary=summary,
        matches=matches,
        flows=flows,
        companies=companies,
        facilities=pd.DataFrame(columns=FACILITY_COLUMNS),
        network=build_network(scenario, matches),
        candidates=candidates,
    )


def _match_values(
    scenario: Scenario, c: Candidates, built: list[int], per_arc: np.ndarray
) -> tuple[dict[int, float], dict[int, float]]:
    """Savings (EUR/yr) and CO2 (t/yr) of every built arc, from its flows."""
    arcs = c.arcs
    savings: dict[int, float] = {}
    co2: dict[int, float] = {}
    into_peak: dict[str, list[int]] = defaultdict(list)
    for a in built:
        row = arcs.iloc[a]
        if row["peak"]:
            into_peak[row["demand_stream"]].append(a)
            continue
        savings[a], co2[a] = economics.volume_exchange(
            float(row["value_eur_per_unit"]), float(row["co2_kg_per_unit"]), float(per_arc[a].sum()), float(row["fixed_cost_eur_per_year"])
        )
    rho = arcs["rho"].to_numpy()
    fixed = arcs["fixed_cost_eur_per_year"].to_numpy()
    for d, into in into_peak.items():
        inflow = sum(rho[a] * per_arc[a] for a in into)
        s, q = economics.peak_demand_shares(
            c.demand_price[d],
            c.demand_co2[d],
            c.demand_slots[d],
            inflow,
            [float(fixed[a]) for a in into],
            [float(per_arc[a].sum()) for a in into],
        )
        for a, sa, qa in zip(into, s, q):
            savings[a], co2[a] = sa, qa
    return savings, co2


def allocate(scenario: Scenario, matches: pd.DataFrame) -> pd.DataFrame:
    """Per-company savings and CO2: each exchange split evenly between its two companies."""
    sav: dict[str, float] = defaultdict(float)
    co2: dict[str, float] = defaultdict(float)
    n_ex: dict[str, int] = defaultdict(int)
    for row in matches.itertuples(index=False):
        if row.kind != "exchange":
            continue
        for company, s, q in zip(
            (row.source, row.target), economics.split_exchange(row.savings_eur_per_year), economics.split_exchange(row.co2_avoided_t_per_year)
        ):
            sav[company] += s
            co2[company] += q
            n_ex[company] += 1
    rows = [
        {
            "company": c.id,
            "name": c.name,
            "savings_eur_per_year": sav[c.id],
            "co2_avoided_t_per_year": co2[c.id],
            "n_exchanges": n_ex[c.id],
            "n_pools": 0,
        }
        for c in sorted(scenario.companies, key=lambda c: c.id)
    ]
    return pd.DataFrame(rows, columns=COMPANY_COLUMNS)


def build_network(scenario: Scenario, matches: pd.DataFrame) -> nx.MultiDiGraph:
    """Companies as nodes (with coordinates), matches as edges (with their attributes)."""
    g = nx.MultiDiGraph(name=scenario.name)
    for c in sorted(scenario.companies, key=lambda c: c.id):
        g.add_node(c.id, kind="company", name=c.name, sector=c.sector, lat=c.lat, lon=c.lon)
    for row in matches.to_dict(orient="records"):
        key = f"{row['supply_stream']}->{row['demand_stream']}"
        g.add_edge(row["source"], row["target"], key=key, **{k: v for k, v in row.items() if k not in ("source", "target")})
    return g

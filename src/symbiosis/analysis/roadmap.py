"""The roadmap of a result (DESIGN.md section 4g): in which year each match starts, under a yearly budget.

``roadmap(result_dir, years, budget)`` reads a result folder (``io.read.results``),
forms the groups that must start together, plans them with the roadmap MILP
(``model.roadmap``, solved in ``solver.highs``) and returns the tables that
``io.write.roadmap`` writes: ``roadmap.csv`` (one row per match, and one per facility
for its capex), ``years.csv`` and ``roadmap.json``.

Units (what starts together):

- an exchange into a volume demand, alone;
- the exchanges into one peak demand, together: they share one cut, and each one's
  savings is its share of that cut (contract section 4);
- a facility with all its members: memberships start with their facility, whose capex
  is the unit's one-off (a member alone would be a different pool).

A unit's one-off is the sum of its rows' ``one_off_eur`` (pipe: pipe_capex x 1000 x d,
not annualised; route one-offs) and its facility's ``capex_eur``; its savings the sum of
its rows' ``savings_eur_per_year``; its earliest year ceil(longest lead time in months /
12) (a lead time of 1 to 12 months makes year 1 the first, since year 0 is now). A unit
with a realised match is realised as a whole: it runs from year 0 and its one-off was
spent before the roadmap (reported as 0). A unit with an agreed match starts within the
horizon, whatever it saves (when the budget cannot hold the agreed one-offs, there is no
schedule, and ``roadmap.json`` says which). Any other unit that saves nothing, or loses
money, on its own is not started (said in ``roadmap.json`` ``notes``).

Discounted savings of a unit started in year t (rate r from
``settings.annualisation.rate``, horizon N years, year 0 undiscounted):
S x sum_{k=t}^{N-1} (1 + r)^-k (``economics.discounted_savings``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis import economics
from symbiosis.errors import SettingsError
from symbiosis.io.read.results import ResultFiles, read_result
from symbiosis.model.roadmap import ScheduleProblem, ScheduleUnit, build_roadmap_model
from symbiosis.schema import SolverSettings
from symbiosis.solver import solve_roadmap
from symbiosis.types import Schedule, Status, Termination

ROADMAP_COLUMNS = [
    "year",  # the start year (0 = now); empty: not started within the horizon
    "kind",  # exchange, pool (a membership) or facility (its capex)
    "source",
    "target",
    "supply_stream",
    "demand_stream",
    "resource",
    "quantity",  # as in matches.csv; a facility row: its capacity
    "distance_km",
    "stage",
    "route",
    "lead_time_months",
    "earliest_year",  # ceil(lead time of its unit / 12), 0 for a realised unit
    "start_group",  # what starts together
    "one_off_eur",  # paid in its start year (0 when realised: spent before the roadmap)
    "savings_eur_per_year",
    "discounted_savings_eur",  # savings x sum_{k=year}^{N-1} (1 + r)^-k
    "cumulative_savings_eur",  # undiscounted savings over the horizon of this row and every row above it
]
YEAR_COLUMNS = [
    "year",
    "budget_eur",  # empty without a budget
    "one_off_eur",  # started that year
    "n_started",  # matches (exchanges and memberships) starting that year
    "savings_eur_per_year",  # of everything running that year
    "discount_factor",  # (1 + r)^-year
    "discounted_savings_eur",
    "cumulative_savings_eur",  # undiscounted, years 0 .. this one
]
PROGRAMME_COLUMNS = ("route", "lead_time_months", "one_off_eur", "stage")


@dataclass
class Roadmap:
    """A planned roadmap: its rows, its years and its summary (``roadmap.json``)."""

    rows: pd.DataFrame
    years: pd.DataFrame
    meta: dict[str, Any]
    result: ResultFiles = field(repr=False)

    @property
    def status(self) -> str:
        return str(self.meta["status"])


def earliest_year(lead_time_months: float) -> int:
    """The first year a match may start: ceil(months / 12), year 0 being now."""
    return math.ceil(max(0.0, lead_time_months) / 12.0 - 1e-9)


@dataclass
class _Unit:
    key: str
    rows: list[dict[str, Any]]

    @property
    def realised(self) -> bool:
        return any(r["stage"] == "realised" for r in self.rows)

    @property
    def agreed(self) -> bool:
        return not self.realised and any(r["stage"] == "agreed" for r in self.rows)

    @property
    def lead_time_months(self) -> float:
        return max((float(r["lead_time_months"]) for r in self.rows), default=0.0)

    @property
    def savings(self) -> float:
        return float(sum(float(r["savings_eur_per_year"]) for r in self.rows))

    @property
    def one_off(self) -> float:
        return 0.0 if self.realised else float(sum(float(r["one_off_eur"]) for r in self.rows))


def _units(files: ResultFiles) -> list[_Unit]:
    """The result's matches and built facilities as groups that start together (see the module docstring)."""
    m = files.matches
    groups: dict[str, _Unit] = {}
    pools: dict[str, list[dict[str, Any]]] = {}
    for r in m.to_dict("records"):
        row = {c: r.get(c) for c in ROADMAP_COLUMNS if c in r}
        row["stage"] = str(r.get("stage") or "proposed")
        row["route"] = str(r.get("route") or "")
        if r["kind"] == "pool":
            pools.setdefault(str(r["source"]), []).append(row)
            continue
        if files.pricing(str(r["resource"])) == "peak":
            key = f"peak cut of {r['demand_stream']}"
        else:
            key = f"{r['supply_stream']} -> {r['demand_stream']}"
        groups.setdefault(key, _Unit(key, [])).rows.append(row)
    for f in files.facilities.to_dict("records"):
        fid = str(f["facility"])
        facility_row = {
            "kind": "facility", "source": fid, "target": "", "supply_stream": "", "demand_stream": "", "resource": f["resource"],
            "quantity": float(f["capacity"]), "distance_km": 0.0, "stage": "", "route": "", "lead_time_months": 0.0,
            "one_off_eur": float(f["capex_eur"]), "savings_eur_per_year": 0.0,
        }
        members = pools.pop(fid, [])
        if any(r["stage"] == "realised" for r in members):
            facility_row["stage"] = "realised"
        groups[f"facility {fid}"] = _Unit(f"facility {fid}", [facility_row, *members])
    for fid, members in pools.items():  # members of a facility missing from facilities.csv: alone
        groups[f"facility {fid}"] = _Unit(f"facility {fid}", members)
    return [groups[k] for k in sorted(groups)]


def _check_inputs(files: ResultFiles, years: int, budget: float | None) -> None:
    if years < 1:
        raise SettingsError(f"--years {years}: a roadmap needs a horizon of at least 1 year")
    if budget is not None and (not math.isfinite(budget) or budget < 0):
        raise SettingsError(f"--budget {budget:g}: give the yearly budget for one-off costs in EUR, 0 or more")
    if not files.summary.has_solution:
        raise SettingsError(f"'{files.folder}' holds no solution (status {files.summary.status.value}): nothing to schedule")
    missing = [c for c in PROGRAMME_COLUMNS if c not in files.matches.columns]
    if missing or "capex_eur" not in files.facilities.columns:
        gone = ", ".join([*(f"matches.csv '{c}'" for c in missing), *([] if "capex_eur" in files.facilities.columns else ["facilities.csv 'capex_eur'"])])
        raise SettingsError(f"'{files.folder}' was written before roadmaps (no {gone}): solve the scenario again")


def roadmap(result_dir: str | Path, years: int, budget: float | None = None, solver: SolverSettings | None = None) -> Roadmap:
    """Plan the start year of every match of a result over ``years`` years, the one-offs of each year within ``budget``."""
    files = read_result(result_dir)
    _check_inputs(files, years, budget)
    settings = files.summary.settings
    rate = float(settings.get("annualisation", {}).get("rate", 0.05))
    options = solver or SolverSettings.model_validate(settings.get("solver", {}))
    groups, planned, problem, notes = schedule_problem(files, years, budget, rate)
    schedule = solve_roadmap(build_roadmap_model(problem), options)
    if schedule.termination is Termination.infeasible:
        agreed = [groups[i] for i in planned if groups[i].agreed]
        notes.append(
            "no schedule: the agreed matches must start within the horizon, but their one-off costs do not fit the yearly budget: "
            + "; ".join(f"{u.key} ({u.one_off:,.0f} EUR)" for u in agreed)
        )
    start: dict[int, int | None] = {i: None for i in range(len(groups))}
    for k, i in enumerate(planned):
        start[i] = schedule.starts.get(k)
        if start[i] is None and budget is not None and groups[i].one_off > budget:
            notes.append(f"{groups[i].key}: not started: its one-off {groups[i].one_off:,.0f} EUR exceeds the yearly budget of {budget:,.0f} EUR")
        elif start[i] is None and schedule.has_solution:
            notes.append(f"{groups[i].key}: not started within {years} years: the budget goes further on other matches")
    rows = _rows(groups, start, years, rate)
    table = _years(rows, years, budget, rate)
    meta = _meta(files, schedule, problem, rows, notes)
    return Roadmap(rows, table, meta, files)


def schedule_problem(files: ResultFiles, years: int, budget: float | None, rate: float) -> tuple[list[_Unit], list[int], ScheduleProblem, list[str]]:
    """The units of a result, those the roadmap plans (by position), the MILP's problem, and why the others are left out."""
    groups = _units(files)
    notes: list[str] = []
    planned: list[int] = []
    for i, u in enumerate(groups):
        first = 0 if u.realised else earliest_year(u.lead_time_months)
        if not (u.realised or u.agreed) and u.savings <= 1e-9:
            notes.append(f"{u.key}: not started: on its own it {'saves nothing' if abs(u.savings) <= 1e-9 else f'loses {-u.savings:,.0f} EUR/yr'}")
        elif first >= years:
            notes.append(f"{u.key}: not started: its lead time of {u.lead_time_months:g} months ends after the {years}-year horizon")
        else:
            planned.append(i)
    problem = ScheduleProblem(
        tuple(
            ScheduleUnit(u.key, u.one_off, u.savings, 0 if u.realised else earliest_year(u.lead_time_months), u.realised, u.agreed)
            for u in (groups[i] for i in planned)
        ),
        years,
        budget,
        rate,
    )
    return groups, planned, problem, notes


def _rows(groups: list[_Unit], start: dict[int, int | None], years: int, rate: float) -> pd.DataFrame:
    """roadmap.csv: groups by start year (then by savings), rows of a unit together; unstarted groups last."""
    order = sorted(range(len(groups)), key=lambda i: (start[i] is None, start[i] or 0, -groups[i].savings, groups[i].key))
    out: list[dict[str, Any]] = []
    cumulative = 0.0
    for i in order:
        u, year = groups[i], start[i]
        first = 0 if u.realised else earliest_year(u.lead_time_months)
        for r in u.rows:
            savings = float(r["savings_eur_per_year"])
            running = 0.0 if year is None else savings * (years - year)
            cumulative += running
            out.append(
                {
                    **{c: r.get(c, "") for c in ("kind", "source", "target", "supply_stream", "demand_stream", "resource", "stage", "route")},
                    "year": year,
                    "quantity": float(r.get("quantity") or 0.0),
                    "distance_km": float(r.get("distance_km") or 0.0),
                    "lead_time_months": float(r.get("lead_time_months") or 0.0),
                    "earliest_year": first,
                    "start_group": u.key,
                    "one_off_eur": 0.0 if u.realised else float(r["one_off_eur"]),
                    "savings_eur_per_year": savings,
                    "discounted_savings_eur": 0.0 if year is None else economics.discounted_savings(savings, year, years, rate),
                    "cumulative_savings_eur": cumulative,
                }
            )
    frame = pd.DataFrame(out, columns=ROADMAP_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def _years(rows: pd.DataFrame, years: int, budget: float | None, rate: float) -> pd.DataFrame:
    """years.csv: per year, the one-offs started, the savings running, and both discounted and summed."""
    started = rows[rows["year"].notna()]
    out = []
    cumulative = 0.0
    for t in range(years):
        now = started[started["year"] == t]
        running = float(started.loc[started["year"] <= t, "savings_eur_per_year"].sum())
        cumulative += running
        out.append(
            {
                "year": t,
                "budget_eur": budget,
                "one_off_eur": float(now["one_off_eur"].sum()),
                "n_started": int(now["kind"].isin(["exchange", "pool"]).sum()),
                "savings_eur_per_year": running,
                "discount_factor": economics.discount(rate, t),
                "discounted_savings_eur": running * economics.discount(rate, t),
                "cumulative_savings_eur": cumulative,
            }
        )
    return pd.DataFrame(out, columns=YEAR_COLUMNS)


FORMULA = (
    "discounted savings = sum over started units of S x sum_{k=start}^{N-1} (1 + r)^-k; "
    "S: the unit's savings (EUR/yr, capital annualised in them), r: settings.annualisation.rate, N: --years, year 0 undiscounted"
)


def _meta(files: ResultFiles, schedule: Schedule, problem: ScheduleProblem, rows: pd.DataFrame, notes: list[str]) -> dict[str, Any]:
    status = Status.of(schedule.termination, schedule.has_solution).value
    started = rows[rows["year"].notna()]
    return {
        "status": status,
        "years": problem.years,
        "budget_eur_per_year": problem.budget_eur_per_year,
        "discount_rate": problem.rate,
        "discounted_savings_eur": float(rows["discounted_savings_eur"].sum()),
        "best_bound": schedule.best_bound,
        "formula": FORMULA,
        "network_savings_eur_per_year": float(rows["savings_eur_per_year"].sum()),
        "savings_started_eur_per_year": float(started["savings_eur_per_year"].sum()),
        "one_off_eur": float(started["one_off_eur"].sum()),
        "n_groups": int(rows["start_group"].nunique()),
        "n_groups_started": int(started["start_group"].nunique()),
        "scenario": files.summary.scenario,
        "input_hash": files.summary.input_hash,
        "notes": notes,
    }

"""The roadmap checker: recompute a roadmap folder's budgets, lead times and discounted sums from its files and the scenario.

``check_roadmap(scenario, folder)`` reads ``roadmap.csv``, ``years.csv`` and
``roadmap.json`` (``io.read.results.read_roadmap``) and re-derives, without the
roadmap's model: each row's one-off (pipe capex x 1000 x d, the route's one-off, the
facility's capex; 0 where realised), route, lead time, stage and earliest year from the
scenario (``legal``, ``economics``); that each start year lies in the horizon and after
the lead time, realised matches in year 0, agreed ones started, what must start together
started together (a facility and its members; the exchanges into one peak demand); that
the one-offs started in each year stay within the budget; and every discounted and
cumulative figure (``economics.discounted_savings``). Whether the schedule is the best
one is not checked here (the tests compare it with a brute force).
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import Any

from symbiosis import economics, legal
from symbiosis.analysis.check import CheckReport, _close, marker_notes
from symbiosis.analysis.roadmap import earliest_year
from symbiosis.io.read.results import read_roadmap
from symbiosis.schema import Direction, Pricing, Scenario, Transport


def check_roadmap(scenario: Scenario, folder_dir: str | Path) -> CheckReport:
    """Check a roadmap folder against its scenario; see ``CheckReport`` (``objective``: the discounted savings)."""
    folder = Path(folder_dir)
    report = CheckReport()
    v = report.violations
    files = read_roadmap(folder)
    report.notes += marker_notes(folder)
    meta, rows, table = files.meta, files.rows, files.years
    try:
        n = int(meta["years"])
        rate = float(meta["discount_rate"])
        budget = None if meta.get("budget_eur_per_year") is None else float(meta["budget_eur_per_year"])
    except (KeyError, TypeError, ValueError) as exc:
        v.append(f"roadmap.json: cannot read years, discount_rate or budget_eur_per_year ({exc})")
        return report
    if not math.isclose(rate, scenario.settings.annualisation.rate):
        report.notes.append(f"roadmap.json: discount rate {rate:g}, but the scenario's annualisation rate is {scenario.settings.annualisation.rate:g} (solved with --set?)")
    report.n_matches = int(rows["kind"].isin(["exchange", "pool"]).sum())
    year_of = [None if _empty(y) else int(y) for y in rows["year"]]
    by_unit: dict[str, list[int]] = defaultdict(list)
    for i, u in enumerate(rows["start_group"]):
        by_unit[str(u)].append(i)
    realised_units = {u for u, idx in by_unit.items() if any(rows["stage"].iloc[i] == "realised" for i in idx)}
    lead_of_unit = {u: max(float(rows["lead_time_months"].iloc[i]) for i in idx) for u, idx in by_unit.items()}
    for i, r in enumerate(rows.to_dict("records")):
        tag = f"roadmap.csv: row {i + 2} ({r['kind']} {r['source']} -> {r['target'] or r['demand_stream']})"
        unit = str(r["start_group"])
        realised = unit in realised_units
        _check_row(scenario, r, tag, realised, v)
        first = 0 if realised else earliest_year(lead_of_unit[unit])
        if int(r["earliest_year"]) != first:
            v.append(f"{tag}: earliest_year {r['earliest_year']} but its unit's lead time of {lead_of_unit[unit]:g} months gives {first}")
        year = year_of[i]
        if year is not None and not 0 <= year < n:
            v.append(f"{tag}: year {year} lies outside the horizon 0..{n - 1}")
        if year is not None and year < first:
            v.append(f"{tag}: starts in year {year}, before its lead time allows (year {first})")
        if realised and year != 0:
            v.append(f"{tag}: its unit holds a realised match, so it runs from year 0, not {year}")
        if r["stage"] == "agreed" and not realised and year is None and first < n and meta.get("status") != "infeasible":
            v.append(f"{tag}: agreed, but not started within the horizon")
        want = 0.0 if year is None else economics.discounted_savings(float(r["savings_eur_per_year"]), year, n, rate)
        if not _close(want, float(r["discounted_savings_eur"]), abs(want)):
            v.append(f"{tag}: discounted_savings_eur {r['discounted_savings_eur']} but recomputed {want:.6f}")
    _check_units(scenario, rows, year_of, by_unit, v)
    cumulative = 0.0
    for i, r in enumerate(rows.to_dict("records")):
        start = year_of[i]
        cumulative += 0.0 if start is None else float(r["savings_eur_per_year"]) * (n - start)
        if not _close(cumulative, float(r["cumulative_savings_eur"]), abs(cumulative)):
            v.append(f"roadmap.csv: row {i + 2}: cumulative_savings_eur {r['cumulative_savings_eur']} but recomputed {cumulative:.6f}")
            break
    _check_years(rows, year_of, table, n, budget, rate, v)
    total = float(rows["discounted_savings_eur"].sum())
    report.objective = total
    report.net_savings_eur_per_year = float(rows["savings_eur_per_year"].sum())
    started = [i for i, y in enumerate(year_of) if y is not None]
    for key, want in (
        ("discounted_savings_eur", total),
        ("network_savings_eur_per_year", report.net_savings_eur_per_year),
        ("savings_started_eur_per_year", float(rows["savings_eur_per_year"].iloc[started].sum()) if started else 0.0),
        ("one_off_eur", float(rows["one_off_eur"].iloc[started].sum()) if started else 0.0),
    ):
        got = meta.get(key)
        if got is None or not _close(want, float(got), abs(want)):
            v.append(f"roadmap.json: {key} {got} but the rows give {want:.6f}")
    if meta.get("n_groups") != len(by_unit):
        v.append(f"roadmap.json: n_units {meta.get('n_units')} but roadmap.csv has {len(by_unit)}")
    return report


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan")


def _check_row(scenario: Scenario, r: dict[str, Any], tag: str, realised: bool, v: list[str]) -> None:
    """A row's one-off, route, lead time and stage, from the scenario (0 one-off where its unit is realised)."""
    st = scenario.settings
    streams = scenario.stream_by_id
    kind = r["kind"]
    if kind == "exchange":
        s, d = streams.get(str(r["supply_stream"])), streams.get(str(r["demand_stream"]))
        if s is None or d is None or s.direction is not Direction.supply or d.direction is not Direction.demand:
            v.append(f"{tag}: not a supply stream and a demand stream of the scenario")
            return
        res = scenario.resource_by_id[s.resource]
        route = legal.legal_route(s, res.family, d.company, scenario.permit_index, scenario.routes, st)
        if not route.allowed:
            v.append(f"{tag}: no legal route: {route.refused}")
            return
        link = scenario.link_index.exchange(s, d)
        a, b = scenario.company_by_id[s.company], scenario.company_by_id[d.company]
        dist = float(economics.distance_km(a.lat, a.lon, b.lat, b.lon, st)) if link is None or link.distance_km is None else link.distance_km
        if not _close(dist, float(r["distance_km"])):
            v.append(f"{tag}: distance_km {r['distance_km']} but the coordinates (and links.csv) give {dist:.6f}")
        pipe = (res.pipe_capex_eur_per_m or 0.0) if res.transport is Transport.pipe else 0.0
        one_off = 0.0 if realised else float(economics.exchange_one_off_eur(pipe, dist, link is not None and link.fixed_cost_eur_per_year is not None, route.one_off_eur))
        stage = scenario.progress_index.stage_of(s, d) or "proposed"
        lead, route_name = route.lead_time_months, route.route
    elif kind == "pool":
        d = streams.get(str(r["demand_stream"]))
        row = scenario.progress_index.membership_row(str(r["source"]), str(r["demand_stream"])) if d is not None else None
        stage = scenario.progress[row].stage if row is not None else "proposed"
        one_off, lead, route_name = 0.0, 0.0, ""
    elif kind == "facility":
        options = [f for f in scenario.facilities if f.id == str(r["source"]) and _close(f.capacity, float(r["quantity"]), f.capacity)]
        if not options:
            v.append(f"{tag}: no size option of facility '{r['source']}' has capacity {r['quantity']}")
            return
        one_off = 0.0 if realised else options[0].capex_eur
        stage, lead, route_name = ("realised" if realised else ""), 0.0, ""
    else:
        v.append(f"{tag}: unknown kind '{kind}' (exchange, pool or facility)")
        return
    if not _close(one_off, float(r["one_off_eur"]), one_off):
        v.append(f"{tag}: one_off_eur {r['one_off_eur']} but recomputed {one_off:.6f}" + (" (realised: spent before the roadmap)" if realised else ""))
    if str(r["route"] or "") != route_name:
        v.append(f"{tag}: route '{r['route']}' but the permits and routes give '{route_name}'")
    if not _close(lead, float(r["lead_time_months"])):
        v.append(f"{tag}: lead_time_months {r['lead_time_months']} but recomputed {lead:g}")
    if str(r["stage"] or "") != stage:
        v.append(f"{tag}: stage '{r['stage']}' but progress.csv gives '{stage}'")


def _check_units(scenario: Scenario, rows: Any, year_of: list[int | None], by_unit: dict[str, list[int]], v: list[str]) -> None:
    """What must start together does: the rows of a unit, a facility and its members, the exchanges into one peak demand."""
    for unit, idx in by_unit.items():
        years = {year_of[i] for i in idx}
        if len(years) > 1:
            v.append(f"roadmap.csv: unit '{unit}' starts in several years {sorted(years, key=lambda y: -1 if y is None else y)}; its rows start together")
    unit_of_facility = {str(r["source"]): str(r["start_group"]) for r in rows.to_dict("records") if r["kind"] == "facility"}
    peak_unit: dict[str, str] = {}
    for r in rows.to_dict("records"):
        if r["kind"] == "pool" and str(r["source"]) in unit_of_facility and str(r["start_group"]) != unit_of_facility[str(r["source"])]:
            v.append(f"roadmap.csv: pool member {r['demand_stream']} does not start with its facility {r['source']}")
        d = scenario.stream_by_id.get(str(r["demand_stream"]))
        if r["kind"] == "exchange" and d is not None and scenario.resource_by_id[d.resource].pricing is Pricing.peak:
            first = peak_unit.setdefault(d.id, str(r["start_group"]))
            if first != str(r["start_group"]):
                v.append(f"roadmap.csv: the exchanges into peak demand {d.id} share one cut, but start in different groups")


def _check_years(rows: Any, year_of: list[int | None], table: Any, n: int, budget: float | None, rate: float, v: list[str]) -> None:
    """The one-offs of each year within the budget, and every figure of years.csv."""
    if len(table) != n:
        v.append(f"years.csv: {len(table)} rows but the horizon has {n} years")
        return
    spent: dict[int, float] = defaultdict(float)
    started: dict[int, int] = defaultdict(int)
    savings = [float(x) for x in rows["savings_eur_per_year"]]
    for i, y in enumerate(year_of):
        if y is not None:
            spent[y] += float(rows["one_off_eur"].iloc[i])
            started[y] += int(rows["kind"].iloc[i] in ("exchange", "pool"))
    cumulative = 0.0
    for t, r in enumerate(table.to_dict("records")):
        running = sum(s for s, y in zip(savings, year_of) if y is not None and y <= t)
        cumulative += running
        if budget is not None and spent[t] > budget * (1 + 1e-9) + 1e-6:
            v.append(f"years.csv: year {t}: one-off costs of {spent[t]:,.2f} EUR started, above the yearly budget of {budget:,.2f} EUR")
        for key, want in (
            ("year", float(t)), ("one_off_eur", spent[t]), ("n_started", float(started[t])), ("savings_eur_per_year", running),
            ("discount_factor", economics.discount(rate, t)), ("discounted_savings_eur", running * economics.discount(rate, t)),
            ("cumulative_savings_eur", cumulative),
        ):
            if not _close(want, float(r[key]), abs(want)):
                v.append(f"years.csv: year {t}: {key} {r[key]} but recomputed {want:.6f}")

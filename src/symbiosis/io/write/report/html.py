"""The solve report's page, in the one page system (``symbiosis.io.write.page``).

What it holds, top to bottom: a banner when the result is not a proven optimum (how
much more the bound allows, the gap), the headline figures and every measure, the
results by theme, the interactive map (its picture when printed), the savings, flows
and facility-load pictures, the tables of matches, companies, shared facilities and
transport to them (names beside ids, units in the headers), and the assumptions: the
settings, the prices of every resource with where they come from, estimates marked.
Nothing of the run (time, path) goes into it: the same result folder gives the same page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from symbiosis.io.read.results import ResultFiles
from symbiosis.io.write.columns import column, measure_column
from symbiosis.io.write.page import (
    DASH,
    MAP_SCRIPT,
    Col,
    MapLayers,
    Section,
    banner,
    cards,
    esc,
    leaflet_head,
    leaflet_script,
    map_box,
    map_data,
    number,
    page,
    percent,
    picture,
    table,
    with_unit,
)
from symbiosis.io.write.page.map import LEAFLET_CREDIT
from symbiosis.io.write.progress import progress_section
from symbiosis.io.write.report.figures import FIGURES
from symbiosis.io.write.report.transport import pool_transport
from symbiosis.io.write.themes import theme_totals
from symbiosis.io.write.workbook import flatten, setting_help
from symbiosis.measures import MEASURES, others
from symbiosis.types import Status, Summary

CAPTIONS = {
    "map": (
        "Map",
        "Companies and shared facilities by their coordinates (km from the centre of the park). One arrow per pair of companies "
        "and resource family, coloured by the family and as wide as their savings together; dashed lines join each shared facility "
        "to its members. On screen the map pans, zooms, filters by family and names what the pointer is on.",
    ),
    "savings": (
        "Savings per company",
        "What each company taking part pays today for the streams in the scenario (stand-alone) and with symbiosis; "
        "the difference is its share of the savings. Negative costs are earnings.",
    ),
    "flows": (
        "Flows by resource family",
        "Quantities per year exchanged or served by a shared facility, from the supplier (or facility) on the left to "
        "the receiver on the right. Quantities of different units are never added; peak resources count the capacity shared.",
    ),
    "loads": (
        "Load of the shared facilities",
        "Per-slot load of each shared facility of a peak resource (the members' summed need) against the capacity built.",
    ),
}
NOTHING = {
    "map": "No company has coordinates in network.json: no map.",
    "savings": "No company takes part in an exchange or a pool.",
    "flows": "Nothing is exchanged or pooled.",
    "loads": "No shared facility of a peak resource was built.",
}
STATUS_WORDS = {
    "optimal": "optimal (proven within the gap tolerance)",
    "time_limit": "stopped by the time limit",
    "infeasible": "infeasible: no network meets every rule",
    "no_solution": "no solution found in the time allowed",
    "error": "the solver failed",
    "not_solved": "not solved (a baseline)",
}


def names_of(res: ResultFiles) -> dict[str, str]:
    """Every company and facility id with its name (the id where none is given)."""
    names = {str(n.id): (str(n.name) or str(n.id)) for n in res.nodes.itertuples(index=False)}
    for r in res.companies.to_dict(orient="records"):
        names.setdefault(str(r["company"]), str(r.get("name") or r["company"]))
    for r in res.facilities.to_dict(orient="records"):
        names.setdefault(str(r["facility"]), str(r.get("name") or r["facility"]))
    return names


def quantity_unit(res: ResultFiles, resource: str, unit: str) -> str:
    """The unit of a match's quantity: per year for a volume resource, the peak's own unit for a peak one."""
    return unit if res.pricing(resource) == "peak" else f"{unit}/yr"


# ----------------------------------------------------------------------------- the top of the page


def time_limit_banner(summary: Summary) -> str:
    """Say plainly when a result is not a proven optimum: how much more is possible at most, and the gap."""
    if summary.status is not Status.time_limit:
        return ""
    lines = []
    gap = summary.mip_gap
    if summary.best_bound is not None and summary.objective is not None:
        more = max(0.0, summary.best_bound - summary.objective)
        weighted = bool(summary.objective_weights)
        what = "objective (a weighted sum of measures)" if weighted else "objective (savings and the carbon value)" if summary.carbon_price_eur_per_t else "net savings"
        unit = "of the objective" if weighted else "EUR/yr"
        title = f"Stopped by the time limit: at most {number(more, 'money')} {unit} more possible, gap {percent(gap or 0.0)}"
        lines.append(
            f"The solver stopped before proving this network the best. The bound says no network can beat this {what} by more than "
            f"{number(more, 'money')} {unit} ({number(summary.objective, 'money')} found, {number(summary.best_bound, 'money')} at most)."
        )
    else:
        title = "Stopped by the time limit: not proven the best, and the bound is unknown"
        lines.append("Some part stopped before the solver had a bound; the figures hold, but a better network may exist.")
    lines.append("Give more time (--set solver.time_limit_s=...) to narrow it; parts.csv says which part holds the gap.")
    return banner(title, lines, element_id="time-limit")


def _not_proven(summary: Summary) -> str:
    """For a result the time limit stopped: not proven, and the most it could still gain (bound less objective)."""
    if summary.status.value != "time_limit":
        return ""
    if summary.best_bound is None or summary.objective is None:
        return "; not proven, its bound unknown"
    unit = "of the objective" if summary.objective_weights else "EUR/yr"
    return f"; not proven: at most {number(max(0.0, summary.best_bound - summary.objective), 'money')} {unit} more could be gained"


def headline(summary: Summary) -> str:
    co2 = summary.co2_avoided_t_per_year
    gap = summary.mip_gap
    items = [
        ("kpi-net-savings", with_unit(summary.net_savings_eur_per_year, "EUR/yr", "money"), "net savings a year"),
        ("kpi-co2", with_unit(co2, "t/yr", "co2"), "CO2 avoided"),
    ]
    if summary.carbon_price_eur_per_t:
        items.insert(1, ("kpi-objective", with_unit(summary.objective, "EUR/yr", "money"), f"objective, with CO2 at {number(summary.carbon_price_eur_per_t)} EUR/t"))
    items += measure_cards(summary)
    items += [
        ("kpi-exchanges", f"{summary.n_exchanges:,}", "exchanges"),
        ("kpi-pools", f"{summary.n_pools:,} ({summary.n_pool_members:,} members)", "shared facilities"),
        ("kpi-status", summary.status.value, "solver status" + ("" if gap is None else f", gap {percent(gap)}") + _not_proven(summary)),
    ]
    if summary.net_savings_eur_per_year is not None:
        items.append(
            (
                "kpi-rational",
                "yes" if summary.individually_rational else "NO",
                f"every company taking part at or above zero (lowest {number(summary.min_participant_savings_eur_per_year, 'money')} EUR/yr)",
            )
        )
    return cards(items)


def measure_cards(summary: Summary) -> list[tuple[str, str, str]]:
    """A card per measure beyond savings and CO2 (land freed, truck-km, ...), from summary.json ``measures``; the
    measure's label, unit and sense from the registry (``symbiosis.measures``)."""
    totals = _measures(summary)
    return [
        (f"kpi-{m.name.replace('_', '-')}", with_unit(totals.get(m.name), m.unit, column(m.column).kind), m.label + (" (less is better)" if m.sense == "less" else ""))
        for m in others()
        if summary.measures is not None
    ]


def _measures(summary: Summary) -> dict[str, float]:
    """summary.json ``measures`` (every measure's total) where the result has them."""
    return {str(k): float(v) for k, v in (summary.measures or {}).items() if v is not None}


def estimates_line(estimates: Mapping[str, Any] | None) -> str | None:
    """The line the report and the command line say about the share of a result that rests on estimated streams (``summary.json`` ``estimates``), or None."""
    if not estimates:
        return None
    share = estimates.get("savings_share")
    head = f"{share:.0%} of the net savings" if share is not None else "none of the net savings (they are not above zero)"
    return (
        f"{head} ({estimates['savings_on_estimates_eur_per_year']:,.0f} EUR/yr, {estimates['n_matches_on_estimates']} of {estimates['n_matches']} matches) "
        f"rest on estimated streams ({estimates['n_estimated_streams']} of {estimates['n_streams']} streams, source 'estimated: ...'); "
        "confirm them with 'symbiosis intake' and 'symbiosis merge'"
    )


def estimates_banner(summary: Summary) -> str:
    said = estimates_line(summary.estimates)
    return "" if said is None else banner("Part of this result rests on estimates", [said + "."], element_id="estimates")


def problems_banner(summary: Summary) -> str:
    if summary.net_savings_eur_per_year is not None and not summary.problems:
        return ""
    title = f"No solution to show: status {summary.status.value}." if summary.net_savings_eur_per_year is None else "Problems found while solving"
    return banner(title, summary.problems, element_id="problems", bad=summary.net_savings_eur_per_year is None)


# ----------------------------------------------------------------------------- sections


def themes_section(res: ResultFiles) -> Section:
    summary = res.summary
    measures = _measures(summary)
    if "co2_t" not in measures and summary.co2_avoided_t_per_year is not None:
        measures["co2_t"] = summary.co2_avoided_t_per_year
    blocks = []
    for t in theme_totals(res.matches, summary.resources, measures):
        rows = [("exchanges", f"{t.n_exchanges:,}"), ("pool memberships", f"{t.n_memberships:,}")]
        if t.n_exchanges + t.n_memberships:
            rows.append(("savings", with_unit(t.savings_eur_per_year, "EUR/yr", "money")))
            rows += [(f"moved or shared, {unit}", number(q, "quantity")) for unit, q in sorted(t.quantities.items())]
        for m, v in t.measures.items():
            spec = MEASURES[m]
            label = spec.label + (", whole network" if m == "co2_t" else "") + (" (less is better)" if spec.sense == "less" else "")
            rows.append((label, with_unit(v, spec.unit, measure_column(m).kind)))
        slug = t.theme.name.lower().replace(" ", "-")
        body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
        cls = "theme empty" if t.empty else "theme"
        blocks.append(f'<div class="{cls}" id="theme-{slug}"><h3>{esc(t.theme.name)}</h3><p class="note">{esc(t.theme.about)}</p><dl>{body}</dl></div>')
    intro = '<p class="note">The six themes a park programme plans by; each match counts in the theme of its resource family (the mapping is in docs/report.md).</p>'
    return Section("themes", "Results by theme", intro + '<div class="themes">' + "".join(blocks) + "</div>")


def map_section(res: ResultFiles, pngs: Mapping[str, bytes], stem: str, layers: MapLayers) -> tuple[Section, dict[str, Any] | None]:
    title, caption = CAPTIONS["map"]
    if "map" not in pngs:
        return Section("map-section", title, f'<p class="note" id="no-map">{esc(NOTHING["map"])}</p>'), None
    savings = {str(r["company"]): float(r["savings_eur_per_year"]) for r in res.participants.to_dict(orient="records")}
    data = map_data(res.nodes, res.matches, res.summary.resources, savings, layers)
    context = ""
    if layers.context is not None:
        context = f'<p class="note" id="map-context-note">Grey: the context layer given with --context ({len(layers.context["features"]):,} features).</p>'
    body = (
        map_box("map", layers.tiles)
        + context
        + picture("map", title, caption, pngs["map"], [("SVG", f"{stem}_map.svg"), ("PNG", f"{stem}_map.png")], extra_class="print-only")
    )
    return Section("map-section", title, body, newpage=True), data


def picture_section(key: str, pngs: Mapping[str, bytes], stem: str) -> Section:
    title, caption = CAPTIONS[key]
    if key in pngs:
        body = picture(key, title, caption, pngs[key], [("SVG", f"{stem}_{key}.svg"), ("PNG", f"{stem}_{key}.png")])
    else:
        body = f'<p class="note" id="no-{key}">{esc(NOTHING[key])}</p>'
    return Section(f"{key}-section", title, body, newpage=key in ("savings", "flows"))


MATCH_KNOWN = {"kind", "source", "target", "supply_stream", "demand_stream", "resource", "quantity", "unit", "distance_km", "savings_eur_per_year", "co2_avoided_t_per_year", "route", "stage", "one_off_eur", "lead_time_months"}  # the last two: in matches.csv and on the roadmap page


def present(frame: pd.DataFrame, col: str) -> bool:
    """Whether a measure's column says something in this result (a column of zeros only is left off the page, not the files)."""
    values = pd.to_numeric(frame[col], errors="coerce").fillna(0.0)
    return bool((values.abs() > 1e-9).any())


def matches_section(res: ResultFiles, names: Mapping[str, str]) -> Section:
    m = res.matches.copy()
    m["source_name"] = [names.get(str(x), "") for x in m["source"]]
    m["target_name"] = [names.get(str(x), "") for x in m["target"]]
    m["q_unit"] = [quantity_unit(res, str(r), str(u)) for r, u in zip(m["resource"], m["unit"])]
    m["p_unit"] = m["unit"]
    m["streams"] = [f"{a} \u2192 {b}" if a else str(b) for a, b in zip(m["supply_stream"], m["demand_stream"])]
    extra = [c for c in res.matches.columns if c not in MATCH_KNOWN and (c.startswith("price_") or present(res.matches, c))]
    cols: list[Col | str] = [
        Col("kind"),
        Col("source", name_of="source_name"),
        Col("target", name_of="target_name"),
        Col("resource"),
        Col("quantity", unit_from="q_unit"),
        Col("distance_km"),
        Col("savings_eur_per_year"),
        Col("co2_avoided_t_per_year"),
        *(Col(c, unit_from="p_unit") if c.startswith("price_") else Col(c) for c in extra),
        Col("streams", "Streams (supply \u2192 demand)", "id", css="code"),
    ]
    m = m.sort_values(["savings_eur_per_year"], ascending=False, kind="stable")
    totals = {"savings_eur_per_year": float(m["savings_eur_per_year"].sum()), "co2_avoided_t_per_year": float(m["co2_avoided_t_per_year"].sum())}
    caption = f"{len(m):,} matches (exchanges and pool memberships), largest savings first; each exchange's savings are split evenly between its two companies"
    return Section("matches-section", "Matches", table(m, "matches-table", caption, cols, totals=totals if len(m) else None), newpage=True, wide=True)


def companies_section(res: ResultFiles, names: Mapping[str, str]) -> Section:
    c = res.companies.copy()
    sectors = {str(n.id): str(n.sector) for n in res.nodes.itertuples(index=False)}
    c["sector"] = [sectors.get(str(x), "") for x in c["company"]]
    c["display"] = [names.get(str(x), str(n)) for x, n in zip(c["company"], c["name"])]
    known = {"company", "name", "sector", "display", "savings_eur_per_year", "co2_avoided_t_per_year", "n_exchanges", "n_pools",
             "standalone_cost_eur_per_year", "cost_with_symbiosis_eur_per_year"}
    extra = [x for x in res.companies.columns if x not in known and present(res.companies, x)]
    cols: list[Col | str] = [Col("company", name_of="display"), Col("sector"), Col("n_exchanges"), Col("n_pools"), Col("savings_eur_per_year"), Col("co2_avoided_t_per_year")]
    cols += [Col(x) for x in ("standalone_cost_eur_per_year", "cost_with_symbiosis_eur_per_year") if x in c.columns] + [Col(x) for x in extra]
    part = int(((c["n_exchanges"] > 0) | (c["n_pools"] > 0)).sum())
    caption = f"{len(c):,} companies, {part:,} taking part; savings and CO2 are each company's share (exchanges split evenly, pools by the {res.summary.allocation} rule)"
    return Section("companies-section", "Companies", table(c, "companies-table", caption, cols), newpage=True)


def facilities_section(res: ResultFiles, names: Mapping[str, str]) -> Section:
    f = res.facilities.copy()
    candidates = {str(x.get("id")): str(x.get("name") or x.get("id")) for x in res.scenario.get("tables", {}).get("facilities", [])}
    built = set(f["facility"].astype(str)) if len(f) else set()
    not_built = sorted(set(candidates) - built)
    if len(f):
        f["display"] = [names.get(str(x), str(n)) for x, n in zip(f["facility"], f["name"])]
        f["unit"] = [res.summary.resources.get(str(r), {}).get("unit", "") for r in f["resource"]]
        cols = [Col("facility", name_of="display"), Col("resource"), Col("capacity", unit_from="unit"), Col("n_members"), Col("peak_load", unit_from="unit"),
                Col("cost_eur_per_year"), Col("surplus_eur_per_year")]
        caption = f"{len(f):,} shared facilities built: the size option chosen, its yearly cost (capex annualised, opex and per-unit cost) and its surplus, shared among the members"
        body = table(f, "facilities-table", caption, cols, fold=0)
    else:
        body = '<p class="note" id="no-facilities">No shared facility was built.</p>'
    if not_built:
        listed = ", ".join(f"{candidates[x]} ({x})" if candidates[x] != x else x for x in not_built)
        body += f'<p class="note" id="facilities-not-built">Candidates not built ({len(not_built):,}): {esc(listed)}.</p>'
    transport = pool_transport(res)
    if len(transport):
        transport = transport.assign(facility_name=[names.get(str(x), "") for x in transport["facility"]])
        cols2: list[Col | str] = [Col("facility", name_of="facility_name"), "demand_stream", "distance_km", "transport_eur_per_year", "membership_cost_eur_per_year",
                                  "transport_co2_t_per_year", "given_by"]
        body += "<h3>Transport to shared facilities</h3>" + table(
            transport, "pool-transport-table", f"{len(transport):,} pool members pay to reach their facility (already in their savings)", cols2
        )
    return Section("facilities-section", "Shared facilities", body)


def _setting_value(key: str, value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, (bool, str)):
        return str(value)
    if key.endswith(("rate", "mip_rel_gap")):
        return percent(value)
    return number(value)


def settings_table(settings: Mapping[str, Any]) -> str:
    """The settings as solved, each with what it means (the template's help: ``workbook.setting_help``)."""
    meaning = setting_help()
    rows = [{"key": k, "value": _setting_value(k, v), "meaning": meaning.get(k, "")} for k, v in flatten(dict(settings))]
    cols = [Col("key", "Setting", "id", css="code"), Col("value", "Value", "text"), Col("meaning", "What it means", "text")]
    return table(pd.DataFrame(rows), "settings", "The settings this result was solved with (scenario.yaml, then --set)", cols, fold=0, sortable=False)


def assumptions_section(res: ResultFiles, names: Mapping[str, str]) -> Section:
    s = res.summary
    tables = res.scenario.get("tables", {})
    streams = pd.DataFrame(tables.get("streams", []))
    resources = pd.DataFrame(tables.get("resources", []))
    body = "<h3>Settings</h3>" + settings_table(s.settings)
    if len(streams) and len(resources):
        if "source" not in streams.columns:
            streams["source"] = ""
        streams["source"] = streams["source"].fillna("").astype(str).replace("", "measured")
        for col in ("co2_kg_per_unit",):
            if col not in streams.columns:
                streams[col] = 0.0
        rows = []
        for r in resources.to_dict(orient="records"):
            mine = streams[streams["resource"] == r["id"]]
            row: dict[str, Any] = {"resource": r["id"], "family": r.get("family", ""), "unit_label": r.get("unit", ""), "pricing": r.get("pricing", ""),
                                   "transport": r.get("transport", "")}
            for direction in ("supply", "demand"):
                part = mine[mine["direction"] == direction]
                row[f"n_{direction}"] = len(part)
                prices = part["price_eur_per_unit"].astype(float) if len(part) else pd.Series(dtype=float)
                row[f"{direction}_price"] = _range(prices)
            co2 = mine["co2_kg_per_unit"].astype(float).fillna(0.0) if len(mine) else pd.Series(dtype=float)
            row["co2"] = _range(co2)
            counts = mine["source"].value_counts()
            row["sources"] = "; ".join(f"{n:,} {src}" for src, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
            rows.append(row)
        frame = pd.DataFrame(rows)
        cols = [Col("resource"), Col("family", "Family"), Col("unit_label", "Unit"), Col("pricing", "Pricing"), Col("transport", "Transport"),
                Col("n_supply", "Supplies", "count"), Col("supply_price", "Supply price (EUR/unit)", "text", css="range"),
                Col("n_demand", "Demands", "count"), Col("demand_price", "Demand price (EUR/unit)", "text", css="range"),
                Col("co2", "CO2 of today's route (kg/unit)", "text", css="range"), Col("sources", "Where the figures come from", "text")]
        body += "<h3>Prices per resource</h3>" + table(
            frame, "prices-table", f"{len(frame):,} resources: the range of the streams' prices (a supply's price is what its company pays today to get rid of a unit, negative where it earns; a demand's what its company pays today for one) and where the figures come from", cols, fold=0
        )
        estimated = streams[streams["source"].str.lower().str.startswith("estimated")]
        if len(estimated):
            est = estimated.assign(company_name=[names.get(str(x), "") for x in estimated["company"]])
            est_cols = [Col("id", "Stream", "id"), Col("company", name_of="company_name"), Col("direction", "Direction"), Col("resource"),
                        Col("quantity", "Quantity", "quantity"), Col("price_eur_per_unit", "Price (EUR/unit)", "price"), Col("source", "Source", "text")]
            body += (
                f'<h3>Estimated figures</h3><p class="note" id="estimates-note">{len(estimated):,} streams are estimates from the company register '
                '(source "estimated: ..."), not measured: confirm them with the companies (symbiosis intake) before relying on their matches.</p>'
                + table(est.reset_index(drop=True), "estimates-table", f"{len(est):,} estimated streams", est_cols, row_class=["estimated"] * len(est))
            )
        else:
            body += '<p class="note" id="estimates-note">No stream is marked as estimated: every figure is as the analyst gave it.</p>'
    if s.warnings:
        w = pd.DataFrame(s.warnings)
        body += "<h3>Warnings about the input</h3>" + table(
            w, "warnings-table", f"{len(w):,} warnings: legal but suspect input (also in summary.json)",
            [Col("file", "File", "text"), Col("row", "Row", "count"), Col("column", "Column", "text"), Col("message", "Message", "text")],
        )
    return Section("assumptions-section", "Assumptions", body, newpage=True)


def _range(values: pd.Series) -> str:
    v = values.dropna()
    if not len(v):
        return DASH
    lo, hi = float(v.min()), float(v.max())
    return number(lo, "price") if lo == hi else f"{number(lo, 'price')} to {number(hi, 'price')}"


# ----------------------------------------------------------------------------- the page


def report_html(res: ResultFiles, pngs: dict[str, bytes], stem: str = "report", layers: MapLayers | None = None) -> str:
    """The page (see the module's docstring); ``layers``: the map's optional context and tiles."""
    s = res.summary
    layers = layers or MapLayers()
    names = names_of(res)
    before = time_limit_banner(s) + problems_banner(s) + estimates_banner(s) + headline(s)
    map_sec, data = map_section(res, pngs, stem, layers)
    sections = [
        themes_section(res),
        map_sec,
        *(picture_section(k, pngs, stem) for k in FIGURES if k != "map"),
        *([progress] if (progress := progress_section(res.matches)) is not None else []),
        matches_section(res, names),
        companies_section(res, names),
        facilities_section(res, names),
        assumptions_section(res, names),
    ]
    anonymised = " Names and ids are pseudonyms (--anonymise)." if s.anonymised else ""
    subtitle = f"{STATUS_WORDS.get(s.status.value, s.status.value).capitalize()}; input hash {s.input_hash}; pools split by the {s.allocation} rule.{anonymised}"
    return page(
        s.scenario,
        "Solve report",
        sections,
        subtitle=subtitle,
        before=before,
        head=leaflet_head() if data is not None else "",
        scripts=[leaflet_script(), MAP_SCRIPT] if data is not None else [],
        data={"maps": {"map": data}} if data is not None else None,
        credits=LEAFLET_CREDIT if data is not None else "",
    )

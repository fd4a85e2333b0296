"""The pages of a Pareto front and of a set of near-optimal alternatives, in the one page system.

Drawn from the folder's own files, like the report of a result folder: ``pareto.csv`` or
``alternatives.csv`` and ``link_frequency.csv``, and the result folder of each network.

- The front: the picture, the points (labels and units), and for each step what its price
  buys: the CO2 gained, the savings given up and the matches added and dropped; a map of
  each point's network on demand (a button draws it; the page stays light and offline).
- The alternatives: the networks side by side (figures, then each one's differences from
  the optimum, then every link that is not in all of them with a mark per network), the
  robust core, and a map of each network on demand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis.io.read.results import ResultFiles, read_result
from symbiosis.io.write.columns import column
from symbiosis.io.write.page import MAP_SCRIPT, Col, Section, banner, cards, esc, leaflet_head, leaflet_script, map_data, number, page, with_unit
from symbiosis.io.write.page import table as html_table
from symbiosis.io.write.page.map import LEAFLET_CREDIT
from symbiosis.io.write.report.html import names_of
from symbiosis.measures import Measure

KEY = ["kind", "source", "target", "supply_stream", "demand_stream"]


def networks(folder: Path, names: Sequence[str]) -> dict[str, ResultFiles]:
    """The result folders of a front or a set of alternatives, by folder name (those present)."""
    return {n: read_result(folder / n) for n in names if (folder / n / "summary.json").is_file()}


def _keys(res: ResultFiles) -> dict[tuple[str, ...], dict[str, Any]]:
    m = res.matches
    return {tuple(str(r[k]) for k in KEY): r for r in m.to_dict(orient="records")}


def match_label(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """'Brewery → Dairy farm: spent_grain' (a pool membership: 'Shared car park → Office: parking (pool)')."""
    a, b = str(r["source"]), str(r["target"])
    text = f"{names.get(a, a)} \u2192 {names.get(b, b)}: {r['resource']}"
    return text + " (pool)" if r["kind"] == "pool" else text


def difference(before: ResultFiles, after: ResultFiles) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(matches in ``after`` only, matches in ``before`` only), largest savings first."""
    a, b = _keys(before), _keys(after)
    added = sorted((b[k] for k in b.keys() - a.keys()), key=lambda r: -float(r["savings_eur_per_year"]))
    dropped = sorted((a[k] for k in a.keys() - b.keys()), key=lambda r: -float(r["savings_eur_per_year"]))
    return added, dropped


def match_list(rows: Sequence[Mapping[str, Any]], names: Mapping[str, str], limit: int = 12) -> str:
    """An HTML list of matches (escaped), the first ``limit`` and how many more."""
    if not rows:
        return '<span class="note">none</span>'
    items = "".join(f"<li>{esc(match_label(r, names))} ({esc(number(r['savings_eur_per_year'], 'money'))} EUR/yr)</li>" for r in rows[:limit])
    more = f'<li class="note">and {len(rows) - limit:,} more</li>' if len(rows) > limit else ""
    return f'<ul class="matches">{items}{more}</ul>'


def all_names(nets: Mapping[str, ResultFiles]) -> dict[str, str]:
    names: dict[str, str] = {}
    for res in nets.values():
        names.update(names_of(res))
    return names


def maps_section(nets: Mapping[str, ResultFiles], labels: Mapping[str, str]) -> tuple[Section, dict[str, Any]]:
    """A map per network, each drawn when its button is pressed."""
    data: dict[str, Any] = {}
    blocks = []
    for name, res in nets.items():
        if res.nodes.empty:
            continue
        map_id = f"map-{name.replace('_', '-')}"
        savings = {str(r["company"]): float(r["savings_eur_per_year"]) for r in res.participants.to_dict(orient="records")}
        data[map_id] = map_data(res.nodes, res.matches, res.summary.resources, savings)
        blocks.append(
            f'<div class="map-demand"><button type="button" class="show-map screen-only" id="{esc(map_id)}-show">show the map of {esc(labels[name])}</button>'
            f'<div class="map-box" id="{esc(map_id)}-box" style="display:none"><div class="map-controls" id="{esc(map_id)}-controls"></div>'
            f'<div class="map" id="{esc(map_id)}" data-map="{esc(map_id)}" data-on-demand="yes"></div></div></div>'
        )
    body = '<p class="note">Each map is drawn when its button is pressed (on screen only).</p>' + "".join(blocks)
    return Section("maps", "Maps of the networks", body, toc=True), data


def _figure_html(png_b64: str, caption: str) -> str:
    return f'<figure id="fig-front"><img id="front-picture" class="chart" alt="the front" src="data:image/png;base64,{png_b64}"><figcaption>{esc(caption)}</figcaption></figure>'


def step_figures(at: pd.DataFrame, i: int, mx: Measure, my: Measure) -> tuple[float, float, float, float]:
    """The step from point i - 1 to point i: (x gained, y given up as found, lowest, highest), from where the points
    stand (``tradeoffs.front_points``: a point not proven at its floor, its y in [y, bound]).

    In "more is better" terms g: given up g_a - g_b as found; the true fronts at the two
    places lie in [g, g(bound)], so it lies in [g_a - g_b(bound), g_a(bound) - g_b], and not
    below 0 (the best y never improves as the floor rises), as ``pareto.price_range``.
    """
    a, b = at.iloc[i - 1], at.iloc[i]
    ga, gb = my.sign * float(a["low"]), my.sign * float(b["low"])
    top_a, top_b = max(ga, my.sign * float(a["high"])), max(gb, my.sign * float(b["high"]))
    found = ga - gb
    return mx.sign * (float(b["x"]) - float(a["x"])), found, min(found, max(0.0, ga - top_b)), top_a - gb


def front_page(
    folder: Path, points: pd.DataFrame, png_b64: str, note: str, axes: tuple[Measure, Measure, Mapping[str, str]], at: pd.DataFrame
) -> str:
    """The page of a pareto folder (see the module's docstring); ``axes``: the x and y measures and the
    table's column names (``tradeoffs.front_axes``); ``at``: where each point stands (``tradeoffs.front_points``).
    A step next to a point not proven is marked so, its y given up and its price shown as ranges."""
    mx, my, cols = axes
    names_of_points = [f"point_{i + 1:02d}" for i in range(len(points))]
    nets = networks(folder, names_of_points)
    names = all_names(nets)
    rows = points.to_dict(orient="records")
    per = f"{my.unit.split('/')[0]}/{mx.unit.split('/')[0]}"
    xkind, ykind = column(mx.column).kind, column(my.column).kind
    proven = at["proven"].tolist()
    steps = []
    for i in range(1, len(rows)):
        prev, nxt = nets.get(names_of_points[i - 1]), nets.get(names_of_points[i])
        added, dropped = difference(prev, nxt) if prev is not None and nxt is not None else ([], [])
        low, high, price = rows[i].get(cols["low"]), rows[i].get(cols["high"]), rows[i].get(cols["price"])
        if low is not None and high is not None and low == low and high == high and abs(high - low) > 0.5:
            shown = f"{number(low, 'money')} to {number(high, 'money')}"
        else:
            shown = number(price, "money" if price is not None and price == price and abs(price) >= 10 else "number")
        gained, given, given_low, given_high = step_figures(at, i, mx, my)
        sure = bool(proven[i - 1] and proven[i])
        steps.append(
            {
                "step": f"{rows[i - 1]['point']} \u2192 {rows[i]['point']}" + ("" if sure else " (not proven)"),
                "price": shown,
                "gained": gained,
                "given_up": given if sure or given_high - given_low <= 0.5 else f"{number(given_low, ykind)} to {number(given_high, ykind)}",
                "added": match_list(added, names),
                "dropped": match_list(dropped, names),
            }
        )
    step_cols = [Col("step", "Step (points)"), Col("price", f"Price of the step ({per})", "text"), Col("gained", f"{mx.label.capitalize()} gained ({mx.unit})", xkind),
                 Col("given_up", f"{my.label.capitalize()} given up ({my.unit})", ykind), Col("added", "Matches added", raw=True), Col("dropped", "Matches dropped", raw=True)]
    caption = f"What each step buys: from one point to the next, the {mx.label} gained for the {my.label} given up, and the matches that change"
    if not all(proven):
        caption += (
            f". A step next to a point not proven is no fact: that point stands for the front at its floor, between its {my.label} and its bound, "
            f"so its {my.label} given up and its price are ranges; its matches are those of the networks found"
        )
    steps_html = html_table(pd.DataFrame(steps), "steps", caption, step_cols, fold=0, sortable=False) if steps else '<p class="note">One point only: no step.</p>'
    point_cols: list[Col | str] = [c for c in points.columns if c not in (cols["price"], cols["low"], cols["high"])]
    ys, xs = points[my.summary_key].astype(float), points[mx.summary_key].astype(float)
    best_y = int(ys.idxmax() if my.sense == "more" else ys.idxmin())
    best_x = int(xs.idxmax() if mx.sense == "more" else xs.idxmin())
    pos = {k: i for i, k in enumerate(points.index)}

    def unsure(k: int) -> str:
        return "" if proven[pos[k]] else f"; not proven (point {rows[pos[k]]['point']} stopped by the time limit)"

    items = [
        ("front-points", f"{len(points):,}", "points on the front" + (f", {proven.count(False):,} not proven" if not all(proven) else "")),
        ("front-y", with_unit(ys[best_y], my.unit, ykind), f"{my.label} at best, at one end of the front{unsure(best_y)}"),
        ("front-x", with_unit(xs[best_x], mx.unit, xkind), f"{mx.label} at best, at the other end{unsure(best_x)}"),
    ]
    before = (banner(note, [f"Such a point is drawn at its floor as the interval from its {my.label} to its bound, and the prices of its steps as ranges."], "not-proven") if note else "") + cards(items)
    labels = {n: f"point {r['point']}" for n, r in zip(names_of_points, rows)}
    maps, data = maps_section(nets, labels)
    if (mx.name, my.name) == ("co2_t", "savings_eur"):
        title = "EUR against CO2: the Pareto front"
        intro = (
            "Each point is the network with the most net savings for its floor on CO2 avoided. The price of a step is the savings "
            "given up per extra tonne of CO2 avoided, from the point before: a carbon price at which the park would choose the next point."
        )
    else:
        title = f"{my.label.capitalize()} against {mx.label}: the Pareto front"
        intro = (
            f"Each point has {'the most' if my.sense == 'more' else 'the least'} {my.label} subject to its bound on {mx.label}; the price of a step "
            f"is the {my.label} ({my.unit}) given up per {mx.unit} of {mx.label} gained, from the point before."
        )
    sections = [
        Section("front", "The front", f'<p class="lead">{esc(intro)}</p>' + _figure_html(png_b64, f"{my.label.capitalize()} against {mx.label}; each step's price in red.")),
        Section("steps-section", "What each step buys", steps_html, newpage=True, wide=True),
        Section("points-section", "The points", html_table(points, "points", "Points of the front; each point's network is in its folder point_NN", point_cols, fold=0), wide=True),
        maps,
    ]
    return _page(title, "Trade-offs: Pareto front", sections, before, data, str(_scenario(nets)))


def alternatives_page(folder: Path, alts: pd.DataFrame, freq: pd.DataFrame, note: str) -> str:
    """The page of an alternatives folder (see the module's docstring)."""
    folders = [f"alternative_{int(a)}" for a in alts["alternative"]]
    nets = networks(folder, folders)
    names = all_names(nets)
    labels = {n: ("the optimum" if n == "alternative_0" else f"alternative {n.split('_')[1]}") for n in folders}
    optimum = nets.get("alternative_0")
    diffs = []
    for name in folders[1:]:
        if optimum is None or name not in nets:
            continue
        added, dropped = difference(optimum, nets[name])
        row = alts[alts["alternative"] == int(name.split("_")[1])].iloc[0]
        diffs.append(
            {
                "alternative": labels[name],
                "given_up": float(optimum.summary.net_savings_eur_per_year or 0.0) - float(row["net_savings_eur_per_year"]),
                "co2": float(row["co2_avoided_t_per_year"]) - float(optimum.summary.co2_avoided_t_per_year or 0.0),
                "added": match_list(added, names),
                "dropped": match_list(dropped, names),
            }
        )
    diff_cols = [Col("alternative", "Network"), Col("given_up", "Savings below the optimum (EUR/yr)", "money"), Col("co2", "CO2 against the optimum (t/yr)", "co2"),
                 Col("added", "Matches the optimum does not have", raw=True), Col("dropped", "Matches of the optimum it does without", raw=True)]
    diff_html = html_table(pd.DataFrame(diffs), "differences", "Each network against the optimum", diff_cols, fold=0, sortable=False) if diffs else ""
    # Every link not in all networks, with a mark per network.
    keysets = {n: set(_keys(r)) for n, r in nets.items()}
    rows_by_key: dict[tuple[str, ...], dict[str, Any]] = {}
    for res in nets.values():
        rows_by_key.update(_keys(res))
    varying = [k for k in rows_by_key if not all(k in s for s in keysets.values())]
    grid = []
    for k in sorted(varying, key=lambda k: (-sum(k in s for s in keysets.values()), match_label(rows_by_key[k], names))):
        grid.append({"link": match_label(rows_by_key[k], names), **{labels[n]: ("\u2713" if k in keysets[n] else "") for n in nets}})
    grid_cols = [Col("link", "Link")] + [Col(labels[n], labels[n].capitalize(), "text") for n in nets]
    grid_html = html_table(pd.DataFrame(grid), "links-side-by-side", f"{len(varying):,} links that are not in every network (\u2713: the network has it)", grid_cols) if grid else ""
    core = freq[freq["robust_core"].astype(str).str.lower() == "true"].copy()
    for f in (core, freq):
        f["source_name"] = [names.get(str(x), "") for x in f["source"]]
        f["target_name"] = [names.get(str(x), "") for x in f["target"]]
    link_cols = [Col("kind"), Col("source", name_of="source_name"), Col("target", name_of="target_name"), Col("resource"), Col("supply_stream", css="code"),
                 Col("demand_stream", css="code")]
    freq_cols = [*link_cols, Col("n_networks"), Col("share", "Share of the networks", "share"), Col("robust_core", "In every network")]
    alt_cols: list[Col | str] = [Col("alternative"), *[c for c in alts.columns if c != "alternative"]]
    items = [("alternatives-count", f"{len(alts):,}", "networks (the optimum and its alternatives)"), ("core-size", f"{len(core):,}", "matches in every network: the robust core")]
    before = (banner(note, element_id="not-proven") if note else "") + cards(items)
    maps, data = maps_section(nets, labels)
    sections = [
        Section("side-by-side", "The networks side by side", html_table(alts, "alternatives", "Networks: 0 is the optimum; each next one shares as few links as possible with those before", alt_cols, fold=0)
                + diff_html + grid_html, wide=True),
        Section("core-section", "The robust core", f'<p id="core-count">{len(core):,} matches are in every near-optimal network (the robust core).</p>'
                + html_table(core, "core", "The robust core: in every network", link_cols), newpage=True),
        Section("frequency-section", "Every link", html_table(freq, "frequency", "Every link and the number of networks that hold it", freq_cols), wide=True),
        maps,
    ]
    return _page("Near-optimal alternatives and the robust core", "Trade-offs: alternatives", sections, before, data, str(_scenario(nets)))


def _scenario(nets: Mapping[str, ResultFiles]) -> str:
    return next((r.summary.scenario for r in nets.values()), "")


def _page(title: str, kind: str, sections: list[Section], before: str, data: dict[str, Any], scenario: str) -> str:
    return page(
        title,
        kind,
        sections,
        subtitle=f"Scenario: {scenario}" if scenario else "",
        before=before,
        head=leaflet_head() if data else "",
        scripts=[leaflet_script(), MAP_SCRIPT] if data else [],
        data={"maps": data} if data else None,
        credits=LEAFLET_CREDIT if data else "",
    )


"""Writing a roadmap folder (``symbiosis roadmap RESULT --out DIR``), whole or not at all (kind ``roadmap``).

``roadmap.csv`` (one row per match, and one per facility for its capex), ``years.csv``,
``roadmap.json``, a Gantt-style picture (``roadmap.png``, ``roadmap.svg``: when each
unit starts, its lead time, and the one-offs of each year against the budget) and a
page, ``roadmap.html``, that shows them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from symbiosis.io.write.files import write_bytes_atomic, write_csv, write_json
from symbiosis.io.write.folders import write_whole_folder
from symbiosis.io.write.page import Col, Section, banner, cards, number, page, picture, table, with_unit
from symbiosis.io.write.report.figures import _figure, render

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ROADMAP_FILES = ("roadmap.csv", "years.csv", "roadmap.json", "roadmap.png", "roadmap.svg", "roadmap.html")
STAGE_COLOURS = {"realised": "#2ca02c", "agreed": "#1f77b4", "studied": "#9467bd", "proposed": "#ff7f0e"}
MAX_BARS = 40  # the picture shows the groups started first; the table has every row
CODES = ("supply_stream", "demand_stream", "route", "start_group")  # ids that may break anywhere: the table fits the page


def write_roadmap(rows: pd.DataFrame, years: pd.DataFrame, meta: Mapping[str, Any], out_dir: Path, inputs: Sequence[Path] = ()) -> Path:
    """Write the roadmap's files into ``out_dir`` (``folders.write_whole_folder``); return it."""
    png, svg = render(gantt(rows, years, meta))

    def fill(folder: Path) -> None:
        write_csv(rows, folder / "roadmap.csv")
        write_csv(years, folder / "years.csv")
        write_json(dict(meta), folder / "roadmap.json")
        write_bytes_atomic(folder / "roadmap.png", png)
        write_bytes_atomic(folder / "roadmap.svg", svg)
        write_bytes_atomic(folder / "roadmap.html", roadmap_page(rows, years, meta, png).encode("utf-8"))

    return write_whole_folder(out_dir, "roadmap", fill, inputs)


def _units(rows: pd.DataFrame) -> pd.DataFrame:
    """One line per unit: start year, earliest year, stage, one-off and savings (in file order)."""
    g = rows.groupby("start_group", sort=False)
    stages = g["stage"].agg(lambda s: next((x for x in ("realised", "agreed", "studied") if x in set(s)), "proposed"))
    return pd.DataFrame(
        {
            "year": g["year"].first(),
            "earliest": g["earliest_year"].max(),
            "stage": stages,
            "one_off": g["one_off_eur"].sum(),
            "savings": g["savings_eur_per_year"].sum(),
        }
    )


def _shown(groups: pd.DataFrame) -> pd.DataFrame:
    """The start groups the picture shows, by start year then savings: every one starting after year 0 (the schedule's
    choices), then the year-0 ones with the most savings, MAX_BARS in all."""
    started = groups[groups["year"].notna()]
    later = started[started["year"] > 0]
    now = started[started["year"] == 0].sort_values("savings", ascending=False, kind="stable")
    chosen = pd.concat([later.head(MAX_BARS), now.head(max(0, MAX_BARS - len(later)))])
    return chosen.assign(_y=chosen["year"].astype(int)).sort_values(["_y", "savings"], ascending=[True, False], kind="stable")


def gantt(rows: pd.DataFrame, years: pd.DataFrame, meta: Mapping[str, Any]) -> Figure:
    """When each start group starts (a bar from its start to the horizon, its lead time hatched before), and below,
    the one-offs started each year against the budget and the yearly savings running."""
    from matplotlib.ticker import FuncFormatter

    n = int(meta["years"])
    groups = _units(rows)
    started = _shown(groups)
    height = 1.8 + 0.28 * max(1, len(started))
    fig = _figure(8.0, height + 2.4)
    top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [height, 2.2]})
    for i, (_key, u) in enumerate(started.iterrows()):
        y = len(started) - 1 - i
        start = int(u["year"])
        if u["earliest"] > 0 and u["stage"] != "realised":
            top.barh(y, int(u["earliest"]), left=0, color="none", edgecolor="#999999", hatch="///", linewidth=0.5)
        top.barh(y, n - start, left=start, color=STAGE_COLOURS.get(str(u["stage"]), "#ff7f0e"))
        top.text(n + 0.05, y, with_unit(u["savings"], "EUR/yr", "money"), va="center", fontsize=7)
    top.set_yticks(range(len(started)), [str(k) for k in reversed(list(started.index))], fontsize=7)
    top.set_xlim(0, n * 1.3 + 1)
    top.set_xticks(range(n + 1))
    top.set_xlabel("year (0 = now); hatched: waiting for the lead time")
    left_out = int(groups["year"].isna().sum())
    hidden = len(groups) - left_out - len(started)
    fig.suptitle(
        f"Roadmap over {_years(n)}: {with_unit(meta['discounted_savings_eur'], 'EUR', 'money')} of discounted savings\n"
        f"{len(groups) - left_out} of {len(groups)} start groups started" + (f" ({hidden} more at year 0 not drawn)" if hidden > 0 else ""),
        fontsize=9,
    )
    present = set(started["stage"])
    handles = [_patch(c, s) for s, c in STAGE_COLOURS.items() if s in present]
    top.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(handles) or 1, fontsize=7, frameon=False)
    thousands = FuncFormatter(lambda v, _: number(v, "money"))
    x = years["year"].to_numpy()
    bottom.bar(x, years["one_off_eur"].to_numpy(), color="#8c564b", label="one-off costs started")
    budget = meta.get("budget_eur_per_year")
    if budget is not None:
        bottom.axhline(float(budget), color="#d62728", linestyle="--", linewidth=1, label="yearly budget")
    bottom.set_ylabel("EUR")
    bottom.yaxis.set_major_formatter(thousands)
    twin = bottom.twinx()
    twin.plot(x, years["savings_eur_per_year"].to_numpy(), color="#2ca02c", marker="o", label="savings running, EUR/yr")
    twin.set_ylabel("EUR/yr")
    twin.set_ylim(bottom=min(0.0, float(years["savings_eur_per_year"].min())))
    twin.yaxis.set_major_formatter(thousands)
    bottom.set_xticks(x)
    bottom.set_xlabel("year")
    lines = bottom.get_legend_handles_labels()
    more_lines = twin.get_legend_handles_labels()
    bottom.legend(lines[0] + more_lines[0], lines[1] + more_lines[1], loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3, fontsize=7, frameon=False)
    return fig


def _years(n: int) -> str:
    """``1 year``, ``3 years``."""
    return f"{n} year" + ("" if n == 1 else "s")


def _patch(colour: str, label: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(color=colour, label=label)


def roadmap_page(rows: pd.DataFrame, years: pd.DataFrame, meta: Mapping[str, Any], png: bytes) -> str:
    """The roadmap's page in the one page system: headline, the picture, the notes, the years and every row."""
    budget = meta.get("budget_eur_per_year")
    said = f"a yearly budget of {with_unit(budget, 'EUR', 'money')} for one-off costs" if budget is not None else "no budget limit"
    headline = cards(
        [
            ("discounted", with_unit(meta["discounted_savings_eur"], "EUR", "money"), f"discounted savings over {_years(int(meta['years']))}"),
            ("started", f"{meta['n_groups_started']} of {meta['n_groups']}", "start groups started"),
            ("running", with_unit(meta["savings_started_eur_per_year"], "EUR/yr", "money"), f"running by the last year, of the network's {number(meta['network_savings_eur_per_year'], 'money')}"),
            ("one-off", with_unit(meta["one_off_eur"], "EUR", "money"), "one-off costs started"),
        ]
    )
    notes = list(meta.get("notes", []))
    before = headline + (banner("Left out or constrained", notes, "notes", bad=meta.get("status") == "infeasible") if notes else "")
    figure = picture("roadmap", "Roadmap", f"When each start group starts (hatched: waiting for its lead time) and the one-offs of each year against the budget; {meta.get('formula')}.", png, [("SVG", "roadmap.svg"), ("PNG", "roadmap.png")])
    sections = [
        Section("picture-section", "Schedule", figure),
        Section("years-section", "Years", table(years, "years-table", f"Per year, with {said} and a discount rate of {float(meta['discount_rate']):.1%}", sortable=False, fold=0)),
        Section(
            "roadmap-section", "Matches by start year",
            table(rows, "roadmap-table", f"{len(rows):,} rows (exchanges, pool memberships, and facilities for their capex), by start year; empty: not started within the horizon",
                  [Col(c, css="code") if c in CODES else Col(c) for c in rows.columns]),
            newpage=True, wide=True,
        ),
    ]
    subtitle = f"Status {meta['status']}; {said}; input hash {meta.get('input_hash', '')}."
    return page(str(meta.get("scenario", "")), "Roadmap", sections, subtitle=subtitle, before=before)

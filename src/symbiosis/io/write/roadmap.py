"""Writing a roadmap folder (``symbiosis roadmap RESULT --out DIR``), whole or not at all (kind ``roadmap``).

``roadmap.csv`` (one row per match, and one per facility for its capex), ``years.csv``,
``roadmap.json``, a Gantt-style picture (``roadmap.png``, ``roadmap.svg``: when each
unit starts, its lead time, and the one-offs of each year against the budget) and a
page, ``roadmap.html``, that shows them.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from symbiosis.io.write.files import write_bytes_atomic, write_csv, write_json
from symbiosis.io.write.folders import write_whole_folder
from symbiosis.io.write.report.figures import _figure, render

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ROADMAP_FILES = ("roadmap.csv", "years.csv", "roadmap.json", "roadmap.png", "roadmap.svg", "roadmap.html")
STAGE_COLOURS = {"realised": "#2ca02c", "agreed": "#1f77b4", "studied": "#9467bd", "proposed": "#ff7f0e"}
MAX_BARS = 40  # the picture shows the units started first; the table has every row


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
    g = rows.groupby("unit", sort=False)
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


def gantt(rows: pd.DataFrame, years: pd.DataFrame, meta: Mapping[str, Any]) -> Figure:
    """When each unit starts (a bar from its start to the horizon, its lead time hatched before), and below,
    the one-offs started each year against the budget and the yearly savings running."""
    n = int(meta["years"])
    units = _units(rows)
    started = units[units["year"].notna()].head(MAX_BARS)
    height = 1.6 + 0.28 * max(1, len(started))
    fig = _figure(8.0, height + 2.2)
    top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [height, 2.2]})
    for i, (_key, u) in enumerate(started.iterrows()):
        y = len(started) - 1 - i
        start = int(u["year"])
        if u["earliest"] > 0 and u["stage"] != "realised":
            top.barh(y, int(u["earliest"]), left=0, color="none", edgecolor="#999999", hatch="///", linewidth=0.5)
        top.barh(y, n - start, left=start, color=STAGE_COLOURS.get(str(u["stage"]), "#ff7f0e"))
        top.text(n + 0.05, y, f"{u['savings']:,.0f} EUR/yr", va="center", fontsize=7)
    top.set_yticks(range(len(started)), [str(k) for k in reversed(list(started.index))], fontsize=7)
    top.set_xlim(0, n * 1.25)
    top.set_xticks(range(n + 1))
    top.set_xlabel("year (0 = now); hatched: waiting for the lead time")
    left_out = int(units["year"].isna().sum())
    more = f"; {len(units) - left_out - len(started)} more started" if len(units) - left_out > len(started) else ""
    top.set_title(f"Roadmap over {n} years: {meta['discounted_savings_eur']:,.0f} EUR discounted savings ({left_out} not started{more})")
    present = set(started["stage"])
    handles = [_patch(c, s) for s, c in STAGE_COLOURS.items() if s in present]
    top.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False, title="stage", title_fontsize=7)
    x = years["year"].to_numpy()
    bottom.bar(x, years["one_off_eur"].to_numpy(), color="#8c564b", label="one-off costs started")
    budget = meta.get("budget_eur_per_year")
    if budget is not None:
        bottom.axhline(float(budget), color="#d62728", linestyle="--", linewidth=1, label="yearly budget")
    bottom.set_ylabel("EUR")
    twin = bottom.twinx()
    twin.plot(x, years["savings_eur_per_year"].to_numpy(), color="#2ca02c", marker="o", label="savings running, EUR/yr")
    twin.set_ylabel("EUR/yr")
    twin.set_ylim(bottom=min(0.0, float(years["savings_eur_per_year"].min())))
    bottom.set_xticks(x)
    bottom.set_xlabel("year")
    lines = bottom.get_legend_handles_labels()
    more_lines = twin.get_legend_handles_labels()
    bottom.legend(lines[0] + more_lines[0], lines[1] + more_lines[1], loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3, fontsize=7, frameon=False)
    return fig


def _patch(colour: str, label: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(color=colour, label=label)


def _esc(x: Any) -> str:
    return html.escape("" if x is None or (isinstance(x, float) and x != x) else str(x), quote=True)


def _table(frame: pd.DataFrame, table_id: str) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    body = []
    for r in frame.itertuples(index=False):
        cells = []
        for v in r:
            if isinstance(v, float):
                cells.append(f'<td class="num">{v:,.2f}</td>' if v == v else "<td></td>")
            else:
                cells.append(f"<td>{_esc(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


CSS = (
    "body{font-family:sans-serif;margin:1.5em;max-width:1400px}table{border-collapse:collapse;font-size:12px;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:2px 6px}td.num{text-align:right}img{max-width:100%}.meta{color:#555}"
)


def roadmap_page(rows: pd.DataFrame, years: pd.DataFrame, meta: Mapping[str, Any], png: bytes) -> str:
    """The roadmap's page: its headline, the picture, the years and every row (text escaped; no script)."""
    budget = meta.get("budget_eur_per_year")
    said = f"a yearly budget of {budget:,.0f} EUR for one-off costs" if budget is not None else "no budget limit"
    notes = "".join(f"<li>{_esc(n)}</li>" for n in meta.get("notes", []))
    image = base64.b64encode(png).decode("ascii")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{_esc(meta.get('scenario'))}: roadmap</title><style>{CSS}</style></head><body>",
            f"<h1>Roadmap: {_esc(meta.get('scenario'))}</h1>",
            f'<p id="headline">Over {int(meta["years"])} years with {_esc(said)}: {meta["discounted_savings_eur"]:,.0f} EUR of discounted savings '
            f"(rate {float(meta['discount_rate']):.1%}); {meta['n_units_started']} of {meta['n_units']} units started, "
            f"{meta['savings_started_eur_per_year']:,.0f} of the network's {meta['network_savings_eur_per_year']:,.0f} EUR/yr; "
            f"status {_esc(meta['status'])}.</p>",
            f'<p class="meta">{_esc(meta.get("formula"))}</p>',
            f'<figure><img id="roadmap-picture" alt="roadmap" src="data:image/png;base64,{image}">'
            '<figcaption>Also as <a href="roadmap.svg">SVG</a> and <a href="roadmap.png">PNG</a>.</figcaption></figure>',
            f'<ul id="notes">{notes}</ul>' if notes else "",
            "<h2>Years</h2>",
            _table(years, "years-table"),
            "<h2>Matches</h2>",
            _table(rows, "roadmap-table"),
            "</body></html>",
        ]
    ) + "\n"

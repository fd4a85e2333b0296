"""Writing a sweep folder: its tables, pictures and report page, whole or not at all.

The page (``report.html``) is made in the one page system (``symbiosis.io.write.page``).
Without a grid the folder holds ``sweep.json``, ``samples.csv``,
``match_robustness.csv``, ``company_robustness.csv``, ``drivers.csv``, the pictures
(``sweep_savings``, ``sweep_matches``, ``sweep_drivers``, each PNG and SVG) and
``report.html``. With a grid it holds ``sweep.json``, ``grid.csv`` and one such folder
per point (``point-01``, ...). Everything goes to a temporary folder that then replaces
the target in one rename; a target that holds anything but an earlier sweep is left
alone (``folders.write_whole_folder``). Pictures are byte-stable (the report's style:
fixed hash salt, no date).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from symbiosis.io.write.files import write_bytes_atomic, write_csv, write_json
from symbiosis.io.write.folders import write_whole_folder
from symbiosis.io.write.page import Col, Section, banner, cards, esc, number, page, percent, picture, signed, with_unit
from symbiosis.io.write.page import table as html_table
from symbiosis.io.write.report.figures import DPI, render, style

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SWEEP_FIGURES = ("sweep_savings", "sweep_matches", "sweep_drivers")
TABLE_NAMES = ("samples", "match_robustness", "company_robustness", "drivers")
TOP_MATCHES = 25
TOP_DRIVERS = 15


@dataclass(frozen=True)
class SweepTables:
    """The tables of one point of a sweep."""

    samples: pd.DataFrame
    match_robustness: pd.DataFrame
    company_robustness: pd.DataFrame
    drivers: pd.DataFrame


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def savings_figure(samples: pd.DataFrame, base: float | None) -> Figure:
    """The distribution of the park's net savings over the solved samples, with P10/P50/P90 and the base optimum."""
    with style():
        fig = _figure(6.0, 3.2)
        ax = fig.add_subplot()
        counted = samples["counted"] == "yes" if "counted" in samples else samples["net_savings_eur_per_year"].notna()
        y = samples.loc[counted, "net_savings_eur_per_year"].dropna().to_numpy(dtype=float) / 1000.0
        left = samples.loc[~counted, "net_savings_eur_per_year"].dropna().to_numpy(dtype=float) / 1000.0
        if len(y):
            bins = np.histogram_bin_edges(np.concatenate([y, left]), bins=min(40, max(5, len(y) // 5))).tolist()
            ax.hist(y, bins=bins, color="#1f77b4", alpha=0.8, label="within the gap tolerance")
            if len(left):
                ax.hist(left, bins=bins, color="none", edgecolor="#d62728", hatch="//", label=f"stopped, not counted ({len(left)})")
            for q, name in zip(np.percentile(y, [10, 50, 90]), ("P10", "P50", "P90")):
                ax.axvline(q, color="#333333", linestyle="--", linewidth=0.8)
                ax.annotate(name, (q, 1), xycoords=("data", "axes fraction"), ha="center", va="bottom", fontsize=7)
        if base is not None:
            ax.axvline(base / 1000.0, color="#d62728", linewidth=1.2, label="base optimum")
        if base is not None or len(left):
            ax.legend(loc="upper left", frameon=False, fontsize=7)
        ax.set_xlabel("net savings, kEUR/yr")
        ax.set_ylabel("samples")
        ax.set_title("Distribution of net savings over the samples", loc="left", pad=12)
        return fig


def short_name(company: str, names: Mapping[str, str], width: int = 32) -> str:
    """A company as a picture names it: its name (the id where it has none), cut to ``width`` characters."""
    name = names.get(company) or company
    return name if len(name) <= width else name[: width - 1].rstrip() + "\u2026"


def _width(labels: Sequence[str], least: float) -> float:
    """Inches for a bar chart whose bars are labelled ``labels``: about 3.6 for the bars and what the longest label needs."""
    return min(11.0, max(least, 3.6 + 0.062 * max((len(t) for t in labels), default=0)))


def matches_figure(robust: pd.DataFrame, mode: str, names: Mapping[str, str] | None = None) -> Figure:
    """The share of samples in which each match is chosen (or pays), most robust first; companies by their names, as on the page."""
    top = robust.head(TOP_MATCHES)
    names = names or {}
    labels = [f"{short_name(str(r.source), names)} \u2192 {short_name(str(r.target), names)} ({r.resource})" for r in top.itertuples(index=False)]
    with style():
        fig = _figure(_width(labels, 6.0), 1.0 + 0.18 * max(1, len(top)))
        ax = fig.add_subplot()
        pos = np.arange(len(top))
        share = top["share_chosen"].to_numpy(dtype=float)
        err = None
        if "share_low" in top:
            err = np.vstack([share - top["share_low"].to_numpy(dtype=float), top["share_high"].to_numpy(dtype=float) - share])
        ax.barh(pos, share, color="#2ca02c", xerr=err, error_kw={"ecolor": "#333333", "elinewidth": 0.8, "capsize": 2})
        ax.set_yticks(pos, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of samples in which the match " + ("pays" if mode == "evaluate" else "is chosen") + " (bars: 95 % Wilson interval)")
        more = f" (first {TOP_MATCHES} of {len(robust)})" if len(robust) > TOP_MATCHES else ""
        fig.suptitle(f"Match robustness{more}", x=0.01, ha="left", fontweight="bold")  # over the labels too: never cut off
        return fig


def drivers_figure(drivers: pd.DataFrame, names: Mapping[str, str] | None = None) -> Figure:
    """A tornado of the inputs that drive the spread of net savings (Spearman's rho, signed); each input as written in
    uncertainty.csv (stream:field) with its company's name, as on the page."""
    top = drivers.head(TOP_DRIVERS)
    names = names or {}
    whose = [f", {short_name(str(c), names)}" if isinstance(c, str) and c else "" for c in (top["company"] if "company" in top else [""] * len(top))]
    told = (top["distinguishable"] == "yes").to_numpy() if "distinguishable" in top else np.ones(len(top), dtype=bool)
    labels = [f"{s}:{f}{w}" + ("" if ok else " (noise?)") for s, f, w, ok in zip(top["stream"], top["field"], whose, told)]
    with style():
        fig = _figure(_width(labels, 7.5), 1.2 + 0.22 * max(1, len(top)))
        ax = fig.add_subplot()
        rho = top["index"].to_numpy(dtype=float)
        pos = np.arange(len(top))
        colours = ["#1f77b4" if r >= 0 else "#d62728" for r in rho]
        err = None
        if "index_low" in top:
            low = np.nan_to_num(top["index_low"].to_numpy(dtype=float), nan=0.0)
            high = np.nan_to_num(top["index_high"].to_numpy(dtype=float), nan=0.0)
            err = np.vstack([np.maximum(rho - low, 0), np.maximum(high - rho, 0)])
        bars = ax.barh(pos, rho, color=colours, xerr=err, error_kw={"ecolor": "#333333", "elinewidth": 0.8, "capsize": 2})
        for bar, ok in zip(bars, told):
            if not ok:  # the interval holds 0: noise at this number of samples
                bar.set_alpha(0.35)
                bar.set_hatch("//")
        ax.set_yticks(pos, labels)
        ax.invert_yaxis()
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_xlim(-1, 1)
        ax.set_xlabel("Spearman's rho with net savings\n(bars: 95 % interval; hatched: holds 0, noise at this N)")
        fig.suptitle("What drives the spread: collect these data first", x=0.01, ha="left", fontweight="bold")
        return fig


def _ask(r: Any, names: Mapping[str, str]) -> str:
    """A driver as the analyst wrote it (``stream:field`` of uncertainty.csv), whose it is and where it comes from."""
    who = str(getattr(r, "company", "") or "")
    source = str(getattr(r, "source", "") or "")
    whose = f"{names.get(who, who)} ({who})" if who and names.get(who, who) != who else who
    return f"{r.stream}:{r.field}" + (f" [{source}]" if source else "") + (f": ask {whose}" if who else "")


def _driver_item(r: Any, names: Mapping[str, str]) -> str:
    interval = "" if not hasattr(r, "index_low") or r.index_low != r.index_low else f", 95 % interval {signed(r.index_low, decimals=2)} to {signed(r.index_high, decimals=2)}"
    noise = ""
    if getattr(r, "distinguishable", "yes") != "yes":
        needed = getattr(r, "samples_needed", None)
        noise = " <i>not distinguishable from noise at this number of samples</i>" + (f" (about {int(needed):,} would tell)" if needed is not None and needed == needed else "")
    return f"<li>{esc(_ask(r, names))} (rho {signed(r.index, decimals=2)}{esc(interval)}){noise}</li>"


def sweep_html(
    summary: Mapping[str, Any],
    settings: Mapping[str, Any],
    tables: SweepTables,
    pictures: Mapping[str, bytes],
    base: float | None,
    stats: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """The sweep's page in the one page system: how sure the figures are, what to measure first, the pictures and every table."""
    names = names or {}
    stats = stats or {}
    samples = tables.samples
    counted = samples["counted"] == "yes" if "counted" in samples else samples["net_savings_eur_per_year"].notna()
    y = samples.loc[counted, "net_savings_eur_per_year"].dropna().to_numpy(dtype=float)
    q = np.percentile(y, [10, 50, 90]) if len(y) else [float("nan")] * 3
    stopped = samples[samples["status"] == "time_limit"]
    solved = int(samples["net_savings_eur_per_year"].notna().sum())
    mode = str(summary["mode"])
    point = ", ".join(f"{k} = {v}" for k, v in settings.items())
    before = ""
    if len(stopped):
        gaps = stopped["mip_gap"].dropna() if "mip_gap" in stopped else pd.Series(dtype=float)
        worst = f" (gaps up to {percent(gaps.max())})" if len(gaps) else ""
        most = stats.get("most_to_gain_eur_per_year")
        gain = "" if most is None else f"; at most {number(most, 'money')} EUR/yr more could be gained in one of them"
        before += banner(
            f"{len(stopped)} of {len(samples)} samples stopped on the time limit{worst}",
            [f"Not proven{gain}; those beyond the gap tolerance are left out of every figure below unless the sweep was run with --include-stopped."],
            "stopped",
        )
    note = stats.get("base_case") or {}
    if note.get("sentence"):
        before += banner("The base case", [str(note["sentence"])], "base-case")
    robust = tables.match_robustness
    at_risk = tables.company_robustness[tables.company_robustness["share_below_zero"] > 0]
    firm = robust[robust["share_chosen"] >= 0.9]
    word = "paying" if mode == "evaluate" else "chosen"
    before += cards(
        [
            ("sweep-base", with_unit(base, "EUR/yr", "money"), "net savings of the base case"),
            ("sweep-p10", with_unit(q[0], "EUR/yr", "money"), f"P10 over the {len(y):,} samples counted (of {solved:,} solved)"),
            ("sweep-p50", with_unit(q[1], "EUR/yr", "money"), "P50 (the median)"),
            ("sweep-p90", with_unit(q[2], "EUR/yr", "money"), "P90"),
            ("sweep-firm", f"{len(firm):,} of {len(robust):,}", f"matches {word} in at least 90 % of the samples"),
            ("sweep-risk", f"{len(at_risk):,}", "companies below zero in some samples"),
        ]
    )
    top = tables.drivers[tables.drivers["index"] != 0].head(5)
    collect = "".join(_driver_item(r, names) for r in top.itertuples(index=False)) or "<li>no input moves net savings</li>"
    moving = int((tables.drivers["index"] != 0).sum())
    sep = stats.get("drivers_separate_at")
    notes = []
    if sep is not None and sep > len(y) and len(top) >= 2:
        notes.append(f"The top two drivers would separate at about {int(sep):,} samples (rough: Fisher's z of the difference).")
    notes.append(
        f"Measure: {summary['driver_measure']}. A driver whose interval holds 0 is not distinguishable from noise at this number of samples; "
        f"at 95 % each, about {0.05 * moving:.1f} of the {moving} inputs that move would look distinguishable by chance alone."
    )
    collect_html = (
        '<p class="lead">The inputs whose uncertainty moves net savings most, as written in uncertainty.csv (stream:field), whose they are '
        f"and where their figures come from:</p><ol id=\"collect\">{collect}</ol>" + "".join(f'<p class="note">{esc(n)}</p>' for n in notes)
    )
    figs = [
        picture(k, title, caption, pictures[k])
        for k, title, caption in (
            ("sweep_savings", "Net savings over the samples", "The distribution of the park's net savings over the samples counted, with P10, P50, P90 and the base optimum."),
            ("sweep_matches", "Match robustness", f"The share of samples in which each match is {word}, with its 95 % (Wilson) interval."),
            ("sweep_drivers", "Drivers", "Each uncertain input's rank correlation with net savings, with its 95 % interval; hatched: its interval holds 0."),
        )
        if k in pictures
    ]
    robust = robust.assign(source_name=[names.get(str(x), "") for x in robust["source"]], target_name=[names.get(str(x), "") for x in robust["target"]])
    match_cols: list[Col | str] = [Col("kind"), Col("source", name_of="source_name"), Col("target", name_of="target_name"), Col("resource"),
                                   *(Col(c) for c in robust.columns if c.startswith(("share", "savings_p"))), Col("supply_stream", css="code"), Col("demand_stream", css="code")]
    companies = tables.company_robustness.assign(name=[names.get(str(x), "") for x in tables.company_robustness["company"]])
    company_cols: list[Col | str] = [Col("company", name_of="name"), *(c for c in tables.company_robustness.columns if c != "company")]
    drivers = tables.drivers.assign(input=[f"{s}:{f}" for s, f in zip(tables.drivers["stream"], tables.drivers["field"])])
    if "company" in drivers:
        drivers = drivers.assign(company_name=[names.get(str(x), "") for x in drivers["company"]])
    driver_cols: list[Col | str] = [Col("rank"), Col("input", "Input (stream:field)", "id", css="code"), Col("index"),
                                    *(Col(c) for c in ("index_low", "index_high", "distinguishable", "samples_needed") if c in drivers),
                                    *([Col("company", name_of="company_name")] if "company" in drivers else []), *([Col("source", "Source")] if "source" in drivers else [])]
    sections = [
        Section("collect-section", "Collect these data first", collect_html),
        Section("pictures", "Pictures", "".join(figs), newpage=True),
        Section("match-robustness", "Match robustness", html_table(robust, "match-robustness-table", f"{len(robust):,} matches, most robust first", match_cols), wide=True),
        Section("company-robustness", "Company robustness", html_table(companies, "company-robustness-table", f"{len(companies):,} companies", company_cols), newpage=True),
        Section("drivers-section", "Drivers", html_table(drivers, "drivers-table", f"{len(drivers):,} uncertain inputs, largest influence first", driver_cols), newpage=True),
    ]
    subtitle = (
        f"{int(summary['n_samples']):,} samples (seed {int(summary['seed'])}) of {len(summary['inputs']):,} uncertain inputs, mode {mode}"
        + (f", settings {point}" if point else "")
    )
    return page(str(summary["scenario"]), "How sure are we: uncertainty", sections, subtitle=subtitle, before=before)


def _write_point(
    folder: Path,
    summary: Mapping[str, Any],
    settings: Mapping[str, Any],
    tables: SweepTables,
    base: float | None,
    report: bool,
    point: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
) -> None:
    folder.mkdir(exist_ok=True)
    for name in TABLE_NAMES:
        write_csv(getattr(tables, name), folder / f"{name}.csv")
    if not report:
        return
    figs = {
        "sweep_savings": savings_figure(tables.samples, base),
        "sweep_matches": matches_figure(tables.match_robustness, str(summary["mode"]), names),
        "sweep_drivers": drivers_figure(tables.drivers, names),
    }
    pngs = {}
    for key, fig in figs.items():
        png, svg = render(fig)
        write_bytes_atomic(folder / f"{key}.png", png)
        write_bytes_atomic(folder / f"{key}.svg", svg)
        pngs[key] = png
    write_bytes_atomic(folder / "report.html", sweep_html(summary, settings, tables, pngs, base, point, names).encode("utf-8"))


def write_sweep(
    summary: Mapping[str, Any],
    points: Sequence[tuple[Mapping[str, Any], SweepTables]],
    grid: pd.DataFrame | None,
    out_dir: Path,
    inputs: Sequence[Path] = (),
    report: bool = True,
    names: Mapping[str, str] | None = None,
) -> Path:
    """Write a sweep folder whole or not at all (``folders.write_whole_folder``); return it. ``names``: company ids to names, for the page."""
    bases = [p.get("base_net_savings_eur_per_year") for p in summary["points"]]

    def fill(folder: Path) -> None:
        write_json(dict(summary), folder / "sweep.json")
        if grid is None:
            settings, tables = points[0]
            _write_point(folder, summary, settings, tables, bases[0], report, summary["points"][0], names)
        else:
            write_csv(grid, folder / "grid.csv")
            for k, (settings, tables) in enumerate(points, start=1):
                _write_point(folder / f"point-{k:02d}", summary, settings, tables, bases[k - 1], report, summary["points"][k - 1], names)

    return write_whole_folder(out_dir, "sweep", fill, inputs)

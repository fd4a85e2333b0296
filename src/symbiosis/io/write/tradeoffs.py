"""Folders of several networks: a Pareto front or a set of alternatives, written whole or not at all.

A ``pareto`` folder holds ``pareto.csv``, ``front.png``/``front.svg``, ``report.html``
and one result folder per point (``point_01``, ...); an ``alternatives`` folder holds
``alternatives.csv``, ``link_frequency.csv``, ``report.html`` and one result folder
per network (``alternative_0`` is the optimum). ``report.html`` is drawn from the
folder's own tables (``tradeoffs_page``), like the report of a result folder.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from symbiosis.io.read.results import read_output_csv
from symbiosis.io.write.files import write_bytes_atomic, write_csv
from symbiosis.io.write.folders import write_whole_folder
from symbiosis.io.write.registry import Output, write_result_into
from symbiosis.io.write.report.figures import render, style
from symbiosis.io.write.tradeoff_pages import alternatives_page, front_page
from symbiosis.measures import MEASURES, Measure


def write_folder(
    out_dir: Path, kind: str, tables: dict[str, pd.DataFrame], networks: Sequence[tuple[str, Output]], inputs: tuple[Path, ...] = ()
) -> Path:
    """Write the tables (``name.csv``), one result folder per network, the picture and the page; whole or not at all.

    ``kind`` is ``pareto`` or ``alternatives`` (the folder's marker says it).
    """

    def fill(folder: Path) -> None:
        for name, frame in tables.items():
            write_csv(frame, folder / f"{name}.csv")
        for name, output in networks:
            write_result_into(output, folder / name)
        page, pictures = tradeoffs_page(folder)
        for name, data in pictures.items():
            write_bytes_atomic(folder / name, data)
        write_bytes_atomic(folder / "report.html", page.encode("utf-8"))

    return write_whole_folder(out_dir, kind, fill, inputs)


# The text columns of the folder's tables (the others are numbers).
TEXT_COLUMNS = {
    "pareto.csv": ("status",),
    "alternatives.csv": ("status",),
    "link_frequency.csv": ("kind", "source", "target", "supply_stream", "demand_stream", "resource", "robust_core"),
}


def _read(folder: Path, name: str) -> pd.DataFrame:
    return read_output_csv(folder / name, TEXT_COLUMNS[name])


def front_axes(table: pd.DataFrame) -> tuple[Measure, Measure, dict[str, str]]:
    """The x and y measures of a ``pareto.csv`` and its own column names, read from its columns:
    ``epsilon_<x>`` and ``implicit_price[_low|_high]_<y>_per_<x>`` (``implicit_carbon_price...``: the default
    front, net savings against CO2). The names come back by their default-front name."""
    x = next((m for m in MEASURES.values() if f"epsilon_{m.name}" in table.columns), MEASURES["co2_t"])
    if "implicit_carbon_price_eur_per_t" in table.columns:
        y = MEASURES["savings_eur"]
        price = "implicit_carbon_price_eur_per_t", "implicit_carbon_price_low_eur_per_t", "implicit_carbon_price_high_eur_per_t"
    else:
        y = next((m for m in MEASURES.values() if f"implicit_price_{m.name}_per_{x.name}" in table.columns), MEASURES["savings_eur"])
        price = tuple(f"implicit_price{k}_{y.name}_per_{x.name}" for k in ("", "_low", "_high"))  # type: ignore[assignment]
    return x, y, {"epsilon": f"epsilon_{x.name}", "price": price[0], "low": price[1], "high": price[2]}


def front_points(table: pd.DataFrame) -> pd.DataFrame:
    """Where each point of ``pareto.csv`` is drawn: x, and the interval [low, high] of y (EUR/yr by default).

    A proven point is its network: x its x, low = high its y. A point the time limit
    stopped stands for the front at its floor: x its floor, from its y to its bound (the
    best any network meeting the floor could have; its y when unknown).
    """
    mx, my, cols = front_axes(table)
    proven = (table["status"].astype(str) == "optimal").to_numpy()
    at = pd.to_numeric(table[mx.summary_key], errors="coerce").to_numpy(dtype=float)
    eps = pd.to_numeric(table[cols["epsilon"]], errors="coerce").to_numpy(dtype=float)
    low = pd.to_numeric(table[my.summary_key], errors="coerce").to_numpy(dtype=float)
    bound = pd.to_numeric(table["best_bound"], errors="coerce").to_numpy(dtype=float) if "best_bound" in table else low.copy()
    best = max if my.sense == "more" else min
    x = [c if ok or e != e else e for c, e, ok in zip(at, eps, proven)]
    high = [lo if ok or b != b else best(lo, b) for lo, b, ok in zip(low, bound, proven)]
    return pd.DataFrame({"point": table["point"].to_numpy(), "x": x, "low": low, "high": high, "proven": proven})


def _price_label(row: pd.Series, cols: dict[str, str], per: str) -> str | None:
    price = row.get(cols["price"])
    low, high = row.get(cols["low"]), row.get(cols["high"])

    def shown(v: float) -> str:
        return f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.3g}"

    if low is not None and high is not None and low == low and high == high and abs(high - low) > 0.5:
        return f"{shown(low)} to {shown(high)} {per}"
    return None if price is None or price != price else f"{shown(price)} {per}"


def staircase(a: tuple[float, float], b: tuple[float, float], mx: Measure, my: Measure) -> tuple[float, float]:
    """The corner of the staircase between two proven neighbours: the worse x and the worse y of the two.

    What the points attain is the union of the boxes of what each point is at least as good as
    (below-left of a point when both measures are more-is-better), so the boundary between two
    neighbours turns at (worse x, worse y): a corner that both points attain, never one better
    than a point. With y maximised and x a floor (CO2, land freed) the staircase drops at a
    point's own x to the next point's y; with x a ceiling (truck-km) it runs to the next x first.
    """
    worse_x = min if mx.sense == "more" else max
    worse_y = min if my.sense == "more" else max
    return worse_x(a[0], b[0]), worse_y(a[1], b[1])


def proven_runs(proven: Sequence[bool]) -> list[list[int]]:
    """The stretches of neighbouring proven points (two or more); a point not proven breaks the front there."""
    runs: list[list[int]] = []
    for i, ok in enumerate(proven):
        if ok and runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        elif ok:
            runs.append([i])
    return [r for r in runs if len(r) > 1]


def front_figure(table: pd.DataFrame) -> object:
    """y against x (net savings against CO2 avoided by default), each step labelled with its implicit price.

    Proven neighbours are joined by a straight line and by the staircase of what they attain
    (``staircase``). A point the time limit stopped is drawn as the interval from its y to its
    bound at its floor (open marker); no line or step is inferred from it, and the prices of its
    steps are ranges.
    """
    from matplotlib.figure import Figure

    mx, my, cols = front_axes(table)
    scale = 1000.0 if my.name == "savings_eur" else 1.0
    fig = Figure(figsize=(7.0, 4.2), dpi=120)
    ax = fig.add_subplot()
    pts = front_points(table)
    x = pts["x"].to_numpy(dtype=float)
    y = pts["low"].to_numpy(dtype=float) / scale
    top = pts["high"].to_numpy(dtype=float) / scale
    proven = pts["proven"].to_numpy(dtype=bool)
    for k, run in enumerate(proven_runs(proven.tolist())):
        path = [(x[run[0]], y[run[0]])]
        for i, j in itertools.pairwise(run):
            path += [staircase((x[i], y[i]), (x[j], y[j]), mx, my), (x[j], y[j])]
        ax.plot([p[0] for p in path], [p[1] for p in path], color="#bbbbbb", linewidth=1,
                label="staircase: what the points attain (no corner beats a point)" if k == 0 else None)
        ax.plot(x[run], y[run], "-", color="#1f77b4", linewidth=1.2)
    ax.plot(x[proven], y[proven], "o", color="#1f77b4", markersize=4, label="proven points" if proven.any() else None)
    if (~proven).any():
        ax.vlines(x[~proven], y[~proven], top[~proven], color="#ff7f0e", linewidth=3, alpha=0.6,
                  label=f"not proven ({int((~proven).sum())}): from its {my.label} to its bound, at its floor; no line through it")
        ax.plot(x[~proven], y[~proven], "o", markerfacecolor="white", markeredgecolor="#ff7f0e", markersize=5)
        ax.plot(x[~proven], top[~proven], "_", color="#ff7f0e", markersize=10)
    per = f"{my.unit.split('/')[0]}/{mx.unit.split('/')[0]}"
    for i in range(1, len(x)):
        label = _price_label(table.iloc[i], cols, per)
        if label is not None:
            ax.annotate(label, ((x[i - 1] + x[i]) / 2, (y[i - 1] + y[i]) / 2), fontsize=7, color="#d62728", xytext=(4, 4), textcoords="offset points")
    for i, p in enumerate(pts["point"].tolist()):
        ax.annotate(str(p), (x[i], y[i]), fontsize=7, xytext=(-8, -10), textcoords="offset points")
    ax.set_xlabel(f"{mx.label} ({mx.unit})")
    ax.set_ylabel(f"{my.label} (k{my.unit})" if scale != 1.0 else f"{my.label} ({my.unit})")
    if (mx.name, my.name) == ("co2_t", "savings_eur"):
        ax.set_title("EUR against CO2: each step's implicit carbon price in red")
    else:
        ax.set_title(f"{my.label} against {mx.label}: each step's price in red")
    ax.grid(True, linewidth=0.3)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)  # below: never over a point or a price
    fig.tight_layout()
    return fig


def not_proven_note(table: pd.DataFrame, what: str, value: str | None = None, unit: str = "EUR/yr") -> str:
    """'2 of 5 points are not proven ...; at most X EUR/yr more could be gained (point 3).', or '' when all are proven.

    ``value`` is the column the bound is of (net savings for points, the objective for
    alternatives, by default), ``unit`` its unit; the gain is |bound - value|.
    """
    stopped = table[table["status"].astype(str) != "optimal"]
    if not len(stopped):
        return ""
    if value is None:
        value = "net_savings_eur_per_year" if what == "points" else "objective"
    bound = pd.to_numeric(stopped.get("best_bound"), errors="coerce") if "best_bound" in stopped else pd.Series([float("nan")] * len(stopped))
    up = abs(bound.to_numpy(dtype=float) - pd.to_numeric(stopped[value], errors="coerce").to_numpy(dtype=float))
    name = "point" if what == "points" else "alternative"
    text = f"{len(stopped)} of {len(table)} {what} are not proven (stopped by the time limit)"
    if len(up) and all(u == u for u in up):
        k = int(up.argmax())
        text += f"; at most {max(0.0, float(up[k])):,.0f} {unit} more could be gained ({name} {stopped.iloc[k][name]})"
    else:
        text += "; for some, no bound is known"
    return text + "."


def tradeoffs_page(folder: Path) -> tuple[str, dict[str, bytes]]:
    """The page of a pareto or alternatives folder and its pictures, drawn from the folder's tables
    (``tradeoff_pages``, in the one page system)."""
    if (folder / "pareto.csv").is_file():
        table = _read(folder, "pareto.csv")
        for col in table.columns:
            if col != "status":
                table[col] = pd.to_numeric(table[col], errors="coerce")
        mx, my, cols = front_axes(table)
        with style():
            png, svg = render(front_figure(table))  # type: ignore[arg-type]
        note = not_proven_note(table, "points", my.summary_key, my.unit)
        page = front_page(folder, table, base64.b64encode(png).decode("ascii"), note, (mx, my, cols), front_points(table))
        return page, {"front.png": png, "front.svg": svg}
    table = _read(folder, "alternatives.csv")
    freq = _read(folder, "link_frequency.csv")
    return alternatives_page(folder, table, freq, not_proven_note(table, "alternatives")), {}

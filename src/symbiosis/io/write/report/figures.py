"""The report's pictures, drawn with matplotlib (Agg) from the files of a result folder.

A map of the exchanges and shared facilities, the savings of every company taking
part, the flows by resource family and the per-slot load of each shared facility of
a peak resource. ``figures`` draws those that apply; ``render`` turns one into PNG and
SVG bytes. The SVG files are byte-stable: fixed hash salt, no date, text kept as text.
matplotlib is imported on first use, so that importing the report costs nothing.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from symbiosis.geodesy import EARTH_RADIUS_KM
from symbiosis.io.read.results import ResultFiles
from symbiosis.io.write.page.map import FAMILY_ORDER
from symbiosis.io.write.page.style import FAMILY_COLOURS, OTHER_COLOUR

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FIGURES = ("map", "savings", "flows", "loads")
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180  # on the sphere of the haversine distances
DPI = 120
BY_COMPANY_LIMIT = 12  # the flow diagram groups by sector beyond this many participants
STYLE: dict[Any, Any] = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same pictures on every machine
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "svg.hashsalt": "symbiosis",
    "svg.fonttype": "none",  # text stays text in the SVG files: searchable, editable, and quicker to write
    "text.parse_math": False,  # names and ids are text: a '$' in them is no formula
    "figure.facecolor": "white",
}


def _colour(family: str) -> str:
    return FAMILY_COLOURS.get(family, OTHER_COLOUR)


def _shade(hex_colour: str, k: int, n: int) -> tuple[float, float, float]:
    """The k-th of n shades of a colour, from full to lighter (for resources of one family)."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(hex_colour)
    t = 0.55 * k / max(1, n - 1) if n > 1 else 0.0
    return (r + (1 - r) * t, g + (1 - g) * t, b + (1 - b) * t)


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")  # laid out at the PNG's dpi: text is measured once
    FigureCanvasAgg(fig)
    return fig


def local_km(lat: pd.Series, lon: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Plain equirectangular projection in km around the middle of the points (fine for a park)."""
    lat0 = (float(lat.min()) + float(lat.max())) / 2
    lon0 = (float(lon.min()) + float(lon.max())) / 2
    x = (lon - lon0) * KM_PER_DEGREE * math.cos(math.radians(lat0))
    y = (lat - lat0) * KM_PER_DEGREE
    return x, y


def map_figure(res: ResultFiles) -> Figure | None:
    """Companies and facilities by their coordinates; exchanges as arrows coloured by resource
    family and as wide as their savings; dashed lines from each facility to its members."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    nodes = res.nodes
    if nodes.empty:
        return None
    x, y = local_km(nodes["lat"], nodes["lon"])
    pos = {n: (float(a), float(b)) for n, a, b in zip(nodes["id"], x, y)}
    m = res.matches
    taking_part = set(m["source"]) | set(m["target"]) if len(m) else set()
    fig = _figure(10, 7.5)
    ax = fig.add_subplot()
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(True, color="#eeeeee", lw=0.5, zorder=0)
    companies = nodes[nodes["kind"] != "facility"]
    facilities = nodes[nodes["kind"] == "facility"]
    active = companies["id"].isin(taking_part)
    ax.scatter(x[companies.index[~active]], y[companies.index[~active]], s=14, color="#bbbbbb", zorder=2, gid="companies-other")
    ax.scatter(x[companies.index[active]], y[companies.index[active]], s=28, color="#222222", zorder=4, gid="companies-taking-part")
    for node in companies.itertuples():
        px, py = pos[node.id]
        ax.annotate(node.id, (px, py), xytext=(3, 3), textcoords="offset points", fontsize=5.5, color="#444444", zorder=6)
    families: set[str] = set()
    pools = m[m["kind"] == "pool"] if len(m) else m
    for i, row in pools.iterrows():
        if row["source"] not in pos or row["target"] not in pos:
            continue
        fam = res.family(row["resource"])
        families.add(fam)
        (x0, y0), (x1, y1) = pos[row["source"]], pos[row["target"]]
        ax.plot([x0, x1], [y0, y1], ls="--", lw=0.5, color=_colour(fam), alpha=0.35, zorder=1, gid=f"pool-{i}")
    fac_family: dict[str, str] = {}
    for row in pools.itertuples():
        fac_family.setdefault(row.source, res.family(row.resource))
    for node in facilities.itertuples():
        px, py = pos[node.id]
        ax.scatter([px], [py], marker="s", s=90, color=_colour(fac_family.get(node.id, "")), edgecolors="black", linewidths=0.8, zorder=5, gid=f"facility-{node.id}")
        ax.annotate(node.id, (px, py), xytext=(5, -9), textcoords="offset points", fontsize=7, fontweight="bold", zorder=6)
    exchanges = m[m["kind"] == "exchange"] if len(m) else m
    if len(exchanges):
        # One arrow per pair of companies and family (as the interactive map), as wide as their savings together.
        bundles: dict[tuple[str, str, str], list[Any]] = {}
        for row in exchanges.itertuples(index=False):
            if row.source not in pos or row.target not in pos:
                continue
            fam = res.family(row.resource)
            families.add(fam)
            a, b = sorted((str(row.source), str(row.target)))
            bundles.setdefault((a, b, fam), []).append(row)
        top = max([max(sum(float(r.savings_eur_per_year) for r in rows), 0.0) for rows in bundles.values()] or [0.0]) or 1e-9
        pair_count: dict[tuple[str, str], int] = {}
        order = sorted(bundles, key=lambda k: (sum(float(r.savings_eur_per_year) for r in bundles[k]), k))
        for i, key in enumerate(order):
            rows = bundles[key]
            a, b, fam = key
            forward = {(str(r.source), str(r.target)) for r in rows}
            start_at, end_at = (a, b) if (a, b) in forward else (b, a)
            k = pair_count.get((a, b), 0)
            pair_count[(a, b)] = k + 1
            lw = 0.7 + 4.3 * math.sqrt(max(sum(float(r.savings_eur_per_year) for r in rows), 0.0) / top)
            arrow = FancyArrowPatch(
                pos[start_at],
                pos[end_at],
                arrowstyle="<|-|>" if len(forward) > 1 else "-|>",
                mutation_scale=7 + 1.5 * lw,
                connectionstyle=f"arc3,rad={0.12 + 0.1 * k}",
                color=_colour(fam),
                lw=lw,
                alpha=0.85,
                shrinkA=3,
                shrinkB=4,
                zorder=3,
                gid=f"exchange-{i}",
            )
            ax.add_patch(arrow)
    handles = [Line2D([], [], color=_colour(f), lw=2.5, label=f) for f in sorted(families, key=_family_key)]
    handles += [
        Line2D([], [], ls="", marker="o", color="#222222", ms=5, label="company taking part"),
        Line2D([], [], ls="", marker="o", color="#bbbbbb", ms=4, label="other company"),
    ]
    if len(facilities):
        handles += [
            Line2D([], [], ls="", marker="s", color="white", markeredgecolor="black", ms=7, label="shared facility"),
            Line2D([], [], ls="--", color="#777777", lw=0.8, label="pool membership"),
        ]
    title = "one arrow per pair and family;\nwidth ~ their savings" if len(exchanges) else None
    fig.legend(handles=handles, loc="outside right upper", fontsize=7, frameon=False, title=title, title_fontsize=7)
    ax.set_xlabel("km east of the centre")
    ax.set_ylabel("km north of the centre")
    n_ex, n_pools = res.summary.n_exchanges, res.summary.n_pools
    ax.set_title(f"{_count(n_ex, 'exchange')} and {_count(n_pools, 'shared facility', 'shared facilities')}")
    return fig


def _family_key(family: str) -> tuple[int, str]:
    return (FAMILY_ORDER.index(family) if family in FAMILY_ORDER else len(FAMILY_ORDER), family)


def savings_table(res: ResultFiles) -> pd.DataFrame:
    """The companies taking part, largest savings first (ties by id): the rows of the savings chart."""
    part = res.participants
    for col in ("standalone_cost_eur_per_year", "cost_with_symbiosis_eur_per_year"):  # absent from older results
        if col not in part.columns:
            part = part.assign(**{col: float("nan")})
    return part.sort_values(["savings_eur_per_year", "company"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _label(name: str, ident: str, width: int = 34) -> str:
    name = name.strip()
    if not name or name == ident:
        return ident
    if len(name) > width:
        name = name[: width - 1].rstrip() + "\u2026"
    return f"{name} ({ident})"


def savings_figure(res: ResultFiles) -> Figure | None:
    """Per company taking part: cost today (stand-alone) beside cost with symbiosis."""
    import numpy as np

    table = savings_table(res)
    if table.empty:
        return None
    n = len(table)
    fig = _figure(10, max(2.4, 0.34 * n + 1.3))
    ax = fig.add_subplot()
    ypos = np.arange(n)
    before = table["standalone_cost_eur_per_year"].to_numpy(dtype=float)
    after = table["cost_with_symbiosis_eur_per_year"].to_numpy(dtype=float)
    ax.barh(ypos - 0.2, before, height=0.38, color="#b0b0b0", label="stand-alone cost (today)", gid="bars-standalone")
    ax.barh(ypos + 0.2, after, height=0.38, color="#2a9d8f", label="cost with symbiosis", gid="bars-with-symbiosis")
    ax.set_yticks(ypos, [_label(str(r.name), str(r.company)) for r in table.itertuples()])
    ax.set_ylim(n - 0.5, -0.5)  # largest first, at the top
    ax.axvline(0, color="black", lw=0.6)
    right = float(np.nanmax(np.concatenate([before, after, [0.0]])))
    for k, r in enumerate(table.itertuples()):
        ax.annotate(
            f"saves {r.savings_eur_per_year:,.0f}" if r.savings_eur_per_year >= 0 else f"loses {-r.savings_eur_per_year:,.0f}",
            (max(float(np.nan_to_num(before[k])), float(np.nan_to_num(after[k])), 0.0), k),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=6.5,
            color="#1d6b61",
        )
    ax.set_xlim(right=right * 1.18 if right > 0 else None)
    ax.xaxis.set_major_formatter(_thousands())
    ax.set_xlabel("EUR per year")
    ax.set_title(f"Savings of the {n} companies taking part, largest first")
    fig.legend(loc="outside upper center", ncols=2, fontsize=7, frameon=False)
    ax.grid(True, axis="x", color="#eeeeee", lw=0.5)
    ax.set_axisbelow(True)
    return fig


def _thousands() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{v:,.0f}")


@dataclass
class FlowPanel:
    """The flows of one resource family in one unit: (left, right, resource, quantity) rows."""

    family: str
    unit: str
    flows: list[tuple[str, str, str, float]] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(q for *_, q in self.flows)


def flow_panels(res: ResultFiles) -> tuple[list[FlowPanel], str]:
    """Quantities moved, by resource family and unit (quantities of different units are never added).

    Flows run from the supplying company (or the shared facility, for pools) to the
    receiving company; with more than ``BY_COMPANY_LIMIT`` companies taking part they
    are grouped by sector. Returns the panels and 'company' or 'sector'.
    """
    m = res.matches
    if m.empty:
        return [], "company"
    info = {r.id: r for r in res.nodes.itertuples()}
    by = "company" if len(set(m["source"]) | set(m["target"])) <= BY_COMPANY_LIMIT else "sector"

    def name(node: str, facility: bool) -> str:
        r = info.get(node)
        if facility:  # the source of a pool membership
            return f"shared: {r.name if r is not None and r.name else node}"
        if by == "sector":
            return (r.sector if r is not None and r.sector else "(no sector)")
        return _label(r.name if r is not None else node, node, 24)

    sums: dict[tuple[str, str], dict[tuple[str, str, str], float]] = {}
    for row in m.itertuples():
        q = float(row.quantity)
        if not q > 0:
            continue  # a required link that carries nothing
        key = (res.family(row.resource), str(row.unit))
        left = name(row.source, row.kind == "pool")
        right = name(row.target, False)
        cell = sums.setdefault(key, {})
        cell[(left, right, row.resource)] = cell.get((left, right, row.resource), 0.0) + q
    panels = []
    for (fam, unit) in sorted(sums, key=lambda k: (_family_key(k[0]), k[1])):
        flows = [(left, right, resource, q) for (left, right, resource), q in sorted(sums[(fam, unit)].items())]
        panels.append(FlowPanel(fam, unit, flows))
    return panels, by


def _order(flows: list[tuple[str, str, str, float]], side: int) -> list[tuple[str, float]]:
    totals: dict[str, float] = {}
    for f in flows:
        node = str(f[side])  # side 0 or 1: a node's label
        totals[node] = totals.get(node, 0.0) + f[3]
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def _alluvial(ax: Axes, panel: FlowPanel) -> None:
    """Draw one panel: nodes as bars on both sides, flows as bands as wide as the quantity."""
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path as MPath

    left, right = _order(panel.flows, 0), _order(panel.flows, 1)
    total = panel.total
    gap = 0.035
    scale = min((1 - gap * (len(side) - 1)) / total for side in (left, right))

    def layout(side: list[tuple[str, float]]) -> dict[str, float]:
        height = sum(q for _, q in side) * scale + gap * (len(side) - 1)
        top = 0.5 + height / 2
        tops = {}
        for node, q in side:
            tops[node] = top
            top -= q * scale + gap
        return tops

    ltop, rtop = layout(left), layout(right)
    xl, xr, w = 0.30, 0.70, 0.012
    resources = sorted({f[2] for f in panel.flows})
    colours = {r: _shade(_colour(panel.family), k, len(resources)) for k, r in enumerate(resources)}
    lcur, rcur = dict(ltop), dict(rtop)
    rank_l = {n: k for k, (n, _) in enumerate(left)}
    rank_r = {n: k for k, (n, _) in enumerate(right)}
    for k, (a, b, resource, q) in enumerate(sorted(panel.flows, key=lambda f: (rank_l[f[0]], rank_r[f[1]], f[2]))):
        h = q * scale
        y0, y1 = lcur[a], rcur[b]
        lcur[a] -= h
        rcur[b] -= h
        xm = (xl + w + xr) / 2
        verts = [
            (xl + w, y0), (xm, y0), (xm, y1), (xr, y1),
            (xr, y1 - h), (xm, y1 - h), (xm, y0 - h), (xl + w, y0 - h),
            (xl + w, y0),
        ]
        codes = [MPath.MOVETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.LINETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.CLOSEPOLY]
        ax.add_patch(PathPatch(MPath(verts, codes), facecolor=colours[resource], edgecolor="none", alpha=0.75, gid=f"band-{panel.family}-{k}"))
    for side, tops, x, ha, dx in ((left, ltop, xl, "right", -0.008), (right, rtop, xr, "left", w + 0.008)):
        for node, q in side:
            ax.add_patch(Rectangle((x, tops[node] - q * scale), w, q * scale, color="#333333"))
            ax.text(x + dx, tops[node] - q * scale / 2, f"{node}  {_quantity(q)} {panel.unit}", ha=ha, va="center", fontsize=6.5)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.axis("off")
    ax.set_title(f"{panel.family or 'other'}: {_quantity(total)} {panel.unit} in all", loc="left")
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=colours[r], label=r) for r in resources], loc="upper right", bbox_to_anchor=(1.0, 1.0), fontsize=6.5, frameon=False)


def _quantity(q: float) -> str:
    """A quantity for a label: whole numbers without decimals, small ones with a few."""
    if abs(q) >= 100 or abs(q - round(q)) < 1e-9:
        return f"{q:,.0f}"
    return f"{q:,.1f}" if abs(q) >= 10 else f"{q:,.2f}"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def flows_figure(res: ResultFiles) -> Figure | None:
    """Sankey-style flow diagram of the quantities exchanged or pooled, one panel per family and unit."""
    panels, by = flow_panels(res)
    if not panels:
        return None
    heights = [max(1.5, 0.3 * max(len(_order(p.flows, 0)), len(_order(p.flows, 1))) + 0.6) for p in panels]
    fig = _figure(10, sum(heights) + 0.5)
    axes = fig.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    for ax, panel in zip(axes, panels):
        _alluvial(ax, panel)
    fig.suptitle(f"Quantities per year by resource family, from supplier (left) to receiver (right), by {by}", fontsize=9)
    return fig


def load_facilities(res: ResultFiles) -> list[tuple[dict[str, Any], pd.DataFrame]]:
    """The facilities built for peak resources, each with its per-slot loads (in slot order)."""
    out: list[tuple[dict[str, Any], pd.DataFrame]] = []
    if res.facilities.empty or res.facility_loads.empty:
        return out
    for fac in res.facilities.to_dict(orient="records"):
        loads = res.facility_loads[res.facility_loads["facility"] == fac["facility"]]
        pricing = res.pricing(fac["resource"])
        if loads.empty or not (pricing == "peak" or (pricing == "" and len(loads) > 1)):
            continue
        out.append((fac, loads.reset_index(drop=True)))
    return out


def loads_figure(res: ResultFiles) -> Figure | None:
    """Per-slot load of each shared facility of a peak resource, against its capacity."""
    facs = load_facilities(res)
    if not facs:
        return None
    fig = _figure(10, 2.7 * len(facs) + 0.3)
    axes = fig.subplots(len(facs), 1, squeeze=False)[:, 0]
    units = res.summary.resources
    for ax, (fac, loads) in zip(axes, facs):
        n = len(loads)
        unit = units.get(fac["resource"], {}).get("unit", "")
        colour = _colour(res.family(fac["resource"]))
        ax.bar(range(n), loads["load"], color=colour, width=0.8, gid=f"load-{fac['facility']}", label="load")
        capacity = float(loads["capacity"].max())
        ax.axhline(capacity, color="#c0392b", ls="--", lw=1.2, label=f"capacity {_quantity(capacity)} {unit}", gid=f"capacity-{fac['facility']}")
        ax.set_xticks(range(n), list(loads["slot"]), rotation=90 if n > 12 else 0, fontsize=6 if n > 24 else 7)
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(0, max(capacity, float(loads["load"].max())) * 1.12)
        ax.set_ylabel(unit)
        peak = float(loads["load"].max())
        ax.set_title(f"{fac['name'] or fac['facility']} ({fac['facility']}): peak {_quantity(peak)} of {_quantity(capacity)} {unit}, {int(fac['n_members'])} members", loc="left")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
        ax.grid(True, axis="y", color="#eeeeee", lw=0.5)
        ax.set_axisbelow(True)
    return fig


@contextmanager
def style() -> Iterator[None]:
    """matplotlib's defaults plus ours, whatever the user's matplotlibrc; warnings stay here."""
    import matplotlib as mpl
    import matplotlib.style

    with warnings.catch_warnings(), matplotlib.style.context("default"), mpl.rc_context(STYLE):
        warnings.simplefilter("ignore")
        yield


def figures(res: ResultFiles) -> dict[str, Figure]:
    """The report's pictures that apply to this result, by name (see ``FIGURES``)."""
    with style():
        made = {"map": map_figure(res), "savings": savings_figure(res), "flows": flows_figure(res), "loads": loads_figure(res)}
    return {k: v for k, v in made.items() if v is not None}


def render(fig: Figure) -> tuple[bytes, bytes]:
    """A figure as PNG and as SVG bytes (the SVG without date, with stable ids)."""
    png, svg = io.BytesIO(), io.BytesIO()
    with style():
        # Lay the figure out once, then keep that layout for both formats (each
        # savefig would otherwise run the layout engine again).
        fig.draw_without_rendering()
        fig.set_layout_engine("none")
        fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return png.getvalue(), svg.getvalue()



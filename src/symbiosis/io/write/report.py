"""The analyst's report: one self-contained HTML page made from a result folder.

``read_result`` reads a folder written by ``symbiosis solve``; ``figures`` draws the
pictures with matplotlib (Agg): a map of the exchanges and shared facilities, the
savings of every company taking part, the flows by resource family and the per-slot
load of each shared facility of a peak resource; ``report_html`` puts them, the
headline figures and sortable tables of matches and companies into one HTML page
that opens offline (pictures embedded as base64 PNG, a few lines of inline script,
no external files, fonts or tiles). ``write_report`` writes the page and the
pictures as PNG and SVG beside it, each file whole or not at all.

Everything here is a pure function of the files, so the same result folder gives the
same report: the SVG files are byte-stable (fixed hash salt, no date), and no time or
path of the run goes into the page.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from symbiosis.economics import EARTH_RADIUS_KM
from symbiosis.errors import OutputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FIGURES = ("map", "savings", "flows", "loads")
FAMILY_ORDER = ("material", "energy", "water", "space", "parking", "service")
FAMILY_COLOURS = {
    "material": "#8c564b",
    "energy": "#d62728",
    "water": "#1f77b4",
    "space": "#9467bd",
    "parking": "#555555",
    "service": "#2ca02c",
}
OTHER_COLOUR = "#17becf"
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180  # on the sphere of the haversine distances
DPI = 120
BY_COMPANY_LIMIT = 12  # the flow diagram groups by sector beyond this many participants
STYLE = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same pictures on every machine
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "svg.hashsalt": "symbiosis",
    "svg.fonttype": "none",  # text stays text in the SVG files: searchable, editable, and quicker to write
    "text.parse_math": False,  # names and ids are text: a '$' in them is no formula
    "figure.facecolor": "white",
}
TEXT = {
    "matches.csv": ["kind", "source", "target", "supply_stream", "demand_stream", "resource", "unit"],
    "companies.csv": ["company", "name"],
    "facilities.csv": ["facility", "name", "resource", "members"],
    "facility_loads.csv": ["facility", "slot"],
}


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ResultFiles:
    """The files of a result folder that the report uses."""

    summary: dict[str, Any]
    matches: pd.DataFrame
    companies: pd.DataFrame
    facilities: pd.DataFrame
    loads: pd.DataFrame
    nodes: pd.DataFrame  # id, kind, name, sector, lat, lon (companies and facilities built)

    def family(self, resource: str) -> str:
        """The resource family of a resource, from summary.json ('' when unknown)."""
        return str(self.summary.get("resources", {}).get(resource, {}).get("family", ""))

    def pricing(self, resource: str) -> str:
        return str(self.summary.get("resources", {}).get(resource, {}).get("pricing", ""))

    @property
    def participants(self) -> pd.DataFrame:
        """Rows of companies.csv of the companies taking part (an exchange or a pool)."""
        c = self.companies
        return c[(c["n_exchanges"] > 0) | (c["n_pools"] > 0)]


def _csv(folder: Path, name: str, required: bool = True) -> pd.DataFrame:
    path = folder / name
    if not path.is_file():
        if required:
            raise OutputError(f"'{folder}' holds no {name}; is it a complete result folder?")
        return pd.DataFrame()
    try:
        frame = pd.read_csv(path, dtype={c: str for c in TEXT.get(name, [])}, keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise OutputError(f"{path}: cannot be read as CSV ({exc})") from None
    for col in TEXT.get(name, []):
        if col in frame.columns:
            frame[col] = frame[col].fillna("")
    return frame


def read_result(result_dir: str | Path) -> ResultFiles:
    """Read the files of a result folder; ``OutputError`` names what is missing or unreadable."""
    folder = Path(result_dir)
    if not (folder / "summary.json").is_file():
        raise OutputError(f"'{folder}' holds no summary.json; is it a result folder?")
    docs = {}
    for name in ("summary.json", "network.json"):
        try:
            docs[name] = json.loads((folder / name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise OutputError(f"'{folder}' holds no {name}; is it a complete result folder?") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise OutputError(f"{folder / name}: cannot be read as JSON ({exc})") from None
    matches = _csv(folder, "matches.csv")
    companies = _csv(folder, "companies.csv")
    for col in ("standalone_cost_eur_per_year", "cost_with_symbiosis_eur_per_year"):
        if col not in companies.columns:
            companies[col] = float("nan")
    nodes = pd.DataFrame(
        [
            {
                "id": str(n.get("id")),
                "kind": str(n.get("kind", "company")),
                "name": str(n.get("name", "") or ""),
                "sector": str(n.get("sector", "") or ""),
                "lat": float(n["lat"]),
                "lon": float(n["lon"]),
            }
            for n in docs["network.json"].get("nodes", [])
            if n.get("lat") is not None and n.get("lon") is not None
        ],
        columns=["id", "kind", "name", "sector", "lat", "lon"],
    )
    return ResultFiles(
        summary=docs["summary.json"],
        matches=matches,
        companies=companies,
        facilities=_csv(folder, "facilities.csv", required=False),
        loads=_csv(folder, "facility_loads.csv", required=False),
        nodes=nodes,
    )


# --------------------------------------------------------------------------- figures


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
        ax.plot([x0, x1], [y0, y1], ls="--", lw=0.7, color=_colour(fam), alpha=0.6, zorder=1, gid=f"pool-{i}")
    fac_family = {}
    for row in pools.itertuples():
        fac_family.setdefault(row.source, res.family(row.resource))
    for node in facilities.itertuples():
        px, py = pos[node.id]
        ax.scatter([px], [py], marker="s", s=90, color=_colour(fac_family.get(node.id, "")), edgecolors="black", linewidths=0.8, zorder=5, gid=f"facility-{node.id}")
        ax.annotate(node.id, (px, py), xytext=(5, -9), textcoords="offset points", fontsize=7, fontweight="bold", zorder=6)
    exchanges = m[m["kind"] == "exchange"] if len(m) else m
    if len(exchanges):
        top = max(float(exchanges["savings_eur_per_year"].clip(lower=0).max()), 1e-9)
        pair_count: dict[frozenset[str], int] = {}
        for i, row in exchanges.sort_values("savings_eur_per_year", kind="stable").iterrows():
            if row["source"] not in pos or row["target"] not in pos:
                continue
            fam = res.family(row["resource"])
            families.add(fam)
            pair = frozenset((row["source"], row["target"]))
            k = pair_count.get(pair, 0)
            pair_count[pair] = k + 1
            lw = 0.7 + 4.3 * math.sqrt(max(float(row["savings_eur_per_year"]), 0.0) / top)
            arrow = FancyArrowPatch(
                pos[row["source"]],
                pos[row["target"]],
                arrowstyle="-|>",
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
    title = "arrow width ~ savings" if len(exchanges) else None
    fig.legend(handles=handles, loc="outside right upper", fontsize=7, frameon=False, title=title, title_fontsize=7)
    ax.set_xlabel("km east of the centre")
    ax.set_ylabel("km north of the centre")
    n_ex, n_pools = int(res.summary.get("n_exchanges", len(exchanges))), int(res.summary.get("n_pools", len(facilities)))
    ax.set_title(f"{_count(n_ex, 'exchange')} and {_count(n_pools, 'shared facility', 'shared facilities')}")
    return fig


def _family_key(family: str) -> tuple[int, str]:
    return (FAMILY_ORDER.index(family) if family in FAMILY_ORDER else len(FAMILY_ORDER), family)


def savings_table(res: ResultFiles) -> pd.DataFrame:
    """The companies taking part, largest savings first (ties by id): the rows of the savings chart."""
    part = res.participants
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
        totals[f[side]] = totals.get(f[side], 0.0) + f[3]
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
    out = []
    if res.facilities.empty or res.loads.empty:
        return out
    for fac in res.facilities.to_dict(orient="records"):
        loads = res.loads[res.loads["facility"] == fac["facility"]]
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
    units = res.summary.get("resources", {})
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
def _style() -> Iterator[None]:
    """matplotlib's defaults plus ours, whatever the user's matplotlibrc; warnings stay here."""
    import matplotlib as mpl
    import matplotlib.style

    with warnings.catch_warnings(), matplotlib.style.context("default"), mpl.rc_context(STYLE):
        warnings.simplefilter("ignore")
        yield


def figures(res: ResultFiles) -> dict[str, Figure]:
    """The report's pictures that apply to this result, by name (see ``FIGURES``)."""
    with _style():
        made = {"map": map_figure(res), "savings": savings_figure(res), "flows": flows_figure(res), "loads": loads_figure(res)}
    return {k: v for k, v in made.items() if v is not None}


def render(fig: Figure) -> tuple[bytes, bytes]:
    """A figure as PNG and as SVG bytes (the SVG without date, with stable ids)."""
    png, svg = io.BytesIO(), io.BytesIO()
    with _style():
        # Lay the figure out once, then keep that layout for both formats (each
        # savefig would otherwise run the layout engine again).
        fig.draw_without_rendering()
        fig.set_layout_engine("none")
        fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return png.getvalue(), svg.getvalue()


# --------------------------------------------------------------------------- the page


DASH = "\u2013"


def _money(x: Any) -> str:
    return DASH if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.0f}"


def _esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _cell(value: Any, column: str) -> tuple[str, str]:
    """(shown text, sort value) of a table cell."""
    if isinstance(value, str):
        return value, value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "", ""
    if isinstance(value, (bool,)):
        return str(value), str(int(value))
    if isinstance(value, int) or (hasattr(value, "dtype") and getattr(value, "dtype").kind in "iu"):
        return f"{int(value):,}", repr(int(value))
    v = float(value)
    shown = f"{v:,.0f}" if "eur" in column else f"{v:,.2f}"
    return shown, repr(v)


def _table(frame: pd.DataFrame, table_id: str, caption: str) -> str:
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    head = "".join(
        f'<th data-type="{"number" if c in numeric else "text"}" title="click to sort">{_esc(c)}</th>' for c in frame.columns
    )
    rows = []
    for rec in frame.itertuples(index=False):
        cells = []
        for c, v in zip(frame.columns, rec):
            shown, key = _cell(v, c)
            cls = ' class="num"' if c in numeric else ""
            cells.append(f'<td{cls} data-value="{_esc(key)}">{_esc(shown)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table id="{table_id}" class="sortable"><caption>{_esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>"
    )


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1200px;padding:0 1.5rem 3rem;color:#222;line-height:1.4}
h1{margin:1.2rem 0 .2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.meta{color:#666;font-size:.9rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin-top:1rem}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;min-width:10rem;background:#fafafa}
.card .value{font-size:1.45rem;font-weight:600}.card .label{color:#666;font-size:.85rem}
.warn{background:#fff4e5;border:1px solid #f0b35b;border-radius:6px;padding:.6rem .9rem;margin-top:1rem}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#666;font-size:.85rem}
table{border-collapse:collapse;font-size:.8rem;margin-top:.5rem;width:100%}
caption{text-align:left;color:#666;padding-bottom:.3rem}
th,td{border-bottom:1px solid #e5e5e5;padding:.25rem .45rem;text-align:left;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f3f3f3;cursor:pointer;position:sticky;top:0;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
.scroll{max-height:40rem;overflow:auto;border:1px solid #eee}
footer{margin-top:3rem;color:#888;font-size:.8rem}
"""

SCRIPT = """
(function () {
  document.querySelectorAll("img.chart").forEach(function (img) {
    function mark() { img.setAttribute("data-rendered", img.naturalWidth > 0 ? "yes" : "no"); }
    if (img.complete) { mark(); } else {
      img.addEventListener("load", mark);
      img.addEventListener("error", function () { img.setAttribute("data-rendered", "no"); console.error("picture did not load: " + img.id); });
    }
  });
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute("aria-sort") !== "ascending";
        var num = th.getAttribute("data-type") === "number";
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-value"), y = b.cells[col].getAttribute("data-value");
          var c = num ? ((x === "" ? -Infinity : parseFloat(x)) - (y === "" ? -Infinity : parseFloat(y)) || 0) : x.localeCompare(y);
          return asc ? c : -c;
        });
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
"""

CAPTIONS = {
    "map": (
        "Map",
        "Companies and shared facilities by their coordinates (km from the centre of the park). Arrows are exchanges, "
        "coloured by resource family and as wide as their savings; dashed lines join each shared facility to its members.",
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


def _headline(summary: dict[str, Any]) -> str:
    gap = summary.get("mip_gap")
    co2 = summary.get("co2_avoided_t_per_year")
    cards = [
        ("kpi-net-savings", f"{_money(summary.get('net_savings_eur_per_year'))} EUR/yr", "net savings"),
        ("kpi-co2", f"{DASH if co2 is None else f'{co2:,.1f}'} t/yr", "CO2 avoided"),
        ("kpi-exchanges", str(summary.get("n_exchanges", DASH)), "exchanges"),
        ("kpi-pools", f"{summary.get('n_pools', DASH)} ({summary.get('n_pool_members', 0)} members)", "shared facilities"),
        ("kpi-status", str(summary.get("status", DASH)), "solver status" + ("" if gap is None else f", gap {gap:.4%}")),
    ]
    if summary.get("carbon_price_eur_per_t"):
        cards.insert(
            1, ("kpi-objective", f"{_money(summary.get('objective'))} EUR/yr", f"objective, with CO2 at {summary['carbon_price_eur_per_t']:g} EUR/t")
        )
    if summary.get("individually_rational") is not None and summary.get("net_savings_eur_per_year") is not None:
        cards.append(
            (
                "kpi-rational",
                "yes" if summary.get("individually_rational") else "NO",
                f"every company taking part at or above zero (lowest {_money(summary.get('min_participant_savings_eur_per_year'))} EUR/yr)",
            )
        )
    return '<section id="headline" class="cards">' + "".join(
        f'<div class="card" id="{i}"><div class="value">{_esc(v)}</div><div class="label">{_esc(label)}</div></div>' for i, v, label in cards
    ) + "</section>"


def report_html(res: ResultFiles, pngs: dict[str, bytes], stem: str = "report") -> str:
    """The page: headline figures, the pictures (embedded), and sortable tables."""
    from symbiosis import __version__

    s = res.summary
    name = s.get("scenario", "symbiosis result")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(name)}: symbiosis report</title>",
        f"<style>{CSS}</style></head><body>",
        f"<header><h1>{_esc(name)}</h1>",
        f'<p class="meta">symbiosis result, input hash {_esc(s.get("input_hash", "?"))}; pools split by the {_esc(s.get("allocation", "proportional"))} rule</p></header>',
        _headline(s),
    ]
    problems = s.get("problems") or []
    if s.get("net_savings_eur_per_year") is None or problems:
        items = "".join(f"<li>{_esc(p)}</li>" for p in problems)
        head = f"<strong>No solution to show: status {_esc(s.get('status'))}.</strong>" if s.get("net_savings_eur_per_year") is None else ""
        parts.append(f'<div class="warn" id="problems">{head}<ul>{items}</ul></div>')
    for key in FIGURES:
        title, caption = CAPTIONS[key]
        parts.append(f'<section id="{key}-section"><h2>{_esc(title)}</h2>')
        if key in pngs:
            data = base64.b64encode(pngs[key]).decode("ascii")
            parts.append(
                f'<figure id="fig-{key}"><img id="img-{key}" class="chart" alt="{_esc(title)}" src="data:image/png;base64,{data}">'
                f'<figcaption>{_esc(caption)} Also as <a href="{_esc(stem)}_{key}.svg">SVG</a> and <a href="{_esc(stem)}_{key}.png">PNG</a>.</figcaption></figure>'
            )
        else:
            parts.append(f'<p class="meta" id="no-{key}">{_esc(_nothing(key))}</p>')
        parts.append("</section>")
    matches = res.matches
    parts.append('<section id="matches-section"><h2>Matches</h2><div class="scroll">')
    parts.append(_table(matches, "matches-table", f"{len(matches)} matches (exchanges and pool memberships); click a column to sort"))
    parts.append("</div></section>")
    parts.append('<section id="companies-section"><h2>Companies</h2><div class="scroll">')
    parts.append(_table(res.companies, "companies-table", f"{len(res.companies)} companies; savings and CO2 are each company's share; click a column to sort"))
    parts.append("</div></section>")
    parts.append(f"<footer>Made by symbiosis {_esc(__version__)} from the files of the result folder.</footer>")
    parts.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"


def _nothing(key: str) -> str:
    return {
        "map": "No company has coordinates in network.json: no map.",
        "savings": "No company takes part in an exchange or a pool.",
        "flows": "Nothing is exchanged or pooled.",
        "loads": "No shared facility of a peak resource was built.",
    }[key]


@dataclass
class Report:
    """The page and its pictures (name -> (PNG bytes, SVG bytes))."""

    html: str
    pictures: dict[str, tuple[bytes, bytes]]


def build_report(result_dir: str | Path, stem: str = "report") -> Report:
    """Read a result folder and make the page and its pictures (nothing is written)."""
    res = read_result(result_dir)
    pictures = {}
    for key, fig in figures(res).items():
        pictures[key] = render(fig)
    return Report(report_html(res, {k: v[0] for k, v in pictures.items()}, stem), pictures)


def _write_atomic(path: Path, data: bytes) -> None:
    from symbiosis.io.write.files import write_bytes_atomic

    write_bytes_atomic(path, data)


def report_paths(out: Path) -> dict[str, Path]:
    """Where the page (key 'html') and each picture go: ``report.html``, ``report_map.png``, ..."""
    paths = {"html": out}
    for key in FIGURES:
        for ext in ("png", "svg"):
            paths[f"{key}.{ext}"] = out.with_name(f"{out.stem}_{key}.{ext}")
    return paths


def write_report(result_dir: str | Path, out: str | Path | None = None) -> Path:
    """Write the report of a result folder: ``report.html`` in it (or ``out``), pictures beside it.

    Each file is written whole (temporary file, then rename). Pictures of an earlier
    report that no longer apply (e.g. no facility loads) are removed. Returns the page's path.
    """
    folder = Path(result_dir)
    target = Path(out) if out is not None else folder / "report.html"
    if target.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"'{target}': the report is an HTML page; give a file name ending in .html")
    if target.is_dir():
        raise OutputError(f"'{target}' is a folder; give a file name ending in .html")
    report = build_report(folder, target.stem)
    target.parent.mkdir(parents=True, exist_ok=True)
    paths = report_paths(target)
    for key in FIGURES:
        for k, ext in enumerate(("png", "svg")):
            path = paths[f"{key}.{ext}"]
            if key in report.pictures:
                _write_atomic(path, report.pictures[key][k])
            elif path.is_file():
                path.unlink()
    _write_atomic(target, report.html.encode("utf-8"))
    return target

"""The page of a pareto folder and of an alternatives folder: drawn from the folder's tables, opened in Chromium."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import symbiosis
from conftest import ROOT
from test_report import Page, browse, needs_chromium, png_size, table_headers

THREE = ROOT / "tests" / "pareto_cases" / "three_points"


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("tradeoffs")
    front = symbiosis.pareto(THREE, points=3)
    alts = symbiosis.alternatives(THREE, k=5, slack=0.6)
    return front.write(base / "front"), alts.write(base / "alts")


def test_front_page_shows_every_point_and_step_price(folders: tuple[Path, Path]) -> None:
    """tests/pareto_cases/three_points/README.md: points at 950, 650 and 150 EUR/yr; step 1 -> 2 buys 10 t for 300 EUR/yr
    (30 EUR/t) by adding D -> A (m2, which loses 300 EUR/yr); step 2 -> 3 buys 10 t for 500 (50 EUR/t) by swapping
    A -> B (900) for A -> C (400)."""
    front, _ = folders
    text = (front / "report.html").read_text(encoding="utf-8")
    page = Page(text)
    tag, attrs = page.elements["front-picture"]
    assert tag == "img" and str(attrs["src"]).startswith("data:image/png;base64,")
    rows = page.tables["points"]
    table = pd.read_csv(front / "pareto.csv")
    assert len(rows) == len(table) == 3
    heads = table_headers(text, "points")
    assert heads[:4] == ["Point", "CO2 floor (t/yr)", "Net savings (EUR/yr)", "CO2 avoided (t/yr)"]
    assert [r[2] for r in rows] == ["950", "650", "150"]
    steps = page.tables["steps"]
    assert [r[:4] for r in steps] == [["1 \u2192 2", "30", "10.0", "300"], ["2 \u2192 3", "50", "10.0", "500"]]
    assert steps[0][4] == "D \u2192 A: m2 (-300 EUR/yr)" and steps[0][5] == "none"
    assert steps[1][4] == "A \u2192 C: m1 (400 EUR/yr)" and steps[1][5] == "A \u2192 B: m1 (900 EUR/yr)"
    # a map per point, drawn on demand
    assert all(f"map-point-{k:02d}-show" in page.elements for k in (1, 2, 3))
    assert png_size(front / "front.png")[0] > 500


def test_alternatives_page_shows_the_networks_and_the_core(folders: tuple[Path, Path]) -> None:
    _, alts = folders
    page = Page((alts / "report.html").read_text(encoding="utf-8"))
    assert len(page.tables["alternatives"]) == len(pd.read_csv(alts / "alternatives.csv")) == 3
    freq = pd.read_csv(alts / "link_frequency.csv")
    assert len(page.tables["frequency"]) == len(freq)
    assert len(page.tables["core"]) == int(freq["robust_core"].sum()) == 0
    # side by side: each alternative against the optimum, and every link not in all networks with a mark per network
    assert [r[0] for r in page.tables["differences"]] == ["alternative 1", "alternative 2"]
    grid = page.tables["links-side-by-side"]
    assert len(grid) == int((freq["n_networks"] < 3).sum()) == len(freq)  # no core: every link varies
    assert sorted(sum(cell == "\u2713" for cell in row[1:]) for row in grid) == sorted(freq["n_networks"].tolist())


@needs_chromium
def test_tradeoff_pages_render_in_chromium(folders: tuple[Path, Path], tmp_path: Path) -> None:
    """Each page renders with nothing on the console; a map drawn on demand (the probe presses its button) is drawn,
    the page fits 1,400 px, and it asks for nothing on the network."""
    from test_pages import printed, probe, squeezed

    for folder in folders:
        found, console, requests = probe(folder / "report.html", tmp_path)
        assert console == [] and requests == []
        assert found["width"] <= 1400 and all(t["overflow"] <= 1 for t in found["tables"].values())
        assert found["demand"] and all(v == "yes" for v in found["demand"].values()), found["demand"]
        # printed: every row of every table (by its cells' text), nothing off a page
        pdf = printed(folder / "report.html", tmp_path)
        assert [t for p in pdf for t in p.outside] == []
        text = squeezed("".join(p.text for p in pdf))
        page = Page((folder / "report.html").read_text(encoding="utf-8"))
        for rows in page.tables.values():
            for row in rows:
                assert squeezed("".join(row)) in text, row
    for folder, table in zip(folders, ("points", "alternatives")):
        shot = tmp_path / f"{folder.name}.png"
        dom, console = browse(folder / "report.html", tmp_path, screenshot=shot)
        assert console == [], console
        assert len(Page(dom).tables[table]) == 3
        assert shot.stat().st_size > 10_000


LAND = ROOT / "tests" / "pareto_cases" / "land_savings"


def drawn_vertices(fig: object) -> list[tuple[float, float]]:
    """Every vertex of every line the front's picture draws (markers alone left out), as drawn: a line drawn
    as steps gives the corners of its steps (matplotlib's own step rule)."""
    from matplotlib import cbook

    ax = fig.axes[0]  # type: ignore[attr-defined]
    out: list[tuple[float, float]] = []
    for line in ax.lines:
        if line.get_linestyle() in ("None", "", " "):
            continue
        x, y = line.get_xdata(), line.get_ydata()
        if line.get_drawstyle() not in (None, "default"):
            x, y = cbook.STEP_LOOKUP_MAP[line.get_drawstyle()](x, y)
        out += [(float(a), float(b)) for a, b in zip(x, y)]
    return out


def dominated(v: tuple[float, float], points: list[tuple[float, float]], sx: float, sy: float) -> bool:
    """Some point is at least as good as v in both measures (sx, sy: +1 where more is better, -1 where less is)."""
    return any(sx * (px - v[0]) >= -1e-9 and sy * (py - v[1]) >= -1e-9 for px, py in points)


def hand_front(x: str, xs: list[float], ys: list[float], status: list[str], bounds: list[float], floors: list[float]) -> pd.DataFrame:
    """A pareto.csv of a front of net savings against x, as written (the step prices as ``price_range`` gives them)."""
    from symbiosis.analysis.pareto import front_columns
    from symbiosis.measures import MEASURES

    mx = MEASURES[x]
    rows = []
    for i in range(len(xs)):
        price = low = high = float("nan")
        if i:
            pos = [xs[k] if status[k] == "optimal" else floors[k] for k in (i - 1, i)]
            top = [ys[k] if status[k] == "optimal" else max(ys[k], bounds[k]) for k in (i - 1, i)]
            d = mx.sign * (pos[1] - pos[0])
            price, high = (ys[i - 1] - ys[i]) / d, (top[0] - ys[i]) / d
            low = min(price, max(0.0, (ys[i - 1] - top[1]) / d))
        rows.append({"point": i + 1, "epsilon_co2_t": floors[i], "net_savings_eur_per_year": ys[i], mx.summary_key: xs[i], "status": status[i],
                     "mip_gap": 0.0 if status[i] == "optimal" else (bounds[i] - ys[i]) / ys[i], "best_bound": bounds[i],
                     "implicit_carbon_price_eur_per_t": price, "implicit_carbon_price_low_eur_per_t": low, "implicit_carbon_price_high_eur_per_t": high})
    return pd.DataFrame(rows).rename(columns=front_columns(x, "savings_eur"))


def test_the_staircase_steps_the_way_the_points_attain(tmp_path: Path) -> None:
    """tests/pareto_cases/land_savings/README.md: net savings (more is better) against land freed (more is better):
    1,400 EUR/yr at 500 m2, 1,340 at 1,000, 1,300 at 1,500, 1,240 at 2,000. What the points attain is the union of the
    boxes below-left of each, so from point i the staircase drops at its own x to the next point's savings: its corners
    are (500, 1,340), (1,000, 1,300), (1,500, 1,240), each attained by the next point, and no drawn vertex is better
    than a point. For truck-km (less is better) against savings the corners are at the larger truck-km of two
    neighbours: (500, 800) and (400, 500) for points (500, 1,000), (400, 800), (300, 500)."""
    from symbiosis.io.write.tradeoffs import front_figure

    table = symbiosis.pareto(LAND, points=4, x="land_freed_m2", y="savings_eur").table()
    assert list(table["net_savings_eur_per_year"]) == pytest.approx([1400, 1340, 1300, 1240])
    points = [(500.0, 1.4), (1000.0, 1.34), (1500.0, 1.3), (2000.0, 1.24)]  # kEUR/yr on the picture
    drawn = drawn_vertices(front_figure(table))
    assert [v for v in drawn if not dominated(v, points, 1, 1)] == []
    corners = {(500.0, 1.34), (1000.0, 1.3), (1500.0, 1.24)}
    assert corners <= {(round(x, 6), round(y, 6)) for x, y in drawn}
    truck = hand_front("truck_km", [500, 400, 300], [1000, 800, 500], ["optimal"] * 3, [1000, 800, 500], [float("nan"), 400, 300])
    drawn = drawn_vertices(front_figure(truck))
    points = [(500.0, 1.0), (400.0, 0.8), (300.0, 0.5)]
    assert [v for v in drawn if not dominated(v, points, -1, 1)] == []
    assert {(500.0, 0.8), (400.0, 0.5)} <= {(round(x, 6), round(y, 6)) for x, y in drawn}


def test_no_line_is_drawn_through_a_point_not_proven(tmp_path: Path) -> None:
    """A front of three points that all stopped on the time limit (as Haasrode's with a 1 s limit): no line or step is
    drawn at all (each point is its interval from its savings to its bound, at its floor), and the page states no step
    as a fact: each step is marked not proven, its savings given up a range from the savings and bounds, by hand:
    1 -> 2: max(0, 5,907,187 - 5,950,000) = 0 to 6,000,000 - 2,258,893 = 3,741,107; 2 -> 3: 2,258,893 - 5,900,000 < 0
    so 0, to 5,950,000 - 2,000,000 = 3,950,000; the cards say the best savings and land freed are not proven."""
    from symbiosis.io.write.tradeoff_pages import front_page
    from symbiosis.io.write.tradeoffs import front_axes, front_figure, front_points, not_proven_note

    table = hand_front("land_freed_m2", [64232.5, 64557.5, 64807.5], [5_907_187.0, 2_258_893.0, 2_000_000.0], ["time_limit"] * 3,
                       [6_000_000.0, 5_950_000.0, 5_900_000.0], [64232.5, 64520.0, 64807.4])
    assert drawn_vertices(front_figure(table)) == []
    mixed = table.assign(status=["optimal", "time_limit", "optimal"], best_bound=[5_907_187.0, 5_950_000.0, 2_000_000.0])
    assert drawn_vertices(front_figure(mixed)) == []  # point 2 stands between the proven ends: nothing joins them through it
    (tmp_path / "front").mkdir()
    text = front_page(tmp_path / "front", table, "", not_proven_note(table, "points"), front_axes(table), front_points(table))
    page = Page(text)
    steps = page.tables["steps"]
    heads = table_headers(text, "steps")
    given = heads.index("Net savings given up (EUR/yr)")
    assert [r[0] for r in steps] == ["1 \u2192 2 (not proven)", "2 \u2192 3 (not proven)"]
    assert [r[given] for r in steps] == ["0 to 3,741,107", "0 to 3,950,000"]
    assert "3,648,294" not in text  # 5,907,187 - 2,258,893: the savings of the networks found, no fact about the front
    assert "not proven" in page.values["front-y"] + text.split('id="front-y"')[1][:400]
    assert "not proven" in text.split('id="front-x"')[1][:400]

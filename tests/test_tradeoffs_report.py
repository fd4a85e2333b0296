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

"""The page of a pareto folder and of an alternatives folder: drawn from the folder's tables, opened in Chromium."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import symbiosis
from conftest import ROOT
from test_report import Page, browse, needs_chromium, png_size

THREE = ROOT / "tests" / "pareto_cases" / "three_points"


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("tradeoffs")
    front = symbiosis.pareto(THREE, points=3)
    alts = symbiosis.alternatives(THREE, k=5, slack=0.6)
    return front.write(base / "front"), alts.write(base / "alts")


def test_front_page_shows_every_point_and_step_price(folders: tuple[Path, Path]) -> None:
    front, _ = folders
    page = Page((front / "report.html").read_text(encoding="utf-8"))
    tag, attrs = page.elements["front-picture"]
    assert tag == "img" and str(attrs["src"]).startswith("data:image/png;base64,")
    rows = page.tables["points"]
    table = pd.read_csv(front / "pareto.csv")
    assert len(rows) == len(table) == 3
    # point, epsilon, savings, CO2, status, gap, exchanges, pools, implicit price (README: 30 and 50 EUR/t)
    assert [r[2] for r in rows] == ["950", "650", "150"]
    assert [r[8] for r in rows] == ["", "30", "50"]
    assert png_size(front / "front.png")[0] > 500


def test_alternatives_page_shows_the_networks_and_the_core(folders: tuple[Path, Path]) -> None:
    _, alts = folders
    page = Page((alts / "report.html").read_text(encoding="utf-8"))
    assert len(page.tables["alternatives"]) == len(pd.read_csv(alts / "alternatives.csv")) == 3
    freq = pd.read_csv(alts / "link_frequency.csv")
    assert len(page.tables["frequency"]) == len(freq)
    assert len(page.tables["core"]) == int(freq["robust_core"].sum()) == 0


@needs_chromium
def test_tradeoff_pages_render_in_chromium(folders: tuple[Path, Path], tmp_path: Path) -> None:
    for folder, table in zip(folders, ("points", "alternatives")):
        shot = tmp_path / f"{folder.name}.png"
        dom, console = browse(folder / "report.html", tmp_path, screenshot=shot)
        assert console == [], console
        assert len(Page(dom).tables[table]) == 3
        assert shot.stat().st_size > 10_000

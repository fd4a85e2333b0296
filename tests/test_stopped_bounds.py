"""Time-limited results are never shown as facts (issue 19, DESIGN.md section 4c, last paragraph).

The front of ``tests/pareto_cases/three_points`` is known by hand (its README): 950 EUR/yr
at 0 t, 650 at 10 t, 150 at 20 t. Here the savings problem at every CO2 floor in (0, 10]
is made to stop as HiGHS stops on a time limit, deterministically: it reports a worse
network that meets the floor, {a2, a3} (merged part 400 - 300 = 100 EUR/yr, 20 t), and
the bound of its LP relaxation, worked out by hand:

    y_a = x_a / min_quantity on every arc (x <= S y and x >= m y with m = S), so per
    unit a1 is worth 10 - 1 = 9, a2 4, a3 -4 - 2 = -6; CO2 a2 0.1 t, a3 0.2 t per unit.
    max 9 x1 + 4 x2 - 6 x3  s.t.  x1 + x2 <= 100, 0.1 x2 + 0.2 x3 >= 10, x3 <= 50:
    with x2 = t, x1 = 100 - t, x3 = 50 - t/2 the value is 600 - 2 t: 600 at t = 0.

With a4's fixed part (50) the point at floor 10 saves 150 with bound 650: drawn at its
floor 10 from 150 to 650, it contains the true point (10 t, 650). The prices of its steps
are ranges: (950 - 650)/10 = 30 to (950 - 150)/10 = 80, and 0 to (650 - 150)/10 = 50,
holding the true 30 and 50.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import ROOT
from symbiosis import api
from symbiosis.analysis import alternatives as alternatives_module
from symbiosis.analysis import coupled
from symbiosis.analysis.pareto import pareto
from symbiosis.cli import app
from symbiosis.io.read import load_scenario
from symbiosis.io.write.tradeoffs import front_points
from symbiosis.solver import Solved
from symbiosis.types import WEIGHTED, Objective, Termination
from test_report import Page

THREE = ROOT / "tests" / "pareto_cases" / "three_points"
runner = CliRunner()
LP_BOUND = 600.0  # the merged part's LP relaxation at a floor in (0, 10], by hand (module docstring)


def _stopping(real):  # type: ignore[no-untyped-def]
    def solve_part(c, settings, deadline, heuristic=None, start=None, objective=WEIGHTED, keep=False):  # type: ignore[no-untyped-def]
        floors = dict(objective.floors)
        if objective.maximise == "savings_eur" and 0 < floors.get("co2_t", 0.0) <= 10:
            worse = real(c, settings, deadline, heuristic, None, Objective("savings_eur", floors=(("co2_t", 20.0 - 1e-6),)), keep)
            assert worse.solution.objective == pytest.approx(100.0)
            return Solved(replace(worse.solution, termination=Termination.time_limit, best_bound=LP_BOUND), worse.build_seconds)
        return real(c, settings, deadline, heuristic, start, objective, keep)

    return solve_part


@pytest.fixture
def stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coupled, "solve_part", _stopping(coupled.solve_part))


def test_a_stopped_front_point_is_an_interval_holding_the_true_point(stopped: None, tmp_path: Path) -> None:
    front = pareto(load_scenario(THREE), points=3)
    table = front.table()
    assert list(table["status"]) == ["optimal", "time_limit", "optimal"]
    mid = table.iloc[1]
    assert (mid["epsilon_co2_t"], mid["net_savings_eur_per_year"], mid["co2_avoided_t_per_year"]) == pytest.approx((10.0, 150.0, 20.0))
    assert mid["best_bound"] == pytest.approx(LP_BOUND + 50.0)
    assert mid["mip_gap"] == pytest.approx(500.0 / 150.0)
    assert list(table["best_bound"].iloc[[0, 2]]) == pytest.approx([950.0, 150.0])
    pts = front_points(table)
    x, low, high = pts.loc[1, ["x", "low", "high"]]
    assert x == pytest.approx(10.0) and low <= 650.0 <= high  # the true front at floor 10: 650 (three_points/README.md)
    assert (low, high) == pytest.approx((150.0, 650.0))
    assert (table.loc[1, "implicit_carbon_price_low_eur_per_t"], table.loc[1, "implicit_carbon_price_high_eur_per_t"]) == pytest.approx((30.0, 80.0))
    assert (table.loc[2, "implicit_carbon_price_low_eur_per_t"], table.loc[2, "implicit_carbon_price_high_eur_per_t"]) == pytest.approx((0.0, 50.0))
    assert len(front.not_proven) == 1 and front.most_to_gain == pytest.approx(500.0)
    # The files and the page say so too, and every point's folder still checks.
    front.write(tmp_path / "front")
    written = pd.read_csv(tmp_path / "front" / "pareto.csv")
    assert written.loc[1, "best_bound"] == pytest.approx(650.0) and written.loc[1, "status"] == "time_limit"
    page = (tmp_path / "front" / "report.html").read_text()
    assert "1 of 3 points are not proven (stopped by the time limit); at most 500 EUR/yr more could be gained (point 2)." in page
    # Its steps are no facts: marked, 10 t each from where the points stand (point 2 at its floor, not at its network's
    # 20 t), savings given up 950 - 650 = 300 to 950 - 150 = 800, and 0 to 650 - 150 = 500 (the prices x 10 t).
    steps = [[cell for k, cell in enumerate(r) if k < 4] for r in Page(page).tables["steps"]]
    assert steps == [["1 \u2192 2 (not proven)", "30 to 80", "10.0", "300 to 800"], ["2 \u2192 3 (not proven)", "0 to 50", "10.0", "0 to 500"]]
    assert (tmp_path / "front" / "front.png").stat().st_size > 0
    assert all(r.ok for r in front.check(tmp_path / "front").values())


def test_the_cli_says_how_many_points_are_not_proven(stopped: None, tmp_path: Path) -> None:
    res = runner.invoke(app, ["pareto", str(THREE), "--out", str(tmp_path / "f"), "--points", "3"])
    assert res.exit_code == 0, res.output
    assert "1 of 3 points are not proven" in res.output and "at most 500 EUR/yr more could be gained" in res.output
    assert "30 to 80" in res.output and "0 to 50" in res.output


def test_a_proven_front_has_equal_ranges_and_its_bounds(tmp_path: Path) -> None:
    table = pareto(load_scenario(THREE), points=3).table()
    assert list(table["status"]) == ["optimal"] * 3
    assert list(table["best_bound"]) == pytest.approx([950.0, 650.0, 150.0])
    assert list(table["implicit_carbon_price_low_eur_per_t"].iloc[1:]) == pytest.approx([30.0, 50.0])
    assert list(table["implicit_carbon_price_high_eur_per_t"].iloc[1:]) == pytest.approx([30.0, 50.0])


def test_alternatives_carry_a_bound_in_eur_and_stage_one_stopped_is_not_proven(monkeypatch: pytest.MonkeyPatch) -> None:
    """three_points, k = 1, slack 0.5: the optimum is {a1, a4}, 950 EUR/yr; an alternative must drop a1 or a4 and keep
    950 x 0.5 = 475: {a2, a4} (450), {a2} (400) and {a4} (50) fall short (a3 loses money: no candidate for the usual
    objective), so it is {a1} alone, 900, sharing one link, proven.

    Then stage 1 (the links shared, a count) is made to stop: the alternative is time_limit, and its best_bound is
    stage 2's, in EUR (900, its objective), never stage 1's count of links."""
    sc = load_scenario(THREE)
    alts = api.alternatives(sc, k=1, slack=0.5)
    table = alts.table()
    assert list(table["objective"]) == pytest.approx([950.0, 900.0])
    assert list(table["status"]) == ["optimal", "optimal"] and list(table["best_bound"]) == pytest.approx([950.0, 900.0])

    real = coupled.solve_part

    def distinct_stops(c, settings, deadline, heuristic=None, start=None, objective=WEIGHTED, keep=False):  # type: ignore[no-untyped-def]
        out = real(c, settings, deadline, heuristic, start, objective, keep)
        if objective.maximise == "distinct":
            return Solved(replace(out.solution, termination=Termination.time_limit, best_bound=0.0), out.build_seconds)
        return out

    monkeypatch.setattr(coupled, "solve_part", distinct_stops)
    table = alternatives_module.alternatives(sc, k=1, slack=0.5, method="whole").table()
    row = table.iloc[1]
    assert row["status"] == "time_limit" and row["best_bound"] == pytest.approx(900.0) and row["objective"] == pytest.approx(900.0)


def test_alternatives_part_by_part_with_a_stopped_solve_are_not_proven(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same case part by part (the default): first proven (950 then 900, bounds equal); then every solve of a
    part under a limit on its sharing is made to stop: the alternative is time_limit, its bound still in EUR (900)."""
    from symbiosis.solver import highs

    sc = load_scenario(THREE)
    table = alternatives_module.alternatives(sc, k=1, slack=0.5).table()
    assert list(table["status"]) == ["optimal", "optimal"] and list(table["best_bound"]) == pytest.approx([950.0, 900.0])
    real = highs.FrontModel.best

    def stops(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        found = real(self, *args, **kwargs)
        if found is not None and np.isfinite(kwargs.get("x_low", -np.inf)):
            return replace(found, termination=Termination.time_limit)
        return found

    monkeypatch.setattr(highs.FrontModel, "best", stops)
    row = alternatives_module.alternatives(sc, k=1, slack=0.5).table().iloc[1]
    assert row["status"] == "time_limit" and row["best_bound"] == pytest.approx(900.0) and row["objective"] == pytest.approx(900.0)


def test_a_result_page_says_a_stopped_result_is_not_proven_and_how_much_it_may_miss() -> None:
    from symbiosis.io.write.report.html import headline as _headline
    from symbiosis.types import Status

    summary = api.solve(load_scenario(THREE)).summary  # 950 EUR/yr, proven
    assert "not proven" not in _headline(summary)
    stopped = summary.model_copy(update={"status": Status.time_limit, "best_bound": 1200.0})
    assert "not proven: at most 250 EUR/yr more could be gained" in _headline(stopped)

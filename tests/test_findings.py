"""The five findings of issue 19, point 5, each pinned by a test that failed before the fix.

1. ``solve --report`` left ``.symbiosis-result.json`` listing itself with a stale hash,
   so every later ``check`` called the result damaged.
2. ``pareto`` and ``alternatives`` checked ``--out`` only after their solves.
3. ``bench --quick`` wrote over the committed full benchmark results without a word.
4. ``explain --why-not`` printed every unrelated pair of streams before the answer.
5. Its "forcing it costs X EUR/yr" did not add up with the matches it listed (the
   matches gained and changed were missing).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

import symbiosis
from conftest import CASES, HAASRODE, ROOT
from symbiosis import api
from symbiosis.analysis.check import check_result
from symbiosis.analysis.explain import why_not
from symbiosis.cli import app
from symbiosis.io.write.marker import MARKER

runner = CliRunner()
THREE = ROOT / "tests" / "pareto_cases" / "three_points"


def test_solve_with_report_leaves_a_marker_that_does_not_list_itself(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = runner.invoke(app, ["solve", str(CASES / "peak_parking"), "--out", str(out), "--report", "-q"])
    assert res.exit_code == 0, res.output
    listed = json.loads((out / MARKER).read_text())["files"]
    assert MARKER not in listed and "report.html" in listed
    report = check_result(symbiosis.load_scenario(CASES / "peak_parking"), out)
    assert report.ok and report.notes == [], report.notes
    res = runner.invoke(app, ["check", str(CASES / "peak_parking"), str(out)])
    assert res.exit_code == 0 and "not the file symbiosis wrote" not in res.output
    # ... and the folder can be replaced by the next solve (it is an intact symbiosis result).
    assert runner.invoke(app, ["solve", str(CASES / "peak_parking"), "--out", str(out), "-q"]).exit_code == 0


@pytest.mark.parametrize("command", ["pareto", "alternatives"])
def test_tradeoffs_refuse_a_foreign_out_folder_before_any_solve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine\n")

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"{command} ran before --out was checked")

    monkeypatch.setattr(api, command, never)
    res = runner.invoke(app, [command, str(THREE), "--out", str(mine)])
    assert res.exit_code == 2, res.output
    assert "holds files that are not a symbiosis" in res.output and "notes.txt" in res.output
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]


def test_a_quick_bench_does_not_replace_full_results(tmp_path: Path) -> None:
    """A folder with a full run's results.csv (as committed: machine.json without a run key) is refused to --quick
    and --only (exit 2, untouched) unless --force; with no --out a partial run writes to benchmarks/results/quick."""
    from symbiosis.bench import bench_folder, holds_full_results  # (imported here: the test fails on its behaviour, not its import)

    full = tmp_path / "results"
    full.mkdir()
    (full / "results.csv").write_text("instance,method\nhaasrode,optimal\n")
    (full / "machine.json").write_text(json.dumps({"cpu": "x"}))
    before = {p.name: p.read_bytes() for p in full.iterdir()}
    for args in (["--quick"], ["--only", "gen-20"]):
        res = runner.invoke(app, ["bench", *args, "--out", str(full)])
        assert res.exit_code == 2, res.output
        assert "holds the results of a full benchmark run" in res.output and "--force" in res.output
    assert {p.name: p.read_bytes() for p in full.iterdir()} == before
    assert holds_full_results(full)
    (full / "machine.json").write_text(json.dumps({"cpu": "x", "run": "quick"}))
    assert not holds_full_results(full)  # an earlier quick run may be replaced
    assert bench_folder(None, partial=True) == Path("benchmarks/results/quick")
    assert bench_folder(None, partial=False) == Path("benchmarks/results")
    assert bench_folder(tmp_path / "x", partial=True) == tmp_path / "x"


@pytest.fixture(scope="module")
def haasrode(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return symbiosis.solve(HAASRODE).write(tmp_path_factory.mktemp("h") / "out")


def test_why_not_answers_first_and_summarises_unrelated_pairs(haasrode: Path) -> None:
    """medtech_1 -> campus (the issue's example): 3 candidate pairs, 37 of unrelated resources, once printed one per line."""
    res = runner.invoke(app, ["explain", str(haasrode), "--why-not", "medtech_1", "campus", "--quick"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "Why not medtech_1 -> campus?"
    assert "could be linked, but the optimum does not choose them" in lines[1]
    assert sum("cannot serve" in line for line in lines) == 1
    assert "37 other pair(s) of streams are of resources that cannot serve each other" in res.output
    assert len(lines) <= 5


def test_why_not_cost_adds_up_with_matches_lost_gained_and_changed(haasrode: Path) -> None:
    """The cost of forcing (objective before - after) equals what the matches lost, gained and changed move (carbon price 0)."""
    w = why_not(haasrode, "medtech_1", "campus")
    assert w.cost_eur_per_year is not None and w.cost_eur_per_year > 0
    lost = float(w.pushed_out["savings_eur_per_year"].sum())
    gained = float(w.gained["change_savings_eur_per_year"].sum())
    changed = float(w.changed["change_savings_eur_per_year"].sum())
    # To the cent: the objective before is read from summary.json, written with 10 significant digits.
    assert lost - gained - changed == pytest.approx(w.cost_eur_per_year, abs=0.01)
    assert len(w.changed) >= 1  # the case: a supplier pushed out of campus re-routes to another buyer
    res = runner.invoke(app, ["explain", str(haasrode), "--why-not", "medtech_1", "campus"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[1].startswith("  It does not pay: forcing a link from medtech_1 to campus costs")
    assert f"together {-w.cost_eur_per_year:+,.0f}" in res.output
    assert any(line.strip().startswith("changed:") for line in lines) and any(line.strip().startswith("forced:") for line in lines)


def test_why_not_cost_by_hand_on_road_transport(tmp_path: Path) -> None:
    """Forcing mill -> boards (tests/test_explain.py): the pellets match (100 V_p - 1000) is lost, the boards match
    (100 V_b - 1000) gained: together 100 (V_b - V_p), the cost's negative."""
    r = 6371.0088 * 1.3
    v_p, v_b = 50 - 0.15 * r * math.radians(0.02), 51 - 0.15 * r * math.radians(0.08)
    out = symbiosis.solve(CASES / "road_transport").write(tmp_path / "out")
    w = why_not(out, "mill", "boards")
    assert float(w.pushed_out["savings_eur_per_year"].sum()) == pytest.approx(100 * v_p - 1000, rel=1e-6)
    assert float(w.gained["change_savings_eur_per_year"].sum()) == pytest.approx(100 * v_b - 1000, rel=1e-6)
    assert len(w.changed) == 0
    assert w.cost_eur_per_year == pytest.approx(100 * (v_p - v_b), rel=1e-6)

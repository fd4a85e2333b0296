"""parts.csv, the bound of a stopped solve, and parts on Dask workers (issue 13).

The park's optimum comes from a full solve; a solve stopped almost at once must
still report, for every part, a finite bound that is valid (at or above the
optimum) and not trivial (the bound from the columns' bounds alone is about 5.6
times the optimum on this park; the LP relaxation's is within 1 %).
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import symbiosis
from symbiosis.analysis.check import check_result
from symbiosis.generate import write_park

COLUMNS = ["part", "resources", "n_streams", "n_candidates", "status", "objective", "best_bound", "mip_gap", "seconds"]


@pytest.fixture(scope="module")
def park(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 companies: optimal in a few seconds, with a heat part that 0.01 s cannot finish."""
    return write_park(tmp_path_factory.mktemp("park") / "gen-60", 60, seed=61)


@pytest.fixture(scope="module")
def optimal(park: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = symbiosis.solve(park, **{"solver.processes": 1})  # one process, whatever "auto" would pick
    assert result.status == "optimal"
    return result.write(tmp_path_factory.mktemp("optimal") / "out")


def _summary(out: Path) -> dict:
    import json

    return json.loads((out / "summary.json").read_text())


def test_parts_csv_columns_and_totals(park: Path, optimal: Path) -> None:
    parts = pd.read_csv(optimal / "parts.csv")
    s = _summary(optimal)
    assert list(parts.columns) == COLUMNS
    assert list(parts["part"]) == list(range(1, s["n_parts"] + 1))
    assert set(parts["status"]) == {"optimal"}
    assert parts["n_candidates"].sum() == s["n_candidates"] + s["n_membership_candidates"]
    assert parts["best_bound"].sum() == pytest.approx(s["best_bound"], rel=1e-9)
    assert parts["objective"].sum() == pytest.approx(s["objective"], rel=1e-6)
    assert (parts["seconds"] > 0).all()
    assert check_result(symbiosis.load_scenario(park), optimal).ok


def test_a_stopped_solve_reports_every_parts_lp_bound(park: Path, optimal: Path, tmp_path: Path) -> None:
    best = _summary(optimal)["objective"]
    out = tmp_path / "out"
    cli = subprocess.run(
        [sys.executable, "-m", "symbiosis", "solve", str(park), "--out", str(out), "--set", "solver.time_limit_s=0.01"],
        capture_output=True, text=True, timeout=300,
    )
    assert cli.returncode == 0, cli.stdout + cli.stderr
    s = _summary(out)
    parts = pd.read_csv(out / "parts.csv")
    assert s["status"] == "time_limit"
    assert "time_limit" in set(parts["status"])
    assert all(math.isfinite(b) for b in parts["best_bound"])
    assert (parts["best_bound"] >= parts["objective"] - 1e-6).all()
    assert parts["best_bound"].sum() == pytest.approx(s["best_bound"], rel=1e-9)
    assert best * (1 - 1e-9) <= s["best_bound"] <= 1.01 * best
    assert check_result(symbiosis.load_scenario(park), out).ok
    # The CLI names the part holding most of the gap, as parts.csv shows it.
    worst = parts.loc[(parts["best_bound"] - parts["objective"]).idxmax()]
    assert f"part {worst['part']} ({worst['resources']};" in cli.stdout
    assert "of the gap" in cli.stdout


def test_parts_on_dask_workers_give_identical_files(park: Path, optimal: Path, tmp_path: Path) -> None:
    result = symbiosis.solve(park, **{"solver.processes": 2})
    out = result.write(tmp_path / "out")
    for name in ("matches.csv", "flows.csv", "companies.csv", "facilities.csv"):
        assert (out / name).read_bytes() == (optimal / name).read_bytes(), name
    here, there = pd.read_csv(out / "parts.csv"), pd.read_csv(optimal / "parts.csv")
    pd.testing.assert_frame_equal(here.drop(columns="seconds"), there.drop(columns="seconds"))


def test_the_last_resort_bound_is_the_columns_best() -> None:
    """max 3x - 2y + 7, 0 <= x <= 4, 1 <= y <= 5: by hand, 3*4 - 2*1 + 7 = 17; unbounded columns give none."""
    import highspy
    import numpy as np

    from symbiosis.solver.highs import _column_bound

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = 2, 0
    lp.col_cost_ = np.array([3.0, -2.0])
    lp.col_lower_ = np.array([0.0, 1.0])
    lp.col_upper_ = np.array([4.0, 5.0])
    lp.offset_ = 7.0
    lp.sense_ = highspy.ObjSense.kMaximize
    assert _column_bound(lp) == 17.0
    lp.sense_ = highspy.ObjSense.kMinimize
    assert _column_bound(lp) == 3 * 0 - 2 * 5 + 7.0
    lp.col_upper_ = np.array([highspy.kHighsInf, 5.0])
    lp.sense_ = highspy.ObjSense.kMaximize
    assert _column_bound(lp) is None


def test_a_bad_scheduler_address_is_a_clear_error(park: Path, tmp_path: Path) -> None:
    cli = subprocess.run(
        [sys.executable, "-m", "symbiosis", "solve", str(park), "--out", str(tmp_path / "out"), "--scheduler", "localhost:8786"],
        capture_output=True, text=True, timeout=300,
    )
    assert cli.returncode == 2
    assert "--scheduler 'localhost:8786': expected an address such as tcp://HOST:8786" in cli.stderr + cli.stdout
    assert "Traceback" not in cli.stderr
    assert not (tmp_path / "out").exists()


def test_a_compiled_part_travels_to_and_from_a_worker_unchanged(park: Path) -> None:
    """A stopped part comes back from a Dask worker with its compiled model (pickled as arrays): same LP, same solution."""
    import pickle

    import numpy as np

    from symbiosis.candidates import build_candidates, split_components
    from symbiosis.model import build_model
    from symbiosis.solver.highs import compile_model, solve_compiled

    sc = symbiosis.load_scenario(park)
    part = max(split_components(build_candidates(sc)), key=lambda p: len(p.candidates.arcs))
    compiled, _ = compile_model(build_model(part.candidates, sc.settings))
    travelled = pickle.loads(pickle.dumps(compiled))
    for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        assert np.array_equal(getattr(compiled.lp, name), getattr(travelled.lp, name)), name
    for name in ("start_", "index_", "value_"):
        assert np.array_equal(getattr(compiled.lp.a_matrix_, name), getattr(travelled.lp.a_matrix_, name)), name
    assert list(compiled.lp.integrality_) == list(travelled.lp.integrality_) and len(compiled.lp.integrality_) > 0
    here, _ = solve_compiled(compiled, sc.settings.solver)
    there, _ = solve_compiled(travelled, sc.settings.solver)
    assert here.termination is there.termination and here.objective == there.objective and here.links == there.links


def test_a_stopped_solve_on_workers_is_valid(park: Path, optimal: Path, tmp_path: Path) -> None:
    """Stopped on 2 workers, then the second pass from the parts' compiled models: a valid network and a valid bound."""
    best = _summary(optimal)["objective"]
    result = symbiosis.solve(park, **{"solver.processes": 2, "solver.time_limit_s": 3.0})
    out = result.write(tmp_path / "out")
    s = _summary(out)
    assert s["objective"] <= best * (1 + 1e-9) and s["best_bound"] >= best * (1 - 1e-9)
    assert check_result(symbiosis.load_scenario(park), out).ok

"""Limits are respected: the time limit ends a solve cleanly, Ctrl-C leaves nothing behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import symbiosis
from symbiosis.analysis.check import check_result
from symbiosis.generate import write_park


@pytest.fixture(scope="module")
def park(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 150-company park: HiGHS needs well over a few seconds to prove it optimal."""
    return write_park(tmp_path_factory.mktemp("park") / "gen-150", 150, seed=150)


def test_time_limit_ends_cleanly_with_incumbent_and_gap(park: Path, tmp_path: Path) -> None:
    result = symbiosis.solve(park, **{"solver.time_limit_s": 2})
    assert result.status == "time_limit"
    assert result.summary["net_savings_eur_per_year"] > 0
    assert result.summary["mip_gap"] is not None and result.summary["mip_gap"] > 0
    assert result.summary["best_bound"] >= result.summary["objective"]
    out = result.write(tmp_path / "out")
    assert check_result(symbiosis.load_scenario(park), out).ok


def test_ctrl_c_leaves_no_output_folder(park: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "symbiosis", "solve", str(park), "--out", str(out), "--set", "solver.time_limit_s=120"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(6)  # loading, building, and into HiGHS
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]

"""Limits are respected: the time limit ends a solve cleanly, Ctrl-C and SIGTERM leave nothing behind."""

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


@pytest.mark.parametrize(("sig", "code", "earlier"), [(signal.SIGINT, 130, False), (signal.SIGTERM, 143, True)], ids=["ctrl-c", "sigterm"])
def test_a_signal_while_solving_leaves_no_output_folder(park: Path, tmp_path: Path, sig: int, code: int, earlier: bool) -> None:
    """Ctrl-C, or SIGTERM (what timeout or a batch scheduler sends, handled alike), during the solve: exit
    130 or 143, nothing written, no staging folder left, and an earlier result byte for byte as it was."""
    out = tmp_path / "out"
    before = None
    if earlier:
        assert symbiosis.solve(park, **{"solver.time_limit_s": 1}).write(out) == out
        before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "symbiosis", "solve", str(park), "--out", str(out), "--set", "solver.time_limit_s=120"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(6)  # loading, building, and into HiGHS
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stdout + stderr
    assert "Traceback" not in stderr
    if before is None:
        assert not out.exists()
    else:
        assert "Terminated" in stderr
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]

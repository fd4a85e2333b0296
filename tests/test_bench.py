"""Benchmarks in the test suite: only the quick suite, and no timing is asserted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import symbiosis
from symbiosis.cli import app
from symbiosis.generate import write_park


def test_bench_quick_checks_every_method(tmp_path: Path) -> None:
    """gen-20 and gen-60, three methods each: every result passes the checker, and the
    optimiser's objective is at least the greedy baseline's (it is proven optimal)."""
    result = CliRunner().invoke(app, ["bench", "--quick", "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "b" / "results.csv")
    assert len(table) == 6
    assert table["check_ok"].all()
    for _, group in table.groupby("instance"):
        by = group.set_index("method")
        assert by.loc["optimal", "status"] == "optimal"
        assert by.loc["optimal", "net_savings_eur_per_year"] >= by.loc["greedy", "net_savings_eur_per_year"] - 1e-6 * abs(by.loc["optimal", "net_savings_eur_per_year"])
        assert by.loc["optimal", "ratio_to_bound"] == pytest.approx(1.0, abs=1e-4)
    assert (tmp_path / "b" / "results.md").read_text().startswith("| instance |")
    assert (tmp_path / "b" / "results.png").stat().st_size > 0


@pytest.mark.parametrize("n", [20, 60])
def test_decomposition_equals_the_monolithic_model(tmp_path: Path, n: int) -> None:
    """Parts that share no stream, facility or rule are solved apart: same optimum as one model."""
    folder = write_park(tmp_path / f"gen-{n}", n, seed=n)
    sc = symbiosis.load_scenario(folder)
    exact = {"solver.mip_rel_gap": 1e-7}
    split = symbiosis.solve(sc, **exact)
    whole = symbiosis.solve(sc, **exact, **{"solver.decompose": False})
    assert split.summary["n_parts"] > 1 and whole.summary["n_parts"] == 1
    assert split.status == whole.status == "optimal"
    assert split.summary["objective"] == pytest.approx(whole.summary["objective"], rel=1e-6)


def test_haasrode_is_one_real_folder_found_from_a_checkout_and_copied_into_a_wheel(tmp_path: Path) -> None:
    """scenarios/haasrode holds no symlink (``cp -r`` gives a working copy); bench finds it from this checkout;
    a wheel carries it as symbiosis/scenarios/haasrode (the build step in setup.py), byte for byte
    (checked by hand too: `pip wheel --no-deps` lists the 14 files under symbiosis/scenarios/haasrode)."""
    import shutil
    import subprocess
    import sys

    from conftest import HAASRODE as REPO_HAASRODE
    from conftest import ROOT
    from symbiosis.bench import HAASRODE

    assert not any(p.is_symlink() for p in [ROOT / "scenarios", *(ROOT / "scenarios").rglob("*")])
    assert HAASRODE.resolve() == REPO_HAASRODE.resolve()
    copy = tmp_path / "copy"
    shutil.copytree(REPO_HAASRODE, copy, symlinks=True)  # as cp -r does
    assert symbiosis.load_scenario(copy).name == symbiosis.load_scenario(REPO_HAASRODE).name
    # The wheel's build step (setup.py's build_py), run alone: building the wheel itself needs `wheel` from the registry.
    build = tmp_path / "build"
    subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(build)], check=True, capture_output=True, cwd=ROOT)
    for f in sorted(REPO_HAASRODE.iterdir()):
        assert (build / "symbiosis" / "scenarios" / "haasrode" / f.name).read_bytes() == f.read_bytes(), f.name
    assert (build / "symbiosis" / "bundled.py").is_file()



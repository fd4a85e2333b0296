"""The two smallest published instances of each library, solved through links.csv, reproduce the published optimum.

The files are copies from ../shared/benchmarks (tests/data/external/README.md). The minimum cost
is recovered as M x total demand - net savings (benchmarks/external/MAPPING.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import symbiosis
from symbiosis.analysis.check import check_result
from symbiosis.bench.external import recovered
from symbiosis.bench.instances import PUBLISHED, read_instance, write_scenario, write_sscflp_mps
from symbiosis.bench.plain_highs import solve_mps_with_highs
from symbiosis.cli import app

DATA = Path(__file__).parent / "data" / "external"
SMALL = {"fctp-bk4x3": 350.0, "fctp-gr4x6": 202.35, "p1": 8848.0, "p2": 7913.0}


@pytest.mark.parametrize("name", sorted(SMALL))
def test_published_optimum_reproduced(name: str, tmp_path: Path) -> None:
    assert PUBLISHED[name] == SMALL[name]
    inst = read_instance(name, DATA)
    folder = write_scenario(inst, tmp_path / name)
    sc = symbiosis.load_scenario(folder)
    result = symbiosis.solve(sc)
    assert result.status == "optimal"
    assert recovered(inst, result.summary["net_savings_eur_per_year"]) == pytest.approx(SMALL[name], rel=1e-9, abs=1e-6)
    result.write(tmp_path / "out")
    report = check_result(sc, tmp_path / "out")
    assert report.ok, report.violations


@pytest.mark.parametrize("name", ["fctp-bk4x3", "p1"])
def test_plain_highs_reproduces_it_too(name: str, tmp_path: Path) -> None:
    """The reference run: the published MPS (SSCFLP: the textbook MILP) solved by highspy as is."""
    path = DATA / "fctp" / f"{name}.mps" if name.startswith("fctp") else write_sscflp_mps(read_instance(name, DATA), tmp_path / "p.mps")
    run = solve_mps_with_highs(path, 60)
    assert run["status"] == "Optimal"
    assert run["objective"] == pytest.approx(SMALL[name], rel=1e-9)


def test_bench_external_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "--suite", "external", "--bench-dir", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert "nowhere" in result.output and "--bench-dir" in result.output
    assert "Traceback" not in result.output


def test_bench_external_cli(tmp_path: Path) -> None:
    """One instance end to end: scenario folder, a fresh process, the checker, plain HiGHS, the table."""
    result = CliRunner().invoke(app, ["bench", "--suite", "external", "--bench-dir", str(DATA), "--only", "fctp-bk4x3", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    table = (tmp_path / "o" / "external" / "results.md").read_text(encoding="utf-8")
    row = next(line for line in table.splitlines() if line.startswith("| fctp-bk4x3 "))
    assert "| 350 | 350 |" in row and row.endswith("| yes |")

"""Issue 21, items 4 and 5: which HiGHS heuristics a part gets, and how many processes solve the parts.

``solver.processes: auto`` starts workers only for parks whose parts hold
``AUTO_MIN_CANDIDATES`` candidates or more; Haasrode (794 candidates and
memberships over 13 parts) stays in one process, and a run that does start
workers gives the same files as one process. The sub-MIP heuristics rule is
checked on Haasrode's office-space part (54 arcs, 117 columns: all three off,
as before) and on the pool-free pallet part of a 150-company park (553 arcs,
1,106 columns: RINS back on), whose column counts were read from the compiled
models by hand.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import symbiosis
from conftest import HAASRODE
from symbiosis.candidates import build_candidates, split_components
from symbiosis.generate import write_park
from symbiosis.model import build_model
from symbiosis.solver import part_workers, schedule, workers_for
from symbiosis.solver.cluster import QUIET_WORKERS, dask_client
from symbiosis.solver.highs import RINS, SUB_MIP_HEURISTICS, compile_model, sub_mip_heuristics_off


def _compiled_part(scenario: Path, resource: str) -> tuple[int, int]:
    sc = symbiosis.load_scenario(scenario)
    part = next(p for p in split_components(build_candidates(sc)) if resource in set(p.candidates.arcs["resource"]))
    compiled, _ = compile_model(build_model(part.candidates, sc.settings))
    return int(compiled.lp.num_col_), len(compiled.decoder.w_col)


def test_small_pool_free_parts_keep_the_heuristics_off_and_pallet_parts_get_rins(tmp_path: Path) -> None:
    cols, members = _compiled_part(HAASRODE, "office_space")
    assert (cols, members) == (117, 0)
    assert set(sub_mip_heuristics_off(cols, members)) == {*SUB_MIP_HEURISTICS, RINS}
    park = write_park(tmp_path / "park", 150, seed=8)
    cols, members = _compiled_part(park, "pallet")
    assert (cols, members) == (1106, 0)
    assert set(sub_mip_heuristics_off(cols, members)) == set(SUB_MIP_HEURISTICS) and RINS not in sub_mip_heuristics_off(cols, members)
    assert sub_mip_heuristics_off(cols, 1) == ()  # a part with pool memberships keeps HiGHS's defaults
    assert sub_mip_heuristics_off(5001, 0) == ()  # and so does a large one


def test_auto_is_one_process_below_the_threshold_and_the_cores_above(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schedule, "usable_cores", lambda: 4)
    big = schedule.AUTO_MIN_CANDIDATES
    assert workers_for([big - 2, 1], "auto") == 1
    assert workers_for([big // 2, big // 2, 1], "auto") == 3  # at most one worker per part
    assert workers_for([big, 1, 1, 1, 1, 1], "auto") == 4  # at most the cores
    assert workers_for([big * 10], "auto") == 1  # one part: nothing to share
    assert workers_for([1, 1], 3) == 3 and workers_for([big, big], 1) == 1  # a number is kept as given
    monkeypatch.setattr(schedule, "usable_cores", lambda: 1)
    assert workers_for([big, big], "auto") == 1


def test_haasrode_stays_in_one_process_by_default() -> None:
    """Its parts are far below the threshold; solved by default, no Dask module is even imported."""
    sc = symbiosis.load_scenario(HAASRODE)
    parts = split_components(build_candidates(sc))
    assert sc.settings.solver.processes == "auto"
    assert sum(len(p.candidates.arcs) + len(p.candidates.memberships) + 1 for p in parts) == 794
    assert part_workers(parts, "auto") == 1
    code = f"import sys, symbiosis; r = symbiosis.solve({str(HAASRODE)!r}); print(r.summary.status.value, 'distributed' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[-2:] == ["optimal", "False"]


def _worker_config() -> tuple[object, ...]:
    import dask
    import distributed  # noqa: F401  (its defaults enter dask's configuration on import)

    return tuple(dask.config.get(k) for k in QUIET_WORKERS)


def test_auto_inside_a_dask_worker_is_one_process() -> None:
    """A sweep's sample solved on a worker never starts a cluster of its own; the local workers run
    without the dashboard's bookkeeping (``QUIET_WORKERS``), and this process's configuration is left as it was."""
    big = [schedule.AUTO_MIN_CANDIDATES] * 3
    here = _worker_config()
    with dask_client(1) as client:
        assert client.submit(workers_for, big, "auto").result() == 1
        assert list(client.run(_worker_config).values()) == [tuple(QUIET_WORKERS.values())]
    assert _worker_config() == here != tuple(QUIET_WORKERS.values())


def test_auto_with_workers_gives_the_files_of_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The threshold lowered so that ``auto`` starts workers on a 60-company park: the same files as ``processes=1``."""
    park = write_park(tmp_path / "park", 60, seed=61)
    one = symbiosis.solve(park, **{"solver.processes": 1}).write(tmp_path / "one")
    monkeypatch.setattr(schedule, "AUTO_MIN_CANDIDATES", 0)
    parts = split_components(build_candidates(symbiosis.load_scenario(park)))
    assert part_workers(parts, "auto") == min(schedule.usable_cores(), len(parts))
    auto = symbiosis.solve(park).write(tmp_path / "auto")
    for name in ("matches.csv", "flows.csv", "companies.csv", "facilities.csv"):
        assert (auto / name).read_bytes() == (one / name).read_bytes(), name


def test_a_sweep_sample_never_starts_a_cluster_and_its_parts_keep_their_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``auto`` above the threshold, a sample solved in this process (``--workers 0``): one process, no cluster per
    sample; and a part's reuse key does not depend on ``solver.processes`` (no result does)."""
    from symbiosis.analysis.sweep import run_sample
    from symbiosis.solver.reuse import part_key
    from symbiosis.types import WEIGHTED

    park = symbiosis.load_scenario(write_park(tmp_path / "park", 40, seed=3))
    monkeypatch.setattr(schedule, "AUTO_MIN_CANDIDATES", 0)
    monkeypatch.setattr(schedule, "usable_cores", lambda: 2)

    def no_cluster(*args: object, **kwargs: object) -> None:
        raise AssertionError("a sample started a cluster")

    monkeypatch.setattr(schedule, "dask_client", no_cluster)
    outcome = run_sample(park, "reoptimise", None, (), 0, ())
    assert outcome.status == "optimal" and outcome.parts_solved > 0
    c = split_components(build_candidates(park))[0].candidates
    one = park.with_settings(solver={"processes": 1}).settings
    assert part_key(c, park.settings, WEIGHTED) == part_key(c, one, WEIGHTED) is not None

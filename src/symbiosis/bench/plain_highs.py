"""Plain HiGHS on a published MPS file: the reference that the symbiosis engine is compared with.

``solve_mps_with_highs`` reads the file with highspy and runs it as is (no symbiosis mapping).
Only ``run()`` is timed as ``seconds``; reading is timed apart as ``read_seconds``.
``benchmarks/external/plain_highs.py`` runs it as a script.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import TypedDict


class HighsRun(TypedDict):
    """What one plain-HiGHS run reports."""

    objective: float  # best primal value found (nan if none)
    bound: float  # best proven dual bound (mip_dual_bound)
    gap: float  # HiGHS's relative gap, |objective - bound| / |objective|
    seconds: float  # wall time of run() alone
    read_seconds: float  # wall time of readModel()
    status: str  # HiGHS model status, e.g. "Optimal", "Time limit reached"
    nodes: int  # branch-and-bound nodes


def solve_mps_with_highs(
    path: str | Path,
    time_limit_s: float,
    threads: int = 1,
    seed: int = 0,
    mip_rel_gap: float | None = 0.0,
) -> HighsRun:
    """Solve one MPS file with highspy, output off.

    ``mip_rel_gap`` 0 (the default) asks for a proven optimum, as the converted scenarios do;
    None keeps HiGHS's own default (1e-4).
    """
    import highspy
    from pyomo.common.tee import capture_output

    with capture_output(capture_fd=True):  # HiGHS prints a banner when created
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", int(seed))
    if mip_rel_gap is not None:
        h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    t0 = time.perf_counter()
    read_status = h.readModel(str(path))
    read_seconds = time.perf_counter() - t0
    if read_status != highspy.HighsStatus.kOk:
        raise ValueError(f"HiGHS could not read {path}: {read_status}")
    t0 = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - t0
    info = h.getInfo()
    status = h.getModelStatus()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    return HighsRun(
        objective=float(info.objective_function_value) if has_solution else math.nan,
        bound=float(info.mip_dual_bound),
        gap=float(info.mip_gap),
        seconds=seconds,
        read_seconds=read_seconds,
        status=h.modelStatusToString(status),
        nodes=int(info.mip_node_count),
    )

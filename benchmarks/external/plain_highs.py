"""Plain HiGHS on a published MPS file: the reference that the symbiosis engine is compared with.

``solve_mps_with_highs`` reads the file with highspy and runs it as is (no symbiosis mapping).
Only ``run()`` is timed as ``seconds``; reading is timed apart as ``read_seconds``. Run as a
script to solve every FCTP file and every SSCFLP file (as the textbook MILP written to a temporary
MPS by ``readers.write_sscflp_mps``), n3700 last and only with ``--with-n3700``:
``.venv/bin/python benchmarks/external/plain_highs.py [--time-limit 120] [--with-n3700] [files...]``.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import TypedDict

import highspy

FCTP_DIR = Path("/work/shared/benchmarks/fctp")
SSCFLP_DIR = Path("/work/shared/benchmarks/sscflp")
ORDER = ("bk4x3", "gr4x6", "bal8x12", "ran10x10a", "ran4x64", "ran17x17")
SSCFLP_ORDER = ("p1", "p2", "p3", "p20", "p40", "p60")


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


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--with-n3700", action="store_true")
    args = ap.parse_args(argv)
    files: list[Path] = list(args.files) or [FCTP_DIR / f"fctp-{n}.mps" for n in ORDER] + [SSCFLP_DIR / n for n in SSCFLP_ORDER]
    if args.with_n3700 and not args.files:
        files.append(FCTP_DIR / "fctp-n3700.mps")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from readers import PUBLISHED, instance_name, read_sscflp, write_sscflp_mps  # sibling module, by path

    for f in files:
        if f.suffix.lower() == ".mps":
            r = solve_mps_with_highs(f, args.time_limit)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                r = solve_mps_with_highs(write_sscflp_mps(read_sscflp(f), Path(tmp) / f"{f.name}.mps"), args.time_limit)
        pub = PUBLISHED.get(instance_name(f))
        print(
            f"{instance_name(f):16s} status={r['status']!r} objective={r['objective']!r} bound={r['bound']!r} "
            f"gap={r['gap']:.3g} seconds={r['seconds']:.3f} read={r['read_seconds']:.3f} nodes={r['nodes']} published={pub}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

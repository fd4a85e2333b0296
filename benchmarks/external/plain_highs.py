"""Plain HiGHS on the published files (the code is ``symbiosis.bench.plain_highs``); run from the worktree root.

``python benchmarks/external/plain_highs.py [--time-limit 120] [--with-n3700] [--bench-dir DIR] [files...]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from symbiosis.bench.instances import BENCH_DIR, PUBLISHED, instance_name, read_sscflp, write_sscflp_mps
from symbiosis.bench.plain_highs import solve_mps_with_highs

ORDER = ("bk4x3", "gr4x6", "bal8x12", "ran10x10a", "ran4x64", "ran17x17")
SSCFLP_ORDER = ("p1", "p2", "p3", "p20", "p40", "p60")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--with-n3700", action="store_true")
    ap.add_argument("--bench-dir", type=Path, default=BENCH_DIR)
    args = ap.parse_args(argv)
    fctp, sscflp = args.bench_dir / "fctp", args.bench_dir / "sscflp"
    files: list[Path] = list(args.files) or [fctp / f"fctp-{n}.mps" for n in ORDER] + [sscflp / n for n in SSCFLP_ORDER]
    if args.with_n3700 and not args.files:
        files.append(fctp / "fctp-n3700.mps")
    for f in files:
        if f.suffix.lower() == ".mps":
            r = solve_mps_with_highs(f, args.time_limit)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                r = solve_mps_with_highs(write_sscflp_mps(read_sscflp(f), Path(tmp) / f"{f.name}.mps"), args.time_limit)
        print(
            f"{instance_name(f):16s} status={r['status']!r} objective={r['objective']!r} bound={r['bound']!r} "
            f"gap={r['gap']:.3g} seconds={r['seconds']:.3f} read={r['read_seconds']:.3f} nodes={r['nodes']} "
            f"published={PUBLISHED.get(instance_name(f))}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Alternatives benchmark: Haasrode, the method before (one model per stage) and part by part, in one process tree.

Usage: python benchmarks/alternatives_bench.py OUT_DIR [METHOD ...] [--k K]
(default: whole parts, k = 5). Each method runs the CLI (``symbiosis alternatives
--method M``) in a child process, one after the other, so the wall time is end to end
(load, search, writing and checking the 6 folders) and the CPU seconds are the child's
own (user + system). Prints and appends to OUT_DIR/alternatives_bench.csv one row per
method: wall and CPU seconds, the load average when it ended, the networks found, how
many are proven, the largest gap and the most any network not proven could still gain
(EUR/yr), and the alternatives' objectives. The CPU seconds compare the methods on a
shared machine; the wall time is the target's and needs a quiet one.
"""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from symbiosis.bundled import bundled_scenario


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    args = sys.argv[1:]
    k = 5
    if "--k" in args:
        at = args.index("--k")
        k = int(args[at + 1])
        del args[at : at + 2]
    out = Path(args[0])
    methods = args[1:] or ["whole", "parts"]
    out.mkdir(parents=True, exist_ok=True)
    exe = Path(sys.executable).with_name("symbiosis")
    rows = []
    for method in methods:
        folder = out / f"alternatives_{method}"
        t0, c0 = time.perf_counter(), _cpu()
        done = subprocess.run(
            [str(exe), "alternatives", str(bundled_scenario("haasrode")), "--out", str(folder), "--k", str(k), "--method", method, "--quiet"], check=False
        )
        wall, cpu = time.perf_counter() - t0, _cpu() - c0
        table = pd.read_csv(folder / "alternatives.csv") if done.returncode == 0 else pd.DataFrame()
        stopped = table[table["status"] != "optimal"] if len(table) else table
        rows.append(
            {
                "method": method,
                "k": k,
                "exit": done.returncode,
                "wall_s": round(wall, 1),
                "cpu_s": round(cpu, 1),
                "load": os.getloadavg()[0],
                "networks": len(table),
                "proven": int((table["status"] == "optimal").sum()) if len(table) else 0,
                "largest_gap": float(table["mip_gap"].max()) if len(table) else None,
                "most_to_gain_eur": float((stopped["best_bound"] - stopped["objective"]).max()) if len(stopped) else 0.0,
                "objectives": " ".join(f"{v:.0f}" for v in table["objective"]) if len(table) else "",
            }
        )
        print(rows[-1], flush=True)
    path = out / "alternatives_bench.csv"
    new = not path.exists()
    with path.open("a", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        if new:
            writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()

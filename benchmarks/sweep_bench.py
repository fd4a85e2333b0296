"""Sweep benchmark: Haasrode, both modes, 1 and 2 workers (README, "Sweeps").

Usage: python benchmarks/sweep_bench.py OUT.csv [RUN ...], RUN = MODE:WORKERS:SAMPLES[:full]
(default evaluate:1:200 evaluate:2:200 reoptimise:1:200 reoptimise:2:200). ``:full``
solves every part of every sample (``sweep(reuse=False)``, the method before parts
were reused); without it a reoptimise sample solves only the parts it changes. So
``reoptimise:2:200:full reoptimise:2:200`` measures before and after in one run.
Appends one row per run: wall seconds, seconds per sample (wall / samples), mean
seconds and CPU seconds a worker spent per sample, the mean parts solved and kept per
sample, the samples within the gap tolerance, and a hash of samples.csv (equal
hashes: equal outputs).
"""

from __future__ import annotations

import csv
import hashlib
import sys
import time
from pathlib import Path

import symbiosis
from symbiosis.bundled import bundled_scenario


def main() -> None:
    out = Path(sys.argv[1])
    runs = sys.argv[2:] or ["evaluate:1:200", "evaluate:2:200", "reoptimise:1:200", "reoptimise:2:200"]
    scenario = symbiosis.load_scenario(bundled_scenario("haasrode"))
    new = not out.exists()
    for run in runs:
        mode, workers, n, *how = run.split(":")
        t0 = time.perf_counter()
        res = symbiosis.sweep(scenario, int(n), seed=0, mode=mode, workers=int(workers), reuse=how != ["full"])
        wall = time.perf_counter() - t0
        digest = hashlib.sha256(res.samples.to_csv(index=False).encode()).hexdigest()[:12]
        row = {
            "mode": mode,
            "parts": "all" if how == ["full"] else "changed",
            "workers": int(workers),
            "samples": int(n),
            "wall_s": round(wall, 1),
            "s_per_sample": round(wall / int(n), 3),
            "worker_s_per_sample": round(sum(res.sample_seconds) / len(res.sample_seconds), 3),
            "cpu_s_per_sample": round(sum(res.sample_cpu_seconds) / len(res.sample_cpu_seconds), 3),
            "solved": int(res.samples["net_savings_eur_per_year"].notna().sum()),
            "within_gap": int((res.samples["counted"] == "yes").sum()),
            "parts_solved": round(sum(p[0] for p in res.sample_parts) / max(len(res.sample_parts), 1), 2),
            "parts_kept": round(sum(p[1] for p in res.sample_parts) / max(len(res.sample_parts), 1), 2),
            "samples_sha": digest,
        }
        with out.open("a", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(row))
            if new:
                w.writeheader()
                new = False
            w.writerow(row)
        print(row, flush=True)


if __name__ == "__main__":
    main()

"""What K workers would give for the same per-part work: list scheduling of parts.csv's seconds, biggest first.

Usage: python workers_estimate.py parts.csv [K ...]. A lower bound on the wall time of the
solve (the build of the candidates and the writing come on top), from the seconds each
part actually took (build plus HiGHS) in the measured run.
"""

from __future__ import annotations

import csv
import heapq
import sys


def makespan(times: list[float], k: int) -> float:
    loads = [0.0] * k
    heapq.heapify(loads)
    for t in sorted(times, reverse=True):
        heapq.heappush(loads, heapq.heappop(loads) + t)
    return max(loads)


def main() -> None:
    rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
    times = [float(r["seconds"]) for r in rows]
    ks = [int(k) for k in sys.argv[2:]] or [1, 2, 4, 8, 16]
    print(f"{len(rows)} parts, {sum(times):.0f} s of part work in all, the largest part {max(times):.0f} s")
    for k in ks:
        print(f"K={k}: {makespan(times, k):.0f} s")


if __name__ == "__main__":
    main()

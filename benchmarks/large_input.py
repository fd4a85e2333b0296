"""Bounded reading: how long `symbiosis validate` takes on a 50 MB streams.csv, and its peak memory.

Writes two scenario folders under OUT (default /tmp/symbiosis-large-input):

- ``valid``: 2,000 companies, 40 resources and a streams.csv of about 50 MB with every
  contract column filled (temperature, profile, CO2, min_quantity), all of it legal;
- ``broken``: the same, with a quantity of ``'forty'`` a few rows before the end.

Each is validated in a fresh process (``python -m symbiosis validate``); the wall time
and the child's peak resident set (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``,
one child per measurement process) and its CPU time (user + system) are printed as a Markdown table. The target of
issue 12 is under 10 s and 1 GB for both. Run it alone on the machine::

    .venv/bin/python benchmarks/large_input.py [--mb 50] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

HEADER = "id,company,direction,resource,quantity,price_eur_per_unit,co2_kg_per_unit,temperature_c,profile,min_quantity\n"
N_COMPANIES = 2000
N_RESOURCES = 40


def write_scenario(folder: Path, megabytes: float, broken: bool, seed: int = 0) -> int:
    """Write one scenario folder; return the number of stream rows."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.yaml").write_text(
        "format: 1\nname: large input benchmark\n"
        "tables: {companies: companies.csv, resources: resources.csv, streams: streams.csv, profiles: profiles.csv}\n",
        encoding="utf-8",
    )
    with (folder / "companies.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write("id,name,sector,lat,lon\n")
        for i in range(N_COMPANIES):
            fh.write(f"c{i:05d},Company {i},sector {i % 17},{50.80 + rng.random() * 0.1:.5f},{4.65 + rng.random() * 0.1:.5f}\n")
    with (folder / "resources.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write("id,family,unit,pricing,transport,kg_per_unit,pipe_capex_eur_per_m,max_distance_km\n")
        for r in range(N_RESOURCES):
            fh.write(f"heat{r:02d},energy,MWh,volume,pipe,,800,5\n" if r % 2 else f"mat{r:02d},material,t,volume,road,1000,,\n")
    (folder / "profiles.csv").write_text("profile,slot,value\nwinter,cold,3\nwinter,warm,1\nflat,cold,1\nflat,warm,1\n", encoding="utf-8")
    target = int(megabytes * 1_000_000)
    written = len(HEADER)
    rows: list[str] = []
    n = 0
    while written < target:
        r = rng.randrange(N_RESOURCES)
        res = f"heat{r:02d}" if r % 2 else f"mat{r:02d}"
        direction = "supply" if rng.random() < 0.5 else "demand"
        quantity = round(10 + rng.random() * 990, 2)
        temperature = f"{rng.randrange(30, 90)}" if r % 2 else ""
        profile = ("winter" if rng.random() < 0.5 else "flat") if r % 2 else ""
        line = (
            f"s{n:08d},c{rng.randrange(N_COMPANIES):05d},{direction},{res},{quantity},{round(rng.random() * 80, 2)},"
            f"{round(rng.random() * 300, 1)},{temperature},{profile},{round(quantity / 10, 2)}\n"
        )
        rows.append(line)
        written += len(line)
        n += 1
    if broken:
        cells = rows[-5].split(",")
        cells[4] = "forty"
        rows[-5] = ",".join(cells)
    with (folder / "streams.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        fh.writelines(rows)
    return n


MEASURE = """
import resource, subprocess, sys, time, json
t = time.perf_counter()
p = subprocess.run([sys.executable, "-m", "symbiosis", "validate", sys.argv[1]], capture_output=True, text=True)
seconds = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = usage.ru_maxrss / 1024
print(json.dumps({"exit": p.returncode, "seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak, "tail": (p.stdout + p.stderr).strip().splitlines()[-1:]}))
"""


def measure(folder: Path) -> dict[str, object]:
    """Validate ``folder`` in a fresh process; the measuring process has no other child."""
    out = subprocess.run([sys.executable, "-c", MEASURE, str(folder)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/symbiosis-large-input"))
    args = parser.parse_args()
    print("| case | streams.csv MB | rows | exit | wall s | CPU s | peak RSS MB | last line |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in ("valid", "broken"):
        folder = args.out / name
        t = time.perf_counter()
        n = write_scenario(folder, args.mb, broken=name == "broken")
        _ = time.perf_counter() - t
        size = (folder / "streams.csv").stat().st_size / 1e6
        m = measure(folder)
        tail = " ".join(str(x) for x in m["tail"])[:90]  # type: ignore[attr-defined]
        print(f"| {name} | {size:.1f} | {n:,} | {m['exit']} | {float(m['seconds']):.1f} | {float(m['cpu']):.1f} | {float(m['peak_mb']):.0f} | {tail} |", flush=True)
    print(f"\npeak RSS of the measuring processes' children; this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()

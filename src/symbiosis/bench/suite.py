"""Benchmarks of match quality and speed: the optimiser against the baselines.

Each (instance, method) runs in a fresh process, so its peak memory is its own, and
its result is written and then checked by ``check_result`` like any other. The
table reports net savings, the ratio of the objective to the optimiser's best
proven bound, wall time (start-up of the run included), the build and solve times,
peak memory and the gap. Nothing here is timed in the unit tests.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis import api
from symbiosis.analysis.check import check_result
from symbiosis.bundled import bundled_scenario
from symbiosis.generate import write_park
from symbiosis.io.write.files import write_csv
from symbiosis.solver import workers_for

METHODS = ("optimal", "greedy", "type_only")
# Shipped inside the package (package data), so that a plain install benchmarks it too.
HAASRODE = bundled_scenario("haasrode")


@dataclass(frozen=True)
class Instance:
    name: str
    companies: int  # 0 for a scenario folder
    seed: int
    time_limit_s: float
    path: Path | None = None
    processes: int | None = None  # solver.processes when given (Dask workers for the parts above 1); else the default, 'auto'
    settings: tuple[tuple[str, Any], ...] = ()  # further setting overrides, e.g. (("solver.mip_rel_gap", 0.01),)


def suite(quick: bool = False) -> list[Instance]:
    """The benchmark instances: generated parks with fixed seeds, and Haasrode."""
    if quick:
        return [Instance("gen-20", 20, 20, 30), Instance("gen-60", 60, 60, 30)]
    return [
        Instance("haasrode", 0, 0, 60, HAASRODE),
        Instance("gen-20", 20, 20, 60),
        Instance("gen-60", 60, 60, 60),
        Instance("gen-150", 150, 150, 60),
        Instance("gen-500", 500, 500, 120),
        Instance("gen-1000", 1000, 1000, 600),
        Instance("gen-3000", 3000, 3000, 900),
    ]


# The scale targets of issues 13 and 21 with the default settings, on seeds the suite above
# does not use (so nothing is tuned to them); -k1 and -k2 pin the number of processes.
SCALE: tuple[Instance, ...] = (
    # A 150-company park whose pool-free pallet part stopped at a 2.4 % gap after 40 s when
    # RINS was off for small parts (issue 21, item 4); the target is 0.1 % in 60 s.
    Instance("park-150", 150, 8, 60),
    Instance("scale-1000", 1000, 7, 600),
    Instance("scale-1000-k1", 1000, 7, 600, processes=1),
    Instance("scale-3000", 3000, 13, 600),
    Instance("scale-10000", 10000, 17, 1800),
    Instance("scale-10000-k1", 10000, 17, 1800, processes=1),
    Instance("scale-10000-k2", 10000, 17, 1800, processes=2),
    # Scaling with the number of workers: every part solved to a 1 % gap, so that wall time (not the limit) is measured.
    Instance("workers-1000-k1", 1000, 7, 1800, processes=1, settings=(("solver.mip_rel_gap", 0.01),)),
    Instance("workers-1000-k2", 1000, 7, 1800, processes=2, settings=(("solver.mip_rel_gap", 0.01),)),
)


def instances(quick: bool = False) -> list[Instance]:
    """The suite's instances and the scale instances (these run only when named with ``only``)."""
    return suite(quick) + list(SCALE)


def _scenario_path(inst: Instance, work: Path) -> Path:
    if inst.path is not None:
        return inst.path
    folder = work / "instances" / f"gen-{inst.companies}-seed{inst.seed}"
    if not (folder / "scenario.yaml").exists():
        write_park(folder, inst.companies, seed=inst.seed)
    return folder


def run_one(inst: Instance, method: str, work: str) -> dict[str, Any]:
    """One method on one instance, in this (fresh) process. Returns a row of the table.

    ``wall_seconds`` here runs from loading the scenario to the written result; the
    caller replaces it with the time from starting the process, imports included.
    """
    start = time.perf_counter()
    path = _scenario_path(inst, Path(work))
    scenario = api.load_scenario(path)
    if method == "optimal":
        overrides: dict[str, Any] = {"solver.time_limit_s": inst.time_limit_s, **dict(inst.settings)}
        if inst.processes is not None:
            overrides["solver.processes"] = inst.processes
        result = api.solve(scenario, None, None, **overrides)
    else:
        result = api.run_baseline(scenario, method)
    out = Path(work) / "runs" / f"{inst.name}-{method}"
    result.write(out)
    wall = time.perf_counter() - start
    report = check_result(scenario, out)
    s = result.summary
    pairs = sorted(set(zip(result.matches.source, result.matches.target, result.matches.kind)))
    return {
        "instance": inst.name,
        "companies": len(scenario.companies),
        "streams": len(scenario.streams),
        "candidates": s.n_candidates,
        "method": method,
        "status": s.status.value,
        "net_savings_eur_per_year": s.net_savings_eur_per_year,
        "objective": s.objective,
        "best_bound": s.best_bound,
        "mip_gap": s.mip_gap,
        "processes": workers_for([int(n) + 1 for n in result.parts["n_candidates"]], s.settings["solver"]["processes"]) if method == "optimal" else 1,
        "n_exchanges": s.n_exchanges,
        "n_pools": s.n_pools,
        "wall_seconds": wall,
        "build_seconds": s.build_seconds,
        "solve_seconds": s.solve_seconds,
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "check_ok": report.ok,
        "check_violations": len(report.violations),
        "pairs": json.dumps(pairs),
    }


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem_gb = float("nan")
    from importlib import metadata

    import pyomo

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_gb, 1),
        "python": platform.python_version(),
        "pyomo": pyomo.__version__,
        "highspy": metadata.version("highspy"),
        "platform": platform.platform(),
    }


def run(
    out_dir: str | Path,
    quick: bool = False,
    only: list[str] | None = None,
    methods: tuple[str, ...] = METHODS,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Run the suite, write results.csv, results.md and results.png into ``out_dir``, return the table."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    ctx = get_context("spawn")
    for inst in instances(quick):
        if (only and inst.name not in only) or (not only and inst in SCALE):
            continue
        for method in methods:
            if progress:
                progress(f"{inst.name}: {method}")
            started = time.perf_counter()
            with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
                row = pool.submit(run_one, inst, method, str(out)).result()
            row["wall_seconds"] = time.perf_counter() - started  # a fresh process: start-up and imports included
            rows.append(row)
    table = add_quality(pd.DataFrame(rows))
    write_tables(table, out, "quick" if quick else ("only" if only else "full"))
    return table


RESULTS = Path("benchmarks/results")  # where the full suite's results are committed


def bench_folder(out_dir: Path | None, partial: bool) -> Path:
    """Where a run writes: ``out_dir`` if given; else ``benchmarks/results`` for the full suite and
    ``benchmarks/results/quick`` for a partial one (``--quick`` or ``--only``), beside the full results."""
    if out_dir is not None:
        return out_dir
    return RESULTS / "quick" if partial else RESULTS


def holds_full_results(folder: Path) -> bool:
    """Whether a folder holds the results of a full run (``machine.json`` says so, or predates the mark)."""
    if not (folder / "results.csv").is_file():
        return False
    try:
        run = json.loads((folder / "machine.json").read_text(encoding="utf-8")).get("run", "full")
    except (OSError, ValueError, AttributeError):
        return True  # results.csv without a readable machine.json: not ours to judge, so kept
    return run == "full"


def add_quality(table: pd.DataFrame) -> pd.DataFrame:
    """Ratio to the optimiser's proven bound, gain over greedy, and type-only precision/recall."""
    table = table.copy()
    table["ratio_to_bound"] = float("nan")
    table["precision"] = float("nan")
    table["recall"] = float("nan")
    for _, group in table.groupby("instance", sort=False):
        opt = group[group["method"] == "optimal"]
        if opt.empty:
            continue
        bound = opt["best_bound"].iloc[0]
        if bound is not None and pd.notna(bound) and bound > 0:
            table.loc[group.index, "ratio_to_bound"] = group["objective"].astype(float) / float(bound)
        best = {tuple(p) for p in json.loads(opt["pairs"].iloc[0])}
        for i in group.index:
            got = {tuple(p) for p in json.loads(table.at[i, "pairs"])}
            if got:
                table.at[i, "precision"] = len(got & best) / len(got)
            if best:
                table.at[i, "recall"] = len(got & best) / len(best)
    return table


COLUMNS = [
    "instance", "companies", "candidates", "method", "status", "net_savings_eur_per_year", "ratio_to_bound", "mip_gap",
    "wall_seconds", "build_seconds", "solve_seconds", "peak_memory_mb", "n_exchanges", "n_pools", "precision", "recall", "check_ok",
    "processes",
]


def write_tables(table: pd.DataFrame, out: Path, run: str = "full") -> None:
    """results.csv, results.md, machine.json (with ``run``: full, quick or only) and results.png."""
    write_csv(table[COLUMNS], out / "results.csv", float_format="%.6g")
    (out / "results.md").write_text(markdown(table), encoding="utf-8")
    (out / "machine.json").write_text(json.dumps(machine() | {"run": run}, indent=1) + "\n", encoding="utf-8")
    plot(table, out / "results.png")


def markdown(table: pd.DataFrame) -> str:
    """The table as Markdown, money in kEUR and ratios in percent."""
    head = "| instance | companies | arcs | method | status | net savings kEUR/yr | of bound | gap | wall s | build s | solve s | peak MB | processes | checked |\n"
    head += "| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
    lines = []
    for r in table.itertuples(index=False):
        ratio = "" if pd.isna(r.ratio_to_bound) else f"{100 * r.ratio_to_bound:.2f} %"
        gap = "" if r.mip_gap is None or pd.isna(r.mip_gap) else f"{100 * r.mip_gap:.3f} %"
        net = "" if r.net_savings_eur_per_year is None or pd.isna(r.net_savings_eur_per_year) else f"{r.net_savings_eur_per_year / 1000:,.1f}"
        lines.append(
            f"| {r.instance} | {r.companies} | {r.candidates} | {r.method} | {r.status} | {net} | {ratio} | {gap} | "
            f"{r.wall_seconds:.1f} | {r.build_seconds:.1f} | {r.solve_seconds:.1f} | {r.peak_memory_mb:.0f} | {r.processes} | {'yes' if r.check_ok else 'NO'} |"
        )
    return head + "\n".join(lines) + "\n"


def plot(table: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for method, group in table.groupby("method", sort=False):
        g = group.sort_values("companies")
        ax1.plot(g["companies"], 100 * g["ratio_to_bound"], marker="o", label=method)
        ax2.plot(g["companies"], g["wall_seconds"], marker="o", label=method)
    ax1.set_xscale("log")
    ax1.set_xlabel("companies")
    ax1.set_ylabel("objective, % of the proven bound")
    ax1.set_title("Match quality")
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("companies")
    ax2.set_ylabel("wall time, s")
    ax2.set_title("Speed")
    ax1.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)

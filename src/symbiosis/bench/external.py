"""``symbiosis bench --suite external``: published optima of the FCTP and SSCFLP libraries, and plain HiGHS beside us.

Each instance file (``fctp/*.mps``, ``sscflp/p*`` in the benchmark folder) is read by
``symbiosis.bench.instances`` and written as a scenario folder (``links.csv`` carries every
unit and fixed cost; see ``benchmarks/external/MAPPING.md``). The project solves it in a
fresh process (wall time with start-up and imports; build and solve seconds from the
summary), the result is checked by ``check_result``, and the minimum cost is recovered as
M x total demand - net savings, its bound as M x total demand - the savings bound. In the
same run plain HiGHS solves the published MPS file (SSCFLP: the textbook MILP written by
``write_sscflp_mps``, since none is published) with the same time limit, gap 0 and one
thread. Nothing here is timed in the unit tests.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis import api
from symbiosis.analysis.check import check_result
from symbiosis.bench.instances import (
    PUBLISHED,
    FctpInstance,
    Instance,
    buyer_price,
    read_instance,
    total_demand,
    write_scenario,
    write_sscflp_mps,
)
from symbiosis.bench.plain_highs import solve_mps_with_highs
from symbiosis.bench.suite import machine
from symbiosis.errors import SettingsError
from symbiosis.io.write.files import write_csv

# The instances in the order they run (n3700, the long one, last).
EXTERNAL = (
    "fctp-bk4x3", "fctp-gr4x6", "fctp-bal8x12", "fctp-ran10x10a", "fctp-ran4x64", "fctp-ran17x17",
    "p1", "p2", "p3", "p20", "p40", "p60", "fctp-n3700",
)  # fmt: skip
TIME_LIMIT_S = 120.0
TARGET_RATIO = 1.2  # the project's build + solve at most 1.2 x plain HiGHS's solve (FCTP)
REL_OK = 1e-6  # a recovered cost within this of the published one reproduces it


def check_folder(bench_dir: str | Path) -> Path:
    """The benchmark folder, or a clear error naming what is missing."""
    folder = Path(bench_dir)
    missing = [sub for sub in ("fctp", "sscflp") if not (folder / sub).is_dir()]
    if missing:
        raise SettingsError(
            f"benchmark folder '{folder}' (resolved: {folder.resolve()}) has no {' or '.join(f'{m}/' for m in missing)}; "
            "give the folder of the published instances with --bench-dir (default: ../shared/benchmarks from the current folder)"
        )
    return folder


def instance_file(name: str, bench_dir: Path) -> Path:
    """The published file of an instance."""
    return bench_dir / "fctp" / f"{name}.mps" if name.startswith("fctp-") else bench_dir / "sscflp" / name


def project_run(scenario_dir: str, out_dir: str, time_limit_s: float) -> dict[str, Any]:
    """Solve one converted scenario in this (fresh) process, write and check the result."""
    scenario = api.load_scenario(scenario_dir)
    result = api.solve(scenario.with_settings(**{"solver.time_limit_s": time_limit_s}))
    result.write(out_dir)
    report = check_result(scenario, out_dir)
    s = result.summary
    return {
        "status": s.status.value,
        "net_savings": s.net_savings_eur_per_year,
        "savings_bound": s.best_bound,
        "build_seconds": s.build_seconds,
        "solve_seconds": s.solve_seconds,
        "check_ok": report.ok,
    }


def recovered(inst: Instance, savings: float | None) -> float:
    """Minimum cost from net savings (or a cost bound from a savings bound): M x total demand - savings."""
    if savings is None or (isinstance(savings, float) and math.isnan(savings)):
        return math.nan
    return buyer_price(inst) * total_demand(inst) - float(savings)


def run_instance(name: str, bench_dir: Path, out: Path, time_limit_s: float = TIME_LIMIT_S) -> dict[str, Any]:
    """One instance: the project in a fresh process, then plain HiGHS on the published MPS."""
    inst = read_instance(name, bench_dir)
    folder = write_scenario(inst, out / "scenarios" / name)
    if isinstance(inst, FctpInstance):
        mps, mps_note = instance_file(name, bench_dir), "published MPS"
    else:
        (out / "mps").mkdir(parents=True, exist_ok=True)
        mps, mps_note = write_sscflp_mps(inst, out / "mps" / f"{name}.mps"), "textbook MILP (write_sscflp_mps)"
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        ours = pool.submit(project_run, str(folder), str(out / "runs" / name), time_limit_s).result()
    wall = time.perf_counter() - started  # a fresh process: start-up and imports included
    plain = solve_mps_with_highs(mps, time_limit_s)
    cost, bound = recovered(inst, ours["net_savings"]), recovered(inst, ours["savings_bound"])
    published = PUBLISHED.get(name)
    ours_s = float(ours["build_seconds"]) + float(ours["solve_seconds"])
    return {
        "instance": name,
        "library": "FCTP" if isinstance(inst, FctpInstance) else "SSCFLP",
        "published": published,
        "recovered": cost,
        "recovered_bound": bound,
        "reproduced": published is not None and math.isclose(cost, published, rel_tol=REL_OK, abs_tol=1e-6),
        "status": ours["status"],
        "gap": (cost - bound) / cost if cost else math.nan,
        "build_seconds": float(ours["build_seconds"]),
        "solve_seconds": float(ours["solve_seconds"]),
        "project_seconds": ours_s,
        "wall_seconds": wall,
        "highs_objective": plain["objective"],
        "highs_bound": plain["bound"],
        "highs_gap": (plain["objective"] - plain["bound"]) / plain["objective"] if plain["objective"] else math.nan,
        "highs_status": plain["status"],
        "highs_seconds": plain["seconds"],
        "ratio": ours_s / plain["seconds"] if plain["seconds"] > 0 else math.nan,
        "highs_model": mps_note,
        "check_ok": bool(ours["check_ok"]),
        "buyer_price": buyer_price(inst),
        "total_demand": total_demand(inst),
    }


def run_external(
    out_dir: str | Path,
    bench_dir: str | Path,
    only: list[str] | None = None,
    time_limit_s: float = TIME_LIMIT_S,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Run every instance (or ``only`` those), write results.csv, results.md and machine.json into ``out_dir``."""
    folder = check_folder(bench_dir)
    names = [n for n in EXTERNAL if not only or n in only]
    unknown = sorted(set(only or ()) - set(EXTERNAL))
    if unknown:
        raise SettingsError(f"unknown external instance(s) {', '.join(unknown)}; known: {', '.join(EXTERNAL)}")
    for name in names:
        if not instance_file(name, folder).is_file():
            raise SettingsError(f"'{instance_file(name, folder)}' not found in the benchmark folder '{folder}'")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in names:
        if progress:
            progress(f"{name} ...")
        rows.append(run_instance(name, folder, out, time_limit_s))
        table = pd.DataFrame(rows)
        write_csv(table, out / "results.csv")
        (out / "results.md").write_text(markdown(table), encoding="utf-8")
    (out / "machine.json").write_text(json.dumps(machine(), indent=1) + "\n", encoding="utf-8")
    return pd.DataFrame(rows)


def _num(x: Any, fmt: str) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, fmt)


def markdown(table: pd.DataFrame) -> str:
    """The table as Markdown: recovered and published optimum, seconds, ratio and, for unproven runs, the gaps."""
    head = (
        "| instance | published | recovered (bound) | status | build + solve s | wall s | plain HiGHS s | ratio | "
        "plain HiGHS objective (bound) | HiGHS model | checked |\n"
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n"
    )
    lines = []
    for r in table.itertuples(index=False):
        proven = r.status == "optimal"
        ours = _num(r.recovered, ",.10g") + ("" if proven else f" ({_num(r.recovered_bound, ',.0f')}, gap {_num(100 * r.gap, '.1f')} %)")
        theirs = _num(r.highs_objective, ",.10g") + ("" if r.highs_status == "Optimal" else f" ({_num(r.highs_bound, ',.0f')}, gap {_num(100 * r.highs_gap, '.1f')} %)")
        pub = "open" if r.published is None or (isinstance(r.published, float) and math.isnan(r.published)) else _num(r.published, ",.10g")
        lines.append(
            f"| {r.instance} | {pub} | {ours} | {r.status} | {r.project_seconds:.3f} | {r.wall_seconds:.1f} | {r.highs_seconds:.3f} | "
            f"{r.ratio:.2f} | {theirs} | {r.highs_model} | {'yes' if r.check_ok else 'NO'} |"
        )
    return head + "\n".join(lines) + "\n"

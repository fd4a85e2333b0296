"""Front benchmark (README "Trade-offs"): the epsilon method, the part-wise method and pyaugmecon, side by side.

Usage:
    python benchmarks/front_bench.py OUT_DIR [--pyaugmecon-python PY] [--only NAME] [--timeout S] [--points N]

Instances: Haasrode (bundled) and two generated parks (``symbiosis generate``, fixed seeds,
profiles and pools). Each method runs on each instance in a child process of this one (one
process tree), with the instance's own solver settings: ``pareto --method epsilon``,
``pareto --method parts`` and, where the interpreter given by ``--pyaugmecon-python`` has
pyaugmecon 2.0.1 (it needs Python >= 3.12, pip extra ``bench``), pyaugmecon's AUGMECON-R in
sampled mode on the same Pyomo model (``symbiosis.model.build_model``, undecomposed) with the
same HiGHS (appsi_highs), the same gap and time limit per solve, and net savings >= 0 as a
constraint so that it covers the same stretch of the front. Written: OUT_DIR/results.csv and
results.md, one row per instance and method: points found, points proven, the largest gap
among them, wall seconds (the child process from start to exit), solves.

pyaugmecon reports no bound and no status per point, so its points proven and gap are left
empty; a run over ``--timeout`` seconds is killed and reported as such.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

INSTANCES = {
    "haasrode": None,
    "gen-30": ("30", "1"),
    "gen-60": ("60", "2"),
}
METHODS = ("epsilon", "parts", "pyaugmecon")
FIELDS = ["instance", "method", "points", "proven", "largest_gap", "wall_s", "solves", "note"]


def scenario_dir(name: str, work: Path) -> Path:
    """The instance's scenario folder (generated once into ``work``)."""
    if INSTANCES[name] is None:
        from symbiosis.bundled import bundled_scenario

        return bundled_scenario(name)
    n, seed = INSTANCES[name]  # type: ignore[misc]
    target = work / name
    if not target.exists():
        code = "import sys; from symbiosis.cli import main; sys.argv = ['symbiosis', *sys.argv[1:]]; main()"
        subprocess.run([sys.executable, "-c", code, "generate", str(target), "-n", n, "--seed", seed], check=True, capture_output=True)
    return target


def run_symbiosis(method: str, folder: Path, points: int) -> dict[str, object]:
    """In the child: the front by one of symbiosis's methods."""
    import symbiosis

    front = symbiosis.pareto(folder, points=points, method=method)
    gaps = [p.mip_gap for p in front.points if p.mip_gap is not None]
    return {
        "points": len(front.points),
        "proven": sum(p.proven for p in front.points),
        "largest_gap": max(gaps) if gaps else None,
        "solves": front.solves,
        "note": f"ran as {front.method}",
        "front": [[p.co2, p.net_savings, p.status.value] for p in front.points],
    }


def run_pyaugmecon(folder: Path, points: int) -> dict[str, object]:
    """In the child (Python >= 3.12 with pyaugmecon): AUGMECON-R on the same model, y = net savings, x = CO2."""
    import pyomo.environ as pyo
    from pyaugmecon import PyAugmecon

    import symbiosis
    from symbiosis.candidates import build_candidates
    from symbiosis.model import build_model
    from symbiosis.types import Objective

    sc = symbiosis.load_scenario(folder).with_settings(carbon_price_eur_per_t=0)
    goal = Objective("savings_eur", floors=(("co2_t", 0.0),))
    model = build_model(build_candidates(sc, objective=goal), sc.settings, goal).model
    row = model.floor_co2_t  # body >= lower: CO2 avoided = body - lower
    savings = model.objective.expr
    co2 = row.body - row.lower
    row.deactivate()
    model.objective.deactivate()
    model.del_component(model.objective)
    model.keep_savings = pyo.Constraint(expr=savings >= 0)  # the same stretch as symbiosis's fronts
    model.obj_list = pyo.ObjectiveList()
    model.obj_list.add(expr=savings, sense=pyo.maximize)
    model.obj_list.add(expr=co2, sense=pyo.maximize)
    for i in (1, 2):
        model.obj_list[i].deactivate()
    options = sc.settings.solver
    config = {
        "name": f"bench-{folder.name}",
        "mode": "sampled",
        "sample_points": [points],
        "nadir_strategy": "payoff",
        "objective_order": "given",
        "workers": 1,
        "solver_name": "highs",
        "solver_options": {"time_limit": options.time_limit_s, "mip_rel_gap": options.mip_rel_gap, "threads": 1, "random_seed": options.seed},
        "progress_bar": False,
        "log_to_console": False,
        "write_csv": False,
        "artifact_folder": str(Path.cwd() / "pyaugmecon-logs"),
    }
    result = PyAugmecon(model, config).solve()
    front = sorted((float(p[1]), float(p[0])) for p in result.points)
    return {
        "points": len(front),
        "proven": None,
        "largest_gap": None,
        "solves": int(result.models_solved),
        "note": f"appsi_highs, {int(result.models_infeasible)} infeasible grid points",
        "front": [[x, y, ""] for x, y in front],
    }


def child(args: argparse.Namespace) -> None:
    folder = Path(args.child[1])
    out = run_pyaugmecon(folder, args.points) if args.child[0] == "pyaugmecon" else run_symbiosis(args.child[0], folder, args.points)
    Path(args.child[2]).write_text(json.dumps(out), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--pyaugmecon-python", default=None, help="an interpreter (Python >= 3.12) with symbiosis and pyaugmecon 2.0.1")
    parser.add_argument("--only", action="append", default=None, help="an instance (haasrode, gen-30, gen-60); may repeat")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--points", type=int, default=10)
    parser.add_argument("--child", nargs=3, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.out is None:
        parser.error("OUT_DIR is needed")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    for name in args.only or list(INSTANCES):
        folder = scenario_dir(name, out / "instances")
        for method in args.methods.split(","):
            python = args.pyaugmecon_python if method == "pyaugmecon" else sys.executable
            row: dict[str, object] = {"instance": name, "method": method}
            if python is None:
                rows.append({**row, "note": "not run: no --pyaugmecon-python (pyaugmecon 2.0.1 needs Python >= 3.12)"})
                continue
            answer = out / "runs" / f"{name}-{method}.json"
            answer.parent.mkdir(parents=True, exist_ok=True)
            t0 = time.perf_counter()
            try:
                proc = subprocess.run(
                    [python, __file__, "--points", str(args.points), "--child", method, str(folder), str(answer)],
                    capture_output=True, text=True, timeout=args.timeout, cwd=answer.parent,
                )
            except subprocess.TimeoutExpired:
                rows.append({**row, "wall_s": round(time.perf_counter() - t0, 1), "note": f"killed after {args.timeout:.0f} s"})
                print(rows[-1], flush=True)
                continue
            wall = round(time.perf_counter() - t0, 1)
            if proc.returncode != 0:
                rows.append({**row, "wall_s": wall, "note": "failed: " + (proc.stderr.strip().splitlines() or ["?"])[-1][:200]})
            else:
                got = json.loads(answer.read_text(encoding="utf-8"))
                gap = got["largest_gap"]
                rows.append({
                    **row, "points": got["points"], "proven": got["proven"], "largest_gap": None if gap is None else f"{100 * gap:.3g} %",
                    "wall_s": wall, "solves": got["solves"], "note": got["note"],
                })
            print(rows[-1], flush=True)
    with (out / "results.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(rows)
    lines = ["| " + " | ".join(FIELDS) + " |", "|" + "---|" * len(FIELDS)]
    lines += ["| " + " | ".join("" if r.get(f) is None else str(r.get(f)) for f in FIELDS) + " |" for r in rows]
    (out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

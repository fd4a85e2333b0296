"""CPU seconds of the build (as ``summary.json``'s ``build_seconds`` counts it) and of the hand-over to HiGHS, by step.

Usage: python build_cpu.py SRC SCENARIO [REPEATS]

SRC is the source tree to measure (``src`` of a checkout), put first on the path. The
build is the candidates and their parts, then for every part what ``solver.schedule.solve_part``
does before HiGHS: the greedy warm start, the Pyomo model and its start, with the garbage
collector paused as there. The hand-over (``_to_highs``, counted in the solve time) is
reported apart, and so is a sha256 of every part's HiGHS input (matrix, bounds, costs,
integrality, start), which must be the same for two trees that build the same model. CPU
time (``time.process_time``), not wall time, so that runs on a shared machine compare;
run two trees one after the other, several times.
"""

from __future__ import annotations

import hashlib
import sys
import time


def main() -> None:
    sys.path.insert(0, sys.argv[1])  # the source tree to measure, before the project's imports
    import numpy as np
    from pyomo.common.gc_manager import PauseGC

    from symbiosis import api
    from symbiosis.analysis import baselines
    from symbiosis.candidates import build_candidates, split_components
    from symbiosis.model import build_model, set_start
    from symbiosis.solver.highs import compile_model

    scenario = api.load_scenario(sys.argv[2])
    settings = scenario.settings
    for rep in range(int(sys.argv[3]) if len(sys.argv) > 3 else 1):
        digest = hashlib.sha256()
        t0 = time.process_time()
        parts = split_components(build_candidates(scenario))
        steps = {"candidates": time.process_time() - t0, "greedy": 0.0, "model": 0.0, "start": 0.0, "hand-over": 0.0}
        for part in parts:
            c = part.candidates
            with PauseGC():
                t = time.process_time()
                d = baselines.greedy(c, settings)
                steps["greedy"] += time.process_time() - t
                t = time.process_time()
                handle = build_model(c, settings)
                steps["model"] += time.process_time() - t
                t = time.process_time()
                set_start(handle, c, d.flows, d.y, d.z, d.w)
                steps["start"] += time.process_time() - t
                if len(handle.model.y) or len(handle.model.z):
                    t = time.process_time()
                    compiled, values = compile_model(handle)
                    steps["hand-over"] += time.process_time() - t
                    lp = compiled.lp
                    for arr in (lp.col_cost_, lp.col_lower_, lp.col_upper_, lp.row_lower_, lp.row_upper_, lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_, values):
                        digest.update(np.asarray(arr).tobytes())
                    digest.update(str([int(k) for k in lp.integrality_]).encode())
                del handle
        build = steps["candidates"] + steps["greedy"] + steps["model"] + steps["start"]
        print(f"run {rep + 1}: build {build:.2f} s CPU (" + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()) + f"); {len(parts)} parts; input sha256 {digest.hexdigest()[:16]}", flush=True)


if __name__ == "__main__":
    main()

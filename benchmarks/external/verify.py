"""Independent check of the mapping in MAPPING.md: the symbiosis max-savings MILP, built in highspy.

:func:`max_savings_formulation_check` builds, straight from an instance's dataclass (not from the
scenario files, not with the engine), the maximisation that symbiosis solves for the converted
scenario, with the same buyer price M:

- FCTP (exchanges): max sum_a (M - c_a) x_a - f_a y_a, s.t. sum_{a from s} x_a <= S_s,
  sum_{a into d} x_a <= D_d, x_a <= S_s y_a, x >= 0, y binary. Supplies and demands are
  inequalities, as in symbiosis: nothing forces a demand to be served but the price M.
- SSCFLP (pools): max sum_{f,d} (M Q_d - c_{fd}) w_{fd} - sum_f F_f z_f, s.t. sum_f w_{fd} <= 1
  (a demand joins at most one pool, whole), sum_d Q_d w_{fd} <= cap_f z_f, w, z binary
  (plus the valid w_{fd} <= z_f, which only tightens the relaxation).

Its optimum must satisfy M * total demand - optimum == published optimum. Run as a script:
``.venv/bin/python benchmarks/external/verify.py [names...]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import highspy
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import readers


def _solve(
    h: highspy.Highs,
    obj: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    integer: np.ndarray,
    rows: list[tuple[list[int], list[float], float, float]],
    time_limit_s: float,
) -> float:
    n = len(obj)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.addCols(
        n,
        obj.astype(float),
        lower.astype(float),
        upper.astype(float),
        0,
        np.array([], dtype=np.int32),
        np.array([], dtype=np.int32),
        np.array([], dtype=float),
    )
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    lo: list[float] = []
    up: list[float] = []
    for idx, val, rl, ru in rows:
        starts.append(len(index))
        index.extend(idx)
        value.extend(val)
        lo.append(rl)
        up.append(ru)
    h.addRows(
        len(rows),
        np.array(lo),
        np.array(up),
        len(index),
        np.array(starts, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(value),
    )
    ints = np.flatnonzero(integer).astype(np.int32)
    h.changeColsIntegrality(len(ints), ints, np.full(len(ints), highspy.HighsVarType.kInteger))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS ended with {h.modelStatusToString(status)}")
    return float(h.getInfo().objective_function_value)


def max_savings_formulation_check(inst: readers.FctpInstance | readers.SscflpInstance, time_limit_s: float = 600.0) -> float:
    """Optimal net savings of the symbiosis maximisation for ``inst`` with M = readers.buyer_price(inst)."""
    m_price = readers.buyer_price(inst)
    inf = highspy.kHighsInf
    rows: list[tuple[list[int], list[float], float, float]] = []
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    if isinstance(inst, readers.FctpInstance):
        k = len(inst.arcs)  # columns: x_0..x_{k-1}, y_0..y_{k-1}
        obj = np.array([m_price - a.unit_cost for a in inst.arcs] + [-a.fixed_cost for a in inst.arcs])
        lower = np.zeros(2 * k)
        upper = np.array([inst.supplies[a.supply] for a in inst.arcs] + [1.0] * k)
        integer = np.array([False] * k + [True] * k)
        for i, s in enumerate(inst.supplies):
            idx = [n for n, a in enumerate(inst.arcs) if a.supply == i]
            rows.append((idx, [1.0] * len(idx), -inf, s))
        for j, d in enumerate(inst.demands):
            idx = [n for n, a in enumerate(inst.arcs) if a.demand == j]
            rows.append((idx, [1.0] * len(idx), -inf, d))
        for n, a in enumerate(inst.arcs):
            rows.append(([n, k + n], [1.0, -inst.supplies[a.supply]], -inf, 0.0))
        return _solve(h, obj, lower, upper, integer, rows, time_limit_s)
    nf, nd = len(inst.capacities), len(inst.demands)

    def w(f: int, d: int) -> int:
        return f * nd + d

    z0 = nf * nd  # columns: w_{f,d} then z_f
    obj = np.array(
        [m_price * inst.demands[d] - inst.costs[d][f] for f in range(nf) for d in range(nd)] + [-c for c in inst.fixed_costs]
    )
    lower = np.zeros(z0 + nf)
    upper = np.ones(z0 + nf)
    integer = np.ones(z0 + nf, dtype=bool)
    for d in range(nd):
        rows.append(([w(f, d) for f in range(nf)], [1.0] * nf, -inf, 1.0))
    for f in range(nf):
        rows.append(([w(f, d) for d in range(nd)] + [z0 + f], [*inst.demands, -inst.capacities[f]], -inf, 0.0))
        for d in range(nd):
            rows.append(([w(f, d), z0 + f], [1.0, -1.0], -inf, 0.0))
    return _solve(h, obj, lower, upper, integer, rows, time_limit_s)


def main(names: list[str]) -> int:
    bad = 0
    bench_dir = readers.BENCH_DIR
    if names[:1] == ["--bench-dir"]:
        bench_dir, names = Path(names[1]), names[2:]
    for name in names or ["fctp-bk4x3", "fctp-gr4x6", "p1", "p2"]:
        inst = readers.read_instance(name, bench_dir)
        t0 = time.perf_counter()
        savings = max_savings_formulation_check(inst)
        secs = time.perf_counter() - t0
        cost = readers.published_cost(inst, savings)
        pub = readers.PUBLISHED[name]
        ok = pub is not None and abs(cost - pub) <= 1e-6 * max(1.0, abs(pub))
        bad += not ok
        m = readers.buyer_price(inst)
        t = readers.total_demand(inst)
        print(
            f"{name:16s} M={m:g} T={t:g} savings={savings!r} recovered={cost!r} published={pub} {'OK' if ok else 'MISMATCH'} {secs:.2f}s"
        )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

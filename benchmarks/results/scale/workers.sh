#!/bin/bash
# K = 1 and 2 workers on 1,000 companies (seed 7), every part to a 3 % gap, 150 s limit: wall time, not the limit, is measured
PY=${PY:-.venv/bin/python}  # from the repository root
P=/tmp/b13/scale-1000-before/instances/gen-1000-seed7
for k in 1 2; do
  /usr/bin/time -f "K=$k %e s wall %U user %S sys" env PYTHONPATH=/tmp/b13/snap5 $PY -m symbiosis solve $P --out /tmp/b13/workers-k$k -q --set solver.mip_rel_gap=0.03 --set solver.time_limit_s=150 --set solver.processes=$k > /tmp/b13/workers-k$k.log 2>&1
  tail -1 /tmp/b13/workers-k$k.log
  grep -o '"status": "[a-z_]*"\|"mip_gap": [0-9.e-]*\|"objective": [0-9.e+]*\|"build_seconds": [0-9.]*\|"solve_seconds": [0-9.]*' /tmp/b13/workers-k$k/summary.json | tr '\n' ' '; echo
done

#!/bin/bash
# 1,000 companies (seed 7), 120 s limit: the first-pass-by-size scheduler (snap2) against the gap-share one (worktree)
PY=${PY:-.venv/bin/python}  # from the repository root
P=/tmp/b13/scale-1000-before/instances/gen-1000-seed7
for which in before after; do
  if [ $which = before ]; then PP=/tmp/b13/snap2; else PP=/tmp/b13/snap3; fi
  /usr/bin/time -f "$which %e wall" env PYTHONPATH=$PP $PY -m symbiosis solve $P --out /tmp/b13/gapshare-$which -q --set solver.time_limit_s=120 > /tmp/b13/gapshare-$which.log 2>&1
  tail -1 /tmp/b13/gapshare-$which.log
  grep -o '"mip_gap": [0-9.e-]*\|"objective": [0-9.e+]*\|"best_bound": [0-9.e+]*' /tmp/b13/gapshare-$which/summary.json
done

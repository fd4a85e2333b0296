#!/bin/bash
# Interleaved end-to-end runs of Haasrode, start-up included: main (before) and this branch (after).
PY=/work/wt/issue-13/.venv/bin/python
N=${1:-5}
for i in $(seq $N); do
  for which in before after; do
    if [ $which = before ]; then PP=/tmp/b13/main_src; else PP=/work/wt/issue-13/src; fi
    /usr/bin/time -f "$which %e wall %U user %S sys" env PYTHONPATH=$PP $PY -m symbiosis solve /work/wt/issue-13/scenarios/haasrode --out /tmp/b13/h-$which -q 2>&1 | tail -1
  done
done

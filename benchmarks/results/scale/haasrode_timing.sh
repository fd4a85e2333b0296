#!/bin/bash
# Interleaved end-to-end runs of Haasrode, start-up included: BEFORE and AFTER source trees.
# usage: BEFORE=/path/to/old/src AFTER=/path/to/new/src haasrode_timing.sh [N]
PY=${PY:-.venv/bin/python}
SCENARIO=${SCENARIO:-scenarios/haasrode}
N=${1:-5}
OUT=$(mktemp -d)
for i in $(seq $N); do
  for which in before after; do
    if [ $which = before ]; then PP=$BEFORE; else PP=$AFTER; fi
    rm -rf $OUT/h-$which
    /usr/bin/time -f "$which %e wall %U user %S sys" env PYTHONPATH=$PP $PY -m symbiosis solve $SCENARIO --out $OUT/h-$which -q 2>&1 | tail -1
  done
done
rm -rf $OUT

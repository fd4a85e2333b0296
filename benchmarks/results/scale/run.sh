#!/bin/bash
# usage: run.sh SNAPSHOT_SRC NAME...  ; runs each benchmark instance in turn, sampling the summed RSS of its process tree
SRC=$1; shift
PY=${PY:-.venv/bin/python}
for NAME in "$@"; do
  OUT=${OUTROOT:-/tmp/b13}/$NAME
  mkdir -p $OUT
  date -u +%FT%TZ > $OUT/started
  setsid env PYTHONPATH=$SRC $PY -m symbiosis bench --out $OUT --only $NAME > $OUT/log 2>&1 &
  PID=$!
  PEAK=0
  while kill -0 $PID 2>/dev/null; do
    RSS=$(ps -o rss= -s $PID 2>/dev/null | awk '{s+=$1} END {print s+0}')
    [ "$RSS" -gt "$PEAK" ] && PEAK=$RSS && echo $PEAK > $OUT/peak_tree_rss_kb
    sleep 2
  done
  wait $PID; echo $? > $OUT/rc
  date -u +%FT%TZ > $OUT/finished
done

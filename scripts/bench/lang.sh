#!/usr/bin/env bash
# The language against CPython on the same programs, in one run: the best of
# several runs each, and the ratio (Howl / Python; at most 1.0 is the goal).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/build-release
howl=.build/release/howl
runs=${RUNS:-5}

best() {  # best wall time in ms of "$@" over $runs runs
  local best=999999
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    (( ms < best )) && best=$ms
  done
  echo "$best"
}

printf '%-14s %10s %10s %8s\n' program howl_ms python_ms ratio
for name in fib collections strings; do
  a=$("$howl" scripts/bench/lang/$name.howl); b=$(python3 scripts/bench/lang/$name.py)
  [ "$a" = "$b" ] || { echo "$name: outputs differ: howl '$a' python '$b'"; exit 1; }
  h=$(best "$howl" scripts/bench/lang/$name.howl)
  p=$(best python3 scripts/bench/lang/$name.py)
  printf '%-14s %10s %10s %8s\n' "$name" "$h" "$p" "$(python3 -c "print(f'{$h/max($p,1):.2f}')")"
done
h=$(best "$howl" -c 'print(1)')
p=$(best python3 -c 'print(1)')
printf '%-14s %10s %10s %8s\n' startup "$h" "$p" "$(python3 -c "print(f'{$h/max($p,1):.2f}')")"

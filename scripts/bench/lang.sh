#!/usr/bin/env bash
# The language against CPython and Lua 5.4 on the same programs, each at a
# small and a large size: the median wall time (whole process) of RUNS turns
# taken alternately, the compute time (the median less the interpreter's
# start-up), the ratios (Howl / peer; the goal is at most 0.7 against
# Python and 1.5 against Lua), then instruction counts under callgrind
# (CALLGRIND=0 skips them) and the peak memory of start-up.
#
# Usage: scripts/bench/lang.sh   (RUNS=5 CALLGRIND=1 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/build-release
howl=.build/release/howl
runs=${RUNS:-5}
dir=scripts/bench/lang
# The real CPython binary: `python3` on PATH may be a shim (pyenv's is a bash
# script) whose start-up would be counted as Python's.
python=$(python3 -c 'import sys; print(sys.executable)')
lua=$(command -v lua5.4) || { echo "lang.sh: lua5.4 is missing (scripts/setup installs it)"; exit 1; }

echo "howl:   $howl ($("$howl" --version))"
echo "python: $python ($("$python" -c 'import sys; print(sys.version.split()[0])'))"
echo "lua:    $lua ($("$lua" -v 2>&1 | awk '{print $2}'))"
echo "median of $runs alternating turns; compute = median - start-up"

# The programs and their sizes: small, then large enough that compute and
# not start-up is measured.
cases=("fib 27" "fib 30" "collections 100000" "collections 1000000" "strings 200000" "strings 2000000"
       "nodes 10000" "nodes 100000")

run() {  # run IMPL PROGRAM SIZE: the program's output
  case $1 in
    howl) "$howl" "$dir/$2.howl" "$3" ;;
    python) "$python" "$dir/$2.py" "$3" ;;
    lua) "$lua" "$dir/$2.lua" "$3" ;;
  esac
}

start() {  # start IMPL: an empty program
  case $1 in
    howl) "$howl" -c 'print(1)' ;;
    python) "$python" -c 'print(1)' ;;
    lua) "$lua" -e 'print(1)' ;;
  esac
}

ms() {  # ms COMMAND…: its wall time in ms, to a tenth
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null
  t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 100000 ))" | sed -E 's/^([0-9]*)([0-9])$/\1.\2/; s/^\./0./'
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN {d = a - b; printf "%.1f", (d > 0.1) ? d : 0.1}'; }

impls=(howl python lua)
declare -A startup
for impl in "${impls[@]}"; do
  times=""
  for _ in $(seq "$runs"); do times+=" $(ms start "$impl")"; done
  startup[$impl]=$(echo "$times" | median)
done

printf '\n%-12s %8s | %8s %8s %8s | %6s %6s | %8s %8s %8s | %6s %6s\n' program size \
  howl_ms py_ms lua_ms h/py h/lua howl_cpu py_cpu lua_cpu h/py h/lua
printf '%-12s %8s | %8s %8s %8s | %6s %6s | %8s %8s %8s | %6s %6s\n' "" "" whole "" "" "" "" compute "" "" "" ""
for c in "${cases[@]}"; do
  read -r name size <<<"$c"
  expected=$(run howl "$name" "$size")
  for impl in python lua; do
    got=$(run "$impl" "$name" "$size")
    [ "$got" = "$expected" ] || { echo "$name $size: outputs differ: howl '$expected', $impl '$got'"; exit 1; }
  done
  declare -A all=()
  for _ in $(seq "$runs"); do
    for impl in "${impls[@]}"; do all[$impl]+=" $(ms run "$impl" "$name" "$size")"; done
  done
  declare -A med=() cpu=()
  for impl in "${impls[@]}"; do
    med[$impl]=$(echo "${all[$impl]}" | median)
    cpu[$impl]=$(minus "${med[$impl]}" "${startup[$impl]}")
  done
  printf '%-12s %8s | %8s %8s %8s | %6s %6s | %8s %8s %8s | %6s %6s\n' "$name" "$size" \
    "${med[howl]}" "${med[python]}" "${med[lua]}" "$(ratio "${med[howl]}" "${med[python]}")" "$(ratio "${med[howl]}" "${med[lua]}")" \
    "${cpu[howl]}" "${cpu[python]}" "${cpu[lua]}" "$(ratio "${cpu[howl]}" "${cpu[python]}")" "$(ratio "${cpu[howl]}" "${cpu[lua]}")"
done
printf '%-12s %8s | %8s %8s %8s | %6s %6s |\n' startup "" "${startup[howl]}" "${startup[python]}" "${startup[lua]}" \
  "$(ratio "${startup[howl]}" "${startup[python]}")" "$(ratio "${startup[howl]}" "${startup[lua]}")"

peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo
echo "peak memory of start-up (print(1)): howl $(( $(peak "$howl" -c 'print(1)') / 1024 )) MiB," \
  "python $(( $(peak "$python" -c 'print(1)') / 1024 )) MiB, lua $(( $(peak "$lua" -e 'print(1)') / 1024 )) MiB"

[ "${CALLGRIND:-1}" = 0 ] && exit 0
# Instructions executed, whole process, at the small sizes: a figure that
# does not drift with the machine's load. Valgrind 3.19 cannot read the DWARF
# 5 that Swift writes, so it runs a copy of howl without debug information.
plain_howl=$(mktemp)
trap 'rm -f "$plain_howl"' EXIT
objcopy --strip-debug "$howl" "$plain_howl"
instructions() {  # instructions IMPL PROGRAM SIZE
  local out
  case $1 in
    howl) out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$plain_howl" "$dir/$2.howl" "$3" 2>&1 >/dev/null) ;;
    python) out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$python" "$dir/$2.py" "$3" 2>&1 >/dev/null) ;;
    lua) out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$lua" "$dir/$2.lua" "$3" 2>&1 >/dev/null) ;;
  esac
  echo "$out" | awk '/Collected :/ {print $NF}'
}
echo
printf '%-12s %8s | %14s %14s %14s | %6s %6s\n' program size howl_instr py_instr lua_instr h/py h/lua
for c in "fib 27" "collections 100000" "strings 200000" "nodes 10000"; do
  read -r name size <<<"$c"
  h=$(instructions howl "$name" "$size"); p=$(instructions python "$name" "$size"); l=$(instructions lua "$name" "$size")
  printf '%-12s %8s | %14s %14s %14s | %6s %6s\n' "$name" "$size" "$h" "$p" "$l" "$(ratio "$h" "$p")" "$(ratio "$h" "$l")"
done

#!/usr/bin/env bash
# The store at 10,000 nodes (release build): add with addresses and commit,
# load and count, set a field on all and commit, merge all; then loading the
# same nodes.conf with Howl against Python's yaml.load(Loader=CSafeLoader),
# best of several runs, and the ratio (Howl / Python; at most 1.0 is the goal).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-5}
dir=$(mktemp -d /tmp/howl-bench-store.XXXXXX)
trap 'rm -rf "$dir"' EXIT
# Tests use @testable imports, so the release build keeps testability (still -O).
swift build -c release --build-tests -Xswiftc -enable-testing >/dev/null
run_bench() {
  HOWL_BENCH=1 HOWL_BENCH_DIR="$dir" swift test -c release -Xswiftc -enable-testing --skip-build --filter 'StoreBenchTests/benchStore' 2>&1 |
    awk '/^bench /{print $2, $3}'
}
declare -A best
for _ in $(seq "$runs"); do
  while read -r name ms; do
    if [ -z "${best[$name]:-}" ] || python3 -c "import sys; sys.exit(0 if $ms < ${best[$name]} else 1)"; then
      best[$name]=$ms
    fi
  done < <(run_bench)
done
[ -n "${best[load_10000_and_count]:-}" ] || { echo "store bench: benchStore printed nothing" >&2; exit 1; }
py=$(python3 - "$dir/etc/howl/nodes.conf" "$runs" <<'PY'
import sys, time, yaml
path, runs = sys.argv[1], int(sys.argv[2])
best = None
for _ in range(runs):
    t0 = time.perf_counter()
    with open(path) as f:
        doc = yaml.load(f, Loader=yaml.CSafeLoader)
    n = len(doc["nodes"])
    ms = (time.perf_counter() - t0) * 1000
    best = ms if best is None or ms < best else best
assert n == 10000, n
print(f"{best:.1f}")
PY
)
printf '%-36s %10s\n' step best_ms
for name in add_10000_and_commit load_10000_and_count set_field_on_10000_and_commit merge_all_10000; do
  printf '%-36s %10.1f\n' "$name" "${best[$name]}"
done
printf '%-36s %10.1f\n' python_csafeloader_load "$py"
printf '%-36s %10s\n' "ratio load howl/python" "$(python3 -c "print(f'{${best[load_10000_and_count]}/$py:.2f}')")"

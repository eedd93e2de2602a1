# Shared by the benchmarks that run howl on a scratch cluster (sourced from
# the repo root): builds the release howl, points HOWL_ROOT at a scratch
# directory removed on exit, and defines `ms CMD…` (wall time of a command,
# its output discarded, in milliseconds).
scripts/build-release
howl=$PWD/.build/release/howl
export HOWL_ROOT=$(mktemp -d)
trap 'rm -rf "$HOWL_ROOT"' EXIT

ms() {
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}

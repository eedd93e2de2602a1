# Shared by the network benchmarks (sourced from the repo root): builds the
# release howl (or takes HOWL_BIN, another build to measure, e.g. main's for
# a before/after), makes a scratch directory, and creates network namespaces
# with `netns_add NAME`. Everything started (add PIDs to `pids`) is killed
# and every namespace and the scratch directory removed on exit.
if [[ -n ${HOWL_BIN:-} ]]; then
  howl=$(realpath "$HOWL_BIN")
else
  scripts/build-release
  howl=$PWD/.build/release/howl
fi
work=$(mktemp -d)
pids=()
namespaces=()
netns_add() {
  ip netns add "$1"
  ip -n "$1" link set lo up
  namespaces+=("$1")
}
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for n in "${namespaces[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

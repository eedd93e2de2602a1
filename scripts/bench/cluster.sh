#!/usr/bin/env bash
# The cluster at 10,000 nodes, through the howl command (start-up, load,
# language, commit): add them with addresses and commit; load and count;
# set a field on all and commit (goal: each under 1 s). Loading is compared
# with Python's yaml.CSafeLoader on the same nodes.conf (ratio ≤ 1.0 is the goal).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/lib/scratch-howl.sh
best() { local b=999999 t; for _ in 1 2 3; do t=$(ms "$@"); (( t < b )) && b=$t; done; echo "$b"; }

add=$(ms "$howl" -c 'nodes.add("n[00001-10000]", ipaddr: 10.0.0.1)')
count=$(best "$howl" -c 'assert(len(nodes) == 10000)')
set_all=$(ms "$howl" -c 'nodes.root = xfs(nvme0n1)')
file=$HOWL_ROOT/etc/howl/nodes.conf
load_howl=$(best "$howl" -c 'assert(len(nodes) == 10000)')
load_py=$(best python3 -c "import yaml,sys; d=yaml.load(open('$file'), Loader=yaml.CSafeLoader); assert len(d['nodes']) == 10000")

printf '%-40s %8s\n' step ms
printf '%-40s %8s\n' "add 10,000 nodes with addresses, commit" "$add"
printf '%-40s %8s\n' "load nodes.conf and count" "$count"
printf '%-40s %8s\n' "set root on all 10,000, commit" "$set_all"
printf '%-40s %8s  (%s KB)\n' "load: howl" "$load_howl" "$(( $(stat -c %s "$file") / 1024 ))"
printf '%-40s %8s\n' "load: python3 yaml.CSafeLoader" "$load_py"
printf '%-40s %8s\n' "ratio howl / CSafeLoader" "$(python3 -c "print(f'{$load_howl/max($load_py,1):.2f}')")"

#!/usr/bin/env bash
# nodes[…].exec("uname -r") over N stand-in nodes (scripts/lab/ssh-nodes: a
# real sshd in a network namespace of its own per node, with the cluster's
# overlay keys; N=100 unless given, at most 200) against ClusterShell's
# `clush -b -w <the same nodes> uname -r` (Debian clustershell), both with a
# fanout of 32, the cluster's client key and strict host key checking
# against the cluster's host keys. One run each, side by side, the whole
# command timed (start-up included): wall times and their ratio (goal ≤ 1.0).
#   scripts/bench/exec.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-100}
(( count >= 1 && count <= 200 )) || { echo "exec.sh: N is 1 to 200" >&2; exit 2; }
source scripts/bench/lib/scratch-howl.sh
head=howlbench$$
lab=$HOWL_ROOT/lab
trap 'scripts/lab/ssh-nodes down "$head" "$count" "$lab" || true; rm -rf "$HOWL_ROOT"' EXIT

"$howl" -c "nodes.add(\"n[1-$count]\", ipaddr: 10.78.0.11)
overlays.build(complete: true)" >/dev/null
scripts/lab/ssh-nodes up "$head" "$count" "$lab"

# clush reaches the nodes by address: the same host keys, known under those.
keys=$HOWL_ROOT/etc/howl/keys
for pub in "$keys"/ssh_host_*_key.pub; do echo "10.78.0.* $(cut -d' ' -f1,2 "$pub")"; done >"$lab/known_hosts"
options="-F /dev/null -l root -oStrictHostKeyChecking=yes -oUserKnownHostsFile=$lab/known_hosts -oGlobalKnownHostsFile=/dev/null -oIdentitiesOnly=yes -oIdentityFile=$keys/cluster_key -oIdentityAgent=none -oLogLevel=ERROR"
hosts="10.78.0.[11-$((10 + count))]"

in_head() { ip netns exec "$head" "$@"; }
howl_out=$(in_head "$howl" -c 'print(nodes.exec("uname -r", fanout: 32))')
clush_out=$(in_head clush -b -f 32 -o "$options" -w "$hosts" uname -r 2>&1)
grep -q "^n\[1-$count\] ($count)\$" <<<"$howl_out" || { echo "exec.sh: howl did not reach every node:"; echo "$howl_out"; exit 1; } >&2
grep -q "($count)\$" <<<"$clush_out" || { echo "exec.sh: clush did not reach every node:"; echo "$clush_out"; exit 1; } >&2

howl_ms=$(ms in_head "$howl" -c 'print(nodes.exec("uname -r", fanout: 32))')
clush_ms=$(ms in_head clush -b -f 32 -o "$options" -w "$hosts" uname -r)
printf '%-58s %8s\n' "uname -r on $count nodes, fanout 32" "ms"
printf '%-58s %8d\n' 'howl: nodes.exec("uname -r")' "$howl_ms"
printf '%-58s %8d\n' "clush -b -w $hosts uname -r" "$clush_ms"
awk -v h="$howl_ms" -v c="$clush_ms" 'BEGIN { printf "ratio howl/clush: %.2f (goal <= 1.0)\n", h / c }'

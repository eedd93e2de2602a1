#!/usr/bin/env bash
# Overlay images at 10,000 nodes, through the howl command: every node's
# system overlays (wwinit, hostname, hosts, fstab, NetworkManager,
# systemd.networkd) and runtime overlays (hosts, syncuser), /etc/hosts
# listing all 10,000 nodes. Goal: a full build under 10 s. Then a second
# build with nothing changed, one after one node changed (which rebuilds
# every node whose /etc/hosts lists it: all of them), and, for comparison, a
# forced build that also writes the complete __SYSTEM__/__RUNTIME__.img.gz
# per node (1.4 GB here, bound by the disk).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/lib/scratch-howl.sh

"$howl" -c '
server.ipaddr = 10.0.0.1/16
let home = exports.add("/home")
use profile "default"
profile.image = images.add("rocky").name
profile.overlays = ["wwinit", "hostname", "hosts", "fstab", "NetworkManager", "systemd.networkd"]
profile.runtime_overlays = ["hosts", "syncuser"]
profile.mounts += [mount(home, at: "/home")]
nodes.add("n[00001-10000]", ipaddr: 10.0.1.1)
' >/dev/null

full=$(ms "$howl" -c 'let r = overlays.build(nodes); assert(len(r.built) == 10000)')
again=$(ms "$howl" -c 'let r = overlays.build(nodes); assert(len(r.current) == 10000)')
"$howl" -c 'nodes["n00042"].comment = "changed"' >/dev/null
changed=$(ms "$howl" -c 'let r = overlays.build(nodes); assert(len(r.built) == 10000)')
dir=$HOWL_ROOT/var/lib/howl/provision
size=$(du -sk "$dir" | cut -f1)
shared=$(head -2 "$dir/overlays/n00001/.fingerprint" | tail -1 | cut -d' ' -f2)
hosts_lines=$(cat "$shared" "$dir/overlays/n00001/__RUNTIME__.node.gz" | gzip -dc | cpio -i --quiet --to-stdout etc/hosts 2>/dev/null | wc -l)
complete=$(ms "$howl" -c 'let r = overlays.build(nodes, force: true, complete: true); assert(len(r.built) == 10000)')

printf '%-52s %8s\n' step ms
printf '%-52s %8s\n' "build 10,000 nodes × system + runtime" "$full"
printf '%-52s %8s\n' "build again, nothing changed" "$again"
printf '%-52s %8s\n' "build after one node changed (all list it)" "$changed"
printf '%-52s %8s\n' "parts on disk (KB)" "$size"
printf '%-52s %8s\n' "lines in n00001's /etc/hosts" "$hosts_lines"
printf '%-52s %8s\n' "forced build writing complete images too" "$complete"

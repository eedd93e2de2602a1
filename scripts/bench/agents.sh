#!/usr/bin/env bash
# The node agent's cost, in two parts.
# 1. Its memory while idle: howl-agent from node n1's own system overlay, run
#    by busybox sh with busybox's applets and curl alone on its PATH, in a
#    network namespace of its own against `howl serve` in another. Once it has
#    applied its runtime overlay and sits in its long poll, the resident
#    memory (RSS, and PSS: shared pages divided among their users) of its
#    processes: the agent's shell and the long poll's nc and busybox timeout
#    (whose watcher runs apart, a child of init).
#    Goal: under 5 MiB RSS.
# 2. howl serve's CPU for N simulated agents (N=10000 unless given) polling
#    every 60 s (scripts/bench/lib/agent-load.py, a load generator, not VMs;
#    each loop: the runtime overlay, the report, the long poll, all signed).
#    The CPU time howl serve used over DURATION seconds (180 unless given)
#    after one interval of ramp-up, as a share of one core.
#   scripts/bench/agents.sh [N] [DURATION]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-10000}
duration=${2:-180}
interval=60
source scripts/bench/lib/scratch-howl.sh
tag=$$
server=howlag-s$tag node=howlag-c$tag
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$node" 2>/dev/null || true
  ip netns del "$server" 2>/dev/null || true
  rm -rf "$HOWL_ROOT"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

ip netns add "$server"; ip netns add "$node"
ip -n "$server" link set lo up; ip -n "$node" link set lo up
ip -n "$server" link add vs0 type veth peer name vc0 netns "$node"
ip -n "$node" link set vc0 address 52:54:00:79:00:11
ip -n "$server" addr add 10.79.0.1/16 dev vs0; ip -n "$node" addr add 10.79.0.11/16 dev vc0
ip -n "$server" link set vs0 up; ip -n "$node" link set vc0 up

# n1, the real agent's node, and the simulated agents' nodes a1 … aN.
python3 - "$count" >"$HOWL_ROOT/setup.howl" <<'PY'
import sys
print('server.ipaddr = 10.79.0.1/16\nserver.secure = false\nserver.update_interval = 60s')
print('overlays.add("motd").write("etc/motd.ww", "hello {{.Id}}\\n")')
print('profiles["default"].overlays = ["howl-agent"]\nprofiles["default"].runtime_overlays = ["motd"]')
print('nodes.add("n1", ipaddr: 10.79.0.11, hwaddr: 52:54:00:79:00:11)')
for i in range(1, int(sys.argv[1]) + 1):
    print(f'nodes.add("a{i}", hwaddr: 52:54:01:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x})')
print('commit()\noverlays.build()')
PY
"$howl" "$HOWL_ROOT/setup.howl" >/dev/null
keys=$HOWL_ROOT/var/lib/howl/agent/keys
mkdir -p "$keys"; chmod 700 "$keys"
python3 - "$count" "$keys" >"$HOWL_ROOT/agents.txt" <<'PY'
import os, sys
for i in range(1, int(sys.argv[1]) + 1):
    path = f"{sys.argv[2]}/a{i}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, os.urandom(32).hex().encode() + b"\n"); os.close(fd)
    print(f"a{i} 52:54:01:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x}")
PY

ip netns exec "$server" "$howl" serve --no-dhcp --no-nfs --tftp-port 16981 >"$HOWL_ROOT/serve.log" 2>&1 &
serve=$!; pids+=("$serve")
for _ in $(seq 1 200); do grep -q "serving:" "$HOWL_ROOT/serve.log" && break; sleep 0.1; done
grep -q "serving:" "$HOWL_ROOT/serve.log" || { echo "agents.sh: howl serve did not start:"; cat "$HOWL_ROOT/serve.log"; exit 1; } >&2
serve_pid=$(pgrep -P "$serve" -f "howl serve" || echo "$serve")

# 1. The real agent on n1, booted as a node boots: its iPXE request, its system overlay.
root=$HOWL_ROOT/node1
mkdir -p "$root" "$HOWL_ROOT/bin"
for applet in $(busybox --list); do ln -sf /bin/busybox "$HOWL_ROOT/bin/$applet"; done
ln -sf /usr/bin/curl "$HOWL_ROOT/bin/curl"
ip netns exec "$node" curl -s -o /dev/null "http://10.79.0.1:9873/ipxe/52:54:00:79:00:11"
ip netns exec "$node" sh -c "curl -sf 'http://10.79.0.1:9873/system/52:54:00:79:00:11?compress=gz' | gzip -dc | (cd $root && cpio -idm --quiet)"
ip netns exec "$node" env -i PATH="$HOWL_ROOT/bin" HOWL_AGENT_CONF="$root/warewulf/howl-agent.conf" \
  HOWL_AGENT_ROOT="$root" HOWL_AGENT_STATE="$HOWL_ROOT/agent-state" HOWL_AGENT_WWID=52:54:00:79:00:11 \
  busybox sh "$root/warewulf/howl-agent" >"$HOWL_ROOT/agent.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do [ -f "$root/etc/motd" ] && break; sleep 0.1; done
[ -f "$root/etc/motd" ] || { echo "agents.sh: the agent applied nothing:"; cat "$HOWL_ROOT/agent.log"; exit 1; } >&2
sleep 3
agent=$(cat "$HOWL_ROOT/agent-state/pid")
family="$agent $(pgrep -P "$agent" | tr '\n' ' ' || true)"
for p in $(pgrep -P "$agent" || true); do family="$family $(pgrep -P "$p" | tr '\n' ' ' || true)"; done
# busybox timeout's watcher leaves the family (its parent is init).
family="$family $(pgrep -f "^timeout [0-9]+ nc -p [0-9]+ 10.79.0.1 9873" | tr '\n' ' ' || true)"
rss=0 pss=0 listing=""
for p in $family; do
  r=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status"); s=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup")
  rss=$((rss + r)); pss=$((pss + s)); listing="$listing $(cat "/proc/$p/comm")=${r}k"
done
printf 'idle agent:%s\n' "$listing"
awk -v r="$rss" -v p="$pss" 'BEGIN { printf "idle agent: %.2f MiB RSS, %.2f MiB PSS in all (goal < 5 MiB RSS)\n", r / 1024, p / 1024 }'

# 2. N simulated agents.
# From the node's namespace (10.79.0.1 is reachable only there), with every
# unprivileged port free for the connections in TIME_WAIT.
ticks() { awk '{print $14 + $15}' "/proc/$serve_pid/stat"; }
ip netns exec "$node" sysctl -qw net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1
ip netns exec "$node" python3 scripts/bench/lib/agent-load.py 10.79.0.1 9873 "$HOWL_ROOT/agents.txt" "$keys" "$interval" $((interval + duration)) \
  >"$HOWL_ROOT/load.txt" 2>&1 &
load=$!; pids+=("$load")
sleep "$interval"
t0=$(ticks); w0=$(date +%s%N)
sleep "$duration"
t1=$(ticks); w1=$(date +%s%N)
wait "$load" || true
cat "$HOWL_ROOT/load.txt"
hz=$(getconf CLK_TCK)
awk -v t=$((t1 - t0)) -v hz="$hz" -v w=$(( (w1 - w0) / 1000000 )) -v n="$count" -v i="$interval" \
  'BEGIN { printf "howl serve, %d agents every %d s: %.2f CPU s in %.1f s = %.1f%% of one core\n", n, i, t / hz, w / 1000, 100 * t / hz / (w / 1000) }'
printf 'howl serve resident: %s\n' "$(awk '/^VmRSS/ {print $2 " kB"}' "/proc/$serve_pid/status")"

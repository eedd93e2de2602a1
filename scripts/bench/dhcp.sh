#!/usr/bin/env bash
# DHCP load: perfdhcp (Debian kea-admin) runs full DORA exchanges with
# 100,000 simulated clients against Howl's DHCP server and against Kea
# (kea-dhcp4, raw sockets, memfile without persistence), one after the
# other on the same veth pair between two network namespaces, at rising
# rates. Prints each server's achieved exchange rate and drops, and the
# Howl/Kea ratio (goal: >= 1.0 with 0 % drops).
# Usage: scripts/bench/dhcp.sh [SECONDS-PER-RATE] [RATES...]   (default 10 s; 1000 3000 6000)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}; shift || true
rates=("$@"); [ ${#rates[@]} -gt 0 ] || rates=(1000 3000 6000)
source scripts/bench/lib/netns.sh
srv=howlbench-dsrv-$$ cli=howlbench-dcli-$$
netns_add "$srv"; netns_add "$cli"
ip -n "$srv" link add vsrv type veth peer name vcli netns "$cli"
ip -n "$srv" addr add 10.98.0.1/16 dev vsrv; ip -n "$cli" addr add 10.98.0.2/16 dev vcli
ip -n "$srv" link set vsrv up; ip -n "$cli" link set vcli up

# Howl: dynamic mode over the same pool Kea gets.
export HOWL_ROOT=$work/howl
mkdir -p "$HOWL_ROOT/etc/howl"
cat > "$HOWL_ROOT/etc/howl/howl.conf" <<CONF
ipaddr: 10.98.0.1
netmask: 255.255.0.0
interface: vsrv
dhcp:
  mode: dynamic
  range start: 10.98.1.0
  range end: 10.98.250.255
CONF
mkdir -p /run/kea
cat > "$work/kea.json" <<CONF
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "vsrv" ], "dhcp-socket-type": "raw" },
  "lease-database": { "type": "memfile", "persist": false },
  "valid-lifetime": 3600,
  "subnet4": [ { "id": 1, "subnet": "10.98.0.0/16", "pools": [ { "pool": "10.98.1.0 - 10.98.250.255" } ] } ],
  "loggers": [ { "name": "kea-dhcp4", "severity": "ERROR", "output_options": [ { "output": "$work/kea.log" } ] } ]
} }
CONF

# Runs perfdhcp at each rate; prints "rate achieved drops%" lines.
measure() {
  for rate in "${rates[@]}"; do
    out=$(ip netns exec "$cli" perfdhcp -4 -l vcli -r "$rate" -p "$seconds" -R 100000 2>&1 || true)
    achieved=$(echo "$out" | awk '/^Rate:/ {print $2; exit}')
    drops=$(echo "$out" | awk '/^sent packets:/ {s += $3} /^received packets:/ {r += $3}
      END { if (s > 0) printf "%.2f", 100 * (s - r) / s; else print "?" }')
    echo "$rate ${achieved:-0} ${drops:-?}"
  done
}

start_and_wait() {  # name, log, command...
  local name=$1 log=$2; shift 2
  ip netns exec "$srv" "$@" >"$log" 2>&1 &
  pids+=($!)
  sleep 2
}

start_and_wait howl "$work/howl.log" "$howl" serve --log-level warning --tftp-port 6969 --http-port 9873
howl_pid=${pids[-1]}
mapfile -t howl_results < <(measure)
kill "$howl_pid"; sleep 2
start_and_wait kea "$work/kea.out" kea-dhcp4 -c "$work/kea.json"
mapfile -t kea_results < <(measure)

printf '%-10s %14s %9s %14s %9s %7s\n' "target/s" "howl DORA/s" "drops" "kea DORA/s" "drops" "ratio"
for i in "${!rates[@]}"; do
  read -r rate h hd <<<"${howl_results[$i]}"
  read -r _ k kd <<<"${kea_results[$i]}"
  ratio=$(awk -v h="$h" -v k="$k" 'BEGIN { if (k > 0) printf "%.2f", h / k; else print "n/a" }')
  printf '%-10s %14s %8s%% %14s %8s%% %7s\n' "$rate" "$h" "$hd" "$k" "$kd" "$ratio"
done

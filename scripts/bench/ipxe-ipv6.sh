#!/usr/bin/env bash
# iPXE's IPv6 wait: time from QEMU start (TCG, BIOS, the iPXE ROM of
# virtio-net-pci) to the node's request for its iPXE script at Howl, with
# Howl's router advertisements on and off. The boot lab measured about
# 13 s lost without advertisements.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/lib/netns.sh
ns=howlbench-ipxe-$$
netns_add "$ns"
ip -n "$ns" link add br0 type bridge
ip -n "$ns" addr add 10.99.0.1/24 dev br0; ip -n "$ns" link set br0 up
ip -n "$ns" tuntap add dev tap0 mode tap; ip -n "$ns" link set tap0 master br0 up
export HOWL_ROOT=$work/howl
mkdir -p "$HOWL_ROOT/etc/howl"
cat > "$HOWL_ROOT/etc/howl/nodes.conf" <<CONF
nodes:
  n1:
    network devices:
      default:
        hwaddr: 52:54:00:99:00:11
        ipaddr: 10.99.0.11
        netmask: 255.255.255.0
CONF

boot() {  # extra serve flags → seconds until GET /ipxe
  ip netns exec "$ns" "$howl" serve --interface br0 --log-level warning "$@" >"$work/howl.log" 2>&1 &
  local serve=$!
  pids+=($serve)
  sleep 1
  local t0 t1
  t0=$(date +%s%N)
  ip netns exec "$ns" timeout 90 qemu-system-x86_64 -accel tcg -M pc -m 256 -smp 1 -nographic -monitor none -no-reboot \
    -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
    -device virtio-net-pci,netdev=n0,mac=52:54:00:99:00:11,bootindex=1 -boot n </dev/null >"$work/qemu.log" 2>&1 &
  local vm=$!
  pids+=($vm)
  while ! ip netns exec "$ns" curl -s http://10.99.0.1:9873/status | grep -q '"ipxe"'; do
    sleep 0.1
    (( $(date +%s%N) - t0 < 90000000000 )) || { echo "no iPXE request within 90 s" >&2; break; }
  done
  t1=$(date +%s%N)
  kill "$vm" "$serve" 2>/dev/null || true
  wait "$vm" "$serve" 2>/dev/null || true
  rm -f "$HOWL_ROOT/var/lib/howl/boot-status.json"
  awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }'
}

with=$(boot)
without=$(boot --no-router-advertisements)
printf '%-40s %8s\n' "QEMU start → GET /ipxe" seconds
printf '%-40s %8s\n' "with router advertisements" "$with"
printf '%-40s %8s\n' "without (--no-router-advertisements)" "$without"

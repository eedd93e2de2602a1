#!/usr/bin/env bash
# Single-stage against two-stage boot on one VM (QEMU, TCG, BIOS, 768 MiB):
# seconds from power-on to the node's init (labcheck's first line on the
# serial console) and QEMU's peak resident memory (VmHWM: every guest page
# ever touched, so the guest's peak use plus QEMU's own, about the same in
# every run), for a small image (the boot lab's busybox image, ~44 MiB) and
# a large one (+ BALLAST_MIB, default 160, MiB of random data), each with a
# tmpfs and an XFS (NVMe) root. Prints one table and the ratios two/single.
# Goals: two-stage ≤ single-stage for the disk root, ≤ 1.2× for tmpfs,
# peak ≤ image + 64 MiB.
#   scripts/bench/boot.sh        (HOWL_BIN=.build/debug/howl to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/lib/netns.sh
ns=howlbench-boot-$$
scripts/lab/netns-up "$ns" 1 >/dev/null
namespaces+=("$ns")
export HOWL_ROOT=$work/howl HOWL_STDLIB=$PWD/stdlib
mem=${MEM:-768}
scripts/lab/busybox-rootfs "$work/small" >/dev/null
BALLAST_MIB=${BALLAST_MIB:-160} scripts/lab/busybox-rootfs-large "$work/large" >/dev/null
"$howl" -c "
images.import(\"dir:$work/small\", name: \"small\").build()
images.import(\"dir:$work/large\", name: \"large\").build()
server.ipaddr = 10.99.0.1/24
server.interface = \"br0\"
use profile \"default\"
profile.overlays = [\"wwinit\", \"hostname\"]
profile.init = \"/sbin/labcheck\"
profile.kernel.args = [\"console=ttyS0,115200\", \"panic=-1\", \"no_timer_check\"]
nodes.add(\"n1\", ipaddr: 10.99.0.11, hwaddr: 52:54:00:99:00:11)
commit()" >/dev/null
serve_pid=$(scripts/lab/serve "$ns" "$howl" "$work/serve.log")
pids+=("$serve_pid")

# boot IMAGE METHOD ROOT → "SECONDS PEAK_MIB" (or "- -" if it did not boot)
boot() {
  local template=default
  [ "$2" = two ] && template=two-stage
  local root="tmpfs()"
  [ "$3" = xfs ] && root="xfs(nvme0n1)"
  "$howl" -c "nodes[\"n1\"].image = \"$1\"
nodes[\"n1\"].ipxe = \"$template\"
nodes[\"n1\"].root = $root
commit()" >/dev/null
  local disk=
  if [ "$3" = xfs ]; then disk=$work/disk; rm -f "$disk"; truncate -s 1G "$disk"; fi
  # The first request of each artefact builds it: warm them up unmeasured.
  ip netns exec "$ns" curl -s -o /dev/null "http://10.99.0.1:9873/ipxe/52-54-00-99-00-11"
  for route in stage1 kmods; do ip netns exec "$ns" curl -s -o /dev/null "http://10.99.0.1:9873/$route/52-54-00-99-00-11"; done
  local log=$work/vm.serial t0 t1= peak=0 vm qemu hwm
  rm -f "$log"
  t0=$(date +%s%N)
  DISK=$disk MEM=$mem TIMEOUT=300 scripts/lab/vm "$ns" tap0 52:54:00:99:00:11 "$log" &
  vm=$!
  while kill -0 "$vm" 2>/dev/null; do
    qemu=$(pgrep -P "$vm" qemu-system 2>/dev/null | head -1 || true)
    if [ -n "$qemu" ]; then
      hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$qemu/status" 2>/dev/null || echo 0)
      [ "${hwm:-0}" -gt "$peak" ] && peak=$hwm
    fi
    if [ -z "$t1" ] && grep -qa "LAB: hostname=" "$log" 2>/dev/null; then t1=$(date +%s%N); fi
    sleep 0.1
  done
  wait "$vm" 2>/dev/null || true
  if [ -z "$t1" ]; then echo "- -"; return; fi
  awk -v ns=$((t1 - t0)) -v kb="$peak" 'BEGIN { printf "%.1f %d\n", ns / 1e9, kb / 1024 }'
}

size() { du -sm "$work/$1" | cut -f1; }
printf '%-6s %-6s %8s %12s %12s %12s %12s %8s\n' image root "MiB" "single s" "two s" "single MiB" "two MiB" "ratio s"
for image in small large; do
  for root in tmpfs xfs; do
    read -r s1 m1 < <(boot "$image" single "$root")
    read -r s2 m2 < <(boot "$image" two "$root")
    ratio=$(awk -v a="$s1" -v b="$s2" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%.2f", b / a }')
    printf '%-6s %-6s %8s %12s %12s %12s %12s %8s\n' "$image" "$root" "$(size "$image")" "$s1" "$s2" "$m1" "$m2" "$ratio"
  done
done

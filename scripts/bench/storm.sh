#!/usr/bin/env bash
# Boot storm: N QEMU VMs (TCG, 256 MiB each) powered on together all
# network-boot from one `howl serve` (DHCP, iPXE script, kernel, image and
# overlays over HTTP) in the boot lab (scripts/lab). Prints how many booted,
# the time until the last one reported, and howl serve's resident memory
# before, after each of two storms (the second shows whether it keeps
# growing) and at its peak.
# Usage: scripts/bench/storm.sh [N]   (default 20; KEEP=1 keeps the scratch
# directory with every VM's console log and howl serve's log)
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-20}
scripts/build-release
howl=$PWD/.build/release/howl
work=$(mktemp -d)
ns=howlstorm$$
cleanup() { scripts/lab/netns-down "$ns"; [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT

export HOWL_ROOT=$work/root
scripts/lab/busybox-rootfs "$work/rootfs"
cat > "$work/storm.howl" <<'HOWL'
let img = images.import("dir:${args[0]}", name: "lab")
img.build()
server.ipaddr = 10.99.0.1/24
server.interface = "br0"
# no_timer_check: with many TCG guests on two cores the kernel's IO-APIC
# timer check fails and panics ("IO-APIC + timer doesn't work!").
use profile "default"
profile.image = img.name
profile.overlays = ["wwinit", "hostname"]
profile.runtime_overlays = ["hosts"]
profile.init = "/sbin/labcheck"
profile.kernel.args = ["console=ttyS0,115200", "panic=-1", "no_timer_check"]
for n in 1..int(args[1]) {
  let suffix = "${n}"
  if n < 10 { suffix = "0${n}" }
  nodes.add("s${n}", ipaddr: 10.99.0.100 + n, hwaddr: mac("52:54:00:98:00:${suffix}"))
}
commit()
HOWL
"$howl" "$work/storm.howl" "$work/rootfs" "$count" >/dev/null
scripts/lab/netns-up "$ns" "$count"
serve=$(scripts/lab/serve "$ns" "$howl" "$work/serve.log")
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$serve/status"; }
before=$(rss)

peak=$before
# wave W: every VM boots once more; prints how many booted and how long it took.
wave() {
  local start vms=() i
  start=$(date +%s.%N)
  for i in $(seq 1 "$count"); do
    MEM=256 TIMEOUT=900 scripts/lab/vm "$ns" "tap$((i - 1))" "$(printf '52:54:00:98:00:%02d' "$i")" "$work/s$i.serial" &
    vms+=($!)
  done
  while [ -n "$(for pid in "${vms[@]}"; do kill -0 "$pid" 2>/dev/null && echo up; done)" ]; do
    now=$(rss); [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.5
  done
  printf 'storm %d: %d of %d VMs booted in %.1f s; howl serve RSS now %d KiB\n' "$1" \
    "$(grep -l "LAB: DONE" "$work"/s*.serial | wc -l)" "$count" "$(echo "$(date +%s.%N) - $start" | bc)" "$(rss)"
}
echo "howl serve RSS before: $before KiB"
wave 1
wave 2
echo "howl serve RSS peak: $peak KiB"
for log in "$work"/s*.serial; do
  grep -q "LAB: DONE" "$log" || { echo "--- $(basename "$log" .serial) did not boot; its console ended with:"; tail -n 8 "$log"; }
done
grep -E "warning|error|critical" "$work/serve.log" | tail -n 20 || true

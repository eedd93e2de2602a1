#!/usr/bin/env bash
# TFTP download rate: a 30 MB file fetched with curl from Howl and from
# tftpd-hpa (in.tftpd), one after the other, over loopback inside a
# private network namespace, at block sizes 512 (curl's default), 1468 and
# 8192. Prints MB/s for each (best of 3) and the Howl/tftpd-hpa ratio
# (goal: >= 1.0).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/lib/netns.sh
ns=howlbench-tftp-$$
netns_add "$ns"
# tftpd-hpa resolves its bind address with AI_ADDRCONFIG, which ignores
# loopback: give the namespace one more IPv4 address.
ip -n "$ns" link add d0 type veth peer name d1; ip -n "$ns" addr add 10.96.0.1/24 dev d0; ip -n "$ns" link set d0 up
export HOWL_ROOT=$work/howl
root=$HOWL_ROOT/var/lib/howl/tftp
mkdir -p "$root" "$HOWL_ROOT/etc/howl"
head -c 30000000 /dev/urandom > "$root/file30m"

ip netns exec "$ns" "$howl" serve --no-dhcp --log-level warning --address 127.0.0.1 --bind 127.0.0.1 \
  --tftp-port 69 --http-port 9873 >"$work/howl.log" 2>&1 &
pids+=($!)
ip netns exec "$ns" in.tftpd -l -L -s "$root" -a 127.0.0.1:6969 -B 65464 >"$work/hpa.log" 2>&1 &
pids+=($!)
sleep 2

rate() {  # port blksize → MB/s, best of 3, checking the bytes
  local best=0 t0 t1 mbs
  for _ in 1 2 3; do
    rm -f "$work/out"
    t0=$(date +%s%N)
    ip netns exec "$ns" curl -sS --max-time 120 --tftp-blksize "$2" -o "$work/out" "tftp://127.0.0.1:$1/file30m"
    t1=$(date +%s%N)
    cmp -s "$work/out" "$root/file30m" || { echo "corrupt download from port $1" >&2; exit 1; }
    mbs=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", 30000000 / (ns / 1e9) / 1e6 }')
    best=$(awk -v a="$best" -v b="$mbs" 'BEGIN { print (b > a ? b : a) }')
  done
  echo "$best"
}

printf '%-8s %12s %14s %7s\n' blksize "howl MB/s" "tftpd-hpa MB/s" ratio
for size in 512 1468 8192; do
  h=$(rate 69 "$size"); k=$(rate 6969 "$size")
  printf '%-8s %12s %14s %7s\n' "$size" "$h" "$k" "$(awk -v h="$h" -v k="$k" 'BEGIN { printf "%.2f", h / k }')"
done

#!/usr/bin/env bash
# TFTP download rate: a 30 MB file fetched with curl from Howl and from
# tftpd-hpa (in.tftpd) over loopback inside a private network namespace,
# at block sizes 512 (curl's default), 1468 and 8192. Each round fetches
# once from each server, which one goes first alternating between rounds;
# prints the best and the median MB/s of each, the ratio of the bests and
# the median of the rounds' Howl/tftpd-hpa ratios (a round's two fetches
# run back to back, so its ratio is the steadiest figure; goal: >= 1.0).
#
# ROUNDS=N sets the rounds (default 9). At 512 and 1468 the transfer is
# lock-step, and its rate moves 3-4x with whether the scheduler runs curl
# and the server on one CPU or wakes them across two (tens of µs a wake-up
# in a VM); PIN_CPU=N runs servers and curl on CPU N alone, which leaves
# the servers' own cost per packet.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/lib/netns.sh
rounds=${ROUNDS:-9}
pin=()
[[ -n ${PIN_CPU:-} ]] && pin=(taskset -c "$PIN_CPU")
ns=howlbench-tftp-$$
netns_add "$ns"
# tftpd-hpa resolves its bind address with AI_ADDRCONFIG, which ignores
# loopback: give the namespace one more IPv4 address.
ip -n "$ns" link add d0 type veth peer name d1; ip -n "$ns" addr add 10.96.0.1/24 dev d0; ip -n "$ns" link set d0 up
export HOWL_ROOT=$work/howl
root=$HOWL_ROOT/var/lib/howl/tftp
mkdir -p "$root" "$HOWL_ROOT/etc/howl"
head -c 30000000 /dev/urandom > "$root/file30m"

ip netns exec "$ns" "${pin[@]}" "$howl" serve --no-dhcp --log-level warning --address 127.0.0.1 --bind 127.0.0.1 \
  --tftp-port 69 --http-port 9873 >"$work/howl.log" 2>&1 &
pids+=($!)
ip netns exec "$ns" "${pin[@]}" in.tftpd -l -L -s "$root" -a 127.0.0.1:6969 -B 65464 >"$work/hpa.log" 2>&1 &
pids+=($!)
sleep 2

rate() {  # port blksize → MB/s of one fetch, checking the bytes
  local t0 t1
  rm -f "$work/out"
  t0=$(date +%s%N)
  ip netns exec "$ns" "${pin[@]}" curl -sS --max-time 120 --tftp-blksize "$2" -o "$work/out" "tftp://127.0.0.1:$1/file30m"
  t1=$(date +%s%N)
  cmp -s "$work/out" "$root/file30m" || { echo "corrupt download from port $1" >&2; exit 1; }
  awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f\n", 30000000 / (ns / 1e9) / 1e6 }'
}
best() { sort -g | tail -1; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
ratio() { awk -v h="$1" -v k="$2" 'BEGIN { printf "%.2f", h / k }'; }

echo "$rounds rounds${PIN_CPU:+, all on CPU $PIN_CPU}; MB/s best / median; ratio of bests / median of the rounds' ratios"
printf '%-8s %16s %16s %13s\n' blksize "howl" "tftpd-hpa" ratio
for size in 512 1468 8192; do
  : >"$work/howl.$size"; : >"$work/hpa.$size"; : >"$work/ratio.$size"
  for ((round = 1; round <= rounds; round++)); do
    if ((round % 2)); then
      h=$(rate 69 "$size"); k=$(rate 6969 "$size")
    else
      k=$(rate 6969 "$size"); h=$(rate 69 "$size")
    fi
    echo "$h" >>"$work/howl.$size"; echo "$k" >>"$work/hpa.$size"; ratio "$h" "$k" >>"$work/ratio.$size"; echo >>"$work/ratio.$size"
  done
  hb=$(best <"$work/howl.$size"); hm=$(median <"$work/howl.$size")
  kb=$(best <"$work/hpa.$size"); km=$(median <"$work/hpa.$size")
  printf '%-8s %16s %16s %13s\n' "$size" "$hb / $hm" "$kb / $km" "$(ratio "$hb" "$kb") / $(ratio "$(median <"$work/ratio.$size")" 1)"
done

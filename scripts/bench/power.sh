#!/usr/bin/env bash
# power.status() over N simulated BMCs (ipmi_sim on loopback, N=100 unless
# given, at most 250) against what a Warewulf site runs today: `ipmitool …
# power status` per node with a fanout of 50 (xargs -P 50). Side by side in
# one run: wall times (best of 3), their ratio (goal ≤ 1.0, aim ≤ 0.5) and
# the per-node latency.
#   scripts/bench/power.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-100}
(( count >= 1 && count <= 250 )) || { echo "power.sh: N is 1 to 250" >&2; exit 2; }
source scripts/bench/lib/scratch-howl.sh
best() { local b=999999 t; for _ in 1 2 3; do t=$(ms "$@"); (( t < b )) && b=$t; done; echo "$b"; }
port=$(( 30000 + $$ % 20000 ))
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$HOWL_ROOT"; }
trap cleanup EXIT

# The BMCs: one ipmi_sim each at 127.0.60.1 … 127.0.60.N, the test fixture's chassis.
auths="none md2 md5 straight"
for i in $(seq 1 "$count"); do
  d=$HOWL_ROOT/bmcs/$i
  mkdir -p "$d/state"
  cat >"$d/lan.conf" <<CONF
name "b$i"
set_working_mc 0x20
  startlan 1
    addr 127.0.60.$i $port
    priv_limit admin
    allowed_auths_callback $auths
    allowed_auths_user $auths
    allowed_auths_operator $auths
    allowed_auths_admin $auths
    guid a123456789abcdefa123456789abcdef
  endlan
  chassis_control "$PWD/Tests/Fixtures/bmc/chassis.sh b$i $d/chassis"
  user 2 true "admin" "s3cret" admin 10 $auths
CONF
  ipmi_sim -c "$d/lan.conf" -f Tests/Fixtures/bmc/bmc.emu -s "$d/state" -n >/dev/null 2>&1 &
  pids+=($!)
done
status() { ipmitool -I lanplus -C 3 -H "$1" -p "$port" -U admin -P s3cret chassis power status; }
for i in $(seq 1 "$count"); do
  for _ in $(seq 1 50); do status "127.0.60.$i" >/dev/null 2>&1 && break; sleep 0.1; done
done
running=0
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && running=$((running + 1)); done

"$howl" -c "
profiles[\"default\"].ipmi.username = \"admin\"
profiles[\"default\"].ipmi.password = \"s3cret\"
profiles[\"default\"].ipmi.interface = \"lanplus\"
profiles[\"default\"].ipmi.port = \"$port\"
profiles[\"default\"].ipmi.tags.cipher = \"3\"
nodes.add(\"n[1-$count]\", ipmi_ipaddr: 127.0.60.1)"

export port
loop() {
  seq 1 "$count" | xargs -P 50 -I{} ipmitool -I lanplus -C 3 -H 127.0.60.{} -p "$port" -U admin -P s3cret chassis power status
}
answered=$(loop | grep -c 'Chassis Power is')
"$howl" -c "let r = nodes.power.status(); assert(len(r.ok) == $count, \"\${len(r.failed)} failed\")"
howl_ms=$(best "$howl" -c "let r = nodes.power.status(); assert(len(r.ok) == $count)")
loop_ms=$(best loop)
one_ipmitool=$(best status 127.0.60.1)
one_howl=$(best "$howl" -c 'print(nodes["n1"].power.status())')

printf 'BMCs: %s ipmi_sim processes running, %s answered the loop\n' "$running" "$answered"
printf '%-52s %8s\n' "power status of $count nodes" ms
printf '%-52s %8s\n' "howl: nodes.power.status() (fanout 50)" "$howl_ms"
printf '%-52s %8s\n' "xargs -P 50 ipmitool … chassis power status" "$loop_ms"
printf '%-52s %8s\n' "ratio howl / loop" "$(python3 -c "print(f'{$howl_ms/max($loop_ms,1):.2f}')")"
printf '%-52s %8s\n' "one node: ipmitool" "$one_ipmitool"
printf '%-52s %8s\n' "one node: howl (process start, load, one BMC)" "$one_howl"

#!/usr/bin/env bash
# power.status() over N simulated BMCs (ipmi_sim on loopback, N=100 unless
# given, at most 250) against what a Warewulf site runs today: `ipmitool …
# power status` per node with a fanout of 50 (xargs -P 50). Then over N
# Redfish systems (sushy-tools' emulator, fake driver, HTTPS with a
# self-signed certificate and basic auth, one per system) against `curl` of each system's resource with the same fanout.
# Side by side in one run: wall times (best of 3), their ratio (goal ≤ 1.0,
# aim ≤ 0.5) and the per-node latency.
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
# report WHAT LOOP PEER HOWL_MS LOOP_MS ONE_PEER_MS ONE_HOWL_MS: one protocol's table.
report() {
  printf '%-52s %8s\n' "power status of $count $1" ms
  printf '%-52s %8s\n' "howl: nodes.power.status() (fanout 50)" "$4"
  printf '%-52s %8s\n' "$2" "$5"
  printf '%-52s %8s\n' "ratio howl / loop" "$(python3 -c "print(f'{$4/max($5,1):.2f}')")"
  printf '%-52s %8s\n' "one node: $3" "$6"
  printf '%-52s %8s\n' "one node: howl (process start, load, one BMC)" "$7"
}

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
report nodes "xargs -P 50 ipmitool … chassis power status" ipmitool "$howl_ms" "$loop_ms" "$one_ipmitool" "$one_howl"

# Redfish: one emulator per system at 127.0.61.1 … 127.0.61.N (Howl refuses two nodes on one BMC address).
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
pids=()
rf=$HOWL_ROOT/redfish
mkdir -p "$rf"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -keyout "$rf/key.pem" -out "$rf/cert.pem" -subj /CN=howl-bench 2>/dev/null
python3 -c 'import bcrypt; print("admin:" + bcrypt.hashpw(b"s3cret", bcrypt.gensalt(4)).decode())' >"$rf/htpasswd"
system=27946b59-9e44-4fa7-8e91-f3527a1ef094
for i in $(seq 1 "$count"); do
  cat >"$rf/$i.conf" <<CONF
SUSHY_EMULATOR_AUTH_FILE = '$rf/htpasswd'
SUSHY_EMULATOR_FAKE_DRIVER = True
SUSHY_EMULATOR_STATE_DIR = '$rf/state-$i'
CONF
  sushy-emulator --config "$rf/$i.conf" --fake -i "127.0.61.$i" -p "$port" \
    --ssl-certificate "$rf/cert.pem" --ssl-key "$rf/key.pem" >"$rf/$i.log" 2>&1 &
  pids+=($!)
done
for i in $(seq 1 "$count"); do echo "https://127.0.61.$i:$port/redfish/v1/Systems/$system"; done >"$rf/urls"
rfstatus() { curl -sk -u admin:s3cret "https://127.0.61.$1:$port/redfish/v1/Systems/$system"; }
for i in $(seq 1 "$count"); do
  for _ in $(seq 1 600); do rfstatus "$i" >/dev/null 2>&1 && break; sleep 0.1; done
done
rfrunning=0
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && rfrunning=$((rfrunning + 1)); done

"$howl" -c "
profiles[\"default\"].ipmi.tags.protocol = \"redfish\"
profiles[\"default\"].ipmi.tags.verify = \"false\"
profiles[\"default\"].ipmi.tags.system = \"$system\"
nodes.remove(\"n[1-$count]\")
nodes.add(\"n[1-$count]\", ipmi_ipaddr: 127.0.61.1)"

rfloop() { xargs -P 50 -n 1 curl -sk -u admin:s3cret -w '\n' <"$rf/urls"; }
rfanswered=$(rfloop | grep -c '"PowerState"')
"$howl" -c "let r = nodes.power.status(); assert(len(r.ok) == $count, \"\${len(r.failed)} failed: \${r.failed}\")"
rf_howl_ms=$(best "$howl" -c "let r = nodes.power.status(); assert(len(r.ok) == $count)")
rf_loop_ms=$(best rfloop)
one_curl=$(best rfstatus 1)
one_rf_howl=$(best "$howl" -c 'print(nodes["n1"].power.status())')

printf '\nRedfish: %s sushy-emulator processes running, %s answered the loop\n' "$rfrunning" "$rfanswered"
report "Redfish systems" "xargs -P 50 curl …/Systems/ID" curl "$rf_howl_ms" "$rf_loop_ms" "$one_curl" "$one_rf_howl"

#!/usr/bin/env bash
# Pushing a cluster's DNS records to a site's BIND 9 (named, on the loopback
# of a network namespace, zones that accept updates signed with a TSIG key):
# Howl's `dns.sync` beside the tools a site script would use, fed the same
# changes: `nsupdate` (Debian bind9-dnsutils) for the full sync into empty
# zones and for one changed node, and `dig -f` asking for every name (what a
# script must do to learn that nothing changed) for the sync with no change.
# Prints each time and the ratio peer/Howl (above 1: Howl is faster).
# Goals (issue 15, for 800 nodes): full sync under 0.3 s, no change under 0.1 s.
# Usage: scripts/bench/dns-sync.sh [NODES]   (default 10000)
set -euo pipefail
cd "$(dirname "$0")/../.."
nodes=${1:-10000}
source scripts/bench/lib/netns.sh
ns=howlbench-sync-$$
netns_add "$ns"
in_ns() { ip netns exec "$ns" "$@"; }

export HOWL_ROOT=$work/howl
mkdir -p "$HOWL_ROOT/etc/howl"
cat > "$work/cluster.howl" <<HOWL
server.ipaddr = 10.97.0.1/16
server.dhcp_enabled = false
server.dns.domain = "bench.cluster"
nodes.add("n[1-$nodes]", ipaddr: 10.97.1.1)
commit()
HOWL
"$howl" "$work/cluster.howl" >/dev/null 2>&1

cat > "$work/sync.key" <<'KEY'
key "howl-sync" { algorithm hmac-sha256; secret "YmVuY2htYXJrLXNlY3JldC1mb3ItaG93bC1kbnMtc3luYw=="; };
KEY
# BIND with empty zones (journals removed), ready when it answers.
start_named() {
  rm -f "$work"/*.jnl
  for zone in forward reverse; do
    printf '$TTL 300\n@ IN SOA ns.bench.cluster. root.bench.cluster. 1 3600 600 86400 300\n@ IN NS ns.bench.cluster.\n' >"$work/$zone.zone"
  done
  echo 'ns IN A 127.0.0.1' >>"$work/forward.zone"
  cat > "$work/named.conf" <<CONF
include "$work/sync.key";
options { directory "$work"; pid-file "$work/named.pid"; listen-on port 53 { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; };
zone "bench.cluster" { type primary; file "$work/forward.zone"; allow-update { key howl-sync; }; allow-transfer { key howl-sync; }; };
zone "97.10.in-addr.arpa" { type primary; file "$work/reverse.zone"; allow-update { key howl-sync; }; allow-transfer { key howl-sync; }; };
CONF
  ip netns exec "$ns" named -g -u root -c "$work/named.conf" >"$work/named.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do in_ns dig @127.0.0.1 +short bench.cluster SOA 2>/dev/null | grep -q ns.bench && return; sleep 0.1; done
  echo "named did not start:"; tail -5 "$work/named.log"; exit 1
}
stop_named() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }

# The records as nsupdate input (batches of 500 records per message), and every name for dig -f.
cat > "$work/export.howl" <<'HOWL'
let work = env["WORK"]
let lines = ["server 127.0.0.1"]
let names = []
for zone in ["bench.cluster", "97.10.in-addr.arpa"] {
  lines += ["zone " + zone]
  let n = 0
  for r in dns.records {
    if r.name.ends_with(zone) {
      let value = r.value
      if r.type == "PTR" { value = value + "." }
      lines += ["update add ${r.name}. 300 ${r.type} ${value}"]
      names += ["${r.name} ${r.type}"]
      n += 1
      if n % 500 == 0 { lines += ["send"] }
    }
  }
  lines += ["send"]
}
write(work + "/full.nsupdate", join(lines, "\n") + "\n")
write(work + "/names.dig", join(names, "\n") + "\n")
HOWL
WORK=$work "$howl" "$work/export.howl" >/dev/null
cat > "$work/one.nsupdate" <<'EOF2'
server 127.0.0.1
zone bench.cluster
update delete n1.bench.cluster. A
update add n1.bench.cluster. 300 A 10.97.200.1
send
zone 97.10.in-addr.arpa
update delete 1.1.97.10.in-addr.arpa. PTR
update add 1.200.97.10.in-addr.arpa. 300 PTR n1.bench.cluster.
send
EOF2

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >"$work/last.out" 2>&1 || { cat "$work/last.out" >&2; grep -aiE "updat.*(fail|error|denied|refused)|journal" "$work/named.log" | head -5 >&2; exit 1; }; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
sync_howl() { in_ns "$howl" -c "dns.sync(server: 127.0.0.1, key: tsig(file: \"$work/sync.key\"), timeout: 60s)"; }

start_named
howl_full=$(seconds sync_howl)
howl_none=$(seconds sync_howl)
"$howl" -c 'nodes["n1"].ipaddr = 10.97.200.1
commit()' >/dev/null
howl_one=$(seconds sync_howl)
stop_named

start_named
peer_full=$(seconds in_ns nsupdate -k "$work/sync.key" "$work/full.nsupdate")
peer_none=$(seconds in_ns dig @127.0.0.1 +tcp +keepopen +noall +answer -f "$work/names.dig")
peer_one=$(seconds in_ns nsupdate -k "$work/sync.key" "$work/one.nsupdate")
[[ $(in_ns dig @127.0.0.1 +short n1.bench.cluster) == 10.97.200.1 ]] || { echo "nsupdate did not apply the change"; exit 1; }
stop_named

echo "dns.sync of $nodes nodes into BIND 9 (seconds, wall clock, Howl's start-up included)"
printf '%-12s %9s %9s  %s\n' "sync" "howl" "peer" "peer"
row() { printf '%-12s %9.3f %9.3f  %-18s ratio peer/howl: %.2f\n' "$1" "$2" "$3" "$4" "$(echo "$3 / $2" | bc -l)"; }
row "full" "$howl_full" "$peer_full" "nsupdate"
row "no change" "$howl_none" "$peer_none" "dig -f (all names)"
row "one change" "$howl_one" "$peer_one" "nsupdate"

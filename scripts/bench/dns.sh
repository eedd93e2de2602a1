#!/usr/bin/env bash
# DNS load: dnsperf (Debian dnsperf) asks Howl's DNS server and BIND 9
# (named, the same zones written as zone files from Howl's records), one
# after the other, both on 127.0.0.1 in a network namespace of their own and
# asked the same query file: a 10,000-node cluster zone and its reverse zone,
# queries for every record's A or PTR in random order. Prints each server's
# queries per second and loss, and the Howl/BIND ratio (goal >= 1.0 at 0 % loss).
# Each server is measured once it has finished starting.
# Usage: scripts/bench/dns.sh [SECONDS] [CLIENTS]   (default 10 s, 4 clients)
# Run it on a quiet machine: both servers and dnsperf share its cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
clients=${2:-4}
source scripts/bench/lib/netns.sh
srv=howlbench-dns-$$
netns_add "$srv"
# The cluster network's address on one end of a veth pair (kernels without
# the dummy module have veth); both servers answer on loopback.
ip -n "$srv" link add vsrv type veth peer name vpeer
ip -n "$srv" link set vpeer up
ip -n "$srv" addr add 10.97.0.1/16 dev vsrv
ip -n "$srv" link set vsrv up

export HOWL_ROOT=$work/howl
mkdir -p "$HOWL_ROOT/etc/howl"
cat > "$work/cluster.howl" <<'HOWL'
server.ipaddr = 10.97.0.1/16
server.dhcp_enabled = false
server.dns.enabled = true
server.dns.domain = "bench.cluster"
server.dns.listen = 127.0.0.1
nodes.add("n[00001-10000]", ipaddr: 10.97.1.1)
commit()
HOWL
"$howl" "$work/cluster.howl" >/dev/null

# The same records as BIND zone files, and the queries, from dns.records.
cat > "$work/export.howl" <<'HOWL'
let work = env["WORK"]
let head = "$TTL 300\n@ IN SOA howl.bench.cluster. hostmaster.bench.cluster. 1 3600 600 86400 300\n@ IN NS howl.bench.cluster.\n"
let forward = [head]
let reverse = [head]
let queries = []
for r in dns.records {
  if r.type == "PTR" {
    reverse += ["${r.name}. IN PTR ${r.value}."]
    queries += ["${r.name} PTR"]
  } else {
    forward += ["${r.name}. IN ${r.type} ${r.value}"]
    queries += ["${r.name} ${r.type}"]
  }
}
write(work + "/forward.zone", join(forward, "\n") + "\n")
write(work + "/reverse.zone", join(reverse, "\n") + "\n")
write(work + "/queries.txt", join(queries, "\n") + "\n")
HOWL
WORK=$work "$howl" "$work/export.howl" >/dev/null
shuf "$work/queries.txt" -o "$work/queries.txt"
cat > "$work/named.conf" <<CONF
options {
  directory "$work";
  pid-file "$work/named.pid";
  listen-on port 53 { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  allow-query { any; };
};
zone "bench.cluster" { type primary; file "$work/forward.zone"; };
zone "97.10.in-addr.arpa" { type primary; file "$work/reverse.zone"; };
CONF

# dnsperf at full speed; prints "qps lost%".
measure() {
  ip netns exec "$srv" dnsperf -s 127.0.0.1 -d "$work/queries.txt" -l "$seconds" -c "$clients" -q 200 2>&1 |
    awk '/Queries per second:/ {q = $4} /Queries lost:/ {gsub(/[()%]/, "", $4); l = $4} END {print q, l}'
}

ip netns exec "$srv" "$howl" serve --no-dhcp --no-nfs --no-router-advertisements \
  --tftp-port 6969 --http-port 9873 >"$work/howl.log" 2>&1 &
pids+=($!)
ready() { for _ in $(seq 100); do ip netns exec "$srv" dig @127.0.0.1 +short +time=1 +tries=1 n00001.bench.cluster | grep -q 10.97 && return; sleep 0.2; done; echo "$1 did not answer"; exit 1; }
ready howl
# DNS answers before howl serve has finished starting (the readiness check
# of 10,000 nodes runs after it, seconds of a core); measured from then on
# it would be timed against its own start-up, while BIND has finished its.
for _ in $(seq 600); do grep -q "serving:" "$work/howl.log" && break; sleep 0.1; done
grep -q "serving:" "$work/howl.log" || { echo "howl serve did not finish starting:"; tail -5 "$work/howl.log"; exit 1; }
read -r howl_qps howl_lost < <(measure)
[[ ${howl_lost%.*} -lt 100 ]] || { echo "howl did not answer:"; tail -5 "$work/howl.log"; }
kill "${pids[-1]}"; sleep 2
ip netns exec "$srv" named -f -u root -c "$work/named.conf" >"$work/named.log" 2>&1 &
pids+=($!)
ready named
read -r bind_qps bind_lost < <(measure)

printf '%-8s %12s %8s\n' "server" "queries/s" "lost"
printf '%-8s %12s %7s%%\n' howl "$howl_qps" "$howl_lost" bind "$bind_qps" "$bind_lost"
awk -v h="$howl_qps" -v b="$bind_qps" 'BEGIN { if (b > 0) printf "ratio howl/bind: %.2f\n", h / b }'

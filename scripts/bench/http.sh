#!/usr/bin/env bash
# HTTP provisioning under load: many concurrent downloads of a 500 MB
# image from Howl (`/image/<mac>?compress=gz`) and from nginx serving the
# same file (sendfile on), one after the other, over loopback inside a
# private network namespace. Two measures: N parallel curl downloads
# (aggregate GB/s, best of 2) and wrk with 64 connections for 10 s
# (transfer/s). Prints the Howl/nginx ratios (goal: >= 1.0).
# Usage: scripts/bench/http.sh [PARALLEL]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/../.."
parallel=${1:-20}
source scripts/bench/lib/netns.sh
ns=howlbench-http-$$
netns_add "$ns"
export HOWL_ROOT=$work/howl
mkdir -p "$HOWL_ROOT/etc/howl" "$HOWL_ROOT/var/lib/howl/provision/images"
image=$HOWL_ROOT/var/lib/howl/provision/images/img1.img.gz
head -c 500000000 /dev/urandom > "$image"
cat > "$HOWL_ROOT/etc/howl/nodes.conf" <<CONF
nodeprofiles:
  default:
    image name: img1
nodes:
  n1:
    profiles:
    - default
    network devices:
      default:
        hwaddr: 52:54:00:99:00:11
        ipaddr: 10.99.0.11
CONF
cat > "$work/nginx.conf" <<CONF
user root;
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:8080;
    root $HOWL_ROOT/var/lib/howl/provision/images;
  }
}
CONF
ip netns exec "$ns" "$howl" serve --no-dhcp --log-level warning --address 127.0.0.1 --bind 127.0.0.1 \
  --tftp-port 6969 --http-port 9873 >"$work/howl.log" 2>&1 &
pids+=($!)
ip netns exec "$ns" nginx -c "$work/nginx.conf" >"$work/nginx.log" 2>&1 &
pids+=($!)
sleep 2
howl_url="http://127.0.0.1:9873/image/52-54-00-99-00-11?compress=gz"
nginx_url="http://127.0.0.1:8080/img1.img.gz"
for url in "$howl_url" "$nginx_url"; do
  size=$(ip netns exec "$ns" curl -sS --fail -o /dev/null -w '%{size_download}' "$url")
  [ "$size" = 500000000 ] || { echo "$url served $size bytes" >&2; exit 1; }
done

parallel_rate() {  # url → aggregate GB/s of $parallel downloads, best of 2
  local best=0 t0 t1 gbs
  for _ in 1 2; do
    t0=$(date +%s%N)
    ip netns exec "$ns" sh -c "seq 1 $parallel | xargs -P $parallel -I N curl -sS --fail --max-time 300 -o /dev/null '$1'"
    t1=$(date +%s%N)
    gbs=$(awk -v ns=$((t1 - t0)) -v n="$parallel" 'BEGIN { printf "%.2f", n * 0.5 / (ns / 1e9) }')
    best=$(awk -v a="$best" -v b="$gbs" 'BEGIN { print (b > a ? b : a) }')
  done
  echo "$best"
}

wrk_rate() {  # url → transfer/s in GB/s
  ip netns exec "$ns" wrk -t2 -c64 -d10s "$1" 2>&1 | awk '/Transfer\/sec/ {
    v = $2; unit = substr(v, length(v) - 1); n = substr(v, 1, length(v) - 2) + 0
    if (unit == "GB") n *= 1; else if (unit == "MB") n /= 1024; else if (unit == "KB") n /= 1048576
    printf "%.2f", n }'
}

hp=$(parallel_rate "$howl_url"); np=$(parallel_rate "$nginx_url")
hw=$(wrk_rate "$howl_url"); nw=$(wrk_rate "$nginx_url")
ratio() { awk -v h="$1" -v k="$2" 'BEGIN { if (k > 0) printf "%.2f", h / k; else print "n/a" }'; }
printf '%-36s %10s %10s %7s\n' measure "howl" "nginx" ratio
printf '%-36s %10s %10s %7s\n' "$parallel x curl 500 MB (GB/s)" "$hp" "$np" "$(ratio "$hp" "$np")"
printf '%-36s %10s %10s %7s\n' "wrk -c64 10 s (GB/s)" "$hw" "$nw" "$(ratio "$hw" "$nw")"

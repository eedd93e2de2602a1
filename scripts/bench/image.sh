#!/usr/bin/env bash
# Image build benchmark: Howl's `image.build()` against Warewulf's pipeline on
# the same ~800 MB tree (real files copied from this system: many small ones
# from /usr/share, large binaries and libraries), at the same gzip level, and
# Howl's zstd build (`compression: "zstd"`) beside both.
#
#   scripts/bench/image.sh            # SIZE_MB=800 LEVEL=6 ZSTD_LEVEL=3 RUNS=3
#
# Warewulf's pipeline is timed two ways, both writing the .img and the .img.gz
# as Howl does: streamed (`find . | cpio -o -H newc | tee IMG | pigz > IMG.gz`)
# and as Warewulf 4 really runs it (cpio into IMG, then `pigz --keep IMG`).
# They take turns, RUNS times, with a warm page cache; each shows its best
# wall time and that run's CPU time (user + sys, which load on the machine
# changes less). The tree lives under
# /tmp and is deleted at the end. Needs root (the tree keeps owners), cpio, pigz.
set -euo pipefail
size_mb=${SIZE_MB:-800}
level=${LEVEL:-6}
zstd_level=${ZSTD_LEVEL:-3}
runs=${RUNS:-3}
cd "$(dirname "$0")/../.."

scripts/build-release
howl="$(swift build -c release --show-bin-path)/howl"
work=$(mktemp -d /tmp/howl-bench-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOWL_ROOT=$work/root

# The tree: small files first (up to 40% of the size), then large ones.
pick() {  # pick LIMIT_BYTES MIN_SIZE MAX_SIZE DIR...
  local limit=$1 min=$2 max=$3; shift 3
  find "$@" -xdev -type f -size +"$min"c -size -"$max"c -printf '%s\t%p\n' 2>/dev/null | sort -t$'\t' -k2 \
    | awk -F'\t' -v lim="$limit" '{ if (t + $1 <= lim) { t += $1; print $2 } }'
}
total=$((size_mb * 1024 * 1024))
{
  pick $((total * 4 / 10)) 0 262144 /usr/share /usr/lib/python3 /usr/include /etc
  pick $((total * 6 / 10)) 262143 400000000 /usr/lib /usr/bin /usr/libexec /opt/swift/usr/bin /opt/swift/usr/lib
} > "$work/files"
source_tree=$work/source
mkdir -p "$source_tree/bin"
tar -cf - --files-from="$work/files" 2>/dev/null | tar -xpf - -C "$source_tree"
cp /bin/dash "$source_tree/bin/sh"
files=$(find "$source_tree" -type f | wc -l)
bytes=$(du -sb "$source_tree" | cut -f1)
"$howl" -c "images.import(\"dir:$source_tree\", name: \"bench\")" 2>/dev/null
rm -rf "$source_tree"
rootfs=$HOWL_ROOT/var/lib/howl/images/bench/rootfs
img=$HOWL_ROOT/var/lib/howl/provision/images/bench.img
out=$work/pipeline
mkdir -p "$out"

# Runs COMMAND once; appends "wall cpu" (seconds; cpu = user + sys of all its processes) to FILE.
measure() {  # measure FILE COMMAND
  /usr/bin/time -f '%e %U %S' -o "$work/t" sh -c "$2" >/dev/null 2>&1
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$work/t" >> "$1"
}
# The best (shortest wall) of the runs in FILE: "wall cpu".
best() { sort -n "$1" | head -1; }

# Warm the page cache once.
find "$rootfs" -type f -exec cat {} + >/dev/null

# The contenders take turns, so a change in the machine's load hits them alike.
# Howl's gzip and zstd builds each remove the other's file: sizes are taken at once.
howl_cmd="'$howl' -c 'images[\"bench\"].build(force: true, compression: \"gzip\", level: $level)'"
howl_zstd_cmd="'$howl' -c 'images[\"bench\"].build(force: true, compression: \"zstd\", level: $zstd_level)'"
stream_cmd="cd '$rootfs' && find . | cpio --quiet -o -H newc | tee '$out/s.img' | pigz -$level > '$out/s.img.gz'"
ww_cmd="cd '$rootfs' && find . | cpio --quiet -o -H newc --file='$out/w.img' && rm -f '$out/w.img.gz' && pigz -$level --keep '$out/w.img'"
for _ in $(seq "$runs"); do
  measure "$work/howl" "$howl_cmd"
  s_howl=$(stat -c %s "$img.gz")
  measure "$work/stream" "$stream_cmd"
  measure "$work/ww" "$ww_cmd"
  measure "$work/howl-zstd" "$howl_zstd_cmd"
  s_howl_zstd=$(stat -c %s "$img.zst")
  measure "$work/unchanged" "'$howl' -c 'images[\"bench\"].build()'"
done
measure "$work/zstd" "zstd -q -f -T0 -3 '$img' -o '$out/z.img.zst'"
measure "$work/pigz" "pigz -$level -c '$img' > '$out/p.img.gz'"
read -r t_howl c_howl < <(best "$work/howl")
read -r t_stream c_stream < <(best "$work/stream")
read -r t_ww c_ww < <(best "$work/ww")
read -r t_howl_zstd c_howl_zstd < <(best "$work/howl-zstd")
read -r t_unchanged _ < <(best "$work/unchanged")
read -r t_zstd _ < <(best "$work/zstd")
read -r t_pigz_only _ < <(best "$work/pigz")
s_stream=$(stat -c %s "$out/s.img.gz")
s_ww=$(stat -c %s "$out/w.img.gz")
s_zstd=$(stat -c %s "$out/z.img.zst")

ratio() { echo "scale=3; $1 / $2" | bc | sed 's/^\./0./'; }
echo "tree: $files files, $((bytes / 1024 / 1024)) MiB; image $(( $(stat -c %s "$img") / 1024 / 1024 )) MiB uncompressed; gzip level $level; $(nproc) cores; best of $runs; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-50s %8s %8s %14s\n' "build" "wall s" "cpu s" "bytes"
printf '%-50s %8s %8s %14s\n' "howl image.build(force: true) (.gz)" "$t_howl" "$c_howl" "$s_howl"
printf '%-50s %8s %8s %14s\n' "find | cpio -o -H newc | tee img | pigz" "$t_stream" "$c_stream" "$s_stream"
printf '%-50s %8s %8s %14s\n' "cpio -o -H newc > img; pigz --keep img (Warewulf)" "$t_ww" "$c_ww" "$s_ww"
printf '%-50s %8s %8s %14s\n' "howl image.build(compression: \"zstd\") (.zst)" "$t_howl_zstd" "$c_howl_zstd" "$s_howl_zstd"
printf '%-50s %8s\n' "howl image.build(), unchanged (skipped)" "$t_unchanged"
echo "time ratio howl / streamed pipeline: $(ratio "$t_howl" "$t_stream") (cpu $(ratio "$c_howl" "$c_stream"))   size ratio: $(ratio "$s_howl" "$s_stream")"
echo "time ratio howl / Warewulf's sequence: $(ratio "$t_howl" "$t_ww") (cpu $(ratio "$c_howl" "$c_ww"))   size ratio: $(ratio "$s_howl" "$s_ww")"
echo "time ratio howl zstd / streamed pipeline: $(ratio "$t_howl_zstd" "$t_stream") (cpu $(ratio "$c_howl_zstd" "$c_stream"))   size ratio: $(ratio "$s_howl_zstd" "$s_stream")"
echo "time ratio howl zstd / howl gzip: $(ratio "$t_howl_zstd" "$t_howl") (cpu $(ratio "$c_howl_zstd" "$c_howl"))   size ratio: $(ratio "$s_howl_zstd" "$s_howl")"
echo "compression alone on the same .img: pigz -$level $t_pigz_only s, zstd -3 -T0 $t_zstd s ($s_zstd bytes, $(ratio "$s_zstd" "$s_howl") of gzip)"

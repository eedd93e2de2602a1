#!/usr/bin/env bash
# The /etc/hosts-style template over 50,000 nodes (NODES to change), rendered
# by Howl's engine (release build, best of 5, data as maps and as host
# objects) and by Go's text/template on the same data (best of 5); checks
# that both outputs are identical and prints the ratio Howl / Go (goal ≤ 1.0).
set -euo pipefail
cd "$(dirname "$0")/../.."
nodes=${NODES:-50000}
if ! command -v go >/dev/null 2>&1; then
  apt-get install -y golang-go >/dev/null
fi
dir=$(mktemp -d /tmp/howl-bench-template.XXXXXX)
trap 'rm -rf "$dir"' EXIT

go_line=$(go run scripts/template-conformance/main.go -bench "$nodes" -out "$dir/go.txt")
# Some tests use @testable imports, so the release build keeps testability (still -O).
swift build -c release --build-tests -Xswiftc -enable-testing >/dev/null
howl_lines=$(HOWL_TEMPLATE_BENCH_NODES=$nodes HOWL_TEMPLATE_BENCH_OUT="$dir/howl.txt" \
  swift test -c release -Xswiftc -enable-testing --skip-build --no-parallel --filter TemplateBenchmarkTests 2>&1 | grep '^howl template')

cmp -s "$dir/go.txt" "$dir/howl.txt" || { echo "outputs differ: $dir/go.txt $dir/howl.txt" >&2; exit 1; }
go_ms=$(sed -E 's/.*best of 5: ([0-9.]+) ms/\1/' <<<"$go_line")
maps_ms=$(grep '(maps)' <<<"$howl_lines" | sed -E 's/.*best of 5: ([0-9.]+) ms/\1/')
objects_ms=$(grep '(objects)' <<<"$howl_lines" | sed -E 's/.*best of 5: ([0-9.]+) ms/\1/')
echo "$go_line"
echo "$howl_lines"
printf 'ratio howl/go (maps):    %s\n' "$(python3 -c "print(f'{$maps_ms/$go_ms:.2f}')")"
printf 'ratio howl/go (objects): %s\n' "$(python3 -c "print(f'{$objects_ms/$go_ms:.2f}')")"

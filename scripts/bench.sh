#!/usr/bin/env bash
# Release-mode benchmark: audits ../shared/corpus (or $1) several times and prints the median
# wall time, files/s, MB/s and peak memory. Usage: scripts/bench.sh [PATH] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-../shared/corpus}"
runs="${2:-7}"
cargo build --release --quiet
bin=target/release/shipshape
files=$("$bin" audit "$target" --list-files | grep -vc '^skipped ' || true)
files=$((files - 1))
bytes=$(du -sb "$target" | cut -f1)
times=()
peak=0
for _ in $(seq "$runs"); do
  out=$( { /usr/bin/time -f '%e %M' "$bin" audit "$target" --format json >/dev/null; } 2>&1 | tail -1)
  times+=("${out% *}")
  rss=${out#* }
  (( rss > peak )) && peak=$rss
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
python3 - "$median" "$files" "$bytes" "$peak" "$runs" <<'PY'
import sys
median, files, size, peak, runs = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
median = max(median, 0.001)
print(f"runs: {runs}, median wall: {median:.3f} s")
print(f"files: {files}, {files / median:,.0f} files/s")
print(f"input: {size / 1e6:.1f} MB, {size / 1e6 / median:.1f} MB/s")
print(f"peak RSS: {peak / 1024:.1f} MiB")
PY

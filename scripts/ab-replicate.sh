#!/usr/bin/env bash
# A/B timing of `claime` binaries on one paper-scale replicate, alternating them run by run so
# that both see the same machine state; prints each binary's min and median of the simulation
# time `claime run` reports. Used for docs/benchmarks.md's AVX2 A/B of 2026-11-29.
# Usage: scripts/ab-replicate.sh spike|ar1 RUNS BINARY...
set -euo pipefail
noise=$1; runs=$2; shift 2
dir=$(mktemp -d)
for i in $(seq "$runs"); do
  k=0
  for b in "$@"; do
    "$b" run --d1 500 --d2 500 --n 100000 --noise "$noise" --methods claime --threads 1 2>&1 \
      | sed -n 's/^simulation: \([0-9]*\) ms.*/\1/p' >> "$dir/$k"
    k=$((k + 1))
  done
done
k=0
for b in "$@"; do
  sort -n "$dir/$k" | awk -v b="$b" '{a[NR]=$1} END {print b ": min " a[1] " ms, median " a[int((NR+1)/2)] " ms, " NR " runs"}'
  k=$((k + 1))
done
rm -r "$dir"

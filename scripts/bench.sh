#!/usr/bin/env bash
# Throughput and memory figures for docs/BENCHMARKS.md: firm-days per second at 1e5 and
# 1e6 firms on 1 and 2 threads, the share of time in output, and time per phase.
set -euo pipefail
bin=${1:-build/corridor}
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
for firms in 100000 1000000; do
  days=365
  [ "$firms" -ge 1000000 ] && days=120
  for threads in 1 2; do
    echo "## firms=$firms days=$days threads=$threads output=off"
    "$bin" bench --firms "$firms" --days "$days" --threads "$threads"
  done
done
# Output share at the baseline size over the whole 2013-2030 run, then the cost of yearly
# checkpoints on top of it (the `checkpoints` line: write time and its share of the run).
for out in "" "--output" "--output --checkpoint-every 365"; do
  echo "## firms=100000 days=6574 threads=2 output=${out:-off}"
  "$bin" bench --firms 100000 --days 6574 --threads 2 $out
done
# Memory per firm: peak RSS at two sizes, one day each.
for firms in 100000 1000000; do
  echo "## memory firms=$firms"
  "$bin" bench --firms "$firms" --days 1 --threads 2 | grep peak_rss
done

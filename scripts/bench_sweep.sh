#!/usr/bin/env bash
# Sweep throughput for docs/BENCHMARKS.md: runs per minute of small runs (10,000 firms,
# one simulated year) with --jobs 1 and 2 and with 1 and 2 MPI ranks, and the overhead
# per run beyond the simulation (config, model, file, index) against `corridor run`.
set -euo pipefail
bin=${1:-build/corridor}
runs=${RUNS:-16}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$(cd "$(dirname "$0")/.." && pwd)
# A snapshot of the configs: edits made while the benchmark runs do not reach it.
cp -r "$root/configs" "$tmp/configs"
cp "$bin" "$tmp/corridor" && bin="$tmp/corridor"
cat > "$tmp/spec.yaml" <<SPEC
scenarios: {baseline: $tmp/configs/baseline.yaml}
set: {firms.count: 10000, run.start: 2019-01-01, run.end: 2019-12-31}
parameters:
  travel.visa_fee_usd: {uniform: [30, 120]}
  firms.partner_search_rate: {uniform: [0.002, 0.006]}
design: {kind: lhs, points: $runs}
seed: 3
outcomes: {trade: {series: bilateral_trade_usd, year: 2019}}
SPEC
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $runs runs of 10,000 firms x 365 days"
elapsed() {  # seconds of wall time of a command
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > /dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
for rep in 1 2; do
  for jobs in 1 2; do
    s=$(elapsed "$bin" sweep "$tmp/spec.yaml" -o "$tmp/j$jobs-$rep" --jobs "$jobs" --threads 1 --quiet)
    printf "local jobs=%d rep=%d wall_s=%.2f runs_per_min=%.1f\n" "$jobs" "$rep" "$s" \
      "$(echo "60 * $runs / $s" | bc -l)"
  done
  for ranks in 1 2; do
    s=$(elapsed mpirun --allow-run-as-root --oversubscribe -np "$ranks" "$bin" sweep \
      "$tmp/spec.yaml" -o "$tmp/r$ranks-$rep" --jobs 1 --threads 1 --quiet)
    printf "mpi ranks=%d rep=%d wall_s=%.2f runs_per_min=%.1f\n" "$ranks" "$rep" "$s" \
      "$(echo "60 * $runs / $s" | bc -l)"
  done
done
# Overhead, within one execution (separate executions differ by more than the overhead on a
# shared VM): the wall time of the `--jobs 1` sweep less the sum of its runs' own wall times
# (timing.csv: building the agents, creating the file and simulating) is what the sweep adds
# around its runs; the same command on the finished directory (every run skipped) gives the
# part that comes once per sweep (process and MPI start-up, reading the statuses, the index).
for rep in 1 2; do
  wall=$(elapsed "$bin" sweep "$tmp/spec.yaml" -o "$tmp/ov$rep" --jobs 1 --threads 1 --quiet)
  sim=$(awk -F, 'NR > 1 { s += $2 } END { print s }' "$tmp/ov$rep/timing.csv")
  fixed=$(elapsed "$bin" sweep "$tmp/spec.yaml" -o "$tmp/ov$rep" --jobs 1 --threads 1 --quiet)
  printf "overhead rep=%d: sweep %.2f s, runs' own wall %.2f s, once per sweep %.2f s\n" \
    "$rep" "$wall" "$sim" "$fixed"
  printf "overhead rep=%d per run beyond the run itself: %.3f s = %.1f%% of a run (%.1f%% with the once-per-sweep part)\n" \
    "$rep" "$(echo "($wall - $sim - $fixed) / $runs" | bc -l)" \
    "$(echo "100 * ($wall - $sim - $fixed) / $sim" | bc -l)" "$(echo "100 * ($wall - $sim) / $sim" | bc -l)"
done
# For comparison: the same runs as separate `corridor run` processes.
t=0
for i in $(seq 0 $((runs - 1))); do
  v=$(sed -n "$((i + 2))p" "$tmp/ov1/index.csv" | cut -d, -f11)
  p=$(sed -n "$((i + 2))p" "$tmp/ov1/index.csv" | cut -d, -f12)
  seed=$(sed -n "$((i + 2))p" "$tmp/ov1/index.csv" | cut -d, -f5)
  r=$(elapsed "$bin" run "$tmp/configs/baseline.yaml" --set firms.count=10000 \
    --set run.start=2019-01-01 --set run.end=2019-12-31 --set "travel.visa_fee_usd=$v" \
    --set "firms.partner_search_rate=$p" --seed "$seed" --threads 1 -q -o "$tmp/single.h5")
  t=$(echo "$t + $r" | bc -l)
done
printf "%d separate corridor run processes: %.2f s\n" "$runs" "$t"

#!/usr/bin/env bash
# Scale invariance for docs/BENCHMARKS.md (issue 8): the baseline 2013-2015 at 10^5 firms
# (SEEDS_SMALL seeds), 10^6 (SEEDS_MID) and 10^7 (one seed), shipments deferred, peak
# memory, and annual aggregates of each size against the 10^6 mean. The 10^7 run takes
# about 20 minutes and 2.1 GiB on 2 cores.
set -euo pipefail
bin=${1:-build/corridor}
out=${OUT:-results/scale}
small=${SEEDS_SMALL:-5}
mid=${SEEDS_MID:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/configs" "$tmp/configs"
cp "$bin" "$tmp/corridor" && bin="$tmp/corridor"
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
run() {  # firms seed
  /usr/bin/time -f "%e s, peak RSS %M KiB" -o "$out/n$1_s$2.time" \
    "$bin" run "$tmp/configs/baseline.yaml" --quiet --set "firms.count=$1" \
    --set run.end=2015-12-31 --set "run.seed=$2" -o "$out/n$1_s$2.h5"
  echo "n=$1 seed=$2: $(cat "$out/n$1_s$2.time")"
}
for s in $(seq 42 $((41 + small))); do run 100000 "$s"; done
for s in $(seq 42 $((41 + mid))); do run 1000000 "$s"; done
run 10000000 42
/usr/bin/python3 "$root/scripts/scale_table.py" "$out"

#!/usr/bin/env bash
# libFuzzer runs of tests/fuzz (clang-14, AddressSanitizer + UndefinedBehaviorSanitizer, in
# build-fuzz): fuzz_config (a scenario overlay and --set options on the baseline) and
# fuzz_drivers (the drivers table), each seeded from configs/.
#   scripts/fuzz.sh ci            at least 100,000 executions of each (make fuzz-ci, in CI)
#   scripts/fuzz.sh long [SECS]   each for SECS seconds (default 600), keeping what it
#                                 learns in build-fuzz/corpus/ (make fuzz)
# A crash, hang (over 10 s), leak or undefined behaviour fails, leaving the input in
# build-fuzz/ (crash-*, timeout-*, leak-*): rerun it with build-fuzz/tests/fuzz/<target> FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-ci}
dir=build-fuzz
CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DCORRIDOR_FUZZ=ON -DCORRIDOR_BUILD_TESTS=OFF \
  -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build "$dir" -j "${JOBS:-2}" --target fuzz_config fuzz_drivers

# Seeds: every config and scenario, the hostile configs, and some with --set options after a
# NUL byte; every drivers table. A dictionary of the config's keys helps the mutations.
seeds=$dir/seeds
rm -rf "$seeds" && mkdir -p "$seeds/config" "$seeds/drivers"
for f in configs/*.yaml configs/scenarios/*.yaml tests/configs/bad/*.yaml; do
  cp "$f" "$seeds/config/$(basename "$(dirname "$f")")_$(basename "$f")"
done
for f in configs/scenarios/*.yaml; do
  { cat "$f"; printf '\0firms.count=5000\nrun.end=2014-12-31\npolicy.transit_fee=[{from: 2020-01-01, value: 150}]'; } \
    >"$seeds/config/set_$(basename "$f")"
done
printf '\0network.nodes.khorgos.capacity_teu_per_day=900\nfirms={count: 4000, hire_rate: 0.2}' \
  >"$seeds/config/set_only"
cp configs/data/drivers.csv tests/configs/bad/data/*.csv "$seeds/drivers/"
# A table with monthly values after a "%%" line (fuzz_drivers reads them with add_monthly).
{ head -4 configs/data/drivers.csv; printf '%%%%\n'; head -1 configs/data/drivers_monthly.csv
  grep '^brent_usd_per_bbl,2013,' configs/data/drivers_monthly.csv | cut -d, -f1-4 | sed 's/$/,s/'
} >"$seeds/drivers/with_months.csv"
{
  grep -ohE '^ *[a-z_A-Z0-9]+:' configs/baseline.yaml | tr -d ' ' | sort -u | sed 's/.*/"&"/'
  printf '"%s"\n' '{' '}' '[' ']' '- ' ': ' ', ' '---' '&a ' '*a' '!!str ' '? ' '~' 'null' \
    '.nan' '.inf' '-.inf' '1e999' '2013-01-01' '\x00' '=' '.' '\x0a  ' 'base: ' '"' "'" '#'
} >"$dir/config.dict"
printf '"%s"\n' ',' '\x0a' 'year' 'nan' 'inf' '-' '.' 'e' '2013' '\x0d\x0a' '#' '%%' 'column,year,month,value,source' 'month' >"$dir/drivers.dict"

if [ "$mode" = ci ]; then
  limit=(-runs=100000 -max_len=2048)
  corpus=$(mktemp -d)
  trap 'rm -rf "$corpus"' EXIT
else
  limit=(-max_total_time="${2:-600}" -max_len=8192)
  corpus=$dir/corpus
fi
cd "$dir"
for target in config drivers; do
  mkdir -p "$corpus/$target"
  echo "== fuzz_$target ${limit[*]}"
  t0=$SECONDS
  "tests/fuzz/fuzz_$target" "$corpus/$target" "seeds/$target" "${limit[@]}" -dict="$target.dict" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>"fuzz_$target.log" || {
    tail -60 "fuzz_$target.log"; exit 1; }
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done" "fuzz_$target.log" || true
  echo "-- fuzz_$target clean in $((SECONDS - t0)) s"
done

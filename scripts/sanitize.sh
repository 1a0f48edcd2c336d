#!/usr/bin/env bash
# Sanitizer runs (make sanitize, called by .ci/run): gcc builds with AddressSanitizer plus
# UndefinedBehaviorSanitizer (build-asan) and with ThreadSanitizer (build-tsan), each running
# the unit tests, a short whole run on 2 threads and every bad config of tests/configs/bad
# (the error paths). Both are checked builds (CORRIDOR_CHECKS): every simulated day they
# check that money holdings changed only by the flows with the rest of the world, to the
# cent, and the other invariants of Simulation::check_invariants. Any finding stops the
# program, and this script fails.
#   scripts/sanitize.sh [address|thread|all]
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
jobs=${JOBS:-2}
# Leaks are errors; UB and races halt at the first report.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
export CI=1

check() {
  local name=$1 sanitizers=$2 dir=build-$1
  echo "== $name ($sanitizers)"
  local t0=$SECONDS
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
    -DCORRIDOR_SANITIZE="$sanitizers" -DCORRIDOR_CHECKS=ON -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
  cmake --build "$dir" -j "$jobs" --target corridor corridor_unit_tests
  echo "-- built in $((SECONDS - t0)) s"
  local out
  out=$(mktemp -d)
  trap 'rm -rf "$out"' RETURN
  "$dir/tests/corridor_unit_tests" --gtest_brief=1 --gtest_filter="$3"
  "$dir/corridor" run configs/baseline.yaml -o "$out/run.h5" --threads 2 --quiet \
    --set firms.count=3000 --set run.end=2013-06-30
  "$dir/corridor" summary "$out/run.h5" >/dev/null
  for bad in tests/configs/bad/*.yaml; do
    rc=0
    "$dir/corridor" run "$bad" -o "$out/bad.h5" --quiet 2>"$out/err" || rc=$?
    if [ "$rc" -ne 2 ]; then
      echo "$bad: exit code $rc, expected 2"; cat "$out/err"; exit 1
    fi
  done
  echo "-- $name clean in $((SECONDS - t0)) s"
}

# ThreadSanitizer slows the simulation about tenfold: it runs one mechanism test and the
# whole run (every parallel phase, 2 threads) rather than all seven mechanism tests (5 CPU
# minutes).
slow='Mechanisms.NoCrossingProcessesMoreThanItsCapacity:Mechanisms.HigherTransitFeeLowersKazakhTransit'
slow+=':Mechanisms.CompletedProjectAddsCapacityAndSavesTime:Mechanisms.FirmsWithMorePartnersTradeMore'
slow+=':Mechanisms.OilPriceShockTravelsThroughInputOutput:Mechanisms.AggregatesDoNotDependOnTheNumberOfAgents'
slow+=':Recorder.WritesCompleteFileWithConsistentAggregates'
tsan_tests="*:-$slow"
case "$which" in
  address) check asan address,undefined '*' ;;
  thread) check tsan thread "$tsan_tests" ;;
  all) check asan address,undefined '*'; check tsan thread "$tsan_tests" ;;
  *) echo "usage: $0 [address|thread|all]"; exit 2 ;;
esac

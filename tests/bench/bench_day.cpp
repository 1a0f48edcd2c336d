// Google Benchmark of one simulated day at the baseline size, by thread count and phase
// mix. `make bench` runs it after `corridor bench` (see docs/BENCHMARKS.md).
#include <benchmark/benchmark.h>
#include <oneapi/tbb/global_control.h>

#include "sim/model.hpp"
#include "sim/simulation.hpp"

namespace {

std::shared_ptr<const corridor::Model> model(int firms) {
  return corridor::build_model(
      corridor::load_config(std::string(CORRIDOR_SOURCE_DIR) + "/configs/baseline.yaml",
                            {"firms.count=" + std::to_string(firms)}));
}

// One day of the whole schedule, after a warm-up year so shipments are in flight.
void BM_Day(benchmark::State& state) {
  const int firms = static_cast<int>(state.range(0));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, state.range(1));
  corridor::Simulation sim(model(firms), 1);
  for (int d = 0; d < 365; ++d) sim.step();
  for (auto _ : state) {
    if (sim.done()) state.SkipWithError("end of the run");
    sim.step();
  }
  state.counters["firm_days_per_s"] = benchmark::Counter(
      static_cast<double>(firms) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Day)
    ->Args({100000, 1})
    ->Args({100000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

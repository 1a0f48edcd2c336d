// corridor bench: throughput of the daily loop (firm-days per second), time per phase,
// output share and peak memory, at a chosen size and thread count.
#include <oneapi/tbb/global_control.h>
#include <sys/resource.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "output/recorder.hpp"
#include "sim/cli.hpp"

namespace corridor {

namespace {
double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}
}  // namespace

int bench_main(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string config = "configs/baseline.yaml";
  int firms = 100000, days = 365, threads = 1;
  bool with_output = false;
  po::options_description opts("corridor bench [options]");
  opts.add_options()("help,h", "this help")("config", po::value(&config), "base config")(
      "firms", po::value(&firms), "firm agents")("days", po::value(&days), "days to simulate")(
      "threads", po::value(&threads), "worker threads")(
      "output", po::bool_switch(&with_output), "also write the HDF5 output (to a temp file)");
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, opts), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  auto model = load_model(config, {"firms.count=" + std::to_string(firms), "run.scale=1"});
  const double rss_model = peak_rss_mib();
  Simulation sim(model, model->params.run.seed);
  std::unique_ptr<H5Recorder> rec;
  const std::string tmp = (std::filesystem::temp_directory_path() / "corridor-bench.h5").string();
  if (with_output) rec = std::make_unique<H5Recorder>(tmp, *model, RunInfo{0, threads});
  const auto t0 = std::chrono::steady_clock::now();
  sim.run(rec.get(), {}, days);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (rec) {
    rec->finish(sim, wall);
    std::filesystem::remove(tmp);
  }
  const double firm_days = static_cast<double>(model->n_firms) * sim.day();
  std::printf("firms %u  days %d  threads %d  output %s\n", model->n_firms, sim.day(), threads,
              with_output ? "on" : "off");
  std::printf("wall_s %.3f  firm_days_per_s %.4g  peak_rss_mib %.1f  model_rss_mib %.1f\n", wall,
              firm_days / wall, peak_rss_mib(), rss_model);
  std::printf("shipments_active %zu  high_water %zu  pool %zu\n", sim.state().shipments.active(),
              sim.state().shipments.high_water, sim.state().shipments.capacity());
  const auto& secs = sim.phase_seconds();
  for (std::size_t p = 0; p < secs.size(); ++p) {
    const char* name =
        p < Simulation::schedule().size() ? Simulation::schedule()[p].name : "record";
    std::printf("phase %-14s %8.3f s  %5.1f%%\n", name, secs[p], 100 * secs[p] / wall);
  }
  return 0;
}

}  // namespace corridor

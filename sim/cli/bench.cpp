// corridor bench: throughput of the daily loop (firm-days per second), time per phase,
// output share and peak memory, at a chosen size and thread count.
#include <oneapi/tbb/global_control.h>
#include <sys/resource.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "output/checkpoint.hpp"
#include "output/recorder.hpp"
#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/error.hpp"
#include "sim/memory.hpp"
#include "sim/model.hpp"
#include "sim/params.hpp"

namespace corridor::cli {

namespace {
double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}
}  // namespace

int bench(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string config = "configs/baseline.yaml";
  std::string firms_text = "100000", days_text = "365", threads_text = "1", every_text = "0";
  bool with_output = false;
  po::options_description opts("corridor bench [options]");
  opts.add_options()("help,h", "this help")("config", po::value(&config), "base config")(
      "firms", po::value(&firms_text), "firm agents (default 100000)")(
      "days", po::value(&days_text), "days to simulate (default 365)")(
      "threads", po::value(&threads_text), "worker threads (default 1)")(
      "output", po::bool_switch(&with_output), "also write the HDF5 output (to a temp file)")(
      "checkpoint-every", po::value(&every_text),
      "with --output: write a checkpoint every N days, as `corridor run` does, and time it");
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(opts).style(kOptionStyle).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  // The same bounds as the config's firms.count and the run's --threads.
  const int firms = parse_number<int>("--firms", firms_text, 10, 100000000);
  const int days = parse_number<int>("--days", days_text, 1, 1000000);
  const int threads = parse_number<int>("--threads", threads_text, 1, 4096);
  const int checkpoint_every = parse_number<int>("--checkpoint-every", every_text, 0, 1000000);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  auto model =
      build_model(load_config(config, {"firms.count=" + std::to_string(firms), "run.scale=1"}));
  const double rss_model = peak_rss_mib();
  Simulation sim(model, model->params.run.seed);
  std::unique_ptr<H5Recorder> rec;
  const std::string tmp = (std::filesystem::temp_directory_path() / "corridor-bench.h5").string();
  if (checkpoint_every < 0 || (checkpoint_every > 0 && !with_output))
    throw InputError("command line", 0, "--checkpoint-every", "needs --output and N >= 0");
  if (with_output) rec = std::make_unique<H5Recorder>(tmp, *model, RunInfo{0, threads});
  CheckpointHeader header;
  header.corridor_version = CORRIDOR_VERSION;
  header.layout = checkpoint_layout();
  header.fingerprint = model_fingerprint(*model);
  header.days = model->days;
  const std::string ckpt = checkpoint_path(tmp);
  double ckpt_seconds = 0, commit_seconds = 0;
  std::uintmax_t ckpt_bytes = 0;
  int ckpts = 0;
  const int end = std::min(days, model->days);
  auto t0 = std::chrono::steady_clock::now();
  while (sim.day() < end) {
    const int until = checkpoint_every > 0
                          ? std::min(end, (sim.day() / checkpoint_every + 1) * checkpoint_every)
                          : end;
    sim.run(rec.get(), {}, until);
    if (checkpoint_every > 0 && sim.day() < end && !sim.done()) {
      const auto c0 = std::chrono::steady_clock::now();
      header.day = sim.day();
      write_checkpoint(ckpt + ".tmp", header, sim, *rec);
      commit_checkpoint(ckpt + ".tmp", ckpt);
      const auto c1 = std::chrono::steady_clock::now();
      // `corridor run` syncs on another thread while it simulates on: timed apart, not in
      // the wall time.
      sync_checkpoint(ckpt);
      const auto c2 = std::chrono::steady_clock::now();
      ckpt_seconds += std::chrono::duration<double>(c1 - c0).count();
      commit_seconds += std::chrono::duration<double>(c2 - c1).count();
      t0 += c2 - c1;
      ckpt_bytes = std::filesystem::file_size(ckpt);
      ++ckpts;
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (rec) {
    rec->finish(sim, wall);
    std::filesystem::remove(tmp);
    std::filesystem::remove(ckpt);
  }
  const double firm_days = static_cast<double>(model->n_firms) * sim.day();
  std::printf("firms %u  days %d  threads %d  output %s\n", model->n_firms, sim.day(), threads,
              with_output ? "on" : "off");
  std::printf("wall_s %.3f  firm_days_per_s %.4g  peak_rss_mib %.1f  model_rss_mib %.1f\n", wall,
              firm_days / wall, peak_rss_mib(), rss_model);
  // What the refusal of oversized runs (sim/memory.hpp) predicted, to compare with the peak.
  std::printf("estimated_mib %.1f  (%s)\n", estimate_memory(model->params).total() / (1 << 20),
              estimate_memory(model->params).describe().c_str());
  const Shipments& ships = sim.state().shipments;
  std::printf("shipments_active %zu  high_water %zu  pool %zu\n", ships.active(), ships.high_water,
              ships.capacity());
  std::printf("consignments_active %zu  high_water %zu  pool %zu  shipped %llu\n",
              ships.consignments.active(), ships.consignments.high_water,
              ships.consignments.capacity(), static_cast<unsigned long long>(ships.next_uid));
  if (checkpoint_every > 0)
    std::printf(
        "checkpoints %d  every %d days  write_s %.3f  %.2f%% of wall  last_mib %.1f  "
        "sync_s %.3f (beside the simulation)\n",
        ckpts, checkpoint_every, ckpt_seconds, 100 * ckpt_seconds / wall, ckpt_bytes / 1048576.0,
        commit_seconds);
  const auto& secs = sim.phase_seconds();
  for (std::size_t p = 0; p < secs.size(); ++p) {
    const char* name =
        p < Simulation::schedule().size() ? Simulation::schedule()[p].name : "record";
    std::printf("phase %-14s %8.3f s  %5.1f%%\n", name, secs[p], 100 * secs[p] / wall);
  }
  return 0;
}

}  // namespace corridor::cli

// corridor run CONFIG: one simulation into one HDF5 file.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "output/reader.hpp"
#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/progress.hpp"
#include "sim/experiment/run_plan.hpp"
#include "sim/simulation.hpp"

namespace corridor::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

int run(int argc, char** argv) {
  po::options_description opts("corridor run CONFIG [options]");
  std::string output, seed_text, threads_text;
  std::vector<std::string> sets;
  opts.add_options()("help,h", "this help")("output,o", po::value(&output),
                                            "output HDF5 file (default results/<config name>.h5)")(
      "seed", po::value(&seed_text), "random seed (default: run.seed of the config)")(
      "threads", po::value(&threads_text), "worker threads (default: all cores)")(
      "set", po::value(&sets)->composing(), "override a parameter: key.path=value (repeatable)")(
      "quiet,q", "no progress bar or summary")("print-schedule",
                                               "print the phases of a day and exit");
  po::options_description hidden;
  std::string config;
  hidden.add_options()("config", po::value(&config));
  po::positional_options_description pos;
  pos.add("config", 1);
  po::options_description all;
  all.add(opts).add(hidden);
  po::variables_map vm;
  po::store(
      po::command_line_parser(argc, argv).options(all).positional(pos).style(kOptionStyle).run(),
      vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if (vm.count("print-schedule")) {
    int k = 1;
    for (const auto& p : Simulation::schedule())
      std::printf("%2d. %-14s %s\n", k++, p.name, p.description);
    std::printf("%2d. %-14s %s\n", k, "record", "recorders write the day's outcomes");
    return 0;
  }
  if (config.empty()) throw InputError("corridor run", 0, "CONFIG", "missing config file");
  RunPlan plan{config, sets, std::nullopt, 0, output};
  if (!seed_text.empty())
    plan.seed = parse_number<std::uint64_t>("--seed", seed_text, 0, UINT64_MAX);
  if (!threads_text.empty()) plan.threads = parse_number<int>("--threads", threads_text, 1, 4096);
  if (plan.output.empty()) {
    fs::create_directories("results");
    plan.output = "results/" + fs::path(config).stem().string() + ".h5";
  }
  if (plan.threads <= 0) plan.threads = static_cast<int>(std::thread::hardware_concurrency());
  const bool quiet = vm.count("quiet") > 0;
  if (!quiet && fs::exists(plan.output + ".ckpt"))
    std::fprintf(stderr,
                 "note: %s.ckpt, the checkpoint of an unfinished earlier run, is replaced by "
                 "this run's (`corridor resume %s` would have continued that one)\n",
                 plan.output.c_str(), plan.output.c_str());
  std::unique_ptr<Progress> bar;
  const bool show = show_progress(quiet);
  const RunResult r = execute(plan, [&](int done, int total) {
    if (!bar) bar = std::make_unique<Progress>(total, show);
    (*bar)(done);
  });
  std::fputs(deferral_warning(r).c_str(), stderr);
  if (!quiet) {
    std::printf("wrote %s (%d days, %u firms, %d threads, %.1f s)\n", r.output.c_str(), r.days,
                r.firms, plan.threads, r.wall_seconds);
    std::printf("%s", summary_table(r.output).c_str());
  }
  return 0;
}

}  // namespace corridor::cli

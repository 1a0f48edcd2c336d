// corridor: the command-line tool. Subcommands: run, summary, compare, bench.
#include <oneapi/tbb/global_control.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "output/reader.hpp"
#include "output/recorder.hpp"
#include "output/run_plan.hpp"
#include "sim/cli.hpp"
#include "sim/error.hpp"
#include "sim/params.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace corridor;

namespace corridor {
std::shared_ptr<const Model> load_model(const std::string& config,
                                        const std::vector<std::string>& overrides) {
  return build_model(load_config(config, overrides));
}
}  // namespace corridor

namespace {

const char* kUsage =
    "usage: corridor <command> [options]\n\n"
    "commands:\n"
    "  run CONFIG       simulate a scenario into an HDF5 file\n"
    "  summary FILE     print headline outcomes by year\n"
    "  compare BASE SCENARIO... -o DIR   differences, figures and an HTML report\n"
    "  bench            firm-days per second, phase times and memory\n\n"
    "  corridor <command> --help   for a command's options\n"
    "  corridor --version\n";

class Progress {
 public:
  Progress(int days, bool show) : days_(days), show_(show), t0_(clock::now()), last_(t0_) {}
  void operator()(int done) {
    if (!show_) return;
    const auto now = clock::now();
    if (done < days_ && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - t0_).count();
    const double rate = secs > 0 ? done / secs : 0;
    const double eta = rate > 0 ? (days_ - done) / rate : 0;
    const int width = 30, filled = static_cast<int>(width * done / static_cast<double>(days_));
    std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %6.0f days/s  ETA %5.0fs ", filled,
                 "##############################", width - filled, "", 100 * done / days_, rate,
                 eta);
    if (done >= days_) std::fprintf(stderr, "\n");
  }

 private:
  using clock = std::chrono::steady_clock;
  int days_;
  bool show_;
  clock::time_point t0_, last_;
};

int cmd_run(int argc, char** argv) {
  po::options_description opts("corridor run CONFIG [options]");
  std::string output;
  std::vector<std::string> sets;
  int threads = 0;
  std::uint64_t seed = 0;
  opts.add_options()("help,h", "this help")("output,o", po::value(&output),
                                            "output HDF5 file (default results/<config name>.h5)")(
      "seed", po::value(&seed), "random seed (default: run.seed of the config)")(
      "threads", po::value(&threads), "worker threads (default: all cores)")(
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
  po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
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
  RunPlan plan{config, sets, std::nullopt, threads, output};
  if (vm.count("seed")) plan.seed = seed;
  if (plan.output.empty()) {
    fs::create_directories("results");
    plan.output = "results/" + fs::path(config).stem().string() + ".h5";
  }
  if (plan.threads <= 0) plan.threads = static_cast<int>(std::thread::hardware_concurrency());
  const bool quiet = vm.count("quiet") > 0;
  std::unique_ptr<Progress> bar;
  const bool show = !quiet && isatty(STDERR_FILENO) && !std::getenv("CI");
  const RunResult r = execute(plan, [&](int done, int total) {
    if (!bar) bar = std::make_unique<Progress>(total, show);
    (*bar)(done);
  });
  if (!quiet) {
    std::printf("wrote %s (%d days, %u firms, %d threads, %.1f s)\n", r.output.c_str(), r.days,
                r.firms, plan.threads, r.wall_seconds);
    std::printf("%s", summary_table(r.output).c_str());
  }
  return 0;
}

int cmd_summary(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help") {
    std::cout << "corridor summary FILE: headline outcomes by year\n";
    return argc < 2 ? 2 : 0;
  }
  if (!fs::exists(argv[1])) throw InputError(argv[1], 0, "FILE", "no such file");
  std::printf("%s", summary_table(argv[1]).c_str());
  return 0;
}

// compare is plotting and tables: it runs the Python analysis package, so figures are
// made in one place.
int cmd_compare(int argc, char** argv) {
  std::string cmd = "PYTHONPATH=\"" CORRIDOR_ANALYSIS_DIR
                    "${PYTHONPATH:+:$PYTHONPATH}\" "
                    "/usr/bin/python3 -m corridor_analysis.compare_cli";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string quoted = "'";
    for (char c : a) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += " " + quoted + "'";
  }
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  if (cmd == "--version") {
    std::cout << "corridor " << CORRIDOR_VERSION << "\n";
    return 0;
  }
  try {
    if (cmd == "run") return cmd_run(argc - 1, argv + 1);
    if (cmd == "summary") return cmd_summary(argc - 1, argv + 1);
    if (cmd == "compare") return cmd_compare(argc - 1, argv + 1);
    if (cmd == "bench") return bench_main(argc - 1, argv + 1);
    std::cerr << "corridor: unknown command '" << cmd << "'\n" << kUsage;
    return 2;
  } catch (const InputError& e) {
    std::cerr << "corridor: error: " << e.what() << "\n";
    return 2;
  } catch (const po::error& e) {
    std::cerr << "corridor: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "corridor: internal error: " << e.what() << "\n";
    return 1;
  }
}

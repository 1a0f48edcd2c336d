// corridor resume FILE: finish a killed run from its checkpoint FILE.ckpt, with any
// number of threads; the output is the one the uninterrupted run would have written.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "output/reader.hpp"
#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/progress.hpp"
#include "sim/experiment/run_plan.hpp"

namespace corridor::cli {

namespace po = boost::program_options;

int resume(int argc, char** argv) {
  po::options_description opts(
      "corridor resume FILE [options]\n"
      "  FILE: the -o path of the killed run; its checkpoint is FILE.ckpt");
  std::string output, threads_text;
  opts.add_options()("help,h", "this help")("threads", po::value(&threads_text),
                                            "worker threads (default: all cores)")(
      "quiet,q", "no progress bar or summary");
  po::variables_map vm;
  if (!parse_command(argc, argv, opts, "output", output, vm)) return 0;
  if (output.empty()) throw InputError("corridor resume", 0, "FILE", "missing output file");
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  if (!threads_text.empty()) threads = parse_number<int>("--threads", threads_text, 1, 4096);
  const bool quiet = vm.count("quiet") > 0;
  std::unique_ptr<Progress> bar;
  const bool show = show_progress(quiet);
  int first = -1;  // days already done at the checkpoint: the rate counts only new ones
  const RunResult r = corridor::resume(output, threads, [&](int done, int total) {
    if (first < 0) first = done - 1;
    if (!bar) bar = std::make_unique<Progress>(total - first, show);
    (*bar)(done - first);
  });
  std::fputs(deferral_warning(r).c_str(), stderr);
  if (!quiet) {
    std::printf("resumed %s at day %d: wrote it (%d days, %u firms, %d threads, %.1f s in all)\n",
                r.output.c_str(), r.resumed_from_day, r.days, r.firms, threads, r.wall_seconds);
    std::printf("%s", summary_table(r.output).c_str());
  }
  return 0;
}

}  // namespace corridor::cli

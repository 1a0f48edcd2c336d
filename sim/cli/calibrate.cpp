// corridor calibrate SPEC -o DIR: simulated method of moments over the sweep machinery,
// with a report, an overlay config and standard errors; rerun the same command to resume.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <thread>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/experiment/calibration.hpp"
#include "sim/experiment/mpi.hpp"

namespace corridor::cli {

namespace po = boost::program_options;

int calibrate(int argc, char** argv) {
  po::options_description opts("corridor calibrate SPEC -o DIR [options]");
  std::string output, jobs_text, threads_text;
  std::vector<std::string> sets;
  opts.add_options()("help,h", "this help")(
      "output,o", po::value(&output), "directory for the report, overlay and evaluation runs")(
      "jobs", po::value(&jobs_text), "runs at once (default: cores / threads)")(
      "threads", po::value(&threads_text), "threads per run (default 1)")(
      "set", po::value(&sets)->composing(), "override a parameter in every run: key.path=value")(
      "quiet,q", "no progress messages");
  std::string spec_file;
  po::variables_map vm;
  if (!parse_command(argc, argv, opts, "spec", spec_file, vm)) return 0;
  std::string command = "corridor";
  for (int i = 0; i < argc; ++i) command += std::string(" ") + argv[i];
  MpiSession mpi(argc, argv);
  if (spec_file.empty())
    throw InputError("corridor calibrate", 0, "SPEC", "missing calibration spec");
  if (output.empty()) throw InputError("corridor calibrate", 0, "-o", "missing output directory");
  CalibrationOptions opt;
  opt.out = output;
  opt.cli_sets = sets;
  opt.quiet = vm.count("quiet") > 0;
  opt.command = command;
  const int cores = std::max(
      1, static_cast<int>(std::thread::hardware_concurrency()) / std::max(1, mpi_local_size()));
  opt.sweep.threads =
      threads_text.empty() ? 1 : parse_number<int>("--threads", threads_text, 1, 4096);
  opt.sweep.jobs = jobs_text.empty() ? std::max(1, cores / opt.sweep.threads)
                                     : parse_number<int>("--jobs", jobs_text, 1, 4096);
  const CalibrationSpec spec = load_calibration_spec(spec_file);
  const CalibrationResult r = calibrate(spec, opt);
  if (mpi_rank() == 0 && !opt.quiet) {
    std::printf("objective %.6g after %d evaluations\n", r.objective, r.evaluations);
    for (std::size_t j = 0; j < r.theta.size(); ++j)
      std::printf("  %-40s %.6g  (s.e. %.3g)\n", spec.parameters[j].path.c_str(), r.theta[j],
                  r.std_error[j]);
    std::printf("report: %s/report.md, overlay: %s/calibrated.yaml\n", output.c_str(),
                output.c_str());
  }
  return 0;
}

}  // namespace corridor::cli

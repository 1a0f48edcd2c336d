// corridor: the command-line tool. Each command lives in its own file in sim/cli/.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "sim/cli/commands.hpp"
#include "sim/error.hpp"
#include "sim/suggest.hpp"

namespace corridor::cli {

bool show_progress(bool quiet) {
  return !quiet && isatty(STDERR_FILENO) && !std::getenv("CI");
}

}  // namespace corridor::cli

namespace {

const char* kUsage =
    "usage: corridor <command> [options]\n\n"
    "commands:\n"
    "  run CONFIG       simulate a scenario into an HDF5 file\n"
    "  resume FILE      finish a killed run from its checkpoint FILE.ckpt\n"
    "  summary FILE     print headline outcomes by year\n"
    "  compare BASE SCENARIO... -o DIR   differences, figures and an HTML report\n"
    "  validate RUN.h5|DIR   simulated against observed data: errors, MAPE, figures\n"
    "  sweep SPEC -o DIR   many runs over a design (grid, lhs, sobol, table), local or MPI\n"
    "  calibrate SPEC -o DIR   fit free parameters to observed moments (SMM, NLopt)\n"
    "  bench            firm-days per second, phase times and memory\n\n"
    "  corridor <command> --help   for a command's options\n"
    "  corridor --version\n\n"
    "exit codes: 0 done, 1 internal error, 2 bad input (config, command line, output path),\n"
    "  3 the machine failed (full disk, file-size limit, I/O error)\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace corridor;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  // Beyond a file-size limit (ulimit -f) write() must fail with EFBIG, reported as an
  // error with exit code 3, instead of SIGXFSZ killing the process and leaving a .tmp.
  std::signal(SIGXFSZ, SIG_IGN);
  const std::string cmd = argv[1];
  if (cmd == "--version") {
    std::cout << "corridor " << CORRIDOR_VERSION << "\n";
    return 0;
  }
  try {
    if (cmd == "run") return cli::run(argc - 1, argv + 1);
    if (cmd == "resume") return cli::resume(argc - 1, argv + 1);
    if (cmd == "summary") return cli::summary(argc - 1, argv + 1);
    if (cmd == "compare") return cli::compare(argc - 1, argv + 1);
    if (cmd == "validate") return cli::validate(argc - 1, argv + 1);
    if (cmd == "bench") return cli::bench(argc - 1, argv + 1);
    if (cmd == "sweep") return cli::sweep(argc - 1, argv + 1);
    if (cmd == "calibrate") return cli::calibrate(argc - 1, argv + 1);
    std::cerr << "corridor: unknown command '" << cmd << "'"
              << did_you_mean(
                     cmd,
                     std::initializer_list<const char*>{"run", "resume", "summary", "compare",
                                                        "validate", "sweep", "calibrate", "bench"})
              << "\n"
              << kUsage;
    return 2;
  } catch (const InputError& e) {
    std::cerr << "corridor: error: " << e.what() << "\n";
    return 2;
  } catch (const EnvironmentError& e) {
    std::cerr << "corridor: error: " << e.what() << "\n";
    // HDF5 1.10's exit handler crashes on a file whose close failed for want of space; our
    // files are closed or removed by now, so skip the exit handlers.
    std::fflush(nullptr);
    std::_Exit(3);
  } catch (const boost::program_options::error& e) {
    std::cerr << "corridor: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "corridor: internal error: " << e.what() << "\n";
    return 1;
  }
}

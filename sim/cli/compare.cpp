// corridor compare: plotting and tables are the Python analysis package's job, so this
// command hands its arguments to it and figures are made in one place.
#include "sim/cli/commands.hpp"
#include "sim/cli/python_module.hpp"

namespace corridor::cli {

int compare(int argc, char** argv) {
  return run_python_module("corridor_analysis.compare_cli", argc, argv);
}

}  // namespace corridor::cli

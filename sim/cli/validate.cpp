// corridor validate: simulated against observed per series and year. The mapping
// (configs/data/moments.yaml), the table and the figures live in the Python analysis
// package, beside the other figures; this command hands its arguments to it.
#include "sim/cli/commands.hpp"
#include "sim/cli/python_module.hpp"

namespace corridor::cli {

int validate(int argc, char** argv) {
  return run_python_module("corridor_analysis.validate_cli", argc, argv);
}

}  // namespace corridor::cli

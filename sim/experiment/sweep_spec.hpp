#pragma once
// A sweep specification (configs/sweeps/*.yaml): scenarios, swept parameters with their
// ranges or values, a design, replicates, a master seed and the outcomes to index. Read
// strictly: every error names the spec file, line and key.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace corridor {

struct ParameterSpec {
  std::string path;  // config key path, e.g. travel.visa_fee_usd
  int line = 0;      // in the spec, for messages
  enum class Kind { kUniform, kLogUniform, kNormal, kValues } kind = Kind::kUniform;
  double a = 0, b = 0;              // bounds (uniform, loguniform) or mean and sd (normal)
  std::vector<std::string> values;  // the list, for kValues (YAML scalars, dates allowed)
  bool integer = false;             // round drawn values to whole numbers
  int levels = 0;                   // grid levels of a continuous parameter (0: design's)

  // The value for a point u in [0, 1) (a quantile of the distribution), as YAML text.
  std::string value_at(double u) const;
  // The values a grid takes.
  std::vector<std::string> grid(int default_levels) const;
  // Values that bound what the design can produce, checked against the config up front.
  std::vector<std::string> extremes() const;
};

// A scalar summary of one output series of a run file.
struct OutcomeSpec {
  std::string name;
  int line = 0;
  std::string series;  // a variable of the annual (years) or daily (dates) group
  std::map<std::string, std::vector<std::string>> select;  // dimension -> labels kept
  enum class Stat { kValue, kMean, kSum, kChange } stat = Stat::kValue;
  std::string from, to;           // years "2030" or dates "2024-06-30"; `to` empty for kValue
  bool dates = false;             // daily group instead of annual
  bool mean_cells = false;        // reduce the selected cells by their mean instead of their sum
  std::vector<std::string> dims;  // the series' dimensions after time, set by check_outcome
};

struct SweepSpec {
  std::string file, text;
  std::string description;
  std::vector<std::pair<std::string, std::string>> scenarios;  // name -> config path
  std::vector<std::string> sets;                               // key=value for every run
  std::vector<ParameterSpec> parameters;
  std::string design = "grid";  // grid | lhs | sobol | table
  int points = 0;               // lhs: samples; sobol: base rows
  int levels = 3;               // grid levels of continuous parameters
  std::string table_file;       // table: CSV of points, header = parameter paths
  std::vector<std::vector<std::string>> table_rows;
  int replicates = 1;
  std::uint64_t seed = 1;
  bool common_seeds = true;  // seeds depend on the replicate only (common random numbers)
  std::vector<OutcomeSpec> outcomes;
};

// Parses and checks the spec's own structure; throws InputError naming file, line, key.
SweepSpec load_sweep_spec(const std::string& path);

}  // namespace corridor

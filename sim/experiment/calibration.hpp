#pragma once
// Calibration by simulated method of moments: free parameters with bounds, observed
// moments (configs/data/observed.csv, computed from runs as configs/data/moments.yaml
// says), a weighted distance averaged over replicates on common random numbers, a
// space-filling start and an NLopt search, all evaluated through the sweep machinery so
// that a calibration runs locally, under MPI or Slurm and resumes after a kill.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/experiment/sweep.hpp"

namespace corridor {

struct FreeParameter {
  std::string path, reason;
  double lo = 0, hi = 1;
  int line = 0;
};

struct MomentSeries {
  std::string name, reason;  // a series of observed.csv
  int from = 0, to = 0;      // years used
  double weight = 1;
  int line = 0;
  OutcomeSpec outcome;  // the model's series, selection and cells (years filled per moment)
  double scale = 1;     // model units -> observed units
};

struct Moment {
  int series = 0;  // index into CalibrationSpec::series
  int year = 0;
  double observed = 0;
  std::string unit, source;
};

struct CalibrationSpec {
  std::string file, text, description;
  std::string scenario;           // config file
  std::vector<std::string> sets;  // key=value for every run
  std::string observed_file, moments_file;
  std::vector<FreeParameter> parameters;
  std::vector<MomentSeries> series;
  std::vector<Moment> moments;
  int replicates = 2;
  std::uint64_t seed = 1;
  int design_points = 8;
  std::string algorithm = "sbplx";  // sbplx | neldermead | bobyqa | cobyla
  int budget = 40;                  // optimizer evaluations after the design
  double xtol = 1e-3;               // relative to each parameter's range
  double step = 0.05;               // finite-difference step, share of the range
  int profile_points = 5;
};

// Reads and checks the spec (and the observed table and moments map it names); throws
// InputError naming file, line and key.
CalibrationSpec load_calibration_spec(const std::string& path);

struct CalibrationOptions {
  std::string out;  // directory
  SweepOptions sweep;
  std::vector<std::string> cli_sets;
  bool quiet = false;
  std::string command;  // the command line, for the report
};

struct CalibrationResult {
  std::vector<double> theta, std_error;
  double objective = 0;
  int evaluations = 0;
};

// Runs the whole procedure; on rank 0 writes OUT/evaluations.csv (the objective's path),
// OUT/fit.csv, OUT/parameters.csv, OUT/profiles.csv, OUT/calibrated.yaml (an overlay)
// and OUT/report.md.
CalibrationResult calibrate(const CalibrationSpec& spec, const CalibrationOptions& opt);

}  // namespace corridor

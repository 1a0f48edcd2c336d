#pragma once
// Many runs as one experiment: a sweep plan (scenarios x design points x replicates, each
// run with a seed derived from its identity), executed by local jobs or by MPI ranks
// pulling runs dynamically, resumable, summarised in one index. `corridor sweep` and the
// calibration drivers both build on this API.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/experiment/design.hpp"
#include "sim/experiment/run_plan.hpp"
#include "sim/experiment/sweep_spec.hpp"

namespace corridor {

struct SweepRun {
  int id = 0, scenario = 0, point = 0, replicate = 0;
  std::uint64_t seed = 0;
  std::string file;  // relative to the sweep directory
};

struct SweepPlan {
  std::string dir;
  std::string design;  // grid | lhs | sobol | table | explicit
  std::vector<std::pair<std::string, std::string>> scenarios;  // name -> config file
  std::vector<ParameterSpec> parameters;
  std::vector<DesignPoint> points;
  std::vector<std::string> sets;  // key=value applied to every run, before the point's values
  std::vector<OutcomeSpec> outcomes;
  int replicates = 1;
  std::vector<SweepRun> runs;

  // The single run, with `threads` worker threads, as `corridor run` would execute it.
  RunPlan run_plan(const SweepRun& r, int threads) const;
  std::string path(const SweepRun& r) const;  // absolute run file path
};

// The spec's set: values with the command line's --set on top (a key given on the
// command line replaces the spec's value for it).
std::vector<std::string> merge_sets(const std::vector<std::string>& spec_sets,
                                    const std::vector<std::string>& cli_sets);

// Scenarios x points x replicates from a spec; `cli_sets` come after the spec's own set:.
SweepPlan make_sweep_plan(const SweepSpec& spec, const std::string& dir,
                          const std::vector<std::string>& cli_sets);
// Builds run ids, seeds and file names for a plan whose points were filled in directly
// (calibration): id = (scenario * points + point) * replicates + replicate.
void number_runs(SweepPlan& plan, std::uint64_t master_seed, bool common_seeds);

// Checks, before anything runs, that every scenario loads with the sets, that every
// parameter path exists and accepts the values the design can produce, and that every
// outcome names a real series, labels and period. Errors name `spec_file` and the line.
void check_sweep_plan(SweepPlan& plan, const std::string& spec_file);

// Creates the directory, checks it is writable, and records the plan; if the directory
// holds a different sweep, throws InputError saying what changed.
void prepare_sweep_dir(const SweepPlan& plan, const std::string& fingerprint);
// A flat, line-per-setting description of what determines the results of a sweep: the
// spec, the --set values and the content of every config file involved.
std::string sweep_fingerprint(const SweepPlan& plan, const std::string& spec_text);

struct RunStatus {
  enum class State { kPending, kComplete, kFailed } state = State::kPending;
  std::string error;
  std::vector<double> outcomes;  // NaN unless complete
  double wall_seconds = 0;
  std::string host, finished_at;
  int rank = 0;
};
// What the sweep directory says of a run (complete file, recorded failure, or nothing).
RunStatus read_status(const SweepPlan& plan, const SweepRun& r);

struct SweepOptions {
  int jobs = 1, threads = 1;       // runs at once (per rank), threads per run
  int shard = 0, shards = 1;       // this process takes runs with id % shards == shard
  bool resume_checkpoints = true;  // continue killed runs from their checkpoints
  // Called on the coordinating rank after each run: runs finished, failed, to do.
  std::function<void(int done, int failed, int total)> progress;
};

struct SweepTally {
  int planned = 0, skipped = 0, done = 0, failed = 0;
};

// Runs every run of this shard that is not complete; under MPI (mpi_ranks() > 1) ranks
// pull runs from rank 0 as they finish. Returns the tally on rank 0.
SweepTally run_sweep(const SweepPlan& plan, const SweepOptions& opt);

// Writes DIR/index.csv, DIR/timing.csv and DIR/index.h5 from the run files on disk.
void write_sweep_index(const SweepPlan& plan);

// The rows of index.csv's result columns, as written (for tests and calibration).
std::vector<RunStatus> collect_statuses(const SweepPlan& plan);

}  // namespace corridor

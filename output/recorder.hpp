#pragma once
// The HDF5 recorder: declared series (name, dimensions, units, how to aggregate) filled
// from each day's outcomes, written as daily, monthly and annual groups, plus firm panel
// snapshots and the event table. The file is written under a temporary name and renamed
// only when complete; the `complete` attribute is set last.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "output/h5file.hpp"
#include "sim/simulation.hpp"

namespace corridor {

enum class Aggregation { kSum, kMean, kLast, kWeightedMean };

struct SeriesSpec {
  std::string name, units, description;
  std::vector<std::string> dims;  // after time
  Aggregation aggregation;
  std::function<void(const Model&, const State&, double* row)> fill;
  // For weighted means (shares): the weight of each cell today.
  std::function<void(const Model&, const State&, double* row)> weight;
};

// Every output series; docs/OUTPUT.md documents the same list.
std::vector<SeriesSpec> output_series(const Model& m);
// Labels of each named dimension.
std::vector<std::string> dimension_labels(const Model& m, const std::string& dim);

struct RunInfo {
  std::uint64_t seed;
  int threads;
  int resumed_from_day = -1;  // recorded as an attribute when the run was resumed
};

// Throws InputError (key -o) unless `path` can be written as an output: not a directory,
// in an existing directory we may write in, and no directory in the way of the temporary
// and checkpoint names beside it. Everything that can be checked before a run starts.
void check_output_path(const std::string& path);

class H5Recorder : public Recorder {
 public:
  // Creates `path`.tmp; throws InputError if the path is the user's mistake (see
  // check_output_path), EnvironmentError if the machine fails (a full disk).
  H5Recorder(const std::string& path, const Model& m, const RunInfo& info);
  ~H5Recorder() override;
  void record(const Simulation& sim) override;
  // Flushes, writes events and run attributes, sets `complete`, renames into place. Throws
  // EnvironmentError if the data cannot all be written; the .tmp is then removed.
  void finish(const Simulation& sim, double wall_seconds);

  // Checkpoints (output/checkpoint.hpp): the buffers kept between days and a copy of the
  // rows already appended, into `group`; load() appends those rows to this (fresh) file
  // and restores the buffers. `file` names the checkpoint in messages.
  void save(hid_t group);
  void load(hid_t group, const std::string& file);
  // The recorder's part of the checkpoint layout signature.
  static std::string checkpoint_layout();

 private:
  struct Period;
  void create(const Model& m, const RunInfo& info);
  void discard();
  void flush();
  void snapshot(const Simulation& sim);

  std::string path_, tmp_;
  h5::Handle file_;
  std::vector<SeriesSpec> series_;
  std::vector<std::size_t> width_;
  std::unique_ptr<Period> daily_, monthly_, annual_;
  std::unique_ptr<h5::Group> panel_;
  std::vector<int> panel_vars_;
  std::vector<std::uint32_t> panel_firms_;
  std::vector<double> scratch_value_, scratch_weight_;  // reused every day, no allocation
  int compression_;
  bool finished_ = false;
};

}  // namespace corridor

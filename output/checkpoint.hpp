#pragma once
// Checkpoints: the whole mutable state of a run in one HDF5 file beside its output (the
// simulation's State through the field lists of sim/visit.hpp, and the recorder's buffers
// and the rows it has written so far), with what identifies the run: corridor version,
// state layout, config and data fingerprint, seed, day. docs/OUTPUT.md describes the file;
// sim/experiment/run_plan.cpp decides when to write one and resumes from it.
#include <cstdint>
#include <string>
#include <vector>

#include "output/recorder.hpp"
#include "sim/simulation.hpp"

namespace corridor {

// Raised whenever the state's layout or the meaning of a field changes, so a checkpoint of
// an older model is refused by name instead of resumed into a different one (2: consignments
// without a currency byte; part loads on a timetable, bookings on a projected queue).
inline constexpr int kCheckpointFormat = 2;

struct CheckpointHeader {
  int format = kCheckpointFormat;
  std::string corridor_version;
  std::string layout;       // hash of the field lists (names and number types)
  std::string fingerprint;  // hash of config text, resolved parameters and driver data
  std::uint64_t seed = 0;
  int day = 0;         // days simulated and recorded; the run continues with this day
  int days = 0;        // days of the whole run
  std::string config;  // the config file, as given (relative to cwd)
  std::vector<std::string> overrides;  // key=value as applied, including run.seed if given
  std::string cwd;                     // where the run started: --set paths are relative to it
  std::string resolved_parameters;     // to name what changed when a config no longer matches
  double wall_seconds = 0;             // wall time of the run up to the checkpoint

  template <class V>
  void visit(V& v) {
    v("format", format);
    v("corridor_version", corridor_version);
    v("layout", layout);
    v("fingerprint", fingerprint);
    v("seed", seed);
    v("day", day);
    v("days", days);
    v("config", config);
    v("overrides", overrides);
    v("cwd", cwd);
    v("resolved_parameters", resolved_parameters);
    v("wall_seconds", wall_seconds);
  }
};

// Where the checkpoint of an output file lives: OUTPUT.ckpt.
std::string checkpoint_path(const std::string& output);
// Hex digests for the header.
std::string model_fingerprint(const Model& m);
std::string checkpoint_layout();

// Writes a complete checkpoint to `file`, a temporary name; commit_checkpoint() then makes
// it the checkpoint. Throws EnvironmentError if it cannot be written (a full disk), after
// removing `file`.
void write_checkpoint(const std::string& file, const CheckpointHeader& header, Simulation& sim,
                      H5Recorder& recorder);
// Renames the closed, complete `tmp` to `path`: from then on a killed process leaves this
// checkpoint (the page cache keeps what a process wrote). EnvironmentError if it fails.
void commit_checkpoint(const std::string& tmp, const std::string& path);
// Waits until `path` is on the disk itself, against a power failure; touches no HDF5
// state, so it runs on another thread while the simulation goes on.
void sync_checkpoint(const std::string& path);
// The header alone; InputError if `file` is not a readable corridor checkpoint.
CheckpointHeader read_checkpoint_header(const std::string& file);
// InputError, saying what differs, unless the checkpoint belongs to this build, model
// (config files, overrides, data tables) and seed.
void check_checkpoint_matches(const std::string& file, const CheckpointHeader& header,
                              const Model& m, std::uint64_t seed);
// Reads the state into `sim` and the rows and buffers into `recorder`, both freshly made
// for the same model; InputError if the file is damaged.
void read_checkpoint(const std::string& file, Simulation& sim, H5Recorder& recorder);

}  // namespace corridor

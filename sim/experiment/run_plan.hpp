#pragma once
// A run as a value: what `corridor run` executes, and what sweeps and calibration will
// hand out by the thousand (one plan per run, each with its own seed and overrides).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace corridor {

struct RunPlan {
  std::string config;                  // config or scenario file
  std::vector<std::string> overrides;  // key.path=value, applied after the files
  std::optional<std::uint64_t> seed;   // default: run.seed of the config
  int threads = 1;
  std::string output;  // HDF5 file to write
  // Continue from OUTPUT.ckpt if it belongs to this plan (config, data, seed, build); start
  // afresh otherwise (RunResult::checkpoint_note says why). For sweeps re-running their
  // unfinished runs. Without it, a run starts afresh and removes a stale checkpoint.
  bool resume_from_checkpoint = false;
};

struct RunResult {
  std::string output;
  double wall_seconds = 0;  // of the whole run, including the time before a resume
  int days = 0;
  std::uint32_t firms = 0;
  int resumed_from_day = -1;    // the checkpoint's day when the run was resumed, else -1
  std::string checkpoint_note;  // why an existing checkpoint was not used, else empty
  // Shipment proposals that found no free slot in the pool (their backlogs waited), and
  // the pool's size.
  std::uint64_t shipments_deferred = 0;
  std::size_t shipment_pool_slots = 0;
};

// A warning to print when a run deferred shipments (trade is then understated), else "".
std::string deferral_warning(const RunResult& r);

// Loads, simulates and records; writes a checkpoint every output.checkpoint_every_days
// (OUTPUT.ckpt, removed when the run completes). Throws InputError for bad input, before
// the simulation starts (no output file is left), EnvironmentError when the machine fails
// (a full disk: no output file is left; the last checkpoint is kept).
// `progress(done, total)` is called after every day.
RunResult execute(const RunPlan& plan, const std::function<void(int, int)>& progress = {});

// Finishes the killed run whose output was to be `output`, from OUTPUT.ckpt, with any
// thread count: the config, overrides and seed come from the checkpoint. The output is the
// same, dataset for dataset, as the uninterrupted run's. InputError if there is no
// checkpoint or it no longer matches its config files, data, or this build.
RunResult resume(const std::string& output, int threads,
                 const std::function<void(int, int)>& progress = {});

}  // namespace corridor

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
};

struct RunResult {
  std::string output;
  double wall_seconds = 0;
  int days = 0;
  std::uint32_t firms = 0;
};

// Loads, simulates and records; throws InputError for bad input (no file is left).
// `progress(done, total)` is called after every day.
RunResult execute(const RunPlan& plan, const std::function<void(int, int)>& progress = {});

}  // namespace corridor

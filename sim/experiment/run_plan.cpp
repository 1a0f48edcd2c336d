#include "sim/experiment/run_plan.hpp"

#include <oneapi/tbb/task_arena.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <optional>

#include "output/checkpoint.hpp"
#include "output/recorder.hpp"
#include "sim/error.hpp"
#include "sim/model.hpp"
#include "sim/params.hpp"

namespace corridor {

namespace {

namespace fs = std::filesystem;

enum class Start { kFresh, kFromMatchingCheckpoint, kFromCheckpoint };

// A failpoint for the kill tests (tests/system/test_checkpoint.py), so that they kill a
// run at an exact point: CORRIDOR_TEST_KILL=after_day:N sends the process SIGKILL once day
// N is recorded, in_checkpoint:N once the checkpoint of day N is written under its
// temporary name but not yet renamed.
struct KillPoint {
  int after_day = -1, in_checkpoint = -1;
};
KillPoint kill_point() {
  KillPoint k;
  const char* s = std::getenv("CORRIDOR_TEST_KILL");
  if (!s) return k;
  const std::string v = s;
  const auto colon = v.find(':');
  const int day = colon == std::string::npos ? -1 : std::atoi(v.c_str() + colon + 1);
  if (v.rfind("after_day:", 0) == 0) k.after_day = day;
  if (v.rfind("in_checkpoint:", 0) == 0) k.in_checkpoint = day;
  return k;
}

RunResult run_in_arena(const RunPlan& plan, const std::function<void(int, int)>& progress,
                       Start from) {
  check_output_path(plan.output);
  auto overrides = plan.overrides;
  if (plan.seed) overrides.push_back("run.seed=" + std::to_string(*plan.seed));
  const auto model = build_model(load_config(plan.config, overrides));
  const std::uint64_t seed = model->params.run.seed;
  const std::string ckpt = checkpoint_path(plan.output), ckpt_tmp = ckpt + ".tmp";
  RunResult result;
  result.output = plan.output;
  result.days = model->days;
  result.firms = model->n_firms;

  std::optional<CheckpointHeader> start;
  std::error_code ec;
  if (from != Start::kFresh) {
    try {
      if (from == Start::kFromCheckpoint || fs::exists(ckpt, ec)) {
        CheckpointHeader h = read_checkpoint_header(ckpt);
        check_checkpoint_matches(ckpt, h, *model, seed);
        start = h;
      }
    } catch (const InputError& e) {
      if (from == Start::kFromCheckpoint) throw;
      result.checkpoint_note = e.what();
    }
  }
  // A checkpoint always belongs to the run now writing this output.
  if (!start) fs::remove(ckpt, ec);
  fs::remove(ckpt_tmp, ec);

  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  // The output file first: a path that cannot be written fails before the agents are built.
  H5Recorder recorder(plan.output, *model, {seed, plan.threads, start ? start->day : -1});
  Simulation sim(model, seed);
  double before = 0;
  if (start) {
    read_checkpoint(ckpt, sim, recorder);
    before = start->wall_seconds;
    result.resumed_from_day = start->day;
  }

  CheckpointHeader header;
  header.corridor_version = CORRIDOR_VERSION;
  header.layout = checkpoint_layout();
  header.fingerprint = model_fingerprint(*model);
  header.seed = seed;
  header.days = model->days;
  header.config = plan.config;
  header.overrides = overrides;
  header.cwd = fs::current_path().string();
  header.resolved_parameters = model->resolved_yaml;

  const int every = model->params.output.checkpoint_every_days;
  const KillPoint kill = kill_point();
  int kept = start ? start->day : -1;
  // The last checkpoint's sync to disk runs beside the simulation: the days that follow
  // do not need it (a killed process leaves the file whole without it).
  std::future<void> pending;
  auto synced = [&] {
    if (pending.valid()) pending.get();  // rethrows a failure to sync
  };
  try {
    while (!sim.done()) {
      const int until = every > 0 ? (sim.day() / every + 1) * every : model->days;
      sim.run(
          &recorder,
          [&](int done) {
            if (progress) progress(done, model->days);
            if (done == kill.after_day) std::raise(SIGKILL);
          },
          until);
      if (every > 0 && !sim.done()) {
        synced();
        header.day = sim.day();
        header.wall_seconds = before + elapsed();
        write_checkpoint(ckpt_tmp, header, sim, recorder);
        if (sim.day() == kill.in_checkpoint) std::raise(SIGKILL);
        commit_checkpoint(ckpt_tmp, ckpt);
        kept = sim.day();
        pending = std::async(std::launch::async, sync_checkpoint, ckpt);
      }
    }
    synced();
    result.wall_seconds = before + elapsed();
    result.shipments_deferred = sim.state().shipments.deferred;
    result.shipment_pool_slots = sim.state().shipments.capacity();
    recorder.finish(sim, result.wall_seconds);
  } catch (const EnvironmentError& e) {
    try {
      synced();
    } catch (const EnvironmentError&) {
      // The first failure is the one to report.
    }
    if (kept > 0 && fs::exists(ckpt, ec))
      throw EnvironmentError(std::string(e.what()) + "; the checkpoint of day " +
                             std::to_string(kept) + " is kept: `corridor resume " + plan.output +
                             "` continues from it");
    throw;
  }
  fs::remove(ckpt, ec);
  return result;
}

// An arena, not a global limit: a sweep runs several of these side by side.
RunResult run(const RunPlan& plan, const std::function<void(int, int)>& progress, Start from) {
  tbb::task_arena arena(std::max(1, plan.threads));
  return arena.execute([&] { return run_in_arena(plan, progress, from); });
}

}  // namespace

std::string deferral_warning(const RunResult& r) {
  if (r.shipments_deferred == 0) return "";
  // The pool is sized for a few million shipments in flight; with very many firms each
  // partnership ships many small part loads and the pool runs out: the run's trade is then
  // understated, so this must not pass unnoticed.
  return "warning: " + r.output + ": " + std::to_string(r.shipments_deferred) +
         " shipment proposals found no free slot in the pool of " +
         std::to_string(r.shipment_pool_slots) +
         " shipments (or no free consignment) and waited (attribute shipments_deferred): "
         "trade and transit are understated; give the pool more slots "
         "(run.shipment_pool_slots, about 70 bytes each), or run fewer firms (firms.count, "
         "run.scale)\n";
}

RunResult execute(const RunPlan& plan, const std::function<void(int, int)>& progress) {
  return run(plan, progress,
             plan.resume_from_checkpoint ? Start::kFromMatchingCheckpoint : Start::kFresh);
}

RunResult resume(const std::string& output, int threads,
                 const std::function<void(int, int)>& progress) {
  check_output_path(output);
  const std::string ckpt = checkpoint_path(output);
  std::error_code ec;
  if (!fs::exists(ckpt, ec))
    throw InputError(output, 0, "",
                     "no checkpoint " + ckpt +
                         " to resume from (the run finished, ran with "
                         "output.checkpoint_every_days = 0, or stopped before its first "
                         "checkpoint): start it again with `corridor run`");
  const CheckpointHeader h = read_checkpoint_header(ckpt);
  // The config as it was given keeps the output's config_text the same, unless we are
  // elsewhere now.
  std::string config = h.config;
  if (fs::path(config).is_relative() && fs::current_path(ec) != fs::path(h.cwd))
    config = (fs::path(h.cwd) / config).lexically_normal().string();
  RunPlan plan{config, h.overrides, std::nullopt, threads, output, true};
  return run(plan, progress, Start::kFromCheckpoint);
}

}  // namespace corridor

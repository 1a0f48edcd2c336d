#include "output/run_plan.hpp"

#include <oneapi/tbb/global_control.h>

#include <chrono>

#include "output/recorder.hpp"
#include "sim/params.hpp"

namespace corridor {

RunResult execute(const RunPlan& plan, const std::function<void(int, int)>& progress) {
  auto overrides = plan.overrides;
  if (plan.seed) overrides.push_back("run.seed=" + std::to_string(*plan.seed));
  const auto model = build_model(load_config(plan.config, overrides));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, plan.threads);
  const auto t0 = std::chrono::steady_clock::now();
  Simulation sim(model, model->params.run.seed);
  H5Recorder recorder(plan.output, *model, {model->params.run.seed, plan.threads});
  sim.run(&recorder, [&](int done) {
    if (progress) progress(done, model->days);
  });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  recorder.finish(sim, wall);
  return {plan.output, wall, model->days, model->n_firms};
}

}  // namespace corridor

#pragma once
// Small models for tests: the baseline config with overrides (fewer firms, a short window).
#include <oneapi/tbb/global_control.h>

#include <string>
#include <vector>

#include "sim/model.hpp"
#include "sim/params.hpp"
#include "sim/simulation.hpp"

namespace corridor::test {

inline std::string source(const std::string& rel) {
  return std::string(CORRIDOR_SOURCE_DIR) + "/" + rel;
}

inline std::shared_ptr<const Model> small_model(std::vector<std::string> sets,
                                                const std::string& config = "configs/baseline.yaml",
                                                int firms = 3000) {
  sets.insert(sets.begin(), "firms.count=" + std::to_string(firms));
  return build_model(load_config(source(config), sets));
}

// Runs to the end, calling `each` after every day.
template <class F>
void run(Simulation& sim, F&& each) {
  while (!sim.done()) {
    sim.step();
    each(sim);
  }
}

}  // namespace corridor::test

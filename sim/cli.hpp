#pragma once
// Shared pieces of the command-line tool.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/model.hpp"

namespace corridor {

// Loads the config with overrides (and --seed) and freezes the model.
std::shared_ptr<const Model> load_model(const std::string& config,
                                        const std::vector<std::string>& overrides);
int bench_main(int argc, char** argv);

}  // namespace corridor

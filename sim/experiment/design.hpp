#pragma once
// Experimental designs over the unit cube, mapped to parameter values: full grids, Latin
// hypercubes, Saltelli's Sobol design (for first-order and total indices) and explicit
// tables. Everything is a pure function of the spec, so every rank and shard agrees.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/experiment/sweep_spec.hpp"

namespace corridor {

struct DesignPoint {
  std::vector<std::string> values;  // one per parameter, YAML text
  std::string block;                // sobol: A, B, AB0, AB1, ...; empty otherwise
  int row = 0;                      // sobol: base row; otherwise the point index
};

std::vector<DesignPoint> make_design(const SweepSpec& spec);

// Unscrambled Sobol' sequence (Joe and Kuo 2008 direction numbers, new-joe-kuo-6.21201,
// dimensions 1 to 32), point `index` (0 is the origin) in `dims` dimensions.
std::vector<double> sobol_point(std::uint64_t index, int dims);
inline constexpr int kSobolMaxDims = 32;

// The seed of a run from the master seed and its identity (splitmix64 mixing).
std::uint64_t run_seed(std::uint64_t master, bool common, int point, int replicate);

}  // namespace corridor

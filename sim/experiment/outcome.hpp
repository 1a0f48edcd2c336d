#pragma once
// Scalar outcomes of a run, computed from its HDF5 file: the value a series takes in a
// year or on a date, its mean or sum over years, or its change between two periods.
#include <string>

#include "sim/experiment/sweep_spec.hpp"
#include "sim/model.hpp"

namespace corridor {

// Checks that the series, dimensions, labels and periods exist in runs of `model`, and
// records the series' dimensions in `o`; throws InputError naming `spec_file`, the
// outcome's line and key.
void check_outcome(OutcomeSpec& o, const Model& model, const std::string& spec_file);

// Evaluates a checked outcome on a complete run file.
double evaluate_outcome(const OutcomeSpec& o, const std::string& run_file);

}  // namespace corridor

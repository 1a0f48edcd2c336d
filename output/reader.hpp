#pragma once
// Reading corridor HDF5 files back (for `corridor summary` and tests).
#include <cstdint>
#include <string>
#include <vector>

namespace corridor {

struct Array {
  std::vector<double> values;
  std::vector<std::size_t> shape;
};

Array read_array(const std::string& file, const std::string& dataset);
std::vector<std::int32_t> read_ints(const std::string& file, const std::string& dataset);
std::vector<std::string> read_strings(const std::string& file, const std::string& dataset);
std::string read_string_attr(const std::string& file, const std::string& name);
std::int64_t read_int_attr(const std::string& file, const std::string& name);

// A short table of headline outcomes by year, for the terminal.
std::string summary_table(const std::string& file);

}  // namespace corridor

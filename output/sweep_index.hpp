#pragma once
// The HDF5 twin of a sweep's index.csv: one row per run along a `run` dimension (so
// xarray opens group "results" as a Dataset), machine-dependent fields in group
// "timing", and external links to every run file in group "runs".
#include <cstdint>
#include <string>
#include <vector>

namespace corridor {

struct IndexColumn {
  std::string name;
  bool numeric = true;
  std::vector<double> numbers;       // when numeric
  std::vector<std::string> strings;  // otherwise
};

struct IndexTable {
  std::vector<std::int32_t> run_ids;
  std::vector<IndexColumn> results, timing;
  std::vector<std::string> run_files;  // relative to the index file; empty: no link
  std::vector<std::pair<std::string, std::string>> attributes;  // root attributes
  std::vector<std::pair<std::string, std::vector<std::string>>> list_attributes;
};

// Writes `path` under a temporary name and renames it into place.
void write_index_h5(const std::string& path, const IndexTable& table);

}  // namespace corridor

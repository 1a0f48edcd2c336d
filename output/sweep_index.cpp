#include "output/sweep_index.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "output/h5file.hpp"

namespace corridor {

namespace {

void write_group(hid_t file, const std::string& name, const std::vector<std::int32_t>& ids,
                 const std::vector<IndexColumn>& cols) {
  h5::Group g(file, name);
  g.growing_dim("run", std::max<std::size_t>(1, std::min<std::size_t>(ids.size(), 4096)),
                {{"long_name", "run id"}});
  std::vector<int> vars;
  for (const auto& c : cols)
    if (c.numeric) vars.push_back(g.variable(c.name, {"run"}, {}, 4));
  g.append_dim(ids.data(), ids.size());
  std::size_t v = 0;
  for (const auto& c : cols) {
    if (c.numeric)
      g.append(vars[v++], c.numbers.data(), c.numbers.size());
    else
      g.strings(c.name, "run", c.strings);
  }
}

}  // namespace

void write_index_h5(const std::string& path, const IndexTable& t) {
  // Unique per process: shards of a job array may finish at the same moment.
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  std::filesystem::remove(tmp);
  {
    h5::Handle f(
        h5::check(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create " + tmp),
        H5Fclose);
    for (const auto& [k, v] : t.attributes) h5::set_attr(f.get(), k, v);
    for (const auto& [k, v] : t.list_attributes) h5::set_attr(f.get(), k, v);
    write_group(f.get(), "results", t.run_ids, t.results);
    write_group(f.get(), "timing", t.run_ids, t.timing);
    h5::Handle runs(
        h5::check(H5Gcreate2(f.get(), "runs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group runs"),
        H5Gclose);
    for (std::size_t i = 0; i < t.run_files.size(); ++i) {
      if (t.run_files[i].empty()) continue;
      char name[32];
      std::snprintf(name, sizeof name, "r%06d", t.run_ids[i]);
      // Relative to the index file's directory, so a sweep directory can be moved whole.
      h5::check(H5Lcreate_external(t.run_files[i].c_str(), "/", runs.get(), name, H5P_DEFAULT,
                                   H5P_DEFAULT),
                "external link " + t.run_files[i]);
    }
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace corridor

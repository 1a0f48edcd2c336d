#pragma once
// Every dataset of an HDF5 file as bytes, by path, for byte-for-byte comparisons of runs.
#include <hdf5.h>

#include <map>
#include <string>
#include <vector>

namespace corridor::test {

inline std::map<std::string, std::string> dataset_bytes(const std::string& file) {
  std::map<std::string, std::string> out;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return out;
  H5Ovisit(
      f, H5_INDEX_NAME, H5_ITER_NATIVE,
      [](hid_t root, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type != H5O_TYPE_DATASET) return 0;
        auto& out = *static_cast<std::map<std::string, std::string>*>(data);
        const hid_t ds = H5Dopen2(root, name, H5P_DEFAULT);
        const hid_t type = H5Dget_type(ds);
        const hid_t space = H5Dget_space(ds);
        const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
        std::string bytes;
        if (H5Tis_variable_str(type) > 0) {
          std::vector<char*> p(n, nullptr);
          if (n) H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data());
          for (char* s : p) bytes += std::string(s ? s : "") + '\0';
          if (n) H5Dvlen_reclaim(type, space, H5P_DEFAULT, p.data());
        } else {
          bytes.resize(n * H5Tget_size(type));
          if (n) H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
        }
        out[name] = bytes;
        H5Sclose(space);
        H5Tclose(type);
        H5Dclose(ds);
        return 0;
      },
      &out);
  H5Fclose(f);
  return out;
}

// The paths whose bytes differ, or that only one file has.
inline std::vector<std::string> differing_datasets(const std::string& a, const std::string& b,
                                                   const std::string& under = "") {
  const auto da = dataset_bytes(a), db = dataset_bytes(b);
  std::vector<std::string> diff;
  for (const auto& [k, v] : da)
    if (k.rfind(under, 0) == 0 && (!db.count(k) || db.at(k) != v)) diff.push_back(k);
  for (const auto& [k, v] : db)
    if (k.rfind(under, 0) == 0 && !da.count(k)) diff.push_back(k);
  return diff;
}

}  // namespace corridor::test

#include "output/h5file.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "sim/error.hpp"

namespace corridor::h5 {

namespace {
herr_t find_errno(unsigned, const H5E_error2_t* e, void* data) {
  auto* out = static_cast<SystemError*>(data);
  if (out->err || !e->desc) return 0;
  // The sec2 driver writes "..., filename = 'F', file descriptor = N, errno = E, ..." for
  // reads and writes and "name = 'F', errno = E, ..." when opening.
  const std::string d = e->desc;
  const auto k = d.find("errno = ");
  if (k == std::string::npos) return 0;
  out->err = std::atoi(d.c_str() + k + 8);
  const auto f = d.find("name = '");
  if (f != std::string::npos) {
    const auto end = d.find('\'', f + 8);
    if (end != std::string::npos) out->file = d.substr(f + 8, end - f - 8);
  }
  return 0;
}
}  // namespace

SystemError last_system_error() {
  SystemError out;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, find_errno, &out);
  return out;
}

hid_t check(hid_t id, const std::string& what) {
  if (id >= 0) return id;
  const SystemError sys = last_system_error();
  if (sys.err)
    throw EnvironmentError((sys.file.empty() ? std::string() : sys.file + ": ") +
                           std::strerror(sys.err) + " (HDF5: " + what + ")");
  throw std::runtime_error("HDF5 error: " + what);
}

namespace {
Handle string_type() {
  Handle t(check(H5Tcopy(H5T_C_S1), "string type"), H5Tclose);
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}
}  // namespace

void set_attr(hid_t obj, const std::string& name, const std::string& value) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle t = string_type();
  Handle space(check(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
  Handle a(check(H5Acreate2(obj, name.c_str(), t.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                 "attribute " + name),
           H5Aclose);
  const char* p = value.c_str();
  check(H5Awrite(a.get(), t.get(), &p), "write attribute " + name);
}

void set_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle t = string_type();
  const hsize_t n = values.size();
  Handle space(check(H5Screate_simple(1, &n, nullptr), "space"), H5Sclose);
  Handle a(check(H5Acreate2(obj, name.c_str(), t.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                 "attribute " + name),
           H5Aclose);
  std::vector<const char*> p;
  for (const auto& v : values) p.push_back(v.c_str());
  if (n) check(H5Awrite(a.get(), t.get(), p.data()), "write attribute " + name);
}

template <class T>
static void set_numeric(hid_t obj, const std::string& name, T value, hid_t type) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle space(check(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
  Handle a(check(H5Acreate2(obj, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                 "attribute " + name),
           H5Aclose);
  check(H5Awrite(a.get(), type, &value), "write attribute " + name);
}

void set_attr(hid_t obj, const std::string& name, double value) {
  set_numeric(obj, name, value, H5T_NATIVE_DOUBLE);
}
void set_attr(hid_t obj, const std::string& name, std::int64_t value) {
  set_numeric(obj, name, value, H5T_NATIVE_INT64);
}

Group::Group(hid_t parent, const std::string& name)
    : group_(check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   "group " + name),
             H5Gclose) {}

Group::Dim& Group::find(const std::string& name) {
  for (auto& d : dims_)
    if (d.name == name) return d;
  throw std::logic_error("unknown dimension " + name);
}

Handle string_transfer(std::size_t n) {
  Handle xfer(check(H5Pcreate(H5P_DATASET_XFER), "transfer plist"), H5Pclose);
  H5Pset_buffer(xfer.get(), std::max<std::size_t>(1024, n * 4 * sizeof(hvl_t)), nullptr, nullptr);
  return xfer;
}

namespace {
// A 1-D dataset of UTF-8 strings.
Handle write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& v) {
  Handle t = string_type();
  const hsize_t n = v.size();
  Handle space(check(H5Screate_simple(1, &n, nullptr), "space"), H5Sclose);
  Handle ds(check(H5Dcreate2(parent, name.c_str(), t.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT,
                             H5P_DEFAULT),
                  "dataset " + name),
            H5Dclose);
  std::vector<const char*> p;
  for (const auto& s : v) p.push_back(s.c_str());
  const Handle xfer = string_transfer(n);
  if (n)
    check(H5Dwrite(ds.get(), t.get(), H5S_ALL, H5S_ALL, xfer.get(), p.data()), "write " + name);
  return ds;
}
}  // namespace

void Group::dim(const std::string& name, const std::vector<std::string>& labels) {
  Handle ds = write_strings(id(), name, labels);
  check(H5DSset_scale(ds.get(), name.c_str()), "scale " + name);
  dims_.push_back({name, labels.size(), false, std::move(ds)});
}

void Group::dim(const std::string& name, const std::vector<std::int32_t>& values,
                const std::vector<std::pair<std::string, std::string>>& attrs) {
  const hsize_t n = values.size();
  Handle space(check(H5Screate_simple(1, &n, nullptr), "space"), H5Sclose);
  Handle ds(check(H5Dcreate2(id(), name.c_str(), H5T_NATIVE_INT32, space.get(), H5P_DEFAULT,
                             H5P_DEFAULT, H5P_DEFAULT),
                  "dimension " + name),
            H5Dclose);
  if (n)
    check(H5Dwrite(ds.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "write " + name);
  for (const auto& [k, v] : attrs) set_attr(ds.get(), k, v);
  check(H5DSset_scale(ds.get(), name.c_str()), "scale " + name);
  dims_.push_back({name, n, false, std::move(ds)});
}

void Group::growing_dim(const std::string& name, std::size_t chunk,
                        const std::vector<std::pair<std::string, std::string>>& attrs) {
  chunk_ = chunk;
  const hsize_t zero = 0, unlimited = H5S_UNLIMITED, c = chunk;
  Handle space(check(H5Screate_simple(1, &zero, &unlimited), "space"), H5Sclose);
  Handle plist(check(H5Pcreate(H5P_DATASET_CREATE), "plist"), H5Pclose);
  H5Pset_chunk(plist.get(), 1, &c);
  Handle ds(check(H5Dcreate2(id(), name.c_str(), H5T_NATIVE_INT32, space.get(), H5P_DEFAULT,
                             plist.get(), H5P_DEFAULT),
                  "dimension " + name),
            H5Dclose);
  for (const auto& [k, v] : attrs) set_attr(ds.get(), k, v);
  check(H5DSset_scale(ds.get(), name.c_str()), "scale " + name);
  dims_.push_back({name, 0, true, std::move(ds)});
}

int Group::variable(const std::string& name, const std::vector<std::string>& dims,
                    const std::vector<std::pair<std::string, std::string>>& attrs,
                    int compression) {
  std::vector<hsize_t> shape, maxshape, chunk;
  for (const auto& d : dims) {
    Dim& dim = find(d);
    shape.push_back(dim.growing ? 0 : dim.size);
    maxshape.push_back(dim.growing ? H5S_UNLIMITED : dim.size);
    chunk.push_back(dim.growing ? chunk_ : std::max<hsize_t>(1, dim.size));
  }
  Handle space(
      check(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), maxshape.data()),
            "space"),
      H5Sclose);
  Handle plist(check(H5Pcreate(H5P_DATASET_CREATE), "plist"), H5Pclose);
  H5Pset_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data());
  if (compression > 0) {
    H5Pset_shuffle(plist.get());
    H5Pset_deflate(plist.get(), compression);
  }
  const double fill = 0.0;
  H5Pset_fill_value(plist.get(), H5T_NATIVE_DOUBLE, &fill);
  Handle ds(check(H5Dcreate2(id(), name.c_str(), H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT,
                             plist.get(), H5P_DEFAULT),
                  "variable " + name),
            H5Dclose);
  for (std::size_t i = 0; i < dims.size(); ++i)
    check(H5DSattach_scale(ds.get(), find(dims[i]).ds.get(), static_cast<unsigned>(i)),
          "attach " + dims[i] + " to " + name);
  for (const auto& [k, v] : attrs) set_attr(ds.get(), k, v);
  vars_.push_back({std::move(ds), shape});
  return static_cast<int>(vars_.size()) - 1;
}

void Group::append(int v, const double* data, std::size_t rows) {
  Var& var = vars_[v];
  std::vector<hsize_t> start(var.shape.size(), 0), count = var.shape;
  start[0] = var.shape[0];
  count[0] = rows;
  var.shape[0] += rows;
  check(H5Dset_extent(var.ds.get(), var.shape.data()), "extend");
  Handle file_space(check(H5Dget_space(var.ds.get()), "space"), H5Sclose);
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                      nullptr);
  Handle mem(check(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), "mem"),
             H5Sclose);
  check(H5Dwrite(var.ds.get(), H5T_NATIVE_DOUBLE, mem.get(), file_space.get(), H5P_DEFAULT, data),
        "append");
}

void Group::append_dim(const std::int32_t* values, std::size_t rows) {
  for (auto& d : dims_) {
    if (!d.growing) continue;
    const hsize_t start = grown_, count = rows, size = grown_ + rows;
    check(H5Dset_extent(d.ds.get(), &size), "extend dim");
    Handle file_space(check(H5Dget_space(d.ds.get()), "space"), H5Sclose);
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr);
    Handle mem(check(H5Screate_simple(1, &count, nullptr), "mem"), H5Sclose);
    check(H5Dwrite(d.ds.get(), H5T_NATIVE_INT32, mem.get(), file_space.get(), H5P_DEFAULT, values),
          "append dim");
    grown_ = size;
    d.size = size;
  }
}

std::vector<double> Group::read(int v) const {
  const Var& var = vars_[v];
  std::size_t n = 1;
  for (auto d : var.shape) n *= d;
  std::vector<double> out(n);
  if (n)
    check(H5Dread(var.ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
          "read back");
  return out;
}

std::vector<std::int32_t> Group::read_dim() const {
  for (const auto& d : dims_) {
    if (!d.growing) continue;
    std::vector<std::int32_t> out(d.size);
    if (d.size)
      check(H5Dread(d.ds.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
            "read back dimension");
    return out;
  }
  return {};
}

void Group::strings(const std::string& name, const std::string& dim,
                    const std::vector<std::string>& v) {
  Handle ds = write_strings(id(), name, v);
  check(H5DSattach_scale(ds.get(), find(dim).ds.get(), 0), "attach " + dim);
}

}  // namespace corridor::h5

#include "output/state_io.hpp"

namespace corridor::state_io {

using h5::check;
using h5::Handle;

Handle create_group(hid_t parent, const std::string& name) {
  return Handle(check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      "checkpoint group " + name),
                H5Gclose);
}

void write_numbers(hid_t group, const std::string& name, hid_t type, const void* data,
                   const std::vector<hsize_t>& dims) {
  Handle space(
      check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "space " + name),
      H5Sclose);
  Handle ds(check(H5Dcreate2(group, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                             H5P_DEFAULT),
                  "checkpoint dataset " + name),
            H5Dclose);
  hsize_t n = 1;
  for (auto d : dims) n *= d;
  if (n) check(H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
}

namespace {
Handle text_type() {
  Handle t(check(H5Tcopy(H5T_C_S1), "string type"), H5Tclose);
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

Handle open_dataset(hid_t group, const std::string& name, const Place& at) {
  if (H5Lexists(group, name.c_str(), H5P_DEFAULT) <= 0) at.fail(name, "missing in the checkpoint");
  const hid_t ds = H5Dopen2(group, name.c_str(), H5P_DEFAULT);
  if (ds < 0) at.fail(name, "not a dataset");
  return Handle(ds, H5Dclose);
}

std::vector<hsize_t> shape(hid_t ds) {
  Handle space(check(H5Dget_space(ds), "space"), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(rank > 0 ? rank : 0);
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}
}  // namespace

void write_text(hid_t group, const std::string& name, const std::vector<std::string>& v) {
  Handle t = text_type();
  const hsize_t n = v.size();
  Handle space(check(H5Screate_simple(1, &n, nullptr), "space " + name), H5Sclose);
  Handle ds(check(H5Dcreate2(group, name.c_str(), t.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT,
                             H5P_DEFAULT),
                  "checkpoint dataset " + name),
            H5Dclose);
  std::vector<const char*> p;
  for (const auto& s : v) p.push_back(s.c_str());
  const Handle xfer = h5::string_transfer(n);
  if (n)
    check(H5Dwrite(ds.get(), t.get(), H5S_ALL, H5S_ALL, xfer.get(), p.data()), "write " + name);
}

void Place::fail(const std::string& name, const std::string& what) const {
  throw InputError(file, 0, path.empty() ? name : path + "/" + name,
                   what + " (the checkpoint is damaged or from another build)");
}

Handle open_group(hid_t parent, const std::string& name, const Place& at) {
  if (H5Lexists(parent, name.c_str(), H5P_DEFAULT) <= 0) at.fail(name, "missing in the checkpoint");
  const hid_t g = H5Gopen2(parent, name.c_str(), H5P_DEFAULT);
  if (g < 0) at.fail(name, "not a group");
  return Handle(g, H5Gclose);
}

std::size_t read_numbers_shape(hid_t group, const std::string& name, hid_t type, std::size_t inner,
                               const Place& at) {
  Handle ds = open_dataset(group, name, at);
  Handle stored(check(H5Dget_type(ds.get()), "type of " + name), H5Tclose);
  if (H5Tequal(stored.get(), type) <= 0) at.fail(name, "has another number type");
  const auto dims = shape(ds.get());
  if (dims.size() != (inner ? 2u : 1u) || (inner && dims[1] != inner))
    at.fail(name, "has another shape");
  return dims[0];
}

void read_numbers(hid_t group, const std::string& name, hid_t type, void* data, const Place& at) {
  Handle ds = open_dataset(group, name, at);
  if (H5Dread(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    at.fail(name, "cannot be read");
}

std::vector<std::string> read_text(hid_t group, const std::string& name, const Place& at) {
  Handle ds = open_dataset(group, name, at);
  Handle stored(check(H5Dget_type(ds.get()), "type of " + name), H5Tclose);
  if (H5Tget_class(stored.get()) != H5T_STRING || H5Tis_variable_str(stored.get()) <= 0)
    at.fail(name, "is not text");
  const auto dims = shape(ds.get());
  if (dims.size() != 1) at.fail(name, "has another shape");
  std::vector<char*> p(dims[0], nullptr);
  Handle t = text_type();
  const Handle xfer = h5::string_transfer(dims[0]);
  if (dims[0] && H5Dread(ds.get(), t.get(), H5S_ALL, H5S_ALL, xfer.get(), p.data()) < 0)
    at.fail(name, "cannot be read");
  std::vector<std::string> out;
  for (char* s : p) out.emplace_back(s ? s : "");
  if (dims[0]) {
    Handle space(check(H5Dget_space(ds.get()), "space"), H5Sclose);
    H5Dvlen_reclaim(t.get(), space.get(), H5P_DEFAULT, p.data());
  }
  return out;
}

void Writer::rings(const char* name, RingBuffers& ring, const std::vector<std::size_t>& head,
                   const std::vector<std::size_t>& count) {
  Handle sub = create_group(g_, name);
  std::vector<std::uint64_t> lengths(ring.size());
  std::vector<std::int32_t> live;
  for (std::size_t x = 0; x < ring.size(); ++x) {
    lengths[x] = count[x];
    for (std::size_t i = 0; i < count[x]; ++i)
      live.push_back(ring[x][(head[x] + i) % ring[x].size()]);
  }
  write_numbers(sub.get(), "lengths", H5T_NATIVE_UINT64, lengths.data(), {lengths.size()});
  write_numbers(sub.get(), "live", H5T_NATIVE_INT32, live.data(), {live.size()});
}

void Reader::rings(const char* name, RingBuffers& ring, const std::vector<std::size_t>& head,
                   const std::vector<std::size_t>& count) {
  Handle sub = open_group(g_, name, at_);
  const Place at = at_.child(name);
  const std::size_t n = read_numbers_shape(sub.get(), "lengths", H5T_NATIVE_UINT64, 0, at);
  if (n != ring.size() || head.size() != n || count.size() != n)
    at.fail("lengths", "another number of rings (a different model)");
  std::vector<std::uint64_t> lengths(n);
  read_numbers(sub.get(), "lengths", H5T_NATIVE_UINT64, lengths.data(), at);
  const std::size_t m = read_numbers_shape(sub.get(), "live", H5T_NATIVE_INT32, 0, at);
  std::vector<std::int32_t> live(m);
  if (m) read_numbers(sub.get(), "live", H5T_NATIVE_INT32, live.data(), at);
  std::size_t k = 0;
  for (std::size_t x = 0; x < n; ++x) {
    if (lengths[x] != count[x] || lengths[x] > ring[x].size() || k + lengths[x] > m)
      at.fail("lengths", "does not match the queue counts");
    for (std::size_t i = 0; i < lengths[x]; ++i)
      ring[x][(head[x] + i) % ring[x].size()] = live[k++];
  }
  if (k != m) at.fail("live", "more entries than the queues hold");
}

}  // namespace corridor::state_io

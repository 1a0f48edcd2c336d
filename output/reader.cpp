#include "output/reader.hpp"

#include <hdf5.h>

#include <cstdio>
#include <stdexcept>

#include "output/h5file.hpp"
#include "sim/calendar.hpp"

namespace corridor {

namespace {
h5::Handle open_file(const std::string& file) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw std::runtime_error("cannot open " + file);
  return h5::Handle(f, H5Fclose);
}
h5::Handle open_dataset(const h5::Handle& f, const std::string& name) {
  const hid_t d = H5Dopen2(f.get(), name.c_str(), H5P_DEFAULT);
  if (d < 0) throw std::runtime_error("no dataset " + name);
  return h5::Handle(d, H5Dclose);
}
std::vector<std::size_t> shape_of(const h5::Handle& d) {
  h5::Handle space(H5Dget_space(d.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return {dims.begin(), dims.end()};
}
std::size_t product(const std::vector<std::size_t>& s) {
  std::size_t n = 1;
  for (auto v : s) n *= v;
  return n;
}
}  // namespace

Array read_array(const std::string& file, const std::string& dataset) {
  auto f = open_file(file);
  auto d = open_dataset(f, dataset);
  Array a;
  a.shape = shape_of(d);
  a.values.resize(product(a.shape));
  if (!a.values.empty())
    h5::check(H5Dread(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()),
              "read " + dataset);
  return a;
}

std::vector<std::int32_t> read_ints(const std::string& file, const std::string& dataset) {
  auto f = open_file(file);
  auto d = open_dataset(f, dataset);
  std::vector<std::int32_t> v(product(shape_of(d)));
  if (!v.empty())
    h5::check(H5Dread(d.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()),
              "read " + dataset);
  return v;
}

std::vector<std::string> read_strings(const std::string& file, const std::string& dataset) {
  auto f = open_file(file);
  auto d = open_dataset(f, dataset);
  const std::size_t n = product(shape_of(d));
  std::vector<char*> raw(n, nullptr);
  h5::Handle t(H5Dget_type(d.get()), H5Tclose);
  const h5::Handle xfer = h5::string_transfer(n);
  if (n) h5::check(H5Dread(d.get(), t.get(), H5S_ALL, H5S_ALL, xfer.get(), raw.data()), "read");
  std::vector<std::string> out;
  for (char* p : raw) out.emplace_back(p ? p : "");
  if (n) {
    h5::Handle space(H5Dget_space(d.get()), H5Sclose);
    H5Dvlen_reclaim(t.get(), space.get(), H5P_DEFAULT, raw.data());
  }
  return out;
}

std::string read_string_attr(const std::string& file, const std::string& name) {
  auto f = open_file(file);
  h5::Handle a(h5::check(H5Aopen(f.get(), name.c_str(), H5P_DEFAULT), "attribute " + name),
               H5Aclose);
  h5::Handle t(H5Aget_type(a.get()), H5Tclose);
  char* p = nullptr;
  h5::check(H5Aread(a.get(), t.get(), &p), "read attribute " + name);
  std::string s = p ? p : "";
  H5free_memory(p);
  return s;
}

std::int64_t read_int_attr(const std::string& file, const std::string& name) {
  auto f = open_file(file);
  h5::Handle a(h5::check(H5Aopen(f.get(), name.c_str(), H5P_DEFAULT), "attribute " + name),
               H5Aclose);
  std::int64_t v = 0;
  h5::check(H5Aread(a.get(), H5T_NATIVE_INT64, &v), "read attribute " + name);
  return v;
}

std::string summary_table(const std::string& file) {
  const auto time = read_ints(file, "annual/time");
  const Date start = *Date::parse(read_string_attr(file, "start_date"));
  const auto trade = read_array(file, "annual/bilateral_trade_usd").values;
  const auto transit = read_array(file, "annual/transit_teu");
  const auto rmb = read_array(file, "annual/rmb_settlement_share").values;
  const auto arrivals = read_array(file, "annual/arrivals");
  const auto queue = read_array(file, "annual/border_queue_days");
  const auto jobs = read_array(file, "annual/jobs_transit").values;
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-6s %12s %14s %12s %10s %12s %12s %12s\n", "year", "trade_bn",
                "kz_transit_kteu", "sea_kteu", "rmb_share", "arrivals_k", "queue_days",
                "jobs_transit");
  out += line;
  const std::size_t nc = transit.shape.size() > 1 ? transit.shape[1] : 1;
  const std::size_t nx = queue.shape.size() > 1 ? queue.shape[1] : 1;
  const std::size_t na = arrivals.shape.size() > 2 ? arrivals.shape[1] * arrivals.shape[2] : 1;
  for (std::size_t y = 0; y < time.size(); ++y) {
    double kz = 0, arr = 0, q = 0;
    for (std::size_t c = 0; c + 1 < nc; ++c) kz += transit.values[y * nc + c];  // maritime last
    for (std::size_t k = 0; k < na; ++k) arr += arrivals.values[y * na + k];
    for (std::size_t k = 0; k < nx; ++k) q = std::max(q, queue.values[y * nx + k]);
    std::snprintf(line, sizeof line, "%-6d %12.2f %14.1f %12.1f %10.4f %12.1f %12.2f %12.0f\n",
                  (start + time[y]).year(), trade[y] / 1e9, kz / 1e3,
                  transit.values[y * nc + nc - 1] / 1e3, rmb[y], arr / 1e3, q, jobs[y]);
    out += line;
  }
  const std::int64_t deferred = read_int_attr(file, "shipments_deferred");
  if (deferred > 0)
    out += "warning: " + std::to_string(deferred) +
           " shipment proposals found no free pool slot and waited: trade and transit are "
           "understated (run.shipment_pool_slots)\n";
  return out;
}

}  // namespace corridor

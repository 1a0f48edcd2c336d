#include "output/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "output/state_io.hpp"
#include "sim/error.hpp"

namespace corridor {

namespace {

// FNV-1a, 64 bits: a fingerprint, not a defence against tampering.
struct Fnv {
  std::uint64_t h = 1469598103934665603ull;
  void bytes(const void* p, std::size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ c[i]) * 1099511628211ull;
  }
  void text(const std::string& s) {
    const std::uint64_t n = s.size();
    bytes(&n, sizeof n);
    bytes(s.data(), s.size());
  }
  void numbers(const std::vector<double>& v) {
    const std::uint64_t n = v.size();
    bytes(&n, sizeof n);
    bytes(v.data(), v.size() * sizeof(double));
  }
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }
};

std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ga = static_cast<bool>(std::getline(sa, la));
    const bool gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb) return "";
    if (!ga || !gb || la != lb)
      return "line " + std::to_string(line) + " of the resolved parameters was '" +
             (ga ? la : "(end)") + "', is now '" + (gb ? lb : "(end)") + "'";
  }
}

void sync_file(const std::string& file) {
  const int fd = ::open(file.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int e = errno;
    if (fd >= 0) ::close(fd);
    throw EnvironmentError(file + ": cannot sync the checkpoint to disk: " + std::strerror(e));
  }
  ::close(fd);
}

h5::Handle open_checkpoint(const std::string& file) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw InputError(file, 0, "", "no checkpoint here");
  if (H5Fis_hdf5(file.c_str()) <= 0)
    throw InputError(file, 0, "", "not a corridor checkpoint (not an HDF5 file, or damaged)");
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw InputError(file, 0, "", "cannot open the checkpoint");
  h5::Handle h(f, H5Fclose);
  if (H5Lexists(f, "header", H5P_DEFAULT) <= 0)
    throw InputError(file, 0, "", "not a corridor checkpoint (no header group)");
  return h;
}

}  // namespace

std::string checkpoint_path(const std::string& output) {
  return output + ".ckpt";
}

std::string model_fingerprint(const Model& m) {
  Fnv f;
  // The text of every config file, without the lines naming them: the same files reached
  // by another path (from another directory) are the same configuration.
  std::istringstream text(m.config_text);
  for (std::string line; std::getline(text, line);)
    if (line.rfind("# ---- ", 0) != 0 || line.rfind("# ---- --set ", 0) == 0) f.text(line);
  f.text(m.resolved_yaml);
  // The data tables the model read (the config names them but not their contents).
  f.numbers(m.oil_index);
  f.numbers(m.copper_index);
  for (const auto* series : {&m.gdp_index, &m.income_index, &m.price_local, &m.fx_index})
    for (const auto& g : *series) f.numbers(g);
  for (const auto& freight : m.link_freight_usd_per_teu) f.numbers(freight);
  f.bytes(&m.n_firms, sizeof m.n_firms);
  f.bytes(&m.days, sizeof m.days);
  return f.hex();
}

std::string checkpoint_layout() {
  State st;
  state_io::Layout l;
  st.visit(l);
  Fnv f;
  f.text(l.text());
  f.text(H5Recorder::checkpoint_layout());
  return f.hex();
}

void write_checkpoint(const std::string& file, const CheckpointHeader& header, Simulation& sim,
                      H5Recorder& recorder) {
  try {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    h5::Handle f(h5::check(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                           "create the checkpoint " + file),
                 H5Fclose);
    {
      state_io::Writer root(f.get());
      CheckpointHeader h = header;
      root("header", h);
      root("simulation", sim);
      h5::Handle rec = state_io::create_group(f.get(), "recorder");
      recorder.save(rec.get());
    }
    h5::check(H5Fflush(f.get(), H5F_SCOPE_GLOBAL), "flush the checkpoint");
    h5::check(f.close(), "close the checkpoint");
  } catch (const std::runtime_error& e) {
    std::error_code ec;
    std::filesystem::remove(file, ec);
    // Any failure to write is the machine's (the path was checked before the run).
    if (dynamic_cast<const EnvironmentError*>(&e)) throw;
    throw EnvironmentError(file + ": cannot write the checkpoint: " + e.what());
  }
}

void commit_checkpoint(const std::string& tmp, const std::string& path) {
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw EnvironmentError(path + ": cannot rename the checkpoint into place: " + ec.message());
  }
}

void sync_checkpoint(const std::string& path) {
  sync_file(path);
}

CheckpointHeader read_checkpoint_header(const std::string& file) {
  h5::Handle f = open_checkpoint(file);
  CheckpointHeader h;
  state_io::Reader root(f.get(), {file, ""});
  root("header", h);
  return h;
}

void check_checkpoint_matches(const std::string& file, const CheckpointHeader& h, const Model& m,
                              std::uint64_t seed) {
  if (h.format != kCheckpointFormat || h.corridor_version != CORRIDOR_VERSION)
    throw InputError(
        file, 0, "",
        "written by corridor " + h.corridor_version + " (checkpoint format " +
            std::to_string(h.format) + "); this is corridor " CORRIDOR_VERSION " (format " +
            std::to_string(kCheckpointFormat) + "): it cannot be resumed, start the run again");
  if (h.layout != checkpoint_layout())
    throw InputError(file, 0, "",
                     "written by a build whose simulation state differs (layout " + h.layout +
                         ", this build " + checkpoint_layout() +
                         "): it cannot be resumed, start the run again");
  if (h.seed != seed)
    throw InputError(file, 0, "",
                     "belongs to seed " + std::to_string(h.seed) + ", not " + std::to_string(seed));
  if (h.fingerprint != model_fingerprint(m)) {
    std::string what = first_difference(h.resolved_parameters, m.resolved_yaml);
    if (what.empty()) what = "the config files or data tables changed";
    throw InputError(file, 0, "",
                     "belongs to another configuration: " + what + " (config " + h.config +
                         ", started in " + h.cwd + ")");
  }
  if (h.days != m.days || h.day <= 0 || h.day >= m.days)
    throw InputError(file, 0, "",
                     "damaged: day " + std::to_string(h.day) + " of " + std::to_string(h.days));
}

void read_checkpoint(const std::string& file, Simulation& sim, H5Recorder& recorder) {
  h5::Handle f = open_checkpoint(file);
  state_io::Reader root(f.get(), {file, ""});
  root("simulation", sim);
  sim.restored();
  h5::Handle rec = state_io::open_group(f.get(), "recorder", {file, ""});
  recorder.load(rec.get(), file);
}

}  // namespace corridor

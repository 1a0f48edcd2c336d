#pragma once
// Strict reading of the experiment specs (sweeps, calibrations): every failure names the
// file, line and full key, and duplicate or unknown keys are errors.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <string>
#include <utility>

#include "sim/error.hpp"

namespace corridor::spec {

inline int line_of(const YAML::Node& n) {
  return n.Mark().line + 1;
}

inline std::string scalar_text(const YAML::Node& n) {
  return n.IsScalar() ? n.Scalar() : std::string("<") + (n.IsMap() ? "mapping" : "list") + ">";
}

// The shortest text that reads back as the same double.
inline std::string num(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// The spec's reader: every failure names the file, line and full key.
struct Reader {
  std::string file;

  [[noreturn]] void fail(const YAML::Node& n, const std::string& key,
                         const std::string& what) const {
    throw InputError(file, line_of(n), key, what);
  }

  void allow(const YAML::Node& map, const std::string& key,
             std::initializer_list<const char*> keys) const {
    if (!map.IsMap()) fail(map, key, "expected a mapping");
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string k = it->first.as<std::string>();
      const std::string full = key.empty() ? k : key + "." + k;
      if (!seen.insert(k).second) fail(it->first, full, "duplicate key");
      if (std::find_if(keys.begin(), keys.end(), [&](const char* a) { return k == a; }) ==
          keys.end()) {
        std::string list;
        for (const char* a : keys) list += std::string(list.empty() ? "" : ", ") + a;
        fail(it->first, full, "unknown key (allowed: " + list + ")");
      }
    }
  }

  void unique_keys(const YAML::Node& map, const std::string& key) const {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it)
      if (!seen.insert(it->first.as<std::string>()).second)
        fail(it->first, key + "." + it->first.as<std::string>(), "duplicate key");
  }

  double number(const YAML::Node& n, const std::string& key) const {
    double v;
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      fail(n, key, "expected a number, got '" + scalar_text(n) + "'");
    }
    if (!std::isfinite(v)) fail(n, key, "expected a finite number, got '" + scalar_text(n) + "'");
    return v;
  }

  long whole(const YAML::Node& n, const std::string& key, long lo, long hi) const {
    const double v = number(n, key);
    if (v != std::floor(v)) fail(n, key, "expected a whole number, got '" + scalar_text(n) + "'");
    if (v < lo || v > hi)
      fail(n, key,
           "value " + scalar_text(n) + " out of range [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "]");
    return static_cast<long>(v);
  }

  std::string text(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(n, key, "expected a single value, got a " + scalar_text(n));
    return n.Scalar();
  }

  std::pair<double, double> pair(const YAML::Node& n, const std::string& key) const {
    if (!n.IsSequence() || n.size() != 2) fail(n, key, "expected a list of two numbers [a, b]");
    return {number(n[0], key), number(n[1], key)};
  }
};

}  // namespace corridor::spec

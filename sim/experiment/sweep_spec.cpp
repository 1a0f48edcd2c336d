#include "sim/experiment/sweep_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/calendar.hpp"
#include "sim/error.hpp"
#include "sim/experiment/design.hpp"
#include "sim/experiment/spec_reader.hpp"

namespace corridor {

namespace {

namespace fs = std::filesystem;

using spec::line_of;
using spec::num;
using spec::scalar_text;
using Spec = spec::Reader;

// A year ("2030") or a date ("2030-06-30"); sets `dates` on the first date seen.
std::string period_value(const Spec& s, const YAML::Node& n, const std::string& key, bool& dates,
                         bool& decided) {
  const std::string v = s.text(n, key);
  const bool is_date = Date::parse(v).has_value();
  if (!is_date) {
    char* end = nullptr;
    const long y = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || y < 1900 || y > 2200)
      s.fail(n, key, "expected a year (e.g. 2030) or a date YYYY-MM-DD, got '" + v + "'");
  }
  if (decided && dates != is_date) s.fail(n, key, "mix of years and dates");
  dates = is_date;
  decided = true;
  return v;
}

void read_parameter(const Spec& s, const std::string& path, const YAML::Node& n, ParameterSpec& p) {
  const std::string key = "parameters." + path;
  p.path = path;
  p.line = line_of(n);
  if (path.empty() || path.front() == '.' || path.back() == '.' ||
      path.find("..") != std::string::npos || path.find('=') != std::string::npos)
    s.fail(n, key, "not a config key path (expected e.g. travel.visa_fee_usd)");
  s.allow(n, key, {"uniform", "loguniform", "normal", "values", "integer", "levels"});
  int kinds = 0;
  for (const char* k : {"uniform", "loguniform", "normal", "values"}) kinds += n[k] ? 1 : 0;
  if (kinds != 1)
    s.fail(n, key,
           "give exactly one of uniform: [lo, hi], loguniform: [lo, hi], "
           "normal: [mean, sd] or values: [...]");
  if (n["uniform"] || n["loguniform"]) {
    const bool log = n["loguniform"].IsDefined();
    const YAML::Node r = log ? n["loguniform"] : n["uniform"];
    const std::string rk = key + (log ? ".loguniform" : ".uniform");
    std::tie(p.a, p.b) = s.pair(r, rk);
    p.kind = log ? ParameterSpec::Kind::kLogUniform : ParameterSpec::Kind::kUniform;
    if (!(p.a < p.b))
      s.fail(r, rk,
             "empty range: lower bound " + num(p.a) + " is not below upper bound " + num(p.b));
    if (log && p.a <= 0) s.fail(r, rk, "a log-uniform range must be positive");
  } else if (n["normal"]) {
    std::tie(p.a, p.b) = s.pair(n["normal"], key + ".normal");
    p.kind = ParameterSpec::Kind::kNormal;
    if (!(p.b > 0)) s.fail(n["normal"], key + ".normal", "the standard deviation must be positive");
  } else {
    const YAML::Node v = n["values"];
    if (!v.IsSequence() || v.size() == 0) s.fail(v, key + ".values", "expected a non-empty list");
    p.kind = ParameterSpec::Kind::kValues;
    std::set<std::string> seen;
    for (const auto& e : v) {
      p.values.push_back(s.text(e, key + ".values"));
      if (!seen.insert(p.values.back()).second)
        s.fail(e, key + ".values", "value '" + p.values.back() + "' listed twice");
    }
  }
  if (n["integer"]) {
    try {
      p.integer = n["integer"].as<bool>();
    } catch (const YAML::Exception&) {
      s.fail(n["integer"], key + ".integer", "expected true or false");
    }
  }
  if (n["levels"]) p.levels = static_cast<int>(s.whole(n["levels"], key + ".levels", 2, 1000));
}

void read_outcome(const Spec& s, const std::string& name, const YAML::Node& n, OutcomeSpec& o) {
  const std::string key = "outcomes." + name;
  o.name = name;
  o.line = line_of(n);
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      s.fail(n, key, "outcome names use letters, digits and _ only");
  s.allow(n, key, {"series", "select", "year", "years", "stat", "change", "date", "cells"});
  if (!n["series"]) s.fail(n, key + ".series", "missing required key");
  o.series = s.text(n["series"], key + ".series");
  if (n["select"]) {
    const YAML::Node sel = n["select"];
    if (!sel.IsMap()) s.fail(sel, key + ".select", "expected a mapping dimension: label(s)");
    s.unique_keys(sel, key + ".select");
    for (auto it = sel.begin(); it != sel.end(); ++it) {
      const std::string dim = it->first.as<std::string>();
      auto& labels = o.select[dim];
      if (it->second.IsSequence()) {
        if (it->second.size() == 0) s.fail(it->second, key + ".select." + dim, "empty list");
        for (const auto& l : it->second) labels.push_back(s.text(l, key + ".select." + dim));
      } else {
        labels.push_back(s.text(it->second, key + ".select." + dim));
      }
    }
  }
  int forms = 0;
  for (const char* k : {"year", "years", "change", "date"}) forms += n[k] ? 1 : 0;
  if (forms != 1)
    s.fail(n, key, "give exactly one of year: Y, years: [from, to], change: [from, to] or date: D");
  bool dates = false, decided = false;
  if (n["year"] || n["date"]) {
    const bool is_date = n["date"].IsDefined();
    o.from = period_value(s, n[is_date ? "date" : "year"], key + (is_date ? ".date" : ".year"),
                          dates, decided);
    if (is_date != dates)
      s.fail(n, key,
             is_date ? "date: expects YYYY-MM-DD" : "year: expects a year; use date: for a date");
    o.stat = OutcomeSpec::Stat::kValue;
  } else {
    const bool change = n["change"].IsDefined();
    const YAML::Node r = n[change ? "change" : "years"];
    const std::string rk = key + (change ? ".change" : ".years");
    if (!r.IsSequence() || r.size() != 2) s.fail(r, rk, "expected a list [from, to]");
    o.from = period_value(s, r[0], rk, dates, decided);
    o.to = period_value(s, r[1], rk, dates, decided);
    const bool ordered = dates ? *Date::parse(o.from) < *Date::parse(o.to)
                               : std::stol(o.from) < std::stol(o.to) || (!change && o.from == o.to);
    if (!ordered) s.fail(r, rk, "'" + o.from + "' is not before '" + o.to + "'");
    if (change) {
      o.stat = OutcomeSpec::Stat::kChange;
    } else {
      if (dates) s.fail(r, rk, "years: takes years; use change: for dates");
      std::string stat = "mean";
      if (n["stat"]) stat = s.text(n["stat"], key + ".stat");
      if (stat != "mean" && stat != "sum")
        s.fail(n["stat"], key + ".stat", "'" + stat + "' is not one of: mean, sum");
      o.stat = stat == "mean" ? OutcomeSpec::Stat::kMean : OutcomeSpec::Stat::kSum;
    }
  }
  if (n["stat"] && o.stat != OutcomeSpec::Stat::kMean && o.stat != OutcomeSpec::Stat::kSum)
    s.fail(n["stat"], key + ".stat", "stat: applies to years: [from, to] only");
  o.dates = dates;
  if (n["cells"]) {
    const std::string c = s.text(n["cells"], key + ".cells");
    if (c != "sum" && c != "mean")
      s.fail(n["cells"], key + ".cells", "'" + c + "' is not one of: sum, mean");
    o.mean_cells = c == "mean";
  }
}

// A CSV of design points: a header of parameter paths, one row per point.
void read_table(const Spec& s, const YAML::Node& at, const std::string& path, SweepSpec& spec) {
  std::ifstream in(path);
  if (!in) s.fail(at, "design.file", "cannot open points table " + path);
  std::string line;
  int lineno = 0;
  auto split = [](const std::string& l) {
    std::vector<std::string> cells;
    std::stringstream ss(l);
    for (std::string c; std::getline(ss, c, ',');) {
      c.erase(0, c.find_first_not_of(" \t\r"));
      c.erase(c.find_last_not_of(" \t\r") + 1);
      cells.push_back(c);
    }
    if (!l.empty() && l.back() == ',') cells.push_back("");
    return cells;
  };
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
    auto cells = split(line);
    if (header.empty()) {
      header = cells;
      std::set<std::string> seen;
      for (const auto& h : header) {
        if (h.empty()) throw InputError(path, lineno, "", "empty column name in the header");
        if (!seen.insert(h).second) throw InputError(path, lineno, h, "column listed twice");
        ParameterSpec p;
        p.path = h;
        p.line = lineno;
        p.kind = ParameterSpec::Kind::kValues;
        spec.parameters.push_back(p);
      }
      continue;
    }
    if (cells.size() != header.size())
      throw InputError(path, lineno, "",
                       "expected " + std::to_string(header.size()) + " values, got " +
                           std::to_string(cells.size()));
    for (std::size_t j = 0; j < cells.size(); ++j) {
      if (cells[j].empty()) throw InputError(path, lineno, header[j], "empty value");
      auto& vals = spec.parameters[j].values;
      if (std::find(vals.begin(), vals.end(), cells[j]) == vals.end()) vals.push_back(cells[j]);
    }
    spec.table_rows.push_back(std::move(cells));
  }
  if (header.empty()) s.fail(at, "design.file", "points table " + path + " has no header");
  if (spec.table_rows.empty()) s.fail(at, "design.file", "points table " + path + " has no rows");
}

}  // namespace

std::string ParameterSpec::value_at(double u) const {
  u = std::clamp(u, 1e-12, 1 - 1e-12);
  double v = 0;
  switch (kind) {
    case Kind::kValues: {
      const auto i = std::min(values.size() - 1, static_cast<std::size_t>(u * values.size()));
      return values[i];
    }
    case Kind::kUniform:
      v = a + (b - a) * u;
      break;
    case Kind::kLogUniform:
      v = std::exp(std::log(a) + (std::log(b) - std::log(a)) * u);
      break;
    case Kind::kNormal: {
      // Acklam's rational approximation of the normal quantile, refined by one Halley
      // step with erfc: relative error below 1e-15.
      static const double ca[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                  -2.759285104469687e+02, 1.383577518672690e+02,
                                  -3.066479806614716e+01, 2.506628277459239e+00};
      static const double cb[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                  -1.556989798598866e+02, 6.680131188771972e+01,
                                  -1.328068155288572e+01};
      static const double cc[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                  -2.400758277161838e+00, -2.549732539343734e+00,
                                  4.374664141464968e+00,  2.938163982698783e+00};
      static const double cd[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                  2.445134137142996e+00, 3.754408661907416e+00};
      double z;
      if (u < 0.02425) {
        const double q = std::sqrt(-2 * std::log(u));
        z = (((((cc[0] * q + cc[1]) * q + cc[2]) * q + cc[3]) * q + cc[4]) * q + cc[5]) /
            ((((cd[0] * q + cd[1]) * q + cd[2]) * q + cd[3]) * q + 1);
      } else if (u > 1 - 0.02425) {
        const double q = std::sqrt(-2 * std::log(1 - u));
        z = -(((((cc[0] * q + cc[1]) * q + cc[2]) * q + cc[3]) * q + cc[4]) * q + cc[5]) /
            ((((cd[0] * q + cd[1]) * q + cd[2]) * q + cd[3]) * q + 1);
      } else {
        const double q = u - 0.5, r = q * q;
        z = (((((ca[0] * r + ca[1]) * r + ca[2]) * r + ca[3]) * r + ca[4]) * r + ca[5]) * q /
            (((((cb[0] * r + cb[1]) * r + cb[2]) * r + cb[3]) * r + cb[4]) * r + 1);
      }
      const double e = 0.5 * std::erfc(-z / std::sqrt(2.0)) - u;
      const double w = e * std::sqrt(2 * M_PI) * std::exp(z * z / 2);
      z = z - w / (1 + z * w / 2);
      v = a + b * z;
      break;
    }
  }
  if (integer) v = std::round(v);
  return num(v);
}

std::vector<std::string> ParameterSpec::grid(int default_levels) const {
  if (kind == Kind::kValues) return values;
  const int n = levels > 0 ? levels : default_levels;
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    // Ranges include both ends; a normal distribution is cut at its quantiles.
    const double t = static_cast<double>(i) / (n - 1);
    if (kind == Kind::kNormal)
      out.push_back(value_at((i + 0.5) / n));
    else if (kind == Kind::kUniform)
      out.push_back(num(integer ? std::round(a + (b - a) * t) : a + (b - a) * t));
    else
      out.push_back(num(integer ? std::round(a * std::pow(b / a, t)) : a * std::pow(b / a, t)));
  }
  if (integer) out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> ParameterSpec::extremes() const {
  switch (kind) {
    case Kind::kValues:
      return values;
    case Kind::kNormal:
      // A normal draw can reach any value; check a central 1-in-a-million band.
      return {value_at(1e-6), value_at(1 - 1e-6)};
    default:
      return {integer ? num(std::round(a)) : num(a), integer ? num(std::round(b)) : num(b)};
  }
}

SweepSpec load_sweep_spec(const std::string& path) {
  SweepSpec spec;
  spec.file = path;
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, "", "cannot open sweep spec");
  std::stringstream ss;
  ss << in.rdbuf();
  spec.text = ss.str();
  YAML::Node root;
  try {
    root = YAML::Load(spec.text);
  } catch (const YAML::ParserException& e) {
    throw InputError(path, e.mark.line + 1, "", "YAML syntax error: " + e.msg);
  }
  const Spec s{path};
  if (!root.IsMap()) throw InputError(path, 1, "", "expected a mapping at top level");
  s.allow(root, "",
          {"description", "scenarios", "set", "parameters", "design", "replicates", "seed", "seeds",
           "outcomes"});
  const fs::path dir = fs::path(path).parent_path();
  if (root["description"]) spec.description = s.text(root["description"], "description");

  if (!root["scenarios"]) throw InputError(path, 1, "scenarios", "missing required key");
  const YAML::Node sc = root["scenarios"];
  if (!sc.IsMap() || sc.size() == 0)
    s.fail(sc, "scenarios", "expected a mapping name: config file, with at least one entry");
  s.unique_keys(sc, "scenarios");
  for (auto it = sc.begin(); it != sc.end(); ++it) {
    const std::string name = it->first.as<std::string>();
    const std::string f = s.text(it->second, "scenarios." + name);
    const fs::path p = fs::path(f).is_absolute() ? fs::path(f) : dir / f;
    if (!fs::exists(p))
      s.fail(it->second, "scenarios." + name, "config file not found: " + p.string());
    spec.scenarios.emplace_back(name, p.lexically_normal().string());
  }

  if (root["set"]) {
    const YAML::Node set = root["set"];
    if (!set.IsMap()) s.fail(set, "set", "expected a mapping key.path: value");
    s.unique_keys(set, "set");
    for (auto it = set.begin(); it != set.end(); ++it) {
      const std::string k = it->first.as<std::string>();
      spec.sets.push_back(k + "=" + s.text(it->second, "set." + k));
    }
  }

  if (!root["design"]) throw InputError(path, 1, "design", "missing required key");
  const YAML::Node d = root["design"];
  s.allow(d, "design", {"kind", "points", "levels", "file"});
  if (!d["kind"]) s.fail(d, "design.kind", "missing required key");
  spec.design = s.text(d["kind"], "design.kind");
  if (spec.design != "grid" && spec.design != "lhs" && spec.design != "sobol" &&
      spec.design != "table")
    s.fail(d["kind"], "design.kind",
           "'" + spec.design + "' is not one of: grid, lhs, sobol, table");
  const bool sampled = spec.design == "lhs" || spec.design == "sobol";
  if (sampled) {
    if (!d["points"])
      s.fail(d, "design.points", "missing required key for a " + spec.design + " design");
    spec.points = static_cast<int>(s.whole(d["points"], "design.points", 1, 10000000));
  } else if (d["points"]) {
    s.fail(d["points"], "design.points", "points: applies to lhs and sobol designs");
  }
  if (d["levels"]) {
    if (spec.design != "grid")
      s.fail(d["levels"], "design.levels", "levels: applies to grid designs");
    spec.levels = static_cast<int>(s.whole(d["levels"], "design.levels", 2, 1000));
  }
  if (spec.design == "table") {
    if (!d["file"]) s.fail(d, "design.file", "missing required key for a table design");
    if (root["parameters"])
      s.fail(root["parameters"], "parameters",
             "a table design takes its parameters from the table's header");
    const std::string f = s.text(d["file"], "design.file");
    spec.table_file =
        (fs::path(f).is_absolute() ? fs::path(f) : dir / f).lexically_normal().string();
    read_table(s, d["file"], spec.table_file, spec);
  } else if (d["file"]) {
    s.fail(d["file"], "design.file", "file: applies to table designs");
  }

  if (spec.design != "table") {
    if (!root["parameters"]) throw InputError(path, 1, "parameters", "missing required key");
    const YAML::Node ps = root["parameters"];
    if (!ps.IsMap() || ps.size() == 0)
      s.fail(ps, "parameters", "expected a mapping key.path: {uniform|loguniform|normal|values}");
    s.unique_keys(ps, "parameters");
    for (auto it = ps.begin(); it != ps.end(); ++it) {
      ParameterSpec p;
      read_parameter(s, it->first.as<std::string>(), it->second, p);
      spec.parameters.push_back(std::move(p));
    }
  }
  for (const auto& p : spec.parameters)
    for (const auto& set : spec.sets)
      if (set.substr(0, set.find('=')) == p.path)
        throw InputError(path, p.line, "parameters." + p.path, "is also fixed under set:");
  const int k = static_cast<int>(spec.parameters.size());
  if (spec.design == "sobol") {
    if (k < 2)
      s.fail(d, "design.kind",
             "a sobol design needs at least two parameters (has " + std::to_string(k) + ")");
    if (2 * k > kSobolMaxDims)
      s.fail(d, "design.kind",
             "a sobol design takes at most " + std::to_string(kSobolMaxDims / 2) + " parameters");
  }
  if (spec.design == "grid") {
    double n = 1;
    for (const auto& p : spec.parameters) n *= static_cast<double>(p.grid(spec.levels).size());
    if (n > 1e7) s.fail(d, "design", "the grid has " + num(n) + " points; use lhs or sobol");
  }

  if (root["replicates"])
    spec.replicates = static_cast<int>(s.whole(root["replicates"], "replicates", 1, 100000));
  if (root["seed"])
    spec.seed = static_cast<std::uint64_t>(s.whole(root["seed"], "seed", 0, (1L << 53)));
  if (root["seeds"]) {
    const std::string m = s.text(root["seeds"], "seeds");
    if (m != "common" && m != "independent")
      s.fail(root["seeds"], "seeds", "'" + m + "' is not one of: common, independent");
    spec.common_seeds = m == "common";
  }

  if (!root["outcomes"]) throw InputError(path, 1, "outcomes", "missing required key");
  const YAML::Node os = root["outcomes"];
  if (!os.IsMap() || os.size() == 0)
    s.fail(os, "outcomes", "expected a mapping name: {series: ...}");
  s.unique_keys(os, "outcomes");
  for (auto it = os.begin(); it != os.end(); ++it) {
    OutcomeSpec o;
    read_outcome(s, it->first.as<std::string>(), it->second, o);
    spec.outcomes.push_back(std::move(o));
  }
  return spec;
}

}  // namespace corridor

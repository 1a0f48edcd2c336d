#include "sim/experiment/calibration.hpp"

#include <Eigen/Dense>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlopt.hpp>
#include <optional>
#include <sstream>

#include "sim/error.hpp"
#include "sim/experiment/mpi.hpp"
#include "sim/experiment/outcome.hpp"
#include "sim/experiment/spec_reader.hpp"
#include "sim/model.hpp"
#include "sim/params.hpp"

namespace corridor {

namespace {

namespace fs = std::filesystem;
using spec::num;

fs::path resolve(const fs::path& dir, const std::string& f) {
  return (fs::path(f).is_absolute() ? fs::path(f) : dir / f).lexically_normal();
}

std::vector<std::string> split_csv_head(const std::string& line, std::size_t fields) {
  // observed.csv: series,year,value,unit,source,note; the source may contain commas, so
  // only the first fields are split.
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (out.size() + 1 < fields) {
    const auto c = line.find(',', pos);
    if (c == std::string::npos) break;
    out.push_back(line.substr(pos, c - pos));
    pos = c + 1;
  }
  out.push_back(line.substr(pos));
  return out;
}

struct Observation {
  double value;
  std::string unit, source;
};

std::map<std::pair<std::string, int>, Observation> read_observed(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, "", "cannot open the observed data table");
  std::map<std::pair<std::string, int>, Observation> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (n == 1) {
      if (line.rfind("series,year,value,unit", 0) != 0)
        throw InputError(path, 1, "", "expected the header series,year,value,unit,source,note");
      continue;
    }
    if (line.empty()) continue;
    const auto f = split_csv_head(line, 5);
    if (f.size() < 5)
      throw InputError(path, n, "", "expected series,year,value,unit,source[,note]");
    int year = 0;
    double value = 0;
    auto [p1, e1] = std::from_chars(f[1].data(), f[1].data() + f[1].size(), year);
    if (e1 != std::errc() || p1 != f[1].data() + f[1].size())
      throw InputError(path, n, "year", "expected a year, got '" + f[1] + "'");
    auto [p2, e2] = std::from_chars(f[2].data(), f[2].data() + f[2].size(), value);
    if (e2 != std::errc() || p2 != f[2].data() + f[2].size() || !std::isfinite(value))
      throw InputError(path, n, "value", "expected a number, got '" + f[2] + "'");
    if (!out.emplace(std::make_pair(f[0], year), Observation{value, f[3], f[4]}).second)
      throw InputError(path, n, f[0], "year " + f[1] + " listed twice");
  }
  return out;
}

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
  return buf;
}

// A parameter path's keys: "routing.rail_adoption.innovation" -> routing, rail_adoption, ...
std::vector<std::string> path_keys(const std::string& path) {
  std::vector<std::string> keys;
  std::stringstream ps(path);
  for (std::string key; std::getline(ps, key, '.');) keys.push_back(key);
  return keys;
}

std::string git_commit(const fs::path& dir) {
  const std::string cmd = "git -C '" + dir.string() + "' rev-parse --short HEAD 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return "unknown";
  char buf[64] = {0};
  const bool ok = std::fgets(buf, sizeof buf, p) != nullptr;
  ::pclose(p);
  std::string s = ok ? buf : "unknown";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "unknown" : s;
}

void write_file(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

}  // namespace

CalibrationSpec load_calibration_spec(const std::string& path) {
  CalibrationSpec c;
  c.file = path;
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, "", "cannot open calibration spec");
  std::stringstream ss;
  ss << in.rdbuf();
  c.text = ss.str();
  YAML::Node root;
  try {
    root = YAML::Load(c.text);
  } catch (const YAML::ParserException& e) {
    throw InputError(path, e.mark.line + 1, "", "YAML syntax error: " + e.msg);
  }
  if (!root.IsMap()) throw InputError(path, 1, "", "expected a mapping at top level");
  const spec::Reader s{path};
  s.allow(root, "",
          {"description", "scenario", "set", "observed", "moments_map", "parameters", "moments",
           "replicates", "seed", "design", "optimizer", "uncertainty"});
  const fs::path dir = fs::path(path).parent_path();
  auto need = [&](const char* k) {
    if (!root[k]) throw InputError(path, 1, k, "missing required key");
    return root[k];
  };
  if (root["description"]) c.description = s.text(root["description"], "description");
  {
    const YAML::Node n = need("scenario");
    const fs::path p = resolve(dir, s.text(n, "scenario"));
    if (!fs::exists(p)) s.fail(n, "scenario", "config file not found: " + p.string());
    c.scenario = p.string();
  }
  if (root["set"]) {
    const YAML::Node set = root["set"];
    if (!set.IsMap()) s.fail(set, "set", "expected a mapping key.path: value");
    s.unique_keys(set, "set");
    for (auto it = set.begin(); it != set.end(); ++it)
      c.sets.push_back(it->first.as<std::string>() + "=" +
                       s.text(it->second, "set." + it->first.as<std::string>()));
  }
  auto data_file = [&](const char* key, const char* fallback) {
    const YAML::Node n = root[key];
    const fs::path p =
        n ? resolve(dir, s.text(n, key)) : resolve(fs::path(c.scenario).parent_path(), fallback);
    if (!fs::exists(p)) {
      if (n) s.fail(n, key, "file not found: " + p.string());
      throw InputError(path, 1, key,
                       std::string("not given, and the default ") + p.string() + " does not exist");
    }
    return p.string();
  };
  c.observed_file = data_file("observed", "data/observed.csv");
  c.moments_file = data_file("moments_map", "data/moments.yaml");

  const YAML::Node ps = need("parameters");
  if (!ps.IsMap() || ps.size() == 0)
    s.fail(ps, "parameters", "expected a mapping key.path: {bounds: [lo, hi], reason: ...}");
  s.unique_keys(ps, "parameters");
  for (auto it = ps.begin(); it != ps.end(); ++it) {
    FreeParameter p;
    p.path = it->first.as<std::string>();
    p.line = spec::line_of(it->second);
    const std::string key = "parameters." + p.path;
    s.allow(it->second, key, {"bounds", "reason"});
    if (!it->second["bounds"]) s.fail(it->second, key + ".bounds", "missing required key");
    std::tie(p.lo, p.hi) = s.pair(it->second["bounds"], key + ".bounds");
    if (!(p.lo < p.hi))
      s.fail(it->second["bounds"], key + ".bounds",
             "lower bound " + num(p.lo) + " is not below upper bound " + num(p.hi));
    if (!it->second["reason"])
      s.fail(it->second, key + ".reason", "missing: say why this parameter is free");
    p.reason = s.text(it->second["reason"], key + ".reason");
    c.parameters.push_back(p);
  }

  // The moments map: observed series -> model series.
  YAML::Node map;
  try {
    map = YAML::LoadFile(c.moments_file);
  } catch (const YAML::Exception& e) {
    throw InputError(c.moments_file, e.mark.line + 1, "", "YAML error: " + e.msg);
  }
  const spec::Reader ms{c.moments_file};
  if (!map.IsMap()) throw InputError(c.moments_file, 1, "", "expected a mapping");
  ms.unique_keys(map, "");
  const auto observed = read_observed(c.observed_file);

  const YAML::Node mom = need("moments");
  if (!mom.IsMap() || mom.size() == 0)
    s.fail(mom, "moments",
           "expected a mapping series: {years: [from, to], weight: w, reason: ...}");
  s.unique_keys(mom, "moments");
  for (auto it = mom.begin(); it != mom.end(); ++it) {
    MomentSeries m;
    m.name = it->first.as<std::string>();
    m.line = spec::line_of(it->second);
    const std::string key = "moments." + m.name;
    s.allow(it->second, key, {"years", "weight", "reason"});
    if (!it->second["years"]) s.fail(it->second, key + ".years", "missing required key");
    const auto [a, b] = s.pair(it->second["years"], key + ".years");
    m.from = static_cast<int>(a);
    m.to = static_cast<int>(b);
    if (m.from != a || m.to != b || m.from > m.to)
      s.fail(it->second["years"], key + ".years", "expected whole years [from, to], from <= to");
    if (it->second["weight"]) {
      m.weight = s.number(it->second["weight"], key + ".weight");
      if (!(m.weight > 0)) s.fail(it->second["weight"], key + ".weight", "must be positive");
    }
    if (!it->second["reason"])
      s.fail(it->second, key + ".reason", "missing: say why this moment is used and weighted so");
    m.reason = s.text(it->second["reason"], key + ".reason");
    const YAML::Node e = map[m.name];
    if (!e)
      s.fail(it->first, key,
             "no entry '" + m.name + "' in " + c.moments_file + " (how the model computes it)");
    const std::string mk = m.name;
    ms.allow(e, mk, {"series", "select", "cells", "scale", "note"});
    if (!e["series"]) ms.fail(e, mk + ".series", "missing required key");
    m.outcome.series = ms.text(e["series"], mk + ".series");
    m.outcome.name = m.name;
    m.outcome.line = m.line;
    if (e["select"]) {
      ms.unique_keys(e["select"], mk + ".select");
      for (auto jt = e["select"].begin(); jt != e["select"].end(); ++jt) {
        auto& labels = m.outcome.select[jt->first.as<std::string>()];
        if (jt->second.IsSequence())
          for (const auto& l : jt->second) labels.push_back(ms.text(l, mk + ".select"));
        else
          labels.push_back(ms.text(jt->second, mk + ".select"));
      }
    }
    if (e["cells"]) m.outcome.mean_cells = ms.text(e["cells"], mk + ".cells") == "mean";
    if (e["scale"]) m.scale = ms.number(e["scale"], mk + ".scale");
    m.outcome.stat = OutcomeSpec::Stat::kValue;
    int found = 0;
    for (int y = m.from; y <= m.to; ++y) {
      auto o = observed.find({m.name, y});
      if (o == observed.end()) continue;
      if (o->second.value == 0)
        throw InputError(
            c.observed_file, 0, m.name,
            "observed value 0 in " + std::to_string(y) + ": relative errors need a non-zero value");
      c.moments.push_back({static_cast<int>(c.series.size()), y, o->second.value, o->second.unit,
                           o->second.source});
      ++found;
    }
    if (!found)
      s.fail(it->first, key,
             "no observation of '" + m.name + "' in " + c.observed_file + " for years " +
                 std::to_string(m.from) + "-" + std::to_string(m.to));
    c.series.push_back(std::move(m));
  }

  if (root["replicates"])
    c.replicates = static_cast<int>(s.whole(root["replicates"], "replicates", 2, 1000));
  if (root["seed"]) c.seed = static_cast<std::uint64_t>(s.whole(root["seed"], "seed", 0, 1L << 53));
  if (root["design"]) {
    const YAML::Node d = root["design"];
    s.allow(d, "design", {"points"});
    if (d["points"])
      c.design_points = static_cast<int>(s.whole(d["points"], "design.points", 1, 100000));
  }
  if (root["optimizer"]) {
    const YAML::Node o = root["optimizer"];
    s.allow(o, "optimizer", {"algorithm", "budget", "xtol"});
    if (o["algorithm"]) {
      c.algorithm = s.text(o["algorithm"], "optimizer.algorithm");
      if (c.algorithm != "sbplx" && c.algorithm != "neldermead" && c.algorithm != "bobyqa" &&
          c.algorithm != "cobyla")
        s.fail(o["algorithm"], "optimizer.algorithm",
               "'" + c.algorithm + "' is not one of: sbplx, neldermead, bobyqa, cobyla");
    }
    if (o["budget"])
      c.budget = static_cast<int>(s.whole(o["budget"], "optimizer.budget", 1, 1000000));
    if (o["xtol"]) {
      c.xtol = s.number(o["xtol"], "optimizer.xtol");
      if (!(c.xtol > 0 && c.xtol < 1)) s.fail(o["xtol"], "optimizer.xtol", "expected 0 < xtol < 1");
    }
  }
  if (root["uncertainty"]) {
    const YAML::Node u = root["uncertainty"];
    s.allow(u, "uncertainty", {"step", "profile_points"});
    if (u["step"]) {
      c.step = s.number(u["step"], "uncertainty.step");
      if (!(c.step > 0 && c.step <= 0.25))
        s.fail(u["step"], "uncertainty.step", "expected 0 < step <= 0.25");
    }
    if (u["profile_points"])
      c.profile_points =
          static_cast<int>(s.whole(u["profile_points"], "uncertainty.profile_points", 2, 100));
  }
  return c;
}

namespace {

struct Evaluation {
  std::vector<double> theta;
  std::vector<double> mean;               // per moment, observed units
  std::vector<std::vector<double>> reps;  // [replicate][moment]
  double objective = std::numeric_limits<double>::infinity();
  std::string phase, error;
  int batch = 0;
};

// Evaluates batches of parameter points through the sweep machinery, one sweep directory
// per batch (OUT/batches/bNNNN): a rerun finds the complete runs and skips them.
class Evaluator {
 public:
  Evaluator(const CalibrationSpec& spec, const CalibrationOptions& opt) : spec_(spec), opt_(opt) {
    sets_ = merge_sets(spec.sets, opt.cli_sets);
    const auto model = build_model(load_config(spec.scenario, sets_));
    for (const auto& m : spec.moments) {
      OutcomeSpec o = spec.series[m.series].outcome;
      o.name = "m" + std::to_string(outcomes_.size());
      o.from = std::to_string(m.year);
      check_outcome(o, *model, spec.file);
      outcomes_.push_back(o);
    }
    for (const auto& p : spec.parameters) {
      ParameterSpec ps;
      ps.path = p.path;
      ps.line = p.line;
      ps.kind = ParameterSpec::Kind::kValues;
      for (double v : {p.lo, p.hi}) {
        auto o = sets_;
        o.push_back(p.path + "=" + num(v));
        try {
          load_config(spec.scenario, o);
        } catch (const InputError& e) {
          throw InputError(spec.file, p.line, "parameters." + p.path,
                           "bound " + num(v) + ": " + e.what());
        }
      }
      params_.push_back(ps);
    }
  }

  std::vector<Evaluation> run(const std::vector<std::vector<double>>& thetas,
                              const std::string& phase) {
    SweepPlan plan;
    char name[32];
    std::snprintf(name, sizeof name, "batches/b%04d", batch_);
    plan.dir = (fs::path(opt_.out) / name).string();
    plan.design = "explicit";
    plan.scenarios = {{"calibration", spec_.scenario}};
    plan.parameters = params_;
    plan.sets = sets_;
    plan.outcomes = outcomes_;
    plan.replicates = spec_.replicates;
    for (const auto& t : thetas) {
      DesignPoint pt;
      for (double v : t) pt.values.push_back(num(v));
      pt.row = static_cast<int>(plan.points.size());
      plan.points.push_back(pt);
    }
    // Common random numbers: every point sees the same seeds, replicate by replicate.
    number_runs(plan, spec_.seed, true);
    std::string verdict;
    bool ok = true;
    if (mpi_rank() == 0) {
      try {
        prepare_sweep_dir(plan, sweep_fingerprint(plan, spec_.text + "\nphase: " + phase));
      } catch (const InputError& e) {
        ok = false;
        verdict = e.what();
        if (mpi_size() == 1) throw;
      }
    }
    mpi_share_outcome(ok, verdict);
    run_sweep(plan, opt_.sweep);
    if (mpi_rank() == 0) write_sweep_index(plan);
    // Every rank reads the same files, so every rank's optimizer takes the same path.
    const auto st = collect_statuses(plan);
    std::vector<Evaluation> out;
    const std::size_t nm = spec_.moments.size();
    for (std::size_t p = 0; p < thetas.size(); ++p) {
      Evaluation e;
      e.theta = thetas[p];
      e.phase = phase;
      e.batch = batch_;
      e.mean.assign(nm, 0.0);
      for (int r = 0; r < spec_.replicates; ++r) {
        const auto& s = st[p * spec_.replicates + r];
        if (s.state != RunStatus::State::kComplete) {
          e.error = s.error.empty() ? "run incomplete" : s.error;
          break;
        }
        std::vector<double> v(nm);
        for (std::size_t k = 0; k < nm; ++k)
          v[k] = s.outcomes[k] * spec_.series[spec_.moments[k].series].scale;
        e.reps.push_back(v);
        for (std::size_t k = 0; k < nm; ++k) e.mean[k] += v[k] / spec_.replicates;
      }
      if (e.error.empty()) e.objective = objective(e.mean);
      out.push_back(std::move(e));
    }
    ++batch_;
    log_.insert(log_.end(), out.begin(), out.end());
    return out;
  }

  // Relative deviations g = (simulated - observed) / observed, per moment.
  std::vector<double> deviations(const std::vector<double>& sim) const {
    std::vector<double> g(sim.size());
    for (std::size_t k = 0; k < sim.size(); ++k)
      g[k] = (sim[k] - spec_.moments[k].observed) / spec_.moments[k].observed;
    return g;
  }
  // W = diag(weight of the series / number of its moments): each series counts with its
  // stated weight however many years it has.
  std::vector<double> weights() const {
    std::vector<int> count(spec_.series.size(), 0);
    for (const auto& m : spec_.moments) ++count[m.series];
    std::vector<double> w;
    for (const auto& m : spec_.moments)
      w.push_back(spec_.series[m.series].weight / count[m.series]);
    return w;
  }
  double objective(const std::vector<double>& sim) const {
    const auto g = deviations(sim);
    const auto w = weights();
    double j = 0;
    for (std::size_t k = 0; k < g.size(); ++k) j += w[k] * g[k] * g[k];
    return j;
  }
  const std::vector<Evaluation>& log() const { return log_; }

  // The scenario's own values of the free parameters (its defaults with the spec's fixed
  // settings), if every one is given and inside its bounds.
  std::optional<std::vector<double>> scenario_values() const {
    const YAML::Node tree = YAML::Load(load_config(spec_.scenario, sets_).resolved_yaml);
    std::vector<double> theta;
    for (const auto& p : spec_.parameters) {
      YAML::Node n = tree;
      for (const auto& key : path_keys(p.path)) {
        if (!n.IsMap() || !n[key]) return std::nullopt;
        n.reset(n[key]);
      }
      double v = 0;
      if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !(v >= p.lo && v <= p.hi))
        return std::nullopt;
      theta.push_back(v);
    }
    return theta;
  }

 private:
  const CalibrationSpec& spec_;
  const CalibrationOptions& opt_;
  std::vector<std::string> sets_;
  std::vector<OutcomeSpec> outcomes_;
  std::vector<ParameterSpec> params_;
  std::vector<Evaluation> log_;
  int batch_ = 0;
};

nlopt::algorithm algorithm_of(const std::string& a) {
  if (a == "neldermead") return nlopt::LN_NELDERMEAD;
  if (a == "bobyqa") return nlopt::LN_BOBYQA;
  if (a == "cobyla") return nlopt::LN_COBYLA;
  return nlopt::LN_SBPLX;
}

}  // namespace

CalibrationResult calibrate(const CalibrationSpec& spec, const CalibrationOptions& opt) {
  const int k = static_cast<int>(spec.parameters.size());
  Evaluator ev(spec, opt);
  auto progress = [&](const std::string& what) {
    if (!opt.quiet && mpi_rank() == 0) std::fprintf(stderr, "calibrate: %s\n", what.c_str());
  };
  auto to_theta = [&](const std::vector<double>& x) {
    std::vector<double> t(k);
    for (int j = 0; j < k; ++j)
      t[j] = spec.parameters[j].lo + x[j] * (spec.parameters[j].hi - spec.parameters[j].lo);
    return t;
  };

  // 1. A space-filling start: a Latin hypercube over the bounds.
  SweepSpec lhs;
  lhs.design = "lhs";
  lhs.points = spec.design_points;
  lhs.seed = spec.seed;
  for (const auto& p : spec.parameters) {
    ParameterSpec ps;
    ps.path = p.path;
    ps.a = 0;
    ps.b = 1;
    lhs.parameters.push_back(ps);
  }
  std::vector<std::vector<double>> start;
  for (const auto& pt : make_design(lhs)) {
    std::vector<double> x;
    for (const auto& v : pt.values) x.push_back(std::stod(v));
    start.push_back(to_theta(x));
  }
  progress("initial design: " + std::to_string(start.size()) + " points x " +
           std::to_string(spec.replicates) + " replicates");
  auto first = ev.run(start, "design");
  std::size_t best = 0;
  for (std::size_t i = 1; i < first.size(); ++i)
    if (first[i].objective < first[best].objective) best = i;
  // The values in use join the start: a recalibration after a change to the model begins
  // where the last one ended if that is still better than every design point, and the
  // report says how far the estimate improves on them.
  const auto current = ev.scenario_values();
  double at_current = std::numeric_limits<double>::quiet_NaN();
  if (current) {
    progress("the scenario's own values");
    const auto e = ev.run({*current}, "scenario");
    at_current = e[0].objective;
    if (!std::isfinite(first[best].objective) || e[0].objective < first[best].objective) {
      first.push_back(e[0]);
      best = first.size() - 1;
    }
  }
  if (!std::isfinite(first[best].objective))
    throw std::runtime_error("every point of the initial design failed: " + first[best].error);

  // 2. A derivative-free local search from the best design point, in [0, 1]^k.
  std::vector<double> x(k);
  for (int j = 0; j < k; ++j)
    x[j] = (first[best].theta[j] - spec.parameters[j].lo) /
           (spec.parameters[j].hi - spec.parameters[j].lo);
  nlopt::opt search(algorithm_of(spec.algorithm), k);
  search.set_lower_bounds(std::vector<double>(k, 0.0));
  search.set_upper_bounds(std::vector<double>(k, 1.0));
  search.set_maxeval(spec.budget);
  search.set_xtol_abs(spec.xtol);
  search.set_initial_step(std::vector<double>(k, 0.1));
  struct Ctx {
    Evaluator* ev;
    std::function<std::vector<double>(const std::vector<double>&)> to_theta;
    std::function<void(const std::string&)> progress;
    int n = 0;
  } ctx{&ev, to_theta, progress};
  search.set_min_objective(
      [](const std::vector<double>& xx, std::vector<double>&, void* data) {
        auto* c = static_cast<Ctx*>(data);
        const auto e = c->ev->run({c->to_theta(xx)}, "search");
        char buf[64];
        std::snprintf(buf, sizeof buf, "search evaluation %d: objective %.6g", ++c->n,
                      e[0].objective);
        c->progress(buf);
        // A failed point is far worse than any real one, but finite for the simplex.
        return std::isfinite(e[0].objective) ? e[0].objective : 1e12;
      },
      &ctx);
  double fval = first[best].objective;
  try {
    search.optimize(x, fval);
  } catch (const nlopt::roundoff_limited&) {
    // The noise floor of the objective was reached: the best point so far stands.
  } catch (const nlopt::forced_stop&) {
  }
  // The best evaluation seen anywhere (the optimizer's own point is one of them).
  auto best_seen = [&] {
    const Evaluation* h = nullptr;
    for (const auto& e : ev.log())
      if (!h || e.objective < h->objective) h = &e;
    return *h;
  };
  Evaluation at_hat = best_seen();
  std::vector<double> theta = at_hat.theta;

  // 3. Uncertainty: SMM sandwich with a central-difference Jacobian on common random
  // numbers, and the covariance of the moments estimated by the replicates' spread.
  const int nm = static_cast<int>(spec.moments.size());
  const auto wv = ev.weights();
  const Eigen::MatrixXd W = Eigen::VectorXd::Map(wv.data(), nm).asDiagonal();
  std::vector<double> se(k);
  Eigen::MatrixXd V;
  double cond = 0;
  auto uncertainty = [&](const std::string& phase) {
    progress(phase + ": " + std::to_string(2 * k) + " points");
    std::vector<std::vector<double>> jac_pts;
    std::vector<double> hstep(k);
    for (int j = 0; j < k; ++j) {
      const auto& p = spec.parameters[j];
      const double h = spec.step * (p.hi - p.lo);
      auto up = theta, down = theta;
      up[j] = std::min(p.hi, theta[j] + h);
      down[j] = std::max(p.lo, theta[j] - h);
      hstep[j] = up[j] - down[j];
      jac_pts.push_back(up);
      jac_pts.push_back(down);
    }
    const auto jac = ev.run(jac_pts, phase);
    Eigen::MatrixXd D(nm, k);
    for (int j = 0; j < k; ++j) {
      const auto gu = ev.deviations(jac[2 * j].mean), gd = ev.deviations(jac[2 * j + 1].mean);
      for (int i = 0; i < nm; ++i) D(i, j) = (gu[i] - gd[i]) / hstep[j];
    }
    Eigen::VectorXd omega = Eigen::VectorXd::Zero(nm);
    const int R = static_cast<int>(at_hat.reps.size());
    for (int i = 0; i < nm; ++i) {
      double m = 0, s = 0;
      for (int r = 0; r < R; ++r) m += at_hat.reps[r][i] / R;
      for (int r = 0; r < R; ++r) s += std::pow(at_hat.reps[r][i] - m, 2);
      omega(i) = R > 1 ? s / (R - 1) / std::pow(spec.moments[i].observed, 2) : 0;
    }
    const Eigen::MatrixXd A = D.transpose() * W * D;
    const Eigen::MatrixXd B = D.transpose() * W * omega.asDiagonal() * W * D;
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(A, Eigen::ComputeFullU | Eigen::ComputeFullV);
    cond = svd.singularValues()(0) / std::max(1e-300, svd.singularValues()(k - 1));
    const Eigen::MatrixXd Ainv = A.completeOrthogonalDecomposition().pseudoInverse();
    V = (1.0 + 1.0 / spec.replicates) * Ainv * B * Ainv;
    // A parameter that moves no moment has no finite standard error, whatever the
    // pseudo-inverse says.
    for (int j = 0; j < k; ++j)
      se[j] = D.col(j).norm() < 1e-12 ? std::numeric_limits<double>::infinity()
                                      : std::sqrt(std::max(0.0, V(j, j)));
  };
  uncertainty("jacobian");

  // 4. Identification: the objective along each parameter, the others at the estimate.
  progress("profiles: " + std::to_string(k * spec.profile_points) + " points");
  std::vector<std::vector<double>> prof_pts;
  for (int j = 0; j < k; ++j)
    for (int q = 0; q < spec.profile_points; ++q) {
      auto t = theta;
      const auto& p = spec.parameters[j];
      t[j] = p.lo + (p.hi - p.lo) * q / (spec.profile_points - 1);
      prof_pts.push_back(t);
    }
  const auto prof = ev.run(prof_pts, "profile");
  const auto searched = theta;
  const double searched_objective = at_hat.objective;

  // 5. A local search on a noisy objective can stop short of a better point nearby, which
  // the Jacobian's or the profiles' points then find. The best of them that beats the
  // estimate in every replicate (the same seeds at both points, so not by seed noise)
  // becomes the estimate, and the standard errors are computed again there (the profiles
  // stay those around the search's point).
  {
    const Evaluation* better = nullptr;
    for (const auto& e : ev.log()) {
      if (!(e.objective < at_hat.objective) || e.reps.size() != at_hat.reps.size()) continue;
      bool every = true;
      for (std::size_t r = 0; r < e.reps.size(); ++r)
        every = every && ev.objective(e.reps[r]) < ev.objective(at_hat.reps[r]);
      if (every && (!better || e.objective < better->objective)) better = &e;
    }
    if (better) {
      at_hat = *better;
      theta = at_hat.theta;
      uncertainty("jacobian_at_best");
    }
  }

  CalibrationResult result{theta, se, at_hat.objective, static_cast<int>(ev.log().size())};
  if (mpi_rank() != 0) return result;

  // Outputs.
  const fs::path out(opt.out);
  {
    std::string csv = "evaluation,phase,batch";
    for (const auto& p : spec.parameters) csv += ",param:" + p.path;
    csv += ",objective,error\n";
    int i = 0;
    for (const auto& e : ev.log()) {
      csv += std::to_string(i++) + "," + e.phase + "," + std::to_string(e.batch);
      for (double v : e.theta) csv += "," + num(v);
      csv += "," + (std::isfinite(e.objective) ? num(e.objective) : std::string("nan")) + ",\"" +
             e.error + "\"\n";
    }
    write_file(out / "evaluations.csv", csv);
  }
  std::string fit_table =
      "| series | year | observed | simulated (mean) | min-max over replicates | error |\n"
      "|---|---:|---:|---:|---:|---:|\n";
  {
    std::string csv =
        "series,year,observed,simulated_mean,simulated_min,simulated_max,error_pct,unit\n";
    for (int i = 0; i < nm; ++i) {
      double lo = 1e300, hi = -1e300;
      for (const auto& r : at_hat.reps) {
        lo = std::min(lo, r[i]);
        hi = std::max(hi, r[i]);
      }
      const auto& m = spec.moments[i];
      const double err = 100 * (at_hat.mean[i] - m.observed) / m.observed;
      const std::string& name = spec.series[m.series].name;
      csv += name + "," + std::to_string(m.year) + "," + num(m.observed) + "," +
             num(at_hat.mean[i]) + "," + num(lo) + "," + num(hi) + "," + num(err) + "," + m.unit +
             "\n";
      char row[256];
      std::snprintf(row, sizeof row, "| %s | %d | %.4g | %.4g | %.4g-%.4g | %+.1f%% |\n",
                    name.c_str(), m.year, m.observed, at_hat.mean[i], lo, hi, err);
      fit_table += row;
    }
    write_file(out / "fit.csv", csv);
  }
  std::string param_table =
      "| parameter | estimate | std. error | bounds | why free |\n|---|---:|---:|---|---|\n";
  {
    std::string csv = "parameter,estimate,std_error,lower,upper,reason\n";
    for (int j = 0; j < k; ++j) {
      const auto& p = spec.parameters[j];
      csv += p.path + "," + num(theta[j]) + "," + num(se[j]) + "," + num(p.lo) + "," + num(p.hi) +
             ",\"" + p.reason + "\"\n";
      char row[512];
      std::snprintf(row, sizeof row, "| %s | %.4g | %.3g | [%g, %g] | %s |\n", p.path.c_str(),
                    theta[j], se[j], p.lo, p.hi, p.reason.c_str());
      param_table += row;
    }
    write_file(out / "parameters.csv", csv);
  }
  std::string ident;
  {
    std::string csv = "parameter,value,objective\n";
    for (int j = 0; j < k; ++j) {
      double jmin = 1e300, jmax = -1e300;
      for (int q = 0; q < spec.profile_points; ++q) {
        const auto& e = prof[j * spec.profile_points + q];
        csv += spec.parameters[j].path + "," + num(e.theta[j]) + "," + num(e.objective) + "\n";
        jmin = std::min(jmin, e.objective);
        jmax = std::max(jmax, e.objective);
      }
      char row[512];
      const bool flat = jmax - jmin < 0.1 * std::max(at_hat.objective, 1e-12);
      std::snprintf(row, sizeof row,
                    "- `%s`: objective from %.4g to %.4g across its bounds (at the estimate "
                    "%.4g)%s\n",
                    spec.parameters[j].path.c_str(), jmin, jmax, at_hat.objective,
                    flat ? ": nearly flat, weakly identified by these moments" : "");
      ident += row;
    }
    write_file(out / "profiles.csv", csv);
    ident += "\nCorrelation of the estimates (from the sandwich covariance):\n\n";
    for (int a = 0; a < k; ++a)
      for (int b = a + 1; b < k; ++b) {
        const double r = V(a, b) / std::sqrt(std::max(1e-300, V(a, a) * V(b, b)));
        char row[512];
        std::snprintf(row, sizeof row, "- `%s` and `%s`: %+.2f%s\n",
                      spec.parameters[a].path.c_str(), spec.parameters[b].path.c_str(), r,
                      std::abs(r) > 0.9 ? " (the moments hardly tell them apart)" : "");
        ident += row;
      }
    char row[256];
    std::snprintf(row, sizeof row, "\nCondition number of D'WD: %.3g.\n", cond);
    ident += row;
  }
  {
    // The overlay: the scenario with the estimates, as a config a run can take.
    YAML::Node overlay(YAML::NodeType::Map);
    overlay["base"] = fs::relative(spec.scenario, fs::absolute(out)).string();
    overlay["description"] = "calibrated by corridor calibrate " + spec.file;
    for (int j = 0; j < k; ++j) {
      const auto parts = path_keys(spec.parameters[j].path);
      YAML::Node n = overlay;
      for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        if (!n[parts[i]]) n[parts[i]] = YAML::Node(YAML::NodeType::Map);
        n.reset(n[parts[i]]);
      }
      n[parts.back()] = theta[j];
    }
    YAML::Emitter em;
    em << overlay;
    write_file(out / "calibrated.yaml",
               "# Written by: " + opt.command + "\n# on " + now_iso() + "\n" + em.c_str() + "\n");
  }
  {
    std::string r = "# Calibration report\n\n";
    r += spec.description.empty() ? "" : spec.description + "\n\n";
    r += "- Spec: `" + spec.file + "`\n- Command: `" + opt.command + "`\n- Date: " + now_iso() +
         "\n- Commit: " + git_commit(fs::path(spec.file).parent_path()) + "\n- Scenario: `" +
         spec.scenario + "` with " + std::to_string(spec.sets.size() + opt.cli_sets.size()) +
         " fixed settings\n- Evaluations: " + std::to_string(ev.log().size()) + " (design " +
         std::to_string(spec.design_points) + ", search budget " + std::to_string(spec.budget) +
         ", " + spec.algorithm + "), " + std::to_string(spec.replicates) +
         " replicates each on common random numbers\n";
    char line[256];
    std::snprintf(line, sizeof line,
                  "- Objective at the estimate: %.6g (start of the search %.6g)\n",
                  at_hat.objective, first[best].objective);
    r += line;
    if (theta != searched) {
      std::string from;
      for (int j = 0; j < k; ++j) {
        char v[32];
        std::snprintf(v, sizeof v, "%.4g", searched[j]);
        from += (j ? ", " : "") + std::string(v);
      }
      std::snprintf(line, sizeof line, "%.6g", searched_objective);
      r += "- The Jacobian's or the profiles' points held a better one than the search's (" + from +
           ", objective " + line +
           "): it is the estimate, with its own Jacobian; the profiles are those around the "
           "search's point\n";
    }
    if (current) {
      std::string vals;
      for (int j = 0; j < k; ++j) vals += (j ? ", " : "") + num((*current)[j]);
      std::snprintf(line, sizeof line, "%.6g", at_current);
      r += "- Objective at the scenario's own values (" + vals + "): " + line + "\n";
    } else {
      r += "- The scenario's own values were not evaluated (a parameter missing or outside its "
           "bounds)\n";
    }
    r += "\n";
    r += "Objective: the sum over moments of weight x ((simulated - observed) / observed)^2, "
         "each series' weight divided by its number of years.\n\n## Parameters\n\n" +
         param_table +
         "\nStandard errors: simulated method of moments, V = (1 + 1/R) (D'WD)^-1 D'W Omega W D "
         "(D'WD)^-1, with D the central-difference Jacobian of the relative deviations "
         "(step " +
         num(spec.step) +
         " of each range) and Omega the variance of the moments "
         "across replicates at the estimate (the observed history taken as one draw of the "
         "model).\n\n## Fit\n\n" +
         fit_table + "\n## Identification\n\n" + ident +
         "\n## Files\n\n`evaluations.csv` (the path of the objective), `fit.csv`, "
         "`parameters.csv`, `profiles.csv`, `calibrated.yaml` (the overlay), `batches/` (the "
         "sweeps that evaluated each batch of points).\n";
    write_file(out / "report.md", r);
  }
  return result;
}

}  // namespace corridor

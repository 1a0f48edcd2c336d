#include "sim/experiment/sweep.hpp"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "output/reader.hpp"
#include "output/sweep_index.hpp"
#include "sim/error.hpp"
#include "sim/experiment/mpi.hpp"
#include "sim/experiment/outcome.hpp"
#include "sim/model.hpp"
#include "sim/params.hpp"

namespace corridor {

namespace {

namespace fs = std::filesystem;

std::string run_file_name(int id) {
  char buf[64];
  // At most 1000 files per directory, however large the sweep.
  std::snprintf(buf, sizeof buf, "runs/%03d/r%06d.h5", id / 1000, id);
  return buf;
}

// Written beside a run file: why it failed, or where and when it ran.
std::string failed_marker(const std::string& run) {
  return run + ".failed";
}
std::string info_marker(const std::string& run) {
  return run + ".info";
}

void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  fs::rename(tmp, path);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string hostname() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

// The shortest text that reads back as the same double.
std::string num(double v) {
  if (std::isnan(v)) return "nan";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

void flatten(const YAML::Node& n, const std::string& path,
             std::map<std::string, std::string>& out) {
  if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it)
      flatten(it->second,
              path.empty() ? it->first.as<std::string>() : path + "." + it->first.as<std::string>(),
              out);
  } else if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i)
      flatten(n[i], path + "[" + std::to_string(i) + "]", out);
  } else {
    out[path] = n.IsScalar() ? n.Scalar() : "~";
  }
}

std::map<std::string, std::string> parse_fingerprint(const std::string& text) {
  std::map<std::string, std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) {
    const auto eq = line.find(" = ");
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return out;
}

// Rethrows a config error about a swept value as an error about the spec's parameter.
template <class F>
void as_spec_error(const std::string& spec_file, int line, const std::string& key,
                   const std::string& context, F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    throw InputError(spec_file, line, key, context + ": " + e.what());
  }
}

}  // namespace

RunPlan SweepPlan::run_plan(const SweepRun& r, int threads) const {
  RunPlan p;
  p.config = scenarios[r.scenario].second;
  p.overrides = sets;
  const auto& pt = points[r.point];
  for (std::size_t j = 0; j < parameters.size(); ++j)
    p.overrides.push_back(parameters[j].path + "=" + pt.values[j]);
  p.seed = r.seed;
  p.threads = threads;
  p.output = path(r);
  return p;
}

std::string SweepPlan::path(const SweepRun& r) const {
  return (fs::path(dir) / r.file).string();
}

void number_runs(SweepPlan& plan, std::uint64_t master_seed, bool common_seeds) {
  plan.runs.clear();
  const int np = static_cast<int>(plan.points.size());
  for (int s = 0; s < static_cast<int>(plan.scenarios.size()); ++s)
    for (int p = 0; p < np; ++p)
      for (int r = 0; r < plan.replicates; ++r) {
        SweepRun run;
        run.id = (s * np + p) * plan.replicates + r;
        run.scenario = s;
        run.point = p;
        run.replicate = r;
        run.seed = run_seed(master_seed, common_seeds, p, r);
        run.file = run_file_name(run.id);
        plan.runs.push_back(run);
      }
}

std::vector<std::string> merge_sets(const std::vector<std::string>& spec_sets,
                                    const std::vector<std::string>& cli_sets) {
  auto key = [](const std::string& s) { return s.substr(0, s.find('=')); };
  std::vector<std::string> out;
  for (const auto& s : spec_sets) {
    bool replaced = false;
    for (const auto& c : cli_sets) replaced = replaced || key(c) == key(s);
    if (!replaced) out.push_back(s);
  }
  out.insert(out.end(), cli_sets.begin(), cli_sets.end());
  return out;
}

SweepPlan make_sweep_plan(const SweepSpec& spec, const std::string& dir,
                          const std::vector<std::string>& cli_sets) {
  SweepPlan plan;
  plan.dir = dir;
  plan.design = spec.design;
  plan.scenarios = spec.scenarios;
  plan.parameters = spec.parameters;
  plan.points = make_design(spec);
  for (const auto& s : cli_sets) {
    const std::string key = s.substr(0, s.find('='));
    for (const auto& p : spec.parameters)
      if (p.path == key)
        throw InputError(
            "command line", 0, "--set " + key,
            "is a swept parameter of " + spec.file + " (line " + std::to_string(p.line) + ")");
  }
  plan.sets = merge_sets(spec.sets, cli_sets);
  plan.outcomes = spec.outcomes;
  plan.replicates = spec.replicates;
  number_runs(plan, spec.seed, spec.common_seeds);
  return plan;
}

void check_sweep_plan(SweepPlan& plan, const std::string& spec_file) {
  for (const auto& [name, config] : plan.scenarios) {
    std::shared_ptr<const Model> model;
    // The sets alone must give a valid run of every scenario.
    try {
      model = build_model(load_config(config, plan.sets));
    } catch (const InputError& e) {
      if (e.file() == "--set")
        throw InputError(spec_file, 0, "set", "scenario '" + name + "': " + e.what());
      throw;
    }
    for (const auto& p : plan.parameters)
      for (const auto& v : p.extremes()) {
        auto overrides = plan.sets;
        overrides.push_back(p.path + "=" + v);
        as_spec_error(spec_file, p.line, "parameters." + p.path,
                      "scenario '" + name + "', value " + v,
                      [&] { load_config(config, overrides); });
      }
    for (auto& o : plan.outcomes) check_outcome(o, *model, spec_file);
  }
}

std::string sweep_fingerprint(const SweepPlan& plan, const std::string& spec_text) {
  std::map<std::string, std::string> flat;
  flatten(YAML::Load(spec_text), "spec", flat);
  for (std::size_t i = 0; i < plan.sets.size(); ++i)
    flat["set[" + std::to_string(i) + "]"] = plan.sets[i];
  for (const auto& [name, config] : plan.scenarios) {
    // The whole base chain counts: a changed baseline changes every run.
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(fnv1a(load_config(config, {}).config_text)));
    flat["config." + name] = hex;
  }
  std::string out =
      "# What determines this sweep's results; `corridor sweep` refuses a directory\n"
      "# whose settings differ.\n";
  for (const auto& [k, v] : flat) out += k + " = " + v + "\n";
  return out;
}

void prepare_sweep_dir(const SweepPlan& plan, const std::string& fingerprint) {
  const fs::path dir(plan.dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw InputError(plan.dir, 0, "-o", "cannot create the sweep directory: " + ec.message());
  const fs::path probe = dir / (".write-test-" + std::to_string(::getpid()));
  {
    std::ofstream out(probe);
    if (!out) throw InputError(plan.dir, 0, "-o", "the sweep directory is not writable");
  }
  fs::remove(probe);
  const fs::path stored = dir / "sweep.fingerprint";
  if (fs::exists(stored)) {
    const auto before = parse_fingerprint(read_text(stored.string()));
    const auto now = parse_fingerprint(fingerprint);
    std::string changes;
    int n = 0;
    std::set<std::string> keys;
    for (const auto& [k, v] : before) keys.insert(k);
    for (const auto& [k, v] : now) keys.insert(k);
    for (const auto& k : keys) {
      auto b = before.find(k), a = now.find(k);
      if (b != before.end() && a != now.end() && b->second == a->second) continue;
      if (++n > 8) continue;
      changes += "\n  " + k + ": " + (b == before.end() ? "(absent)" : b->second) + " -> " +
                 (a == now.end() ? "(absent)" : a->second);
    }
    if (n > 0)
      throw InputError(plan.dir, 0, "-o",
                       "holds a different sweep (" + std::to_string(n) +
                           " settings changed):" + changes + (n > 8 ? "\n  ..." : "") +
                           "\nuse a new directory, or delete this one to start over");
  } else {
    write_atomically(stored.string(), fingerprint);
  }
}

RunStatus read_status(const SweepPlan& plan, const SweepRun& r) {
  RunStatus st;
  const std::string file = plan.path(r);
  st.outcomes.assign(plan.outcomes.size(), std::nan(""));
  if (fs::exists(file)) {
    // The recorder renames into place only when complete, and `complete` is set last.
    try {
      if (read_int_attr(file, "complete") != 1) return st;
      for (std::size_t k = 0; k < plan.outcomes.size(); ++k)
        st.outcomes[k] = evaluate_outcome(plan.outcomes[k], file);
      st.state = RunStatus::State::kComplete;
    } catch (const std::exception& e) {
      st.state = RunStatus::State::kFailed;
      st.error = std::string("unreadable run file: ") + e.what();
      return st;
    }
    std::stringstream info(read_text(info_marker(file)));
    info >> st.host >> st.rank >> st.finished_at >> st.wall_seconds;
    return st;
  }
  if (fs::exists(failed_marker(file))) {
    st.state = RunStatus::State::kFailed;
    st.error = read_text(failed_marker(file));
    while (!st.error.empty() && st.error.back() == '\n') st.error.pop_back();
  }
  return st;
}

std::vector<RunStatus> collect_statuses(const SweepPlan& plan) {
  std::vector<RunStatus> out(plan.runs.size());
  // Reading HDF5 is serialised by the library; files are small, so a loop is enough.
  for (std::size_t i = 0; i < plan.runs.size(); ++i) out[i] = read_status(plan, plan.runs[i]);
  return out;
}

namespace {

// Runs one run to its file; a failure is recorded beside it and does not stop the sweep.
bool run_one(const SweepPlan& plan, const SweepRun& r, const SweepOptions& opt) {
  const std::string file = plan.path(r);
  fs::create_directories(fs::path(file).parent_path());
  fs::remove(failed_marker(file));
  try {
    RunPlan rp = plan.run_plan(r, opt.threads);
    // A run killed with the sweep continues from its last checkpoint.
    rp.resume_from_checkpoint = opt.resume_checkpoints;
    const RunResult res = execute(rp);
    std::fputs(deferral_warning(res).c_str(), stderr);
    write_atomically(info_marker(file), hostname() + " " + std::to_string(mpi_rank()) + " " +
                                            now_iso() + " " + num(res.wall_seconds) + "\n");
    return true;
  } catch (const std::exception& e) {
    write_atomically(failed_marker(file), std::string(e.what()) + "\n");
    return false;
  }
}

// A fixed pool of local worker threads taking items from `next`.
template <class Next, class Done>
void work(int jobs, Next next, Done done) {
  std::vector<std::thread> pool;
  for (int j = 0; j < jobs; ++j)
    pool.emplace_back([&] {
      for (int item; (item = next()) >= 0;) done(item);
    });
  for (auto& t : pool) t.join();
}

}  // namespace

SweepTally run_sweep(const SweepPlan& plan, const SweepOptions& opt) {
  SweepTally tally;
  std::vector<int> todo;  // indices into plan.runs, decided on rank 0
  if (mpi_rank() == 0) {
    for (std::size_t i = 0; i < plan.runs.size(); ++i) {
      if (plan.runs[i].id % opt.shards != opt.shard) continue;
      ++tally.planned;
      if (read_status(plan, plan.runs[i]).state == RunStatus::State::kComplete)
        ++tally.skipped;
      else
        todo.push_back(static_cast<int>(i));
    }
  }
  std::mutex mu;
  std::size_t next_todo = 0;
  auto take = [&]() -> int {
    std::lock_guard<std::mutex> lock(mu);
    return next_todo < todo.size() ? todo[next_todo++] : -1;
  };
  auto report = [&](bool ok) {
    std::lock_guard<std::mutex> lock(mu);
    ++(ok ? tally.done : tally.failed);
    if (opt.progress) opt.progress(tally.done, tally.failed, static_cast<int>(todo.size()));
  };
  if (opt.progress && mpi_rank() == 0) opt.progress(0, 0, static_cast<int>(todo.size()));

  if (mpi_size() == 1) {
    // The last run of the list gets the threads of every worker: the others find nothing
    // left when they finish, so a calibration's evaluation of 3 replicates on 2 workers does
    // not run its third on one core while the other idles (measured: 32.4 s against 36.7 s
    // per evaluation at 20,000 firms; running all three one at a time on 2 threads takes
    // 39 s, as a small run gains little from a second thread). Runs give the same bits for
    // any thread count.
    SweepOptions all = opt;
    all.threads = opt.threads * opt.jobs;
    work(opt.jobs, take,
         [&](int i) { report(run_one(plan, plan.runs[i], i == todo.back() ? all : opt)); });
    return tally;
  }

  if (mpi_rank() == 0) {
    // The main thread serves the other ranks; local workers take from the same list.
    std::thread local(
        [&] { work(opt.jobs, take, [&](int i) { report(run_one(plan, plan.runs[i], opt)); }); });
    mpi_pool::serve(
        take, [&](int, bool failed) { report(!failed); }, [] {});
    local.join();
  } else {
    // Workers hand their requests to the main thread, the only one that calls MPI; each
    // request reports one finished run, for rank 0's progress line.
    std::mutex m;
    std::condition_variable cv;
    std::deque<int> work_queue;
    std::deque<std::pair<int, bool>> finished;
    int idle = opt.jobs;
    bool stop = false;
    std::vector<std::thread> pool;
    for (int j = 0; j < opt.jobs; ++j)
      pool.emplace_back([&] {
        while (true) {
          int item;
          {
            std::unique_lock<std::mutex> lock(m);
            cv.wait(lock, [&] { return stop || !work_queue.empty(); });
            if (work_queue.empty()) return;
            item = work_queue.front();
            work_queue.pop_front();
          }
          const bool ok = run_one(plan, plan.runs[item], opt);
          std::lock_guard<std::mutex> lock(m);
          finished.emplace_back(item, !ok);
          ++idle;
          cv.notify_all();
        }
      });
    while (true) {
      std::pair<int, bool> done{-1, false};
      {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [&] { return idle > 0; });
        --idle;
        if (!finished.empty()) {
          done = finished.front();
          finished.pop_front();
        }
      }
      const int item = mpi_pool::request(done.first, done.second);
      std::lock_guard<std::mutex> lock(m);
      if (item < 0) {
        stop = true;
        cv.notify_all();
        break;
      }
      work_queue.push_back(item);
      cv.notify_all();
    }
    for (auto& t : pool) t.join();
  }
  mpi_barrier();
  if (mpi_rank() == 0) {
    // Runs finish after their last report reaches rank 0; the files are the record.
    tally.done = tally.failed = 0;
    for (int i : todo) switch (read_status(plan, plan.runs[i]).state) {
        case RunStatus::State::kComplete:
          ++tally.done;
          break;
        case RunStatus::State::kFailed:
          ++tally.failed;
          break;
        default:
          break;
      }
  }
  return tally;
}

void write_sweep_index(const SweepPlan& plan) {
  const auto statuses = collect_statuses(plan);
  const std::size_t n = plan.runs.size();
  IndexTable t;
  // col() hands out references into t.results: room for every column up front, or a later
  // push_back reallocates and the references dangle (index.h5 then had empty columns).
  t.results.reserve(10 + plan.parameters.size() + plan.outcomes.size());
  auto col = [&](const std::string& name, bool numeric) -> IndexColumn& {
    t.results.push_back({name, numeric, {}, {}});
    return t.results.back();
  };
  std::string csv =
      "run_id,scenario,point,replicate,seed,status,error,file,design_block,design_row";
  for (const auto& p : plan.parameters) csv += ",param:" + p.path;
  for (const auto& o : plan.outcomes) csv += ",out:" + o.name;
  csv += "\n";
  std::string timing = "run_id,wall_seconds,host,rank,finished_at\n";
  auto quote = [](std::string s) {
    for (auto& c : s)
      if (c == '\n' || c == '\r') c = ' ';
    if (s.find_first_of(",\"") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  const char* state_names[] = {"pending", "complete", "failed"};
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = plan.runs[i];
    const auto& st = statuses[i];
    const auto& pt = plan.points[r.point];
    csv += std::to_string(r.id) + "," + quote(plan.scenarios[r.scenario].first) + "," +
           std::to_string(r.point) + "," + std::to_string(r.replicate) + "," +
           std::to_string(r.seed) + "," + state_names[static_cast<int>(st.state)] + "," +
           quote(st.error) + "," + r.file + "," + pt.block + "," + std::to_string(pt.row);
    for (const auto& v : pt.values) csv += "," + quote(v);
    for (double v : st.outcomes) csv += "," + num(v);
    csv += "\n";
    if (st.state == RunStatus::State::kComplete)
      timing += std::to_string(r.id) + "," + num(st.wall_seconds) + "," + quote(st.host) + "," +
                std::to_string(st.rank) + "," + st.finished_at + "\n";
  }
  // The HDF5 twin: numbers where every value of a column is a number.
  t.run_ids.resize(n);
  auto& id = col("run_id", true);
  auto& scen = col("scenario", false);
  auto& point = col("point", true);
  auto& rep = col("replicate", true);
  auto& seed = col("seed", false);
  auto& status = col("status", false);
  auto& error = col("error", false);
  auto& file = col("file", false);
  auto& block = col("design_block", false);
  auto& row = col("design_row", true);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = plan.runs[i];
    t.run_ids[i] = r.id;
    id.numbers.push_back(r.id);
    scen.strings.push_back(plan.scenarios[r.scenario].first);
    point.numbers.push_back(r.point);
    rep.numbers.push_back(r.replicate);
    seed.strings.push_back(std::to_string(r.seed));
    status.strings.push_back(state_names[static_cast<int>(statuses[i].state)]);
    error.strings.push_back(statuses[i].error);
    file.strings.push_back(r.file);
    block.strings.push_back(plan.points[r.point].block);
    row.numbers.push_back(plan.points[r.point].row);
    t.run_files.push_back(statuses[i].state == RunStatus::State::kComplete ? r.file : "");
  }
  for (std::size_t j = 0; j < plan.parameters.size(); ++j) {
    IndexColumn c{"param:" + plan.parameters[j].path, true, {}, {}};
    for (const auto& r : plan.runs) {
      const std::string& v = plan.points[r.point].values[j];
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end) c.numeric = false;
      c.numbers.push_back(d);
      c.strings.push_back(v);
    }
    t.results.push_back(std::move(c));
  }
  for (std::size_t k = 0; k < plan.outcomes.size(); ++k) {
    IndexColumn c{"out:" + plan.outcomes[k].name, true, {}, {}};
    for (const auto& st : statuses) c.numbers.push_back(st.outcomes[k]);
    t.results.push_back(std::move(c));
  }
  IndexColumn wall{"wall_seconds", true, {}, {}}, host{"host", false, {}, {}},
      rank{"rank", true, {}, {}}, when{"finished_at", false, {}, {}};
  for (const auto& st : statuses) {
    wall.numbers.push_back(st.wall_seconds);
    host.strings.push_back(st.host);
    rank.numbers.push_back(st.rank);
    when.strings.push_back(st.finished_at);
  }
  t.timing = {wall, host, rank, when};
  std::vector<std::string> params, outs;
  for (const auto& p : plan.parameters) params.push_back(p.path);
  for (const auto& o : plan.outcomes) outs.push_back(o.name);
  t.attributes = {{"design", plan.design}, {"corridor_version", CORRIDOR_VERSION}};
  t.list_attributes = {{"parameters", params}, {"outcomes", outs}};
  const fs::path dir(plan.dir);
  write_index_h5((dir / "index.h5").string(), t);
  write_atomically((dir / "index.csv").string(), csv);
  write_atomically((dir / "timing.csv").string(), timing);
}

}  // namespace corridor

// corridor sweep SPEC -o DIR: many runs over a design, locally or under MPI, resumable,
// summarised in DIR/index.csv and DIR/index.h5.
#include "sim/experiment/sweep.hpp"

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/progress.hpp"
#include "sim/experiment/mpi.hpp"

namespace corridor::cli {

namespace po = boost::program_options;

int sweep(int argc, char** argv) {
  po::options_description opts("corridor sweep SPEC -o DIR [options]");
  std::string output, jobs_text, threads_text, shard_text;
  std::vector<std::string> sets;
  opts.add_options()("help,h", "this help")("output,o", po::value(&output),
                                            "sweep directory (run files, index.csv, index.h5)")(
      "jobs", po::value(&jobs_text), "runs at once in this process (default: cores / threads)")(
      "threads", po::value(&threads_text), "threads per run (default: cores / jobs)")(
      "set", po::value(&sets)->composing(), "override a parameter in every run: key.path=value")(
      "shard", po::value(&shard_text), "i/n: take only runs with id % n == i (job arrays)")(
      "dry-run", "list the runs and their parameters; run nothing")(
      "collect", "only rebuild the index from the run files in DIR")("quiet,q",
                                                                     "no progress line or summary");
  std::string spec_file;
  po::variables_map vm;
  if (!parse_command(argc, argv, opts, "spec", spec_file, vm)) return 0;
  MpiSession mpi(argc, argv);
  const bool root = mpi_rank() == 0;
  if (spec_file.empty()) throw InputError("corridor sweep", 0, "SPEC", "missing sweep spec");
  const bool dry = vm.count("dry-run") > 0;
  if (output.empty() && !dry)
    throw InputError("corridor sweep", 0, "-o", "missing output directory");

  // Cores are shared by the ranks of a node, then by the runs of a rank.
  const int cores = std::max(
      1, static_cast<int>(std::thread::hardware_concurrency()) / std::max(1, mpi_local_size()));
  SweepOptions opt;
  opt.jobs = jobs_text.empty() ? 0 : parse_number<int>("--jobs", jobs_text, 1, 4096);
  opt.threads = threads_text.empty() ? 0 : parse_number<int>("--threads", threads_text, 1, 4096);
  if (!opt.jobs && !opt.threads) opt.threads = 1;
  if (!opt.jobs) opt.jobs = std::max(1, cores / opt.threads);
  if (!opt.threads) opt.threads = std::max(1, cores / opt.jobs);
  if (!shard_text.empty()) {
    const Shard s = parse_shard(shard_text);
    opt.shard = s.index;
    opt.shards = s.count;
  }

  const SweepSpec spec = load_sweep_spec(spec_file);
  SweepPlan plan = make_sweep_plan(spec, output, sets);
  check_sweep_plan(plan, spec_file);

  if (dry) {
    if (!root) return 0;
    std::printf("%zu runs (%zu scenarios x %zu points x %d replicates), design %s\n",
                plan.runs.size(), plan.scenarios.size(), plan.points.size(), plan.replicates,
                plan.design.c_str());
    std::printf("run_id,scenario,point,replicate,seed,design_block,design_row");
    for (const auto& p : plan.parameters) std::printf(",%s", p.path.c_str());
    std::printf("\n");
    for (const auto& r : plan.runs) {
      if (r.id % opt.shards != opt.shard) continue;
      const auto& pt = plan.points[r.point];
      std::printf("%d,%s,%d,%d,%llu,%s,%d", r.id, plan.scenarios[r.scenario].first.c_str(), r.point,
                  r.replicate, static_cast<unsigned long long>(r.seed), pt.block.c_str(), pt.row);
      for (const auto& v : pt.values) std::printf(",%s", v.c_str());
      std::printf("\n");
    }
    return 0;
  }

  // Rank 0 alone touches the directory; its verdict reaches every rank.
  std::string verdict;
  bool ok = true;
  if (root) {
    try {
      prepare_sweep_dir(plan, sweep_fingerprint(plan, spec.text));
    } catch (const InputError& e) {
      ok = false;
      verdict = e.what();
      if (mpi_size() == 1) throw;
    }
  }
  mpi_share_outcome(ok, verdict);

  const bool quiet = vm.count("quiet") > 0;
  if (vm.count("collect")) {
    if (root) write_sweep_index(plan);
    return 0;
  }
  std::unique_ptr<Progress> bar;
  const bool show = root && show_progress(quiet);
  opt.progress = [&](int done, int failed, int total) {
    if (!bar) bar = std::make_unique<Progress>(total, show, "runs");
    (*bar)(done + failed, failed ? "(" + std::to_string(failed) + " failed)" : "");
  };
  const SweepTally t = run_sweep(plan, opt);
  if (!root) return 0;
  write_sweep_index(plan);
  if (!quiet)
    std::printf(
        "sweep %s: %d runs in this shard, %d already complete, %d done, %d failed "
        "(%d ranks x %d jobs x %d threads)\nindex: %s/index.csv, %s/index.h5\n",
        output.c_str(), t.planned, t.skipped, t.done, t.failed, mpi_size(), opt.jobs, opt.threads,
        output.c_str(), output.c_str());
  return t.failed > 0 ? 1 : 0;
}

}  // namespace corridor::cli

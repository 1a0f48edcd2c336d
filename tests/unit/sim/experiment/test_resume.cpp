// The run API's checkpoints: an interrupted run keeps its last checkpoint and no output;
// resume() and execute() with resume_from_checkpoint finish it to the same datasets as an
// uninterrupted run; a checkpoint of another run is refused by resume() and ignored, with
// a note, by execute().
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "h5_datasets.hpp"
#include "output/checkpoint.hpp"
#include "sim/error.hpp"
#include "sim/experiment/run_plan.hpp"
#include "test_support.hpp"

using namespace corridor;
namespace fs = std::filesystem;

namespace {

struct Stop : std::runtime_error {
  Stop() : std::runtime_error("stopped") {}
};

RunPlan small_plan(const std::string& output, int threads = 1) {
  RunPlan p;
  p.config = test::source("configs/baseline.yaml");
  p.overrides = {"firms.count=3000", "run.end=2014-03-31", "output.checkpoint_every_days=120"};
  p.seed = 11;
  p.threads = threads;
  p.output = ::testing::TempDir() + "/" + output;
  for (const char* s : {"", ".tmp", ".ckpt", ".ckpt.tmp"}) fs::remove(p.output + s);
  return p;
}

// Runs `plan` until day `stop`, as a kill would stop it (without its cleanup, a thrown
// exception still unwinds: the output's .tmp goes, the checkpoint stays).
void interrupt(const RunPlan& plan, int stop) {
  EXPECT_THROW(execute(plan,
                       [&](int done, int) {
                         if (done == stop) throw Stop();
                       }),
               Stop);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + " ";
  return s;
}

}  // namespace

TEST(Resume, AnInterruptedRunFinishesToTheSameDatasets) {
  const RunPlan whole = small_plan("rs_whole.h5");
  const RunResult w = execute(whole);
  EXPECT_EQ(w.resumed_from_day, -1);
  EXPECT_FALSE(fs::exists(checkpoint_path(whole.output)));  // removed when the run completes

  const RunPlan cut = small_plan("rs_cut.h5", 2);
  interrupt(cut, 300);
  EXPECT_FALSE(fs::exists(cut.output));
  EXPECT_FALSE(fs::exists(cut.output + ".tmp"));
  ASSERT_TRUE(fs::exists(checkpoint_path(cut.output)));
  EXPECT_EQ(read_checkpoint_header(checkpoint_path(cut.output)).day, 240);

  const RunResult r = resume(cut.output, 1);
  EXPECT_EQ(r.resumed_from_day, 240);
  EXPECT_FALSE(fs::exists(checkpoint_path(cut.output)));
  EXPECT_EQ(join(test::differing_datasets(whole.output, cut.output)), "");

  // A sweep re-running the same plan continues from the checkpoint.
  RunPlan again = small_plan("rs_again.h5", 2);
  interrupt(again, 130);
  again.resume_from_checkpoint = true;
  const RunResult a = execute(again);
  EXPECT_EQ(a.resumed_from_day, 120);
  EXPECT_EQ(a.checkpoint_note, "");
  EXPECT_EQ(join(test::differing_datasets(whole.output, again.output)), "");
}

TEST(Resume, ACheckpointOfAnotherRunIsRefusedOrIgnored) {
  RunPlan p = small_plan("rs_other.h5");
  interrupt(p, 150);
  ASSERT_TRUE(fs::exists(checkpoint_path(p.output)));
  // The same output path, another seed: execute starts afresh and says why.
  p.seed = 12;
  p.resume_from_checkpoint = true;
  const RunResult r = execute(p);
  EXPECT_EQ(r.resumed_from_day, -1);
  EXPECT_NE(r.checkpoint_note.find("belongs to seed 11, not 12"), std::string::npos)
      << r.checkpoint_note;
  EXPECT_TRUE(fs::exists(p.output));
  EXPECT_FALSE(fs::exists(checkpoint_path(p.output)));

  // resume() needs a checkpoint.
  try {
    resume(p.output, 1);
    FAIL() << "resumed without a checkpoint";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no checkpoint"), std::string::npos) << e.what();
  }
  // A fresh run removes a stale checkpoint rather than leave one of another run.
  RunPlan q = small_plan("rs_stale.h5");
  interrupt(q, 150);
  q.seed = 13;
  interrupt(q, 20);
  EXPECT_FALSE(fs::exists(checkpoint_path(q.output)));
}

TEST(Resume, OutputPathsAreCheckedFirst) {
  RunPlan p = small_plan("rs_dir.h5");
  fs::create_directories(p.output);
  try {
    execute(p);
    FAIL() << "ran into a directory";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
  }
  fs::remove(p.output);
  fs::create_directories(checkpoint_path(p.output));
  EXPECT_THROW(execute(p), InputError);
  fs::remove(checkpoint_path(p.output));
  p.output = ::testing::TempDir() + "/no/such/dir/out.h5";
  EXPECT_THROW(execute(p), InputError);
}

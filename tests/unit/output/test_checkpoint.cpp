// Checkpoints restore the whole state: a run continued from one writes the same datasets
// as the uninterrupted run; a checkpoint that does not belong to the model, seed or build,
// or that lacks a field, is refused with a message naming what differs.
#include <gtest/gtest.h>

#include <filesystem>

#include "h5_datasets.hpp"
#include "output/checkpoint.hpp"
#include "output/recorder.hpp"
#include "sim/error.hpp"
#include "test_support.hpp"

using namespace corridor;
namespace fs = std::filesystem;

namespace {

CheckpointHeader header_for(const Model& m, std::uint64_t seed, int day) {
  CheckpointHeader h;
  h.corridor_version = CORRIDOR_VERSION;
  h.layout = checkpoint_layout();
  h.fingerprint = model_fingerprint(m);
  h.seed = seed;
  h.day = day;
  h.days = m.days;
  h.config = "configs/baseline.yaml";
  h.resolved_parameters = m.resolved_yaml;
  return h;
}

std::string temp(const std::string& name) {
  const std::string p = ::testing::TempDir() + "/" + name;
  fs::remove(p);
  fs::remove(p + ".tmp");
  return p;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + " ";
  return s;
}

}  // namespace

TEST(Checkpoint, AResumedRunWritesTheSameDatasetsAndTheSameState) {
  const auto m = test::small_model({"run.end=2014-03-31"});
  const std::string whole = temp("ck_whole.h5"), resumed = temp("ck_resumed.h5");
  const std::string ck1 = temp("ck_1.ckpt"), ck2 = temp("ck_2.ckpt");

  Simulation a(m, 5);
  H5Recorder ra(whole, *m, {5, 1});
  a.run(&ra, {}, 200);
  write_checkpoint(ck1, header_for(*m, 5, 200), a, ra);

  Simulation b(m, 5);
  H5Recorder rb(resumed, *m, {5, 2, 200});
  const CheckpointHeader h = read_checkpoint_header(ck1);
  EXPECT_EQ(h.day, 200);
  check_checkpoint_matches(ck1, h, *m, 5);
  read_checkpoint(ck1, b, rb);
  EXPECT_EQ(b.day(), 200);
  // Written again from the restored state, the checkpoint is the same, field for field.
  write_checkpoint(ck2, header_for(*m, 5, 200), b, rb);
  EXPECT_EQ(join(test::differing_datasets(ck1, ck2)), "");

  a.run(&ra);
  ra.finish(a, 1.0);
  b.run(&rb);
  rb.finish(b, 2.0);
  const auto all = test::dataset_bytes(whole);
  EXPECT_GT(all.size(), 100u);
  EXPECT_TRUE(all.count("daily/exports_usd") && all.count("panel/cash_usd") &&
              all.count("events/name"));
  EXPECT_EQ(join(test::differing_datasets(whole, resumed)), "");
}

TEST(Checkpoint, RefusesAnotherSeedModelBuildOrDay) {
  const auto m = test::small_model({"run.end=2013-06-30"});
  const std::string out = temp("ck_refuse.h5"), ck = temp("ck_refuse.ckpt");
  Simulation sim(m, 5);
  H5Recorder rec(out, *m, {5, 1});
  sim.run(&rec, {}, 30);
  write_checkpoint(ck, header_for(*m, 5, 30), sim, rec);
  const CheckpointHeader h = read_checkpoint_header(ck);

  auto message = [&](const CheckpointHeader& hh, const Model& mm, std::uint64_t seed) {
    try {
      check_checkpoint_matches(ck, hh, mm, seed);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message(h, *m, 5), "accepted");
  EXPECT_NE(message(h, *m, 6).find("belongs to seed 5, not 6"), std::string::npos);
  const auto other = test::small_model({"run.end=2013-06-30", "firms.partner_break_rate=0.002"});
  const std::string changed = message(h, *other, 5);
  EXPECT_NE(changed.find("another configuration"), std::string::npos) << changed;
  EXPECT_NE(changed.find("partner_break_rate"), std::string::npos) << changed;
  CheckpointHeader old = h;
  old.corridor_version = "0.0.1";
  EXPECT_NE(message(old, *m, 5).find("written by corridor 0.0.1"), std::string::npos);
  CheckpointHeader layout = h;
  layout.layout = "0000000000000000";
  EXPECT_NE(message(layout, *m, 5).find("state differs"), std::string::npos);
  CheckpointHeader late = h;
  late.day = m->days;
  EXPECT_NE(message(late, *m, 5).find("damaged"), std::string::npos);
}

TEST(Checkpoint, AMissingFieldIsNamed) {
  const auto m = test::small_model({"run.end=2013-03-31"});
  const std::string out = temp("ck_missing.h5"), ck = temp("ck_missing.ckpt");
  {
    Simulation sim(m, 5);
    H5Recorder rec(out, *m, {5, 1});
    sim.run(&rec, {}, 20);
    write_checkpoint(ck, header_for(*m, 5, 20), sim, rec);
  }
  const hid_t f = H5Fopen(ck.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  ASSERT_GE(H5Ldelete(f, "simulation/state/firms/cash", H5P_DEFAULT), 0);
  H5Fclose(f);
  Simulation sim(m, 5);
  H5Recorder rec(out, *m, {5, 1});
  try {
    read_checkpoint(ck, sim, rec);
    FAIL() << "a checkpoint without firms' cash was read";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("simulation/state/firms/cash"), std::string::npos)
        << e.what();
  }
  // Not a checkpoint at all.
  EXPECT_THROW(read_checkpoint_header(out + ".tmp"), InputError);
  EXPECT_THROW(read_checkpoint_header(temp("none.ckpt")), InputError);
}

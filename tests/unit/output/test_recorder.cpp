#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

#include "output/reader.hpp"
#include "output/recorder.hpp"
#include "test_support.hpp"

using namespace corridor;
namespace fs = std::filesystem;

TEST(Recorder, WritesCompleteFileWithConsistentAggregates) {
  const auto m = test::small_model({"run.end=2014-03-31"});
  const std::string path = ::testing::TempDir() + "/rec.h5";
  fs::remove(path);
  Simulation sim(m, 1);
  H5Recorder rec(path, *m, {1, 1});
  EXPECT_TRUE(fs::exists(path + ".tmp"));
  EXPECT_FALSE(fs::exists(path));
  sim.run(&rec);
  rec.finish(sim, 1.0);
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_EQ(read_int_attr(path, "complete"), 1);
  const auto daily = read_array(path, "daily/bilateral_trade_usd").values;
  const auto monthly = read_array(path, "monthly/bilateral_trade_usd").values;
  const auto annual = read_array(path, "annual/bilateral_trade_usd").values;
  ASSERT_EQ(daily.size(), static_cast<std::size_t>(m->days));
  ASSERT_EQ(monthly.size(), 15u);
  ASSERT_EQ(annual.size(), 2u);
  const double total = std::accumulate(daily.begin(), daily.end(), 0.0);
  EXPECT_NEAR(std::accumulate(monthly.begin(), monthly.end(), 0.0), total, 1e-6 * total);
  EXPECT_NEAR(annual[0] + annual[1], total, 1e-6 * total);
  EXPECT_NEAR(annual[0], std::accumulate(daily.begin(), daily.begin() + 365, 0.0), 1e-6 * total);
  const auto time = read_ints(path, "monthly/time");
  EXPECT_EQ(time[1], 31);
  const auto kinds = read_strings(path, "events/kind");
  EXPECT_FALSE(kinds.empty());
  const auto exports = read_array(path, "daily/exports_usd");
  ASSERT_EQ(exports.shape.size(), 3u);
  EXPECT_EQ(exports.shape[1], m->countries.size());
  // By sector, the same flows: they sum to exports_usd for every day and pair, and
  // Kazakhstan's sales to China are mostly energy and metals, China's to it manufactures.
  const auto by_sector = read_array(path, "daily/exports_by_sector_usd");
  ASSERT_EQ(by_sector.shape.size(), 4u);
  ASSERT_EQ(by_sector.shape[3], static_cast<std::size_t>(kSectors));
  ASSERT_EQ(by_sector.values.size(), exports.values.size() * kSectors);
  for (std::size_t k = 0; k < exports.values.size(); ++k) {
    double sum = 0;
    for (int s = 0; s < kSectors; ++s) sum += by_sector.values[k * kSectors + s];
    ASSERT_NEAR(sum, exports.values[k], 1e-9 * std::max(1.0, exports.values[k])) << k;
  }
  const std::size_t n = m->countries.size();
  auto pair_total = [&](int o, int d, int s) {
    double v = 0;
    for (int t = 0; t < m->days; ++t) v += by_sector.values[((t * n + o) * n + d) * kSectors + s];
    return v;
  };
  EXPECT_GT(pair_total(m->kz, m->cn, kEnergy) + pair_total(m->kz, m->cn, kMetals),
            pair_total(m->kz, m->cn, kManufacturing) + pair_total(m->kz, m->cn, kAgriculture));
  EXPECT_GT(pair_total(m->cn, m->kz, kManufacturing), pair_total(m->cn, m->kz, kEnergy));
}

TEST(Recorder, AnUnfinishedRunLeavesNoFile) {
  const auto m = test::small_model({"run.end=2013-01-31"});
  const std::string path = ::testing::TempDir() + "/killed.h5";
  fs::remove(path);
  {
    Simulation sim(m, 1);
    H5Recorder rec(path, *m, {1, 1});
    sim.step();
    rec.record(sim);
  }  // destroyed without finish(), as when an exception unwinds the run
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

// Same seed: bit-identical trajectories for any thread count; another seed: another path.
#include <gtest/gtest.h>

#include <cstring>

#include "test_support.hpp"

using namespace corridor;

namespace {
// Every recorded outcome of every day, as raw bytes.
std::vector<double> trajectory(const std::shared_ptr<const Model>& m, std::uint64_t seed,
                               int threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  Simulation sim(m, seed);
  std::vector<double> out;
  test::run(sim, [&](const Simulation& s) {
    const DayOutcomes& o = s.state().out;
    for (const auto* v : {&o.exports_usd, &o.exports_sector_usd, &o.queue_days, &o.queue_teu,
                          &o.throughput_teu, &o.output_usd})
      out.insert(out.end(), v->begin(), v->end());
    out.insert(out.end(), o.transit_teu.begin(), o.transit_teu.end());
    for (const auto& a : o.arrivals) out.insert(out.end(), a.begin(), a.end());
    out.insert(out.end(), o.settled_cnkz_usd.begin(), o.settled_cnkz_usd.end());
    out.push_back(o.partnerships_cnkz);
    out.push_back(o.firms_active);
    out.push_back(o.jobs_transit);
    out.push_back(o.value_in_transit_usd);
    out.push_back(o.fdi_usd);
    // Money: every account's holding and the day's flows with the rest of the world.
    const Accounts& a = s.state().accounts;
    for (const auto* v : {&a.households, &a.government, &a.banks, &a.carriers})
      for (Money x : *v) out.push_back(static_cast<double>(x.cents()));
    for (Money x : a.row) out.push_back(static_cast<double>(x.cents()));
    for (Money x : s.state().investors.budget) out.push_back(static_cast<double>(x.cents()));
  });
  const Firms& f = sim.state().firms;
  out.insert(out.end(), f.capital.begin(), f.capital.end());
  out.insert(out.end(), f.price.begin(), f.price.end());
  for (const auto& c : f.cash) out.push_back(static_cast<double>(c.cents()));
  return out;
}
}  // namespace

TEST(Determinism, ThreadCountDoesNotChangeAnyBit) {
  const auto m = test::small_model({"run.end=2014-06-30"}, "configs/baseline.yaml", 20000);
  const auto one = trajectory(m, 7, 1);
  const auto two = trajectory(m, 7, 2);
  ASSERT_EQ(one.size(), two.size());
  EXPECT_EQ(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)), 0);
  const auto other = trajectory(m, 8, 2);
  EXPECT_NE(std::memcmp(one.data(), other.data(), one.size() * sizeof(double)), 0);
}

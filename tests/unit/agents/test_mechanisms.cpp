// Each economic mechanism: its direction and a sanity bound.
#include <gtest/gtest.h>

#include <cstdio>
#include <numeric>

#include "test_support.hpp"

using namespace corridor;

namespace {
double kz_transit(const DayOutcomes& o) {
  return o.transit_teu[kNorthern] + o.transit_teu[kMiddle] + o.transit_teu[kSouthern];
}
}  // namespace

TEST(Mechanisms, ValueShippedEqualsReceivedPlusInTransit) {
  Simulation sim(test::small_model({"run.end=2014-06-30"}), 3);
  Money last_shipped;
  test::run(sim, [&](const Simulation& s) {
    const Ledger& l = s.state().ledger;
    ASSERT_EQ(l.shipped, l.received + l.in_transit);  // exact, in cents
    ASSERT_GE(l.in_transit.cents(), 0);
    ASSERT_GE(l.shipped, last_shipped);
    last_shipped = l.shipped;
  });
  EXPECT_GT(last_shipped.usd(), 1e9);
  EXPECT_GT(sim.state().ledger.received.usd(), 0.5 * last_shipped.usd());
}

TEST(Mechanisms, NoCrossingProcessesMoreThanItsCapacity) {
  // Tight capacities so queues form.
  Simulation sim(
      test::small_model({"run.end=2013-12-31", "network.nodes.dostyk.capacity_teu_per_day=300",
                         "network.nodes.khorgos.capacity_teu_per_day=100"}),
      5);
  double queued = 0;
  test::run(sim, [&](const Simulation& s) {
    const DayOutcomes& o = s.state().out;
    for (std::size_t x = 0; x < o.throughput_teu.size(); ++x) {
      ASSERT_LE(o.throughput_teu[x], o.capacity_teu[x] + 1e-9);
      queued += o.queue_teu[x];
    }
  });
  EXPECT_GT(queued, 0);  // the bound was tested under pressure
}

TEST(Mechanisms, HigherTransitFeeLowersKazakhTransit) {
  double transit[2] = {0, 0}, sea[2] = {0, 0}, revenue[2] = {0, 0};
  const char* fees[2] = {"100", "1500"};
  for (int k = 0; k < 2; ++k) {
    Simulation sim(
        test::small_model(
            {"run.end=2014-12-31",
             std::string("policy.transit_fee=[{from: 2013-01-01, value: ") + fees[k] + "}]"}),
        11);
    test::run(sim, [&](const Simulation& s) {
      transit[k] += kz_transit(s.state().out);
      sea[k] += s.state().out.transit_teu[kMaritime];
      revenue[k] += s.state().out.transit_fee_revenue_usd;
    });
  }
  std::printf("transit %.0f %.0f sea %.0f %.0f\n", transit[0], transit[1], sea[0], sea[1]);
  EXPECT_LT(transit[1], 0.85 * transit[0]);  // measured 0.80 (3,000 firms, seed 11)
  EXPECT_GT(sea[1], sea[0]);
  EXPECT_GT(transit[1], 0);  // the land route is dearer, not closed
  EXPECT_GT(revenue[0], 0);
}

TEST(Mechanisms, CompletedProjectAddsCapacityAndSavesTime) {
  const auto m = test::small_model({"run.end=2016-02-01"});
  Simulation sim(m, 2);
  const int khorgos = m->network.node_index("khorgos");
  const int link = m->network.link_index("astana_aktau_rail");
  const Date dry_port = Date(2015, 8, 1), zb = Date(2016, 1, 1);
  double cap_before = 0, days_before = 0;
  test::run(sim, [&](const Simulation& s) {
    const Date today = m->date(s.day() - 1);
    const auto& infra = s.state().infrastructure;
    if (today + 1 == dry_port) cap_before = infra.node_capacity[khorgos];
    if (today == dry_port) EXPECT_NEAR(infra.node_capacity[khorgos] - cap_before, 1500, 1e-9);
    if (today + 1 == zb) days_before = infra.link_days[link];
    if (today == zb) EXPECT_NEAR(days_before - infra.link_days[link], 2.0, 1e-9);
  });
  EXPECT_GT(cap_before, 0);
  EXPECT_GT(days_before, 0);
}

TEST(Mechanisms, FirmsWithMorePartnersTradeMore) {
  Simulation sim(test::small_model({"run.end=2013-10-31"}, "configs/baseline.yaml", 12000), 9);
  const Firms& f = sim.state().firms;
  std::vector<int> partners;
  std::vector<float> exported_before, exported_after;
  // A quarter, not a year: at the calibrated search rate a slot fills in about 100 days, so
  // over a longer window today's one-partner firms catch up and the comparison blurs.
  const int window_start = 200, window_end = 290;
  test::run(sim, [&](const Simulation& s) {
    if (s.day() == window_start) {
      partners.clear();
      for (std::size_t i = 0; i < f.size(); ++i) partners.push_back(f.partners(i));
      exported_before = f.exported_usd;
    }
    if (s.day() == window_end) exported_after = f.exported_usd;
  });
  // Exports over the following quarter by partner count at its start. Initial sizes do not
  // depend on later partner counts (every exporter starts with the same number), so raw
  // means compare like with like.
  std::array<double, kSlots + 1> sum{}, n{};
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!f.exporter[i] || !f.active[i] || f.sector[i] != kManufacturing) continue;
    sum[partners[i]] += exported_after[i] - exported_before[i];
    n[partners[i]] += 1;
  }
  ASSERT_GT(n[1], 10);
  ASSERT_GT(n[3], 10);
  EXPECT_GT(sum[3] / n[3], 1.5 * sum[1] / n[1]);
  EXPECT_GT(sum[2] / n[2], sum[1] / n[1]);
}

TEST(Mechanisms, OilPriceShockTravelsThroughInputOutput) {
  // The 2015 oil price fall cuts Kazakh energy exports; the sectors that supply the energy
  // sector (logistics, metals) lose output too, through intermediate demand. Compared with
  // the same world where export values ignore the oil price. Without the pipeline's
  // rationing, which holds Kazakh crude to China at the room Russian transit leaves
  // whatever the price (Levers.RussianTransitRationsKazakhCrudeToChina).
  double out[2][kSectors] = {};
  for (int k = 0; k < 2; ++k) {
    Simulation sim(
        test::small_model({"run.end=2016-12-31", "policy.pipeline_to_china.enabled=false",
                           std::string("trade.oil_elasticity_energy=") + (k ? "0" : "1")}),
        4);
    const auto& m = sim.model();
    test::run(sim, [&](const Simulation& s) {
      if (m.date(s.day() - 1).year() < 2015) return;
      for (int sec = 0; sec < kSectors; ++sec)
        out[k][sec] += s.state().out.output_usd[m.kz * kSectors + sec];
    });
  }
  EXPECT_LT(out[0][kEnergy], 0.9 * out[1][kEnergy]);
  EXPECT_LT(out[0][kLogistics], out[1][kLogistics]);
  EXPECT_LT(out[0][kMetals], out[1][kMetals]);
  EXPECT_GT(out[0][kLogistics], 0.8 * out[1][kLogistics]) << "a second-round effect is smaller";
}

TEST(Mechanisms, OilPriceFallCutsKazakhImportsThroughIncome) {
  // Brent at half its 2013 level in 2015-16 takes a quarter of Kazakhstan's GDP's worth of
  // oil earnings down with it: Kazakh demand falls, so Kazakh firms sell and produce less at
  // home and import fewer Chinese goods, while real GDP (the driver) hardly moves. Compared
  // with the same world where the oil price does not reach Kazakh income. In 2013, with
  // Brent near its base level, the two worlds trade alike.
  double imports[2][2] = {}, home[2] = {};
  for (int k = 0; k < 2; ++k) {
    Simulation sim(test::small_model(
                       {"run.end=2016-12-31",
                        std::string("economy.resource_income.KZ.gdp_share=") + (k ? "0" : "0.24")}),
                   6);
    const auto& m = sim.model();
    test::run(sim, [&](const Simulation& s) {
      const int year = m.date(s.day() - 1).year();
      if (year == 2014) return;
      const auto& o = s.state().out;
      const int late = year >= 2015;
      imports[k][late] +=
          o.exports_sector_usd[(m.cn * o.n_countries + m.kz) * kSectors + kManufacturing];
      if (late) home[k] += o.output_usd[m.kz * kSectors + kManufacturing];
    });
  }
  std::printf("imports 2013 %.3g %.3g, 2015-16 %.3g %.3g; output %.3g %.3g\n", imports[0][0],
              imports[1][0], imports[0][1], imports[1][1], home[0], home[1]);
  EXPECT_NEAR(imports[0][0] / imports[1][0], 1.0, 0.03);
  // Income about 0.86 of its counterfactual, so demand for manufactures about 0.9 and
  // imports at an income elasticity of 1.5 about 0.85 (measured 0.78, seed 6).
  EXPECT_LT(imports[0][1], 0.95 * imports[1][1]);
  EXPECT_GT(imports[0][1], 0.7 * imports[1][1]);
  EXPECT_LT(home[0], 0.98 * home[1]);
}

TEST(Mechanisms, AggregatesDoNotDependOnTheNumberOfAgents) {
  // The scale key changes how many agents represent the economy, not the economy.
  double trade[2] = {0, 0}, arrivals[2] = {0, 0};
  const int firms[2] = {3000, 30000};
  for (int k = 0; k < 2; ++k) {
    Simulation sim(test::small_model({"run.end=2014-12-31"}, "configs/baseline.yaml", firms[k]),
                   21);
    test::run(sim, [&](const Simulation& s) {
      const auto& o = s.state().out;
      trade[k] += o.exports_usd[s.model().cn * o.n_countries + s.model().kz] +
                  o.exports_usd[s.model().kz * o.n_countries + s.model().cn];
      arrivals[k] += o.arrivals[0][kTourist];
    });
  }
  EXPECT_NEAR(trade[0] / trade[1], 1.0, 0.1);
  EXPECT_NEAR(arrivals[0] / arrivals[1], 1.0, 0.02);
}

TEST(Mechanisms, ASearchReachingAClosedBuyerFindsTheNextOneThatTrades) {
  // Half of Almaty's manufacturers close: every draw still reaches an active manufacturer of
  // Almaty, each survivor is reached by its own draw and by the closed slots just before
  // it, and only a region whose firms have all closed is out of reach. Searches that failed
  // on a closed slot would make imports fall with the number of buyers on top of the
  // aggregate import elasticities (docs/ODD.md 7.5).
  const auto m = test::small_model({"run.end=2013-01-31"});
  Simulation sim(m, 3);
  Firms f = sim.state().firms;
  const RegionLayout& L = m->regions[m->region_of_node[m->network.node_index("almaty")]];
  const std::uint32_t first = L.sector_first[kManufacturing], n = L.sector_count[kManufacturing];
  ASSERT_GT(n, 20u);
  for (std::uint32_t k = 0; k < n; ++k) f.active[first + k] = k % 2;
  std::vector<int> reached(n, 0);
  for (std::uint32_t k = 0; k < n; ++k) {
    const std::int64_t b = f.buyer_reached(L, kManufacturing, (k + 0.5) / n);
    ASSERT_GE(b, first);
    ASSERT_LT(b, first + n);
    ASSERT_TRUE(f.active[b]);
    ++reached[b - first];
  }
  // An odd n leaves the last slot closed: its draw wraps round to the first survivor.
  for (std::uint32_t k = 0; k < n; ++k)
    EXPECT_EQ(reached[k], k % 2 ? 2 + (k == 1 && n % 2) : 0) << k;
  for (std::uint32_t k = 0; k < n; ++k) f.active[first + k] = 0;
  EXPECT_EQ(f.buyer_reached(L, kManufacturing, 0.3), -1);
}

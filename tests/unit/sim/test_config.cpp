#include <gtest/gtest.h>

#include <fstream>

#include "sim/error.hpp"
#include "test_support.hpp"

using namespace corridor;

TEST(Config, BaselineLoadsWithEveryLever) {
  const auto cfg = load_config(test::source("configs/baseline.yaml"));
  const Params& p = cfg.params;
  EXPECT_EQ(p.run.start, Date(2013, 1, 1));
  EXPECT_EQ(*p.policy.visa_free.at("cn_to_kz").start, Date(2023, 11, 10));
  EXPECT_EQ(*p.policy.rmb_clearing.start, Date(2022, 9, 15));
  EXPECT_EQ(p.policy.infrastructure.size(), 6u);
  EXPECT_NE(cfg.resolved_yaml.find("visa_free"), std::string::npos);
}

TEST(Config, ScenarioOverridesOnlyWhatItNames) {
  const auto base = load_config(test::source("configs/baseline.yaml")).params;
  const auto s = load_config(test::source("configs/scenarios/transit_fee_doubled.yaml")).params;
  ASSERT_EQ(s.policy.transit_fee.size(), 2u);
  EXPECT_EQ(s.policy.transit_fee[1].value, 200);
  EXPECT_EQ(s.firms.count, base.firms.count);
  const auto nv = load_config(test::source("configs/scenarios/no_visa_free.yaml")).params;
  EXPECT_FALSE(nv.policy.visa_free.at("cn_to_kz").start.has_value());
  EXPECT_EQ(nv.policy.visa_free.at("cn_to_kz").max_stay_days, 30);
  const auto nd = load_config(test::source("configs/scenarios/no_khorgos_dry_port.yaml")).params;
  EXPECT_FALSE(nd.policy.infrastructure.at("khorgos_dry_port").enabled);
  EXPECT_EQ(nd.policy.infrastructure.at("khorgos_dry_port").capacity_teu_per_day, 1500);
}

TEST(Config, SetOverridesTypedValues) {
  const auto p = load_config(test::source("configs/baseline.yaml"),
                             {"firms.count=1234", "policy.rmb_clearing.start=2020-01-01"})
                     .params;
  EXPECT_EQ(p.firms.count, 1234);
  EXPECT_EQ(*p.policy.rmb_clearing.start, Date(2020, 1, 1));
}

TEST(Config, ErrorsNameFileLineAndKey) {
  const std::string path = ::testing::TempDir() + "/bad_key.yaml";
  std::ofstream(path) << "base: " << test::source("configs/baseline.yaml") << "\n"
                      << "policy:\n  rmb_clearing:\n    spread_reducton_bp: 10\n";
  try {
    load_config(path);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.key(), "policy.rmb_clearing.spread_reducton_bp");
  }
  EXPECT_THROW(load_config(test::source("configs/baseline.yaml"), {"firms.count=many"}),
               InputError);
  EXPECT_THROW(load_config(test::source("configs/baseline.yaml"), {"firms.utilisation_target=2"}),
               InputError);
  EXPECT_THROW(load_config(test::source("configs/baseline.yaml"), {"nokey"}), InputError);
}

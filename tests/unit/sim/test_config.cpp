#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <tuple>

#include "sim/config.hpp"
#include "sim/error.hpp"
#include "sim/suggest.hpp"
#include "test_support.hpp"

using namespace corridor;

TEST(Config, BaselineLoadsWithEveryLever) {
  const auto cfg = load_config(test::source("configs/baseline.yaml"));
  const Params& p = cfg.params;
  EXPECT_EQ(p.run.start, Date(2013, 1, 1));
  EXPECT_EQ(*p.policy.visa_free.at("cn_to_kz").start, Date(2023, 11, 10));
  EXPECT_EQ(*p.policy.rmb_clearing.start, Date(2022, 9, 15));
  EXPECT_EQ(p.policy.infrastructure.size(), 11u);
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

TEST(Config, DuplicateKeysAreErrorsAtAnyDepth) {
  auto error_of = [](const std::string& text) {
    try {
      parse_yaml(text, "f.yaml");
    } catch (const InputError& e) {
      return std::make_tuple(e.line(), e.key(), e.detail());
    }
    return std::make_tuple(-1, std::string(), std::string());
  };
  EXPECT_EQ(
      error_of("a: 1\nb: 2\na: 3\n"),
      std::make_tuple(3, std::string("a"), std::string("duplicate key (first given at line 1)")));
  EXPECT_EQ(std::get<1>(error_of("a:\n  b:\n    c: 1\n    c: 2\n")), "a.b.c");
  EXPECT_EQ(std::get<1>(error_of("a:\n  - {x: 1}\n  - {x: 1, x: 2}\n")), "a[1].x");
  EXPECT_EQ(std::get<0>(error_of("a:\n  - {x: 1}\n  - {x: 1, x: 2}\n")), 3);
  // The same key in different mappings is not a duplicate.
  EXPECT_EQ(std::get<0>(error_of("a: {x: 1}\nb: {x: 1}\nc: [{x: 1}, {x: 2}]\n")), -1);
  EXPECT_EQ(std::get<2>(error_of("a: &r [*r]\n")),
            "aliases (*name) are not supported: write the value out");
  EXPECT_EQ(std::get<2>(error_of("? {a: 1}\n: 2\n")), "a key must be a plain name, not a mapping");
  EXPECT_EQ(std::get<0>(error_of("a: 1\n---\na: 2\n")), 2);
  std::string deep = "a: " + std::string(70, '[') + std::string(70, ']');
  EXPECT_EQ(std::get<2>(error_of(deep)), "nested more than 64 levels deep");
}

TEST(Config, UnknownKeysAndNamesGetTheClosestSuggestion) {
  EXPECT_EQ(edit_distance("strat", "start"), 1u);  // a swap of neighbours is one edit
  EXPECT_EQ(edit_distance("polcy", "policy"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  const std::vector<std::string> keys{"count", "regions", "sectors"};
  EXPECT_EQ(closest("cuont", keys), "count");
  EXPECT_EQ(closest("sector", keys), "sectors");
  EXPECT_EQ(closest("colour", keys), "");  // too far: no guess
  EXPECT_EQ(did_you_mean("regons", keys), "; did you mean 'regions'?");
  try {
    load_config(test::source("configs/baseline.yaml"), {"firms.exporter_shares=0.1"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(e.detail().find("did you mean 'exporter_share'?"), std::string::npos) << e.what();
  }
}

TEST(Config, LaterErrorsNameTheLayerAndLineThatSetTheKey) {
  const std::string path = ::testing::TempDir() + "/market.yaml";
  std::ofstream(path) << "base: " << test::source("configs/baseline.yaml") << "\n"
                      << "description: x\ntrade:\n  market_nodes:\n    IR: tehran\n";
  try {
    load_config(path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_EQ(e.line(), 5);
    EXPECT_EQ(e.key(), "trade.market_nodes.IR");
  }
  const auto p = load_config(test::source("configs/baseline.yaml"), {"firms.count=2000"}).params;
  EXPECT_EQ(p.origin("firms.count").file, "--set");
  EXPECT_EQ(p.origin("firms.hire_rate").file, test::source("configs/baseline.yaml"));
  EXPECT_GT(p.origin("firms.hire_rate").line, 1);
  // A key no layer gave is reported at its nearest parent.
  EXPECT_EQ(p.origin("economy.io.XX").line, p.origin("economy.io").line);
}

TEST(Config, StepsGiveWhatLoadConfigGives) {
  // The fuzzer applies overlays to a base read once; that must be load_config's own path.
  const std::string scenario = test::source("configs/scenarios/transit_fee_doubled.yaml");
  const auto whole = load_config(scenario, {"firms.count=1234"}).params;
  Params p = load_config(test::source("configs/baseline.yaml")).params;
  std::ifstream in(scenario);
  std::stringstream text;
  text << in.rdbuf();
  apply_layer(parse_layer(scenario, text.str()), p, false);
  std::vector<std::string> sets;
  apply_override("firms.count=1234", p, sets);
  check_consistency(p, scenario);
  EXPECT_EQ(p.firms.count, whole.firms.count);
  ASSERT_EQ(p.policy.transit_fee.size(), whole.policy.transit_fee.size());
  EXPECT_EQ(p.policy.transit_fee[1].value, whole.policy.transit_fee[1].value);
  EXPECT_THROW(apply_override("firms.count=99", p, sets), InputError);  // given twice
}

TEST(Config, AFileEditedBetweenLoadsIsReadAgain) {
  // load_config keeps the layers it has read (a sweep loads one scenario per run); an
  // edit to any file of the chain, base included, must still reach the next load, and a
  // --set of one load must not reach the next.
  const std::string dir = ::testing::TempDir();
  const std::string base = dir + "/edited_base.yaml", top = dir + "/edited_top.yaml";
  std::ofstream(base) << "base: " << test::source("configs/baseline.yaml")
                      << "\nfirms:\n  hire_rate: 0.11\n";
  std::ofstream(top) << "base: edited_base.yaml\ndescription: top\n";
  const auto first = load_config(top, {"firms.count=1234"});
  EXPECT_FLOAT_EQ(first.params.firms.hire_rate, 0.11);
  EXPECT_EQ(first.params.firms.count, 1234);
  const auto again = load_config(top);
  EXPECT_NE(again.params.firms.count, 1234);
  EXPECT_EQ(again.resolved_yaml.find("1234"), std::string::npos);
  EXPECT_EQ(again.config_text, load_config(top).config_text);
  std::ofstream(base) << "base: " << test::source("configs/baseline.yaml")
                      << "\nfirms:\n  hire_rate: 0.22\n";
  const auto edited = load_config(top);
  EXPECT_FLOAT_EQ(edited.params.firms.hire_rate, 0.22);
  EXPECT_NE(edited.config_text.find("0.22"), std::string::npos);
  std::ofstream(base) << "base: " << test::source("configs/baseline.yaml")
                      << "\nfirms:\n  hire_rat: 0.22\n";
  EXPECT_THROW(load_config(top), InputError);
}

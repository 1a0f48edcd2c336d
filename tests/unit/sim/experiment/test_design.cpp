// Designs are pure functions of the spec: stratified Latin hypercubes, Saltelli blocks,
// full grids, and seeds that depend only on a run's identity.
#include <gtest/gtest.h>

#include <set>

#include "sim/experiment/design.hpp"

namespace corridor {
namespace {

SweepSpec spec_with(const std::string& design, int points, int k) {
  SweepSpec s;
  s.design = design;
  s.points = points;
  s.seed = 99;
  for (int j = 0; j < k; ++j) {
    ParameterSpec p;
    p.path = "p" + std::to_string(j);
    p.a = 0;
    p.b = 1;
    s.parameters.push_back(p);
  }
  return s;
}

TEST(Design, LatinHypercubeHasOnePointPerStratumInEveryDimension) {
  const int n = 50;
  const auto pts = make_design(spec_with("lhs", n, 3));
  ASSERT_EQ(pts.size(), static_cast<std::size_t>(n));
  for (int j = 0; j < 3; ++j) {
    std::set<int> strata;
    for (const auto& p : pts) strata.insert(static_cast<int>(std::stod(p.values[j]) * n));
    EXPECT_EQ(strata.size(), static_cast<std::size_t>(n)) << "dimension " << j;
  }
  // Dimensions are not permuted alike.
  EXPECT_NE(pts[0].values[0], pts[0].values[1]);
  // Same spec, same design; another seed, another design.
  EXPECT_EQ(make_design(spec_with("lhs", n, 3))[7].values, pts[7].values);
  auto other = spec_with("lhs", n, 3);
  other.seed = 100;
  EXPECT_NE(make_design(other)[7].values, pts[7].values);
}

TEST(Design, SobolSequenceStartsWithTheKnownPoints) {
  // The first points of the unscrambled sequence in three dimensions (Joe and Kuo 2008).
  const double expected[][3] = {{0, 0, 0},          {0.5, 0.5, 0.5},       {0.75, 0.25, 0.25},
                                {0.25, 0.75, 0.75}, {0.375, 0.375, 0.625}, {0.875, 0.875, 0.125}};
  for (int i = 0; i < 6; ++i) {
    const auto x = sobol_point(i, 3);
    for (int d = 0; d < 3; ++d) EXPECT_DOUBLE_EQ(x[d], expected[i][d]) << i << "," << d;
  }
}

TEST(Design, SaltelliBlocksShareColumnsAsTheEstimatorsNeed) {
  const int n = 8, k = 3;
  const auto pts = make_design(spec_with("sobol", n, k));
  ASSERT_EQ(pts.size(), static_cast<std::size_t>(n * (k + 2)));
  for (int r = 0; r < n; ++r) {
    const auto* base = &pts[r * (k + 2)];
    const auto& a = base[0];
    const auto& b = base[1];
    EXPECT_EQ(a.block, "A");
    EXPECT_EQ(b.block, "B");
    for (int j = 0; j < k; ++j) {
      const auto& ab = base[2 + j];
      EXPECT_EQ(ab.block, "AB" + std::to_string(j));
      EXPECT_EQ(ab.row, r);
      for (int i = 0; i < k; ++i) EXPECT_EQ(ab.values[i], i == j ? b.values[i] : a.values[i]);
    }
  }
}

TEST(Design, GridIsTheFullProductWithTheLastParameterFastest) {
  auto s = spec_with("grid", 0, 2);
  s.levels = 3;
  s.parameters[1].kind = ParameterSpec::Kind::kValues;
  s.parameters[1].values = {"x", "y"};
  const auto pts = make_design(s);
  ASSERT_EQ(pts.size(), 6u);
  EXPECT_EQ(pts[0].values, (std::vector<std::string>{"0", "x"}));
  EXPECT_EQ(pts[1].values, (std::vector<std::string>{"0", "y"}));
  EXPECT_EQ(pts[2].values, (std::vector<std::string>{"0.5", "x"}));
  EXPECT_EQ(pts[5].values, (std::vector<std::string>{"1", "y"}));
}

TEST(Design, DistributionsMapQuantiles) {
  ParameterSpec p;
  p.kind = ParameterSpec::Kind::kNormal;
  p.a = 10;
  p.b = 2;
  EXPECT_NEAR(std::stod(p.value_at(0.5)), 10, 1e-12);
  EXPECT_NEAR(std::stod(p.value_at(0.975)), 10 + 2 * 1.959963984540054, 1e-9);
  p.kind = ParameterSpec::Kind::kLogUniform;
  p.a = 1;
  p.b = 100;
  EXPECT_NEAR(std::stod(p.value_at(0.5)), 10, 1e-9);
  p.kind = ParameterSpec::Kind::kUniform;
  p.a = 1;
  p.b = 10;
  p.integer = true;
  EXPECT_EQ(p.value_at(0.52), "6");
}

TEST(Design, SeedsDependOnlyOnIdentity) {
  // Common random numbers: one seed per replicate, whatever the point.
  EXPECT_EQ(run_seed(5, true, 0, 1), run_seed(5, true, 7, 1));
  EXPECT_NE(run_seed(5, true, 0, 1), run_seed(5, true, 0, 2));
  EXPECT_NE(run_seed(5, false, 0, 1), run_seed(5, false, 7, 1));
  EXPECT_NE(run_seed(5, true, 0, 0), run_seed(6, true, 0, 0));
  EXPECT_LT(run_seed(5, true, 0, 0), 1ULL << 53);
}

}  // namespace
}  // namespace corridor

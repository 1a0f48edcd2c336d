#include <gtest/gtest.h>

#include <cmath>

#include "sim/rng.hpp"

using corridor::Purpose;
using corridor::Rng;

TEST(Rng, DrawsArePureFunctionsOfTheirKey) {
  const Rng a(42), b(42), c(43);
  EXPECT_EQ(a.words(7, 100, Purpose::kRouteChoice), b.words(7, 100, Purpose::kRouteChoice));
  EXPECT_NE(a.words(7, 100, Purpose::kRouteChoice), c.words(7, 100, Purpose::kRouteChoice));
  EXPECT_NE(a.words(7, 100, Purpose::kRouteChoice), a.words(8, 100, Purpose::kRouteChoice));
  EXPECT_NE(a.words(7, 100, Purpose::kRouteChoice), a.words(7, 101, Purpose::kRouteChoice));
  EXPECT_NE(a.words(7, 100, Purpose::kRouteChoice), a.words(7, 100, Purpose::kSettlement));
}

TEST(Rng, UniformAndPoissonMoments) {
  const Rng r(1);
  double sum = 0, sum_p = 0, sum_big = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = Rng::unit(r.words(i, 0, Purpose::kInit)[0]);
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_p += r.poisson(3.5, i, 1, Purpose::kTravel);
    sum_big += r.poisson(400.0, i, 2, Purpose::kTravel);
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);
  EXPECT_NEAR(sum_p / n, 3.5, 0.03);
  EXPECT_NEAR(sum_big / n, 400.0, 0.5);
}

#include <gtest/gtest.h>

#include "sim/money.hpp"

using corridor::Money;

TEST(Money, IsExactInCents) {
  Money a = Money::usd(0.1), b = Money::usd(0.2);
  EXPECT_EQ((a + b).cents(), 30);
  Money sum;
  for (int i = 0; i < 1000000; ++i) sum += Money::usd(0.01);
  EXPECT_EQ(sum.cents(), 1000000);
}

TEST(Money, BasisPointsSplitKeepsEveryCent) {
  for (std::int64_t c : {0LL, 1LL, 9999LL, 10000LL, 123456789LL}) {
    const Money v = Money::cents(c);
    for (std::int64_t bp : {0, 1, 30, 150, 10000}) {
      const Money fee = v.basis_points(bp);
      EXPECT_LE(fee.cents(), c);
      EXPECT_EQ((fee + (v - fee)).cents(), c);
      EXPECT_NEAR(static_cast<double>(fee.cents()), c * bp / 10000.0, 1.0);
    }
  }
  EXPECT_THROW(Money::cents(-5).basis_points(10), std::domain_error);
}

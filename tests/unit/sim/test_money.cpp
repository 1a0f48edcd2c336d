#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

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

// The rounding itself, on the cases where a shortcut would go wrong: halves and their
// neighbours in every binade up to 2^52, where the last place is a half, the largest
// double below one half, and the values just below and above 2^52 where llround takes over.
TEST(Money, RoundHalfAwayIsLlroundOnHalvesAndTheirNeighbours) {
  auto same = [](double y) {
    EXPECT_EQ(Money::round_half_away(y), std::llround(y)) << std::hexfloat << y;
  };
  for (int e = -60; e <= 53; ++e) {
    const double base = std::ldexp(1.0, e);
    for (double y : {base, base + 0.5, base - 0.5, std::floor(base) + 0.5, base * 1.5,
                     std::floor(base * 1.5) + 0.5})
      for (double sign : {1.0, -1.0})
        for (double v :
             {sign * y, std::nextafter(sign * y, 1e300), std::nextafter(sign * y, -1e300)})
          same(v);
  }
  for (std::int64_t n = -5000; n <= 5000; ++n) {
    const double h = static_cast<double>(n) + 0.5;
    for (double v : {h, std::nextafter(h, 1e300), std::nextafter(h, -1e300)}) same(v);
  }
  for (double v : {0.0, -0.0, 0.49999999999999994, -0.49999999999999994, 0x1p52 - 0.5,
                   -0x1p52 + 0.5, 0x1p52 - 1.5, 0x1p52, 0x1p52 + 1.0, 1e18, -1e18})
    same(v);
}

// Money::usd rounds inline; it must give std::llround's cent for every amount, halves and
// the doubles next to them included, and beyond 2^52 cents, where it falls back to llround.
TEST(Money, UsdRoundsAsLlround) {
  auto same = [](double d) {
    EXPECT_EQ(Money::usd(d).cents(), std::llround(d * 100.0)) << "dollars " << d;
  };
  for (double c : {0.0, 0.5, 1.5, 2.5, 0.49999999999999994, 1e6 + 0.5, 4503599627370495.5,
                   4503599627370497.0, 1e17})
    for (double sign : {1.0, -1.0}) {
      const double y = sign * c;
      for (double v : {y, std::nextafter(y, 1e300), std::nextafter(y, -1e300)}) same(v / 100.0);
    }
  // Amounts of every size the model produces, from fractions of a cent to billions.
  std::uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 1000000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const double mantissa = static_cast<double>(x >> 11) / 9007199254740992.0;
    const double d = (x & 1 ? -1.0 : 1.0) * mantissa * std::pow(10.0, static_cast<int>(x % 14) - 3);
    same(d);
  }
}

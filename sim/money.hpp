#pragma once
// Money that moves between agents is an integer number of US cents, so transfers
// are exact and value shipped always equals value received plus value in transit.
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace corridor {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money cents(std::int64_t c) { return Money(c); }
  // Rounds to the nearest cent, halves away from zero (as std::llround): used where a
  // behavioural rule (a float) decides an amount. Inline, because firms and consignments
  // call it millions of times a day and llround is a library call; below 2^52 cents both
  // the truncation and the fraction y - t are exact, so the result is llround's.
  static Money usd(double dollars) {
    const double y = dollars * 100.0;
    if (!(std::fabs(y) < 0x1p52)) return Money(std::llround(y));
    std::int64_t t = static_cast<std::int64_t>(y);
    const double f = y - static_cast<double>(t);
    t += (f >= 0.5) - (f <= -0.5);
    return Money(t);
  }

  constexpr std::int64_t cents() const { return cents_; }
  constexpr double usd() const { return static_cast<double>(cents_) / 100.0; }

  constexpr Money& operator+=(Money o) {
    cents_ += o.cents_;
    return *this;
  }
  constexpr Money& operator-=(Money o) {
    cents_ -= o.cents_;
    return *this;
  }
  friend constexpr Money operator+(Money a, Money b) { return Money(a.cents_ + b.cents_); }
  friend constexpr Money operator-(Money a, Money b) { return Money(a.cents_ - b.cents_); }
  friend constexpr bool operator==(Money a, Money b) = default;
  friend constexpr auto operator<=>(Money a, Money b) = default;

  // A share of this amount in basis points (1/10000), rounded down; the caller keeps
  // the remainder (this minus the share), so splitting never creates or loses a cent.
  constexpr Money basis_points(std::int64_t bp) const {
    if (bp < 0 || cents_ < 0) throw std::domain_error("Money::basis_points needs non-negative");
    return Money(cents_ / 10000 * bp + (cents_ % 10000) * bp / 10000);
  }

 private:
  constexpr explicit Money(std::int64_t c) : cents_(c) {}
  std::int64_t cents_ = 0;
};

}  // namespace corridor

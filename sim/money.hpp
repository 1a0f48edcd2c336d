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
  // call it millions of times a day and llround is a library call.
  static Money usd(double dollars) { return Money(round_half_away(dollars * 100.0)); }

  // std::llround(y), without the call. Below 2^52 one addition and a truncation: y plus
  // the largest double below one half rounds (to nearest, ties to even) to at least the
  // next integer exactly when y's fraction is at least one half, and a fraction just below
  // one half is at least one unit of y's last place short of it, more than the addition
  // can round away. Two dependent operations instead of the four of truncating and
  // comparing the remainder, on the critical path of every firm's day.
  static std::int64_t round_half_away(double y) {
    if (!(std::fabs(y) < 0x1p52)) return std::llround(y);
    return static_cast<std::int64_t>(y + std::copysign(0.49999999999999994, y));
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

#pragma once
// Real dates as day numbers (days since 1970-01-01, proleptic Gregorian), so a step is
// one day and months and years are exact.
#include <cstdint>
#include <optional>
#include <string>

namespace corridor {

struct YMD {
  int year, month, day;
};

// Howard Hinnant's civil-date algorithms.
constexpr std::int32_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

constexpr YMD civil_from_days(std::int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = yoe + era * 400;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp + (mp < 10 ? 3 : -9);
  return {y + (m <= 2), m, d};
}

class Date {
 public:
  constexpr Date() = default;
  constexpr explicit Date(std::int32_t serial) : serial_(serial) {}
  constexpr Date(int y, int m, int d) : serial_(days_from_civil(y, m, d)) {}
  // Strict YYYY-MM-DD; nullopt for anything else, including 2023-02-30.
  static std::optional<Date> parse(const std::string& s);

  constexpr std::int32_t serial() const { return serial_; }
  constexpr YMD ymd() const { return civil_from_days(serial_); }
  constexpr int year() const { return ymd().year; }
  constexpr int month() const { return ymd().month; }
  constexpr bool first_of_month() const { return ymd().day == 1; }
  constexpr bool first_of_year() const {
    auto v = ymd();
    return v.day == 1 && v.month == 1;
  }
  std::string iso() const;

  friend constexpr auto operator<=>(Date a, Date b) = default;
  friend constexpr Date operator+(Date a, int days) { return Date(a.serial_ + days); }
  friend constexpr int operator-(Date a, Date b) { return a.serial_ - b.serial_; }

 private:
  std::int32_t serial_ = 0;
};

}  // namespace corridor

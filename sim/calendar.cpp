#include "sim/calendar.hpp"

#include <cstdio>

namespace corridor {

std::optional<Date> Date::parse(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)),
            d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  Date date(y, m, d);
  const YMD back = date.ymd();
  if (back.year != y || back.month != m || back.day != d) return std::nullopt;
  return date;
}

std::string Date::iso() const {
  const YMD v = ymd();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", v.year, v.month, v.day);
  return buf;
}

}  // namespace corridor

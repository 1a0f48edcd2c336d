#pragma once
// Exogenous drivers (oil price, exchange rates, GDP growth) read from an annual CSV and
// turned into daily series for the run's calendar.
#include <map>
#include <string>
#include <vector>

#include "sim/calendar.hpp"

namespace corridor {

class DriverTable {
 public:
  // Throws InputError naming file, line and column for a missing file, column or bad cell.
  explicit DriverTable(const std::string& file);

  // Linear in time between mid-year points, flat before the first and after the last year.
  std::vector<double> daily_level(const std::string& column, Date start, int days) const;
  // Cumulative index of annual growth rates in percent, 1 at the start date's mid-year,
  // log-linear between mid-years.
  std::vector<double> daily_growth_index(const std::string& column, Date start, int days) const;
  bool has(const std::string& column) const { return columns_.count(column) > 0; }

 private:
  const std::vector<double>& column(const std::string& name) const;
  std::string file_;
  std::vector<int> years_;
  std::map<std::string, std::vector<double>> columns_;
};

}  // namespace corridor

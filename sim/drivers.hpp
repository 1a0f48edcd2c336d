#pragma once
// Exogenous drivers (oil price, exchange rates, GDP growth) read from an annual CSV and
// turned into daily series for the run's calendar.
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "sim/calendar.hpp"

namespace corridor {

class DriverTable {
 public:
  // Throws InputError naming file, line and column for a missing file, a missing, empty,
  // repeated or misnamed column, a wrong number of cells, a cell that is not a finite number
  // (empty, nan, inf, text), or years that are not whole, increasing and consecutive.
  explicit DriverTable(const std::string& file);
  // The same from text already open; `file` names it in messages.
  DriverTable(std::istream& in, const std::string& file);

  // Every cell of `column` must lie in [lo, hi]; else an InputError naming file, line and
  // column. `unit` is said in the message.
  void check_range(const std::string& column, double lo, double hi, const std::string& unit) const;

  // Linear in time between mid-year points, flat before the first and after the last year.
  std::vector<double> daily_level(const std::string& column, Date start, int days) const;
  // Cumulative index of annual growth rates in percent, 1 at the start date's mid-year,
  // log-linear between mid-years.
  std::vector<double> daily_growth_index(const std::string& column, Date start, int days) const;
  // For a projection that uses no observation after `last_year`: every later row is replaced,
  // levels held at their `last_year` value (the random walk's forecast), the `growth` columns
  // at their mean over the `window` years ending in `last_year`, the `mean_reverting` columns
  // at their median over every year up to `last_year`. Throws InputError naming `key` for a year
  // outside the table, too few years before it, or an unknown column.
  void project_after(int last_year, const std::vector<std::string>& growth,
                     const std::vector<std::string>& mean_reverting, int window,
                     const std::string& key);
  bool has(const std::string& column) const { return columns_.count(column) > 0; }
  bool covers(int year) const {
    return !years_.empty() && year >= years_.front() && year <= years_.back();
  }

 private:
  void read(std::istream& in);
  const std::vector<double>& column(const std::string& name) const;
  std::string file_;
  std::vector<std::string> header_;
  std::vector<int> years_;
  std::vector<int> lines_;  // the file line of each row, for messages
  std::map<std::string, std::vector<double>> columns_;
};

}  // namespace corridor

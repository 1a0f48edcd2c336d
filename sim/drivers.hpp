#pragma once
// Exogenous drivers (oil price, exchange rates, GDP growth) read from an annual CSV, with
// monthly values for some columns and years, and turned into daily series for the run's
// calendar.
#include <array>
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

  // Every cell of `column`, and its monthly values, must lie in [lo, hi]; else an InputError naming
  // file, line and column. `unit` is said in the message.
  void check_range(const std::string& column, double lo, double hi, const std::string& unit) const;

  // Monthly values (`column,year,month,value,source`, one row a month) that replace a
  // column's annual point in the years they cover, for prices that move within a year faster
  // than annual averages can show (oil in late 2014, the tenge's float of August 2015).
  // Throws InputError naming the monthly file, line and key for a cell that is not a number,
  // a month outside 1-12 or repeated, a year without all twelve months or a missing source.
  void add_monthly(const std::string& file);
  void add_monthly(std::istream& in, const std::string& file);
  // After the annual table's own checks (so that its faults are named first): an InputError
  // naming the monthly file, line and key for a column the annual table lacks, a year outside
  // it, or months whose mean is more than 3% away from the year's annual value (the two must
  // describe the same prices).
  void check_monthly() const;

  // Linear in time between mid-year points (mid-month points in years with monthly values),
  // flat before the first and after the last.
  std::vector<double> daily_level(const std::string& column, Date start, int days) const;
  // Cumulative index of annual growth rates in percent, 1 at the start date's mid-year,
  // log-linear between mid-years.
  std::vector<double> daily_growth_index(const std::string& column, Date start, int days) const;
  // For a projection that uses no observation after `last_year`: every later row is replaced,
  // levels held at their `last_year` value (the random walk's forecast; December's where the
  // column has that year's months), the `growth` columns at their mean over the `window`
  // years ending in `last_year`, the `mean_reverting` columns at their median over every
  // year up to `last_year`; monthly values after `last_year` are dropped. Throws InputError
  // naming `key` for a year outside the table, too few years before it, or an unknown column.
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
  // A year's twelve monthly values and the lines of the monthly file that gave them.
  struct Months {
    std::array<double, 12> value{};
    std::array<int, 12> line{};  // 0: month not given
    int first_line() const;
  };
  std::map<std::string, std::map<int, Months>> monthly_;  // column -> year -> months
  std::string monthly_file_;
};

}  // namespace corridor

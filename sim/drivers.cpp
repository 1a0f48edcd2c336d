#include "sim/drivers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/error.hpp"
#include "sim/suggest.hpp"

namespace corridor {

namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::size_t b = 0;
  for (;;) {
    const std::size_t comma = line.find(',', b);
    out.push_back(line.substr(b, comma - b));
    if (comma == std::string::npos) return out;
    b = comma + 1;
  }
}

double mid_year(int y) {
  return Date(y, 7, 1).serial();
}

double mid_month(int y, int m) {
  const Date first(y, m, 1);
  const Date next = m == 12 ? Date(y + 1, 1, 1) : Date(y, m + 1, 1);
  return first.serial() + (next.serial() - first.serial()) / 2.0;
}

// A finite number, or an InputError; `where` begins the message ("column 2: ").
double number(const std::string& cell, const std::string& file, int lineno, const std::string& key,
              const std::string& where) {
  if (cell.empty()) throw InputError(file, lineno, key, where + "empty cell");
  double v = 0;
  const char* end = cell.data() + cell.size();
  const auto [p, ec] = std::from_chars(cell.data(), end, v);
  if (ec != std::errc() || p != end)
    throw InputError(file, lineno, key, where + "not a number: '" + cell + "'");
  if (!std::isfinite(v))
    throw InputError(file, lineno, key, where + "not a finite number: '" + cell + "'");
  return v;
}

// The table is a few kilobytes; a huge line is not a drivers table (or it is /dev/zero).
constexpr std::size_t kMaxLine = 1 << 16;

bool next_line(std::istream& in, std::string& line, const std::string& file, int lineno) {
  line.clear();
  for (char c; in.get(c);) {
    if (c == '\n') break;
    line.push_back(c);
    if (line.size() > kMaxLine)
      throw InputError(
          file, lineno, "",
          "line longer than " + std::to_string(kMaxLine) + " characters: not a drivers table");
  }
  if (line.empty() && !in) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();  // a file saved on Windows
  return true;
}

// `file` opened for reading, or an InputError naming `key`; `what` names the file in it.
std::ifstream open_table(const std::string& file, const std::string& key, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw InputError(file, 0, key, what + " file not found");
  if (!std::filesystem::is_regular_file(file, ec))
    throw InputError(file, 0, key, what + " path is not a file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file, 0, key, "cannot open " + what + " file");
  return in;
}

}  // namespace

DriverTable::DriverTable(const std::string& file) : file_(file) {
  std::ifstream in = open_table(file, "drivers.file", "drivers");
  read(in);
}

DriverTable::DriverTable(std::istream& in, const std::string& file) : file_(file) {
  read(in);
}

void DriverTable::read(std::istream& in) {
  const std::string& file = file_;
  std::string line;
  if (!next_line(in, line, file, 1)) throw InputError(file, 1, "", "empty drivers file");
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a spreadsheet's byte-order mark
  header_ = split(line);
  if (header_[0] != "year")
    throw InputError(file, 1, "year", "first column must be 'year', found '" + header_[0] + "'");
  for (std::size_t c = 1; c < header_.size(); ++c) {
    const std::string& name = header_[c];
    const std::string where = "column " + std::to_string(c + 1);
    if (name.empty()) throw InputError(file, 1, "", where + " has no name");
    if (name.find_first_of(" \t\"") != std::string::npos)
      throw InputError(file, 1, name, where + ": spaces and quotes are not allowed in names");
    if (columns_.count(name) || name == "year")
      throw InputError(file, 1, name, where + " repeats an earlier column name");
    columns_[name];
  }
  for (int lineno = 2; next_line(in, line, file, lineno); ++lineno) {
    if (line.empty() || line[0] == '#') continue;
    const auto cells = split(line);
    if (cells.size() != header_.size())
      throw InputError(file, lineno, "",
                       "expected " + std::to_string(header_.size()) + " cells (one per column of " +
                           "the header), found " + std::to_string(cells.size()));
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string& cell = cells[c];
      const std::string where = "column " + std::to_string(c + 1) + ": ";
      const double v = number(cell, file, lineno, header_[c], where);
      if (c > 0) {
        columns_[header_[c]].push_back(v);
        continue;
      }
      if (v != std::floor(v) || v < 1800 || v > 2300)
        throw InputError(file, lineno, "year", where + "not a year: '" + cell + "'");
      const int y = static_cast<int>(v);
      if (!years_.empty()) {
        const int last = years_.back();
        if (y == last)
          throw InputError(
              file, lineno, "year",
              "year " + cell + " repeated (first at line " + std::to_string(lines_.back()) + ")");
        if (y < last)
          throw InputError(file, lineno, "year",
                           "years must increase: " + cell + " after " + std::to_string(last));
        if (y > last + 1)
          throw InputError(
              file, lineno, "year",
              "year " + std::to_string(last + 1) + " missing (one row per year, consecutive)");
      }
      years_.push_back(y);
      lines_.push_back(lineno);
    }
  }
  if (years_.empty()) throw InputError(file, 2, "year", "no data rows");
}

void DriverTable::check_range(const std::string& name, double lo, double hi,
                              const std::string& unit) const {
  const auto& col = column(name);
  for (std::size_t i = 0; i < col.size(); ++i)
    if (!(col[i] >= lo && col[i] <= hi)) {
      std::ostringstream msg;
      msg << "value " << col[i] << " for " << years_[i] << " out of range [" << lo << ", " << hi
          << "] " << unit;
      throw InputError(file_, lines_[i], name, msg.str());
    }
  const auto months = monthly_.find(name);
  if (months == monthly_.end()) return;
  for (const auto& [year, months] : months->second)
    for (std::size_t m = 0; m < 12; ++m)
      if (!(months.value[m] >= lo && months.value[m] <= hi)) {
        std::ostringstream msg;
        msg << "value " << months.value[m] << " for " << name << " " << year << "-" << m + 1
            << " out of range [" << lo << ", " << hi << "] " << unit;
        throw InputError(monthly_file_, months.line[m], "value", msg.str());
      }
}

void DriverTable::project_after(int last_year, const std::vector<std::string>& growth,
                                const std::vector<std::string>& mean_reverting, int window,
                                const std::string& key) {
  if (!covers(last_year))
    throw InputError(file_, 0, key,
                     std::to_string(last_year) + " is not a year of the drivers table (" +
                         std::to_string(years_.front()) + "-" + std::to_string(years_.back()) +
                         ")");
  const std::size_t last = static_cast<std::size_t>(last_year - years_.front());
  if (last + 1 < static_cast<std::size_t>(window))
    throw InputError(file_, 0, key,
                     "the growth rule averages " + std::to_string(window) +
                         " observed years, and the table has only " + std::to_string(last + 1) +
                         " up to " + std::to_string(last_year));
  auto mean = [](const std::vector<double>& col, std::size_t from, std::size_t to) {
    double s = 0;
    for (std::size_t i = from; i <= to; ++i) s += col[i];
    return s / static_cast<double>(to - from + 1);
  };
  auto listed = [](const std::vector<std::string>& names, const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  for (const auto& n : mean_reverting) column(n);  // an unknown name is an error
  for (auto& [name, col] : columns_) {
    double v = col[last];
    if (listed(growth, name))
      v = mean(col, last + 1 - static_cast<std::size_t>(window), last);
    else if (listed(mean_reverting, name)) {
      // The median: a mean would carry a spike such as 2021's freight rates into every year.
      std::vector<double> seen(col.begin(), col.begin() + static_cast<std::ptrdiff_t>(last) + 1);
      std::sort(seen.begin(), seen.end());
      const std::size_t n = seen.size();
      v = n % 2 ? seen[n / 2] : (seen[n / 2 - 1] + seen[n / 2]) / 2;
    } else if (const auto m = monthly_.find(name); m != monthly_.end()) {
      // With months, the last observation at the cut-off is December's, not the year's mean
      // (holding the mean would bring back a level the price had already left).
      if (const auto y = m->second.find(last_year); y != m->second.end()) v = y->second.value[11];
    }
    for (std::size_t i = last + 1; i < col.size(); ++i) col[i] = v;
  }
  for (auto& [name, years] : monthly_) years.erase(years.upper_bound(last_year), years.end());
}

const std::vector<double>& DriverTable::column(const std::string& name) const {
  auto it = columns_.find(name);
  if (it == columns_.end()) {
    std::vector<std::string> names(header_.begin() + 1, header_.end());
    throw InputError(file_, 1, name,
                     "column missing from drivers file" + did_you_mean(name, names));
  }
  return it->second;
}

std::vector<double> DriverTable::daily_level(const std::string& name, Date start, int days) const {
  const auto& col = column(name);
  // The points to interpolate between: mid-year, or mid-month where there are months.
  std::vector<double> at, value;
  const auto months = monthly_.find(name);
  for (std::size_t i = 0; i < years_.size(); ++i) {
    const std::array<double, 12>* m = nullptr;
    if (months != monthly_.end()) {
      const auto it = months->second.find(years_[i]);
      if (it != months->second.end()) m = &it->second.value;
    }
    if (!m) {
      at.push_back(mid_year(years_[i]));
      value.push_back(col[i]);
      continue;
    }
    for (int k = 0; k < 12; ++k) {
      at.push_back(mid_month(years_[i], k + 1));
      value.push_back((*m)[k]);
    }
  }
  std::vector<double> out(days);
  for (int d = 0; d < days; ++d) {
    const double t = (start + d).serial();
    std::size_t i = 0;
    while (i + 1 < at.size() && at[i + 1] <= t) ++i;
    if (t <= at.front())
      out[d] = value.front();
    else if (i + 1 >= at.size())
      out[d] = value.back();
    else {
      const double w = (t - at[i]) / (at[i + 1] - at[i]);
      out[d] = value[i] * (1 - w) + value[i + 1] * w;
    }
  }
  return out;
}

void DriverTable::add_monthly(const std::string& file) {
  std::ifstream in = open_table(file, "drivers.monthly_file", "monthly drivers");
  add_monthly(in, file);
}

void DriverTable::add_monthly(std::istream& in, const std::string& file) {
  static const std::string kHeader = "column,year,month,value,source";
  std::string line;
  if (!next_line(in, line, file, 1)) throw InputError(file, 1, "", "empty monthly drivers file");
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  if (line != kHeader)
    throw InputError(file, 1, "", "header must be '" + kHeader + "', found '" + line + "'");
  std::map<std::string, std::map<int, Months>> read;
  for (int lineno = 2; next_line(in, line, file, lineno); ++lineno) {
    if (line.empty() || line[0] == '#') continue;
    // The source is the last cell and may hold commas.
    std::vector<std::string> cells;
    std::size_t b = 0;
    for (int k = 0; k < 4; ++k) {
      const std::size_t comma = line.find(',', b);
      if (comma == std::string::npos)
        throw InputError(file, lineno, "",
                         "expected 5 cells (column, year, month, value, source), found " +
                             std::to_string(k + 1));
      cells.push_back(line.substr(b, comma - b));
      b = comma + 1;
    }
    const std::string source = line.substr(b);
    const std::string& name = cells[0];
    if (name.empty()) throw InputError(file, lineno, "column", "column 1: empty cell");
    const double y = number(cells[1], file, lineno, "year", "column 2: ");
    if (y != std::floor(y) || y < 1800 || y > 2300)
      throw InputError(file, lineno, "year", "column 2: not a year: '" + cells[1] + "'");
    const double mo = number(cells[2], file, lineno, "month", "column 3: ");
    if (mo != std::floor(mo) || mo < 1 || mo > 12)
      throw InputError(file, lineno, "month", "'" + cells[2] + "' is not a month (1-12)");
    const double v = number(cells[3], file, lineno, "value", "column 4: ");
    if (source.find_first_not_of(" \t") == std::string::npos)
      throw InputError(file, lineno, "source", "every monthly value needs its source");
    const int year = static_cast<int>(y);
    const auto m = static_cast<std::size_t>(mo) - 1;
    Months& months = read[name][year];
    if (months.line[m])
      throw InputError(file, lineno, "month",
                       name + " " + std::to_string(year) + "-" + std::to_string(m + 1) +
                           " repeated (first at line " + std::to_string(months.line[m]) + ")");
    months.line[m] = lineno;
    months.value[m] = v;
  }
  for (const auto& [name, years] : read)
    for (const auto& [year, months] : years)
      for (std::size_t m = 0; m < 12; ++m)
        if (!months.line[m])
          throw InputError(file, months.first_line(), "month",
                           name + " " + std::to_string(year) + ": month " + std::to_string(m + 1) +
                               " missing (a year's months replace its annual value: all twelve)");
  for (auto& [name, years] : read)
    for (auto& [year, months] : years) monthly_[name][year] = months;
  monthly_file_ = file;
}

int DriverTable::Months::first_line() const {
  int at = 0;
  for (int l : line)
    if (l && (!at || l < at)) at = l;
  return at;
}

void DriverTable::check_monthly() const {
  for (const auto& [name, years] : monthly_)
    for (const auto& [year, months] : years) {
      const int at = months.first_line();
      if (!columns_.count(name)) {
        std::vector<std::string> names(header_.begin() + 1, header_.end());
        throw InputError(monthly_file_, at, "column",
                         "'" + name + "' is not a column of " + file_ + did_you_mean(name, names));
      }
      if (!covers(year))
        throw InputError(monthly_file_, at, "year",
                         "'" + std::to_string(year) + "' is not a year of " + file_ + " (" +
                             std::to_string(years_.front()) + "-" + std::to_string(years_.back()) +
                             ")");
      double mean = 0;
      for (double v : months.value) mean += v / 12;
      const double annual = column(name)[static_cast<std::size_t>(year - years_.front())];
      if (!(std::abs(mean - annual) <= 0.03 * std::abs(annual))) {
        std::ostringstream msg;
        msg << name << " " << year << ": the months average " << mean << ", " << file_ << " says "
            << annual
            << " for the year (more than 3% apart: a changed annual value needs its months "
               "changed too, or drivers.monthly_file \"\")";
        throw InputError(monthly_file_, at, "value", msg.str());
      }
    }
}

std::vector<double> DriverTable::daily_growth_index(const std::string& name, Date start,
                                                    int days) const {
  const auto& col = column(name);
  // log index at each mid-year, 0 at the start year
  std::vector<double> log_index(years_.size(), 0.0);
  for (std::size_t i = 1; i < years_.size(); ++i)
    log_index[i] = log_index[i - 1] + std::log1p(col[i] / 100.0);
  double origin = 0;
  for (std::size_t i = 0; i < years_.size(); ++i)
    if (years_[i] == start.year()) origin = log_index[i];
  std::vector<double> out(days);
  for (int d = 0; d < days; ++d) {
    const double t = (start + d).serial();
    std::size_t i = 0;
    while (i + 1 < years_.size() && mid_year(years_[i + 1]) <= t) ++i;
    double li;
    if (t <= mid_year(years_.front()))
      li = log_index.front();
    else if (i + 1 >= years_.size())  // beyond the table: keep the last growth rate
      li = log_index.back() +
           std::log1p(col.back() / 100.0) * (t - mid_year(years_.back())) / 365.25;
    else {
      const double w = (t - mid_year(years_[i])) / (mid_year(years_[i + 1]) - mid_year(years_[i]));
      li = log_index[i] * (1 - w) + log_index[i + 1] * w;
    }
    out[d] = std::exp(li - origin);
  }
  return out;
}

}  // namespace corridor

#include "sim/drivers.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include "sim/error.hpp"

namespace corridor {

namespace {
std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string cell; std::getline(ss, cell, ',');) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}
double mid_year(int y) {
  return Date(y, 7, 1).serial();
}
}  // namespace

DriverTable::DriverTable(const std::string& file) : file_(file) {
  std::ifstream in(file);
  if (!in) throw InputError(file, 0, "drivers.file", "cannot open drivers file");
  std::string line;
  if (!std::getline(in, line)) throw InputError(file, 1, "", "empty drivers file");
  const auto header = split(line);
  if (header.empty() || header[0] != "year")
    throw InputError(file, 1, "year", "first column must be 'year'");
  for (std::size_t c = 1; c < header.size(); ++c) columns_[header[c]];
  for (int lineno = 2; std::getline(in, line); ++lineno) {
    if (line.empty() || line[0] == '#') continue;
    const auto cells = split(line);
    if (cells.size() != header.size())
      throw InputError(file, lineno, "", "expected " + std::to_string(header.size()) + " cells");
    for (std::size_t c = 0; c < cells.size(); ++c) {
      double v;
      try {
        std::size_t used;
        v = std::stod(cells[c], &used);
        if (used != cells[c].size()) throw std::invalid_argument("trailing");
      } catch (const std::exception&) {
        throw InputError(file, lineno, header[c], "not a number: '" + cells[c] + "'");
      }
      if (c == 0) {
        if (!years_.empty() && static_cast<int>(v) != years_.back() + 1)
          throw InputError(file, lineno, "year", "years must be consecutive");
        years_.push_back(static_cast<int>(v));
      } else {
        columns_[header[c]].push_back(v);
      }
    }
  }
  if (years_.empty()) throw InputError(file, 2, "year", "no data rows");
}

const std::vector<double>& DriverTable::column(const std::string& name) const {
  auto it = columns_.find(name);
  if (it == columns_.end()) throw InputError(file_, 1, name, "column missing from drivers file");
  return it->second;
}

std::vector<double> DriverTable::daily_level(const std::string& name, Date start, int days) const {
  const auto& col = column(name);
  std::vector<double> out(days);
  for (int d = 0; d < days; ++d) {
    const double t = (start + d).serial();
    std::size_t i = 0;
    while (i + 1 < years_.size() && mid_year(years_[i + 1]) <= t) ++i;
    if (t <= mid_year(years_.front()))
      out[d] = col.front();
    else if (i + 1 >= years_.size())
      out[d] = col.back();
    else {
      const double w = (t - mid_year(years_[i])) / (mid_year(years_[i + 1]) - mid_year(years_[i]));
      out[d] = col[i] * (1 - w) + col[i + 1] * w;
    }
  }
  return out;
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

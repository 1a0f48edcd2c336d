#include "sim/experiment/outcome.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "output/reader.hpp"
#include "output/recorder.hpp"
#include "sim/error.hpp"

namespace corridor {

namespace {

const SeriesSpec* find_series(const std::vector<SeriesSpec>& all, const std::string& name) {
  for (const auto& s : all)
    if (s.name == name) return &s;
  return nullptr;
}

Date period_start(const OutcomeSpec& o, const std::string& v) {
  return o.dates ? *Date::parse(v) : Date(std::stoi(v), 1, 1);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

void check_outcome(OutcomeSpec& o, const Model& m, const std::string& spec_file) {
  const std::string key = "outcomes." + o.name;
  const auto all = output_series(m);
  const SeriesSpec* s = find_series(all, o.series);
  if (!s) {
    std::vector<std::string> names;
    for (const auto& x : all) names.push_back(x.name);
    throw InputError(spec_file, o.line, key + ".series",
                     "no output series '" + o.series + "' (series: " + join(names) + ")");
  }
  for (const auto& [dim, labels] : o.select) {
    if (std::find(s->dims.begin(), s->dims.end(), dim) == s->dims.end())
      throw InputError(spec_file, o.line, key + ".select." + dim,
                       "series '" + o.series + "' has no dimension '" + dim +
                           "' (dimensions: " + (s->dims.empty() ? "none" : join(s->dims)) + ")");
    const auto known = dimension_labels(m, dim);
    for (const auto& l : labels)
      if (std::find(known.begin(), known.end(), l) == known.end())
        throw InputError(spec_file, o.line, key + ".select." + dim,
                         "no label '" + l + "' (labels: " + join(known) + ")");
  }
  o.dims = s->dims;
  const Date end = m.start + (m.days - 1);
  for (const std::string& v : {o.from, o.to}) {
    if (v.empty()) continue;
    const Date d = period_start(o, v);
    const bool inside = o.dates ? (d >= m.start && d <= end)
                                : (d.year() >= m.start.year() && d.year() <= end.year());
    if (!inside)
      throw InputError(
          spec_file, o.line, key,
          "'" + v + "' is outside the simulated period " + m.start.iso() + " to " + end.iso());
  }
}

double evaluate_outcome(const OutcomeSpec& o, const std::string& file) {
  const std::string group = o.dates ? "daily" : "annual";
  const Array a = read_array(file, group + "/" + o.series);
  const auto time = read_ints(file, group + "/time");
  const Date start = *Date::parse(read_string_attr(file, "start_date"));
  // The cells of a row that count: the selected labels of each dimension, all others.
  std::size_t cells = 1;
  for (std::size_t k = 1; k < a.shape.size(); ++k) cells *= a.shape[k];
  std::vector<char> mask(cells, 1);
  std::size_t stride = cells;
  for (std::size_t k = 0; k < o.dims.size(); ++k) {
    const std::size_t n = a.shape[k + 1];
    stride /= n;
    auto it = o.select.find(o.dims[k]);
    if (it == o.select.end()) continue;
    // Labels are read from the run file, so a scenario's own network is respected.
    const auto labels = read_strings(file, group + "/" + o.dims[k]);
    std::vector<char> keep(n, 0);
    for (const auto& l : it->second) {
      const auto pos = std::find(labels.begin(), labels.end(), l);
      if (pos == labels.end())
        throw std::runtime_error(file + ": no label '" + l + "' in dimension " + o.dims[k]);
      keep[pos - labels.begin()] = 1;
    }
    for (std::size_t c = 0; c < cells; ++c)
      if (!keep[(c / stride) % n]) mask[c] = 0;
  }
  const double kept = static_cast<double>(std::count(mask.begin(), mask.end(), 1));
  auto row_value = [&](std::size_t row) {
    double v = 0;
    for (std::size_t c = 0; c < cells; ++c)
      if (mask[c]) v += a.values[row * cells + c];
    return o.mean_cells ? v / kept : v;
  };
  auto row_of = [&](const std::string& period) -> std::size_t {
    const Date d = period_start(o, period);
    for (std::size_t r = 0; r < time.size(); ++r) {
      const Date t = start + time[r];
      if (o.dates ? t == d : t.year() == d.year()) return r;
    }
    throw std::runtime_error(file + ": no " + group + " row for " + period);
  };
  switch (o.stat) {
    case OutcomeSpec::Stat::kValue:
      return row_value(row_of(o.from));
    case OutcomeSpec::Stat::kChange:
      return row_value(row_of(o.to)) - row_value(row_of(o.from));
    case OutcomeSpec::Stat::kMean:
    case OutcomeSpec::Stat::kSum: {
      const std::size_t r0 = row_of(o.from), r1 = row_of(o.to);
      double sum = 0;
      for (std::size_t r = r0; r <= r1; ++r) sum += row_value(r);
      return o.stat == OutcomeSpec::Stat::kSum ? sum : sum / static_cast<double>(r1 - r0 + 1);
    }
  }
  return std::nan("");
}

}  // namespace corridor

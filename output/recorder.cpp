#include "output/recorder.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>

#include "output/state_io.hpp"
#include "sim/error.hpp"

namespace corridor {

namespace {
using Attrs = std::vector<std::pair<std::string, std::string>>;
// Panel variables, in the order snapshot() writes them.
constexpr std::array<const char*, 9> kPanelVars = {
    "capital_usd",  "labour", "capacity_usd_per_day", "price", "cash_usd", "partners",
    "exported_usd", "active", "foreign_owned"};
const char* aggregation_name(Aggregation a) {
  switch (a) {
    case Aggregation::kSum:
      return "sum";
    case Aggregation::kMean:
      return "mean";
    case Aggregation::kLast:
      return "last";
    case Aggregation::kWeightedMean:
      return "weighted_mean";
  }
  return "";
}
}  // namespace

std::vector<std::string> dimension_labels(const Model& m, const std::string& dim) {
  if (dim == "origin" || dim == "destination") return m.countries;
  if (dim == "corridor") return {kCorridorNames.begin(), kCorridorNames.end()};
  if (dim == "crossing") {
    std::vector<std::string> out;
    for (int n : m.network.crossings()) out.push_back(m.network.nodes()[n].name);
    return out;
  }
  if (dim == "traveller_origin") return {m.countries[m.cn], m.countries[m.kz]};
  if (dim == "purpose") return {kPurposeNames.begin(), kPurposeNames.end()};
  if (dim == "firm_country") return {m.countries.begin(), m.countries.begin() + m.n_firm_countries};
  if (dim == "sector") return {kSectorNames.begin(), kSectorNames.end()};
  if (dim == "currency") return {kCurrencyNames.begin(), kCurrencyNames.end()};
  if (dim == "row_flow") return {kRowFlowNames.begin(), kRowFlowNames.end()};
  throw std::logic_error("unknown dimension " + dim);
}

std::vector<SeriesSpec> output_series(const Model& m) {
  using A = Aggregation;
  std::vector<SeriesSpec> s;
  auto add = [&](std::string name, std::string units, std::string desc,
                 std::vector<std::string> dims, A agg, auto fill) {
    s.push_back(
        {std::move(name), std::move(units), std::move(desc), std::move(dims), agg, fill, {}});
  };
  const int cn = m.cn, kz = m.kz;
  add("bilateral_trade_usd", "USD",
      "China-Kazakhstan goods trade, both directions, value dispatched", {}, A::kSum,
      [cn, kz](const Model&, const State& st, double* r) {
        const int n = st.out.n_countries;
        r[0] = st.out.exports_usd[cn * n + kz] + st.out.exports_usd[kz * n + cn];
      });
  add("exports_usd", "USD", "goods exports by origin and destination country, value dispatched",
      {"origin", "destination"}, A::kSum, [](const Model&, const State& st, double* r) {
        std::copy(st.out.exports_usd.begin(), st.out.exports_usd.end(), r);
      });
  add("exports_by_sector_usd", "USD",
      "goods exports by origin and destination country and sector, value dispatched",
      {"origin", "destination", "sector"}, A::kSum, [](const Model&, const State& st, double* r) {
        std::copy(st.out.exports_sector_usd.begin(), st.out.exports_sector_usd.end(), r);
      });
  add("exports_real_usd", "USD at base-year prices",
      "goods exports by origin and destination country at base-year prices (quantities)",
      {"origin", "destination"}, A::kSum, [](const Model&, const State& st, double* r) {
        std::copy(st.out.exports_real_usd.begin(), st.out.exports_real_usd.end(), r);
      });
  add("transit_teu", "TEU",
      "China-third-country containers dispatched, by corridor (maritime = the sea route)",
      {"corridor"}, A::kSum, [](const Model&, const State& st, double* r) {
        std::copy(st.out.transit_teu.begin(), st.out.transit_teu.end(), r);
      });
  add("kz_handled_teu", "TEU",
      "containers dispatched on routes through Kazakh nodes (transit and bilateral)", {}, A::kSum,
      [](const Model&, const State& st, double* r) { r[0] = st.out.kz_handled_teu; });
  add("border_queue_days", "d", "mean days waited in the queue plus processing, TEU cleared",
      {"crossing"}, A::kMean, [](const Model&, const State& st, double* r) {
        std::copy(st.out.queue_days.begin(), st.out.queue_days.end(), r);
      });
  add("border_queue_teu", "TEU", "containers waiting at the end of the day", {"crossing"}, A::kMean,
      [](const Model&, const State& st, double* r) {
        std::copy(st.out.queue_teu.begin(), st.out.queue_teu.end(), r);
      });
  add("border_throughput_teu", "TEU", "containers cleared", {"crossing"}, A::kSum,
      [](const Model&, const State& st, double* r) {
        std::copy(st.out.throughput_teu.begin(), st.out.throughput_teu.end(), r);
      });
  add("border_capacity_teu", "TEU/d", "daily clearing capacity", {"crossing"}, A::kMean,
      [](const Model&, const State& st, double* r) {
        std::copy(st.out.capacity_teu.begin(), st.out.capacity_teu.end(), r);
      });
  add("arrivals", "persons", "arrivals in the partner country by origin and purpose",
      {"traveller_origin", "purpose"}, A::kSum, [](const Model&, const State& st, double* r) {
        for (int o = 0; o < 2; ++o)
          for (int p = 0; p < kPurposes; ++p) r[o * kPurposes + p] = st.out.arrivals[o][p];
      });
  add("settled_cnkz_usd", "USD", "China-Kazakhstan payments settled, by currency", {"currency"},
      A::kSum, [](const Model&, const State& st, double* r) {
        std::copy(st.out.settled_cnkz_usd.begin(), st.out.settled_cnkz_usd.end(), r);
      });
  {
    auto total = [](const State& st) {
      double t = 0;
      for (double v : st.out.settled_cnkz_usd) t += v;
      return t;
    };
    s.push_back({"rmb_settlement_share",
                 "1",
                 "share of China-Kazakhstan payments settled in yuan (value-weighted)",
                 {},
                 A::kWeightedMean,
                 [total](const Model&, const State& st, double* r) {
                   const double t = total(st);
                   r[0] = t > 0 ? st.out.settled_cnkz_usd[kCNY] / t
                                : std::numeric_limits<double>::quiet_NaN();
                 },
                 [total](const Model&, const State& st, double* r) { r[0] = total(st); }});
  }
  add("settlement_cost_bp", "bp",
      "cost of settling a China-Kazakhstan payment in each currency: spread plus interest over the "
      "settlement delay",
      {"currency"}, A::kMean, [](const Model&, const State& st, double* r) {
        std::copy(st.out.settlement_cost_bp.begin(), st.out.settlement_cost_bp.end(), r);
      });
  add("settlement_expected_cost_bp", "bp",
      "expected settlement cost of a China-Kazakhstan pair choosing its currency (logit inclusive "
      "value)",
      {}, A::kMean,
      [](const Model&, const State& st, double* r) { r[0] = st.out.settlement_expected_cost_bp; });
  add("transit_fee_revenue_usd", "USD", "transit fees collected by Kazakhstan", {}, A::kSum,
      [](const Model&, const State& st, double* r) { r[0] = st.out.transit_fee_revenue_usd; });
  add("border_fee_revenue_usd", "USD", "port and crossing fees collected", {}, A::kSum,
      [](const Model&, const State& st, double* r) { r[0] = st.out.border_fee_revenue_usd; });
  add("rail_subsidy_usd", "USD",
      "subsidies paid to shippers of subsidised train services (policy.rail_subsidy)", {}, A::kSum,
      [](const Model&, const State& st, double* r) { r[0] = st.out.rail_subsidy_usd; });
  add("investment_usd", "USD", "infrastructure construction spending plus FDI into Kazakh firms",
      {}, A::kSum, [](const Model&, const State& st, double* r) {
        r[0] = st.out.infrastructure_investment_usd + st.out.fdi_usd;
      });
  add("infrastructure_investment_usd", "USD", "infrastructure construction spending", {}, A::kSum,
      [](const Model&, const State& st, double* r) {
        r[0] = st.out.infrastructure_investment_usd;
      });
  add("fdi_usd", "USD", "direct investment placed in Kazakh firms", {}, A::kSum,
      [](const Model&, const State& st, double* r) { r[0] = st.out.fdi_usd; });
  add("tourist_spending_usd", "USD", "spending by arriving tourists", {}, A::kSum,
      [](const Model&, const State& st, double* r) { r[0] = st.out.tourist_spending_usd; });
  add("jobs_transit", "persons", "workers in Kazakh logistics firms", {}, A::kMean,
      [](const Model&, const State& st, double* r) { r[0] = st.out.jobs_transit; });
  add("jobs_tourism", "persons", "workers in Kazakh tourism firms", {}, A::kMean,
      [](const Model&, const State& st, double* r) { r[0] = st.out.jobs_tourism; });
  add("firms_active", "firms", "firm agents producing", {}, A::kMean,
      [](const Model&, const State& st, double* r) { r[0] = st.out.firms_active; });
  add("partnerships_cnkz", "partnerships", "China-Kazakhstan trade partnerships", {}, A::kMean,
      [](const Model&, const State& st, double* r) { r[0] = st.out.partnerships_cnkz; });
  add("output_usd", "USD", "gross output of firms by country and sector",
      {"firm_country", "sector"}, A::kSum, [](const Model&, const State& st, double* r) {
        std::copy(st.out.output_usd.begin(), st.out.output_usd.end(), r);
      });
  add("exporters", "firms", "firm agents that export (selection by productivity; month end)",
      {"firm_country", "sector"}, A::kMean, [](const Model& m, const State& st, double* r) {
        for (int k = 0; k < m.n_firm_countries * kSectors; ++k) r[k] = st.month.exporters[k];
      });
  add("exporter_productivity", "ratio",
      "mean productivity of exporters over that of all active firms (month end; 0 if none)",
      {"firm_country", "sector"}, A::kMean, [](const Model& m, const State& st, double* r) {
        for (int k = 0; k < m.n_firm_countries * kSectors; ++k) {
          const auto& t = st.month;
          r[k] = t.exporters[k] > 0 && t.active_tfp[k] > 0
                     ? (t.exporter_tfp[k] / t.exporters[k]) / (t.active_tfp[k] / t.active_firms[k])
                     : 0.0;
        }
      });
  // Money accounts (agents/accounts.hpp), per firm country.
  auto per_country = [&](std::string name, std::string desc, A agg,
                         std::vector<Money> Accounts::*field) {
    add(std::move(name), "USD", std::move(desc), {"firm_country"}, agg,
        [field](const Model& m, const State& st, double* r) {
          for (int c = 0; c < m.n_firm_countries; ++c) r[c] = (st.accounts.*field)[c].usd();
        });
  };
  per_country("government_revenue_usd",
              "government revenue: node and transit fees, income tax on wages", A::kSum,
              &Accounts::gov_revenue);
  per_country("government_fee_revenue_usd",
              "government revenue from node fees (ports, crossings) and the transit fee", A::kSum,
              &Accounts::gov_fees);
  per_country("government_spending_usd",
              "government spending: scheduled projects, rail subsidy, appropriations to investors",
              A::kSum, &Accounts::gov_spending);
  per_country("government_balance_usd",
              "government's cumulative budget balance since the start (revenue less spending)",
              A::kLast, &Accounts::government);
  per_country("household_income_usd",
              "households' income: wages after income tax, cash paid out by firms that stopped",
              A::kSum, &Accounts::household_income);
  per_country("household_consumption_usd", "households' spending on their country's goods", A::kSum,
              &Accounts::household_consumption);
  per_country("carrier_revenue_usd", "freight paid to carriers of the country's links", A::kSum,
              &Accounts::carrier_revenue);
  per_country("bank_income_usd", "settlement spreads earned by the exporters' banks", A::kSum,
              &Accounts::bank_income);
  add("rest_of_world_inflow_usd", "USD",
      "money into the model from outside it, by kind (negative: out); the only change in the "
      "sum of all money holdings",
      {"row_flow"}, A::kSum, [](const Model&, const State& st, double* r) {
        for (int k = 0; k < kRowFlows; ++k) r[k] = st.accounts.row[k].usd();
      });
  add("value_shipped_usd", "USD", "cumulative value dispatched since the start", {}, A::kLast,
      [](const Model&, const State& st, double* r) { r[0] = st.out.value_shipped_usd; });
  add("value_received_usd", "USD", "cumulative value delivered and paid since the start", {},
      A::kLast, [](const Model&, const State& st, double* r) { r[0] = st.out.value_received_usd; });
  add("value_in_transit_usd", "USD", "value dispatched and not yet delivered", {}, A::kLast,
      [](const Model&, const State& st, double* r) { r[0] = st.out.value_in_transit_usd; });
  return s;
}

struct H5Recorder::Period {
  enum Kind { kDay, kMonth, kYear } kind = kDay;
  std::unique_ptr<h5::Group> group;
  std::vector<int> vars;
  std::size_t chunk = 1;  // rows buffered before they are appended to the file
  std::vector<std::vector<double>> sum, wsum, last, rows;
  std::vector<std::int32_t> times;
  int key = std::numeric_limits<int>::min();
  std::int32_t start = 0;
  int days = 0;

  // Checkpoints (sim/visit.hpp): what the period keeps between days. The rows already
  // appended to the file are saved separately (H5Recorder::save).
  template <class V>
  void visit(V& v) {
    v.skip("kind", kind);
    v.skip("group", group);
    v.skip("vars", vars);
    v.skip("chunk", chunk);
    v("sum", sum);
    v("wsum", wsum);
    v("last", last);
    v("rows", rows);
    v("times", times);
    v("key", key);
    v("start", start);
    v("days", days);
  }

  int key_of(Date d) const {
    return kind == kDay ? d.serial() : kind == kMonth ? d.year() * 12 + d.month() : d.year();
  }
};

void check_output_path(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) throw InputError("command line", 0, "-o", "empty output path");
  const fs::path p(path);
  std::error_code ec;
  if (fs::is_directory(p, ec))
    throw InputError(path, 0, "-o", "the output path is a directory; give a file name");
  const fs::path parent = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::is_directory(parent, ec))
    throw InputError(path, 0, "-o", "output directory does not exist: " + parent.string());
  // The file is written beside its final name and renamed, so the directory must be
  // writable; access() also reports a read-only file system.
  if (access(parent.c_str(), W_OK | X_OK) != 0)
    throw InputError(
        path, 0, "-o",
        "cannot write in the output directory " + parent.string() + ": " + std::strerror(errno));
  for (const char* suffix : {".tmp", ".ckpt", ".ckpt.tmp"})
    if (fs::is_directory(path + suffix, ec))
      throw InputError(path, 0, "-o",
                       path + suffix + " is a directory; the run needs that name for a file");
}

H5Recorder::H5Recorder(const std::string& path, const Model& m, const RunInfo& info)
    : path_(path),
      tmp_(path + ".tmp"),
      series_(output_series(m)),
      compression_(m.params.output.compression) {
  check_output_path(path);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by our exceptions
  const hid_t f = H5Fcreate(tmp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) {
    const h5::SystemError sys = h5::last_system_error();
    switch (sys.err) {
      case 0:
        throw InputError(path, 0, "-o", "cannot create " + tmp_);
      case EACCES:
      case EPERM:
      case EROFS:
      case ENOENT:
      case ENOTDIR:
      case EISDIR:
      case ENAMETOOLONG:
      case ELOOP:
        throw InputError(path, 0, "-o", "cannot create " + tmp_ + ": " + std::strerror(sys.err));
      default:
        throw EnvironmentError(tmp_ + ": cannot create the output file: " + std::strerror(sys.err));
    }
  }
  file_ = h5::Handle(f, H5Fclose);
  try {
    create(m, info);
  } catch (...) {
    discard();
    throw;
  }
}

void H5Recorder::discard() {
  daily_.reset();
  monthly_.reset();
  annual_.reset();
  panel_.reset();
  file_.reset();
  std::error_code ec;
  std::filesystem::remove(tmp_, ec);  // never leave a file that looks complete
}

void H5Recorder::create(const Model& m, const RunInfo& info) {
  const hid_t root = file_.get();
  h5::set_attr(root, "complete", std::int64_t{0});
  h5::set_attr(root, "title", std::string("corridor simulation of the China-Kazakhstan corridor"));
  h5::set_attr(root, "corridor_version", std::string(CORRIDOR_VERSION));
  h5::set_attr(root, "seed", static_cast<std::int64_t>(info.seed));
  h5::set_attr(root, "threads", std::int64_t{info.threads});
  h5::set_attr(root, "config_text", m.config_text);
  h5::set_attr(root, "resolved_parameters", m.resolved_yaml);
  h5::set_attr(root, "description", m.description);
  h5::set_attr(root, "start_date", m.start.iso());
  h5::set_attr(root, "end_date", (m.start + (m.days - 1)).iso());
  h5::set_attr(root, "firm_agents", static_cast<std::int64_t>(m.n_firms));
  h5::set_attr(root, "Conventions", std::string("CF-1.8"));
  if (info.resumed_from_day >= 0)
    h5::set_attr(root, "resumed_from_day", static_cast<std::int64_t>(info.resumed_from_day));

  for (const auto& sp : series_) {
    std::size_t w = 1;
    for (const auto& d : sp.dims) w *= dimension_labels(m, d).size();
    width_.push_back(w);
  }
  const std::string units = "days since " + m.start.iso();
  auto make = [&](Period::Kind kind, const char* name, std::size_t chunk) {
    auto p = std::make_unique<Period>();
    p->kind = kind;
    p->group = std::make_unique<h5::Group>(root, name);
    p->group->growing_dim("time", chunk,
                          {{"units", units},
                           {"calendar", "standard"},
                           {"long_name", kind == Period::kDay ? "date" : "first day of period"}});
    for (const char* d : {"origin", "destination", "corridor", "crossing", "traveller_origin",
                          "purpose", "firm_country", "sector", "currency", "row_flow"})
      p->group->dim(d, dimension_labels(m, d));
    for (std::size_t j = 0; j < series_.size(); ++j) {
      std::vector<std::string> dims{"time"};
      dims.insert(dims.end(), series_[j].dims.begin(), series_[j].dims.end());
      p->vars.push_back(
          p->group->variable(series_[j].name, dims,
                             {{"units", series_[j].units},
                              {"long_name", series_[j].description},
                              {"aggregation", aggregation_name(series_[j].aggregation)}},
                             compression_));
      p->sum.emplace_back(width_[j], 0.0);
      p->wsum.emplace_back(width_[j], 0.0);
      p->last.emplace_back(width_[j], 0.0);
      p->rows.emplace_back();
      p->rows.back().reserve(width_[j] * chunk);
    }
    p->times.reserve(chunk);
    p->chunk = chunk;
    return p;
  };
  daily_ = make(Period::kDay, "daily", 366);
  monthly_ = make(Period::kMonth, "monthly", 12);
  annual_ = make(Period::kYear, "annual", 4);

  // Panel: an evenly spaced sample of firms, snapshotted every panel_every_days.
  const std::uint32_t n = std::min<std::uint32_t>(m.n_firms, m.params.output.panel_firms);
  for (std::uint32_t k = 0; k < n; ++k)
    panel_firms_.push_back(
        static_cast<std::uint32_t>(static_cast<std::uint64_t>(k) * m.n_firms / n));
  panel_ = std::make_unique<h5::Group>(root, "panel");
  panel_->growing_dim("time", 1, {{"units", units}, {"calendar", "standard"}});
  panel_->dim("firm", std::vector<std::int32_t>(panel_firms_.begin(), panel_firms_.end()),
              {{"long_name", "firm agent index"}});
  std::vector<std::string> region, sector;
  for (auto i : panel_firms_) {
    for (const auto& L : m.regions)
      if (i >= L.first && i < L.first + L.count) {
        region.push_back(m.node_names[L.node]);
        for (int s = 0; s < kSectors; ++s)
          if (i >= L.sector_first[s] && i < L.sector_first[s] + L.sector_count[s])
            sector.push_back(kSectorNames[s]);
      }
  }
  panel_->strings("region", "firm", region);
  panel_->strings("sector", "firm", sector);
  for (const char* v : kPanelVars)
    panel_vars_.push_back(panel_->variable(v, {"time", "firm"}, {}, compression_));
}

H5Recorder::~H5Recorder() {
  if (!finished_) discard();
}

void H5Recorder::record(const Simulation& sim) {
  const Model& m = sim.model();
  const State& st = sim.state();
  const int day = sim.day() - 1;  // the day just simulated
  const Date date = m.date(day);
  auto& value = scratch_value_;
  auto& weight = scratch_weight_;
  for (Period* p : {daily_.get(), monthly_.get(), annual_.get()}) {
    const int key = p->key_of(date);
    if (key != p->key) {
      p->key = key;
      p->start = day;
      p->days = 0;
    }
  }
  for (std::size_t j = 0; j < series_.size(); ++j) {
    value.assign(width_[j], 0.0);
    weight.assign(width_[j], 1.0);
    series_[j].fill(m, st, value.data());
    if (series_[j].weight) series_[j].weight(m, st, weight.data());
    for (Period* p : {daily_.get(), monthly_.get(), annual_.get()}) {
      auto& sum = p->sum[j];
      auto& wsum = p->wsum[j];
      if (p->days == 0)
        std::fill(sum.begin(), sum.end(), 0.0), std::fill(wsum.begin(), wsum.end(), 0.0);
      for (std::size_t k = 0; k < width_[j]; ++k) {
        const double v = value[k];
        if (series_[j].aggregation == Aggregation::kWeightedMean) {
          if (weight[k] > 0 && std::isfinite(v)) sum[k] += v * weight[k], wsum[k] += weight[k];
        } else {
          sum[k] += v;
        }
        p->last[j][k] = v;
      }
    }
  }
  const bool last_day = sim.done();
  const Date tomorrow = date + 1;
  for (Period* p : {daily_.get(), monthly_.get(), annual_.get()}) {
    ++p->days;
    if (!last_day && p->key_of(tomorrow) == p->key) continue;
    // Close the period: one row per series.
    for (std::size_t j = 0; j < series_.size(); ++j)
      for (std::size_t k = 0; k < width_[j]; ++k) {
        double v;
        switch (series_[j].aggregation) {
          case Aggregation::kSum:
            v = p->sum[j][k];
            break;
          case Aggregation::kMean:
            v = p->sum[j][k] / p->days;
            break;
          case Aggregation::kLast:
            v = p->last[j][k];
            break;
          default:
            v = p->wsum[j][k] > 0 ? p->sum[j][k] / p->wsum[j][k]
                                  : std::numeric_limits<double>::quiet_NaN();
        }
        p->rows[j].push_back(v);
      }
    p->times.push_back(p->start);
    p->days = 0;
    if (p->times.size() >= p->chunk) {
      for (std::size_t j = 0; j < series_.size(); ++j) {
        p->group->append(p->vars[j], p->rows[j].data(), p->times.size());
        p->rows[j].clear();
      }
      p->group->append_dim(p->times.data(), p->times.size());
      p->times.clear();
    }
  }
  if (day % m.params.output.panel_every_days == 0 || last_day) snapshot(sim);
}

void H5Recorder::snapshot(const Simulation& sim) {
  const Firms& f = sim.state().firms;
  auto& row = scratch_value_;
  row.resize(panel_firms_.size());
  auto put = [&](int v, auto get) {
    for (std::size_t k = 0; k < panel_firms_.size(); ++k) row[k] = get(panel_firms_[k]);
    panel_->append(panel_vars_[v], row.data(), 1);
  };
  put(0, [&](std::uint32_t i) { return double(f.capital[i]); });
  put(1, [&](std::uint32_t i) { return double(f.labour[i]); });
  put(2, [&](std::uint32_t i) { return double(f.capacity[i]); });
  put(3, [&](std::uint32_t i) { return double(f.price[i]); });
  put(4, [&](std::uint32_t i) { return f.cash[i].usd(); });
  put(5, [&](std::uint32_t i) { return double(f.partners(i)); });
  put(6, [&](std::uint32_t i) { return double(f.exported_usd[i]); });
  put(7, [&](std::uint32_t i) { return double(f.active[i]); });
  put(8, [&](std::uint32_t i) { return double(f.foreign_owned[i]); });
  const std::int32_t t = sim.day() - 1;
  panel_->append_dim(&t, 1);
}

void H5Recorder::flush() {
  for (Period* p : {daily_.get(), monthly_.get(), annual_.get()}) {
    if (p->times.empty()) continue;
    for (std::size_t j = 0; j < series_.size(); ++j) {
      p->group->append(p->vars[j], p->rows[j].data(), p->times.size());
      p->rows[j].clear();
    }
    p->group->append_dim(p->times.data(), p->times.size());
    p->times.clear();
  }
}

void H5Recorder::finish(const Simulation& sim, double wall_seconds) {
  flush();
  const Model& m = sim.model();
  const State& st = sim.state();
  {
    // Event table: policy switches, projects started and completed, investor requests.
    h5::Group ev(file_.get(), "events");
    std::vector<std::int32_t> index;
    std::vector<double> day, value;
    std::vector<std::string> date, kind, name;
    for (std::size_t k = 0; k < st.events.size(); ++k) {
      const Event& e = st.events[k];
      index.push_back(static_cast<std::int32_t>(k));
      day.push_back(e.day);
      value.push_back(e.value);
      date.push_back(m.date(e.day).iso());
      kind.push_back(e.kind);
      name.push_back(e.name);
    }
    ev.growing_dim("event", std::max<std::size_t>(1, index.size()),
                   {{"long_name", "event number"}});
    if (!index.empty()) ev.append_dim(index.data(), index.size());
    const int v_day =
        ev.variable("day", {"event"}, {{"long_name", "day index since start_date"}}, 0);
    const int v_value = ev.variable(
        "value", {"event"},
        {{"long_name", "lever value, project cost (USD) or added capacity / days saved"}}, 0);
    if (!index.empty()) {
      ev.append(v_day, day.data(), day.size());
      ev.append(v_value, value.data(), value.size());
    }
    ev.strings("date", "event", date);
    ev.strings("kind", "event", kind);
    ev.strings("name", "event", name);
  }
  const hid_t root = file_.get();
  h5::set_attr(root, "wall_time_seconds", wall_seconds);
  h5::set_attr(root, "days_simulated", static_cast<std::int64_t>(sim.day()));
  std::string phases;
  for (std::size_t p = 0; p < Simulation::schedule().size(); ++p)
    phases += std::string(Simulation::schedule()[p].name) + "=" +
              std::to_string(sim.phase_seconds()[p]) + ";";
  phases += "record=" + std::to_string(sim.phase_seconds().back());
  h5::set_attr(root, "phase_seconds", phases);
  h5::set_attr(root, "shipments_deferred", static_cast<std::int64_t>(st.shipments.deferred));
  h5::set_attr(root, "complete", std::int64_t{1});  // last
  daily_.reset();
  monthly_.reset();
  annual_.reset();
  panel_.reset();
  // Cached chunks and metadata reach the disk here: a full disk or a file-size limit shows
  // up now if not before, and the file must not be renamed into place then.
  h5::check(H5Fflush(root, H5F_SCOPE_GLOBAL), "flush the output");
  h5::check(file_.close(), "close the output");
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) throw EnvironmentError(tmp_ + ": cannot rename to " + path_ + ": " + ec.message());
  finished_ = true;
}

namespace {
void write_rows(hid_t g, const std::string& name, const std::vector<double>& v) {
  state_io::write_numbers(g, name, H5T_NATIVE_DOUBLE, v.data(), {v.size()});
}
void write_times(hid_t g, const std::vector<std::int32_t>& t) {
  state_io::write_numbers(g, "time", H5T_NATIVE_INT32, t.data(), {t.size()});
}
template <class T>
std::vector<T> read_all(hid_t g, const std::string& name, hid_t type, const state_io::Place& at) {
  std::vector<T> v(state_io::read_numbers_shape(g, name, type, 0, at));
  if (!v.empty()) state_io::read_numbers(g, name, type, v.data(), at);
  return v;
}
}  // namespace

std::string H5Recorder::checkpoint_layout() {
  Period p;
  state_io::Layout l;
  p.visit(l);
  return l.text();
}

void H5Recorder::save(hid_t group) {
  for (auto [name, p] : {std::pair{"daily", daily_.get()}, std::pair{"monthly", monthly_.get()},
                         std::pair{"annual", annual_.get()}}) {
    h5::Handle g = state_io::create_group(group, name);
    state_io::Writer w(g.get());
    p->visit(w);
    // The rows already appended to the output file (its .tmp may not survive a kill).
    h5::Handle written = state_io::create_group(g.get(), "written");
    write_times(written.get(), p->group->read_dim());
    for (std::size_t j = 0; j < series_.size(); ++j)
      write_rows(written.get(), series_[j].name, p->group->read(p->vars[j]));
  }
  h5::Handle g = state_io::create_group(group, "panel");
  write_times(g.get(), panel_->read_dim());
  for (std::size_t v = 0; v < kPanelVars.size(); ++v)
    write_rows(g.get(), kPanelVars[v], panel_->read(panel_vars_[v]));
}

void H5Recorder::load(hid_t group, const std::string& file) {
  const state_io::Place at{file, "recorder"};
  for (auto [name, p] : {std::pair{"daily", daily_.get()}, std::pair{"monthly", monthly_.get()},
                         std::pair{"annual", annual_.get()}}) {
    h5::Handle g = state_io::open_group(group, name, at);
    const state_io::Place here = at.child(name);
    state_io::Reader r(g.get(), here);
    p->visit(r);
    const std::size_t n = series_.size();
    if (p->sum.size() != n || p->wsum.size() != n || p->last.size() != n || p->rows.size() != n)
      here.fail("sum", "another number of series");
    for (std::size_t j = 0; j < n; ++j)
      if (p->sum[j].size() != width_[j] || p->wsum[j].size() != width_[j] ||
          p->last[j].size() != width_[j] || p->rows[j].size() != p->times.size() * width_[j])
        here.fail(series_[j].name, "buffers of another size");
    for (std::size_t j = 0; j < n; ++j) p->rows[j].reserve(width_[j] * p->chunk);
    p->times.reserve(p->chunk);

    h5::Handle written = state_io::open_group(g.get(), "written", here);
    const state_io::Place w = here.child("written");
    const auto times = read_all<std::int32_t>(written.get(), "time", H5T_NATIVE_INT32, w);
    for (std::size_t j = 0; j < n; ++j) {
      const auto rows = read_all<double>(written.get(), series_[j].name, H5T_NATIVE_DOUBLE, w);
      if (rows.size() != times.size() * width_[j]) w.fail(series_[j].name, "another row count");
      if (!times.empty()) p->group->append(p->vars[j], rows.data(), times.size());
    }
    if (!times.empty()) p->group->append_dim(times.data(), times.size());
  }
  h5::Handle g = state_io::open_group(group, "panel", at);
  const state_io::Place here = at.child("panel");
  const auto times = read_all<std::int32_t>(g.get(), "time", H5T_NATIVE_INT32, here);
  for (std::size_t v = 0; v < kPanelVars.size(); ++v) {
    const auto rows = read_all<double>(g.get(), kPanelVars[v], H5T_NATIVE_DOUBLE, here);
    if (rows.size() != times.size() * panel_firms_.size())
      here.fail(kPanelVars[v], "another row count");
    if (!times.empty()) panel_->append(panel_vars_[v], rows.data(), times.size());
  }
  if (!times.empty()) panel_->append_dim(times.data(), times.size());
}

}  // namespace corridor

#include "sim/model.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "agents/accounts.hpp"
#include "sim/drivers.hpp"
#include "sim/error.hpp"
#include "sim/memory.hpp"
#include "sim/policy.hpp"

namespace corridor {

int Model::country_index(const std::string& code) const {
  for (std::size_t i = 0; i < countries.size(); ++i)
    if (countries[i] == code) return static_cast<int>(i);
  return -1;
}

namespace {

// Largest-remainder split of `total` by weights, so counts are deterministic and sum exactly.
std::vector<std::uint32_t> apportion(std::uint32_t total, const std::vector<double>& w) {
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  std::vector<std::uint32_t> out(w.size(), 0);
  if (sum <= 0) return out;
  std::vector<std::pair<double, std::size_t>> rest;
  std::uint32_t given = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double exact = total * w[i] / sum;
    out[i] = static_cast<std::uint32_t>(std::floor(exact));
    given += out[i];
    rest.push_back({-(exact - out[i]), i});
  }
  std::sort(rest.begin(), rest.end());
  for (std::size_t k = 0; given < total; ++k, ++given) out[rest[k % rest.size()].second]++;
  return out;
}

}  // namespace

std::shared_ptr<const Model> build_model(LoadedConfig cfg) {
  // Before anything the size of the run is allocated (the daily series below, the agents in
  // Simulation, the recorder's buffers).
  check_memory(cfg.params);
  Network network(cfg.params.network);
  auto m = std::make_shared<Model>(std::move(cfg.params), std::move(cfg.config_text),
                                   std::move(cfg.resolved_yaml), std::move(cfg.description),
                                   std::move(network));
  const Params& p = m->params;
  // Messages name the file and line that last set the key at fault.
  auto fail = [&p](const std::string& key, const std::string& what) {
    const Origin o = p.origin(key);
    throw InputError(o.file, o.line, key, what);
  };
  m->start = p.run.start;
  m->days = p.run.end - p.run.start + 1;
  const auto& nodes = m->network.nodes();
  for (const auto& n : nodes) {
    m->node_names.push_back(n.name);
    m->base_processing_days.push_back(n.processing_days);
  }

  // Countries: those with firms, then the markets.
  for (const auto& [name, r] : p.firms.regions) {
    const std::string& c = nodes[m->network.node_index(name)].country;
    if (m->country_index(c) < 0) m->countries.push_back(c);
  }
  std::sort(m->countries.begin(), m->countries.end());
  m->n_firm_countries = static_cast<int>(m->countries.size());
  for (const auto& [c, node] : p.trade.market_nodes)
    if (m->country_index(c) < 0) m->countries.push_back(c);
  m->cn = m->country_index("CN");
  m->kz = m->country_index("KZ");
  if (m->cn < 0 || m->kz < 0) fail("firms.regions", "needs regions in both CN and KZ");
  m->market_node_of_country.assign(m->countries.size(), -1);
  for (const auto& [c, node] : p.trade.market_nodes)
    m->market_node_of_country[m->country_index(c)] = m->network.node_index(node);
  for (const auto& n : nodes) m->country_of_node.push_back(m->country_index(n.country));

  // Firm layout: regions in name order, sectors in enum order within each region.
  std::vector<double> weights;
  for (const auto& [name, r] : p.firms.regions) weights.push_back(r.weight);
  m->n_firms = static_cast<std::uint32_t>(firm_agents(p));  // at most INT32_MAX: check_memory
  if (m->n_firms < 10) {
    const Origin o = p.origin("run.scale");
    throw InputError(o.file, o.line, "run.scale", "fewer than 10 firm agents");
  }
  const auto region_counts = apportion(m->n_firms, weights);
  m->region_of_node.assign(nodes.size(), -1);
  std::uint32_t next = 0;
  std::size_t ri = 0;
  for (const auto& [name, r] : p.firms.regions) {
    RegionLayout layout;
    layout.node = m->network.node_index(name);
    layout.country = m->country_index(nodes[layout.node].country);
    layout.first = next;
    layout.count = region_counts[ri++];
    const SectorArray shares =
        r.sectors ? *r.sectors : p.firms.sectors.at(nodes[layout.node].country);
    const auto sc = apportion(layout.count, std::vector<double>(shares.begin(), shares.end()));
    std::uint32_t s_next = next;
    for (int s = 0; s < kSectors; ++s) {
      layout.sector_first[s] = s_next;
      layout.sector_count[s] = sc[s];
      s_next += sc[s];
    }
    next += layout.count;
    m->region_of_node[layout.node] = static_cast<int>(m->regions.size());
    m->regions.push_back(layout);
  }

  // Economy: gross output consistent with final demand plus exports, x = (I - A)^-1 (f + e).
  const int nfc = m->n_firm_countries;
  m->io.resize(nfc);
  m->base_final.resize(nfc);
  m->base_exports.resize(nfc);
  m->base_output.resize(nfc);
  m->base_needs.resize(nfc);
  m->base_jobs.resize(nfc);
  m->wage_per_worker_day.resize(nfc);
  for (int c = 0; c < nfc; ++c) {
    const std::string& code = m->countries[c];
    auto need = [&](const auto& map, const std::string& key) -> const auto& {
      auto it = map.find(code);
      if (it == map.end()) fail(key + "." + code, "missing country");
      return it->second;
    };
    const auto& io = need(p.economy.io, "economy.io");
    for (int i = 0; i < kSectors; ++i)
      for (int j = 0; j < kSectors; ++j) m->io[c](i, j) = io[i][j];
    for (int j = 0; j < kSectors; ++j)
      if (m->io[c].col(j).sum() >= 1.0)
        fail("economy.io." + code,
             std::string("inputs per USD of ") + kSectorNames[j] + " sum to 1 or more");
    const auto& f = need(p.economy.final_demand_usd_bn, "economy.final_demand_usd_bn");
    m->base_jobs[c] = need(p.economy.jobs, "economy.jobs");
    for (int s = 0; s < kSectors; ++s) {
      m->base_final[c](s) = f[s] * 1e9 / 365.0;
      m->base_exports[c](s) = 0;
    }
    auto flows = p.trade.base_flows_usd_bn.find(code);
    if (flows != p.trade.base_flows_usd_bn.end())
      for (const auto& [dest, by_sector] : flows->second) {
        if (m->country_index(dest) < 0)
          fail("trade.base_flows_usd_bn." + code + "." + dest,
               "unknown destination country (no regions and no market node)");
        for (int s = 0; s < kSectors; ++s) m->base_exports[c](s) += by_sector[s] * 1e9 / 365.0;
      }
    m->base_output[c] = (IoMatrix::Identity() - m->io[c])
                            .partialPivLu()
                            .solve(m->base_final[c] + m->base_exports[c]);
    m->base_needs[c] = m->base_final[c] + m->io[c] * m->base_output[c];
    for (int s = 0; s < kSectors; ++s)
      m->wage_per_worker_day[c][s] =
          m->base_jobs[c][s] > 0 ? p.economy.wage_share * m->base_output[c](s) / m->base_jobs[c][s]
                                 : 0.0;
  }

  // Money accounts.
  for (const auto& l : m->network.links()) {
    const int a = m->country_of_node[l.from], b = m->country_of_node[l.to];
    m->country_of_link.push_back(a < nfc ? a : b < nfc ? b : a);
  }
  for (const auto& [code, rate] : p.accounts.income_tax_rate) {
    const int c = m->country_index(code);
    if (c < 0 || c >= nfc) fail("accounts.income_tax_rate." + code, "not a country with firms");
  }
  for (int c = 0; c < nfc; ++c) {
    auto it = p.accounts.income_tax_rate.find(m->countries[c]);
    if (it == p.accounts.income_tax_rate.end())
      fail("accounts.income_tax_rate." + m->countries[c], "missing country");
    m->income_tax_bp.push_back(std::llround(it->second * 1e4));
    const double total = m->base_final[c].sum();
    m->final_share.push_back(total > 0 ? SectorVector(m->base_final[c] / total)
                                       : SectorVector(SectorVector::Zero()));
    double wages = 0;
    for (int s = 0; s < kSectors; ++s) wages += m->wage_per_worker_day[c][s] * m->base_jobs[c][s];
    m->base_consumption_usd.push_back(p.accounts.household_mpc * (1.0 - it->second) * wages);
  }
  if (m->regions.size() > static_cast<std::size_t>(kMaxRegions))
    fail("firms.regions", "more than " + std::to_string(kMaxRegions) + " regions");
  for (const auto& [name, spec] : p.investment.investors) {
    const std::string key = "investment.investors." + name + ".country";
    const int c = m->country_index(spec.country);
    if (c < 0) fail(key, "unknown country '" + spec.country + "'");
    if (spec.income_from == "appropriation" && c >= nfc)
      fail(key, "an appropriation needs the government of a country with firms");
    m->investor_country.push_back(c);
  }

  // Origin-destination pairs with candidate routes.
  const std::size_t nn = nodes.size();
  m->od_of.assign(m->regions.size() * nn, -1);
  for (std::size_t r = 0; r < m->regions.size(); ++r) {
    const int oc = m->regions[r].country;
    std::vector<std::pair<int, int>> dests;  // (node, country)
    for (const auto& other : m->regions)
      if (other.country != oc) dests.push_back({other.node, other.country});
    for (std::size_t c = 0; c < m->countries.size(); ++c)
      if (m->market_node_of_country[c] >= 0)
        dests.push_back({m->market_node_of_country[c], static_cast<int>(c)});
    for (const auto& [dn, dc] : dests) {
      OdPair od{m->regions[r].node, dn, oc, dc, 0, 0, 0, 0, oc != m->kz && dc != m->kz};
      std::tie(od.routes_begin, od.routes_end) =
          m->network.add_routes(od.origin_node, dn, false, p.network.k_routes);
      std::tie(od.pipe_begin, od.pipe_end) =
          m->network.add_routes(od.origin_node, dn, true, p.network.k_routes);
      if (od.routes_begin == od.routes_end)
        fail("network.links",
             "no route from " + nodes[od.origin_node].name + " to " + nodes[dn].name);
      m->od_of[r * nn + dn] = static_cast<int>(m->ods.size());
      m->ods.push_back(od);
    }
  }

  // Drivers.
  DriverTable table(p.drivers.file);
  if (!p.drivers.monthly_file.empty()) table.add_monthly(p.drivers.monthly_file);
  if (p.drivers.observed_until > 0) {
    std::vector<std::string> growth;
    for (const auto& [country, col] : p.economy.gdp_driver) growth.push_back(col);
    for (const auto& col : p.drivers.mean_reverting)
      if (!table.has(col))
        fail("drivers.mean_reverting", "no column '" + col + "' in " + p.drivers.file);
    try {
      table.project_after(p.drivers.observed_until, growth, p.drivers.mean_reverting,
                          p.drivers.growth_window_years, "drivers.observed_until");
    } catch (const InputError& e) {
      // The table names its file; the mistake is the config's, so say where the key was set.
      fail("drivers.observed_until", e.detail() + " (" + p.drivers.file + ")");
    }
  }
  // Bounds of the possible, not of the plausible: a price must be positive, and a growth rate
  // of -100% or less has no logarithm (the index would be 0, then NaN).
  table.check_range("brent_usd_per_bbl", 0.01, 1000, "(USD per barrel)");
  // A driver over the run, relative to its level on the first day of the base year; the
  // series is computed from whichever of the two comes first, so that a growth index has
  // one origin.
  const Date base(p.economy.base_year, 1, 1);
  if (!table.covers(p.economy.base_year))
    fail("economy.base_year", "not a year of " + p.drivers.file);
  const Date lo = std::min(base, m->start);
  const int lead = m->start.serial() - lo.serial();
  const int span = std::max(lead + m->days, base.serial() - lo.serial() + 1);
  auto relative = [&](std::vector<double> full) {
    const double at_base = full[static_cast<std::size_t>(base.serial() - lo.serial())];
    std::vector<double> out(full.begin() + lead, full.begin() + lead + m->days);
    for (double& v : out) v /= at_base;
    return out;
  };
  auto column = [&](const std::string& key, const std::string& name) -> const std::string& {
    if (!table.has(name))
      throw InputError(p.drivers.file, 1, name, "column named by " + key + " is missing");
    return name;
  };
  // A column that a config key names but the table lacks is the config's mistake (the table
  // is the one the project ships): name where the key was set.
  auto config_column = [&](const std::string& key, const std::string& name) {
    if (table.has(name)) return;
    const Origin o = p.origin(key);
    throw InputError(o.file, o.line, key, "column '" + name + "' is not in " + p.drivers.file);
  };
  m->oil_index = relative(table.daily_level("brent_usd_per_bbl", lo, span));
  table.check_range("copper_usd_per_t", 0.01, 1e6, "(USD per tonne)");
  m->copper_index = relative(table.daily_level("copper_usd_per_t", lo, span));
  const std::size_t nc = m->countries.size();
  m->gdp_index.resize(nc);
  m->price_local.resize(nc);
  m->fx_index.resize(nc);
  m->price_usd.resize(nc);
  for (std::size_t c = 0; c < nc; ++c) {
    const std::string& name = m->countries[c];
    auto it = p.economy.gdp_driver.find(name);
    if (it == p.economy.gdp_driver.end()) fail("economy.gdp_driver." + name, "missing country");
    const std::string& gdp = column("economy.gdp_driver." + name, it->second);
    table.check_range(gdp, -75, 200, "(real GDP growth, percent per year)");
    m->gdp_index[c] = relative(table.daily_growth_index(gdp, lo, span));
    auto pit = p.economy.price_driver.find(name);
    if (pit == p.economy.price_driver.end())
      fail("economy.price_driver." + name, "missing country");
    const std::string& cpi = column("economy.price_driver." + name, pit->second);
    table.check_range(cpi, 1e-6, 1e9, "(consumer price index)");
    m->price_local[c] = relative(table.daily_level(cpi, lo, span));
    auto fit = p.economy.fx_driver.find(name);
    if (fit == p.economy.fx_driver.end()) {
      m->fx_index[c].assign(m->days, 1.0);
    } else {
      const std::string& fx = column("economy.fx_driver." + name, fit->second);
      table.check_range(fx, 1e-6, 1e9, "(currency units per US dollar)");
      m->fx_index[c] = relative(table.daily_level(fx, lo, span));
    }
    m->price_usd[c].resize(m->days);
    for (int d = 0; d < m->days; ++d) m->price_usd[c][d] = m->price_local[c][d] / m->fx_index[c][d];
  }
  // What imports compete with: a geometric mean (the unit-elasticity limit of a CES index)
  // of the destination's own prices and the competitor's, in the destination's currency.
  m->competing_price = m->price_local;
  for (const auto& [name, comp] : p.economy.import_competitors) {
    const std::string key = "economy.import_competitors." + name;
    const int c = m->country_index(name);
    if (c < 0) fail(key, "unknown country");
    if (comp.weight == 0) continue;
    const std::string& cpi = column(key + ".price", comp.price);
    table.check_range(cpi, 1e-6, 1e9, "(consumer price index)");
    const std::string& fx = column(key + ".fx", comp.fx);
    table.check_range(fx, 1e-6, 1e9, "(currency units per US dollar)");
    const std::vector<double> price = relative(table.daily_level(cpi, lo, span));
    const std::vector<double> rate = relative(table.daily_level(fx, lo, span));
    for (int d = 0; d < m->days; ++d) {
      const double in_local = price[d] / rate[d] * m->fx_index[c][d];
      m->competing_price[c][d] =
          std::pow(m->price_local[c][d], 1.0 - comp.weight) * std::pow(in_local, comp.weight);
    }
  }
  m->income_index = m->gdp_index;
  for (const auto& [name, inc] : p.economy.resource_income) {
    const std::string key = "economy.resource_income." + name;
    const int c = m->country_index(name);
    if (c < 0) fail(key, "unknown country");
    // Checked even while the share is 0, so that switching the channel on cannot meet it late.
    config_column(key + ".price", inc.price);
    config_column(key + ".deflator", inc.deflator);
    if (inc.gdp_share == 0) continue;
    table.check_range(inc.price, 1e-6, 1e9, "(commodity price, USD)");
    table.check_range(inc.deflator, 1e-6, 1e9, "(price index)");
    const std::vector<double> world = relative(table.daily_level(inc.price, lo, span));
    const std::vector<double> dollar = relative(table.daily_level(inc.deflator, lo, span));
    for (int d = 0; d < m->days; ++d)
      m->income_index[c][d] *= 1.0 + inc.gdp_share * (world[d] / dollar[d] - 1.0);
  }
  for (const auto& [key, map] : {std::pair{"price_driver", &p.economy.price_driver},
                                 std::pair{"fx_driver", &p.economy.fx_driver}})
    for (const auto& [country, col] : *map)
      if (m->country_index(country) < 0)
        fail(std::string("economy.") + key + "." + country, "unknown country");
  m->link_freight_usd_per_teu.assign(m->network.links().size(), {});
  for (const auto& [name, spec] : p.network.links) {
    if (spec.freight_driver.empty()) continue;
    const std::string key = "network.links." + name + ".freight_driver";
    config_column(key, spec.freight_driver);
    table.check_range(spec.freight_driver, 0, 1e6, "(freight rate, USD per FEU)");
    auto& series = m->link_freight_usd_per_teu[m->network.link_index(name)];
    series = table.daily_level(spec.freight_driver, m->start, m->days);
    for (double& v : series) v *= 0.5;  // a forty-foot box is two TEU
  }
  table.check_monthly();  // after the annual table's checks, so that its faults are named first
  const auto& pol = p.policy;
  if (!pol.rail_subsidy.schedule.empty()) {
    m->subsidy_origin = m->country_index(pol.rail_subsidy.origin);
    m->subsidy_destination = m->country_index(pol.rail_subsidy.destination);
    if (m->subsidy_origin < 0) fail("policy.rail_subsidy.origin", "unknown country");
    if (m->subsidy_destination < 0) fail("policy.rail_subsidy.destination", "unknown country");
  }
  if (!pol.route_risk.schedule.empty()) m->risk_corridor = parse_corridor(pol.route_risk.corridor);
  if (const auto& pipe = pol.pipeline_to_china; pipe.enabled) {
    if (pipe.deliveries_mt_per_year <= 0)
      fail("policy.pipeline_to_china.deliveries_mt_per_year", "needed (above 0) when enabled");
    m->kz_crude_room_base_mt = kz_crude_room_mt(pipe, base);
    const auto from = p.trade.base_flows_usd_bn.find(m->countries[m->kz]);
    if (from != p.trade.base_flows_usd_bn.end())
      if (const auto to = from->second.find(m->countries[m->cn]); to != from->second.end())
        m->kz_cn_energy_base_usd_bn = to->second[kEnergy];
    if (m->kz_cn_energy_base_usd_bn <= 0)
      fail("policy.pipeline_to_china",
           "needs Kazakh energy sales to China in trade.base_flows_usd_bn to ration");
    if (m->kz_crude_room_base_mt <= 0)
      fail("policy.pipeline_to_china.russian_transit",
           "leaves no room for Kazakh crude in the base year, whose flows it must carry");
    if (!pipe.gas_bcm.empty() && pipe.gas_usd_bn_per_bcm <= 0)
      fail("policy.pipeline_to_china.gas_usd_bn_per_bcm", "needed (above 0) to value gas_bcm");
  }
  for (const auto& [name, shock] : p.firms.productivity_shocks) {
    const std::string key = "firms.productivity_shocks." + name;
    Model::Shock s{
        name,        std::max(0, shock.start - m->start), m->country_index(shock.country), -1, -1,
        shock.factor};
    if (s.country < 0 || s.country >= m->n_firm_countries)
      fail(key + ".country", "'" + shock.country + "' is not a country with firms");
    for (int k = 0; k < kSectors; ++k)
      if (shock.sector == kSectorNames[k]) s.sector = k;
    if (shock.region != "all") {
      const int node = m->network.node_index(shock.region);
      s.region = node >= 0 ? m->region_of_node[node] : -1;
      if (s.region < 0 || m->regions[s.region].country != s.country)
        fail(key + ".region", "'" + shock.region + "' is not a region with firms in " +
                                  shock.country + " (or \"all\")");
    }
    m->productivity_shocks.push_back(s);
  }
  return m;
}

}  // namespace corridor

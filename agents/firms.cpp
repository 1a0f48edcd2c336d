#include "agents/firms.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/parallel.hpp"

namespace corridor {

namespace {
// A firm's day in the part-load cycle: splitmix64 of its index mapped onto the cycle by a
// multiplication (no division in the hot loop); the same for every seed, so a seed
// changes which orders are placed, not the timetable. Its partnerships leave a quarter of
// a cycle apart (part_load_day).
int firm_phase(std::size_t firm, int cycle) {
  std::uint64_t z = static_cast<std::uint64_t>(firm) + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<int>(((z >> 32) * static_cast<std::uint64_t>(cycle)) >> 32);
}

int part_load_day(int firm_phase, int slot, int cycle) {
  const int d = firm_phase + slot * cycle / kSlots;
  return d >= cycle ? d - cycle : d;
}
}  // namespace

void Firms::init(const Model& m, const Rng& rng, const TradeTables& t) {
  const std::size_t n = m.n_firms;
  region.resize(n);
  sector.resize(n);
  country.resize(n);
  exporter.assign(n, 0);
  foreign_owned.assign(n, 0);
  active.assign(n, 1);
  loss_months.assign(n, 0);
  for (auto* v : {&tfp, &capital, &labour, &capacity, &price, &inventory, &share, &output_month,
                  &profit_month, &exported_usd})
    v->assign(n, 0.0f);
  order_weight.assign(n, 1.0f);
  cash.assign(n, Money());
  buyer.assign(n, {-1, -1, -1, -1});
  dest.assign(n, {kNoPartner, kNoPartner, kNoPartner, kNoPartner});
  backlog.assign(n, {0, 0, 0, 0});
  proposal.assign(n, 0);
  proposal_route.assign(n, {-1, -1, -1, -1});

  const FirmParams& fp = m.params.firms;
  // One standard normal draw z per firm sets its productivity phi = exp(sigma_phi z) and
  // its size, which in a CES market grows as phi^(sigma - 1) (Melitz 2003): sizes are
  // lognormal with log s.d. productivity_sigma, so productivity has productivity_sigma /
  // (sigma - 1). Each (country, sector) is then scaled to its calibrated output.
  const double sigma = 1.0 + m.params.trade.trade_elasticity;
  std::vector<double> z(n), size(n);
  std::vector<double> size_total(kMaxFirmCountries * kSectors, 0.0);
  std::vector<double> input_total(kMaxFirmCountries * kSectors, 0.0);
  std::vector<std::vector<std::uint32_t>> members(kMaxFirmCountries * kSectors);
  for (std::size_t r = 0; r < m.regions.size(); ++r) {
    const auto& L = m.regions[r];
    for (int s = 0; s < kSectors; ++s)
      for (std::uint32_t k = 0; k < L.sector_count[s]; ++k) {
        const std::uint32_t i = L.sector_first[s] + k;
        region[i] = static_cast<std::uint16_t>(r);
        sector[i] = static_cast<std::uint8_t>(s);
        country[i] = static_cast<std::uint8_t>(L.country);
        const auto w = rng.words(i, -1, Purpose::kInit);
        z[i] = Rng::normal(w[0], w[1]);
        size[i] = std::exp(fp.productivity_sigma * z[i] -
                           0.5 * fp.productivity_sigma * fp.productivity_sigma);
        const int cs = L.country * kSectors + s;
        size_total[cs] += size[i];
        // Inputs per unit of output fall with productivity.
        input_total[cs] += size[i] * std::exp(-fp.productivity_sigma / (sigma - 1.0) * z[i]);
        members[cs].push_back(i);
      }
  }
  // Exporters: the most productive exporter_share of each country-sector (selection: only
  // they cover the fixed cost of exporting; the cutoff is set to match in price_exports).
  for (auto& v : members) {
    if (v.empty()) continue;
    const std::size_t n_exp =
        static_cast<std::size_t>(std::llround(fp.exporter_share[sector[v[0]]] * v.size()));
    if (n_exp == 0) continue;
    auto more_productive = [&](std::uint32_t a, std::uint32_t b) {
      return z[a] > z[b] || (z[a] == z[b] && a < b);
    };
    std::nth_element(v.begin(), v.begin() + (n_exp - 1), v.end(), more_productive);
    for (std::size_t k = 0; k < n_exp; ++k) exporter[v[k]] = 1;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const int c = country[i], s = sector[i], cs = c * kSectors + s;
    const double w = size[i] / size_total[cs];
    const double input_w =
        size[i] * std::exp(-fp.productivity_sigma / (sigma - 1.0) * z[i]) / input_total[cs];
    // Domestic capacity here; exporters get capacity for their orders once they have partners.
    const double cap = (m.base_output[c](s) - m.base_exports[c](s)) * m.gdp_index[c][0] /
                       fp.utilisation_target * w;
    const double cap_total =
        (m.base_output[c](s) - m.base_exports[c](s)) * m.gdp_index[c][0] / fp.utilisation_target;
    capacity[i] = static_cast<float>(cap);
    labour[i] = static_cast<float>(std::max(1e-3, m.base_jobs[c][s] * input_w));
    capital[i] = static_cast<float>(fp.capital_output_years * 365.0 * cap_total * input_w);
    tfp[i] = static_cast<float>(
        cap / (std::pow(capital[i], fp.capital_share) * std::pow(labour[i], 1 - fp.capital_share)));
    price[i] = 1.0f;
    share[i] = capacity[i];
    inventory[i] = static_cast<float>(fp.inventory_days * cap * fp.utilisation_target);
    cash[i] = Money::usd(30.0 * cap * fp.utilisation_target);
  }
  // Initial partners: as many as the search and the breaking of partnerships keep on
  // average, so that the economy does not start away from where its partnerships settle.
  // One attempt succeeds with chance a a day (search_success) and each partnership ends
  // with chance b: the number held is then distributed as lambda^n / n!, n = 0..4,
  // lambda = a / b (a birth-death chain with births while a slot is empty). Each exporter
  // draws its number from that distribution and finds them by the search used later,
  // without the chance of failure.
  for (std::size_t i = 0; i < n; ++i) {
    if (!exporter[i]) continue;
    const double lambda = search_success(m, t, i) / fp.partner_break_rate;
    std::array<double, kSlots + 1> cdf{};
    double term = 1.0, sum = 0.0;
    for (int k = 0; k <= kSlots; ++k) {
      if (k > 0) term *= lambda / k;
      cdf[k] = sum += term;
    }
    const double u = Rng::unit(rng.words(i, -1, Purpose::kPartnerSearch, kSlots * 8)[0]) * sum;
    int partners = 0;
    while (partners < kSlots && cdf[partners] <= u) ++partners;
    for (int k = 0; k < partners; ++k)
      for (std::uint32_t attempt = 0; attempt < 8; ++attempt)
        if (try_partner(m, t, i, k, rng.words(i, -1, Purpose::kPartnerSearch, k * 8 + attempt),
                        true))
          break;
  }
  refresh_inv_tfp();
}

void Firms::add_export_capacity(const Model& m, const std::vector<double>& orders) {
  const FirmParams& fp = m.params.firms;
  std::vector<double> labour_total(kMaxFirmCountries * kSectors, 0.0);
  for (std::size_t i = 0; i < size(); ++i) {
    if (orders[i] > 0 && capacity[i] > 0) {
      const double scale = (capacity[i] + orders[i] / fp.utilisation_target) / capacity[i];
      capacity[i] = static_cast<float>(capacity[i] * scale);
      capital[i] = static_cast<float>(capital[i] * scale);
      labour[i] = static_cast<float>(labour[i] * scale);
      inventory[i] = static_cast<float>(inventory[i] * scale);
      cash[i] = Money::usd(cash[i].usd() * scale);
    }
    labour_total[country[i] * kSectors + sector[i]] += labour[i];
  }
  for (std::size_t i = 0; i < size(); ++i) {
    const int c = country[i], s = sector[i];
    const double k = labour_total[c * kSectors + s] > 0
                         ? m.base_jobs[c][s] / labour_total[c * kSectors + s]
                         : 1.0;
    labour[i] = static_cast<float>(std::max(1e-3, labour[i] * k));
    tfp[i] = static_cast<float>(capacity[i] / (std::pow(capital[i], fp.capital_share) *
                                               std::pow(labour[i], 1 - fp.capital_share)));
    share[i] = capacity[i];  // the same rule as at every month end, at price 1
  }
  refresh_inv_tfp();
}

void Firms::refresh_inv_tfp() {
  inv_tfp.resize(size());
  parallel_for_index(size(), [&](std::size_t i) { inv_tfp[i] = tfp[i] > 0 ? 1.0 / tfp[i] : 0.0; });
}

void Firms::price_exports(const Model& m, TradeTables& t) {
  const double sigma = 1.0 + m.params.trade.trade_elasticity;
  const int ncs = m.n_firm_countries * kSectors;
  // The productivity whose price is the index: the CES mean over partnerships (over all
  // firms where a country-sector has none) of tfp^(sigma - 1).
  std::vector<double> num(ncs, 0.0), den(ncs, 0.0), num_all(ncs, 0.0), den_all(ncs, 0.0);
  for (std::size_t i = 0; i < size(); ++i) {
    const int cs = country[i] * kSectors + sector[i];
    const double x = std::pow(tfp[i], sigma - 1.0);
    num[cs] += partners(i) * x;
    den[cs] += partners(i);
    num_all[cs] += x;
    den_all[cs] += 1;
  }
  t.tfp_ref.assign(ncs, 1.0);
  t.cost_ref.assign(ncs, 1.0);
  t.export_index.assign(ncs, 1.0);
  t.export_cutoff.assign(ncs, std::numeric_limits<double>::infinity());
  for (int cs = 0; cs < ncs; ++cs)
    if (den[cs] > 0 || den_all[cs] > 0)
      t.tfp_ref[cs] = std::pow(den[cs] > 0 ? num[cs] / den[cs] : num_all[cs] / den_all[cs],
                               1.0 / (sigma - 1.0));
  // Unit costs relative to the country-sector's, cost_ref / tfp, average 1 over capacity,
  // so domestic sales and inputs are worth what the calibration says.
  std::vector<double> cap_sum(ncs, 0.0), cap_over_tfp(ncs, 0.0);
  for (std::size_t i = 0; i < size(); ++i) {
    const int cs = country[i] * kSectors + sector[i];
    cap_sum[cs] += capacity[i];
    cap_over_tfp[cs] += capacity[i] / tfp[i];
  }
  for (int cs = 0; cs < ncs; ++cs)
    if (cap_over_tfp[cs] > 0) t.cost_ref[cs] = cap_sum[cs] / cap_over_tfp[cs];
  // The marginal exporter of each country-sector just covers the fixed cost today.
  for (std::size_t i = 0; i < size(); ++i) {
    const int cs = country[i] * kSectors + sector[i];
    const double r = relative_price(t, i);
    order_weight[i] = static_cast<float>(std::pow(r, -sigma));
    if (exporter[i]) t.export_cutoff[cs] = std::min(t.export_cutoff[cs], std::pow(r, 1.0 - sigma));
  }
}

void Firms::shock_productivity(const Model::Shock& s) {
  for (std::size_t i = 0; i < size(); ++i)
    if (country[i] == s.country && sector[i] == s.sector &&
        (s.region < 0 || region[i] == s.region)) {
      tfp[i] = static_cast<float>(tfp[i] * s.factor);
      capacity[i] = static_cast<float>(capacity[i] * s.factor);
    }
  refresh_inv_tfp();
}

Money Firms::daily_wages(const Model& m, std::size_t i) const {
  return Money::usd(m.wage_per_worker_day[country[i]][sector[i]] * labour[i]);
}

double Firms::search_success(const Model& m, const TradeTables& t, std::size_t i) const {
  const int nc = t.n_countries, oc = country[i], s = sector[i];
  const double* cdf = &t.dest_country_cdf[(oc * kSectors + s) * nc];
  if (cdf[nc - 1] <= 0) return 0.0;
  const double search = m.params.firms.partner_search_rate;
  const int nr = static_cast<int>(m.regions.size()), r = region[i];
  double chance = 0.0;
  for (int dc = 0; dc < nc; ++dc) {
    const double p_country = (cdf[dc] - (dc > 0 ? cdf[dc - 1] : 0.0)) / cdf[nc - 1];
    if (p_country <= 0) continue;
    if (m.market_node_of_country[dc] >= 0) {
      chance += p_country * search;
      continue;
    }
    const double* rc = &t.region_cdf[(static_cast<std::size_t>(r) * nc + dc) * nr];
    if (rc[nr - 1] <= 0) continue;
    for (int rd = 0; rd < nr; ++rd) {
      const double p_region = (rc[rd] - (rd > 0 ? rc[rd - 1] : 0.0)) / rc[nr - 1];
      if (p_region > 0 && m.regions[rd].sector_count[s] > 0)
        chance += p_country * p_region * search * t.contact_multiplier[r * nr + rd];
    }
  }
  return std::min(1.0, chance);
}

std::int64_t Firms::buyer_reached(const RegionLayout& L, int s, double u) const {
  const std::uint32_t n_s = L.sector_count[s];
  if (n_s == 0) return -1;
  // A buyer that has closed passes its customers to the next firm of its region and sector
  // that still trades: the region's demand for imports (7.2) does not shrink with the number
  // of its firms (exit moves domestic demand to the survivors, and the aggregate import
  // elasticities already hold the extensive margin), so a failed search on a closed slot
  // would count the buyers' exits twice.
  std::uint32_t off = std::min(n_s - 1, static_cast<std::uint32_t>(u * n_s)), probed = 0;
  while (!active[L.sector_first[s] + off] && ++probed < n_s) off = off + 1 == n_s ? 0 : off + 1;
  const std::uint32_t b = L.sector_first[s] + off;
  return active[b] ? static_cast<std::int64_t>(b) : -1;
}

bool Firms::try_partner(const Model& m, const TradeTables& t, std::size_t i, int slot,
                        const std::array<std::uint32_t, 4>& w, bool always) {
  const int nc = t.n_countries, oc = country[i], s = sector[i];
  const double* cdf = &t.dest_country_cdf[(oc * kSectors + s) * nc];
  if (cdf[nc - 1] <= 0) return false;
  const double u = Rng::unit(w[0]) * cdf[nc - 1];
  int dc = 0;
  while (dc < nc - 1 && cdf[dc] <= u) ++dc;
  const double search = m.params.firms.partner_search_rate;
  if (m.market_node_of_country[dc] >= 0) {
    if (!always && Rng::unit(w[1]) >= search) return false;
    dest[i][slot] = static_cast<std::uint16_t>(m.market_node_of_country[dc]);
    buyer[i][slot] = -1;
    return true;
  }
  // A partner firm in a region of the destination country, more likely where business
  // travellers have built contacts.
  const int nr = static_cast<int>(m.regions.size()), r = region[i];
  const double* rc = &t.region_cdf[(static_cast<std::size_t>(r) * nc + dc) * nr];
  if (rc[nr - 1] <= 0) return false;
  const double ur = Rng::unit(w[1]) * rc[nr - 1];
  int rd = 0;
  while (rd < nr - 1 && rc[rd] <= ur) ++rd;
  if (!always && Rng::unit(w[2]) >= search * t.contact_multiplier[r * nr + rd]) return false;
  // The buyer sells the same kind of goods in its market (imports compete with local
  // producers of that sector).
  const auto& L = m.regions[rd];
  const std::int64_t b = buyer_reached(L, s, Rng::unit(w[3]));
  if (b < 0) return false;
  dest[i][slot] = static_cast<std::uint16_t>(L.node);
  buyer[i][slot] = static_cast<std::int32_t>(b);
  return true;
}

FirmTotals Firms::step(const DayContext& ctx, const TradeTables& t) {
  const Model& m = ctx.model;
  const FirmParams& fp = m.params.firms;
  const int nc = t.n_countries;
  const std::size_t nn = m.network.nodes().size();
  std::array<double, kMaxFirmCountries * kSectors> input_share{};
  for (int c = 0; c < m.n_firm_countries; ++c)
    for (int s = 0; s < kSectors; ++s) input_share[c * kSectors + s] = m.io[c].col(s).sum();
  const double capital_cost_day = fp.depreciation_per_year / 365.0;
  // Part loads leave every `cycle` days; a slot leaves today if its part-load day is
  // (cycle - day mod cycle) mod cycle.
  const int cycle = m.params.trade.max_wait_days;
  const int today = (cycle - ctx.day % cycle) % cycle;

  return deterministic_fold<FirmTotals>(size(), [&](std::size_t i, FirmTotals& tot) {
    proposal[i] = 0;
    if (!active[i]) return;
    const int c = country[i], s = sector[i], cs = c * kSectors + s;
    // Orders from partners; a partnership may end today. Most firms hold none: the draw
    // (a pure function of its key) is made only for those that do.
    bool partnered = false;
    for (int k = 0; k < kSlots; ++k) partnered |= dest[i][k] != kNoPartner;
    std::array<std::uint32_t, 4> w{};
    if (partnered) w = ctx.rng.words(i, ctx.day, Purpose::kFirmDaily);
    std::array<double, kSlots> order{};
    std::array<int, kSlots> od_of_slot{};
    double orders = 0;
    bool empty_slot = false;
    for (int k = 0; k < kSlots; ++k) {
      const std::uint16_t d = dest[i][k];
      if (d == kNoPartner) {
        empty_slot = true;
        continue;
      }
      const std::int32_t b = buyer[i][k];
      const double breaking = fp.partner_break_rate * (b >= 0 && !active[b] ? 20.0 : 1.0);
      if (Rng::unit(w[k]) < breaking) {
        dest[i][k] = kNoPartner;
        buyer[i][k] = -1;
        backlog[i][k] = 0;  // orders not yet shipped are cancelled with the partnership
        empty_slot = true;
        continue;
      }
      const int dc = m.country_of_node[d];
      const int od = m.od_of[region[i] * nn + d];
      od_of_slot[k] = od;
      const int pair = (c * nc + dc) * kSectors + s;
      order[k] = (std::min(t.order_rate[pair] * t.od_factor[od * kSectors + s], t.order_cap[pair]) +
                  t.order_contract[pair]) *
                 order_weight[i];
      orders += order[k];
      tot.partnerships_cnkz += (dc == m.cn || dc == m.kz);
    }
    // Production against domestic demand plus orders.
    const double cap = capacity[i];
    const double domestic = share[i] * t.demand_per_share[cs];
    const double demand = domestic + orders;
    const double inv = inventory[i];
    const double planned =
        demand + (fp.inventory_days * demand - inv) / std::max(1.0, fp.inventory_days);
    const double out = std::clamp(planned, 0.0, cap);
    const double available = inv + out;
    const double sales = std::min(demand, available);
    // Most firms meet their demand; those skip a division (sales == demand gives 1 anyway).
    const double fill = sales < demand ? sales / demand : 1.0;
    inventory[i] = static_cast<float>(available - sales);
    // Productivity sets the firm's relative export price and its unit cost, through 1/tfp.
    const double inv_tfp = this->inv_tfp[i];
    const bool productive = inv_tfp > 0;  // not in a country-sector without base output
    // Orders are quantities; the backlog holds their value at base-year dollar prices, at
    // the firm's relative price.
    if (orders > 0) {
      const double r = t.tfp_ref[cs] * inv_tfp;
      for (int k = 0; k < kSlots; ++k) {
        order[k] *= r;
        backlog[i][k] += static_cast<float>(order[k] * fill);
      }
    }
    // Prices rise when demand presses on capacity.
    const double pressure = cap > 0 ? demand / cap - fp.utilisation_target : 0.0;
    price[i] = static_cast<float>(
        std::clamp(price[i] * (1.0 + fp.price_adjustment * pressure), 0.25, 4.0));
    // Domestic revenue now; export revenue arrives when the buyer settles. Quantities are
    // in base-year dollars; money at today's prices of the firm's country. Productivity
    // saves every input, intermediate ones included (labour and capital per unit of
    // capacity already fall with it), and the firm prices at a markup over that unit cost
    // at home as abroad, so a less productive firm charges more rather than losing money.
    const double p = t.price_level[c];
    const double unit_cost = productive ? t.cost_ref[cs] * inv_tfp : 1.0;
    const double revenue = domestic * fill * price[i] * unit_cost * p;
    const double cost = (m.wage_per_worker_day[c][s] * labour[i] +
                         input_share[cs] * out * unit_cost + capital_cost_day * capital[i]) *
                        p;
    const double profit = revenue - cost;
    // The firm pays daily_wages(m, i) to the households of its region and receives the
    // rest, cash_flow + daily_wages, from the economy outside the agents: both are booked
    // from totals (Simulation::phase_production), so one rounding per firm and day.
    const Money cash_flow = Money::usd(profit);
    cash[i] += cash_flow;
    tot.cash_flow_cents += cash_flow.cents();
    profit_month[i] += static_cast<float>(profit);
    output_month[i] += static_cast<float>(out);
    tot.output[cs] += out;
    // Search for a new partner to fill an empty slot.
    if (exporter[i] && empty_slot)
      for (int k = 0; k < kSlots; ++k)
        if (dest[i][k] == kNoPartner) {
          try_partner(m, t, i, k, ctx.rng.words(i, ctx.day, Purpose::kPartnerSearch), false);
          break;
        }
    // Propose a shipment for every partner whose backlog fills a load, and for every
    // partner whose part-load day it is: a forwarder's groupage to a destination leaves on
    // a schedule, each partnership on its own day of a max_wait_days cycle. A rule such as
    // "ship once the backlog holds W days of orders" would tie departures to today's order
    // rate, which every firm reads from the same route costs: a jump in a queue lowers
    // every threshold at once, those loads leave together, and again W days later, until
    // most of the economy ships in fortnightly pulses.
    int phase = -1;  // the firm's, computed when a slot needs it
    auto due = [&](int k) {
      if (phase < 0) phase = firm_phase(i, cycle);
      return part_load_day(phase, k, cycle) == today;
    };
    // A run starts in the middle of trade, not with every backlog empty: each partnership
    // holds what it has received since its last departure (for those that ship full
    // loads, the same fraction of a load).
    if (ctx.day == 0 && orders > 0) {
      phase = firm_phase(i, cycle);
      for (int k = 0; k < kSlots; ++k) {
        const double since = (part_load_day(phase, k, cycle) + cycle - 1) % cycle;
        backlog[i][k] +=
            static_cast<float>(std::min(order[k] * since, t.shipment_value[s] * since / cycle));
      }
    }
    bool drawn = false;
    std::array<std::uint32_t, 4> u{};
    for (int k = 0; k < kSlots; ++k)
      if (const bool full = backlog[i][k] >= t.shipment_value[s];
          dest[i][k] != kNoPartner && backlog[i][k] > 0 && (full || due(k))) {
        proposal[i] |= static_cast<std::uint8_t>(1u << k | (full ? 1u << (kSlots + k) : 0u));
        // The route, by one uniform draw against today's logit table; drawn here, in
        // parallel, so that dispatch only commits.
        if (!drawn) u = ctx.rng.words(i, ctx.day, Purpose::kRouteChoice), drawn = true;
        const OdPair& od = m.ods[od_of_slot[k]];
        const double* c = &t.route_cdf[(od_of_slot[k] * kSectors + s) * t.max_routes];
        int pick = 0;
        while (pick < t.max_routes - 1 && c[pick] <= Rng::unit(u[k])) ++pick;
        const bool pipe = s == kEnergy && od.pipe_end > od.pipe_begin;
        proposal_route[i][k] = (pipe ? od.pipe_begin : od.routes_begin) + pick;
      }
  });
}

MonthTotals Firms::month_end(const DayContext& ctx, const TradeTables& t, int days_in_month,
                             const MonthTotals& before) {
  const Model& m = ctx.model;
  const FirmParams& fp = m.params.firms;
  const double sigma = 1.0 + m.params.trade.trade_elasticity;
  // Per country-sector: R^sigma, and the relative prices r below which a firm starts and
  // above which it stops exporting ((r / R)^(1-sigma) against (1 +- h) v*), so that only
  // exporters need a power in the loop below.
  const int ncs = m.n_firm_countries * kSectors;
  std::array<double, kMaxFirmCountries * kSectors> index_pow{}, r_enter{}, r_leave{};
  for (int cs = 0; cs < ncs; ++cs) {
    index_pow[cs] = std::pow(t.export_index[cs], sigma);
    const double cut = t.export_cutoff[cs];
    r_enter[cs] =
        std::isfinite(cut)
            ? t.export_index[cs] * std::pow(cut * (1.0 + fp.export_hysteresis), 1.0 / (1.0 - sigma))
            : 0.0;
    r_leave[cs] =
        std::isfinite(cut)
            ? t.export_index[cs] * std::pow(cut * (1.0 - fp.export_hysteresis), 1.0 / (1.0 - sigma))
            : 0.0;
  }
  return deterministic_fold<MonthTotals>(size(), [&](std::size_t i, MonthTotals& tot) {
    // A firm that does not produce pays its cash (which deliveries still settling may
    // change) out to its owners, so an entrant takes the slot without it.
    auto pay_out = [&] {
      tot.paid_out_cents[region[i]] += cash[i].cents();
      cash[i] = Money();
    };
    if (!active[i]) pay_out();
    const int cs0 = country[i] * kSectors + sector[i];
    if (!active[i] && before.firms[cs0] > 0 &&
        Rng::unit(ctx.rng.words(i, ctx.day, Purpose::kEntry)[0]) < fp.entry_rate) {
      // A new firm takes the vacant slot at half the average size of its country-sector,
      // with the slot's productivity; it starts without partners, stock or cash.
      active[i] = 1;
      loss_months[i] = 0;
      labour[i] = static_cast<float>(0.5 * before.labour[cs0] / before.firms[cs0]);
      capital[i] = static_cast<float>(0.5 * before.capital[cs0] / before.firms[cs0]);
      capacity[i] = static_cast<float>(tfp[i] * std::pow(capital[i], fp.capital_share) *
                                       std::pow(labour[i], 1 - fp.capital_share));
      price[i] = 1.0f;
      inventory[i] = 0;
      cash[i] = Money();
      foreign_owned[i] = 0;
      exporter[i] = 0;  // until it finds exporting pays (below)
      exported_usd[i] = 0;
      share[i] = capacity[i];
      output_month[i] = static_cast<float>(capacity[i] * fp.utilisation_target * days_in_month);
      profit_month[i] = 0;
    }
    if (active[i]) {
      const double u = capacity[i] > 0 ? output_month[i] / (capacity[i] * days_in_month) : 0.0;
      loss_months[i] =
          profit_month[i] < 0 ? static_cast<std::uint8_t>(std::min(255, loss_months[i] + 1)) : 0;
      if (loss_months[i] >= fp.exit_months) {
        // Exit: the firm stops producing; its partnerships and open orders end.
        active[i] = 0;
        dest[i] = {kNoPartner, kNoPartner, kNoPartner, kNoPartner};
        buyer[i] = {-1, -1, -1, -1};
        backlog[i] = {0, 0, 0, 0};
        share[i] = 0;
        labour[i] = 0;
        pay_out();
      } else {
        double k = capital[i] * (1.0 - fp.depreciation_per_year / 12.0);
        if (u > fp.utilisation_target + 0.05 && profit_month[i] > 0) k *= 1.0 + fp.invest_rate;
        capital[i] = static_cast<float>(k);
        const double target = labour[i] * u / fp.utilisation_target;
        labour[i] =
            static_cast<float>(std::max(1e-3, labour[i] + fp.hire_rate * (target - labour[i])));
        capacity[i] = static_cast<float>(tfp[i] * std::pow(capital[i], fp.capital_share) *
                                         std::pow(labour[i], 1 - fp.capital_share));
        share[i] = static_cast<float>(capacity[i] * std::pow(price[i], -fp.price_elasticity));
      }
    }
    if (active[i]) {
      // Buyers revise their orders to the firm's price, and the firm decides whether
      // exporting covers its fixed cost: its export profit is proportional to its share of
      // its country-sector's export market, (r / index)^(1 - sigma), against the marginal
      // exporter's at start, with a band for the sunk cost of entering or leaving. The
      // fixed cost moves with the market (reaching more buyers costs more, Arkolakis 2010),
      // so demand, exchange rates and route costs act on what exporters sell (with the
      // aggregate elasticities of trade.income_elasticity and fx_elasticity, which already
      // hold the extensive margin) and selection sorts firms by relative productivity.
      const int cs = country[i] * kSectors + sector[i];
      const double r_abs = relative_price(t, i);
      if (!exporter[i] && r_abs < r_enter[cs]) {
        exporter[i] = 1;
      } else if (exporter[i] && !(r_abs < r_leave[cs])) {
        exporter[i] = 0;
        dest[i] = {kNoPartner, kNoPartner, kNoPartner, kNoPartner};
        buyer[i] = {-1, -1, -1, -1};
        backlog[i] = {0, 0, 0, 0};
      }
      double x = 0;  // r_abs^-sigma
      if (exporter[i]) {
        x = std::pow(r_abs, -sigma);
        order_weight[i] = static_cast<float>(x * index_pow[cs]);
      }
      const int n = partners(i);
      tot.export_partners[cs] += n;
      if (n > 0) tot.export_price_sum[cs] += n * x * r_abs;
      tot.exporters[cs] += exporter[i];
      tot.exporter_tfp[cs] += exporter[i] ? tfp[i] : 0.0f;
      tot.active_tfp[cs] += tfp[i];
      tot.active_firms[cs] += 1;
    }
    output_month[i] = 0;
    profit_month[i] = 0;
    const int cs = country[i] * kSectors + sector[i];
    tot.share[cs] += share[i];
    tot.labour[cs] += active[i] ? labour[i] : 0.0f;
    tot.capital[cs] += active[i] ? capital[i] : 0.0f;
    tot.firms[cs] += active[i];
    tot.active += active[i];
    if (active[i]) tot.wages_cents[region[i]] += daily_wages(m, i).cents();
  });
}

}  // namespace corridor

#include "sim/simulation.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/memory.hpp"
#include "sim/parallel.hpp"

namespace corridor {

const std::vector<Simulation::Phase>& Simulation::schedule() {
  static const std::vector<Phase> phases = {
      {"policy", "governments apply the policy schedule; switches go to the event table",
       &Simulation::phase_policy},
      {"travel", "traveller cohorts make trips; business contacts build up, tourists spend",
       &Simulation::phase_travel},
      {"routing", "route costs and logit choice tables; sector demand; orders per partnership",
       &Simulation::phase_routing},
      {"production", "firms produce, price, keep or lose partners, search, propose shipments",
       &Simulation::phase_production},
      {"shipping", "firms' proposals (routes already drawn) become shipments; fees paid",
       &Simulation::phase_shipping},
      {"transport", "shipments move one day along their links", &Simulation::phase_transport},
      {"border_queues", "ports and crossings clear their FIFO queues up to capacity",
       &Simulation::phase_border},
      {"settlement", "buyers pay on delivery in the currency the pair chooses",
       &Simulation::phase_settlement},
      {"investment", "projects build and complete; investors fund projects and FDI monthly",
       &Simulation::phase_investment},
      {"accounting", "month end: firms invest, hire or exit; stocks for the record",
       &Simulation::phase_accounting},
  };
  return phases;
}

Simulation::Simulation(std::shared_ptr<const Model> model, std::uint64_t seed)
    : model_(std::move(model)), seed_(seed), rng_(seed) {
  const Model& m = *model_;
  State& st = state_;
  const int nc = static_cast<int>(m.countries.size());
  const int nfc = m.n_firm_countries;
  st.policy.processing_days.assign(m.network.nodes().size(), 0.0);
  st.policy_before = st.policy;
  policy_at(m.params.policy, m.base_processing_days, m.node_names, m.start, st.policy);
  const DayContext ctx0{m, 0, m.start, rng_, st.policy};

  st.infrastructure.init(m);
  st.travellers.init(m);
  st.investors.init(m);
  st.accounts.init(m);

  // Shipment pool sized for the longest plausible pipeline of trips, so it never grows.
  const auto pool = static_cast<std::size_t>(shipment_pool_slots(m.params));
  st.shipments.init(pool, static_cast<std::size_t>(consignment_slots(m.params, m.n_firms)));
  st.crossings.init(m.network.crossings().size(), pool);
  st.out.resize(nc, static_cast<int>(m.network.crossings().size()), nfc);

  // Trade tables: where exporters look for partners (by base flows), then the reference
  // route costs that calibrate orders.
  TradeTables& t = st.trade;
  t.n_countries = nc;
  t.demand_per_share.assign(nfc * kSectors, 0.0);
  t.order_rate.assign(nc * nc * kSectors, 0.0);
  t.order_cap.assign(nc * nc * kSectors, std::numeric_limits<double>::infinity());
  t.order_contract.assign(nc * nc * kSectors, 0.0);
  t.price_level.assign(nfc, 1.0);
  t.export_price.assign(nc * kSectors, 1.0);
  t.od_factor.assign(m.ods.size() * kSectors, 1.0);
  t.dest_country_cdf.assign(nc * kSectors * nc, 0.0);
  for (int oc = 0; oc < nc; ++oc)
    for (int s = 0; s < kSectors; ++s) {
      double sum = 0;
      auto it = m.params.trade.base_flows_usd_bn.find(m.countries[oc]);
      for (int dc = 0; dc < nc; ++dc) {
        if (it != m.params.trade.base_flows_usd_bn.end()) {
          auto jt = it->second.find(m.countries[dc]);
          if (jt != it->second.end() && dc != oc) sum += jt->second[s];
        }
        t.dest_country_cdf[(oc * kSectors + s) * nc + dc] = sum;
      }
    }
  for (int s = 0; s < kSectors; ++s)
    t.shipment_value[s] = m.params.trade.shipment_teu * m.params.trade.value_per_teu_usd[s];
  refresh_partner_choice(ctx0);
  st.routes.compute(ctx0, st.infrastructure, st.crossings, true);
  t.route_cdf = st.routes.cdf.data();
  t.max_routes = st.routes.max_routes;

  st.firms.init(m, rng_, t);

  // Orders per partnership reproduce the base year's flows with the initial partnerships,
  // each weighted by its exporter's orders at start (price_exports) and valued at its price.
  st.firms.price_exports(m, t);
  std::vector<double> initial_value(nc * nc * kSectors, 0.0);
  for (std::size_t i = 0; i < st.firms.size(); ++i)
    for (int k = 0; k < kSlots; ++k)
      if (st.firms.dest[i][k] != kNoPartner) {
        const int dc = m.country_of_node[st.firms.dest[i][k]];
        const int j = (st.firms.country[i] * nc + dc) * kSectors + st.firms.sector[i];
        initial_value[j] += st.firms.order_weight[i] * st.firms.relative_price(t, i);
      }
  st.base_order_rate.assign(nc * nc * kSectors, 0.0);
  for (const auto& [o, by_dest] : m.params.trade.base_flows_usd_bn)
    for (const auto& [d, flows] : by_dest)
      for (int s = 0; s < kSectors; ++s) {
        const int k = (m.country_index(o) * nc + m.country_index(d)) * kSectors + s;
        if (initial_value[k] > 0) st.base_order_rate[k] = flows[s] * 1e9 / 365.0 / initial_value[k];
      }

  std::vector<double> orders(st.firms.size(), 0.0);
  for (std::size_t i = 0; i < st.firms.size(); ++i)
    for (int k = 0; k < kSlots; ++k)
      if (st.firms.dest[i][k] != kNoPartner) {
        const int dc = m.country_of_node[st.firms.dest[i][k]];
        orders[i] +=
            st.base_order_rate[(st.firms.country[i] * nc + dc) * kSectors + st.firms.sector[i]] *
            st.firms.order_weight[i] * m.gdp_index[dc][0];
      }
  st.firms.add_export_capacity(m, orders);
  st.firms.price_exports(m, t);  // the same prices, at the productivity the workforce gives

  st.share_total.assign(nfc * kSectors, 0.0);
  st.labour_total.assign(nfc * kSectors, 0.0);
  add_month_totals(deterministic_sum<MonthTotals>(st.firms.size(), [&](std::size_t i) {
    MonthTotals tot;
    const int cs = st.firms.country[i] * kSectors + st.firms.sector[i];
    tot.share[cs] = st.firms.share[i];
    tot.labour[cs] = st.firms.labour[i];
    tot.capital[cs] = st.firms.capital[i];
    tot.firms[cs] = 1;
    tot.active = 1;
    tot.wages_cents[st.firms.region[i]] = st.firms.daily_wages(m, i).cents();
    tot.exporters[cs] = st.firms.exporter[i];
    tot.exporter_tfp[cs] = st.firms.exporter[i] ? st.firms.tfp[i] : 0.0f;
    tot.active_tfp[cs] = st.firms.tfp[i];
    tot.active_firms[cs] = 1;
    return tot;
  }));
  st.output_before = m.base_output;
  for (int c = 0; c < nfc; ++c) st.output_before[c] *= m.gdp_index[c][0];
  // Households start as if they had been paid yesterday: day 0 consumption is the 2013 one.
  for (std::size_t r = 0; r < m.regions.size(); ++r) {
    const double price = m.price_usd[m.regions[r].country][0];
    const Money w = Money::usd(1e-2 * static_cast<double>(st.month.wages_cents[r]) * price);
    st.accounts.income_before[r] = w - w.basis_points(m.income_tax_bp[m.regions[r].country]);
  }
  seconds_.assign(schedule().size() + 1, 0.0);
}

Money money_holdings(const State& st) {
  Money total = st.accounts.holdings();
  for (Money c : st.firms.cash) total += c;
  for (Money b : st.investors.budget) total += b;
  return total;
}

void Simulation::restored() {
  state_.trade.route_cdf = state_.routes.cdf.data();
  state_.firms.refresh_inv_tfp();
}

void Simulation::add_month_totals(const MonthTotals& t) {
  state_.month = t;
  for (std::size_t k = 0; k < state_.share_total.size(); ++k) {
    state_.share_total[k] = t.share[k];
    state_.labour_total[k] = t.labour[k];
  }
  state_.firms_active = t.active;
}

// Destination regions weighted by firm counts and business contacts.
void Simulation::refresh_partner_choice(const DayContext& ctx) {
  const Model& m = ctx.model;
  TradeTables& t = state_.trade;
  const int nr = static_cast<int>(m.regions.size()), nc = t.n_countries;
  const double effect = m.params.firms.contact_effect;
  t.region_cdf.assign(static_cast<std::size_t>(nr) * nc * nr, 0.0);
  t.contact_multiplier.assign(static_cast<std::size_t>(nr) * nr, 0.0);
  for (int a = 0; a < nr; ++a)
    for (int b = 0; b < nr; ++b)
      t.contact_multiplier[a * nr + b] =
          (1.0 + effect * state_.travellers.contact_index(nr, a, b)) / (1.0 + effect);
  for (int a = 0; a < nr; ++a)
    for (int dc = 0; dc < nc; ++dc) {
      double sum = 0;
      for (int b = 0; b < nr; ++b) {
        if (m.regions[b].country == dc && dc != m.regions[a].country)
          sum += m.regions[b].count * t.contact_multiplier[a * nr + b];
        t.region_cdf[(static_cast<std::size_t>(a) * nc + dc) * nr + b] = sum;
      }
    }
}

void Simulation::step() {
  const Model& m = *model_;
  const int day = state_.day;
  const DayContext ctx{m, day, m.date(day), rng_, state_.policy};
  state_.out.reset_flows();
  state_.accounts.reset_flows();
#ifdef CORRIDOR_CHECKS
  const Money holdings_before = money_holdings(state_);
#endif
  const auto& phases = schedule();
  for (std::size_t p = 0; p < phases.size(); ++p) {
    const auto t0 = std::chrono::steady_clock::now();
    (this->*phases[p].run)(ctx);
    seconds_[p] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
#ifdef CORRIDOR_CHECKS
  check_invariants(holdings_before);
#endif
  ++state_.day;
}

// Stock-flow consistency and capacity, every day, in checked builds (CORRIDOR_CHECKS).
void Simulation::check_invariants(Money holdings_before) const {
  const State& st = state_;
  if (money_holdings(st) - holdings_before != st.accounts.row_total())
    throw std::logic_error(
        "money holdings changed by other than the flows with the rest of the "
        "world");
  const Ledger& l = st.ledger;
  if (l.shipped != l.received + l.in_transit || l.in_transit.cents() < 0)
    throw std::logic_error("value shipped != value received + value in transit");
  for (std::size_t x = 0; x < st.out.throughput_teu.size(); ++x)
    if (st.out.throughput_teu[x] > st.out.capacity_teu[x] + 1e-9)
      throw std::logic_error("crossing processed more than its capacity");
  std::size_t busy = 0;
  for (std::size_t s = 0; s < st.shipments.capacity(); ++s)
    busy += st.shipments.state[s] != ShipState::kFree;
  if (busy != st.shipments.active()) throw std::logic_error("shipment pool free list out of step");
  std::size_t listed = 0;
  for (std::size_t s = 0; s < st.shipments.capacity(); ++s)
    for (std::int32_t c = st.shipments.first[s]; c >= 0; c = st.shipments.consignments.next[c])
      ++listed;
  if (listed != st.shipments.consignments.active())
    throw std::logic_error("consignment free list out of step with the shipments' lists");
}

void Simulation::run(Recorder* recorder, const std::function<void(int)>& progress, int until) {
  while (!done() && (until < 0 || state_.day < until)) {
    step();
    if (recorder) {
      const auto t0 = std::chrono::steady_clock::now();
      recorder->record(*this);
      seconds_.back() +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    if (progress) progress(state_.day);
  }
}

void Simulation::phase_policy(const DayContext& ctx) {
  State& st = state_;
  st.policy_before = st.policy;
  if (ctx.day == 0) {
    // Levers already on at the start are reported as switched on at day 0: compare with
    // every lever off and the network's own processing times.
    st.policy_before = PolicyState{};
    st.policy_before.processing_days = ctx.model.base_processing_days;
  }
  policy_at(ctx.model.params.policy, ctx.model.base_processing_days, ctx.model.node_names, ctx.date,
            st.policy);
  std::vector<std::pair<std::string, double>> changes;
  st.policy.diff(st.policy_before, changes, ctx.model.node_names);
  for (auto& [name, value] : changes) st.events.push_back({ctx.day, "policy", name, value});
}

void Simulation::phase_travel(const DayContext& ctx) {
  state_.travellers.step(ctx, state_.out);
  refresh_partner_choice(ctx);
}

void Simulation::phase_routing(const DayContext& ctx) {
  const Model& m = ctx.model;
  State& st = state_;
  TradeTables& t = st.trade;
  const auto& tp = m.params.trade;
  const int nc = t.n_countries, day = ctx.day;
  for (int c = 0; c < nc; ++c) {
    if (c < m.n_firm_countries) t.price_level[c] = m.price_usd[c][day];
    for (int s = 0; s < kSectors; ++s) t.export_price[c * kSectors + s] = m.export_price(c, s, day);
  }
  st.shipments.book_ahead(ctx, st.infrastructure, st.crossings);
  st.routes.compute(ctx, st.infrastructure, st.crossings, false);
  t.route_cdf = st.routes.cdf.data();
  t.max_routes = st.routes.max_routes;
  for (std::size_t k = 0; k < t.od_factor.size(); ++k)
    t.od_factor[k] = std::pow((1.0 + st.routes.reference_cost[k]) / (1.0 + st.routes.cost[k]),
                              tp.trade_elasticity);
  // Households spend a share of yesterday's disposable wage income on their country's
  // goods: that part of final demand moves with wages (from its base-year level, which the
  // calibrated final demand holds). Demand is in quantities (base-year dollars): money is
  // divided by today's price.
  Accounts& acc = st.accounts;
  std::array<double, kMaxFirmCountries> consumption{};
  for (std::size_t r = 0; r < m.regions.size(); ++r) {
    const int c = m.regions[r].country;
    const Money spend = Money::usd(m.params.accounts.household_mpc * acc.income_before[r].usd());
    acc.households[r] -= spend;
    acc.household_consumption[c] += spend;
    acc.from_row(kRowDomestic, Money() - spend);  // firms' sales paid by households, not outside
    consumption[c] += spend.usd() / t.price_level[c];
  }
  // Carriers pay yesterday's freight revenue to their country's logistics firms, so the
  // logistics sector (and its jobs: Kazakhstan's transit jobs) follows what carriers earn on
  // the country's links.
  std::array<double, kMaxFirmCountries> carriers_demand{};
  for (int c = 0; c < m.n_firm_countries; ++c) {
    const Money spend = acc.carrier_revenue_before[c];
    acc.carriers[c] -= spend;
    acc.from_row(kRowDomestic, Money() - spend);  // firms' sales paid by carriers
    if (day >= kCarrierBaseFirst + kCarrierBaseDays)
      carriers_demand[c] = (spend.usd() - acc.carrier_base_usd[c]) / t.price_level[c];
  }
  // Domestic demand: final demand grows with real income (GDP and the trading gain on its
  // commodity, economy.resource_income) and moves with households' consumption; tourists and
  // carriers add to services; intermediate demand follows yesterday's output through the
  // input-output matrix. The same needs, against their base-year level, drive what the country
  // imports.
  std::array<double, kMaxFirmCountries * kSectors> import_growth{};
  for (int c = 0; c < m.n_firm_countries; ++c) {
    SectorVector f = m.base_final[c] * m.income_index[c][day] +
                     m.final_share[c] * (consumption[c] - m.base_consumption_usd[c]);
    f(kTourism) += st.travellers.tourism_demand_usd[c] / t.price_level[c];
    f(kLogistics) += carriers_demand[c];
    const SectorVector d = f + m.io[c] * st.output_before[c];
    for (int s = 0; s < kSectors; ++s) {
      const double total = st.share_total[c * kSectors + s];
      t.demand_per_share[c * kSectors + s] = total > 0 ? d(s) / total : 0.0;
      const double base = m.base_needs[c](s);
      const double needs = base > 0 ? std::max(0.0, d(s)) / base : m.income_index[c][day];
      import_growth[c * kSectors + s] = std::pow(needs, tp.income_elasticity);
    }
  }
  refresh_order_rates(ctx, import_growth);
}

// Orders per partnership, in quantities. Goods: what the buyer needs of the good (long-run
// income elasticity, trade.income_elasticity): in a country with firms, its absorption of
// the good, final demand plus the inputs its own output requires (so imports follow the
// buyer's production as well as its consumption, as import demand weighted by the import
// intensity of each demand component does: Bussiere et al. 2013), elsewhere its real GDP;
// and their price in the buyer's currency against
// the prices of what they compete with there (the real exchange rate, trade.fx_elasticity):
// the buyer's own goods and, where economy.import_competitors names one, a third country's
// (Russia's in Kazakhstan, whose cheap ruble in 2015 took Chinese goods' place before the
// tenge fell). Kazakh energy and
// metals sell at world prices: Kazakhstan takes the price, what it ships follows what it
// produces (its own growth), and its buyers' demand for them hardly moves with price in
// the short run (Hamilton 2009); their value follows the world price.
// Settlement costs are trade costs for China-Kazakhstan pairs: cheaper yuan settlement
// (RMB clearing) lowers them a little.
void Simulation::refresh_order_rates(
    const DayContext& ctx, const std::array<double, kMaxFirmCountries * kSectors>& import_growth) {
  const Model& m = ctx.model;
  State& st = state_;
  TradeTables& t = st.trade;
  const auto& tp = m.params.trade;
  const int nc = t.n_countries, day = ctx.day;
  const double settle =
      std::pow((1.0 + Settlement::expected_cost_bp(m, false) / 1e4) /
                   (1.0 + Settlement::expected_cost_bp(m, ctx.policy.rmb_clearing) / 1e4),
               tp.trade_elasticity);
  for (int oc = 0; oc < nc; ++oc)
    for (int dc = 0; dc < nc; ++dc) {
      const double buyer_currency = m.fx_index[dc][day] / m.competing_price[dc][day];
      const double buyer_income = std::pow(m.income_index[dc][day], tp.income_elasticity);
      const bool cnkz = (oc == m.cn && dc == m.kz) || (oc == m.kz && dc == m.cn);
      for (int s = 0; s < kSectors; ++s) {
        const double buyer_growth =
            dc < m.n_firm_countries ? import_growth[dc * kSectors + s] : buyer_income;
        // The origin's dollar price: its consumer prices times its exporters' price index.
        const double index = oc < m.n_firm_countries ? t.export_index[oc * kSectors + s] : 1.0;
        const double relative =
            m.world_priced(oc, s)
                ? 1.0
                : std::pow(m.price_usd[oc][day] * index * buyer_currency, -tp.fx_elasticity);
        const int k = (oc * nc + dc) * kSectors + s;
        const double growth = m.world_priced(oc, s) ? m.gdp_index[oc][day] : buyer_growth;
        t.order_rate[k] = st.base_order_rate[k] * growth * relative * (cnkz ? settle : 1.0);
      }
    }
  // Kazakh crude to China: the pipeline's room today over its room in the base year, whose
  // flows it carried, whatever the demand; gas on top, at its contract volume.
  if (m.kz_crude_room_base_mt > 0) {
    const int k = (m.kz * nc + m.cn) * kSectors + kEnergy;
    const double rate = st.base_order_rate[k] * settle;
    const auto& pipe = m.params.policy.pipeline_to_china;
    t.order_cap[k] = rate * ctx.policy.kz_crude_room_mt / m.kz_crude_room_base_mt;
    t.order_contract[k] =
        rate * ctx.policy.kz_gas_bcm * pipe.gas_usd_bn_per_bcm / m.kz_cn_energy_base_usd_bn;
  }
}

void Simulation::phase_production(const DayContext& ctx) {
  State& st = state_;
  for (const auto& shock : ctx.model.productivity_shocks)
    if (shock.day == ctx.day) {
      st.firms.shock_productivity(shock);
      st.events.push_back({ctx.day, "productivity", shock.name, shock.factor});
    }
  const FirmTotals tot = st.firms.step(ctx, st.trade);
  for (int c = 0; c < ctx.model.n_firm_countries; ++c)
    for (int s = 0; s < kSectors; ++s) {
      st.output_before[c](s) = tot.output[c * kSectors + s];
      st.out.output_usd[c * kSectors + s] = tot.output[c * kSectors + s] * st.trade.price_level[c];
    }
  st.out.partnerships_cnkz = tot.partnerships_cnkz;
  // Wages to the households of each region, less income tax to their government. Firms'
  // cash changed by their profit: the wages they paid, and the rest of their cash flow
  // (domestic sales less inputs and replacement capital, wages added back), which is with
  // the economy outside the agents.
  Accounts& acc = st.accounts;
  const Model& m = ctx.model;
  // The month's wage bill is set in base-year dollars; it is paid at today's prices.
  std::vector<Money> wages_of(m.regions.size());
  Money all_wages;
  for (std::size_t r = 0; r < m.regions.size(); ++r) {
    const double price = st.trade.price_level[m.regions[r].country];
    wages_of[r] = Money::usd(1e-2 * static_cast<double>(st.month.wages_cents[r]) * price);
    all_wages += wages_of[r];
  }
  acc.from_row(kRowDomestic, Money::cents(tot.cash_flow_cents) + all_wages);
  for (std::size_t r = 0; r < m.regions.size(); ++r) {
    const int c = m.regions[r].country;
    const Money wages = wages_of[r];
    const Money tax = wages.basis_points(m.income_tax_bp[c]);
    acc.households[r] += wages - tax;
    acc.income_before[r] = wages - tax;
    acc.household_income[c] += wages - tax;
    acc.government_receives(c, tax, kRowDomestic, false);
  }
}

void Simulation::phase_shipping(const DayContext& ctx) {
  State& st = state_;
  st.shipments.dispatch(ctx, st.firms, st.trade, st.routes, st.infrastructure, st.ledger,
                        st.accounts, st.out);
}

void Simulation::phase_transport(const DayContext& ctx) {
  state_.shipments.move(ctx, state_.infrastructure, state_.crossings);
}

void Simulation::phase_border(const DayContext& ctx) {
  State& st = state_;
  st.crossings.process(ctx, st.infrastructure, st.shipments, st.out,
                       ctx.model.params.investment.congestion_threshold);
}

void Simulation::phase_settlement(const DayContext& ctx) {
  State& st = state_;
  st.banks.settle(ctx, st.shipments, st.firms, st.ledger, st.accounts, st.out);
}

void Simulation::phase_investment(const DayContext& ctx) {
  State& st = state_;
  const Money spent = st.infrastructure.step(ctx, st.events, st.accounts);
  st.out.infrastructure_investment_usd = spent.usd();
  if (ctx.date.first_of_month())
    st.investors.month(ctx, st.infrastructure, st.crossings, st.firms, st.travellers, st.events,
                       st.accounts, st.out);
}

void Simulation::phase_accounting(const DayContext& ctx) {
  const Model& m = ctx.model;
  State& st = state_;
  const Date tomorrow = ctx.date + 1;
  if (tomorrow.first_of_month()) {
    const int days_in_month = ctx.date.ymd().day;
    add_month_totals(st.firms.month_end(ctx, st.trade, days_in_month, st.month));
    // Exporters' price index, for next month's orders.
    const double sigma = 1.0 + m.params.trade.trade_elasticity;
    for (int cs = 0; cs < m.n_firm_countries * kSectors; ++cs)
      if (st.month.export_partners[cs] > 0)
        st.trade.export_index[cs] = std::pow(
            st.month.export_price_sum[cs] / st.month.export_partners[cs], 1.0 / (1.0 - sigma));
    // Cash of firms that stopped producing, to their owners.
    for (std::size_t r = 0; r < m.regions.size(); ++r) {
      const Money paid = Money::cents(st.month.paid_out_cents[r]);
      st.accounts.households[r] += paid;
      st.accounts.household_income[m.regions[r].country] += paid;
    }
  }
  Accounts& acc = st.accounts;
  const bool base_day =
      ctx.day >= kCarrierBaseFirst && ctx.day < kCarrierBaseFirst + kCarrierBaseDays;
  for (int c = 0; c < m.n_firm_countries; ++c) {
    acc.carrier_revenue_before[c] = acc.carrier_revenue[c];
    if (base_day) acc.carrier_base_usd[c] += acc.carrier_revenue[c].usd() / kCarrierBaseDays;
  }
  st.out.jobs_transit = st.labour_total[m.kz * kSectors + kLogistics];
  st.out.jobs_tourism = st.labour_total[m.kz * kSectors + kTourism];
  st.out.firms_active = st.firms_active;
  st.out.value_shipped_usd = st.ledger.shipped.usd();
  st.out.value_received_usd = st.ledger.received.usd();
  st.out.value_in_transit_usd = st.ledger.in_transit.usd();
}

}  // namespace corridor

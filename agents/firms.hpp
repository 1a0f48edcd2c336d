#pragma once
// Firms: the bulk of the agents, in structure-of-arrays layout. Each day a firm meets its
// share of domestic sector demand and its partners' orders from capacity and inventory,
// adjusts its price, keeps or loses partners, searches for new ones, and proposes a
// shipment when an order backlog fills a load. Monthly it invests, hires and may exit.
#include <array>
#include <cstdint>
#include <vector>

#include "agents/accounts.hpp"
#include "sim/context.hpp"
#include "sim/money.hpp"
#include "sim/visit.hpp"

namespace corridor {

inline constexpr int kSlots = 4;
static_assert(2 * kSlots <= 8, "Firms::proposal holds two bits per slot in a byte");
inline constexpr std::uint16_t kNoPartner = 0xFFFF;
inline constexpr int kMaxFirmCountries = 4;

// Read-only inputs of the daily firm rule, refreshed by earlier phases of the day.
struct TradeTables {
  int n_countries = 0;
  // Domestic demand per unit of market share, [country * kSectors + sector], USD/day.
  std::vector<double> demand_per_share;
  // Orders per partnership before route costs, [(oc * nc + dc) * kSectors + s], USD/day
  // at base-year prices (quantities).
  std::vector<double> order_rate;
  // A ceiling on them after route costs and a contract volume on top, same index: Kazakh
  // crude rationed to the pipeline's room and gas sold under contract (policy
  // pipeline_to_china); no ceiling and no contract elsewhere.
  std::vector<double> order_cap, order_contract;
  // Today's dollar price, base year = 1, of a country's goods sold at home (and of its
  // inputs and wages), [country], and of its exports, [country * kSectors + sector]: the
  // same but for Kazakh energy and metals, sold at world prices.
  std::vector<double> price_level, export_price;
  // Route-cost factor on orders, [od * kSectors + s].
  std::vector<double> od_factor;
  // Destination country choice for a new partner, cumulative, [(oc * kSectors + s) * nc + dc].
  std::vector<double> dest_country_cdf;
  // Destination region choice and success multiplier by business contacts,
  // [origin_region * n_regions + dest_region].
  std::vector<double> region_cdf, contact_multiplier;
  SectorArray shipment_value{};  // USD that fills a load
  // Exporters' prices (per firm country and sector, [c * kSectors + s]). A firm's export
  // price relative to its country-sector's is r = tfp_ref / tfp: a constant markup over a
  // unit cost that falls with productivity (CES, Melitz 2003). Buyers split their orders
  // by (r / export_index)^-sigma, export_index being the CES index of exporters' r over
  // their partnerships (last month end; 1 at start). export_cutoff is the export profit
  // index (r / export_index)^(1 - sigma) of the marginal exporter at start, who just
  // covers the fixed cost of exporting (selection into exporting).
  std::vector<double> tfp_ref, export_index, export_cutoff;
  // The productivity whose unit cost is the country-sector's average (capacity-weighted,
  // at start): a firm's unit cost, and its domestic price, are cost_ref / tfp of them.
  std::vector<double> cost_ref;
  // Today's route choice table (owned by RouteTables): [(od * kSectors + s) * max_routes + k].
  const double* route_cdf = nullptr;
  int max_routes = 0;

  template <class V>
  void visit(V& v) {
    v("n_countries", n_countries);
    v("demand_per_share", demand_per_share);
    v("order_rate", order_rate);
    v("order_cap", order_cap);
    v("order_contract", order_contract);
    v("price_level", price_level);
    v("export_price", export_price);
    v("od_factor", od_factor);
    v("dest_country_cdf", dest_country_cdf);
    v("region_cdf", region_cdf);
    v("contact_multiplier", contact_multiplier);
    v("shipment_value", shipment_value);
    v("tfp_ref", tfp_ref);
    v("cost_ref", cost_ref);
    v("export_index", export_index);
    v("export_cutoff", export_cutoff);
    v.skip("route_cdf", route_cdf);  // points into RouteTables::cdf; Simulation::restored()
    v("max_routes", max_routes);
  }
};

struct FirmTotals {
  std::array<double, kMaxFirmCountries * kSectors> output{};
  double partnerships_cnkz = 0;
  // The day's cash flow of firms (profit, to the cent), in cents: an integer sum, exact in
  // any order. One number, not one per country or region: it is added once per firm and
  // day in the hot loop.
  std::int64_t cash_flow_cents = 0;
  FirmTotals& operator+=(const FirmTotals& o) {
    for (std::size_t i = 0; i < output.size(); ++i) output[i] += o.output[i];
    cash_flow_cents += o.cash_flow_cents;
    partnerships_cnkz += o.partnerships_cnkz;
    return *this;
  }
};

struct MonthTotals {
  std::array<double, kMaxFirmCountries * kSectors> share{}, labour{}, capital{}, firms{};
  double active = 0;
  // Cash of firms that are not producing, paid out to their owners (the households of the
  // region), in cents, per region.
  std::array<std::int64_t, kMaxRegions> paid_out_cents{};
  // Wages paid per day by the active firms of each region until the next month end (labour
  // changes only at month ends), in cents: the sum of Firms::daily_wages.
  std::array<std::int64_t, kMaxRegions> wages_cents{};
  // Exporters: their number, partnerships and sum of partnerships * r^(1-sigma) (the
  // export price index), and the sums of productivity of exporters and of all active firms.
  std::array<double, kMaxFirmCountries * kSectors> exporters{}, export_partners{},
      export_price_sum{}, exporter_tfp{}, active_tfp{}, active_firms{};
  template <class V>
  void visit(V& v) {
    v("share", share);
    v("labour", labour);
    v("capital", capital);
    v("firms", firms);
    v("active", active);
    v("paid_out_cents", paid_out_cents);
    v("wages_cents", wages_cents);
    v("exporters", exporters);
    v("export_partners", export_partners);
    v("export_price_sum", export_price_sum);
    v("exporter_tfp", exporter_tfp);
    v("active_tfp", active_tfp);
    v("active_firms", active_firms);
  }
  MonthTotals& operator+=(const MonthTotals& o) {
    for (int r = 0; r < kMaxRegions; ++r) {
      paid_out_cents[r] += o.paid_out_cents[r];
      wages_cents[r] += o.wages_cents[r];
    }
    for (std::size_t i = 0; i < share.size(); ++i) {
      share[i] += o.share[i], labour[i] += o.labour[i];
      capital[i] += o.capital[i], firms[i] += o.firms[i];
      exporters[i] += o.exporters[i], export_partners[i] += o.export_partners[i];
      export_price_sum[i] += o.export_price_sum[i], exporter_tfp[i] += o.exporter_tfp[i];
      active_tfp[i] += o.active_tfp[i], active_firms[i] += o.active_firms[i];
    }
    active += o.active;
    return *this;
  }
};

struct Firms {
  // identity
  std::vector<std::uint16_t> region;
  std::vector<std::uint8_t> sector, country, exporter, foreign_owned;
  // production
  std::vector<std::uint8_t> active, loss_months;
  std::vector<float> tfp, capital, labour, capacity, price, inventory, share;
  // 1 / tfp (0 where tfp is 0), so that the daily rule divides once less per firm: a
  // division's latency lies on its critical path (docs/BENCHMARKS.md, 2026-12-06). Derived, not
  // state: refresh_inv_tfp() after every change of tfp and after a checkpoint's restore.
  std::vector<double> inv_tfp;
  std::vector<float> output_month, profit_month, exported_usd;
  // Buyers' orders per partnership relative to a firm pricing at its country-sector's
  // index: (r / export_index)^-sigma, revised at month ends.
  std::vector<float> order_weight;
  std::vector<Money> cash;
  // trade
  std::vector<std::array<std::int32_t, kSlots>> buyer;  // firm index, -1 for a market
  std::vector<std::array<std::uint16_t, kSlots>> dest;  // node, kNoPartner if empty
  std::vector<std::array<float, kSlots>> backlog;       // USD ordered, not yet shipped
  // Bit k: ship slot k's backlog today; bit kSlots + k: it is a full load (read by
  // dispatch, which would otherwise reload the backlogs after production evicted them).
  std::vector<std::uint8_t> proposal;
  std::vector<std::array<std::int32_t, kSlots>> proposal_route;  // route drawn for each

  // Checkpoints (sim/visit.hpp): every member, in order.
  template <class V>
  void visit(V& v) {
    v("region", region);
    v("sector", sector);
    v("country", country);
    v("exporter", exporter);
    v("foreign_owned", foreign_owned);
    v("active", active);
    v("loss_months", loss_months);
    v("tfp", tfp);
    v.skip("inv_tfp", inv_tfp);
    v("capital", capital);
    v("labour", labour);
    v("capacity", capacity);
    v("price", price);
    v("inventory", inventory);
    v("share", share);
    v("output_month", output_month);
    v("profit_month", profit_month);
    v("exported_usd", exported_usd);
    v("order_weight", order_weight);
    v("cash", cash);
    v("buyer", buyer);
    v("dest", dest);
    v("backlog", backlog);
    v.skip("proposal", proposal);  // made and used within a day (production, then shipping)
    v.skip("proposal_route", proposal_route);
  }

  std::size_t size() const { return region.size(); }
  void refresh_inv_tfp();
  // What an active firm pays its workers each day, to the cent; paid to the households of
  // its region (Simulation::phase_production pays them the regions' totals).
  Money daily_wages(const Model& m, std::size_t i) const;
  int partners(std::size_t i) const {
    int n = 0;
    for (auto d : dest[i]) n += d != kNoPartner;
    return n;
  }

  // Lays out firms by region and sector, draws productivity (which sets size), makes the
  // most productive firms of each country-sector exporters and gives them their initial
  // partners.
  void init(const Model& m, const Rng& rng, const TradeTables& t);
  // At start: the productivity that prices at the index (export_index = 1), every firm's
  // order weight, and the cutoff of the marginal exporter.
  void price_exports(const Model& m, TradeTables& t);
  // A firm's export price relative to its country-sector's (see TradeTables).
  double relative_price(const TradeTables& t, std::size_t i) const {
    return t.tfp_ref[country[i] * kSectors + sector[i]] / tfp[i];
  }
  // firms.productivity_shocks: the group's productivity and capacity times the factor.
  void shock_productivity(const Model::Shock& s);
  // Exporters grow by the capacity their initial orders need (USD/day per firm), keeping
  // each country-sector's workforce at its calibrated total.
  void add_export_capacity(const Model& m, const std::vector<double>& orders);
  // The daily rule for every firm, in parallel; returns deterministic totals.
  FirmTotals step(const DayContext& ctx, const TradeTables& t);
  // The monthly rule (invest, hire, exit, entry into vacant slots), in parallel.
  // `before` holds last month's totals, the reference size of entrants.
  MonthTotals month_end(const DayContext& ctx, const TradeTables& t, int days_in_month,
                        const MonthTotals& before);

  // The firm slot a partner search reaches in region L's sector s with uniform draw u: the
  // drawn slot, or the next one of that region and sector that is active (wrapping round);
  // -1 when none is.
  std::int64_t buyer_reached(const RegionLayout& L, int s, double u) const;

 private:
  bool try_partner(const Model& m, const TradeTables& t, std::size_t i, int slot,
                   const std::array<std::uint32_t, 4>& w, bool always);
  // The chance that one attempt of try_partner by firm i succeeds under today's tables.
  double search_success(const Model& m, const TradeTables& t, std::size_t i) const;
};

}  // namespace corridor

#pragma once
// What the day produced, for the recorders: flows of the day and end-of-day stocks. Sized
// once at start; reset each day without allocating.
#include <array>
#include <vector>

#include "sim/money.hpp"
#include "sim/network.hpp"
#include "sim/params.hpp"

namespace corridor {

inline constexpr int kCurrencies = 3;
enum Currency : int { kUSD, kCNY, kKZT };
inline constexpr std::array<const char*, kCurrencies> kCurrencyNames = {"USD", "CNY", "KZT"};

struct DayOutcomes {
  int n_countries = 0;
  std::vector<double> exports_usd;               // [origin * n + destination], dispatched
  std::vector<double> exports_real_usd;          // the same at base-year prices
  std::vector<double> exports_sector_usd;        // [(origin * n + destination) * kSectors + sector]
  std::array<double, kCorridors> transit_teu{};  // third-country TEU dispatched, by corridor
  double kz_handled_teu = 0;                     // TEU dispatched on routes through a Kazakh node
  std::vector<double> queue_days, queue_teu, throughput_teu, capacity_teu;  // per crossing
  std::array<std::array<double, kPurposes>, 2> arrivals{};  // [origin CN/KZ][purpose]
  std::array<double, kCurrencies> settled_cnkz_usd{};       // China-Kazakhstan payments by currency
  std::array<double, kCurrencies> settlement_cost_bp{};     // quoted: spread plus cost of delay
  double settlement_expected_cost_bp = 0;  // logit inclusive value: a pair's expected cost
  double transit_fee_revenue_usd = 0, border_fee_revenue_usd = 0;
  double rail_subsidy_usd = 0;  // paid to shippers of subsidised train services
  double infrastructure_investment_usd = 0, fdi_usd = 0;
  std::vector<double> output_usd;  // [firm country * kSectors + sector]
  // end-of-day stocks
  double jobs_transit = 0, jobs_tourism = 0, firms_active = 0, partnerships_cnkz = 0;
  double value_shipped_usd = 0, value_received_usd = 0, value_in_transit_usd = 0;
  double tourist_spending_usd = 0;

  template <class V>
  void visit(V& v) {
    v("n_countries", n_countries);
    v("exports_usd", exports_usd);
    v("exports_real_usd", exports_real_usd);
    v("exports_sector_usd", exports_sector_usd);
    v("transit_teu", transit_teu);
    v("kz_handled_teu", kz_handled_teu);
    v("queue_days", queue_days);
    v("queue_teu", queue_teu);
    v("throughput_teu", throughput_teu);
    v("capacity_teu", capacity_teu);
    v("arrivals", arrivals);
    v("settled_cnkz_usd", settled_cnkz_usd);
    v("settlement_cost_bp", settlement_cost_bp);
    v("settlement_expected_cost_bp", settlement_expected_cost_bp);
    v("transit_fee_revenue_usd", transit_fee_revenue_usd);
    v("border_fee_revenue_usd", border_fee_revenue_usd);
    v("rail_subsidy_usd", rail_subsidy_usd);
    v("infrastructure_investment_usd", infrastructure_investment_usd);
    v("fdi_usd", fdi_usd);
    v("output_usd", output_usd);
    v("jobs_transit", jobs_transit);
    v("jobs_tourism", jobs_tourism);
    v("firms_active", firms_active);
    v("partnerships_cnkz", partnerships_cnkz);
    v("value_shipped_usd", value_shipped_usd);
    v("value_received_usd", value_received_usd);
    v("value_in_transit_usd", value_in_transit_usd);
    v("tourist_spending_usd", tourist_spending_usd);
  }

  void resize(int countries, int crossings, int firm_countries) {
    n_countries = countries;
    exports_usd.assign(countries * countries, 0.0);
    exports_real_usd.assign(countries * countries, 0.0);
    exports_sector_usd.assign(countries * countries * kSectors, 0.0);
    for (auto* v : {&queue_days, &queue_teu, &throughput_teu, &capacity_teu})
      v->assign(crossings, 0.0);
    output_usd.assign(firm_countries * kSectors, 0.0);
  }
  void reset_flows() {
    std::fill(exports_usd.begin(), exports_usd.end(), 0.0);
    std::fill(exports_real_usd.begin(), exports_real_usd.end(), 0.0);
    std::fill(exports_sector_usd.begin(), exports_sector_usd.end(), 0.0);
    transit_teu.fill(0);
    kz_handled_teu = 0;
    for (auto* v : {&queue_days, &queue_teu, &throughput_teu, &capacity_teu})
      std::fill(v->begin(), v->end(), 0.0);
    for (auto& a : arrivals) a.fill(0);
    settled_cnkz_usd.fill(0);
    settlement_cost_bp.fill(0);
    settlement_expected_cost_bp = transit_fee_revenue_usd = border_fee_revenue_usd = 0;
    rail_subsidy_usd = 0;
    infrastructure_investment_usd = fdi_usd = tourist_spending_usd = 0;
    std::fill(output_usd.begin(), output_usd.end(), 0.0);
  }
};

// Cumulative value of goods, which must balance: shipped = received + in transit.
struct Ledger {
  Money shipped, received, in_transit;

  template <class V>
  void visit(V& v) {
    v("shipped", shipped);
    v("received", received);
    v("in_transit", in_transit);
  }
};

}  // namespace corridor

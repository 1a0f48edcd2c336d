#include "agents/settlement.hpp"

#include <cmath>

#include "sim/parallel.hpp"

namespace corridor {

std::array<double, kCurrencies> Settlement::spread_bp(const Model& m, bool clearing) {
  const auto& sp = m.params.settlement;
  std::array<double, kCurrencies> out{};
  for (int c = 0; c < kCurrencies; ++c) out[c] = sp.currencies.at(kCurrencyNames[c]).spread_bp;
  if (clearing)
    out[kCNY] = std::max(0.0, out[kCNY] - m.params.policy.rmb_clearing.spread_reduction_bp);
  return out;
}

std::array<double, kCurrencies> Settlement::cost_bp(const Model& m, bool clearing) {
  const auto& sp = m.params.settlement;
  const auto spread = spread_bp(m, clearing);
  std::array<double, kCurrencies> out{};
  for (int c = 0; c < kCurrencies; ++c) {
    const auto& cur = sp.currencies.at(kCurrencyNames[c]);
    double delay = cur.delay_days;
    if (c == kCNY && clearing)
      delay = std::max(0.0, delay - m.params.policy.rmb_clearing.delay_reduction_days);
    out[c] = spread[c] + delay * sp.interest_rate / 365.0 * 1e4;
  }
  return out;
}

double Settlement::expected_cost_bp(const Model& m, bool clearing) {
  const auto& sp = m.params.settlement;
  const auto cost = cost_bp(m, clearing);
  double sum = 0;
  for (int c = 0; c < kCurrencies; ++c)
    sum += std::exp(-(cost[c] - sp.currencies.at(kCurrencyNames[c]).preference - cost[kUSD]) /
                    sp.logit_scale_bp);
  return cost[kUSD] - sp.logit_scale_bp * std::log(sum);
}

void Settlement::settle(const DayContext& ctx, Shipments& ships, Firms& firms, Ledger& ledger,
                        DayOutcomes& out) const {
  const Model& m = ctx.model;
  const auto& sp = m.params.settlement;
  const auto cost = cost_bp(m, ctx.policy.rmb_clearing);
  const auto spread = spread_bp(m, ctx.policy.rmb_clearing);
  // Choice probabilities for China-Kazakhstan pairs; other pairs settle in dollars.
  std::array<double, kCurrencies> cdf{};
  double sum = 0;
  for (int c = 0; c < kCurrencies; ++c) {
    const double pref = sp.currencies.at(kCurrencyNames[c]).preference;
    sum += std::exp(-(cost[c] - pref - cost[kUSD]) / sp.logit_scale_bp);
    cdf[c] = sum;
  }
  out.settlement_cost_bp = cost;
  out.settlement_expected_cost_bp = expected_cost_bp(m, ctx.policy.rmb_clearing);
  // Currency choices in parallel (each a draw keyed to the shipment); payments in order.
  parallel_for_index(ships.n_delivered, [&](std::size_t k) {
    const std::int32_t s = ships.delivered[k];
    const int oc = ships.origin_country[s], dc = ships.dest_country[s];
    int currency = kUSD;
    if ((oc == m.cn && dc == m.kz) || (oc == m.kz && dc == m.cn)) {
      const double u =
          Rng::unit(ctx.rng.words(ships.uid[s], ctx.day, Purpose::kSettlement)[0]) * sum;
      currency = 0;
      while (currency < kCurrencies - 1 && cdf[currency] <= u) ++currency;
    }
    ships.currency[s] = static_cast<std::uint8_t>(currency);
  });
  for (std::size_t k = 0; k < ships.n_delivered; ++k) {
    const std::int32_t s = ships.delivered[k];
    const Money v = ships.value[s];
    const int oc = ships.origin_country[s], dc = ships.dest_country[s];
    const bool cnkz = (oc == m.cn && dc == m.kz) || (oc == m.kz && dc == m.cn);
    const int currency = ships.currency[s];
    const Money fee = v.basis_points(static_cast<std::int64_t>(std::llround(spread[currency])));
    // The buyer pays the full value and takes the goods into stock; the exporter receives
    // the value less the bank's spread.
    const std::int32_t b = ships.buyer[s];
    if (b >= 0) {
      firms.cash[b] -= v;
      firms.profit_month[b] -= static_cast<float>(v.usd());  // bought for resale from stock
      firms.inventory[b] += static_cast<float>(v.usd());
    }
    const std::int32_t e = ships.exporter[s];
    firms.cash[e] += v - fee;
    firms.profit_month[e] += static_cast<float>((v - fee).usd());
    firms.exported_usd[e] += static_cast<float>(v.usd());
    ledger.settlement_fees += fee;
    ledger.received += v;
    ledger.in_transit -= v;
    if (cnkz) out.settled_cnkz_usd[currency] += v.usd();
    ships.release(s);
  }
  ships.n_delivered = 0;
}

}  // namespace corridor

#include "agents/settlement.hpp"

#include <algorithm>
#include <array>
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
                        Accounts& acc, DayOutcomes& out) {
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
  // The day's consignments, in delivery order, copied out as their shipments are freed.
  const Consignments& con = ships.consignments;
  ships.take_delivered(
      day.offset,
      [&](std::size_t n) {
        day.exporter.resize(n), day.buyer.resize(n), day.value.resize(n), day.uid.resize(n);
        day.origin.resize(n), day.cnkz.resize(n);
      },
      [&](std::size_t j, std::int32_t s, std::int32_t c) {
        const int oc = ships.origin_country[s], dc = ships.dest_country[s];
        day.exporter[j] = con.exporter[c];
        day.buyer[j] = con.buyer[c];
        day.value[j] = con.value[c];
        day.uid[j] = con.uid[c];
        day.origin[j] = static_cast<std::uint8_t>(oc);
        day.cnkz[j] = (oc == m.cn && dc == m.kz) || (oc == m.kz && dc == m.cn);
      });
  const std::size_t n = day.value.size();
  day.currency.resize(n);
  day.fee.resize(n);
  // Currency choices in parallel (each a draw keyed to the consignment); payments in order.
  parallel_for_index(n, [&](std::size_t j) {
    int currency = kUSD;
    if (day.cnkz[j]) {
      const double u = Rng::unit(ctx.rng.words(day.uid[j], ctx.day, Purpose::kSettlement)[0]) * sum;
      currency = 0;
      while (currency < kCurrencies - 1 && cdf[currency] <= u) ++currency;
    }
    day.currency[j] = static_cast<std::uint8_t>(currency);
    day.fee[j] =
        day.value[j].basis_points(static_cast<std::int64_t>(std::llround(spread[currency])));
  });
  // Payments touch two firms each. Chunks of firms apply, in delivery order, the payments
  // that concern their own firms, so each firm sees the same sequence whatever the number
  // of chunks: one chunk per thread, since each chunk scans all the day's deliveries.
  const std::size_t n_firms = firms.size(), n_chunks = static_cast<std::size_t>(worker_threads()),
                    chunk = (n_firms + n_chunks - 1) / n_chunks;
  parallel_for_chunks(n_chunks, [&](std::size_t ck) {
    const std::size_t lo = ck * chunk, hi = std::min(n_firms, lo + chunk);
    for (std::size_t j = 0; j < n; ++j) {
      const Money v = day.value[j];
      // The buyer pays the full value and takes the goods into stock, to sell. Buying
      // stock swaps cash for an asset: it is not a loss in the month it arrives (counting
      // it as one made importers that had just restocked exit after exit_months, and their
      // partnerships with them). The cost of what production uses is in input_share x
      // output.
      const std::int32_t b = day.buyer[j];
      if (b >= 0 && static_cast<std::size_t>(b) >= lo && static_cast<std::size_t>(b) < hi) {
        firms.cash[b] -= v;
        firms.inventory[b] += static_cast<float>(v.usd());
      }
      // The exporter receives the value less the bank's spread.
      const std::size_t e = static_cast<std::size_t>(day.exporter[j]);
      if (e >= lo && e < hi) {
        const Money net = v - day.fee[j];
        firms.cash[e] += net;
        firms.profit_month[e] += static_cast<float>(net.usd());
        firms.exported_usd[e] += static_cast<float>(v.usd());
      }
    }
  });
  // Sums in cents are exact in any order, so the accounts take the day's totals.
  Money received, from_markets;
  std::array<Money, 256> fees{};  // per origin country (a uint8_t)
  for (std::size_t j = 0; j < n; ++j) {
    const Money v = day.value[j];
    received += v;
    // A market outside the model pays from the rest of the world; the spread goes to the
    // banks of the exporter's country.
    if (day.buyer[j] < 0) from_markets += v;
    fees[day.origin[j]] += day.fee[j];
    if (day.cnkz[j]) out.settled_cnkz_usd[day.currency[j]] += v.usd();
  }
  ledger.received += received;
  ledger.in_transit -= received;
  acc.from_row(kRowGoods, from_markets);
  for (std::size_t c = 0; c < m.countries.size(); ++c)
    acc.banks_receive(static_cast<int>(c), fees[c], kRowGoods);
}

}  // namespace corridor

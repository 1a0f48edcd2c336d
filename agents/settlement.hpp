#pragma once
// The settlement system (banks): on delivery the buyer pays and the pair settles in the
// currency that is cheapest after spread, the cost of settlement delay and habit, chosen
// by a logit. RMB clearing lowers the yuan's spread and delay.
#include "agents/firms.hpp"
#include "agents/shipments.hpp"

namespace corridor {

struct Settlement {
  // Cost in basis points of value of settling a China-Kazakhstan payment in each currency.
  std::array<double, kCurrencies> cost_bp(const DayContext& ctx) const;
  // Spread only (what the banks charge), in basis points.
  std::array<double, kCurrencies> spread_bp(const DayContext& ctx) const;
  void settle(const DayContext& ctx, Shipments& ships, Firms& firms, Ledger& ledger,
              DayOutcomes& out) const;
};

}  // namespace corridor

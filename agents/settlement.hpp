#pragma once
// The settlement system (banks): on delivery the buyer pays and the pair settles in the
// currency that is cheapest after spread, the cost of settlement delay and habit, chosen
// by a logit. RMB clearing lowers the yuan's spread and delay.
#include "agents/firms.hpp"
#include "agents/shipments.hpp"

namespace corridor {

struct Settlement {
  // The day's delivered consignments in delivery order, gathered once from the shipments'
  // lists, so that the passes of settle() scan arrays instead of chasing lists (each pass
  // used to walk every list; with deliveries spread over the firm index that was most of
  // the phase's time). Scratch: made and used within settle().
  struct Day {
    std::vector<std::int32_t> exporter, buyer;
    std::vector<Money> value, fee;
    std::vector<std::uint64_t> uid;
    std::vector<std::uint8_t> origin, cnkz, currency;
    std::vector<std::size_t> offset;  // of each delivered shipment's first consignment
  } day;

  template <class V>
  void visit(V& v) {
    v.skip("day", day);  // no state: the banks' terms are parameters
  }

  // Cost in basis points of value of settling a China-Kazakhstan payment in each currency,
  // with or without RMB clearing in force.
  static std::array<double, kCurrencies> cost_bp(const Model& m, bool clearing);
  // Spread only (what the banks charge), in basis points.
  static std::array<double, kCurrencies> spread_bp(const Model& m, bool clearing);
  // A pair's expected cost of settling when it picks its currency (logit inclusive value),
  // in basis points; it enters China-Kazakhstan trade costs.
  static double expected_cost_bp(const Model& m, bool clearing);
  void settle(const DayContext& ctx, Shipments& ships, Firms& firms, Ledger& ledger, Accounts& acc,
              DayOutcomes& out);
};

}  // namespace corridor

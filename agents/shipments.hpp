#pragma once
// Shipments: transient agents in a preallocated pool. A shipment picks a route by a logit
// on generalised cost (tariffs, fees, transit fee, value of time over expected time
// including border queues), pays its fees at dispatch, moves link by link, queues at
// capacity-limited nodes and is settled on delivery.
#include <cstdint>
#include <vector>

#include "agents/firms.hpp"
#include "agents/infrastructure.hpp"
#include "sim/outcomes.hpp"
#include "sim/parallel.hpp"

namespace corridor {

struct Crossings;

enum class ShipState : std::uint8_t { kFree, kMoving, kQueued, kDwell, kDelivered };

// Trains, as opposed to ships and pipelines: the services a rail subsidy pays for.
bool is_rail_service(const Route& r);
// Today's subsidy per TEU on the rail services of `od` (0 where the lever does not apply).
double rail_subsidy_usd_per_teu(const Model& m, const PolicyState& policy, const OdPair& od);

// The day's route costs, choice probabilities and the trade-cost factor they imply.
struct RouteTables {
  int max_routes = 0;
  std::vector<double> fixed_usd_per_teu, days;  // per route, today
  std::vector<double> tariff_usd_per_teu;       // per route, today: links' tariffs plus freight
  std::vector<double> base_tariff_usd_per_teu, node_fees_usd_per_teu;  // per route, fixed
  // Who is paid: per route and payee country [r * payees + k] (k: a firm country, or
  // payees - 1 for the rest of the world), today's freight to carriers and the node fees
  // to governments, USD per TEU.
  int payees = 0;
  std::vector<double> tariff_by_payee, base_tariff_by_payee, node_fees_by_payee;
  std::vector<std::uint8_t> open;      // 0 where a node on the route has no capacity
  std::vector<std::uint8_t> booking;   // open, and no crossing on it over routing.max_queue_days
  std::vector<double> cdf;             // [(od * kSectors + s) * max_routes + k]
  std::vector<double> reference_cost;  // [od * kSectors + s], share of value
  std::vector<double> cost;            // today's expected cost share
  // Per OD pair: 1 where shippers choose between train services and other routes (sea), and
  // the share of its shippers who know of the trains (routing.rail_adoption).
  std::vector<std::uint8_t> rail_choice;
  std::vector<double> rail_adoption;

  template <class V>
  void visit(V& v) {
    v("max_routes", max_routes);
    v("fixed_usd_per_teu", fixed_usd_per_teu);
    v("days", days);
    v("tariff_usd_per_teu", tariff_usd_per_teu);
    v("base_tariff_usd_per_teu", base_tariff_usd_per_teu);
    v("node_fees_usd_per_teu", node_fees_usd_per_teu);
    v("payees", payees);
    v("tariff_by_payee", tariff_by_payee);
    v("base_tariff_by_payee", base_tariff_by_payee);
    v("node_fees_by_payee", node_fees_by_payee);
    v("open", open);
    v("booking", booking);
    v("cdf", cdf);
    v("reference_cost", reference_cost);
    v("cost", cost);
    v("rail_choice", rail_choice);
    v("rail_adoption", rail_adoption);
  }

  // Expected generalised cost per value (logit inclusive value) and choice probabilities.
  void compute(const DayContext& ctx, const Infrastructure& infra, const Crossings& crossings,
               bool reference);
};

// Consignments: one exporter's goods for one buyer, in a preallocated pool. A full load
// travels as a shipment of its own; part loads booked on the same day for the same route
// and sector are consolidated by a forwarder into one shipment (groupage, as LCL cargo is
// in practice), and settled consignment by consignment on delivery. So the number of
// shipments, and the pool and queues they need, follow the trade, not how many firm agents
// carry it.
struct Consignments {
  std::vector<Money> value;
  std::vector<std::int32_t> exporter, buyer;
  std::vector<std::int32_t> next;  // the next consignment of the same shipment, or -1
  std::vector<std::uint64_t> uid;  // keys the settlement's currency draw
  std::vector<std::int32_t> free;  // stack, lowest slots on top
  std::size_t high_water = 0;

  template <class V>
  void visit(V& v) {
    v("high_water", high_water);
    v.prefix("value", value, high_water);
    v.prefix("exporter", exporter, high_water);
    v.prefix("buyer", buyer, high_water);
    v.prefix("next", next, high_water);
    v.prefix("uid", uid, high_water);
    v.tail("free", free, capacity() - high_water);
  }
  void init(std::size_t capacity);
  std::size_t capacity() const { return value.size(); }
  std::size_t active() const { return capacity() - free.size(); }
};

struct Shipments {
  std::vector<ShipState> state;
  std::vector<Money> value;  // the sum of its consignments'
  std::vector<float> teu, days_left;
  std::vector<std::int32_t> route, queued_day;
  std::vector<std::int32_t> first;  // its first consignment
  std::vector<std::uint8_t> leg, sector, origin_country, dest_country, arrived;
  std::vector<std::int32_t> free_slots;  // stack
  std::vector<std::int32_t> delivered;   // today's deliveries, in order
  std::size_t n_delivered = 0, high_water = 0;
  std::uint64_t next_uid = 0;
  // Proposals not shipped because the shipment or consignment pool was full.
  std::uint64_t deferred = 0;
  Consignments consignments;

  // Checkpoints (sim/visit.hpp). Slots at or above high_water have never been used, so
  // only the pool's first high_water slots are state, and the free list (a stack, lowest
  // slots on top) still starts with the unused ones as init() put them. high_water comes
  // first: when reading, the lengths below are computed from it.
  template <class V>
  void visit(V& v) {
    v("high_water", high_water);
    v.prefix("state", state, high_water);
    v.prefix("value", value, high_water);
    v.prefix("teu", teu, high_water);
    v.prefix("days_left", days_left, high_water);
    v.prefix("route", route, high_water);
    v.prefix("queued_day", queued_day, high_water);
    v.prefix("first", first, high_water);
    v.prefix("leg", leg, high_water);
    v.prefix("sector", sector, high_water);
    v.prefix("origin_country", origin_country, high_water);
    v.prefix("dest_country", dest_country, high_water);
    v.skip("arrived", arrived);  // made and used within move()
    v.tail("free_slots", free_slots, capacity() - high_water);
    v.skip("delivered", delivered);  // made in move(), used in settlement the same day
    v("n_delivered", n_delivered);
    v("next_uid", next_uid);
    v("deferred", deferred);
    v("consignments", consignments);
    v.skip("chunks", chunks_);  // scratch of dispatch(), recomputed every day
    v.skip("group_slot", group_slot_);
    v.skip("group_tail", group_tail_);
    v.skip("key_used", key_used_);
  }

  void init(std::size_t capacity, std::size_t consignment_capacity);
  std::size_t capacity() const { return state.size(); }
  std::size_t active() const { return capacity() - free_slots.size(); }

  // Turns firms' proposals into shipments, in firm order.
  void dispatch(const DayContext& ctx, Firms& firms, const TradeTables& trade,
                const RouteTables& routes, Infrastructure& infra, Ledger& ledger, Accounts& acc,
                DayOutcomes& out);
  // Moves every shipment one day; arrivals are handled in slot order.
  void move(const DayContext& ctx, const Infrastructure& infra, Crossings& crossings);
  // Fills crossings.booked_arrivals: the TEU of every shipment on its way to a crossing,
  // by the day it gets there at today's link and processing times (queues ahead of it on
  // the way are not counted).
  void book_ahead(const DayContext& ctx, const Infrastructure& infra, Crossings& crossings) const;
  // Shipment s is cleared at `node`: it spends the node's processing days, then departs.
  void dwell_or_depart(const DayContext& ctx, const Infrastructure& infra, std::int32_t s, int node,
                       double carry);
  void depart(const DayContext& ctx, const Infrastructure& infra, std::int32_t s, double carry);
  bool on_pipeline(const DayContext& ctx, std::int32_t s) const;
  // Today's delivered consignments, in delivery order: resize(n) is told their number,
  // then emit(j, shipment, consignment) is called for the j-th, in parallel; the delivered
  // shipments and their consignments are then free. `offset` is the caller's scratch.
  template <class Resize, class Emit>
  void take_delivered(std::vector<std::size_t>& offset, Resize&& resize, Emit&& emit);

 private:
  // Starts shipment `slot` on its first leg, with its first consignment; value and TEU are
  // the caller's.
  void open(const Network& net, const Infrastructure& infra, std::int32_t slot, int r, int s,
            int origin, int dest, std::int32_t first_consignment);
  // Firms per chunk of the parallel dispatch; fixed, so results do not depend on threads.
  static constexpr std::size_t kDispatchChunk = 4096;
  // A part load committed today, waiting for its forwarder's shipment.
  struct Part {
    Money value;  // a copy, so the serial assembly reads the chunk's list, not the pool
    std::int32_t consignment, route;
    float teu;
    std::uint8_t sector, origin_country, dest_country;
  };
  struct Chunk {
    // Proposals (each a consignment) and full loads among them (each a shipment), and where
    // the chunk's start in the day's order of each.
    std::size_t proposals = 0, full = 0, first = 0, first_full = 0, full_committed = 0;
    std::size_t high_water = 0;
    double part_teu = 0;  // the part loads' TEU
    std::vector<Part> parts;
    Money shipped, transit_fees, border_fees, rail_subsidy;
    std::array<Money, kMaxFirmCountries + 1> freight_to{}, node_fees_to{};  // by payee
    std::vector<double> exports, exports_real, exports_sector, route_teu;
    std::array<double, kCorridors> transit_teu{};
    double kz_handled_teu = 0;
    void reset() {
      high_water = full_committed = 0;
      parts.clear();
      shipped = transit_fees = border_fees = rail_subsidy = Money();
      freight_to.fill(Money());
      node_fees_to.fill(Money());
      std::fill(exports.begin(), exports.end(), 0.0);
      std::fill(exports_real.begin(), exports_real.end(), 0.0);
      std::fill(exports_sector.begin(), exports_sector.end(), 0.0);
      std::fill(route_teu.begin(), route_teu.end(), 0.0);
      transit_teu.fill(0);
      kz_handled_teu = 0;
    }
  };
  std::vector<Chunk> chunks_;
  // The open groupage shipment per route and sector (-1: none) and its last consignment,
  // and the keys of today's part loads.
  std::vector<std::int32_t> group_slot_, group_tail_;
  std::vector<std::uint8_t> key_used_;  // set through std::atomic_ref, in parallel
};

// Lists are counted, then walked again to copy and free, both in parallel: their links are
// cache misses, which two threads wait for side by side. The free stacks get the shipments
// in delivery order and each one's consignments in list order, as when they were freed one
// by one, so the slots allocated later, and with them every result, stay the same.
template <class Resize, class Emit>
void Shipments::take_delivered(std::vector<std::size_t>& offset, Resize&& resize, Emit&& emit) {
  const std::size_t nd = n_delivered;
  offset.assign(nd + 1, 0);
  parallel_for_index(nd, [&](std::size_t k) {
    std::size_t n = 0;
    for (std::int32_t c = first[delivered[k]]; c >= 0; c = consignments.next[c]) ++n;
    offset[k + 1] = n;
  });
  for (std::size_t k = 0; k < nd; ++k) offset[k + 1] += offset[k];
  const std::size_t n = offset[nd], free0 = consignments.free.size(), slots0 = free_slots.size();
  resize(n);
  consignments.free.resize(free0 + n);
  free_slots.resize(slots0 + nd);
  parallel_for_index(nd, [&](std::size_t k) {
    const std::int32_t s = delivered[k];
    std::size_t j = offset[k];
    for (std::int32_t c = first[s]; c >= 0; ++j) {
      emit(j, s, c);
      const std::int32_t next = consignments.next[c];
      consignments.next[c] = -1;
      consignments.free[free0 + j] = c;
      c = next;
    }
    first[s] = -1;
    state[s] = ShipState::kFree;
    free_slots[slots0 + k] = s;
  });
  n_delivered = 0;
}

}  // namespace corridor

#pragma once
// Ports, border crossings and dry ports: capacity-limited nodes where shipments queue
// first-in first-out and are processed up to the day's capacity.
#include <cstdint>
#include <vector>

#include "sim/context.hpp"
#include "sim/outcomes.hpp"
#include "sim/visit.hpp"

namespace corridor {

struct Shipments;
struct Infrastructure;
class Network;

struct Crossings {
  // One FIFO ring buffer per crossing, sized to the shipment pool so it never grows.
  std::vector<std::size_t> head, count;
  RingBuffers ring;
  std::vector<double> queue_teu;
  std::vector<double> head_done;  // TEU of the head shipment already processed
  std::vector<int>
      congested_days;  // consecutive days with a queue above congestion_threshold days of capacity
  std::vector<double> utilisation;  // throughput over capacity, 30-day moving average
  // The railways' booking book, remade every day before routes are costed (so not
  // checkpointed): TEU already booked that reach crossing x in k days, [x * kHorizon + k],
  // and the queue a load arriving in k days would find, [x * (kHorizon + 1) + k].
  static constexpr int kHorizon = 64;
  std::vector<double> booked_arrivals, projected_queue;

  // Checkpoints (sim/visit.hpp). head and count come before the rings they describe.
  template <class V>
  void visit(V& v) {
    v("head", head);
    v("count", count);
    v.rings("ring", ring, head, count);
    v("queue_teu", queue_teu);
    v("head_done", head_done);
    v("congested_days", congested_days);
    v("utilisation", utilisation);
    v.skip("booked_arrivals", booked_arrivals);  // remade every day before use
    v.skip("projected_queue", projected_queue);
  }

  void init(std::size_t n_crossings, std::size_t pool_capacity);
  // projected_queue from today's queues, booked_arrivals and capacities: the queue evolves
  // as queue + arrivals - capacity each day, never below zero.
  void project(const Infrastructure& infra, const Network& net);
  // The queue, in TEU, that a load reaching crossing x in `days` days would find.
  double queue_ahead(int x, double days) const;
  void push(int crossing, std::int32_t shipment, double teu);
  // Releases queued shipments in arrival order up to capacity; released shipments start
  // their dwell (processing days) at the node. A shipment larger than what is left of the
  // day's capacity (a long block train) is processed over several days.
  void process(const DayContext& ctx, const Infrastructure& infra, Shipments& ships,
               DayOutcomes& out, double congestion_threshold);
};

}  // namespace corridor

#include "agents/crossings.hpp"

#include <algorithm>
#include <cmath>

#include "agents/infrastructure.hpp"
#include "agents/shipments.hpp"
#include "sim/network.hpp"

namespace corridor {

void Crossings::init(std::size_t n, std::size_t pool_capacity) {
  ring.assign(n, {});
  for (auto& r : ring) r.resize(pool_capacity);
  head.assign(n, 0);
  count.assign(n, 0);
  queue_teu.assign(n, 0.0);
  head_done.assign(n, 0.0);
  congested_days.assign(n, 0);
  utilisation.assign(n, 0.0);
  booked_arrivals.assign(n * kHorizon, 0.0);
  projected_queue.assign(n * (kHorizon + 1), 0.0);
}

void Crossings::project(const Infrastructure& infra, const Network& net) {
  for (std::size_t x = 0; x < queue_teu.size(); ++x) {
    const double cap = infra.node_capacity[net.crossings()[x]];
    double* q = &projected_queue[x * (kHorizon + 1)];
    const double* a = &booked_arrivals[x * kHorizon];
    q[0] = queue_teu[x];
    for (int k = 0; k < kHorizon; ++k) q[k + 1] = std::max(0.0, q[k] + a[k] - cap);
  }
}

double Crossings::queue_ahead(int x, double days) const {
  const int k = std::clamp(static_cast<int>(std::ceil(days)), 0, kHorizon);
  return projected_queue[static_cast<std::size_t>(x) * (kHorizon + 1) + k];
}

void Crossings::push(int x, std::int32_t shipment, double teu) {
  auto& buf = ring[x];
  buf[(head[x] + count[x]) % buf.size()] = shipment;
  ++count[x];
  queue_teu[x] += teu;
}

void Crossings::process(const DayContext& ctx, const Infrastructure& infra, Shipments& ships,
                        DayOutcomes& out, double congestion_threshold) {
  const auto& net = ctx.model.network;
  for (std::size_t x = 0; x < ring.size(); ++x) {
    const int node = net.crossings()[x];
    const double capacity = infra.node_capacity[node];
    double processed = 0, released = 0, wait_teu_days = 0;
    auto& buf = ring[x];
    // Strict first-in first-out.
    while (count[x] > 0 && processed < capacity) {
      const std::int32_t s = buf[head[x]];
      const double left = ships.teu[s] - head_done[x];
      const double take = std::min(left, capacity - processed);
      processed += take;
      queue_teu[x] -= take;
      if (take < left) {
        head_done[x] += take;
        break;
      }
      head_done[x] = 0;
      released += ships.teu[s];
      wait_teu_days += ships.teu[s] * (ctx.day - ships.queued_day[s]);
      head[x] = (head[x] + 1) % buf.size();
      --count[x];
      ships.dwell_or_depart(ctx, infra, s, node, 0.0);
    }
    if (count[x] == 0) queue_teu[x] = 0;  // no drift from float subtraction
    out.throughput_teu[x] = processed;
    out.capacity_teu[x] = capacity;
    out.queue_teu[x] = queue_teu[x];
    // Mean days the TEU released today waited in the queue, plus processing at the node.
    out.queue_days[x] =
        (released > 0 ? wait_teu_days / released : 0.0) + ctx.policy.processing_days[node];
    const double u = capacity > 0 ? processed / capacity : 0.0;
    utilisation[x] += (u - utilisation[x]) / 30.0;
    congested_days[x] = (capacity > 0 && queue_teu[x] > congestion_threshold * capacity)
                            ? congested_days[x] + 1
                            : 0;
  }
}

}  // namespace corridor

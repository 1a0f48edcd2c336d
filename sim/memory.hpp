#pragma once
// How much memory a run will need, worked out from its parameters before anything big is
// allocated, and the check that refuses a run the machine cannot hold: better a clear
// message at once than an out-of-memory kill hours in (or a machine swapping to a halt).
#include <cstdint>
#include <string>

#include "sim/params.hpp"

namespace corridor {

// Firm agents of a run: firms.count times run.scale, rounded.
double firm_agents(const Params& p);

// Shipment slots allocated at the start (the pool never grows): room for the longest
// plausible pipeline of trips at the base flows, plus part loads of every partnership.
double shipment_pool_slots(const Params& p);
// Consignments: one per full load in the pool, and the part loads in flight.
double consignment_slots(const Params& p, double n_firms);

struct MemoryEstimate {
  double firms = 0;      // agent arrays
  double shipments = 0;  // shipment pool and the crossings' FIFO rings, sized to the pool
  double model = 0;      // daily driver series
  double output = 0;     // recorder buffers and the panel sample
  double fixed = 0;      // code, libraries, network, routes, small tables (measured)
  double total() const { return firms + shipments + model + output + fixed; }
  // "about 12.3 GiB (firms 10.5 GiB, shipment pool 1.6 GiB, ...)"
  std::string describe() const;
};

// Bytes a run of these parameters needs at its peak, within about 10% of the peak RSS that
// `corridor bench --output` measures (docs/ROBUSTNESS.md has the comparison).
MemoryEstimate estimate_memory(const Params& p);

// Bytes this process may still use: /proc/meminfo MemAvailable (else physical memory),
// capped by the cgroup's memory.max, RLIMIT_AS and CORRIDOR_MEMORY_LIMIT_MIB when set.
// `source` says which bound applied.
double memory_available(std::string* source = nullptr);

// Throws InputError (naming the key that drives the largest part, where it was set, and the
// estimate) when the run cannot be held in memory or exceeds the engine's 32-bit indices.
void check_memory(const Params& p);

}  // namespace corridor

#include "sim/memory.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "agents/crossings.hpp"
#include "agents/firms.hpp"
#include "agents/shipments.hpp"
#include "sim/error.hpp"

namespace corridor {

namespace {

template <class... V>
constexpr std::size_t element_bytes() {
  return (sizeof(typename V::value_type) + ...);
}

// One firm: an element of each of Firms' arrays (agents/firms.hpp).
constexpr std::size_t kFirmBytes =
    element_bytes<decltype(Firms::region), decltype(Firms::sector), decltype(Firms::country),
                  decltype(Firms::exporter), decltype(Firms::foreign_owned),
                  decltype(Firms::active), decltype(Firms::loss_months), decltype(Firms::tfp),
                  decltype(Firms::inv_tfp), decltype(Firms::capital), decltype(Firms::labour),
                  decltype(Firms::capacity), decltype(Firms::price), decltype(Firms::inventory),
                  decltype(Firms::share), decltype(Firms::output_month),
                  decltype(Firms::profit_month), decltype(Firms::exported_usd),
                  decltype(Firms::order_weight), decltype(Firms::cash), decltype(Firms::buyer),
                  decltype(Firms::dest), decltype(Firms::backlog), decltype(Firms::proposal),
                  decltype(Firms::proposal_route)>();

// One shipment slot (agents/shipments.hpp); each crossing adds a ring entry per slot.
constexpr std::size_t kSlotBytes =
    element_bytes<decltype(Shipments::state), decltype(Shipments::value), decltype(Shipments::teu),
                  decltype(Shipments::days_left), decltype(Shipments::route),
                  decltype(Shipments::queued_day), decltype(Shipments::first),
                  decltype(Shipments::leg), decltype(Shipments::sector),
                  decltype(Shipments::origin_country), decltype(Shipments::dest_country),
                  decltype(Shipments::arrived), decltype(Shipments::free_slots),
                  decltype(Shipments::delivered)>();
// One consignment.
constexpr std::size_t kConsignmentBytes =
    element_bytes<decltype(Consignments::value), decltype(Consignments::exporter),
                  decltype(Consignments::buyer), decltype(Consignments::next),
                  decltype(Consignments::uid), decltype(Consignments::free)>();
constexpr std::size_t kRingBytes = sizeof(decltype(Crossings::ring)::value_type::value_type);

// A panel firm: its index, labels (two short strings), the row buffer, the HDF5 chunk and
// its compressed copy.
constexpr double kPanelFirmBytes = 4 + 4 + 2 * 32 + 8 + 8 + 8;

// Measured: peak RSS of the whole baseline run (100,000 firms, 2013-2030, output on: 138.7
// MiB) less its firm arrays, shipment pool and daily series (105.6 MiB): code, libraries, TBB
// and HDF5 with their caches, network and routes, recorder buffers, the event list. A 30-day
// run peaks about 8 MiB lower, so short runs are overestimated by that much.
constexpr double kFixedBytes = 33.0 * (1 << 20);

// Consignments per firm agent beyond one per shipment slot: the baseline's consignments in
// flight peak at 1.14 per firm in 2013 (at 10^5 and 10^6 firms alike) and at 2.05 per firm
// in 2030 (10^5), when shipments in flight (mostly full loads of one consignment each) peak
// at 1.67 per firm.
constexpr double kConsignmentsPerFirm = 2.0;

constexpr double kGiB = 1024.0 * 1024 * 1024;

std::string size_text(double bytes) {
  std::ostringstream o;
  o.precision(bytes >= 10 * kGiB ? 0 : 1);
  o << std::fixed;
  if (bytes >= kGiB)
    o << bytes / kGiB << " GiB";
  else
    o << bytes / (1 << 20) << " MiB";
  return o.str();
}

// "max" or a number of bytes, in a one-line cgroup file.
double cgroup_limit(const char* path) {
  std::ifstream in(path);
  std::string s;
  if (!(in >> s) || s == "max") return std::numeric_limits<double>::infinity();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  return end && *end == '\0' && v > 0 ? v : std::numeric_limits<double>::infinity();
}

}  // namespace

double firm_agents(const Params& p) {
  return std::round(static_cast<double>(p.firms.count) * p.run.scale);
}

double shipment_pool_slots(const Params& p) {
  if (p.run.shipment_pool_slots > 0) return std::floor(p.run.shipment_pool_slots);
  double loads_per_day = 0;
  for (const auto& [o, by_dest] : p.trade.base_flows_usd_bn)
    for (const auto& [d, flows] : by_dest)
      for (int s = 0; s < kSectors; ++s)
        loads_per_day +=
            flows[s] * 1e9 / 365.0 / (p.trade.shipment_teu * p.trade.value_per_teu_usd[s]);
  // Full loads of trade up to four times the base flows, 100 days in flight; part loads
  // travel in forwarders' shipments (at most one per route and sector and day), so the
  // number of firm agents does not matter. The baseline 2013-2030 peaks at about 1/7 of
  // this (167,000 shipments in flight at 100,000 firms in 2030).
  return std::floor(std::max(20000.0, loads_per_day * 4 * 100.0));
}

double consignment_slots(const Params& p, double n_firms) {
  return shipment_pool_slots(p) + std::ceil(n_firms * kConsignmentsPerFirm);
}

std::string MemoryEstimate::describe() const {
  return "about " + size_text(total()) + " (firms " + size_text(firms) +
         ", shipments and consignments " + size_text(shipments) + ", output buffers " +
         size_text(output) + ", daily series " + size_text(model) + ", program " +
         size_text(fixed) + ")";
}

MemoryEstimate estimate_memory(const Params& p) {
  MemoryEstimate e;
  const double n = firm_agents(p);
  e.firms = n * kFirmBytes;
  std::size_t crossings = 0;
  for (const auto& [name, node] : p.network.nodes)
    crossings += node.capacity_teu_per_day > 0 || node.kind == "border" || node.kind == "port" ||
                 node.kind == "dry_port";
  e.shipments = shipment_pool_slots(p) * (kSlotBytes + crossings * kRingBytes) +
                consignment_slots(p, n) * kConsignmentBytes;
  std::set<std::string> countries;
  for (const auto& [name, r] : p.firms.regions) {
    auto it = p.network.nodes.find(name);
    if (it != p.network.nodes.end()) countries.insert(it->second.country);
  }
  for (const auto& [c, node] : p.trade.market_nodes) countries.insert(c);
  const double days = static_cast<double>(p.run.end - p.run.start) + 1;
  e.model = days * (3 + countries.size()) * sizeof(double);
  e.output = std::min<double>(n, p.output.panel_firms) * kPanelFirmBytes;
  e.fixed = kFixedBytes;
  return e;
}

double memory_available(std::string* source) {
  double limit = std::numeric_limits<double>::infinity();
  std::string from;
  auto bound = [&](double v, const std::string& what) {
    if (v < limit) limit = v, from = what;
  };
  {
    std::ifstream in("/proc/meminfo");
    std::string key;
    double kb;
    std::string unit;
    while (in >> key >> kb) {
      std::getline(in, unit);
      if (key == "MemAvailable:") bound(kb * 1024, "available memory (MemAvailable)");
    }
  }
  if (!std::isfinite(limit)) {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) bound(static_cast<double>(pages) * page, "physical memory");
  }
  bound(cgroup_limit("/sys/fs/cgroup/memory.max"), "the cgroup's memory.max");
  rlimit rl{};
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    bound(static_cast<double>(rl.rlim_cur), "the address-space limit (ulimit -v)");
  if (const char* env = std::getenv("CORRIDOR_MEMORY_LIMIT_MIB")) {
    char* end = nullptr;
    const double mib = std::strtod(env, &end);
    if (!*env || !end || *end != '\0' || !(mib > 0) || !std::isfinite(mib))
      throw InputError("environment", 0, "CORRIDOR_MEMORY_LIMIT_MIB",
                       "expected a positive number of MiB, got '" + std::string(env) + "'");
    bound(mib * (1 << 20), "CORRIDOR_MEMORY_LIMIT_MIB");
  }
  if (source) *source = from;
  return limit;
}

void check_memory(const Params& p) {
  const double n = firm_agents(p);
  // Firm and shipment indices are 32-bit signed in the agents' arrays.
  constexpr double kMaxIndex = std::numeric_limits<std::int32_t>::max();
  auto fail = [&](const std::string& key, const std::string& what) {
    const Origin o = p.origin(key);
    throw InputError(o.file, o.line, key, what);
  };
  if (n > kMaxIndex) {
    std::ostringstream msg;
    msg.precision(0);
    msg << std::fixed << "firms.count times run.scale gives " << n
        << " firm agents; the engine indexes at most " << kMaxIndex;
    fail(p.run.scale != 1 ? "run.scale" : "firms.count", msg.str());
  }
  const double slots = shipment_pool_slots(p);
  if (slots > kMaxIndex) {
    std::ostringstream msg;
    msg.precision(0);
    if (p.run.shipment_pool_slots > 0) {
      msg << std::fixed << "a pool of " << slots << " shipments; at most " << kMaxIndex;
      fail("run.shipment_pool_slots", msg.str());
    }
    msg << std::fixed << "the base flows need a pool of " << slots << " shipments; at most "
        << kMaxIndex << " (raise trade.shipment_teu or lower the flows)";
    fail("trade.shipment_teu", msg.str());
  }
  if (consignment_slots(p, n) > kMaxIndex) {
    std::ostringstream msg;
    msg.precision(0);
    msg << std::fixed << n << " firm agents need a pool of " << consignment_slots(p, n)
        << " consignments; the engine indexes at most " << kMaxIndex;
    fail(p.run.scale != 1 ? "run.scale" : "firms.count", msg.str());
  }
  const MemoryEstimate e = estimate_memory(p);
  std::string source;
  const double have = memory_available(&source);
  if (e.total() <= have) return;
  // Name the key behind the largest part, and what would shrink it.
  std::string key = p.run.scale != 1 && p.origins.count("run.scale") ? "run.scale" : "firms.count";
  std::string advice = "use fewer firm agents (firms.count, run.scale)";
  const double biggest = std::max({e.firms, e.shipments, e.model, e.output});
  if (biggest == e.shipments && p.run.shipment_pool_slots > 0) {
    key = "run.shipment_pool_slots";
    advice =
        "give the shipment pool fewer slots (run.shipment_pool_slots; 0 sizes it from "
        "the flows)";
  } else if (biggest == e.shipments) {
    key = "trade.shipment_teu";
    advice =
        "the shipment pool follows the base flows: raise trade.shipment_teu (fewer, "
        "bigger loads) or lower trade.base_flows_usd_bn";
  } else if (biggest == e.model) {
    key = "run.end";
    advice = "simulate fewer days (run.start, run.end)";
  } else if (biggest == e.output) {
    key = "output.panel_firms";
    advice = "sample fewer firms in the panel (output.panel_firms)";
  }
  fail(key, "this run needs " + e.describe() + " but " + source + " is " + size_text(have) + "; " +
                advice);
}

}  // namespace corridor

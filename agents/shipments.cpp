#include "agents/shipments.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <limits>

#include "agents/crossings.hpp"
#include "sim/parallel.hpp"

namespace corridor {

bool is_rail_service(const Route& r) {
  return !r.pipeline && r.corridor != kMaritime;
}

double rail_subsidy_usd_per_teu(const Model& m, const PolicyState& policy, const OdPair& od) {
  return od.origin_country == m.subsidy_origin && od.dest_country == m.subsidy_destination
             ? policy.rail_subsidy_usd_per_teu
             : 0.0;
}

void RouteTables::compute(const DayContext& ctx, const Infrastructure& infra,
                          const Crossings& crossings, bool reference) {
  const Model& m = ctx.model;
  const Network& net = m.network;
  const auto& routes = net.routes();
  const auto& rp = m.params.routing;
  const auto& tp = m.params.trade;
  if (fixed_usd_per_teu.size() != routes.size()) {
    max_routes = 1;
    for (const auto& od : m.ods)
      max_routes =
          std::max({max_routes, od.routes_end - od.routes_begin, od.pipe_end - od.pipe_begin});
    fixed_usd_per_teu.assign(routes.size(), 0);
    tariff_usd_per_teu.assign(routes.size(), 0);
    base_tariff_usd_per_teu.assign(routes.size(), 0);
    node_fees_usd_per_teu.assign(routes.size(), 0);
    payees = m.n_firm_countries + 1;
    auto payee = [&](int country) { return country < m.n_firm_countries ? country : payees - 1; };
    base_tariff_by_payee.assign(routes.size() * payees, 0);
    node_fees_by_payee.assign(routes.size() * payees, 0);
    tariff_by_payee.assign(routes.size() * payees, 0);
    for (std::size_t r = 0; r < routes.size(); ++r)
      for (int i = 0; i < routes[r].n_legs; ++i) {
        const int l = net.leg_link(routes[r], i);
        base_tariff_usd_per_teu[r] += net.links()[l].tariff_usd_per_teu;
        base_tariff_by_payee[r * payees + payee(m.country_of_link[l])] +=
            net.links()[l].tariff_usd_per_teu;
        const int n = net.leg_end(routes[r], i);
        if (n != routes[r].destination && !routes[r].pipeline) {
          node_fees_usd_per_teu[r] += net.nodes()[n].fee_usd_per_teu;
          node_fees_by_payee[r * payees + payee(m.country_of_node[n])] +=
              net.nodes()[n].fee_usd_per_teu;
        }
      }
    days.assign(routes.size(), 0);
    open.assign(routes.size(), 1);
    booking.assign(routes.size(), 1);
    cdf.assign(m.ods.size() * kSectors * max_routes, 0);
    cost.assign(m.ods.size() * kSectors, 0);
    if (reference_cost.empty()) reference_cost.assign(m.ods.size() * kSectors, 0);
    // Adoption before the run's first day is not simulated: it follows the Bass curve from
    // the launch, F(t) = (1 - e^-(p+q)t) / (1 + (q/p) e^-(p+q)t), t in years.
    const auto& ad = rp.rail_adoption;
    const double years = std::max(0.0, (m.start - ad.launch) / 365.25);
    const double e = std::exp(-(ad.innovation + ad.imitation) * years);
    const double a0 = (1.0 - e) / (1.0 + ad.imitation / ad.innovation * e);
    rail_choice.assign(m.ods.size(), 0);
    rail_adoption.assign(m.ods.size(), 1.0);
    for (std::size_t o = 0; o < m.ods.size(); ++o) {
      bool rail = false, other = false;
      for (int r = m.ods[o].routes_begin; r < m.ods[o].routes_end; ++r)
        (is_rail_service(routes[r]) ? rail : other) = true;
      if (rail && other) {
        rail_choice[o] = 1;
        rail_adoption[o] = a0;
      }
    }
  }
  // Route attributes today. The reference is the network as configured: no transit fee,
  // no queues, base capacities and times, today's freight rates.
  for (std::size_t r = 0; r < routes.size(); ++r) {
    const Route& route = routes[r];
    double t = 0, freight = 0;
    bool ok = true, accepting = true;
    double* by_payee = &tariff_by_payee[r * payees];
    std::copy_n(&base_tariff_by_payee[r * payees], payees, by_payee);
    for (int i = 0; i < route.n_legs; ++i) {
      const int l = net.leg_link(route, i), n = net.leg_end(route, i);
      if (!m.link_freight_usd_per_teu[l].empty()) {
        const double f = m.link_freight_usd_per_teu[l][ctx.day];
        freight += f;
        const int c = m.country_of_link[l];
        by_payee[c < m.n_firm_countries ? c : payees - 1] += f;
      }
      t += reference ? net.links()[l].days : infra.link_days[l];
      if (n == route.destination || route.pipeline) continue;
      const double arrive = t;
      t += reference ? m.base_processing_days[n] : ctx.policy.processing_days[n];
      const int x = net.nodes()[n].crossing;
      if (x >= 0) {
        const double capn =
            reference ? net.nodes()[n].capacity_teu_per_day : infra.node_capacity[n];
        if (capn <= 0)
          ok = false;
        else if (!reference) {
          // The queue a load booked today would find on arrival, from what the railways
          // have already booked through the crossing (Crossings::project), not today's
          // queue: otherwise every shipper books while the queue is short, the loads
          // arrive together days later, and the crossing swings between a long queue and
          // none.
          const double wait = crossings.queue_ahead(x, arrive) / capn;
          t += rp.expected_queue_weight * wait;
          if (wait > rp.max_queue_days) accepting = false;
        }
      }
    }
    tariff_usd_per_teu[r] = base_tariff_usd_per_teu[r] + freight;
    fixed_usd_per_teu[r] = tariff_usd_per_teu[r] + node_fees_usd_per_teu[r];
    days[r] = t;
    open[r] = ok;
    booking[r] = ok && accepting;
  }
  // Word of mouth needs trains to ride: while no train service on a pair takes bookings,
  // no shipper there newly adopts them.
  if (!reference) {
    const auto& ad = rp.rail_adoption;
    for (std::size_t o = 0; o < m.ods.size(); ++o) {
      if (!rail_choice[o] || ctx.date < ad.launch) continue;
      bool taking = false;
      for (int r = m.ods[o].routes_begin; r < m.ods[o].routes_end; ++r)
        taking |= booking[r] && is_rail_service(routes[r]);
      double& a = rail_adoption[o];
      if (taking) a += (ad.innovation + ad.imitation * a) * (1.0 - a) / 365.25;
    }
  }
  const double fee = reference ? 0.0 : ctx.policy.transit_fee_usd_per_teu;
  const double risk = reference ? 0.0 : ctx.policy.route_risk_usd_per_teu;
  for (std::size_t o = 0; o < m.ods.size(); ++o) {
    const OdPair& od = m.ods[o];
    const double subsidy = reference ? 0.0 : rail_subsidy_usd_per_teu(m, ctx.policy, od);
    for (int s = 0; s < kSectors; ++s) {
      const bool pipe = s == kEnergy && od.pipe_end > od.pipe_begin;
      const int b = pipe ? od.pipe_begin : od.routes_begin, e = pipe ? od.pipe_end : od.routes_end;
      double* c = &cdf[(o * kSectors + s) * max_routes];
      // Fees and freight are in today's dollars: so is the value they are weighed against.
      const double value_per_teu =
          tp.value_per_teu_usd[s] *
          (reference ? 1.0 : m.export_price(od.origin_country, s, ctx.day));
      // Logit on cost as a share of value: tariffs and fees per TEU over value per TEU, plus
      // the value of time in transit.
      double best = std::numeric_limits<double>::infinity();
      double u[kMaxRoutes];
      // Routes taking bookings; when every one is full, shipments queue on the open ones.
      bool any_booking = false;
      for (int r = b; r < e; ++r) any_booking |= booking[r] != 0;
      const std::vector<std::uint8_t>& usable = any_booking ? booking : open;
      for (int r = b; r < e; ++r) {
        double f = fixed_usd_per_teu[r] + (od.transit && routes[r].through_kz ? fee : 0.0);
        if (m.risk_corridor >= 0 && routes[r].corridor == m.risk_corridor) f += risk;
        if (is_rail_service(routes[r])) f -= subsidy;
        const double share = f / value_per_teu + rp.time_cost_per_day[s] * days[r];
        u[r - b] = usable[r] ? share : std::numeric_limits<double>::infinity();
        best = std::min(best, u[r - b]);
      }
      // Two logits: over every usable route for shippers who know of the trains, over the
      // others for those who do not; the day's choice is their mixture.
      double sum = 0, sum_other = 0, other[kMaxRoutes];
      for (int k = 0; k < e - b; ++k) {
        const double w = std::isfinite(u[k]) ? std::exp(-(u[k] - best) / rp.logit_scale) : 0.0;
        sum += w;
        if (!is_rail_service(routes[b + k])) sum_other += w;
        c[k] = sum;
        other[k] = sum_other;
      }
      const double a = pipe || sum_other <= 0 ? 1.0 : rail_adoption[o];
      for (int k = 0; k < e - b; ++k)
        c[k] = a < 1.0 ? a * c[k] / sum + (1.0 - a) * other[k] / sum_other : c[k] / sum;
      for (int k = e - b; k < max_routes; ++k) c[k] = 1.0;
      const double inclusive =
          best - rp.logit_scale * (a < 1.0 ? a * std::log(sum) + (1.0 - a) * std::log(sum_other)
                                           : std::log(sum));
      (reference ? reference_cost : cost)[o * kSectors + s] = inclusive;
    }
  }
}

void Consignments::init(std::size_t capacity) {
  value.assign(capacity, Money());
  for (auto* v : {&exporter, &buyer, &next}) v->assign(capacity, -1);
  uid.assign(capacity, 0);
  free.resize(capacity);
  for (std::size_t i = 0; i < capacity; ++i) free[i] = static_cast<std::int32_t>(capacity - 1 - i);
  high_water = 0;
}

void Shipments::init(std::size_t capacity, std::size_t consignment_capacity) {
  state.assign(capacity, ShipState::kFree);
  value.assign(capacity, Money());
  for (auto* v : {&teu, &days_left}) v->assign(capacity, 0.0f);
  for (auto* v : {&route, &queued_day, &first}) v->assign(capacity, -1);
  for (auto* v : {&leg, &sector, &origin_country, &dest_country, &arrived}) v->assign(capacity, 0);
  free_slots.resize(capacity);
  // Lowest slots are used first, so iteration stays within high_water.
  for (std::size_t i = 0; i < capacity; ++i)
    free_slots[i] = static_cast<std::int32_t>(capacity - 1 - i);
  delivered.assign(capacity, -1);
  n_delivered = 0;
  high_water = 0;
  next_uid = 0;
  consignments.init(consignment_capacity);
}

void Shipments::open(const Network& net, const Infrastructure& infra, std::int32_t slot, int r,
                     int s, int origin, int dest, std::int32_t first_consignment) {
  state[slot] = ShipState::kMoving;
  route[slot] = r;
  first[slot] = first_consignment;
  sector[slot] = static_cast<std::uint8_t>(s);
  origin_country[slot] = static_cast<std::uint8_t>(origin);
  dest_country[slot] = static_cast<std::uint8_t>(dest);
  leg[slot] = 0;
  days_left[slot] = static_cast<float>(infra.link_days[net.leg_link(net.routes()[r], 0)]);
}

void Shipments::dispatch(const DayContext& ctx, Firms& firms, const TradeTables& trade,
                         const RouteTables& rt, Infrastructure& infra, Ledger& ledger,
                         Accounts& acc, DayOutcomes& out) {
  const Model& m = ctx.model;
  const Network& net = m.network;
  const auto& tp = m.params.trade;
  const std::size_t nn = net.nodes().size();
  const int nc = static_cast<int>(m.countries.size());
  // Propose, then commit in firm order, in parallel: chunks of firms of a fixed size count
  // their proposals, a prefix sum gives each chunk its share of the free slots (taken from
  // the top of the stack in firm order), and per-chunk totals are summed in chunk order.
  const std::size_t n_chunks = (firms.size() + kDispatchChunk - 1) / kDispatchChunk;
  if (chunks_.size() != n_chunks) {
    chunks_.assign(n_chunks, {});
    for (auto& c : chunks_) {
      c.exports.assign(nc * nc, 0.0);
      c.exports_real.assign(nc * nc, 0.0);
      c.exports_sector.assign(nc * nc * kSectors, 0.0);
      c.route_teu.assign(net.routes().size(), 0.0);
    }
  }
  auto for_chunks = [&](auto&& body) { parallel_for_chunks(n_chunks, body); };
  // A payment split among payees by their amounts per TEU; the rounding remainder goes to
  // the largest, so the parts sum to the total to the cent.
  const int np = rt.payees;
  auto split = [np](Money total, const double* per_teu, double units,
                    std::array<Money, kMaxFirmCountries + 1>& to) {
    // Added to `to` as they are made: a local array of parts, summed into `to` afterwards,
    // was vectorised into 16-byte loads of 8-byte stores, which the CPU cannot forward.
    Money given;
    int big = 0;
    for (int k = 0; k < np; ++k) {
      const Money part = Money::usd(units * per_teu[k]);
      given += part;
      to[k] += part;
      if (per_teu[k] > per_teu[big]) big = k;
    }
    to[big] += total - given;
  };
  // A proposal is a full load, a shipment of its own, or a part load for the forwarder of
  // its route and sector (key), who fills loads: a forwarder's shipment takes part loads
  // until it holds a full load (shipment_teu), then the next one starts.
  const std::size_t n_keys = net.routes().size() * kSectors;
  auto full_load = [&](std::size_t i, int k) {
    return (firms.proposal[i] >> (kSlots + k) & 1) != 0;
  };
  if (key_used_.size() != n_keys) {
    key_used_.assign(n_keys, 0);
    group_slot_.assign(n_keys, -1);
    group_tail_.assign(n_keys, -1);
  }
  std::fill(key_used_.begin(), key_used_.end(), 0);
  for_chunks([&](std::size_t c) {
    std::size_t n = 0, full = 0;
    double part_teu = 0;
    const std::size_t end = std::min(firms.size(), (c + 1) * kDispatchChunk);
    for (std::size_t i = c * kDispatchChunk; i < end; ++i) {
      if (!firms.proposal[i]) continue;
      for (int k = 0; k < kSlots; ++k) {
        if (!(firms.proposal[i] >> k & 1)) continue;
        ++n;
        if (full_load(i, k)) {
          ++full;
        } else {
          // Read before writing: after the day's first few part loads every key is set,
          // and a store would pull the line from the other thread's cache each time.
          std::atomic_ref<std::uint8_t> used(
              key_used_[firms.proposal_route[i][k] * kSectors + firms.sector[i]]);
          if (!used.load(std::memory_order_relaxed)) used.store(1, std::memory_order_relaxed);
          part_teu += firms.backlog[i][k] / tp.value_per_teu_usd[firms.sector[i]];
        }
      }
    }
    chunks_[c].proposals = n;
    chunks_[c].full = full;
    chunks_[c].part_teu = part_teu;
  });
  std::size_t total = 0, total_full = 0;
  double part_teu = 0;
  for (auto& c : chunks_) {
    c.first = total;
    c.first_full = total_full;
    total += c.proposals;
    total_full += c.full;
    part_teu += c.part_teu;
  }
  // The day's proposals are committed in firm order as far as there are consignments and,
  // for full loads, shipments, keeping back enough for the forwarders: one shipment per
  // route and sector with part loads and one per full load they can fill.
  const std::size_t groups =
      static_cast<std::size_t>(std::count(key_used_.begin(), key_used_.end(), 1)) +
      static_cast<std::size_t>(std::ceil(part_teu / tp.shipment_teu)) + 1;
  const std::size_t available = free_slots.size();
  const std::size_t available_cons = consignments.free.size();
  std::size_t committed = std::min(total, available_cons);
  if (available < groups) {
    committed = 0;
  } else if (total_full > available - groups) {
    // Too few slots for the full loads: the commit stops at the first full load without
    // one, found in the chunk where the full loads run out.
    const std::size_t for_full = available - groups;
    std::size_t c = 0;
    while (chunks_[c].first_full + chunks_[c].full <= for_full) ++c;
    std::size_t g = chunks_[c].first, f = chunks_[c].first_full;
    const std::size_t end = std::min(firms.size(), (c + 1) * kDispatchChunk);
    for (std::size_t i = c * kDispatchChunk; i < end && f <= for_full; ++i)
      for (int k = 0; k < kSlots && f <= for_full; ++k) {
        if (!(firms.proposal[i] >> k & 1)) continue;
        if (full_load(i, k) && f++ == for_full) committed = std::min(committed, g);
        ++g;
      }
  }
  deferred += total - committed;  // backlogs stay with their firms until there is room

  Consignments& con = consignments;
  for_chunks([&](std::size_t c) {
    Chunk& ch = chunks_[c];
    ch.reset();
    std::size_t g = ch.first, f = ch.first_full;
    const std::size_t end = std::min(firms.size(), (c + 1) * kDispatchChunk);
    // Production has streamed every firm through the cache since these were last read, and
    // one firm in a dozen or so proposes: without prefetching, each proposal waits on
    // memory for its firm's trade arrays and its consignment slot. Prefetches change no
    // result.
    constexpr std::size_t kFirmsAhead = 128, kConsignmentsAhead = 8;
    std::size_t ahead = c * kDispatchChunk;
    auto prefetch_to = [&](std::size_t i) {
      for (const std::size_t last = std::min(end, i + kFirmsAhead); ahead < last; ++ahead)
        if (firms.proposal[ahead]) {
          __builtin_prefetch(&firms.backlog[ahead], 1);
          __builtin_prefetch(&firms.buyer[ahead]);
          __builtin_prefetch(&firms.dest[ahead]);
          __builtin_prefetch(&firms.proposal_route[ahead]);
          __builtin_prefetch(&firms.region[ahead]);
          __builtin_prefetch(&firms.sector[ahead]);
          __builtin_prefetch(&firms.cash[ahead], 1);
          __builtin_prefetch(&firms.profit_month[ahead], 1);
        }
    };
    for (std::size_t i = c * kDispatchChunk; i < end && g < committed; ++i) {
      prefetch_to(i);
      if (!firms.proposal[i]) continue;
      for (int k = 0; k < kSlots; ++k) {
        if (!(firms.proposal[i] >> k & 1) || g >= committed) continue;
        const bool full = full_load(i, k);
        const std::int32_t ci = con.free[available_cons - 1 - g];
        if (g + kConsignmentsAhead < committed) {
          const std::int32_t later = con.free[available_cons - 1 - g - kConsignmentsAhead];
          __builtin_prefetch(&con.value[later], 1);
          __builtin_prefetch(&con.exporter[later], 1);
          __builtin_prefetch(&con.buyer[later], 1);
          __builtin_prefetch(&con.uid[later], 1);
          __builtin_prefetch(&con.next[later], 1);
        }
        const std::uint64_t id = next_uid + g++;
        const int s = firms.sector[i];
        const OdPair& od = m.ods[m.od_of[firms.region[i] * nn + firms.dest[i][k]]];
        // The backlog holds quantities (base-year dollars); the shipment is worth them at
        // today's export price.
        const Money real =
            Money::cents(static_cast<std::int64_t>(std::floor(firms.backlog[i][k] * 100.0)));
        firms.backlog[i][k] -= static_cast<float>(real.usd());
        const Money v =
            Money::usd(real.usd() * trade.export_price[od.origin_country * kSectors + s]);
        const int r = firms.proposal_route[i][k];
        const Route& path = net.routes()[r];
        const bool pipe = path.pipeline;
        const double units = pipe ? 0.0 : real.usd() / tp.value_per_teu_usd[s];
        // Fees at booking: freight tariffs, node fees, and the transit fee for third-country
        // cargo through Kazakhstan; paid by the exporter.
        const bool transit = od.transit && path.through_kz && !pipe;
        const Money fee_transit =
            Money::usd(transit ? units * ctx.policy.transit_fee_usd_per_teu : 0.0);
        const Money fee_nodes = Money::usd(units * rt.node_fees_usd_per_teu[r]);
        const double freight_units = pipe ? real.usd() / tp.value_per_teu_usd[s] : units;
        const Money freight = Money::usd(freight_units * rt.tariff_usd_per_teu[r]);
        // The subsidy of a train service comes back to the shipper at booking.
        const Money subsidy = Money::usd(
            is_rail_service(path) ? units * rail_subsidy_usd_per_teu(m, ctx.policy, od) : 0.0);
        firms.cash[i] += subsidy - fee_transit - fee_nodes - freight;
        firms.profit_month[i] +=
            static_cast<float>((subsidy - fee_transit - fee_nodes - freight).usd());

        con.value[ci] = v;
        con.exporter[ci] = static_cast<std::int32_t>(i);
        con.buyer[ci] = firms.buyer[i][k];
        con.uid[ci] = id;
        con.next[ci] = -1;
        ch.high_water = std::max<std::size_t>(ch.high_water, ci + 1);
        if (full) {
          const std::int32_t slot = free_slots[available - 1 - f++];
          open(net, infra, slot, r, s, od.origin_country, od.dest_country, ci);
          value[slot] = v;
          teu[slot] = static_cast<float>(units);
          ++ch.full_committed;
        } else {
          ch.parts.push_back({v, ci, r, static_cast<float>(units), static_cast<std::uint8_t>(s),
                              static_cast<std::uint8_t>(od.origin_country),
                              static_cast<std::uint8_t>(od.dest_country)});
        }

        ch.route_teu[r] += units;
        ch.shipped += v;
        ch.transit_fees += fee_transit;
        ch.rail_subsidy += subsidy;
        ch.border_fees += fee_nodes;
        split(freight, &rt.tariff_by_payee[r * np], freight_units, ch.freight_to);
        split(fee_nodes, &rt.node_fees_by_payee[r * np], units, ch.node_fees_to);
        ch.exports[od.origin_country * nc + od.dest_country] += v.usd();
        ch.exports_real[od.origin_country * nc + od.dest_country] += real.usd();
        ch.exports_sector[(od.origin_country * nc + od.dest_country) * kSectors + s] += v.usd();
        if (od.transit && path.corridor >= 0) ch.transit_teu[path.corridor] += units;
        if (path.through_kz) ch.kz_handled_teu += units;
      }
    }
  });
  std::size_t full_committed = 0;
  for (const Chunk& ch : chunks_) {
    full_committed += ch.full_committed;
    con.high_water = std::max(con.high_water, ch.high_water);
  }
  for (std::size_t f = available - full_committed; f < available; ++f)
    high_water = std::max<std::size_t>(high_water, free_slots[f] + 1);
  free_slots.resize(available - full_committed);
  con.free.resize(available_cons - committed);
  next_uid += committed;
  // The forwarders' shipments, in the order of their first part load; each lists its
  // consignments in firm order.
  auto key_of = [](const Part& p) {
    return static_cast<std::size_t>(p.route) * kSectors + p.sector;
  };
  for (const Chunk& ch : chunks_)
    for (const Part& p : ch.parts) {
      const std::size_t key = key_of(p);
      std::int32_t slot = group_slot_[key];
      if (slot < 0) {
        slot = free_slots.back();
        free_slots.pop_back();
        high_water = std::max<std::size_t>(high_water, slot + 1);
        group_slot_[key] = slot;
        open(net, infra, slot, p.route, p.sector, p.origin_country, p.dest_country, p.consignment);
        value[slot] = Money();
        teu[slot] = 0.0f;
      } else {
        con.next[group_tail_[key]] = p.consignment;
      }
      group_tail_[key] = p.consignment;
      value[slot] += p.value;
      teu[slot] += p.teu;
      if (teu[slot] >= tp.shipment_teu) group_slot_[key] = -1;  // a full load: it leaves
    }
  // What is still open leaves as it is; tomorrow's forwarders start afresh.
  for (const Chunk& ch : chunks_)
    for (const Part& p : ch.parts) group_slot_[key_of(p)] = -1;
  for (const Chunk& ch : chunks_) {
    ledger.shipped += ch.shipped;
    ledger.in_transit += ch.shipped;
    // Freight to the carriers of each link's country, node fees to the government of each
    // node's, the transit fee to Kazakhstan's; the subsidy comes from its government.
    for (int k = 0; k < np; ++k) {
      acc.carriers_receive(k, ch.freight_to[k], kRowTransport);
      acc.government_receives(k, ch.node_fees_to[k], kRowTransport, true);
    }
    acc.government_receives(m.kz, ch.transit_fees, kRowTransport, true);
    acc.government_pays(m.subsidy_origin, ch.rail_subsidy, kRowTransport, false);
    out.transit_fee_revenue_usd += ch.transit_fees.usd();
    out.rail_subsidy_usd += ch.rail_subsidy.usd();
    out.border_fee_revenue_usd += ch.border_fees.usd();
    for (std::size_t k = 0; k < ch.exports.size(); ++k) {
      out.exports_usd[k] += ch.exports[k];
      out.exports_real_usd[k] += ch.exports_real[k];
    }
    for (std::size_t k = 0; k < ch.exports_sector.size(); ++k)
      out.exports_sector_usd[k] += ch.exports_sector[k];
    for (int c = 0; c < kCorridors; ++c) out.transit_teu[c] += ch.transit_teu[c];
    out.kz_handled_teu += ch.kz_handled_teu;
    for (std::size_t r = 0; r < ch.route_teu.size(); ++r)
      infra.route_teu_today[r] += ch.route_teu[r];
  }
}

void Shipments::depart(const DayContext& ctx, const Infrastructure& infra, std::int32_t s,
                       double carry) {
  const Network& net = ctx.model.network;
  leg[s] += 1;
  state[s] = ShipState::kMoving;
  days_left[s] =
      static_cast<float>(infra.link_days[net.leg_link(net.routes()[route[s]], leg[s])] + carry);
}

void Shipments::dwell_or_depart(const DayContext& ctx, const Infrastructure& infra, std::int32_t s,
                                int node, double carry) {
  const double dwell = on_pipeline(ctx, s) ? 0.0 : ctx.policy.processing_days[node];
  if (dwell > 0) {
    state[s] = ShipState::kDwell;
    days_left[s] = static_cast<float>(dwell + carry);
    if (days_left[s] > 0) return;
    carry = days_left[s];
  }
  depart(ctx, infra, s, carry);
}

bool Shipments::on_pipeline(const DayContext& ctx, std::int32_t s) const {
  return ctx.model.network.routes()[route[s]].pipeline;
}

void Shipments::book_ahead(const DayContext& ctx, const Infrastructure& infra,
                           Crossings& crossings) const {
  const Network& net = ctx.model.network;
  constexpr int kH = Crossings::kHorizon;
  std::fill(crossings.booked_arrivals.begin(), crossings.booked_arrivals.end(), 0.0);
  for (std::size_t i = 0; i < high_water; ++i) {
    const ShipState st = state[i];
    if (teu[i] <= 0 ||
        (st != ShipState::kMoving && st != ShipState::kDwell && st != ShipState::kQueued))
      continue;
    const Route& r = net.routes()[route[i]];
    int l = leg[i];
    // Only the crossings ahead matter: loads on routes without one (most by sea or pipeline)
    // and loads past their route's last crossing book nothing.
    if (l > r.last_crossing_leg || (l == r.last_crossing_leg && st != ShipState::kMoving)) continue;
    // Days until the end of leg l is reached; a queued shipment is counted as leaving now.
    // A crossing is never a route's last stop, so every leg up to the last crossing has a
    // next one.
    double rem;
    if (st == ShipState::kMoving) {
      rem = days_left[i];
    } else {
      const double here =
          st == ShipState::kDwell ? days_left[i] : ctx.policy.processing_days[net.leg_end(r, l)];
      rem = here + infra.link_days[net.leg_link(r, ++l)];
    }
    for (; l <= r.last_crossing_leg; ++l) {
      const int n = net.leg_end(r, l);
      const int x = net.nodes()[n].crossing;
      // Move() counts a countdown down by one each day and arrives when it is spent: a
      // shipment rem days away arrives in the move of day ceil(rem) - 1 from today.
      const int k = std::max(0, static_cast<int>(std::ceil(rem)) - 1);
      if (k >= kH) break;
      if (x >= 0) crossings.booked_arrivals[static_cast<std::size_t>(x) * kH + k] += teu[i];
      rem += ctx.policy.processing_days[n] + infra.link_days[net.leg_link(r, l + 1)];
    }
  }
  crossings.project(infra, net);
}

void Shipments::move(const DayContext& ctx, const Infrastructure& infra, Crossings& crossings) {
  enum : std::uint8_t { kNothing, kDelivers, kQueues };
  const Network& net = ctx.model.network;
  n_delivered = 0;
  // Moving, dwelling and departing touch only the shipment itself: in parallel.
  parallel_for_index(high_water, [&](std::size_t i) {
    const auto s = static_cast<std::int32_t>(i);
    arrived[s] = kNothing;
    const ShipState st = state[s];
    if (st != ShipState::kMoving && st != ShipState::kDwell) return;
    days_left[s] -= 1.0f;
    if (days_left[s] > 0.0f) return;
    if (st == ShipState::kDwell) return depart(ctx, infra, s, days_left[s]);
    const Route& r = net.routes()[route[s]];
    const int n = net.leg_end(r, leg[s]);
    if (n == r.destination)
      arrived[s] = kDelivers;
    else if (net.nodes()[n].crossing >= 0 && teu[s] > 0)
      arrived[s] = kQueues;
    else
      dwell_or_depart(ctx, infra, s, n, days_left[s]);
  });
  // Deliveries and queue arrivals in slot order, so queues fill in the same order whatever
  // the thread count.
  for (std::size_t i = 0; i < high_water; ++i) {
    if (!arrived[i]) continue;
    const auto s = static_cast<std::int32_t>(i);
    if (arrived[i] == kDelivers) {
      state[s] = ShipState::kDelivered;
      delivered[n_delivered++] = s;
    } else {
      const int n = net.leg_end(net.routes()[route[s]], leg[s]);
      state[s] = ShipState::kQueued;
      queued_day[s] = ctx.day;
      crossings.push(net.nodes()[n].crossing, s, teu[s]);
    }
  }
}

}  // namespace corridor

#include "agents/infrastructure.hpp"

#include <algorithm>

namespace corridor {

void Infrastructure::init(const Model& m) {
  const auto& net = m.network;
  link_days.clear();
  node_capacity.clear();
  for (const auto& l : net.links()) link_days.push_back(l.days);
  for (const auto& n : net.nodes()) node_capacity.push_back(n.capacity_teu_per_day);
  route_teu_today.assign(net.routes().size(), 0.0);
  link_flow_teu.assign(net.links().size(), 0.0);
  projects.clear();
  projects.reserve(m.params.policy.infrastructure.size() + 64);
  for (const auto& [name, spec] : m.params.policy.infrastructure) {
    Project p;
    p.name = name;
    p.node = net.node_index(spec.target);
    p.link = p.node < 0 ? net.link_index(spec.target) : -1;
    p.by_investors = spec.decided_by == "investors";
    p.status = spec.enabled ? ProjectStatus::kCandidate : ProjectStatus::kDisabled;
    p.start = spec.start;
    p.completion = spec.completion;
    p.lag_days = std::max(1, spec.completion - spec.start);
    p.cost = Money::usd(spec.cost_usd_bn * 1e9);
    p.capacity_teu_per_day = spec.capacity_teu_per_day;
    p.days_saved = spec.days_saved;
    projects.push_back(p);
  }
}

void Infrastructure::fund(int k, int investor, const DayContext& ctx, std::vector<Event>& events) {
  Project& p = projects[k];
  p.status = ProjectStatus::kBuilding;
  p.funded_by = investor;
  p.start = ctx.date;
  p.completion = ctx.date + p.lag_days;
  events.push_back({ctx.day, "project_started", p.name, p.cost.usd()});
}

Money Infrastructure::step(const DayContext& ctx, std::vector<Event>& events, Accounts& acc) {
  Money spent_today;
  const Network& net = ctx.model.network;
  for (auto& f : link_flow_teu) f *= 29.0 / 30.0;
  for (std::size_t r = 0; r < route_teu_today.size(); ++r) {
    if (route_teu_today[r] > 0)
      for (int i = 0; i < net.routes()[r].n_legs; ++i)
        link_flow_teu[net.leg_link(net.routes()[r], i)] += route_teu_today[r] / 30.0;
    route_teu_today[r] = 0;
  }
  for (auto& p : projects) {
    if (p.status == ProjectStatus::kCandidate && !p.by_investors && p.start == ctx.date) {
      p.status = ProjectStatus::kBuilding;
      events.push_back({ctx.day, "project_started", p.name, p.cost.usd()});
    }
    // A scheduled project already under way when the run starts counts as started.
    if (p.status == ProjectStatus::kCandidate && !p.by_investors && p.start < ctx.date &&
        ctx.day == 0) {
      // Spending before the run is not part of it: count it as done.
      p.status = ProjectStatus::kBuilding;
      const int total = std::max(1, p.completion - p.start);
      const int before = std::clamp(ctx.date - p.start, 0, total);
      p.spent = Money::cents(p.cost.cents() / total * before);
    }
    if (p.status != ProjectStatus::kBuilding) continue;
    // Spending is spread evenly over construction; the last day takes the remainder.
    const int total = std::max(1, p.completion - p.start);
    const int elapsed = std::clamp(ctx.date - p.start + 1, 1, total);
    const Money due = Money::cents(p.cost.cents() / total * elapsed +
                                   (elapsed == total ? p.cost.cents() % total : 0));
    if (due > p.spent) {
      spent_today += due - p.spent;
      if (!p.by_investors) {
        const Model& m = ctx.model;
        const int country = p.node >= 0 ? m.country_of_node[p.node] : m.country_of_link[p.link];
        acc.government_pays(country, due - p.spent, kRowConstruction, true);
        acc.from_row(kRowConstruction, Money() - (due - p.spent));
      }
      p.spent = due;
    }
    if (!(ctx.date < p.completion)) {
      p.status = ProjectStatus::kDone;
      if (p.node >= 0) node_capacity[p.node] += p.capacity_teu_per_day;
      if (p.link >= 0)
        link_days[p.link] = std::max(0.1 * ctx.model.network.links()[p.link].days,
                                     link_days[p.link] - p.days_saved);
      events.push_back({ctx.day, "project_completed", p.name,
                        p.node >= 0 ? p.capacity_teu_per_day : p.days_saved});
    }
  }
  return spent_today;
}

}  // namespace corridor

#include "agents/investors.hpp"

#include <algorithm>
#include <cmath>

namespace corridor {

void Investors::init(const Model& m) {
  names.clear();
  specs.clear();
  for (const auto& [name, spec] : m.params.investment.investors) {
    names.push_back(name);
    specs.push_back(&spec);
  }
  budget.assign(names.size(), Money());
}

double Investors::expected_return(const Model& m, const Project& p, const Infrastructure& infra,
                                  const Crossings& crossings) const {
  const auto& ip = m.params.investment;
  const auto& net = m.network;
  double benefit = 0;
  if (p.node >= 0) {
    // Added capacity earns fees and transit services on the traffic it lets through:
    // today's use of the node plus the queue it would clear within a month.
    const Node& n = net.nodes()[p.node];
    double used = 0;
    if (n.crossing >= 0) {
      const double cap = std::max(1.0, infra.node_capacity[p.node]);
      used = std::min(
          1.0, crossings.utilisation[n.crossing] + crossings.queue_teu[n.crossing] / (30 * cap));
    }
    benefit = p.capacity_teu_per_day * used * 365.0 *
              (n.fee_usd_per_teu + m.params.trade.transit_service_usd_per_teu);
  }
  if (p.link >= 0)
    benefit +=
        p.days_saved * ip.value_of_time_saved_usd_per_teu_day * infra.link_flow_teu[p.link] * 365.0;
  return p.cost.usd() > 0 ? benefit / p.cost.usd() : 0.0;
}

void Investors::month(const DayContext& ctx, Infrastructure& infra, const Crossings& crossings,
                      Firms& firms, const Travellers& travel, std::vector<Event>& events,
                      Accounts& acc, DayOutcomes& out) {
  const Model& m = ctx.model;
  const auto& ip = m.params.investment;
  const auto& net = m.network;
  // Congested crossings ask for expansion once per episode of congestion.
  for (std::size_t x = 0; x < crossings.congested_days.size(); ++x) {
    if (crossings.congested_days[x] < ip.congestion_days) continue;
    const int node = net.crossings()[x];
    bool pending = false;
    for (const auto& p : infra.projects)
      pending = pending ||
                (p.node == node && p.by_investors &&
                 (p.status == ProjectStatus::kCandidate || p.status == ProjectStatus::kBuilding));
    if (pending) continue;
    Project p;
    p.name = "expand_" + net.nodes()[node].name + "_" + ctx.date.iso();
    p.node = node;
    p.by_investors = true;
    p.expansion = true;
    p.lag_days = ip.expansion_lag_days;
    p.capacity_teu_per_day = ip.expansion_share * std::max(1.0, infra.node_capacity[node]);
    p.cost = Money::usd(p.capacity_teu_per_day * ip.expansion_cost_usd_per_teu_day);
    infra.projects.push_back(p);
    events.push_back({ctx.day, "expansion_requested", p.name, p.capacity_teu_per_day});
  }
  // Contacts raise expected returns on FDI: average index over China-Kazakhstan pairs.
  const int nr = static_cast<int>(m.regions.size());
  double contact = 0;
  int pairs = 0;
  for (int a = 0; a < nr; ++a)
    for (int b = 0; b < nr; ++b)
      if (m.regions[a].country == m.cn && m.regions[b].country == m.kz) {
        contact += travel.contact_index(nr, a, b);
        ++pairs;
      }
  contact = pairs ? contact / pairs : 1.0;

  for (std::size_t i = 0; i < specs.size(); ++i) {
    const InvestorSpec& spec = *specs[i];
    const double monthly = spec.annual_budget_usd_bn * 1e9 / 12.0;
    // The month's income, from its stated source; infrastructure and FDI are paid out of it.
    const Money income = Money::usd(monthly);
    budget[i] += income;
    if (spec.income_from == "appropriation")
      acc.government_pays(m.investor_country[i], income, kRowInvestorIncome, false);
    else
      acc.from_row(kRowInvestorIncome, income);
    const double fdi =
        monthly * spec.fdi_share * std::max(0.0, 1.0 + ip.fdi_contact_effect * (contact - 1.0));
    // This month's FDI is set aside before projects are funded from the savings.
    const Money reserve = std::min(Money::usd(fdi), budget[i]);
    // Infrastructure: best candidate first; fund while the savings cover it.
    while (true) {
      int best = -1;
      double best_return = 0;
      for (std::size_t k = 0; k < infra.projects.size(); ++k) {
        const Project& p = infra.projects[k];
        if (!p.by_investors || p.status != ProjectStatus::kCandidate) continue;
        // Private investors build commercial terminal capacity, not public rail lines.
        if (spec.kind == "private" && !p.expansion) continue;
        const double ret = expected_return(m, p, infra, crossings) - spec.risk_aversion * 0.02;
        if (ret >= spec.hurdle_rate && p.cost <= budget[i] - reserve &&
            (best < 0 || ret > best_return)) {
          best = static_cast<int>(k);
          best_return = ret;
        }
      }
      if (best < 0) break;
      budget[i] -= infra.projects[best].cost;
      acc.from_row(kRowConstruction, Money() - infra.projects[best].cost);  // to contractors
      infra.fund(best, static_cast<int>(i), ctx, events);
      events.push_back({ctx.day, "investment_decision", names[i] + ": " + infra.projects[best].name,
                        infra.projects[best].cost.usd()});
    }
    // FDI into Kazakh producers of goods, in four placements a month.
    if (fdi <= 0) continue;
    std::uint32_t total = 0;
    for (const auto& L : m.regions) total += L.country == m.kz ? L.count : 0;
    for (std::uint32_t k = 0; k < 4 && total > 0; ++k) {
      // Draw Kazakh firms until one is an active producer of goods (bounded: a placement
      // that finds none in 64 draws is not made).
      std::int64_t firm = -1;
      for (std::uint32_t attempt = 0; attempt < 64 && firm < 0; ++attempt) {
        std::uint32_t pick = static_cast<std::uint32_t>(
            Rng::unit(ctx.rng.words(i, ctx.day, Purpose::kFdi, k * 64 + attempt)[0]) * total);
        for (const auto& L : m.regions) {
          if (L.country != m.kz) continue;
          if (pick < L.count) {
            firm = L.first + pick;
            break;
          }
          pick -= L.count;
        }
        if (firm >= 0 && (!firms.active[firm] || firms.sector[firm] >= kLogistics)) firm = -1;
      }
      const Money amount = Money::usd(fdi / 4.0);
      if (firm < 0 || budget[i] < amount) continue;
      budget[i] -= amount;
      firms.cash[firm] += amount;
      firms.capital[firm] += static_cast<float>(amount.usd() * ip.fdi_capital_per_usd);
      firms.foreign_owned[firm] = 1;
      out.fdi_usd += amount.usd();
    }
  }
}

}  // namespace corridor

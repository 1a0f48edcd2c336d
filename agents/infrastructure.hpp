#pragma once
// Infrastructure projects and the network's current state: capacities and link times as
// projects complete. Projects are either scheduled (the historical path or a scenario) or
// chosen by investor agents; both add capacity or save time after a construction lag.
#include <string>
#include <vector>

#include "agents/accounts.hpp"
#include "sim/context.hpp"
#include "sim/money.hpp"

namespace corridor {

enum class ProjectStatus : std::uint8_t { kCandidate, kBuilding, kDone, kDisabled };

struct Project {
  std::string name;
  int node = -1, link = -1;  // target
  bool by_investors = false;
  bool expansion = false;  // requested by a congested crossing (a commercial terminal)
  ProjectStatus status = ProjectStatus::kCandidate;
  Date start, completion;
  int lag_days = 0;  // for investor projects: construction time once funded
  Money cost, spent;
  double capacity_teu_per_day = 0, days_saved = 0;
  int funded_by = -1;  // investor index

  template <class V>
  void visit(V& v) {
    v("name", name);
    v("node", node);
    v("link", link);
    v("by_investors", by_investors);
    v("expansion", expansion);
    v("status", status);
    v("start", start);
    v("completion", completion);
    v("lag_days", lag_days);
    v("cost", cost);
    v("spent", spent);
    v("capacity_teu_per_day", capacity_teu_per_day);
    v("days_saved", days_saved);
    v("funded_by", funded_by);
  }
};

struct Event {
  int day;
  std::string kind, name;
  double value;

  template <class V>
  void visit(V& v) {
    v("day", day);
    v("kind", kind);
    v("name", name);
    v("value", value);
  }
};

struct Infrastructure {
  std::vector<double> link_days;        // current transit time per link
  std::vector<double> node_capacity;    // current capacity per node, TEU/day
  std::vector<double> route_teu_today;  // TEU that started a trip on each route today
  std::vector<double> link_flow_teu;    // 30-day moving average of that, for appraisal
  std::vector<Project> projects;

  template <class V>
  void visit(V& v) {
    v("link_days", link_days);
    v("node_capacity", node_capacity);
    v("route_teu_today", route_teu_today);
    v("link_flow_teu", link_flow_teu);
    v("projects", projects);
  }

  void init(const Model& m);
  // Starts, spends on and completes projects; returns today's construction spending.
  // Scheduled projects are paid for by the government of their country, day by day, to
  // contractors outside the model; investors pay theirs when they fund them.
  Money step(const DayContext& ctx, std::vector<Event>& events, Accounts& acc);
  // Adds an investor-funded project: construction starts today.
  void fund(int project, int investor, const DayContext& ctx, std::vector<Event>& events);
};

}  // namespace corridor

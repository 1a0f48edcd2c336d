#pragma once
// Investors (state programme, state-owned enterprise, development fund, private): each
// month they save their budget, fund the infrastructure candidates (configured projects
// left to investors, and expansions requested by congested ports and crossings) whose
// expected return clears their hurdle after a risk charge, and place direct investment
// (FDI) in Kazakh firms, more of it where business contacts are dense.
#include <string>
#include <vector>

#include "agents/crossings.hpp"
#include "agents/firms.hpp"
#include "agents/infrastructure.hpp"
#include "agents/travellers.hpp"

namespace corridor {

struct Investors {
  std::vector<std::string> names;
  std::vector<const InvestorSpec*> specs;
  std::vector<Money> budget;

  template <class V>
  void visit(V& v) {
    v("names", names);
    v.skip("specs", specs);  // pointers into the model's parameters, set by init()
    v("budget", budget);
  }

  void init(const Model& m);
  void month(const DayContext& ctx, Infrastructure& infra, const Crossings& crossings, Firms& firms,
             const Travellers& travel, std::vector<Event>& events, Accounts& acc, DayOutcomes& out);
  // Expected annual return of a project (benefit per year over cost).
  double expected_return(const Model& m, const Project& p, const Infrastructure& infra,
                         const Crossings& crossings) const;
};

}  // namespace corridor

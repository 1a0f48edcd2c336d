#pragma once
// Traveller cohorts by origin region, destination region and purpose. Trips respond to
// the visa burden (fee and processing time valued at the traveller's time), income growth
// and promotions; business trips build contacts that make firms in the two regions more
// likely to become trade partners; tourists spend in the destination's tourism sector.
#include <vector>

#include "sim/context.hpp"
#include "sim/outcomes.hpp"

namespace corridor {

struct Travellers {
  std::vector<double> contacts, reference;  // [region * n_regions + region]
  std::vector<double> tourism_demand_usd;   // per country, today
  double decay = 1.0;

  template <class V>
  void visit(V& v) {
    v("contacts", contacts);
    v("reference", reference);
    v("tourism_demand_usd", tourism_demand_usd);
    v("decay", decay);
  }

  void init(const Model& m);
  // Mean daily trips of a cohort before noise.
  double mean_trips(const DayContext& ctx, int origin_region, int dest_region, int purpose) const;
  void step(const DayContext& ctx, DayOutcomes& out);
  double contact_index(int n_regions, int a, int b) const {
    const std::size_t k = static_cast<std::size_t>(a) * n_regions + b;
    return reference[k] > 0 ? contacts[k] / reference[k] : 0.0;
  }
};

}  // namespace corridor

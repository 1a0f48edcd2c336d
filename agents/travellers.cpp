#include "agents/travellers.hpp"

#include <cmath>

namespace corridor {

namespace {
// Share of a region's firms in its country: cohorts are sized by economic weight.
double region_share(const Model& m, int r) {
  double total = 0;
  for (const auto& L : m.regions)
    if (L.country == m.regions[r].country) total += L.count;
  return total > 0 ? m.regions[r].count / total : 0.0;
}
}  // namespace

void Travellers::init(const Model& m) {
  const int nr = static_cast<int>(m.regions.size());
  contacts.assign(nr * nr, 0.0);
  reference.assign(nr * nr, 0.0);
  tourism_demand_usd.assign(m.countries.size(), 0.0);
  const auto& tp = m.params.travel;
  decay = std::exp(-std::log(2.0) / tp.contact_half_life_days);
  // Reference contact stock: the steady state of 2013 business travel.
  for (int a = 0; a < nr; ++a)
    for (int b = 0; b < nr; ++b) {
      const auto& A = m.regions[a];
      const auto& B = m.regions[b];
      if (A.country == B.country) continue;
      auto it = tp.trips_per_year.find(m.countries[A.country]);
      if (it == tp.trips_per_year.end()) continue;
      const double trips = it->second[kBusiness] / 365.0 * region_share(m, a) * region_share(m, b);
      reference[a * nr + b] += trips / (1.0 - decay);
      reference[b * nr + a] += trips / (1.0 - decay);
    }
  contacts = reference;
}

double Travellers::mean_trips(const DayContext& ctx, int a, int b, int purpose) const {
  const Model& m = ctx.model;
  const auto& tp = m.params.travel;
  const auto& A = m.regions[a];
  const auto& B = m.regions[b];
  auto it = tp.trips_per_year.find(m.countries[A.country]);
  if (A.country == B.country || it == tp.trips_per_year.end()) return 0.0;
  const int dir = A.country == m.cn ? kCnToKz : kKzToCn;
  // The 2013 base trips were made with a visa. A visa exemption removes the burden for the
  // share of trips short enough to fit the maximum stay.
  const double burden =
      tp.visa_fee_usd + tp.visa_processing_days * tp.value_of_time_usd_per_day[purpose];
  double relief = 0;
  if (ctx.policy.visa_free[dir])
    relief = burden * (1.0 - std::exp(-ctx.policy.max_stay_days[dir] / tp.mean_stay_days[purpose]));
  const double visa = std::exp(relief / tp.visa_cost_scale_usd[purpose]);
  const double income = std::pow(m.gdp_index[A.country][ctx.day], tp.income_elasticity);
  const double promo = purpose == kTourist ? 1.0 + ctx.policy.tourism_uplift[dir] : 1.0;
  return it->second[purpose] / 365.0 * region_share(m, a) * region_share(m, b) * visa * income *
         promo * ctx.policy.passenger_trips_factor;
}

void Travellers::step(const DayContext& ctx, DayOutcomes& out) {
  const Model& m = ctx.model;
  const auto& tp = m.params.travel;
  const int nr = static_cast<int>(m.regions.size());
  std::fill(tourism_demand_usd.begin(), tourism_demand_usd.end(), 0.0);
  for (auto& c : contacts) c *= decay;
  for (int a = 0; a < nr; ++a)
    for (int b = 0; b < nr; ++b) {
      if (m.regions[a].country == m.regions[b].country) continue;
      const int origin = m.regions[a].country == m.cn ? 0 : 1;
      for (int p = 0; p < kPurposes; ++p) {
        const std::uint64_t cohort = (static_cast<std::uint64_t>(a) * nr + b) * kPurposes + p;
        const double trips =
            ctx.rng.poisson(mean_trips(ctx, a, b, p), cohort, ctx.day, Purpose::kTravel);
        out.arrivals[origin][p] += trips;
        if (p == kBusiness) {
          contacts[a * nr + b] += trips;
          contacts[b * nr + a] += trips;
        } else {
          tourism_demand_usd[m.regions[b].country] += trips * tp.tourist_spend_usd;
        }
      }
    }
  for (double v : tourism_demand_usd) out.tourist_spending_usd += v;
}

}  // namespace corridor

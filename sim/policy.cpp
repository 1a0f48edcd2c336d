#include "sim/policy.hpp"

#include <algorithm>

namespace corridor {

namespace {
double scheduled(const std::vector<ScheduledValue>& s, Date day, double before_first) {
  double v = before_first;
  for (const auto& e : s)
    if (!(day < e.from)) v = e.value;
  return v;
}
}  // namespace

double kz_crude_room_mt(const PipelineToChina& p, Date day) {
  return std::max(0.0, p.deliveries_mt_per_year - scheduled(p.russian_transit, day, 0.0));
}

void policy_at(const PolicyParams& p, const std::vector<double>& base_processing,
               const std::vector<std::string>& node_names, Date day, PolicyState& out) {
  for (int d = 0; d < 2; ++d) {
    auto it = p.visa_free.find(kDirectionNames[d]);
    out.visa_free[d] = it != p.visa_free.end() && it->second.start && !(day < *it->second.start);
    out.max_stay_days[d] = it != p.visa_free.end() ? it->second.max_stay_days : 0;
    out.tourism_uplift[d] = 0;
  }
  out.rmb_clearing = p.rmb_clearing.start && !(day < *p.rmb_clearing.start);
  for (const auto& [name, t] : p.tourism_year)
    if (!(day < t.start) && !(t.end < day))
      out.tourism_uplift[t.direction == "cn_to_kz" ? kCnToKz : kKzToCn] += t.uplift;
  out.transit_fee_usd_per_teu = scheduled(p.transit_fee, day, 0.0);
  out.rail_subsidy_usd_per_teu = scheduled(p.rail_subsidy.schedule, day, 0.0);
  out.route_risk_usd_per_teu = scheduled(p.route_risk.schedule, day, 0.0);
  const auto& closure = p.passenger_closure;
  out.passenger_trips_factor =
      closure.start && !(day < *closure.start) && day < closure.end ? closure.trips_factor : 1.0;
  const auto& pipe = p.pipeline_to_china;
  out.kz_crude_room_mt = pipe.enabled ? kz_crude_room_mt(pipe, day) : -1.0;
  out.kz_gas_bcm = pipe.enabled ? scheduled(pipe.gas_bcm, day, 0.0) : 0.0;
  for (std::size_t n = 0; n < base_processing.size(); ++n) {
    auto it = p.border_processing.find(node_names[n]);
    out.processing_days[n] = it == p.border_processing.end()
                                 ? base_processing[n]
                                 : scheduled(it->second, day, base_processing[n]);
  }
}

void PolicyState::diff(const PolicyState& before, std::vector<std::pair<std::string, double>>& out,
                       const std::vector<std::string>& node_names) const {
  for (int d = 0; d < 2; ++d) {
    if (visa_free[d] != before.visa_free[d])
      out.emplace_back(std::string("visa_free.") + kDirectionNames[d], visa_free[d]);
    if (tourism_uplift[d] != before.tourism_uplift[d])
      out.emplace_back(std::string("tourism_year.") + kDirectionNames[d], tourism_uplift[d]);
  }
  if (rmb_clearing != before.rmb_clearing) out.emplace_back("rmb_clearing", rmb_clearing);
  if (transit_fee_usd_per_teu != before.transit_fee_usd_per_teu)
    out.emplace_back("transit_fee", transit_fee_usd_per_teu);
  if (rail_subsidy_usd_per_teu != before.rail_subsidy_usd_per_teu)
    out.emplace_back("rail_subsidy", rail_subsidy_usd_per_teu);
  if (route_risk_usd_per_teu != before.route_risk_usd_per_teu)
    out.emplace_back("route_risk", route_risk_usd_per_teu);
  if (passenger_trips_factor != before.passenger_trips_factor)
    out.emplace_back("passenger_closure", passenger_trips_factor);
  if (kz_crude_room_mt != before.kz_crude_room_mt)
    out.emplace_back("pipeline_to_china.kz_crude_room_mt", kz_crude_room_mt);
  if (kz_gas_bcm != before.kz_gas_bcm) out.emplace_back("pipeline_to_china.gas_bcm", kz_gas_bcm);
  for (std::size_t n = 0; n < processing_days.size(); ++n)
    if (processing_days[n] != before.processing_days[n])
      out.emplace_back("border_processing." + node_names[n], processing_days[n]);
}

}  // namespace corridor

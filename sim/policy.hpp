#pragma once
// The policy schedule: what every lever says on a given date. Levers act through agents'
// decisions (travel costs, settlement costs, route costs, capacities), never on outputs.
#include <array>
#include <string>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/params.hpp"

namespace corridor {

enum Direction : int { kCnToKz, kKzToCn };
inline constexpr std::array<const char*, 2> kDirectionNames = {"cn_to_kz", "kz_to_cn"};

struct PolicyState {
  std::array<bool, 2> visa_free{};
  std::array<double, 2> max_stay_days{};
  bool rmb_clearing = false;
  std::array<double, 2> tourism_uplift{};
  double transit_fee_usd_per_teu = 0;
  double rail_subsidy_usd_per_teu = 0, route_risk_usd_per_teu = 0;
  double passenger_trips_factor = 1;  // below 1 while borders are closed to passengers
  // The oil pipeline to China's room for Kazakh crude (deliveries less Russian transit, Mt
  // a year; negative when the pipeline is off) and Kazakh gas sold to China (bcm a year).
  double kz_crude_room_mt = -1, kz_gas_bcm = 0;
  std::vector<double> processing_days;  // per node, sized once

  template <class V>
  void visit(V& v) {
    v("visa_free", visa_free);
    v("max_stay_days", max_stay_days);
    v("rmb_clearing", rmb_clearing);
    v("tourism_uplift", tourism_uplift);
    v("transit_fee_usd_per_teu", transit_fee_usd_per_teu);
    v("rail_subsidy_usd_per_teu", rail_subsidy_usd_per_teu);
    v("route_risk_usd_per_teu", route_risk_usd_per_teu);
    v("passenger_trips_factor", passenger_trips_factor);
    v("kz_crude_room_mt", kz_crude_room_mt);
    v("kz_gas_bcm", kz_gas_bcm);
    v("processing_days", processing_days);
  }

  // Names of levers that differ from `before`, for the event table.
  void diff(const PolicyState& before, std::vector<std::pair<std::string, double>>& out,
            const std::vector<std::string>& node_names) const;
};

// The oil pipeline's room for Kazakh crude on `day`: deliveries less Russian transit, Mt a
// year (not below 0).
double kz_crude_room_mt(const PipelineToChina& p, Date day);

// Fills `out` (whose processing_days must already be sized to the node count) for `day`.
void policy_at(const PolicyParams& p, const std::vector<double>& base_processing,
               const std::vector<std::string>& node_names, Date day, PolicyState& out);

}  // namespace corridor

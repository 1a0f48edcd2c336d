#pragma once
// What every daily rule receives: the frozen model, the date, the random streams and the
// day's policy. Passed explicitly; there are no globals.
#include "sim/calendar.hpp"
#include "sim/model.hpp"
#include "sim/policy.hpp"
#include "sim/rng.hpp"

namespace corridor {

struct DayContext {
  const Model& model;
  int day;  // index since the start date
  Date date;
  const Rng& rng;
  const PolicyState& policy;
};

}  // namespace corridor

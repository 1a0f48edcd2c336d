#pragma once
// A simulation owns only mutable state; the model it runs is frozen and shared. One call
// to step() is one day: a fixed, named, timed sequence of phases.
#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/accounts.hpp"
#include "agents/crossings.hpp"
#include "agents/firms.hpp"
#include "agents/infrastructure.hpp"
#include "agents/investors.hpp"
#include "agents/settlement.hpp"
#include "agents/shipments.hpp"
#include "agents/travellers.hpp"
#include "sim/model.hpp"
#include "sim/outcomes.hpp"

namespace corridor {

// Everything that changes during a run. Every field must be listed in visit() below (the
// protocol is in sim/visit.hpp): checkpoints save and restore exactly what it lists, and
// tests/unit/sim/test_state_visit.cpp fails when a member of State or of a struct it holds
// is missing from its list.
struct State {
  Firms firms;
  Shipments shipments;
  Crossings crossings;
  Infrastructure infrastructure;
  Travellers travellers;
  Settlement banks;
  Investors investors;
  Accounts accounts;  // households, governments, banks, carriers, the rest of the world
  PolicyState policy, policy_before;  // the governments' levers today and yesterday
  TradeTables trade;
  RouteTables routes;
  DayOutcomes out;
  Ledger ledger;
  std::vector<Event> events;                      // all events so far, in order
  std::vector<double> base_order_rate;            // [(oc * nc + dc) * kSectors + s]
  std::vector<double> share_total, labour_total;  // [firm country * kSectors + s]
  std::vector<SectorVector> output_before;        // yesterday's output per firm country
  double firms_active = 0;
  MonthTotals month;  // last month's firm totals
  int day = 0;        // next day to simulate

  template <class V>
  void visit(V& v) {
    v("firms", firms);
    v("shipments", shipments);
    v("crossings", crossings);
    v("infrastructure", infrastructure);
    v("travellers", travellers);
    v("banks", banks);
    v("investors", investors);
    v("accounts", accounts);
    v("policy", policy);
    v("policy_before", policy_before);
    v("trade", trade);
    v("routes", routes);
    v("out", out);
    v("ledger", ledger);
    v("events", events);
    v("base_order_rate", base_order_rate);
    v("share_total", share_total);
    v("labour_total", labour_total);
    v("output_before", output_before);
    v("firms_active", firms_active);
    v("month", month);
    v("day", day);
  }
};

// Every money holding of the model: firms' cash, investors' budgets and the accounts. It
// changes from day to day by exactly the day's flows with the rest of the world
// (state.accounts.row_total()).
Money money_holdings(const State& st);

class Recorder;

class Simulation {
 public:
  struct Phase {
    const char* name;
    const char* description;
    void (Simulation::*run)(const DayContext&);
  };
  static const std::vector<Phase>& schedule();

  Simulation(std::shared_ptr<const Model> model, std::uint64_t seed);

  void step();
  bool done() const { return state_.day >= model_->days; }
  int day() const { return state_.day; }
  const Model& model() const { return *model_; }
  const State& state() const { return state_; }
  std::uint64_t seed() const { return seed_; }
  // Seconds spent in each phase so far, in schedule order; the recorder's is last.
  const std::vector<double>& phase_seconds() const { return seconds_; }

  // Runs to the end (or to day `until`), recording each day; `progress` is called after
  // every day with the number of days done.
  void run(Recorder* recorder, const std::function<void(int)>& progress = {}, int until = -1);

  // Checkpoints (sim/visit.hpp): the simulation's mutable state. The model, seed and
  // random streams are fixed by the run's identity (a checkpoint records and checks them);
  // the phase timers are not state: a resumed run times only the days it simulates.
  template <class V>
  void visit(V& v) {
    v.skip("model", model_);
    v.skip("seed", seed_);
    v.skip("rng", rng_);
    v("state", state_);
    v.skip("phase_seconds", seconds_);
  }
  // Called after a checkpoint has been read in through visit(): re-derives what points
  // from one part of the state into another.
  void restored();

 private:
  void phase_policy(const DayContext& ctx);
  void phase_travel(const DayContext& ctx);
  void phase_routing(const DayContext& ctx);
  void phase_production(const DayContext& ctx);
  void phase_shipping(const DayContext& ctx);
  void phase_transport(const DayContext& ctx);
  void phase_border(const DayContext& ctx);
  void phase_settlement(const DayContext& ctx);
  void phase_investment(const DayContext& ctx);
  void phase_accounting(const DayContext& ctx);
  void refresh_partner_choice(const DayContext& ctx);
  void add_month_totals(const MonthTotals& t);
  // import_growth: [firm country * kSectors + s], the buyer country's absorption index
  // raised to trade.income_elasticity.
  void refresh_order_rates(const DayContext& ctx,
                           const std::array<double, kMaxFirmCountries * kSectors>& import_growth);
  void check_invariants(Money holdings_before) const;

  std::shared_ptr<const Model> model_;
  std::uint64_t seed_;
  Rng rng_;
  State state_;
  std::vector<double> seconds_;
};

class Recorder {
 public:
  virtual ~Recorder() = default;
  virtual void record(const Simulation& sim) = 0;
};

}  // namespace corridor

#pragma once
// Money holdings of the sectors that are not individual agents, and the flows between
// them: households (per region), government, banks and carriers (per firm country), and
// the rest of the world. Every payment in the model has a payer and a payee among these,
// the firms (Firms::cash) and the investors (Investors::budget); the rest of the world
// is the only place money comes from or goes to, and each such flow is recorded, so the
// sum of all holdings changes by exactly the recorded flows with the rest of the world
// (money_holdings() in sim/simulation.hpp, checked daily in checked builds).
#include <array>
#include <cstdint>
#include <vector>

#include "sim/money.hpp"
#include "sim/params.hpp"

namespace corridor {

struct Model;

inline constexpr int kMaxRegions = 32;
// The opening days fill the shipment pipeline (freight is still ramping up), so carriers'
// base revenue is measured over the four weeks after the first week.
inline constexpr int kCarrierBaseFirst = 7;
inline constexpr int kCarrierBaseDays = 28;

// Flows with the rest of the world, by kind; positive: money comes into the model.
enum RowFlow : int {
  kRowGoods,           // markets outside the model pay for goods delivered to them
  kRowTransport,       // freight and node fees paid to carriers and governments outside
  kRowDomestic,        // firms' domestic sales not paid by households, less their purchases
                       // of inputs and replacement capital (the economy outside the agents)
  kRowConstruction,    // project spending paid to construction contractors
  kRowInvestorIncome,  // investors' income from outside: an SOE's profits, a fund's capital
  kRowFlows
};
inline constexpr std::array<const char*, kRowFlows> kRowFlowNames = {
    "goods", "transport", "domestic_other", "construction", "investor_income"};

struct Accounts {
  int n_countries = 0;  // firm countries; an index at or above it is the rest of the world
  // Holdings.
  std::vector<Money> households;                   // per region
  std::vector<Money> government, banks, carriers;  // per firm country
  // Households' disposable wage income of yesterday, per region: today's consumption.
  std::vector<Money> income_before;
  // Carriers' freight revenue of yesterday, per firm country: what they pay their country's
  // logistics firms today. Their demand counts against its level at the run's start (mean
  // daily revenue over kCarrierBaseDays days from day kCarrierBaseFirst), as households'
  // against the base year's: the calibrated final demand already holds that level.
  std::vector<Money> carrier_revenue_before;
  std::vector<double> carrier_base_usd;
  // Cumulative, per firm country, for the government's budget account.
  std::vector<Money> gov_revenue_total, gov_project_total, gov_other_spending_total;
  // Today's flows (reset every day), per firm country unless said otherwise.
  std::vector<Money> gov_revenue, gov_fees, gov_spending, household_income, household_consumption,
      carrier_revenue, bank_income;
  std::array<Money, kRowFlows> row{};  // today's flows with the rest of the world

  template <class V>
  void visit(V& v) {
    v("n_countries", n_countries);
    v("households", households);
    v("government", government);
    v("banks", banks);
    v("carriers", carriers);
    v("income_before", income_before);
    v("carrier_revenue_before", carrier_revenue_before);
    v("carrier_base_usd", carrier_base_usd);
    v("gov_revenue_total", gov_revenue_total);
    v("gov_project_total", gov_project_total);
    v("gov_other_spending_total", gov_other_spending_total);
    v("gov_revenue", gov_revenue);
    v("gov_fees", gov_fees);
    v("gov_spending", gov_spending);
    v("household_income", household_income);
    v("household_consumption", household_consumption);
    v("carrier_revenue", carrier_revenue);
    v("bank_income", bank_income);
    v("row", row);
  }

  void init(const Model& m);
  void reset_flows();
  bool inside(int country) const { return country >= 0 && country < n_countries; }

  // One side of a payment; the caller books the other side. A country outside the model
  // (a market) is the rest of the world: the flow is recorded under `kind`.
  void government_receives(int country, Money amount, RowFlow kind, bool fee);
  void government_pays(int country, Money amount, RowFlow kind, bool project);
  void carriers_receive(int country, Money amount, RowFlow kind);
  void banks_receive(int country, Money amount, RowFlow kind);

  void from_row(RowFlow kind, Money amount) { row[kind] += amount; }
  Money row_total() const;
  Money holdings() const;  // of these accounts only

 private:
  void sector_receives(std::vector<Money>& holding, std::vector<Money>& flow, int country,
                       Money amount, RowFlow kind);
};

}  // namespace corridor

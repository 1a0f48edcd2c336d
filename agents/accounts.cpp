#include "agents/accounts.hpp"

#include "sim/model.hpp"

namespace corridor {

void Accounts::init(const Model& m) {
  n_countries = m.n_firm_countries;
  const auto nc = static_cast<std::size_t>(n_countries);
  households.assign(m.regions.size(), Money());
  income_before.assign(m.regions.size(), Money());
  for (auto* v :
       {&government, &banks, &carriers, &gov_revenue_total, &gov_project_total,
        &gov_other_spending_total, &gov_revenue, &gov_fees, &gov_spending, &household_income,
        &household_consumption, &carrier_revenue, &bank_income, &carrier_revenue_before})
    v->assign(nc, Money());
  carrier_base_usd.assign(nc, 0.0);
  row.fill(Money());
}

void Accounts::reset_flows() {
  for (auto* v : {&gov_revenue, &gov_fees, &gov_spending, &household_income, &household_consumption,
                  &carrier_revenue, &bank_income})
    std::fill(v->begin(), v->end(), Money());
  row.fill(Money());
}

void Accounts::government_receives(int country, Money amount, RowFlow kind, bool fee) {
  if (!inside(country)) {
    row[kind] -= amount;
    return;
  }
  government[country] += amount;
  gov_revenue[country] += amount;
  if (fee) gov_fees[country] += amount;
  gov_revenue_total[country] += amount;
}

void Accounts::government_pays(int country, Money amount, RowFlow kind, bool project) {
  if (!inside(country)) {
    row[kind] += amount;
    return;
  }
  government[country] -= amount;
  gov_spending[country] += amount;
  (project ? gov_project_total : gov_other_spending_total)[country] += amount;
}

// A payment to a country's carriers or banks: a holding and its flow of the day, or the rest
// of the world where the country has no agents.
void Accounts::sector_receives(std::vector<Money>& holding, std::vector<Money>& flow, int country,
                               Money amount, RowFlow kind) {
  if (!inside(country)) {
    row[kind] -= amount;
    return;
  }
  holding[country] += amount;
  flow[country] += amount;
}

void Accounts::carriers_receive(int country, Money amount, RowFlow kind) {
  sector_receives(carriers, carrier_revenue, country, amount, kind);
}

void Accounts::banks_receive(int country, Money amount, RowFlow kind) {
  sector_receives(banks, bank_income, country, amount, kind);
}

Money Accounts::row_total() const {
  Money t;
  for (Money f : row) t += f;
  return t;
}

Money Accounts::holdings() const {
  Money t;
  for (const auto* v : {&households, &government, &banks, &carriers})
    for (Money x : *v) t += x;
  return t;
}

}  // namespace corridor

#pragma once
// The immutable model: parameters, network with candidate routes, firm layout, economy
// calibration and daily driver series. Built once from config and shared read-only by
// every simulation (and, later, every run of a sweep).
#include <Eigen/Dense>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "sim/network.hpp"
#include "sim/params.hpp"

namespace corridor {

using SectorVector = Eigen::Matrix<double, kSectors, 1>;
using IoMatrix = Eigen::Matrix<double, kSectors, kSectors>;

struct RegionLayout {
  int node;                            // network node index
  int country;                         // index into Model::countries
  std::uint32_t first = 0, count = 0;  // firms of this region are [first, first+count)
  std::array<std::uint32_t, kSectors> sector_first{}, sector_count{};
};

// An origin region and a destination (a region of the partner country or a market node)
// with its candidate routes.
struct OdPair {
  int origin_node, dest_node;
  int origin_country, dest_country;
  int routes_begin, routes_end;  // container routes
  int pipe_begin, pipe_end;      // pipeline routes (energy), may be empty
  bool transit;                  // neither end in Kazakhstan
};

struct Model {
  Model(Params p, std::string text, std::string resolved, std::string desc, Network net)
      : params(std::move(p)),
        config_text(std::move(text)),
        resolved_yaml(std::move(resolved)),
        description(std::move(desc)),
        network(std::move(net)) {}

  Params params;
  std::string config_text, resolved_yaml, description;
  Network network;
  Date start;
  int days = 0;

  std::vector<std::string> countries;  // firm countries first, then market countries
  int n_firm_countries = 0;
  int cn = -1, kz = -1;
  std::vector<int> country_of_node;
  std::vector<int> market_node_of_country;  // -1 for firm countries

  std::vector<RegionLayout> regions;
  std::vector<int> region_of_node;  // -1 if no firms there
  std::uint32_t n_firms = 0;

  // Per firm country: input coefficients, Leontief-consistent base output and final
  // demand and base exports, all in USD per day at 2013 prices.
  std::vector<IoMatrix> io;
  std::vector<SectorVector> base_final, base_exports, base_output;
  // What the country absorbs of each good in the base year: final demand plus the inputs
  // its base output needs (io * base_output). Imports of a good follow its absorption.
  std::vector<SectorVector> base_needs;
  std::vector<SectorArray> base_jobs;
  std::vector<SectorArray> wage_per_worker_day;  // USD

  std::vector<OdPair> ods;
  std::vector<int> od_of;  // [region * n_nodes + dest_node] -> od index or -1

  // Daily drivers, index = day since start, each relative to its level on the first day of
  // economy.base_year (the year of the config's flows), so a run that starts later starts
  // from that year's levels.
  std::vector<double> oil_index;               // Brent in USD
  std::vector<double> copper_index;            // LME copper in USD
  std::vector<std::vector<double>> gdp_index;  // per country, real GDP
  // Per country: real gross domestic income, what its absorption follows. Real GDP plus the
  // trading gain on economy.resource_income's commodity, whose world price, deflated, moves
  // what the country's output buys without moving the output (Kohli 2004).
  std::vector<std::vector<double>> income_index;
  // Per country: consumer prices in its own currency, its currency per US dollar, and so
  // the dollar price of its goods (the first over the second).
  std::vector<std::vector<double>> price_local, fx_index, price_usd;
  // Per destination country: the price, in its own currency, of what imports compete with
  // there (its own goods and economy.import_competitors'), base year = 1.
  std::vector<std::vector<double>> competing_price;
  // Per link: its freight driver in USD per TEU by day, or empty (network.links.*.freight_driver).
  std::vector<std::vector<double>> link_freight_usd_per_teu;
  // Productivity shocks (firms.productivity_shocks), resolved: on day `day` (or at the start
  // when earlier) firms of country, sector and region (-1: every region) get `factor`.
  struct Shock {
    std::string name;
    int day, country, sector, region;
    double factor;
  };
  std::vector<Shock> productivity_shocks;
  // Levers that name countries and corridors, resolved (-1: none).
  int subsidy_origin = -1, subsidy_destination = -1, risk_corridor = -1;
  // The oil pipeline's room for Kazakh crude on 1 January of the base year, which Kazakh
  // energy sales to China in the base flows fill (Mt a year; 0 when the lever is off).
  double kz_crude_room_base_mt = 0;
  double kz_cn_energy_base_usd_bn = 0;  // Kazakh energy sold to China in the base year

  // Money (agents/accounts.hpp): the country whose carriers a link's freight pays (that of
  // its from-node, else of its to-node, when one is a firm country; else a market's, the
  // rest of the world); each firm country's income tax in basis points of wages; the
  // sector shares of its final demand, where households' consumption goes; and that
  // consumption out of the 2013 wage bill, which the calibrated final demand already holds.
  std::vector<int> country_of_link;
  std::vector<std::int64_t> income_tax_bp;
  std::vector<SectorVector> final_share;
  std::vector<double> base_consumption_usd;
  std::vector<int> investor_country;  // of each investor, in name order

  std::vector<std::string> node_names;
  std::vector<double> base_processing_days;  // per node

  int country_index(const std::string& code) const;
  int od(int region, int dest_node) const {
    return od_of[static_cast<std::size_t>(region) * network.nodes().size() + dest_node];
  }
  Date date(int day) const { return start + day; }
  // Kazakh energy and metals sell at world prices in dollars, whatever the tenge does.
  bool world_priced(int c, int s) const { return c == kz && (s == kEnergy || s == kMetals); }
  // The dollar price, base year = 1, of country c's exports of sector s: Brent for Kazakh
  // energy, copper for Kazakh metals, else the dollar price of the country's goods.
  double export_price(int c, int s, int day) const {
    if (!world_priced(c, s)) return price_usd[c][day];
    const auto& tp = params.trade;
    return s == kEnergy ? std::pow(oil_index[day], tp.oil_elasticity_energy)
                        : std::pow(copper_index[day], tp.copper_elasticity_metals);
  }
};

std::shared_ptr<const Model> build_model(LoadedConfig cfg);

}  // namespace corridor

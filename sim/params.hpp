#pragma once
// Typed parameters, one struct per module. Values come from configs/baseline.yaml (which
// must set every key: the baseline is the default), then a scenario's overrides, then
// --set options. Each field is read by exactly one rule; docs/ODD.md lists them with
// units and sources.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/calendar.hpp"

namespace corridor {

inline constexpr int kSectors = 6;
enum Sector : int { kEnergy, kMetals, kAgriculture, kManufacturing, kLogistics, kTourism };
inline constexpr std::array<const char*, kSectors> kSectorNames = {
    "energy", "metals", "agriculture", "manufacturing", "logistics", "tourism"};
using SectorArray = std::array<double, kSectors>;

inline constexpr int kPurposes = 2;
enum TripPurpose : int { kBusiness, kTourist };
inline constexpr std::array<const char*, kPurposes> kPurposeNames = {"business", "tourist"};

// Where a value came from, for messages about entries that are incomplete after layering.
struct Origin {
  std::string file;
  int line = 0;
};
// The file and line where each key (dotted path, e.g. "firms.count") was last set, for
// messages about values that are checked after all layers are applied.
using KeyOrigins = std::map<std::string, Origin>;

struct RunParams {
  Date start, end;
  std::uint64_t seed = 0;
  double scale = 1.0;              // multiplies firm agent counts
  double shipment_pool_slots = 0;  // 0: sized from the flows and the number of firms
};

struct NodeSpec {
  Origin origin;
  std::string country;  // ISO-like code: CN, KZ, EU, UZ, IR, RU, AZ
  std::string kind;     // region | port | border | dry_port | hub | market
  double lat = 0, lon = 0;
  double capacity_teu_per_day = 0;  // 0 = not capacity-limited
  double fee_usd_per_teu = 0;
  double processing_days = 0;
};

struct LinkSpec {
  Origin origin;
  std::string from, to;
  std::string mode;  // rail | road | sea | pipeline
  double days = 0;
  double tariff_usd_per_teu = 0;
  // A drivers column (USD per FEU) whose half is added per TEU each day: sea freight rates
  // move with the market, not with a config value. Empty: the tariff alone.
  std::string freight_driver;
  std::string corridor;  // northern | middle | southern | maritime | "" (domestic)
  bool oneway = false;
};

struct NetworkParams {
  std::map<std::string, NodeSpec> nodes;
  std::map<std::string, LinkSpec> links;
  int k_routes = 4;
};

struct RegionSpec {
  Origin origin;
  double weight = 0;                   // share of firm agents
  std::optional<SectorArray> sectors;  // overrides the country's sector shares
};

// A lasting change of the productivity of a group of firms from a date (a lever): every
// firm of the country's sector (in one region, or "all") produces `factor` times as much
// from the same capital and labour.
struct ProductivityShock {
  Origin origin;
  Date start;
  std::string country, region, sector;
  double factor = 1;
};

struct FirmParams {
  int count = 0;
  std::map<std::string, RegionSpec> regions;
  std::map<std::string, SectorArray> sectors;  // by country
  SectorArray exporter_share{};
  double partner_search_rate = 0;  // per empty slot per day
  double partner_break_rate = 0;   // per partnership per day
  double contact_effect = 0;       // partnership rate multiplier per unit of business contact index
  double productivity_sigma = 0;
  double capital_share = 0;
  double utilisation_target = 0;
  double price_adjustment = 0;      // per day per unit of excess demand
  double price_elasticity = 0;      // of a firm's share of domestic sector demand
  double capital_output_years = 0;  // initial capital over annual capacity
  double inventory_days = 0;
  double invest_rate = 0;  // capital growth per month when expanding
  double depreciation_per_year = 0;
  double hire_rate = 0;   // share of labour gap closed per month
  int exit_months = 0;    // months of losses before a firm exits
  double entry_rate = 0;  // chance per month that a vacant slot gets a new firm
  // Band around the fixed cost of exporting within which a firm keeps its status (sunk
  // costs of entering foreign markets): it starts exporting when its export profit would
  // exceed (1 + h) times the fixed cost and stops below (1 - h) times it.
  double export_hysteresis = 0;
  std::map<std::string, ProductivityShock> productivity_shocks;
};

struct EconomyParams {
  std::map<std::string, SectorArray> final_demand_usd_bn;  // per year, 2013
  std::map<std::string, std::array<SectorArray, kSectors>>
      io;                 // io[c][i][j]: input i per USD output j
  double wage_share = 0;  // wage bill over output value at base; sets the wage per worker
  std::map<std::string, SectorArray> jobs;        // workers represented, 2013
  std::map<std::string, std::string> gdp_driver;  // country -> drivers column of growth
  // The year whose flows, output and jobs the config gives (its prices are the model's
  // real unit): every driver is taken relative to its level on the first day of it.
  int base_year = 2013;
  // country -> drivers column of its consumer prices in its own currency, and of its
  // currency per US dollar; a country without an fx column prices its goods in dollars.
  std::map<std::string, std::string> price_driver, fx_driver;
  // Goods from outside the model that a destination's imports compete with besides its own:
  // their consumer prices and currency per dollar (drivers columns) and their weight in the
  // competing basket (the rest is the destination's own goods).
  struct Competitor {
    std::string price, fx;
    double weight = 0;
  };
  std::map<std::string, Competitor> import_competitors;  // destination country -> competitor
  // A commodity a country sells abroad whose world price moves its real income, not its real
  // output: the drivers column of the price in dollars, the column that deflates it (what a
  // dollar buys), and the sales' share of the country's GDP in the base year.
  struct ResourceIncome {
    std::string price, deflator;
    double gdp_share = 0;
  };
  std::map<std::string, ResourceIncome> resource_income;  // country -> its commodity income
};

struct TradeParams {
  // base_flows[origin country][destination country][sector], USD bn per year in 2013
  std::map<std::string, std::map<std::string, SectorArray>> base_flows_usd_bn;
  std::map<std::string, std::string> market_nodes;  // destination country -> node name
  SectorArray value_per_teu_usd{};
  double shipment_teu = 0;
  int max_wait_days = 0;  // a partnership's part loads leave every max_wait_days days
  double trade_elasticity = 0;
  double oil_elasticity_energy = 0;
  double copper_elasticity_metals = 0;
  double fx_elasticity = 0;
  double income_elasticity = 0;  // of import quantities to the buyer's real GDP
  double transit_service_usd_per_teu = 0;
};

struct RoutingParams {
  double logit_scale = 0;            // in shares of shipment value
  SectorArray time_cost_per_day{};   // share of value per day in transit
  double expected_queue_weight = 0;  // weight on yesterday's queue in expected time
  // Carriers stop taking bookings through a crossing whose queue holds more than this many
  // days of its capacity (railways suspend acceptance at a congested border).
  double max_queue_days = 0;
  // Shippers learn of the China-Europe train services by a Bass diffusion from their launch:
  // only those who know of them choose among rail and sea, the others among sea routes only.
  // Rates per year: innovation (p, from outside) and imitation (q, from those already using).
  struct RailAdoption {
    Date launch;
    double innovation = 0, imitation = 0;
  } rail_adoption;
};

struct TravelParams {
  // trips per year in 2013 by origin country and purpose
  std::map<std::string, std::array<double, kPurposes>> trips_per_year;
  double visa_fee_usd = 0;
  double visa_processing_days = 0;
  std::array<double, kPurposes> value_of_time_usd_per_day{};
  std::array<double, kPurposes> visa_cost_scale_usd{};  // trips fall by exp(-burden/scale)
  std::array<double, kPurposes>
      mean_stay_days{};  // exponential stay lengths; visa-free covers stays up to max_stay
  double income_elasticity = 0;
  double tourist_spend_usd = 0;
  double contact_half_life_days = 0;
};

struct CurrencySpec {
  double spread_bp = 0;
  double delay_days = 0;
  double preference = 0;  // alternative-specific constant (habit, invoicing convention), bp
};

struct SettlementParams {
  std::map<std::string, CurrencySpec> currencies;  // USD, CNY, KZT
  double interest_rate = 0;                        // per year, cost of settlement delay
  double logit_scale_bp = 0;
};

struct InvestorSpec {
  Origin origin;
  std::string kind;  // state | soe | fund | private
  // Where the annual budget comes from: `appropriation` (paid by the government of
  // `country`), `profits` (an SOE's profits earned outside the model) or `capital` (a
  // fund's or private investor's capital from outside the model).
  std::string income_from;
  std::string country;
  double annual_budget_usd_bn = 0;
  double hurdle_rate = 0;
  double risk_aversion = 0;
  double fdi_share = 0;
};

struct ProjectSpec {
  Origin origin;
  std::string target;      // node or link name
  std::string decided_by;  // schedule | investors
  Date start, completion;  // for schedule; investors use the lag
  double cost_usd_bn = 0;
  double capacity_teu_per_day = 0;
  double days_saved = 0;
  bool enabled = true;
};

struct InvestmentParams {
  std::map<std::string, InvestorSpec> investors;
  double congestion_threshold = 0;  // queue, in days of capacity, that counts as congested
  int congestion_days = 0;
  double expansion_share = 0;  // requested capacity, share of current
  double expansion_cost_usd_per_teu_day = 0;
  int expansion_lag_days = 0;
  double value_of_time_saved_usd_per_teu_day = 0;
  double fdi_capital_per_usd = 0;  // capital units added per USD of FDI
  double fdi_contact_effect = 0;
};

struct VisaFree {
  std::optional<Date> start;
  double max_stay_days = 0;
};

struct RmbClearing {
  std::optional<Date> start;
  double spread_reduction_bp = 0;
  double delay_reduction_days = 0;
};

struct TourismYear {
  Origin origin;
  Date start, end;
  std::string direction;  // cn_to_kz | kz_to_cn
  double uplift = 0;
};

struct ScheduledValue {
  Date from;
  double value = 0;
};

// A government's subsidy per TEU for trains from one country to another (China-Europe
// trains): paid to the shipper at booking, on every non-maritime route of those pairs.
struct RailSubsidy {
  std::string origin, destination;       // country codes
  std::vector<ScheduledValue> schedule;  // USD per TEU
};

// A risk premium shippers perceive on one corridor (sanctions, insurance, war risk): a cost
// in route choice, paid to no one.
struct RouteRisk {
  std::string corridor;
  std::vector<ScheduledValue> schedule;  // USD per TEU
};

// Borders closed to passengers (the pandemic of 2020-22): trips are scaled by trips_factor
// from start until end; freight keeps moving.
struct PassengerClosure {
  std::optional<Date> start;
  Date end;
  double trips_factor = 1;
};

// Kazakh crude and gas to China through the pipelines (a quantity lever on Kazakh energy
// orders from China). The oil pipeline delivers about its 2013 volume a year; Russian
// crude in transit takes its contracted volume first, and Kazakh crude has what is left.
// Gas is sold under a contract volume. Off, Kazakh energy sold to China is not rationed.
struct PipelineToChina {
  bool enabled = false;
  double deliveries_mt_per_year = 0;            // crude delivered to China a year
  std::vector<ScheduledValue> russian_transit;  // Mt per year
  std::vector<ScheduledValue> gas_bcm;          // contract volume, bcm per year
  double gas_usd_bn_per_bcm = 0;                // at base-year prices (Brent of the base year)
};

struct PolicyParams {
  std::map<std::string, VisaFree> visa_free;  // cn_to_kz, kz_to_cn
  RmbClearing rmb_clearing;
  std::map<std::string, TourismYear> tourism_year;
  std::vector<ScheduledValue> transit_fee;  // USD per TEU through Kazakhstan
  std::map<std::string, ProjectSpec> infrastructure;
  std::map<std::string, std::vector<ScheduledValue>> border_processing;  // crossing -> days
  RailSubsidy rail_subsidy;
  RouteRisk route_risk;
  PassengerClosure passenger_closure;
  PipelineToChina pipeline_to_china;
};

// Households, taxes and the other money accounts (agents/accounts.hpp).
struct AccountsParams {
  double household_mpc = 0;  // share of yesterday's disposable wage income spent today
  std::map<std::string, double> income_tax_rate;  // per firm country, share of wages
};

struct OutputParams {
  int panel_every_days = 0;
  int panel_firms = 0;
  int compression = 0;
  int checkpoint_every_days = 0;  // 0: no checkpoints
};

struct DriverParams {
  std::string file;  // resolved path
  // Resolved path of monthly values for some columns and years (DriverTable::add_monthly);
  // empty: annual values only.
  std::string monthly_file;
  // 0: every row of the file as it is. A year: later rows replaced by projection rules
  // (DriverTable::project_after), for a projection that uses no later observation.
  int observed_until = 0;
  int growth_window_years = 5;
  std::vector<std::string> mean_reverting;  // columns projected at their observed median
};

struct Params {
  RunParams run;
  NetworkParams network;
  FirmParams firms;
  EconomyParams economy;
  TradeParams trade;
  RoutingParams routing;
  TravelParams travel;
  SettlementParams settlement;
  InvestmentParams investment;
  PolicyParams policy;
  AccountsParams accounts;
  OutputParams output;
  DriverParams drivers;
  KeyOrigins origins;

  // Where `key` was last set, else where its nearest parent was (a missing entry of a map
  // is reported at the map); `fallback` when no layer gave any of them.
  Origin origin(std::string key, const std::string& fallback = "config") const {
    for (;;) {
      auto it = origins.find(key);
      if (it != origins.end()) return it->second;
      const auto dot = key.rfind('.');
      if (dot == std::string::npos) return {fallback, 0};
      key.resize(dot);
    }
  }
};

// The config as read: typed parameters, the text of every layer, and the merged tree.
struct LoadedConfig {
  Params params;
  std::string config_text;    // every file's text, in layer order
  std::string resolved_yaml;  // the merged tree after all layers and --set
  std::string description;
};

// Loads a config or scenario file (following `base:`), then applies `key=value`
// overrides. Throws InputError naming file, line and key.
LoadedConfig load_config(const std::string& path, const std::vector<std::string>& overrides = {});

}  // namespace corridor

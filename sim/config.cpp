// Layered, strict config loading: every file is checked key by key (unknown keys, types,
// ranges, dates) with its own name and line in the message, then applied on top of the
// layers below it.
#include "sim/config.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>

#include "sim/error.hpp"
#include "sim/params.hpp"
#include "sim/suggest.hpp"

namespace corridor {
namespace {

namespace fs = std::filesystem;

// The name --set options go by in messages, in place of a file.
const std::string kSetFile = "--set";

// A pass over the parser's events before the tree is built: yaml-cpp keeps both of two equal
// keys (and lookups find the first), turns `&a [*a]` into a cycle, and accepts a mapping as a
// key; each would be misread or crash further on, so each is an error here.
class StrictYaml : public YAML::EventHandler {
 public:
  explicit StrictYaml(std::string file) : file_(std::move(file)) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    // YAML::Load reads the first document only: a second would be silently ignored.
    if (++documents_ > 1) fail(mark, "", "more than one YAML document (a second '---')");
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { scalar(mark, "", true); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    fail(mark, path(), "aliases (*name) are not supported: write the value out");
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    scalar(mark, value, false);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    open(mark, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    open(mark, true);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    bool map = false;
    bool expect_key = true;           // maps: the next node is a key
    std::size_t index = 0;            // sequences: the next item's index
    std::string key;                  // maps: the key of the value being read
    std::map<std::string, int> keys;  // maps: keys so far and their lines
  };

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& key,
                         const std::string& what) const {
    throw InputError(file_, mark.line + 1, key, what);
  }

  std::string path() const {
    std::string p;
    for (const Frame& f : stack_) {
      if (f.map) {
        if (f.expect_key) break;  // the path of a key being read ends at its mapping
        p += (p.empty() ? "" : ".") + f.key;
      } else {
        p += "[" + std::to_string(f.index) + "]";
      }
    }
    return p;
  }

  // A node has been read in the innermost collection: advance it.
  void value_done() {
    if (stack_.empty()) return;
    Frame& f = stack_.back();
    if (f.map)
      f.expect_key = true;
    else
      ++f.index;
  }

  void scalar(const YAML::Mark& mark, const std::string& value, bool null) {
    if (!stack_.empty() && stack_.back().map && stack_.back().expect_key) {
      Frame& f = stack_.back();
      const std::string here = path();
      const std::string key = here.empty() ? value : here + "." + value;
      if (null || value.empty()) fail(mark, here, "empty key");
      auto [it, fresh] = f.keys.emplace(value, mark.line + 1);
      if (!fresh)
        fail(mark, key, "duplicate key (first given at line " + std::to_string(it->second) + ")");
      f.key = value;
      f.expect_key = false;
      return;
    }
    value_done();
  }

  void open(const YAML::Mark& mark, bool map) {
    if (!stack_.empty() && stack_.back().map && stack_.back().expect_key)
      fail(mark, path(),
           std::string("a key must be a plain name, not a ") + (map ? "mapping" : "list"));
    if (stack_.size() >= 64) fail(mark, path(), "nested more than 64 levels deep");
    Frame f;
    f.map = map;
    stack_.push_back(std::move(f));
  }

  void close() {
    stack_.pop_back();
    value_done();
  }

  std::string file_;
  std::vector<Frame> stack_;
  int documents_ = 0;
};

class Reader {
 public:
  Reader(YAML::Node node, std::string file, std::string path, bool require_all, KeyOrigins* origins)
      : node_(std::move(node)),
        file_(std::move(file)),
        path_(std::move(path)),
        require_all_(require_all),
        origins_(origins) {}

  // Another node of the same file (an entry of a list, a named entry read afresh).
  Reader with(YAML::Node node, std::string path, bool require_all) const {
    return Reader(std::move(node), file_, std::move(path), require_all, origins_);
  }

  const std::string& file() const { return file_; }
  // --set values are one-line texts of their own: their "line 1" would mislead.
  bool has_lines() const { return file_ != kSetFile; }
  int line() const { return has_lines() ? node_.Mark().line + 1 : 0; }
  bool require_all() const { return require_all_; }
  std::string key(const std::string& k) const { return path_.empty() ? k : path_ + "." + k; }

  [[noreturn]] void fail(const std::string& k, const std::string& what, int line = -1) const {
    if (line < 0) line = has(k) ? node_[k].Mark().line + 1 : this->line();
    if (!has_lines()) line = 0;
    throw InputError(file_, line, key(k), what);
  }

  void expect_map(const std::string& what = "a mapping") const {
    if (!node_.IsMap()) throw InputError(file_, line(), path_, "expected " + what);
  }

  // Unknown keys are errors: a misspelt lever must not be silently ignored.
  void allow(std::initializer_list<const char*> keys) const {
    expect_map();
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      const std::string k = it->first.as<std::string>();
      bool ok = false;
      for (const char* a : keys) ok = ok || k == a;
      if (!ok) {
        std::string list;
        for (const char* a : keys) list += std::string(list.empty() ? "" : ", ") + a;
        fail(k, "unknown key" + did_you_mean(k, keys) + " (allowed: " + list + ")",
             it->first.Mark().line + 1);
      }
    }
  }

  bool has(const std::string& k) const { return node_.IsMap() && node_[k]; }

  Reader child(const std::string& k) const { return with(node_[k], key(k), require_all_); }

  // Present: parse into out (and remember where it was set). Absent: an error only when this
  // layer must be complete.
  bool need(const std::string& k) const {
    if (has(k)) {
      set_here(k);
      return true;
    }
    if (require_all_) fail(k, "missing required key");
    return false;
  }

  template <class F>
  void each(F&& f) const {
    expect_map();
    for (auto it = node_.begin(); it != node_.end(); ++it)
      f(it->first.as<std::string>(),
        with(it->second, key(it->first.as<std::string>()), require_all_));
  }

  double as_double(const std::string& k, const YAML::Node& n, double lo, double hi) const {
    double v;
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      fail(k, "expected a number, got '" + scalar(n) + "'", n.Mark().line + 1);
    }
    if (!std::isfinite(v))
      fail(k, "expected a finite number, got '" + scalar(n) + "'", n.Mark().line + 1);
    if (!(v >= lo && v <= hi))
      fail(k, "value " + scalar(n) + " out of range [" + num(lo) + ", " + num(hi) + "]",
           n.Mark().line + 1);
    return v;
  }

  void get(const std::string& k, double& out, double lo, double hi) const {
    if (need(k)) out = as_double(k, node_[k], lo, hi);
  }
  void get(const std::string& k, int& out, int lo, int hi) const {
    if (!need(k)) return;
    const double v = as_double(k, node_[k], lo, hi);
    if (v != static_cast<int>(v)) fail(k, "expected a whole number", node_[k].Mark().line + 1);
    out = static_cast<int>(v);
  }
  void get(const std::string& k, std::uint64_t& out) const {
    if (!need(k)) return;
    try {
      out = node_[k].as<std::uint64_t>();
    } catch (const YAML::Exception&) {
      fail(k, "expected a non-negative whole number, got '" + scalar(node_[k]) + "'",
           node_[k].Mark().line + 1);
    }
  }
  void get(const std::string& k, bool& out) const {
    if (!need(k)) return;
    try {
      out = node_[k].as<bool>();
    } catch (const YAML::Exception&) {
      fail(k, "expected true or false, got '" + scalar(node_[k]) + "'", node_[k].Mark().line + 1);
    }
  }
  void get(const std::string& k, std::string& out,
           std::initializer_list<const char*> choices = {}) const {
    if (!need(k)) return;
    const YAML::Node n = node_[k];
    if (!n.IsScalar()) fail(k, "expected a string", n.Mark().line + 1);
    const std::string v = n.as<std::string>();
    if (choices.size()) {
      bool ok = false;
      std::string list;
      for (const char* c : choices) {
        ok = ok || v == c;
        list += std::string(list.empty() ? "" : ", ") + c;
      }
      if (!ok) fail(k, "'" + v + "' is not one of: " + list, n.Mark().line + 1);
    }
    out = v;
  }
  void get(const std::string& k, Date& out) const {
    if (!need(k)) return;
    out = date(k, node_[k]);
  }
  void get(const std::string& k, std::optional<Date>& out) const {
    if (!has(k)) {
      if (require_all_) fail(k, "missing required key (a date, or null for never)");
      return;
    }
    const YAML::Node n = node_[k];
    if (n.IsNull())
      out.reset();
    else
      out = date(k, n);
  }
  // Per-sector values: a map with exactly the six sector names.
  void get(const std::string& k, SectorArray& out, double lo, double hi) const {
    if (!need(k)) return;
    Reader r = child(k);
    r.allow({"energy", "metals", "agriculture", "manufacturing", "logistics", "tourism"});
    // Sector maps are always given whole, so a layer never leaves a half-old vector.
    for (int s = 0; s < kSectors; ++s) {
      if (!r.has(kSectorNames[s])) r.fail(kSectorNames[s], "missing sector (give all six)");
      out[s] = r.as_double(kSectorNames[s], r.node_[kSectorNames[s]], lo, hi);
    }
  }
  void get(const std::string& k, std::array<double, kPurposes>& out, double lo, double hi) const {
    if (!need(k)) return;
    Reader r = child(k);
    r.allow({"business", "tourist"});
    for (int p = 0; p < kPurposes; ++p) r.get(kPurposeNames[p], out[p], lo, hi);
  }

  Date date(const std::string& k, const YAML::Node& n) const {
    const std::string s = scalar(n);
    auto d = Date::parse(s);
    if (!d) fail(k, "bad date '" + s + "' (expected YYYY-MM-DD)", n.Mark().line + 1);
    return *d;
  }

  Origin origin() const { return {file_, line()}; }
  // Records that key k of this mapping was given here, for messages about it after layering.
  void set_here(const std::string& k) const {
    if (origins_) (*origins_)[key(k)] = {file_, has_lines() ? node_[k].Mark().line + 1 : 0};
  }
  const YAML::Node& node() const { return node_; }

 private:
  static std::string scalar(const YAML::Node& n) {
    if (n.IsScalar()) return n.Scalar();
    return n.IsMap() ? "<mapping>" : n.IsSequence() ? "<list>" : "<nothing>";
  }
  static std::string num(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
  }
  YAML::Node node_;
  std::string file_, path_;
  bool require_all_;
  KeyOrigins* origins_;
};

// Named entries (nodes, links, projects...): an entry new in this layer must be complete;
// an entry already known from a lower layer may be changed key by key.
template <class Map, class F>
void read_named(const Reader& r, Map& map, F&& read_entry) {
  r.each([&](const std::string& name, const Reader& e) {
    const bool is_new = !map.count(name);
    const Reader entry = e.with(e.node(), r.key(name), is_new || e.require_all());
    auto& value = map[name];
    if (is_new) value.origin = entry.origin();
    read_entry(entry, value);
  });
}

void read_run(const Reader& r, RunParams& p) {
  r.allow({"start", "end", "seed", "scale", "shipment_pool_slots"});
  r.get("start", p.start);
  r.get("end", p.end);
  r.get("seed", p.seed);
  r.get("scale", p.scale, 1e-6, 1e4);
  r.get("shipment_pool_slots", p.shipment_pool_slots, 0, 4e9);
  if (r.has("end") && !(p.start < p.end)) r.fail("end", "end must be after start");
}

void read_network(const Reader& r, NetworkParams& p) {
  r.allow({"k_routes", "nodes", "links"});
  r.get("k_routes", p.k_routes, 1, 8);
  if (r.need("nodes"))
    read_named(r.child("nodes"), p.nodes, [](const Reader& e, NodeSpec& n) {
      e.allow({"country", "kind", "lat", "lon", "capacity_teu_per_day", "fee_usd_per_teu",
               "processing_days"});
      e.get("country", n.country);
      e.get("kind", n.kind, {"region", "port", "border", "dry_port", "hub", "market"});
      e.get("lat", n.lat, -90, 90);
      e.get("lon", n.lon, -180, 180);
      e.get("capacity_teu_per_day", n.capacity_teu_per_day, 0, 1e7);
      e.get("fee_usd_per_teu", n.fee_usd_per_teu, 0, 1e5);
      e.get("processing_days", n.processing_days, 0, 60);
    });
  if (r.need("links"))
    read_named(r.child("links"), p.links, [](const Reader& e, LinkSpec& l) {
      e.allow({"from", "to", "mode", "days", "tariff_usd_per_teu", "freight_driver", "corridor",
               "oneway"});
      e.get("from", l.from);
      e.get("to", l.to);
      e.get("mode", l.mode, {"rail", "road", "sea", "pipeline"});
      e.get("days", l.days, 0.01, 120);
      e.get("tariff_usd_per_teu", l.tariff_usd_per_teu, 0, 1e5);
      // Optional on every layer: most links have no freight market of their own.
      if (e.has("freight_driver")) {
        e.get("freight_driver", l.freight_driver);
        if (l.freight_driver.empty()) e.fail("freight_driver", "empty drivers column name");
      }
      e.get("corridor", l.corridor, {"none", "northern", "middle", "southern", "maritime"});
      e.get("oneway", l.oneway);
    });
}

void read_sector_map(const Reader& r, const std::string& key,
                     std::map<std::string, SectorArray>& out, double lo, double hi) {
  if (!r.need(key)) return;
  Reader m = r.child(key);
  m.each([&](const std::string& name, const Reader&) {
    SectorArray v = out.count(name) ? out[name] : SectorArray{};
    m.get(name, v, lo, hi);
    out[name] = v;
  });
}

void read_firms(const Reader& r, FirmParams& p) {
  // clang-format off
  r.allow({"count", "regions", "sectors", "exporter_share", "partner_search_rate",
           "partner_break_rate", "contact_effect", "productivity_sigma", "capital_share",
           "utilisation_target", "price_adjustment", "price_elasticity", "capital_output_years",
           "inventory_days", "invest_rate", "depreciation_per_year", "hire_rate", "exit_months",
           "entry_rate", "export_hysteresis", "productivity_shocks"});
  // clang-format on
  r.get("count", p.count, 10, 100000000);
  if (r.need("regions"))
    read_named(r.child("regions"), p.regions, [](const Reader& e, RegionSpec& s) {
      e.allow({"weight", "sectors"});
      e.get("weight", s.weight, 0, 1e6);
      if (e.has("sectors")) {
        SectorArray v{};
        e.get("sectors", v, 0, 1);
        s.sectors = v;
      }
    });
  read_sector_map(r, "sectors", p.sectors, 0, 1);
  r.get("exporter_share", p.exporter_share, 0, 1);
  r.get("partner_search_rate", p.partner_search_rate, 0, 1);
  r.get("partner_break_rate", p.partner_break_rate, 0, 1);
  r.get("contact_effect", p.contact_effect, 0, 100);
  r.get("productivity_sigma", p.productivity_sigma, 0, 3);
  r.get("capital_share", p.capital_share, 0.01, 0.99);
  r.get("utilisation_target", p.utilisation_target, 0.1, 1);
  r.get("price_adjustment", p.price_adjustment, 0, 0.5);
  r.get("price_elasticity", p.price_elasticity, 0, 20);
  r.get("capital_output_years", p.capital_output_years, 0.01, 50);
  r.get("inventory_days", p.inventory_days, 0, 365);
  r.get("invest_rate", p.invest_rate, 0, 1);
  r.get("depreciation_per_year", p.depreciation_per_year, 0, 1);
  r.get("hire_rate", p.hire_rate, 0, 1);
  r.get("exit_months", p.exit_months, 1, 1200);
  r.get("entry_rate", p.entry_rate, 0, 1);
  r.get("export_hysteresis", p.export_hysteresis, 0, 0.9);
  if (r.need("productivity_shocks"))
    read_named(r.child("productivity_shocks"), p.productivity_shocks,
               [](const Reader& e, ProductivityShock& s) {
                 e.allow({"start", "country", "region", "sector", "factor"});
                 e.get("start", s.start);
                 e.get("country", s.country);
                 e.get("region", s.region);
                 e.get(
                     "sector", s.sector,
                     {"energy", "metals", "agriculture", "manufacturing", "logistics", "tourism"});
                 e.get("factor", s.factor, 0.01, 100);
               });
}

void read_economy(const Reader& r, EconomyParams& p) {
  r.allow({"final_demand_usd_bn", "io", "wage_share", "jobs", "gdp_driver", "base_year",
           "price_driver", "fx_driver", "import_competitors", "resource_income"});
  read_sector_map(r, "final_demand_usd_bn", p.final_demand_usd_bn, 0, 1e5);
  read_sector_map(r, "jobs", p.jobs, 0, 1e9);
  if (r.need("io"))
    r.child("io").each([&](const std::string& c, const Reader& e) {
      e.allow({"energy", "metals", "agriculture", "manufacturing", "logistics", "tourism"});
      auto& m = p.io[c];
      // One row per input sector: io.CN.metals.manufacturing = metals used per USD of
      // manufacturing output.
      for (int i = 0; i < kSectors; ++i) e.get(kSectorNames[i], m[i], 0, 0.9);
    });
  r.get("wage_share", p.wage_share, 0, 0.9);
  // Plain variables, not structured bindings: clang 14 (the fuzz build) cannot capture those.
  for (const auto& entry :
       {std::pair{"gdp_driver", &p.gdp_driver}, std::pair{"price_driver", &p.price_driver},
        std::pair{"fx_driver", &p.fx_driver}}) {
    const char* key = entry.first;
    auto* map = entry.second;
    if (r.need(key))
      r.child(key).each(
          [&](const std::string& c, const Reader&) { r.child(key).get(c, (*map)[c]); });
  }
  r.get("base_year", p.base_year, 1990, 2100);
  if (r.need("import_competitors"))
    r.child("import_competitors").each([&](const std::string& c, const Reader& e) {
      e.allow({"price", "fx", "weight"});
      auto& comp = p.import_competitors[c];
      e.get("price", comp.price);
      e.get("fx", comp.fx);
      e.get("weight", comp.weight, 0, 1);
    });
  if (r.need("resource_income"))
    r.child("resource_income").each([&](const std::string& c, const Reader& e) {
      e.allow({"price", "deflator", "gdp_share"});
      auto& inc = p.resource_income[c];
      e.get("price", inc.price);
      e.get("deflator", inc.deflator);
      e.get("gdp_share", inc.gdp_share, 0, 0.9);
    });
}

void read_trade(const Reader& r, TradeParams& p) {
  r.allow({"base_flows_usd_bn", "market_nodes", "value_per_teu_usd", "shipment_teu",
           "max_wait_days", "trade_elasticity", "oil_elasticity_energy", "copper_elasticity_metals",
           "fx_elasticity", "income_elasticity", "transit_service_usd_per_teu"});
  if (r.need("base_flows_usd_bn"))
    r.child("base_flows_usd_bn").each([&](const std::string& o, const Reader&) {
      read_sector_map(r.child("base_flows_usd_bn"), o, p.base_flows_usd_bn[o], 0, 1e4);
    });
  if (r.need("market_nodes"))
    r.child("market_nodes").each([&](const std::string& c, const Reader&) {
      r.child("market_nodes").get(c, p.market_nodes[c]);
    });
  r.get("value_per_teu_usd", p.value_per_teu_usd, 100, 1e7);
  r.get("shipment_teu", p.shipment_teu, 0.01, 1000);
  r.get("max_wait_days", p.max_wait_days, 1, 365);
  r.get("trade_elasticity", p.trade_elasticity, 0, 20);
  r.get("oil_elasticity_energy", p.oil_elasticity_energy, 0, 5);
  r.get("copper_elasticity_metals", p.copper_elasticity_metals, 0, 5);
  r.get("fx_elasticity", p.fx_elasticity, 0, 5);
  r.get("income_elasticity", p.income_elasticity, 0, 5);
  r.get("transit_service_usd_per_teu", p.transit_service_usd_per_teu, 0, 1e5);
}

void read_routing(const Reader& r, RoutingParams& p) {
  r.allow({"logit_scale", "time_cost_per_day", "expected_queue_weight", "max_queue_days",
           "rail_adoption"});
  r.get("logit_scale", p.logit_scale, 1e-5, 10);
  r.get("time_cost_per_day", p.time_cost_per_day, 0, 0.1);
  r.get("expected_queue_weight", p.expected_queue_weight, 0, 10);
  r.get("max_queue_days", p.max_queue_days, 0.01, 365);
  if (r.need("rail_adoption")) {
    Reader a = r.child("rail_adoption");
    a.allow({"launch", "innovation", "imitation"});
    a.get("launch", p.rail_adoption.launch);
    a.get("innovation", p.rail_adoption.innovation, 1e-6, 10);
    a.get("imitation", p.rail_adoption.imitation, 0, 10);
  }
}

void read_travel(const Reader& r, TravelParams& p) {
  r.allow({"trips_per_year", "visa_fee_usd", "visa_processing_days", "value_of_time_usd_per_day",
           "visa_cost_scale_usd", "mean_stay_days", "income_elasticity", "tourist_spend_usd",
           "contact_half_life_days"});
  if (r.need("trips_per_year"))
    r.child("trips_per_year").each([&](const std::string& c, const Reader&) {
      r.child("trips_per_year").get(c, p.trips_per_year[c], 0, 1e9);
    });
  r.get("visa_fee_usd", p.visa_fee_usd, 0, 1e4);
  r.get("visa_processing_days", p.visa_processing_days, 0, 365);
  r.get("value_of_time_usd_per_day", p.value_of_time_usd_per_day, 0, 1e5);
  r.get("visa_cost_scale_usd", p.visa_cost_scale_usd, 1, 1e6);
  r.get("mean_stay_days", p.mean_stay_days, 0.1, 365);
  r.get("income_elasticity", p.income_elasticity, 0, 5);
  r.get("tourist_spend_usd", p.tourist_spend_usd, 0, 1e5);
  r.get("contact_half_life_days", p.contact_half_life_days, 1, 1e4);
}

void read_settlement(const Reader& r, SettlementParams& p) {
  r.allow({"currencies", "interest_rate", "logit_scale_bp"});
  if (r.need("currencies"))
    r.child("currencies").each([&](const std::string& c, const Reader& e) {
      e.allow({"spread_bp", "delay_days", "preference"});
      const bool is_new = !p.currencies.count(c);
      Reader entry = e.with(e.node(), r.child("currencies").key(c), is_new || e.require_all());
      auto& cur = p.currencies[c];
      entry.get("spread_bp", cur.spread_bp, 0, 10000);
      entry.get("delay_days", cur.delay_days, 0, 365);
      entry.get("preference", cur.preference, -10000, 10000);
    });
  r.get("interest_rate", p.interest_rate, 0, 1);
  r.get("logit_scale_bp", p.logit_scale_bp, 0.01, 10000);
}

void read_project(const Reader& e, ProjectSpec& pr) {
  e.allow({"target", "decided_by", "start", "completion", "cost_usd_bn", "capacity_teu_per_day",
           "days_saved", "enabled"});
  e.get("target", pr.target);
  e.get("decided_by", pr.decided_by, {"schedule", "investors"});
  e.get("start", pr.start);
  e.get("completion", pr.completion);
  e.get("cost_usd_bn", pr.cost_usd_bn, 0, 1e3);
  e.get("capacity_teu_per_day", pr.capacity_teu_per_day, 0, 1e6);
  e.get("days_saved", pr.days_saved, 0, 60);
  e.get("enabled", pr.enabled);
}

void read_investment(const Reader& r, InvestmentParams& p) {
  r.allow({"investors", "congestion_threshold", "congestion_days", "expansion_share",
           "expansion_cost_usd_per_teu_day", "expansion_lag_days",
           "value_of_time_saved_usd_per_teu_day", "fdi_capital_per_usd", "fdi_contact_effect"});
  if (r.need("investors"))
    read_named(r.child("investors"), p.investors, [](const Reader& e, InvestorSpec& s) {
      e.allow({"kind", "annual_budget_usd_bn", "hurdle_rate", "risk_aversion", "fdi_share",
               "income_from", "country"});
      e.get("kind", s.kind, {"state", "soe", "fund", "private"});
      e.get("income_from", s.income_from, {"appropriation", "profits", "capital"});
      e.get("country", s.country);
      e.get("annual_budget_usd_bn", s.annual_budget_usd_bn, 0, 1e3);
      e.get("hurdle_rate", s.hurdle_rate, -1, 10);
      e.get("risk_aversion", s.risk_aversion, 0, 10);
      e.get("fdi_share", s.fdi_share, 0, 1);
    });
  r.get("congestion_threshold", p.congestion_threshold, 0, 2);
  r.get("congestion_days", p.congestion_days, 1, 3650);
  r.get("expansion_share", p.expansion_share, 0, 10);
  r.get("expansion_cost_usd_per_teu_day", p.expansion_cost_usd_per_teu_day, 0, 1e9);
  r.get("expansion_lag_days", p.expansion_lag_days, 0, 3650);
  r.get("value_of_time_saved_usd_per_teu_day", p.value_of_time_saved_usd_per_teu_day, 0, 1e5);
  r.get("fdi_capital_per_usd", p.fdi_capital_per_usd, 0, 10);
  r.get("fdi_contact_effect", p.fdi_contact_effect, 0, 100);
}

std::vector<ScheduledValue> read_schedule(const Reader& r, const std::string& k, double lo,
                                          double hi) {
  const YAML::Node n = r.node()[k];
  r.set_here(k);
  if (!n.IsSequence()) r.fail(k, "expected a list of {from: YYYY-MM-DD, value: number}");
  std::vector<ScheduledValue> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    Reader e = r.with(n[i], r.key(k) + "[" + std::to_string(i) + "]", true);
    e.allow({"from", "value"});
    ScheduledValue v;
    e.get("from", v.from);
    e.get("value", v.value, lo, hi);
    if (!out.empty() && !(out.back().from < v.from)) e.fail("from", "dates must increase");
    out.push_back(v);
  }
  return out;
}

void read_policy(const Reader& r, PolicyParams& p) {
  r.allow({"visa_free", "rmb_clearing", "tourism_year", "transit_fee", "infrastructure",
           "border_processing", "rail_subsidy", "route_risk", "passenger_closure",
           "pipeline_to_china"});
  if (r.need("visa_free")) {
    Reader v = r.child("visa_free");
    v.allow({"cn_to_kz", "kz_to_cn"});
    for (const char* dir : {"cn_to_kz", "kz_to_cn"}) {
      if (!v.need(dir)) continue;
      Reader d = v.child(dir);
      d.allow({"start", "max_stay_days"});
      d.get("start", p.visa_free[dir].start);
      d.get("max_stay_days", p.visa_free[dir].max_stay_days, 1, 365);
    }
  }
  if (r.need("rmb_clearing")) {
    Reader c = r.child("rmb_clearing");
    c.allow({"start", "spread_reduction_bp", "delay_reduction_days"});
    c.get("start", p.rmb_clearing.start);
    c.get("spread_reduction_bp", p.rmb_clearing.spread_reduction_bp, 0, 10000);
    c.get("delay_reduction_days", p.rmb_clearing.delay_reduction_days, 0, 365);
  }
  if (r.need("tourism_year")) {
    const YAML::Node n = r.node()["tourism_year"];
    if (n.IsNull())
      p.tourism_year.clear();
    else
      read_named(r.child("tourism_year"), p.tourism_year, [](const Reader& e, TourismYear& t) {
        e.allow({"start", "end", "direction", "uplift"});
        e.get("start", t.start);
        e.get("end", t.end);
        e.get("direction", t.direction, {"cn_to_kz", "kz_to_cn"});
        e.get("uplift", t.uplift, -1, 10);
        if (e.has("start") && e.has("end") && t.end < t.start) e.fail("end", "end before start");
      });
  }
  if (r.need("transit_fee")) p.transit_fee = read_schedule(r, "transit_fee", 0, 1e5);
  if (r.need("infrastructure"))
    read_named(r.child("infrastructure"), p.infrastructure, read_project);
  if (r.need("border_processing"))
    r.child("border_processing").each([&](const std::string& crossing, const Reader&) {
      p.border_processing[crossing] = read_schedule(r.child("border_processing"), crossing, 0, 60);
    });
  if (r.need("rail_subsidy")) {
    Reader c = r.child("rail_subsidy");
    c.allow({"origin", "destination", "schedule"});
    c.get("origin", p.rail_subsidy.origin);
    c.get("destination", p.rail_subsidy.destination);
    if (c.need("schedule")) p.rail_subsidy.schedule = read_schedule(c, "schedule", 0, 1e5);
  }
  if (r.need("route_risk")) {
    Reader c = r.child("route_risk");
    c.allow({"corridor", "schedule"});
    c.get("corridor", p.route_risk.corridor, {"northern", "middle", "southern", "maritime"});
    if (c.need("schedule")) p.route_risk.schedule = read_schedule(c, "schedule", 0, 1e5);
  }
  if (r.need("passenger_closure")) {
    Reader c = r.child("passenger_closure");
    c.allow({"start", "end", "trips_factor"});
    c.get("start", p.passenger_closure.start);
    c.get("end", p.passenger_closure.end);
    c.get("trips_factor", p.passenger_closure.trips_factor, 0, 1);
    if (p.passenger_closure.start && c.has("end") &&
        !(*p.passenger_closure.start < p.passenger_closure.end))
      c.fail("end", "end must be after start");
  }
  if (r.need("pipeline_to_china")) {
    Reader c = r.child("pipeline_to_china");
    auto& q = p.pipeline_to_china;
    c.allow(
        {"enabled", "deliveries_mt_per_year", "russian_transit", "gas_bcm", "gas_usd_bn_per_bcm"});
    c.get("enabled", q.enabled);
    c.get("deliveries_mt_per_year", q.deliveries_mt_per_year, 0, 1000);
    if (c.need("russian_transit")) q.russian_transit = read_schedule(c, "russian_transit", 0, 1000);
    if (c.need("gas_bcm")) q.gas_bcm = read_schedule(c, "gas_bcm", 0, 1000);
    c.get("gas_usd_bn_per_bcm", q.gas_usd_bn_per_bcm, 0, 10);
  }
}

void read_accounts(const Reader& r, AccountsParams& p) {
  r.allow({"household_mpc", "income_tax_rate"});
  r.get("household_mpc", p.household_mpc, 0, 1);
  if (r.need("income_tax_rate"))
    r.child("income_tax_rate").each([&](const std::string& c, const Reader&) {
      r.child("income_tax_rate").get(c, p.income_tax_rate[c], 0, 1);
    });
}

void read_output(const Reader& r, OutputParams& p) {
  r.allow({"panel_every_days", "panel_firms", "compression", "checkpoint_every_days"});
  r.get("panel_every_days", p.panel_every_days, 1, 100000);
  r.get("panel_firms", p.panel_firms, 0, 100000000);
  r.get("compression", p.compression, 0, 9);
  r.get("checkpoint_every_days", p.checkpoint_every_days, 0, 100000);
}

void read_layer(const Reader& r, Params& p, const fs::path& dir) {
  r.allow({"base", "description", "run", "network", "firms", "economy", "trade", "routing",
           "travel", "settlement", "investment", "policy", "accounts", "output", "drivers"});
  if (r.need("run")) read_run(r.child("run"), p.run);
  if (r.need("network")) read_network(r.child("network"), p.network);
  if (r.need("firms")) read_firms(r.child("firms"), p.firms);
  if (r.need("economy")) read_economy(r.child("economy"), p.economy);
  if (r.need("trade")) read_trade(r.child("trade"), p.trade);
  if (r.need("routing")) read_routing(r.child("routing"), p.routing);
  if (r.need("travel")) read_travel(r.child("travel"), p.travel);
  if (r.need("settlement")) read_settlement(r.child("settlement"), p.settlement);
  if (r.need("investment")) read_investment(r.child("investment"), p.investment);
  if (r.need("policy")) read_policy(r.child("policy"), p.policy);
  if (r.need("accounts")) read_accounts(r.child("accounts"), p.accounts);
  if (r.need("output")) read_output(r.child("output"), p.output);
  if (r.need("drivers")) {
    Reader d = r.child("drivers");
    d.allow({"file", "monthly_file", "observed_until", "growth_window_years", "mean_reverting"});
    auto data_file = [&](const char* key, std::string& out, bool may_be_empty) {
      std::string f;
      d.get(key, f);
      if (f.empty()) {
        if (!may_be_empty) d.fail(key, "expected a file path");
        out.clear();
        return;
      }
      const fs::path path = fs::path(f).is_absolute() ? fs::path(f) : dir / f;
      std::error_code ec;
      if (!fs::exists(path, ec)) d.fail(key, "data file not found: " + path.string());
      if (!fs::is_regular_file(path, ec)) d.fail(key, "data path is not a file: " + path.string());
      out = path.lexically_normal().string();
    };
    if (d.need("file")) data_file("file", p.drivers.file, false);
    if (d.need("monthly_file")) data_file("monthly_file", p.drivers.monthly_file, true);
    d.get("observed_until", p.drivers.observed_until, 0, 2300);
    d.get("growth_window_years", p.drivers.growth_window_years, 1, 100);
    if (d.need("mean_reverting")) {
      const YAML::Node n = d.node()["mean_reverting"];
      if (!n.IsSequence()) d.fail("mean_reverting", "expected a list of drivers column names");
      p.drivers.mean_reverting.clear();
      for (const auto& e : n) {
        if (!e.IsScalar() || e.Scalar().empty())
          d.fail("mean_reverting", "expected a list of drivers column names", e.Mark().line + 1);
        p.drivers.mean_reverting.push_back(e.Scalar());
      }
    }
  }
}

// Maps merge key by key; anything else in a higher layer replaces the lower one. In place:
// a sweep's run applies several small --set layers, and cloning the whole tree for each
// was most of the time it took to load a config.
void merge_into(YAML::Node base, const YAML::Node& over) {
  for (auto it = over.begin(); it != over.end(); ++it) {
    const std::string k = it->first.as<std::string>();
    YAML::Node cur = base[k];
    if (cur && cur.IsMap() && it->second.IsMap())
      merge_into(cur, it->second);
    else
      base[k] = YAML::Clone(it->second);
  }
}

// Config files are a few kilobytes; a bigger one is a mistake (or /dev/zero).
constexpr std::uintmax_t kMaxConfigBytes = 4 << 20;

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path, 0, "", "config file not found");
  if (!fs::is_regular_file(path, ec)) throw InputError(path, 0, "", "config path is not a file");
  if (fs::file_size(path, ec) > kMaxConfigBytes)
    throw InputError(path, 0, "", "config file larger than 4 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, "", "cannot open config file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Follows the `base:` chain; layers come out base first.
void collect_layers(const std::string& path, std::vector<ConfigLayer>& layers,
                    std::vector<std::string>& chain) {
  std::error_code ec;
  chain.push_back(fs::weakly_canonical(path, ec).string());
  ConfigLayer layer = parse_layer(path, read_file(path));
  if (layer.node["base"]) {
    const YAML::Node b = layer.node["base"];
    if (!b.IsScalar() || b.Scalar().empty())
      throw InputError(path, b.Mark().line + 1, "base", "expected a file path");
    const fs::path base = fs::path(path).parent_path() / b.Scalar();
    if (!fs::exists(base, ec))
      throw InputError(path, b.Mark().line + 1, "base", "base file not found: " + base.string());
    if (!fs::is_regular_file(base, ec))
      throw InputError(path, b.Mark().line + 1, "base", "base is not a file: " + base.string());
    const std::string canonical = fs::weakly_canonical(base, ec).string();
    for (const auto& seen : chain)
      if (seen == canonical)
        throw InputError(path, b.Mark().line + 1, "base",
                         "base chain comes back to " + base.lexically_normal().string());
    if (chain.size() >= 16)
      throw InputError(path, b.Mark().line + 1, "base", "base chain longer than 16 files");
    collect_layers(base.lexically_normal().string(), layers, chain);
  }
  layers.push_back(std::move(layer));
}

bool same_or_nested(const std::string& a, const std::string& b) {
  const std::string& shorter = a.size() <= b.size() ? a : b;
  const std::string& longer = a.size() <= b.size() ? b : a;
  return longer.compare(0, shorter.size(), shorter) == 0 &&
         (longer.size() == shorter.size() || longer[shorter.size()] == '.');
}

}  // namespace

YAML::Node parse_yaml(const std::string& text, const std::string& file) {
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    StrictYaml check(file);
    while (parser.HandleNextDocument(check)) {
    }
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(file, e.mark.line + 1, "", "YAML syntax error: " + e.msg);
  }
}

ConfigLayer parse_layer(const std::string& path, std::string text) {
  YAML::Node n = parse_yaml(text, path);
  if (!n.IsMap()) throw InputError(path, 1, "", "expected a mapping at top level");
  return {path, std::move(text), std::move(n)};
}

void apply_layer(const ConfigLayer& layer, Params& params, bool complete) {
  read_layer(Reader(layer.node, layer.path, "", complete, &params.origins), params,
             fs::path(layer.path).parent_path());
}

YAML::Node apply_override(const std::string& assignment, Params& params,
                          std::vector<std::string>& earlier) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError(kSetFile, 0, assignment, "expected key=value");
  const std::string path = assignment.substr(0, eq), value = assignment.substr(eq + 1);
  std::vector<std::string> parts;
  for (std::size_t b = 0;;) {
    const std::size_t dot = path.find('.', b);
    parts.push_back(path.substr(b, dot - b));
    if (parts.back().empty()) throw InputError(kSetFile, 0, path, "empty part in key path");
    if (dot == std::string::npos) break;
    b = dot + 1;
  }
  for (const auto& e : earlier)
    if (same_or_nested(e, path))
      throw InputError(kSetFile, 0, path,
                       e == path ? "given twice" : "overlaps the earlier --set " + e);
  earlier.push_back(path);
  YAML::Node node;
  try {
    node = parse_yaml(value, kSetFile);
  } catch (const InputError& e) {
    // Name the key being set, not a line of the one-line value.
    throw InputError(kSetFile, 0, path + (e.key().empty() ? "" : "." + e.key()),
                     "bad value: " + e.detail());
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    YAML::Node parent(YAML::NodeType::Map);
    parent[*it] = node;
    node = parent;
  }
  read_layer(Reader(node, kSetFile, "", false, &params.origins), params, fs::current_path());
  return node;
}

void check_consistency(const Params& p, const std::string& file) {
  // Each message names the layer and line that last set the key at fault.
  auto fail = [&](const std::string& key, const std::string& what) {
    const Origin o = p.origin(key, file);
    throw InputError(o.file, o.line, key, what);
  };
  const auto& nodes = p.network.nodes;
  std::vector<std::string> node_names;
  for (const auto& [name, n] : nodes) node_names.push_back(name);
  auto unknown_node = [&](const std::string& key, const std::string& name) {
    fail(key, "unknown node '" + name + "'" + did_you_mean(name, node_names));
  };
  if (!(p.run.start < p.run.end)) fail("run.end", "end must be after start");
  for (const auto& [name, l] : p.network.links) {
    if (!nodes.count(l.from)) unknown_node("network.links." + name + ".from", l.from);
    if (!nodes.count(l.to)) unknown_node("network.links." + name + ".to", l.to);
  }
  for (const auto& [name, r] : p.firms.regions) {
    auto it = nodes.find(name);
    if (it == nodes.end() || it->second.kind != "region")
      throw InputError(r.origin.file, r.origin.line, "firms.regions." + name,
                       "not a node of kind 'region'" +
                           (it == nodes.end() ? did_you_mean(name, node_names) : ""));
    if (!r.sectors && !p.firms.sectors.count(it->second.country))
      throw InputError(r.origin.file, r.origin.line, "firms.sectors." + it->second.country,
                       "no sector shares for this country (needed by region " + name + ")");
  }
  for (const auto& [c, m] : p.trade.market_nodes)
    if (!nodes.count(m)) unknown_node("trade.market_nodes." + c, m);
  for (const auto& [name, pr] : p.policy.infrastructure) {
    if (!nodes.count(pr.target) && !p.network.links.count(pr.target)) {
      std::vector<std::string> targets = node_names;
      for (const auto& [l, spec] : p.network.links) targets.push_back(l);
      fail("policy.infrastructure." + name + ".target",
           "unknown node or link '" + pr.target + "'" + did_you_mean(pr.target, targets));
    }
    if (pr.completion < pr.start)
      fail("policy.infrastructure." + name + ".completion", "completion before start");
  }
  for (const auto& [crossing, s] : p.policy.border_processing)
    if (!nodes.count(crossing))
      fail("policy.border_processing." + crossing,
           "unknown node" + did_you_mean(crossing, node_names));
  for (const char* c : {"USD", "CNY", "KZT"})
    if (!p.settlement.currencies.count(c))
      fail(std::string("settlement.currencies.") + c, "missing currency");
  if (p.drivers.file.empty()) fail("drivers.file", "missing drivers file");
}

namespace {

// The config's files after every layer is read, before any --set: a sweep loads the same
// scenario for each of its runs, and parsing and checking it again was the largest part of
// the time a run spent outside the simulation. Reused only while every file of the chain
// still has the text it had, from the same working directory (relative paths).
struct LayeredConfig {
  std::vector<std::pair<std::string, std::string>> files;  // path, text; base first
  std::string cwd;
  LoadedConfig loaded;
  YAML::Node merged;
};

std::mutex layered_mutex;
std::map<std::string, LayeredConfig> layered_cache;

LayeredConfig read_layers(const std::string& path) {
  std::vector<ConfigLayer> layers;
  std::vector<std::string> chain;
  collect_layers(path, layers, chain);
  LayeredConfig c;
  c.merged = YAML::Node(YAML::NodeType::Map);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const ConfigLayer& l = layers[i];
    apply_layer(l, c.loaded.params, i == 0);
    if (l.node.IsMap()) merge_into(c.merged, l.node);
    c.loaded.config_text += "# ---- " + l.path + "\n" + l.text;
    if (l.node["description"] && l.node["description"].IsScalar())
      c.loaded.description = l.node["description"].Scalar();
    c.files.emplace_back(l.path, l.text);
  }
  return c;
}

// A copy the caller may change: yaml-cpp nodes share their storage, and are not safe to
// read from two threads (a sweep's jobs), so the tree is cloned under the lock.
LoadedConfig layered(const std::string& path, YAML::Node& merged) {
  std::error_code ec;
  const std::string cwd = fs::current_path(ec).string();
  {
    std::lock_guard<std::mutex> lock(layered_mutex);
    auto it = layered_cache.find(path);
    if (it != layered_cache.end() && it->second.cwd == cwd) {
      bool same = true;
      for (const auto& [file, text] : it->second.files) {
        try {
          same = same && read_file(file) == text;
        } catch (const InputError&) {
          same = false;
        }
      }
      if (same) {
        merged = YAML::Clone(it->second.merged);
        return it->second.loaded;
      }
    }
  }
  LayeredConfig c = read_layers(path);
  c.cwd = cwd;
  std::lock_guard<std::mutex> lock(layered_mutex);
  merged = YAML::Clone(c.merged);
  LoadedConfig out = c.loaded;
  layered_cache[path] = std::move(c);
  return out;
}

}  // namespace

LoadedConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  YAML::Node merged;
  LoadedConfig out = layered(path, merged);
  std::vector<std::string> set_keys;
  for (const auto& o : overrides) {
    merge_into(merged, apply_override(o, out.params, set_keys));
    out.config_text += "# ---- --set " + o + "\n";
  }
  merged.remove("base");
  check_consistency(out.params, path);
  YAML::Emitter em;
  em << merged;
  out.resolved_yaml = em.c_str();
  return out;
}

}  // namespace corridor

#include "sim/network.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <limits>
#include <set>

namespace corridor {

namespace {
Mode parse_mode(const std::string& m) {
  if (m == "rail") return Mode::kRail;
  if (m == "road") return Mode::kRoad;
  if (m == "sea") return Mode::kSea;
  return Mode::kPipeline;
}
}  // namespace

int parse_corridor(const std::string& c) {
  for (int i = 0; i < kCorridors; ++i)
    if (c == kCorridorNames[i]) return i;
  return kNoCorridor;
}

Network::Network(const NetworkParams& p) {
  for (const auto& [name, n] : p.nodes) {
    Node node{
        name, n.country, n.kind, n.capacity_teu_per_day, n.fee_usd_per_teu, n.processing_days};
    if (n.capacity_teu_per_day > 0 || n.kind == "border" || n.kind == "port" ||
        n.kind == "dry_port") {
      node.crossing = static_cast<int>(crossings_.size());
      crossings_.push_back(static_cast<int>(nodes_.size()));
    }
    nodes_.push_back(node);
  }
  for (const auto& [name, l] : p.links) {
    const int li = static_cast<int>(links_.size());
    links_.push_back({name, node_index(l.from), node_index(l.to), parse_mode(l.mode), l.days,
                      l.tariff_usd_per_teu, parse_corridor(l.corridor)});
    edges_.push_back({links_[li].from, links_[li].to, li});
    if (!l.oneway) edges_.push_back({links_[li].to, links_[li].from, li});
  }
}

int Network::node_index(const std::string& name) const {
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].name == name) return static_cast<int>(i);
  return -1;
}

int Network::link_index(const std::string& name) const {
  for (std::size_t i = 0; i < links_.size(); ++i)
    if (links_[i].name == name) return static_cast<int>(i);
  return -1;
}

// Yen's k shortest loopless paths. Edge weight: days plus tariff at 1 day per USD 500,
// plus the processing days of the node entered; only used to enumerate candidates, the
// shipment's own generalised cost picks among them.
std::vector<std::vector<int>> Network::k_shortest(int origin, int destination, bool pipeline, int k,
                                                  int only_corridor, int closed_node) const {
  using Graph = boost::adjacency_list<
      boost::vecS, boost::vecS, boost::directedS, boost::no_property,
      boost::property<boost::edge_weight_t, double, boost::property<boost::edge_index_t, int>>>;
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> base(edges_.size());
  for (std::size_t e = 0; e < edges_.size(); ++e) {
    const Link& l = links_[edges_[e].link];
    const bool allowed =
        (l.mode == Mode::kPipeline) == pipeline &&
        (only_corridor == kNoCorridor || l.corridor == kNoCorridor || l.corridor == only_corridor);
    base[e] = allowed ? l.days + l.tariff_usd_per_teu / 500.0 +
                            (edges_[e].to == destination ? 0 : nodes_[edges_[e].to].processing_days)
                      : inf;
  }
  // Markets are destinations, never places to pass through.
  for (std::size_t e = 0; e < edges_.size(); ++e) {
    if (edges_[e].from != origin && nodes_[edges_[e].from].kind == "market") base[e] = inf;
    if (edges_[e].from == closed_node || edges_[e].to == closed_node) base[e] = inf;
  }

  auto dijkstra = [&](int from, const std::vector<double>& w) -> std::vector<int> {
    Graph g(nodes_.size());
    for (std::size_t e = 0; e < edges_.size(); ++e)
      if (w[e] < inf) boost::add_edge(edges_[e].from, edges_[e].to, {w[e], static_cast<int>(e)}, g);
    std::vector<double> dist(nodes_.size(), inf);
    std::vector<int> pred(nodes_.size(), -1);
    std::vector<std::size_t> pred_v(nodes_.size());
    boost::dijkstra_shortest_paths(g, from,
                                   boost::predecessor_map(pred_v.data()).distance_map(dist.data()));
    // Boost marks unreachable vertices as their own predecessor.
    if (destination == from || pred_v[destination] == static_cast<std::size_t>(destination))
      return {};
    // Recover the edge used into each vertex: the cheapest edge consistent with dist.
    std::vector<int> path;
    int v = destination;
    while (v != from) {
      const int u = static_cast<int>(pred_v[v]);
      int best = -1;
      for (std::size_t e = 0; e < edges_.size(); ++e)
        if (edges_[e].from == u && edges_[e].to == v && w[e] < inf && (best < 0 || w[e] < w[best]))
          best = static_cast<int>(e);
      path.push_back(best);
      v = u;
    }
    std::reverse(path.begin(), path.end());
    return path;
  };
  auto cost = [&](const std::vector<int>& path) {
    double c = 0;
    for (int e : path) c += base[e];
    return c;
  };

  std::vector<std::vector<int>> found;
  auto first = dijkstra(origin, base);
  if (first.empty()) return found;
  found.push_back(first);
  std::set<std::pair<double, std::vector<int>>> candidates;
  while (static_cast<int>(found.size()) < k) {
    const auto& last = found.back();
    for (std::size_t i = 0; i < last.size(); ++i) {
      const int spur = edges_[last[i]].from;
      std::vector<int> root(last.begin(), last.begin() + i);
      std::vector<double> w = base;
      for (const auto& p : found)
        if (p.size() > i && std::equal(root.begin(), root.end(), p.begin())) w[p[i]] = inf;
      for (int e : root) {  // root nodes may not be revisited
        const int n = edges_[e].from;
        for (std::size_t f = 0; f < edges_.size(); ++f)
          if (edges_[f].from == n || edges_[f].to == n) w[f] = inf;
      }
      auto tail = dijkstra(spur, w);
      if (tail.empty()) continue;
      std::vector<int> full = root;
      full.insert(full.end(), tail.begin(), tail.end());
      candidates.insert({cost(full), full});
    }
    if (candidates.empty()) break;
    found.push_back(candidates.begin()->second);
    candidates.erase(candidates.begin());
  }
  return found;
}

std::pair<int, int> Network::add_routes(int origin, int destination, bool pipeline, int k) {
  const int begin = static_cast<int>(routes_.size());
  // The k cheapest routes, plus the cheapest one of every corridor, so that slower outside
  // options (the sea route, the Middle Corridor) are always on the menu.
  // Also the cheapest route avoiding each crossing of the best one, so that a congested
  // border always has an alternative on the menu (Khorgos against Dostyk).
  auto paths = k_shortest(origin, destination, pipeline, k, kNoCorridor);
  auto add = [&](std::vector<std::vector<int>> more) {
    for (auto& p : more)
      if (std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(std::move(p));
  };
  for (int c = 0; c < kCorridors && !pipeline; ++c)
    add(k_shortest(origin, destination, pipeline, 1, c));
  if (!paths.empty() && !pipeline) {
    const auto best = paths.front();
    for (int e : best) {
      const int n = edges_[e].to;
      if (n != destination && nodes_[n].crossing >= 0)
        add(k_shortest(origin, destination, pipeline, 1, kNoCorridor, n));
    }
  }
  if (paths.size() > static_cast<std::size_t>(kMaxRoutes))
    paths.resize(kMaxRoutes);  // cheapest first
  for (const auto& path : paths) {
    Route r{origin,
            destination,
            static_cast<std::uint32_t>(legs_.size()),
            static_cast<std::uint16_t>(path.size()),
            kNoCorridor,
            false,
            pipeline,
            -1};
    for (std::size_t i = 0; i < path.size(); ++i) {
      const Edge& e = edges_[path[i]];
      legs_.push_back(e.link);
      stops_.push_back(e.to);
      if (r.corridor == kNoCorridor) r.corridor = links_[e.link].corridor;
      if (e.to != destination && nodes_[e.to].country == "KZ") r.through_kz = true;
      if (e.to != destination && nodes_[e.to].crossing >= 0)
        r.last_crossing_leg = static_cast<int>(i);
    }
    routes_.push_back(r);
  }
  return {begin, static_cast<int>(routes_.size())};
}

}  // namespace corridor

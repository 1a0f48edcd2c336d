#pragma once
// The transport network: places and links from config, k shortest candidate routes per
// origin-destination pair (Yen's algorithm over Boost.Graph Dijkstra).
#include <cstdint>
#include <string>
#include <vector>

#include "sim/params.hpp"

namespace corridor {

inline constexpr int kCorridors = 4;
// Candidate routes per origin-destination pair: k_routes (at most 8), one per corridor, one
// avoiding each crossing of the best route.
inline constexpr int kMaxRoutes = 24;
enum Corridor : int { kNorthern, kMiddle, kSouthern, kMaritime, kNoCorridor = -1 };
inline constexpr std::array<const char*, kCorridors> kCorridorNames = {"northern", "middle",
                                                                       "southern", "maritime"};
// The corridor of a name in kCorridorNames, or kNoCorridor.
int parse_corridor(const std::string& name);

enum class Mode : std::uint8_t { kRail, kRoad, kSea, kPipeline };

struct Node {
  std::string name, country, kind;
  double capacity_teu_per_day;  // base capacity; projects add to it during a run
  double fee_usd_per_teu;
  double processing_days;
  int crossing = -1;  // index among capacity-limited nodes, or -1
};

struct Link {
  std::string name;
  int from, to;
  Mode mode;
  double days;
  double tariff_usd_per_teu;
  int corridor;
};

struct Route {
  int origin, destination;  // node indices
  std::uint32_t first_leg;  // into Network::legs (links) and Network::stops (nodes)
  std::uint16_t n_legs;
  int corridor;     // first corridor label along the route, or kNoCorridor
  bool through_kz;  // passes a Kazakh node other than its ends
  bool pipeline;
  int last_crossing_leg;  // the last leg ending at a capacity-limited crossing, or -1
};

class Network {
 public:
  explicit Network(const NetworkParams& p);

  int node_index(const std::string& name) const;  // -1 if unknown
  int link_index(const std::string& name) const;
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Link>& links() const { return links_; }
  const std::vector<Route>& routes() const { return routes_; }
  const std::vector<int>& crossings() const { return crossings_; }  // node indices
  // Link index of leg i of route r, and the node reached at its end.
  int leg_link(const Route& r, int i) const { return legs_[r.first_leg + i]; }
  int leg_end(const Route& r, int i) const { return stops_[r.first_leg + i]; }

  // Candidate routes from origin to destination node: the k cheapest, the cheapest of each
  // corridor and the cheapest avoiding each crossing of the best route (at most kMaxRoutes).
  // Pipeline routes use only pipeline links, container routes only the others.
  std::pair<int, int> add_routes(int origin, int destination, bool pipeline, int k);

 private:
  // only_corridor: links of other corridors are closed (kNoCorridor: all open);
  // closed_node: a node that may not be used (-1: none).
  std::vector<std::vector<int>> k_shortest(int origin, int destination, bool pipeline, int k,
                                           int only_corridor, int closed_node = -1) const;

  std::vector<Node> nodes_;
  std::vector<Link> links_;
  std::vector<Route> routes_;
  std::vector<int> legs_, stops_;
  std::vector<int> crossings_;
  struct Edge {
    int from, to, link;
  };
  std::vector<Edge> edges_;  // directed edges (a two-way link gives two)
};

}  // namespace corridor

#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace corridor;

TEST(Network, EveryPairHasRoutesAndTheSeaIsAnOption) {
  const auto m = test::small_model({"run.end=2013-01-31"});
  const Network& net = m->network;
  int maritime = 0, middle = 0;
  for (const auto& od : m->ods) {
    ASSERT_GT(od.routes_end, od.routes_begin);
    for (int r = od.routes_begin; r < od.routes_end; ++r) {
      const Route& route = net.routes()[r];
      EXPECT_EQ(route.origin, od.origin_node);
      EXPECT_EQ(route.destination, od.dest_node);
      EXPECT_EQ(net.leg_end(route, route.n_legs - 1), od.dest_node);
      if (od.origin_node == net.node_index("lianyungang") &&
          od.dest_node == net.node_index("europe")) {
        maritime += route.corridor == kMaritime;
        middle += route.corridor == kMiddle;
        if (route.corridor == kNorthern) EXPECT_TRUE(route.through_kz);
        if (route.corridor == kMaritime) EXPECT_FALSE(route.through_kz);
      }
    }
  }
  EXPECT_EQ(maritime, 1);
  EXPECT_GE(middle, 1);
}

TEST(Network, PipelinesCarryEnergyFromAtyrauOnly) {
  const auto m = test::small_model({"run.end=2013-01-31"});
  const int atyrau = m->region_of_node[m->network.node_index("atyrau")];
  const int urumqi = m->network.node_index("urumqi");
  const OdPair& od = m->ods[m->od(atyrau, urumqi)];
  ASSERT_GT(od.pipe_end, od.pipe_begin);
  for (int r = od.pipe_begin; r < od.pipe_end; ++r) EXPECT_TRUE(m->network.routes()[r].pipeline);
  const int almaty = m->region_of_node[m->network.node_index("almaty")];
  const OdPair& od2 = m->ods[m->od(almaty, urumqi)];
  EXPECT_EQ(od2.pipe_end, od2.pipe_begin);
}

// Shipments book crossings ahead only up to their route's last crossing (book_ahead), so
// the index must name exactly the last leg ending at a crossing other than the destination.
TEST(Network, LastCrossingLegIsTheLastCrossingBeforeTheDestination) {
  const auto m = test::small_model({"run.end=2013-01-31"});
  const Network& net = m->network;
  int with = 0, without = 0;
  for (const Route& route : net.routes()) {
    int last = -1;
    for (int i = 0; i < route.n_legs; ++i) {
      const int n = net.leg_end(route, i);
      if (n != route.destination && net.nodes()[n].crossing >= 0) last = i;
    }
    EXPECT_EQ(route.last_crossing_leg, last);
    // book_ahead steps to the leg after the last crossing without checking for one.
    EXPECT_LT(route.last_crossing_leg, route.n_legs - 1);
    ++(last >= 0 ? with : without);
  }
  EXPECT_GT(with, 0);
  EXPECT_GT(without, 0);
}

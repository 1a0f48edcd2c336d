#include <gtest/gtest.h>

#include <fstream>

#include "sim/drivers.hpp"
#include "sim/error.hpp"
#include "test_support.hpp"

using namespace corridor;

TEST(Drivers, InterpolateBetweenMidYearsAndHoldAtTheEnds) {
  const std::string path = ::testing::TempDir() + "/drivers.csv";
  std::ofstream(path) << "year,oil,growth\n2013,100,0\n2014,50,10\n";
  const DriverTable t(path);
  const auto oil = t.daily_level("oil", Date(2013, 1, 1), 800);
  EXPECT_DOUBLE_EQ(oil[0], 100);
  EXPECT_DOUBLE_EQ(oil[Date(2013, 7, 1) - Date(2013, 1, 1)], 100);
  EXPECT_DOUBLE_EQ(oil[Date(2014, 7, 1) - Date(2013, 1, 1)], 50);
  EXPECT_NEAR(oil[Date(2014, 1, 1) - Date(2013, 1, 1)], 75, 0.5);
  EXPECT_DOUBLE_EQ(oil[799], 50);
  const auto g = t.daily_growth_index("growth", Date(2013, 1, 1), 800);
  EXPECT_NEAR(g[Date(2014, 7, 1) - Date(2013, 1, 1)], 1.10, 1e-9);
  EXPECT_GT(g[799], 1.10);  // the last growth rate continues
}

TEST(Drivers, BadCellsNameFileLineAndColumn) {
  const std::string path = ::testing::TempDir() + "/bad.csv";
  std::ofstream(path) << "year,oil\n2013,100\n2014,abc\n";
  try {
    DriverTable t(path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.key(), "oil");
  }
  EXPECT_THROW(DriverTable(::testing::TempDir() + "/missing.csv"), InputError);
}

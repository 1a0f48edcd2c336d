#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <sstream>

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

namespace {
// The InputError of a table, or an empty one.
InputError table_error(const std::string& text) {
  std::istringstream in(text);
  try {
    DriverTable t(in, "t.csv");
    t.check_range("oil", 0.01, 1000, "(USD)");
  } catch (const InputError& e) {
    return e;
  }
  return InputError("", -1, "", "");
}
}  // namespace

TEST(Drivers, EveryCellIsAFiniteNumberInRange) {
  struct Case {
    const char* text;
    int line;
    const char* key;
    const char* says;
  };
  const Case cases[] = {
      {"year,oil\n2013,1\n2014,\n", 3, "oil", "column 2: empty cell"},
      {"year,oil\n2013,nan\n", 2, "oil", "not a finite number: 'nan'"},
      {"year,oil\n2013,-inf\n", 2, "oil", "not a finite number"},
      {"year,oil\n2013,1e999\n", 2, "oil", "not a number"},  // overflows a double
      {"year,oil\n2013,5 \n", 2, "oil", "not a number: '5 '"},
      {"year,oil\n2013,+5\n", 2, "oil", "not a number"},
      {"year,oil\n2013,0\n", 2, "oil", "value 0 for 2013 out of range [0.01, 1000] (USD)"},
      {"year,oil\n2013,1\n2013,2\n", 3, "year", "year 2013 repeated (first at line 2)"},
      {"year,oil\n2013,1\n2015,2\n", 3, "year", "year 2014 missing"},
      {"year,oil\n2013,1\n2012,2\n", 3, "year", "years must increase: 2012 after 2013"},
      {"year,oil\n13,1\n", 2, "year", "not a year: '13'"},
      {"year,oil\n2013,1,2\n", 2, "", "expected 2 cells"},
      {"year,oil,oil\n2013,1,2\n", 1, "oil", "column 3 repeats an earlier column name"},
      {"year,,oil\n2013,1,2\n", 1, "", "column 2 has no name"},
      {"date,oil\n2013,1\n", 1, "year", "first column must be 'year'"},
      {"year,oil\n# only a comment\n", 2, "year", "no data rows"},
      {"", 1, "", "empty drivers file"},
  };
  for (const Case& c : cases) {
    const InputError e = table_error(c.text);
    EXPECT_EQ(e.line(), c.line) << c.text;
    EXPECT_EQ(e.key(), c.key) << c.text;
    EXPECT_NE(e.detail().find(c.says), std::string::npos) << c.text << " -> " << e.what();
  }
}

TEST(Drivers, SpreadsheetExportsReadTheSame) {
  // A byte-order mark and Windows line ends are how spreadsheets save CSV: the same table.
  std::istringstream plain("year,oil\n2013,100\n2014,50\n");
  std::istringstream excel("\xEF\xBB\xBFyear,oil\r\n2013,100\r\n2014,50\r\n");
  const DriverTable a(plain, "a.csv"), b(excel, "b.csv");
  EXPECT_EQ(a.daily_level("oil", Date(2013, 1, 1), 700),
            b.daily_level("oil", Date(2013, 1, 1), 700));
  try {
    a.daily_level("oill", Date(2013, 1, 1), 1);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(e.detail().find("did you mean 'oil'?"), std::string::npos);
  }
}

// A projection from 2015 must not see 2016 or 2017: change them and nothing moves.
TEST(Drivers, ProjectionAfterACutOffUsesNoLaterRow) {
  auto projected = [](const std::string& later) {
    std::istringstream in(
        "year,oil,growth,freight\n2012,80,2,100\n2013,90,4,900\n2014,100,6,200\n"
        "2015,110,8,300\n" +
        later);
    DriverTable t(in, "t.csv");
    t.project_after(2015, {"growth"}, {"freight"}, 2, "drivers.observed_until");
    return std::array{t.daily_level("oil", Date(2017, 7, 1), 1)[0],
                      t.daily_level("freight", Date(2017, 7, 1), 1)[0],
                      t.daily_growth_index("growth", Date(2016, 7, 1), 366)[365]};
  };
  const auto a = projected("2016,5,-50,9000\n2017,6,-60,8000\n");
  const auto b = projected("2016,500,50,1\n2017,600,60,2\n");
  EXPECT_EQ(a, b);
  EXPECT_DOUBLE_EQ(a[0], 110);     // a level: held at 2015's value
  EXPECT_DOUBLE_EQ(a[1], 250);     // mean-reverting: median of 100, 900, 200, 300
  EXPECT_NEAR(a[2], 1.07, 1e-12);  // growth: mean of 2014-15's 6 and 8 percent
  // A cut-off outside the table, or before enough years for the growth rule, names the key.
  for (int bad : {2011, 2018, 2012}) {
    std::istringstream in("year,growth\n2012,1\n2013,2\n2014,3\n2015,4\n2016,5\n2017,6\n");
    DriverTable t(in, "t.csv");
    try {
      t.project_after(bad, {"growth"}, {}, 2, "drivers.observed_until");
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(e.key(), "drivers.observed_until") << bad;
    }
  }
}

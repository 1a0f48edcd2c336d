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

namespace {
DriverTable with_months(const std::string& annual, const std::string& months) {
  std::istringstream a(annual), m(months);
  DriverTable t(a, "a.csv");
  t.add_monthly(m, "m.csv");
  t.check_monthly();
  return t;
}
std::string twelve(const std::string& column, int year, double first, double step) {
  std::string s;
  for (int m = 1; m <= 12; ++m)
    s += column + "," + std::to_string(year) + "," + std::to_string(m) + "," +
         std::to_string(first + step * (m - 1)) + ",a source, with a comma\n";
  return s;
}
}  // namespace

// A year's months replace its mid-year point: the series passes through each month's value at
// mid-month, the years without months keep their mid-year points, and other columns are
// untouched.
TEST(Drivers, MonthsReplaceTheirYearsAnnualPoint) {
  const std::string annual = "year,oil,fx\n2013,100,10\n2014,55,20\n2015,40,30\n";
  // 2014 falls from 100 to 12 within the year; its mean is 56, near the annual 55
  const DriverTable t =
      with_months(annual, "column,year,month,value,source\n" + twelve("oil", 2014, 100, -8));
  const Date start(2013, 1, 1);
  const auto oil = t.daily_level("oil", start, 1100);
  EXPECT_DOUBLE_EQ(oil[Date(2013, 7, 1) - start], 100);
  EXPECT_NEAR(oil[Date(2014, 1, 16) - start], 100, 1e-9);  // mid-January
  EXPECT_NEAR(oil[Date(2014, 12, 16) - start], 12, 0.5);   // mid-December
  EXPECT_DOUBLE_EQ(oil[Date(2015, 7, 1) - start], 40);
  // halfway between 2013's mid-year and mid-January 2014, the annual rule gave 87.5 there
  EXPECT_NEAR(oil[Date(2013, 10, 8) - start], 100, 1e-9);
  const DriverTable plain = with_months(annual, "column,year,month,value,source\n");
  EXPECT_EQ(t.daily_level("fx", start, 1100), plain.daily_level("fx", start, 1100));
  EXPECT_NE(oil, plain.daily_level("oil", start, 1100));
}

TEST(Drivers, AProjectionDropsTheMonthsAfterItsCutOff) {
  const std::string annual = "year,oil\n2013,100\n2014,100\n2015,100\n";
  DriverTable t =
      with_months(annual, "column,year,month,value,source\n" + twelve("oil", 2015, 89, 2));
  t.project_after(2014, {}, {}, 1, "drivers.observed_until");
  for (double v : t.daily_level("oil", Date(2013, 1, 1), 1100)) EXPECT_DOUBLE_EQ(v, 100);
  // Months in the cut-off year: the level is held at December's, the last observation.
  DriverTable u =
      with_months(annual, "column,year,month,value,source\n" + twelve("oil", 2014, 89, 2));
  u.project_after(2014, {}, {}, 1, "drivers.observed_until");
  const auto oil = u.daily_level("oil", Date(2013, 1, 1), 1100);
  EXPECT_DOUBLE_EQ(oil[Date(2015, 1, 1) - Date(2013, 1, 1)], 111);
  EXPECT_DOUBLE_EQ(oil[Date(2015, 7, 1) - Date(2013, 1, 1)], 111);
  EXPECT_DOUBLE_EQ(oil.back(), 111);
}

TEST(Drivers, BadMonthlyRowsNameFileLineAndKey) {
  const std::string annual = "year,oil\n2013,100\n2014,50\n";
  const std::string head = "column,year,month,value,source\n";
  std::string missing = twelve("oil", 2014, 50, 0);
  missing.erase(missing.find("oil,2014,7,"),
                missing.find("oil,2014,8,") - missing.find("oil,2014,7,"));
  std::string repeated = twelve("oil", 2014, 50, 0) + "oil,2014,3,50,again\n";
  struct Case {
    std::string text;
    int line;
    const char* key;
    const char* says;
  };
  const Case cases[] = {
      {"col,year,month,value,source\n", 1, "", "header must be"},
      {head + twelve("oill", 2014, 50, 0), 2, "column", "did you mean 'oil'?"},
      {head + twelve("oil", 2016, 50, 0), 2, "year", "not a year of a.csv (2013-2014)"},
      {head + "oil,20x6,1,50,s\n", 2, "year", "not a number: '20x6'"},
      {head + "oil,2014,13,50,s\n", 2, "month", "not a month"},
      {head + "oil,2014,1,x,s\n", 2, "value", "not a number: 'x'"},
      {head + "oil,2014,1,50,\n", 2, "source", "needs its source"},
      {head + "oil,2014,1,50\n", 2, "", "expected 5 cells"},
      {head + missing, 2, "month", "month 7 missing"},
      {head + repeated, 14, "month", "repeated (first at line 4)"},
      {head + twelve("oil", 2014, 60, 0), 2, "value",
       "the months average 60, a.csv says 50 for the year"},
  };
  for (const Case& c : cases) {
    try {
      with_months(annual, c.text);
      ADD_FAILURE() << c.text;
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "m.csv") << c.text;
      EXPECT_EQ(e.line(), c.line) << c.text;
      EXPECT_EQ(e.key(), c.key) << c.text;
      EXPECT_NE(e.detail().find(c.says), std::string::npos) << c.text << " -> " << e.what();
    }
  }
  // A monthly value out of range is found by the same check as an annual one.
  DriverTable t = with_months(annual, head + twelve("oil", 2014, 50, 0));
  EXPECT_NO_THROW(t.check_range("oil", 0.01, 1000, "(USD)"));
  std::string negative = twelve("oil", 2014, 50, 0);
  negative.replace(negative.find("oil,2014,5,50.000000"), 20, "oil,2014,5,-1.00000");
  try {
    DriverTable u = with_months("year,oil\n2013,100\n2014,45.9\n", head + negative);
    u.check_range("oil", 0.01, 1000, "(USD)");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "m.csv");
    EXPECT_EQ(e.line(), 6);
    EXPECT_NE(e.detail().find("oil 2014-5 out of range"), std::string::npos) << e.what();
  }
}

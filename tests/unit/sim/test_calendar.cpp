#include <gtest/gtest.h>

#include "sim/calendar.hpp"

using corridor::Date;

TEST(Calendar, RoundTripsCivilDates) {
  for (int serial = Date(1999, 12, 25).serial(); serial < Date(2031, 3, 1).serial(); ++serial) {
    const Date d(serial);
    const auto v = d.ymd();
    EXPECT_EQ(Date(v.year, v.month, v.day).serial(), serial);
  }
  EXPECT_EQ(Date(2013, 1, 1).iso(), "2013-01-01");
  EXPECT_EQ(Date(2024, 2, 29).iso(), "2024-02-29");
  EXPECT_EQ(Date(2013, 1, 1) + 365, Date(2014, 1, 1));
}

TEST(Calendar, ParsesOnlyRealDates) {
  EXPECT_EQ(Date::parse("2023-11-10")->iso(), "2023-11-10");
  EXPECT_FALSE(Date::parse("2023-02-30"));
  EXPECT_FALSE(Date::parse("2023-13-01"));
  EXPECT_FALSE(Date::parse("2023-1-01"));
  EXPECT_FALSE(Date::parse("20231110"));
  EXPECT_TRUE(Date::parse("2024-02-29"));
  EXPECT_FALSE(Date::parse("2023-02-29"));
}

TEST(Calendar, MonthAndYearStarts) {
  EXPECT_TRUE(Date(2020, 3, 1).first_of_month());
  EXPECT_FALSE(Date(2020, 3, 2).first_of_month());
  EXPECT_TRUE(Date(2020, 1, 1).first_of_year());
}

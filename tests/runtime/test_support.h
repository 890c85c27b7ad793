// Helpers shared by the runtime tests: literal parsing that must succeed, the two published
// holiday sets built from the rules in docs/SEMANTICS.md, and the reference data files.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <proviso/rt/calendar.h>
#include <proviso/rt/decimal.h>
#include <proviso/rt/holidays.h>
#include <proviso/rt/time.h>

namespace proviso::rt::test {

inline Decimal dec(std::string_view s) {
  auto d = Decimal::parse(s);
  INFO("decimal literal " << s);
  REQUIRE(d.ok());
  return *d;
}

inline Instant at(std::string_view s) {
  auto t = parse_datetime(s);
  INFO("datetime literal " << s);
  REQUIRE(t.ok());
  return *t;
}

inline Date day(std::string_view s) {
  auto d = parse_date(s);
  INFO("date literal " << s);
  REQUIRE(d.ok());
  return *d;
}

inline const Zone* zone(std::string_view name) {
  auto z = Zone::lookup(name);
  REQUIRE(z.ok());
  return *z;
}

inline HolidayRule fixed(int month, int d, Observance o, std::string name, int from = INT_MIN) {
  HolidayRule r;
  r.kind = HolidayRule::Kind::Fixed;
  r.month = month;
  r.day = d;
  r.observance = o;
  r.from_year = from;
  r.name = std::move(name);
  return r;
}

inline HolidayRule nth(int n, int weekday, int month, std::string name, int from = INT_MIN) {
  HolidayRule r;
  r.kind = HolidayRule::Kind::NthWeekday;
  r.nth = n;
  r.weekday = weekday;
  r.month = month;
  r.from_year = from;
  r.name = std::move(name);
  return r;
}

inline HolidayRule last(int weekday, int month, std::string name) {
  HolidayRule r;
  r.kind = HolidayRule::Kind::LastWeekday;
  r.weekday = weekday;
  r.month = month;
  r.name = std::move(name);
  return r;
}

// `on WEEKDAY [on or] before|after MONTH DAY`.
inline HolidayRule relative(int weekday, bool before, bool inclusive, int month, int d, std::string name) {
  HolidayRule r;
  r.kind = before ? HolidayRule::Kind::WeekdayBefore : HolidayRule::Kind::WeekdayAfter;
  r.weekday = weekday;
  r.inclusive = inclusive;
  r.month = month;
  r.day = d;
  r.name = std::move(name);
  return r;
}

inline HolidayRule easter(int offset, std::string name) {
  HolidayRule r;
  r.kind = HolidayRule::Kind::Easter;
  r.easter_offset = offset;
  r.name = std::move(name);
  return r;
}

constexpr int kMon = 0, kThu = 3;

// The rules of `us_federal` (stdlib/holidays.policy).
inline HolidaySetDef us_federal_def() {
  const auto nearest = Observance::NearestWeekday;
  HolidaySetDef def;
  def.name = "us_federal";
  def.valid_from = 1971;
  def.valid_to = 2100;
  def.rules = {
      fixed(1, 1, nearest, "New Year's Day"),
      nth(3, kMon, 1, "Birthday of Martin Luther King, Jr.", 1986),
      nth(3, kMon, 2, "Washington's Birthday"),
      last(kMon, 5, "Memorial Day"),
      fixed(6, 19, nearest, "Juneteenth National Independence Day", 2021),
      fixed(7, 4, nearest, "Independence Day"),
      nth(1, kMon, 9, "Labor Day"),
      nth(2, kMon, 10, "Columbus Day"),
      fixed(11, 11, nearest, "Veterans Day", 1978),
      nth(4, kThu, 11, "Thanksgiving Day"),
      fixed(12, 25, nearest, "Christmas Day"),
  };
  return def;
}

// The rules of `england_wales` with its published one-off changes (stdlib/holidays.policy).
inline HolidaySetDef england_wales_def() {
  const auto substitute = Observance::SubstituteNextWeekday;
  HolidaySetDef def;
  def.name = "england_wales";
  def.valid_from = 1971;
  def.valid_to = 2100;
  def.rules = {
      fixed(1, 1, substitute, "New Year's Day"),
      easter(-2, "Good Friday"),
      easter(1, "Easter Monday"),
      nth(1, kMon, 5, "Early May bank holiday", 1978),
      last(kMon, 5, "Spring bank holiday"),
      last(kMon, 8, "Summer bank holiday"),
      fixed(12, 25, substitute, "Christmas Day"),
      fixed(12, 26, substitute, "Boxing Day"),
  };
  def.moved = {{day("1995-05-01"), day("1995-05-08")},
               {day("2002-05-27"), day("2002-06-04")},
               {day("2012-05-28"), day("2012-06-04")},
               {day("2020-05-04"), day("2020-05-08")},
               {day("2022-05-30"), day("2022-06-02")}};
  def.added = {day("1999-12-31"), day("2002-06-03"), day("2011-04-29"), day("2012-06-05"),
               day("2022-06-03"), day("2022-09-19"), day("2023-05-08")};
  def.names = {{day("2022-09-19"), "State Funeral of Queen Elizabeth II"},
               {day("2023-05-08"), "Bank holiday for the coronation of King Charles III"}};
  return def;
}

inline std::shared_ptr<const HolidaySet> us_federal() {
  static auto set = [] {
    auto s = HolidaySet::make(us_federal_def());
    REQUIRE(s.ok());
    return *s;
  }();
  return set;
}

inline std::shared_ptr<const HolidaySet> england_wales() {
  static auto set = [] {
    auto s = HolidaySet::make(england_wales_def());
    REQUIRE(s.ok());
    return *s;
  }();
  return set;
}

inline std::string source_dir() {
  if (const char* env = std::getenv("PROVISO_SOURCE_DIR")) return env;
  return PROVISO_SOURCE_DIR;
}

// One YYYY-MM-DD per line; blank lines and lines starting with '#' are skipped.
inline std::vector<Date> read_dates(const std::string& relative_path) {
  std::ifstream in(source_dir() + "/" + relative_path);
  INFO("reading " << relative_path);
  REQUIRE(in.good());
  std::vector<Date> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    out.push_back(day(line));
  }
  return out;
}

inline TimeRange hm(int h1, int m1, int h2, int m2) { return TimeRange{h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60}; }

// Monday-Friday (or every day) with the same ranges.
inline WeeklyHours weekdays(const std::vector<TimeRange>& ranges, bool every_day = false) {
  WeeklyHours w;
  for (int d = 0; d < (every_day ? 7 : 5); ++d) w.days[d] = ranges;
  return w;
}

inline std::shared_ptr<const Calendar> calendar(std::string name, WeeklyHours hours, std::string_view zone_name,
                                                std::shared_ptr<const HolidaySet> holidays, Duration business_day) {
  auto c = Calendar::make(std::move(name), std::move(hours), zone(zone_name), std::move(holidays), business_day);
  REQUIRE(c.ok());
  return *c;
}

}  // namespace proviso::rt::test

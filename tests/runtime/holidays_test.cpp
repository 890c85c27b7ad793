// Holiday sets: Easter, the published US federal and England & Wales lists 2020-2030,
// observance across year ends, one-off changes, unions, validation, ranges, threads.
#include <catch2/catch.hpp>

#include <map>
#include <thread>

#include <proviso/rt/holidays.h>

#include "test_support.h"

using namespace proviso::rt;
using namespace proviso::rt::test;

TEST_CASE("easter sunday", "[holidays]") {
  struct Row {
    int year;
    const char* date;
  };
  const Row rows[] = {{2024, "2024-03-31"}, {2025, "2025-04-20"}, {2026, "2026-04-05"},
                      {2000, "2000-04-23"}, {2038, "2038-04-25"}, {1818, "1818-03-22"},
                      {2285, "2285-03-22"}, {1943, "1943-04-25"}, {2011, "2011-04-24"}};
  for (const Row& r : rows) {
    INFO(r.year);
    CHECK(format_date(easter_sunday(r.year)) == r.date);
  }
}

namespace {

void compare_with_published(const std::shared_ptr<const HolidaySet>& set, const char* file) {
  std::map<int, std::vector<Date>> published;
  for (Date d : read_dates(file)) published[civil(d).year].push_back(d);
  for (int year = 2020; year <= 2030; ++year) {
    auto dates = set->dates_in_year(year);
    REQUIRE(dates.ok());
    std::vector<std::string> got, want;
    for (Date d : *dates) got.push_back(format_date(d));
    for (Date d : published[year]) want.push_back(format_date(d));
    INFO(set->name() << " " << year);
    CHECK(got == want);
  }
}

}  // namespace

TEST_CASE("us_federal matches the published OPM lists 2020-2030", "[holidays]") {
  compare_with_published(us_federal(), "tests/data/holidays/us_federal.txt");
}

TEST_CASE("england_wales matches the published gov.uk lists 2020-2030", "[holidays]") {
  compare_with_published(england_wales(), "tests/data/holidays/england_wales.txt");
}

TEST_CASE("observed dates cross year ends", "[holidays]") {
  auto us = us_federal();
  CHECK(us->is_holiday(day("2021-12-31")).value());  // for Saturday 2022-01-01
  CHECK_FALSE(us->is_holiday(day("2022-01-01")).value());
  CHECK_FALSE(us->is_holiday(day("2022-01-03")).value());
  CHECK(us->is_holiday(day("2026-07-03")).value());  // for Saturday 4 July
  CHECK_FALSE(us->is_holiday(day("2026-07-04")).value());
  CHECK(us->holiday_name(day("2021-12-31")) == "New Year's Day");
  CHECK(us->holiday_name(day("2026-07-03")) == "Independence Day");
  CHECK(us->holiday_name(day("2026-07-06")).empty());
  // Juneteenth only from 2021 (2020-06-19 was a Friday).
  CHECK_FALSE(us->is_holiday(day("2020-06-19")).value());
  // 1 Jan 2011 was a Saturday: observed Friday 2010-12-31.
  CHECK(us->is_holiday(day("2010-12-31")).value());
  auto ew = england_wales();
  CHECK(ew->holiday_name(day("2026-12-28")) == "Boxing Day");
  CHECK(ew->holiday_name(day("2021-12-27")) == "Christmas Day");
  CHECK(ew->holiday_name(day("2021-12-28")) == "Boxing Day");
  CHECK(ew->holiday_name(day("2022-12-27")) == "Christmas Day");
  CHECK(ew->holiday_name(day("2022-09-19")) == "State Funeral of Queen Elizabeth II");
  CHECK(ew->holiday_name(day("2020-05-08")) == "Early May bank holiday");
  // The older one-off changes.
  CHECK(ew->is_holiday(day("1995-05-08")).value());
  CHECK_FALSE(ew->is_holiday(day("1995-05-01")).value());
  CHECK(ew->is_holiday(day("1999-12-31")).value());
  CHECK(ew->is_holiday(day("2002-06-03")).value());
  CHECK(ew->is_holiday(day("2002-06-04")).value());
  CHECK(ew->is_holiday(day("2011-04-29")).value());
  CHECK(ew->is_holiday(day("2012-06-05")).value());
  // Early May from 1978 only.
  CHECK_FALSE(ew->is_holiday(day("1977-05-02")).value());
  CHECK(ew->is_holiday(day("1978-05-01")).value());
}

TEST_CASE("asking outside the valid range is an error naming the set and year", "[holidays]") {
  auto us = us_federal();
  auto before = us->is_holiday(day("1970-07-03"));
  REQUIRE_FALSE(before.ok());
  CHECK(before.error().code == ErrorCode::OutOfRange);
  CHECK_THAT(before.error().message, Catch::Contains("us_federal") && Catch::Contains("1970"));
  auto after = us->dates_in_year(2101);
  REQUIRE_FALSE(after.ok());
  CHECK_THAT(after.error().message, Catch::Contains("2101"));
  CHECK(us->dates_in_year(1971).ok());
  CHECK(us->dates_in_year(2100).ok());
  CHECK(us->holiday_name(day("1970-01-01")).empty());
}

TEST_CASE("rule kinds and their edges", "[holidays]") {
  HolidaySetDef def;
  def.name = "edges";
  def.valid_from = 2000;
  def.valid_to = 2100;
  HolidayRule leap = fixed(2, 29, Observance::None, "Leap day");
  HolidayRule fifth = nth(5, 4, 3, "Fifth Friday of March");
  HolidayRule bounded = fixed(3, 1, Observance::None, "Bounded", 2024);
  bounded.until_year = 2025;
  def.rules = {leap, fifth, bounded};
  auto set = HolidaySet::make(def);
  REQUIRE(set.ok());
  CHECK((*set)->is_holiday(day("2024-02-29")).value());
  CHECK((*set)->dates_in_year(2025).value().size() == 1u);  // 2025-03-01 only
  CHECK((*set)->is_holiday(day("2024-03-29")).value());     // March 2024 has five Fridays
  CHECK_FALSE((*set)->is_holiday(day("2026-03-31")).value());
  CHECK((*set)->dates_in_year(2026).value().empty());  // four Fridays, no leap day
  CHECK((*set)->is_holiday(day("2025-03-01")).value());
  CHECK_FALSE((*set)->is_holiday(day("2026-03-01")).value());
}

TEST_CASE("substitutes go to the next weekday not already a holiday, in rule order", "[holidays]") {
  // 2022: 25 Dec is a Sunday and Boxing Day a Monday, so Christmas moves to Tuesday.
  auto ew = england_wales();
  CHECK(ew->is_holiday(day("2022-12-26")).value());
  CHECK(ew->is_holiday(day("2022-12-27")).value());
  // 2027: both on the weekend -> Monday 27 and Tuesday 28.
  CHECK(ew->is_holiday(day("2027-12-27")).value());
  CHECK(ew->is_holiday(day("2027-12-28")).value());
  // 2028-01-01 is a Saturday: substituted Monday 2028-01-03.
  CHECK(ew->is_holiday(day("2028-01-03")).value());
}

TEST_CASE("weekdays before and after a date, strict and inclusive", "[holidays]") {
  constexpr int kSat = 5;
  HolidaySetDef def;
  def.name = "relative";
  def.valid_from = 1950;
  def.valid_to = 2150;
  def.rules = {relative(kMon, true, false, 5, 25, "Victoria Day"),            // Monday preceding May 25
               relative(kSat, false, true, 6, 20, "Midsummer Day"),           // Saturday 20-26 June
               relative(kThu, false, false, 12, 31, "First Thursday after"),  // crosses the year end
               relative(kMon, true, true, 2, 29, "Leap Monday")};             // common years: none
  auto set = HolidaySet::make(def);
  REQUIRE(set.ok());
  // Published Victoria Days, and the two that show strictness (25 May 2026 is a Monday).
  CHECK((*set)->is_holiday(day("2026-05-18")).value());
  CHECK_FALSE((*set)->is_holiday(day("2026-05-25")).value());
  CHECK((*set)->is_holiday(day("2027-05-24")).value());
  CHECK((*set)->is_holiday(day("2024-05-20")).value());
  CHECK((*set)->holiday_name(day("2024-05-20")) == "Victoria Day");
  CHECK((*set)->is_holiday(day("2026-06-20")).value());  // a Saturday itself: inclusive
  CHECK((*set)->is_holiday(day("2027-06-26")).value());
  CHECK((*set)->is_holiday(day("2027-01-07")).value());  // after 31 Dec 2026 (a Thursday)
  CHECK((*set)->is_holiday(day("2024-02-26")).value());
  // Against the definition, for two centuries: the only date of the weekday in the window.
  for (int year = 1951; year <= 2149; ++year) {
    INFO(year);
    auto dates = (*set)->dates_in_year(year);
    REQUIRE(dates.ok());
    int victoria = 0, midsummer = 0;
    for (Date d : *dates) {
      CivilDate c = civil(d);
      if (c.month == 5) {
        CHECK(weekday(d) == kMon);
        CHECK((c.day >= 18 && c.day <= 24));
        ++victoria;
      }
      if (c.month == 6) {
        CHECK(weekday(d) == kSat);
        CHECK((c.day >= 20 && c.day <= 26));
        ++midsummer;
      }
    }
    CHECK(victoria == 1);
    CHECK(midsummer == 1);
  }
}

TEST_CASE("substitute if Sunday moves Sunday holidays only", "[holidays]") {
  HolidaySetDef def;
  def.name = "sunday";
  def.valid_from = 2000;
  def.valid_to = 2100;
  def.rules = {fixed(1, 1, Observance::SubstituteSunday, "New Year's Day"),
               fixed(1, 2, Observance::None, "Second of January")};
  auto set = HolidaySet::make(def);
  REQUIRE(set.ok());
  CHECK((*set)->is_holiday(day("2022-01-01")).value());  // a Saturday: stays
  CHECK_FALSE((*set)->is_holiday(day("2022-01-03")).value());
  // 2023-01-01 is a Sunday; Monday the 2nd is taken, so the substitute is Tuesday the 3rd.
  CHECK_FALSE((*set)->is_holiday(day("2023-01-01")).value());
  CHECK((*set)->is_holiday(day("2023-01-03")).value());
  CHECK((*set)->holiday_name(day("2023-01-03")) == "New Year's Day");
}

TEST_CASE("partial days: rules, one-offs, moves, overlaps and unions", "[holidays]") {
  HolidaySetDef def;
  def.name = "partial";
  def.valid_from = 2000;
  def.valid_to = 2100;
  HolidayRule eve = fixed(12, 24, Observance::None, "Christmas Eve");
  eve.open = {hm(9, 0, 13, 0)};
  HolidayRule early = fixed(12, 24, Observance::None, "Early close");
  early.open = {hm(8, 0, 12, 0), hm(14, 0, 16, 0)};
  HolidayRule nye = fixed(12, 31, Observance::None, "New Year's Eve");
  nye.open = {hm(9, 0, 12, 0)};
  def.rules = {eve, early, nye, fixed(12, 25, Observance::None, "Christmas Day")};
  def.added_partial = {{day("2026-07-03"), {hm(9, 0, 12, 0)}}};
  def.added = {day("2027-12-31")};  // a whole day wins over the partial rule
  def.moved = {{day("2028-12-31"), day("2028-12-29")}};
  auto set = HolidaySet::make(def);
  REQUIRE(set.ok());
  auto p2026 = (*set)->partial_days_in_year(2026);
  REQUIRE(p2026.ok());
  REQUIRE(p2026->size() == 3u);
  CHECK(format_date((*p2026)[0].date) == "2026-07-03");
  CHECK(format_date((*p2026)[1].date) == "2026-12-24");
  CHECK((*p2026)[1].open == std::vector<TimeRange>{hm(9, 0, 12, 0)});  // both cuts apply
  CHECK((*set)->holiday_name(day("2026-12-24")) == "Christmas Eve");
  CHECK_FALSE((*set)->is_holiday(day("2026-12-24")).value());  // not a whole holiday
  auto p2027 = (*set)->partial_days_in_year(2027);
  REQUIRE(p2027.ok());
  REQUIRE(p2027->size() == 1u);  // 31 Dec 2027 is whole
  CHECK((*set)->is_holiday(day("2027-12-31")).value());
  auto p2028 = (*set)->partial_days_in_year(2028);
  REQUIRE(p2028.ok());
  REQUIRE(p2028->size() == 2u);
  CHECK(format_date((*p2028)[1].date) == "2028-12-29");  // moved with its hours
  CHECK((*p2028)[1].open == std::vector<TimeRange>{hm(9, 0, 12, 0)});

  // A union: whole in one part wins; two partial parts intersect; removal removes partials.
  HolidaySetDef whole;
  whole.name = "whole";
  whole.valid_from = 2000;
  whole.valid_to = 2100;
  whole.rules = {fixed(12, 31, Observance::None, "Closed")};
  HolidaySetDef other;
  other.name = "other";
  other.valid_from = 2000;
  other.valid_to = 2100;
  other.added_partial = {{day("2026-12-24"), {hm(10, 0, 15, 0)}}};
  auto u = HolidaySet::unite({*set, *HolidaySet::make(whole), *HolidaySet::make(other)}, {}, {day("2026-07-03")});
  auto pu = u->partial_days_in_year(2026);
  REQUIRE(pu.ok());
  REQUIRE(pu->size() == 1u);
  CHECK((*pu)[0].open == std::vector<TimeRange>{hm(10, 0, 12, 0)});
  CHECK(u->is_holiday(day("2026-12-31")).value());
  CHECK(u->key() != (*set)->key());
}

TEST_CASE("make validates rules", "[holidays]") {
  auto expect_invalid = [](HolidayRule r, const char* fragment) {
    HolidaySetDef def;
    def.name = "bad";
    def.valid_from = 2000;
    def.valid_to = 2010;
    def.rules = {std::move(r)};
    auto s = HolidaySet::make(def);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::InvalidValue);
    CHECK_THAT(s.error().message, Catch::Contains("bad") && Catch::Contains(fragment));
  };
  expect_invalid(fixed(13, 1, Observance::None, "x"), "month 13");
  expect_invalid(fixed(4, 31, Observance::None, "x"), "day 31");
  expect_invalid(fixed(2, 30, Observance::None, "x"), "day 30");
  expect_invalid(nth(6, 0, 1, "x"), "ordinal 6");
  expect_invalid(nth(1, 7, 1, "x"), "weekday 7");
  HolidayRule backwards = fixed(1, 1, Observance::None, "x", 2010);
  backwards.until_year = 2000;
  expect_invalid(backwards, "after until");
  expect_invalid(relative(0, true, false, 4, 31, "x"), "day 31");
  expect_invalid(relative(9, false, false, 4, 1, "x"), "weekday 9");
  HolidayRule observed_partial = fixed(12, 24, Observance::NearestWeekday, "x");
  observed_partial.open = {hm(9, 0, 13, 0)};
  expect_invalid(observed_partial, "partial day");
  HolidayRule overlapping = fixed(12, 24, Observance::None, "x");
  overlapping.open = {hm(9, 0, 13, 0), hm(12, 0, 14, 0)};
  expect_invalid(overlapping, "overlap");
  HolidaySetDef no_hours;
  no_hours.name = "bad";
  no_hours.valid_from = 2000;
  no_hours.valid_to = 2010;
  no_hours.added_partial = {{day("2005-01-01"), {}}};
  CHECK(HolidaySet::make(no_hours).error().code == ErrorCode::InvalidValue);

  HolidaySetDef empty_range;
  empty_range.name = "range";
  empty_range.valid_from = 2010;
  empty_range.valid_to = 2000;
  CHECK(HolidaySet::make(empty_range).error().code == ErrorCode::InvalidValue);
}

TEST_CASE("unions add and remove dates and intersect the ranges", "[holidays]") {
  auto ew = england_wales();
  auto custom = HolidaySet::unite({ew}, {day("2026-12-24")}, {day("2026-12-28")});
  CHECK(custom->name() == "england_wales + [...] - [...]");
  CHECK(custom->is_holiday(day("2026-12-24")).value());
  CHECK_FALSE(custom->is_holiday(day("2026-12-28")).value());
  CHECK(custom->is_holiday(day("2026-12-25")).value());
  CHECK(custom->holiday_name(day("2026-12-25")) == "Christmas Day");
  CHECK(custom->valid_from() == 1971);
  CHECK(custom->valid_to() == 2100);

  HolidaySetDef narrow;
  narrow.name = "narrow";
  narrow.valid_from = 2000;
  narrow.valid_to = 2050;
  narrow.rules = {fixed(3, 17, Observance::None, "St Patrick's Day")};
  auto both = HolidaySet::unite({us_federal(), HolidaySet::make(narrow).value()}, {}, {});
  CHECK(both->name() == "us_federal + narrow");
  CHECK(both->valid_from() == 2000);
  CHECK(both->valid_to() == 2050);
  CHECK(both->is_holiday(day("2026-03-17")).value());
  CHECK(both->is_holiday(day("2026-07-03")).value());
  CHECK(both->is_holiday(day("2051-03-17")).error().code == ErrorCode::OutOfRange);
}

TEST_CASE("keys identify structure", "[holidays]") {
  auto a = HolidaySet::make(us_federal_def()).value();
  auto b = HolidaySet::make(us_federal_def()).value();
  CHECK(a->key() == b->key());
  CHECK(a->key() == us_federal()->key());
  CHECK(a->key() != england_wales()->key());
  HolidaySetDef changed = us_federal_def();
  changed.added.push_back(day("2026-12-24"));
  CHECK(HolidaySet::make(changed).value()->key() != a->key());
  auto u1 = HolidaySet::unite({a}, {day("2026-12-24")}, {});
  auto u2 = HolidaySet::unite({b}, {day("2026-12-24")}, {});
  CHECK(u1->key() == u2->key());
  CHECK(u1->key() != HolidaySet::unite({a}, {}, {day("2026-12-24")})->key());
}

TEST_CASE("holiday sets are safe to share between threads", "[holidays]") {
  auto set = HolidaySet::make(england_wales_def()).value();  // fresh, empty cache
  std::vector<int> counts(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      int n = 0;
      for (Date d = make_date(1980, 1, 1).value(); d < make_date(2090, 1, 1).value(); ++d)
        n += set->is_holiday(d).value() ? 1 : 0;
      counts[i] = n;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(counts[0] > 800);
  CHECK((counts[0] == counts[1] && counts[1] == counts[2] && counts[2] == counts[3]));
}

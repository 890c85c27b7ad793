// Calendars: adding and measuring working time across closing times, weekends, holidays,
// year ends, leap days and DST in three zones; 24x7; errors; the interning cache.
#include <catch2/catch.hpp>

#include <thread>

#include <proviso/rt/calendar.h>

#include "test_support.h"

using namespace proviso::rt;
using namespace proviso::rt::test;

namespace {

constexpr Duration kHour = 3600;

std::shared_ptr<const Calendar> ny_standard() {
  static auto c = calendar("standard_hours", weekdays({hm(8, 0, 17, 0)}), "America/New_York", us_federal(), 9 * kHour);
  return c;
}

std::shared_ptr<const Calendar> london_standard() {
  static auto c = calendar("portrait", weekdays({hm(9, 0, 17, 0)}), "Europe/London", england_wales(), 8 * kHour);
  return c;
}

std::shared_ptr<const Calendar> sydney_advanced() {
  static auto c = calendar("advanced", weekdays({hm(6, 0, 18, 0)}, true), "Australia/Sydney", nullptr, 12 * kHour);
  return c;
}

// The split-shift example of docs/LANGUAGE.md.
std::shared_ptr<const Calendar> support_desk() {
  static auto c = [] {
    WeeklyHours w;
    w.days[0] = {hm(8, 0, 12, 0), hm(13, 0, 17, 0)};
    for (int d = 1; d <= 4; ++d) w.days[d] = {hm(9, 0, 17, 0)};
    w.days[5] = {hm(10, 0, 14, 0)};
    return calendar("support_desk", w, "Europe/London", england_wales(), 8 * kHour);
  }();
  return c;
}

std::string local(const Calendar& c, Instant t) { return format_datetime(t, *c.zone()); }

std::string added(const std::shared_ptr<const Calendar>& c, const char* start, Duration d) {
  auto r = c->add(at(start), d);
  if (!r) return "error: " + r.error().message;
  return local(*c, *r);
}

}  // namespace

TEST_CASE("adding working time in New York standard hours", "[calendar]") {
  auto c = ny_standard();
  struct Row {
    const char* start;
    Duration d;
    const char* expected;
    const char* why;
  };
  const Row rows[] = {
      {"2026-11-20T16:00:00-05:00", kHour, "2026-11-20T17:00:00-05:00", "closing time stays"},
      {"2026-11-20T16:00:00-05:00", 2 * kHour, "2026-11-23T09:00:00-05:00", "over the weekend"},
      {"2026-11-23T08:00:00-05:00", 9 * kHour, "2026-11-23T17:00:00-05:00", "from opening"},
      {"2026-11-23T17:00:00-05:00", kHour, "2026-11-24T09:00:00-05:00", "from closing"},
      {"2026-11-23T17:00:00-05:00", 0, "2026-11-23T17:00:00-05:00", "zero is the start"},
      {"2026-11-21T10:00:00-05:00", 0, "2026-11-21T10:00:00-05:00", "zero on a weekend"},
      {"2026-11-23T07:00:00-05:00", kHour, "2026-11-23T09:00:00-05:00", "before opening"},
      {"2026-11-21T10:00:00-05:00", 2 * kHour, "2026-11-23T10:00:00-05:00", "from Saturday"},
      {"2026-11-22T23:59:59-05:00", 1, "2026-11-23T08:00:01-05:00", "from Sunday night"},
      {"2026-11-26T10:00:00-05:00", 2 * kHour, "2026-11-27T10:00:00-05:00", "Thanksgiving"},
      {"2026-11-25T16:00:00-05:00", 2 * kHour, "2026-11-27T09:00:00-05:00", "over Thanksgiving"},
      {"2026-07-02T16:00:00-04:00", 2 * kHour, "2026-07-06T09:00:00-04:00", "observed 4 July"},
      {"2026-12-31T16:00:00-05:00", 2 * kHour, "2027-01-04T09:00:00-05:00", "year end"},
      {"2021-12-30T16:00:00-05:00", 2 * kHour, "2022-01-03T09:00:00-05:00", "observed 1 Jan"},
      {"2028-02-28T16:00:00-05:00", 2 * kHour, "2028-02-29T09:00:00-05:00", "leap day"},
      {"2026-03-06T16:00:00-05:00", 2 * kHour, "2026-03-09T09:00:00-04:00", "spring forward"},
      {"2026-10-30T16:00:00-04:00", 2 * kHour, "2026-11-02T09:00:00-05:00", "fall back"},
      {"2026-11-23T08:00:00-05:00", 90 * kHour, "2026-12-07T17:00:00-05:00", "10 business days"},
      {"2026-11-23T12:30:00-05:00", 90 * kHour, "2026-12-08T12:30:00-05:00", "10 days midday"},
      {"2026-12-24T12:00:00-05:00", 9 * kHour * 260, "2028-01-11T12:00:00-05:00", "a year"},
  };
  for (const Row& r : rows) {
    INFO(r.why << ": " << r.start << " + " << r.d << " s");
    CHECK(added(c, r.start, r.d) == r.expected);
  }
}

TEST_CASE("adding working time in London and Sydney across DST", "[calendar]") {
  CHECK(added(london_standard(), "2026-03-27T16:00:00Z", 2 * kHour) == "2026-03-30T10:00:00+01:00");
  CHECK(added(london_standard(), "2026-10-23T16:00:00+01:00", 2 * kHour) == "2026-10-26T10:00:00+00:00");
  CHECK(added(london_standard(), "2026-12-24T16:00:00Z", 2 * kHour) == "2026-12-29T10:00:00+00:00");
  CHECK(added(london_standard(), "2026-04-02T16:00:00+01:00", 2 * kHour) ==
        "2026-04-07T10:00:00+01:00");  // Good Friday and Easter Monday
  CHECK(added(sydney_advanced(), "2026-10-03T17:00:00+10:00", 2 * kHour) == "2026-10-04T07:00:00+11:00");
  CHECK(added(sydney_advanced(), "2026-04-04T17:00:00+11:00", 2 * kHour) == "2026-04-05T07:00:00+10:00");
  CHECK(added(sydney_advanced(), "2026-10-03T06:00:00+10:00", 24 * kHour) == "2026-10-04T18:00:00+11:00");
}

TEST_CASE("wall-clock intervals are shorter or longer on DST days", "[calendar]") {
  auto whole = calendar("whole days", weekdays({hm(0, 0, 24, 0)}, true), "Australia/Sydney", nullptr, 24 * kHour);
  CHECK(whole->working_between(at("2026-10-04T00:00:00+10:00"), at("2026-10-05T00:00:00+11:00")).value() == 23 * kHour);
  CHECK(whole->working_between(at("2026-04-05T00:00:00+11:00"), at("2026-04-06T00:00:00+10:00")).value() == 25 * kHour);
  auto nights = calendar(
      "sunday nights",
      [] {
        WeeklyHours w;
        w.days[6] = {hm(0, 0, 6, 0)};
        return w;
      }(),
      "America/New_York", nullptr, 6 * kHour);
  CHECK(nights->working_between(at("2026-03-08T00:00:00-05:00"), at("2026-03-08T06:00:00-04:00")).value() == 5 * kHour);
  CHECK(nights->working_between(at("2026-11-01T00:00:00-04:00"), at("2026-11-01T06:00:00-05:00")).value() == 7 * kHour);
  // Wall-clock continuous hours behave like 24x7 across the gap.
  auto ny_whole = calendar("ny whole days", weekdays({hm(0, 0, 24, 0)}, true), "America/New_York", nullptr, 24 * kHour);
  CHECK(added(ny_whole, "2026-03-08T01:45:00-05:00", 30 * 60) == "2026-03-08T03:15:00-04:00");
}

TEST_CASE("24x7 is continuous absolute time", "[calendar]") {
  auto c = Calendar::always();
  CHECK(c->is_always());
  CHECK(c->business_day() == 24 * kHour);
  auto r = c->add(at("2026-03-08T06:45:00Z"), 30 * 60);
  REQUIRE(r.ok());
  CHECK(format_datetime_utc(*r) == "2026-03-08T07:15:00Z");
  CHECK(format_datetime(*r, *zone("America/New_York")) == "2026-03-08T03:15:00-04:00");
  CHECK(c->working_between(at("2026-03-08T00:00:00-05:00"), at("2026-03-09T00:00:00-04:00")).value() == 23 * kHour);
  CHECK(c->working_between(at("2026-03-09T00:00:00Z"), at("2026-03-08T00:00:00Z")).value() == 0);
  CHECK(c->is_open(at("2026-12-25T03:00:00Z")).value());
  CHECK(c->next_opening(at("2026-12-25T03:00:00Z")).value() == at("2026-12-25T03:00:00Z"));
  CHECK(c->holidays_between(at("2026-12-25T03:00:00Z"), at("2026-12-28T03:00:00Z"))->empty());
  CHECK(c->add(INT64_MAX - 10, 3600).error().code == ErrorCode::OutOfRange);
}

TEST_CASE("working_between, is_open, next_opening", "[calendar]") {
  auto c = ny_standard();
  auto between = [&](const char* a, const char* b) { return c->working_between(at(a), at(b)).value(); };
  CHECK(between("2026-11-23T08:00:00-05:00", "2026-11-27T17:00:00-05:00") == 36 * kHour);
  CHECK(between("2026-11-27T17:00:00-05:00", "2026-11-23T08:00:00-05:00") == 0);
  CHECK(between("2026-11-23T10:00:00-05:00", "2026-11-23T10:00:00-05:00") == 0);
  CHECK(between("2026-12-31T08:00:00-05:00", "2027-01-04T17:00:00-05:00") == 18 * kHour);
  CHECK(between("2026-11-23T12:00:00-05:00", "2026-11-23T12:30:00-05:00") == 30 * 60);
  CHECK(between("2026-11-21T00:00:00-05:00", "2026-11-22T23:00:00-05:00") == 0);
  CHECK(between("2026-03-06T08:00:00-05:00", "2026-03-09T17:00:00-04:00") == 18 * kHour);
  CHECK(between("2020-01-01T00:00:00-05:00", "2021-01-01T00:00:00-05:00") ==
        (262 - 10) * 9 * kHour);  // 2020: 262 weekdays, 10 of them holidays

  auto open = [&](const char* t) { return c->is_open(at(t)).value(); };
  CHECK(open("2026-11-23T08:00:00-05:00"));
  CHECK(open("2026-11-23T16:59:59-05:00"));
  CHECK_FALSE(open("2026-11-23T17:00:00-05:00"));
  CHECK_FALSE(open("2026-11-23T07:59:59-05:00"));
  CHECK_FALSE(open("2026-11-21T12:00:00-05:00"));
  CHECK_FALSE(open("2026-11-26T12:00:00-05:00"));

  auto next = [&](const char* t) { return local(*c, c->next_opening(at(t)).value()); };
  CHECK(next("2026-11-21T10:00:00-05:00") == "2026-11-23T08:00:00-05:00");
  CHECK(next("2026-11-23T10:00:00-05:00") == "2026-11-23T10:00:00-05:00");
  CHECK(next("2026-11-20T17:00:00-05:00") == "2026-11-23T08:00:00-05:00");
  CHECK(next("2026-11-26T07:00:00-05:00") == "2026-11-27T08:00:00-05:00");
  CHECK(next("2026-12-31T17:30:00-05:00") == "2027-01-04T08:00:00-05:00");

  auto hols = c->holidays_between(at("2026-11-23T00:00:00-05:00"), at("2026-11-30T00:00:00-05:00"));
  REQUIRE(hols.ok());
  REQUIRE(hols->size() == 1u);
  CHECK(format_date((*hols)[0]) == "2026-11-26");
  auto july = c->holidays_between(at("2026-07-01T00:00:00-04:00"), at("2026-07-06T00:00:00-04:00"));
  REQUIRE(july->size() == 1u);
  CHECK(format_date((*july)[0]) == "2026-07-03");
}

TEST_CASE("split shifts", "[calendar]") {
  auto c = support_desk();
  CHECK(added(c, "2026-11-23T11:30:00Z", kHour) == "2026-11-23T13:30:00+00:00");
  CHECK(added(c, "2026-11-23T11:30:00Z", 30 * 60) == "2026-11-23T12:00:00+00:00");
  CHECK(added(c, "2026-11-23T12:30:00Z", 60) == "2026-11-23T13:01:00+00:00");
  CHECK(added(c, "2026-11-28T13:00:00Z", 2 * kHour) == "2026-11-30T09:00:00+00:00");
  CHECK(local(*c, c->next_opening(at("2026-11-23T12:30:00Z")).value()) == "2026-11-23T13:00:00+00:00");
  CHECK(c->working_between(at("2026-11-23T00:00:00Z"), at("2026-11-24T00:00:00Z")).value() == 8 * kHour);
  CHECK(c->working_between(at("2026-11-28T00:00:00Z"), at("2026-11-29T00:00:00Z")).value() == 4 * kHour);
}

TEST_CASE("calendar construction errors", "[calendar]") {
  const Zone* ny = zone("America/New_York");
  auto none = Calendar::make("empty", WeeklyHours{}, ny, nullptr, 9 * kHour);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::NoWorkingTime);
  CHECK_THAT(none.error().message, Catch::Contains("empty"));
  auto invalid = [&](WeeklyHours w, Duration day, const Zone* z) {
    auto c = Calendar::make("bad", std::move(w), z, nullptr, day);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == ErrorCode::InvalidValue);
  };
  invalid(weekdays({hm(9, 0, 9, 0)}), 9 * kHour, ny);
  invalid(weekdays({hm(17, 0, 9, 0)}), 9 * kHour, ny);
  invalid(weekdays({TimeRange{0, 86401}}), 9 * kHour, ny);
  invalid(weekdays({TimeRange{-1, 3600}}), 9 * kHour, ny);
  invalid(weekdays({hm(8, 0, 12, 0), hm(11, 0, 17, 0)}), 9 * kHour, ny);
  invalid(weekdays({hm(13, 0, 17, 0), hm(8, 0, 12, 0)}), 9 * kHour, ny);
  invalid(weekdays({hm(8, 0, 17, 0)}), 0, ny);
  invalid(weekdays({hm(8, 0, 17, 0)}), 9 * kHour, nullptr);
  CHECK(Calendar::make("touching", weekdays({hm(8, 0, 12, 0), hm(12, 0, 17, 0)}), ny, nullptr, 9 * kHour).ok());
  CHECK(ny_standard()->add(at("2026-11-23T08:00:00-05:00"), -1).error().code == ErrorCode::InvalidValue);
}

TEST_CASE("searches end with an error instead of looping", "[calendar]") {
  // Only Mondays are working days, and every Monday of the set's range is a holiday.
  HolidaySetDef def;
  def.name = "all_mondays";
  def.valid_from = 2026;
  def.valid_to = 2030;
  for (Date d = day("2026-01-05"); d <= day("2030-12-31"); d += 7) def.added.push_back(d);
  auto mondays = HolidaySet::make(def).value();
  WeeklyHours w;
  w.days[0] = {hm(8, 0, 17, 0)};
  auto c = calendar("mondays", w, "America/New_York", mondays, 9 * kHour);
  auto r = c->add(at("2026-03-02T09:00:00-05:00"), kHour);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::OutOfRange);
  CHECK_THAT(r.error().message, Catch::Contains("all_mondays") && Catch::Contains("2030"));
  CHECK(c->next_opening(at("2026-03-02T09:00:00-05:00")).error().code == ErrorCode::OutOfRange);
  CHECK(c->working_between(at("2026-01-01T12:00:00Z"), at("2030-12-31T00:00:00Z")).value() == 0);
  CHECK(c->is_open(at("2031-01-06T09:00:00-05:00")).error().code == ErrorCode::OutOfRange);

  // The end of us_federal's range.
  auto end = ny_standard()->add(at("2100-12-31T16:00:00-05:00"), 2 * kHour);
  REQUIRE_FALSE(end.ok());
  CHECK(end.error().code == ErrorCode::OutOfRange);
  CHECK_THAT(end.error().message, Catch::Contains("us_federal"));
  CHECK(ny_standard()->is_open(at("1970-06-01T12:00:00-04:00")).error().code == ErrorCode::OutOfRange);
  // Without holidays the search stops after 200 years; beyond year 9999 it is out of range.
  CHECK(sydney_advanced()->add(at("9999-12-31T17:00:00+11:00"), 2 * kHour).error().code == ErrorCode::OutOfRange);
  CHECK(sydney_advanced()->add(at("2026-01-01T00:00:00Z"), int64_t{12} * kHour * 366 * 250).error().code ==
        ErrorCode::OutOfRange);
}

TEST_CASE("the calendar cache interns equal calendars", "[calendar]") {
  CalendarCache cache;
  const Zone* ny = zone("America/New_York");
  auto a = cache.get("standard_hours", weekdays({hm(8, 0, 17, 0)}), ny, us_federal(), 9 * kHour);
  auto b = cache.get("standard_hours", weekdays({hm(8, 0, 17, 0)}), ny, HolidaySet::make(us_federal_def()).value(),
                     9 * kHour);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->get() == b->get());
  CHECK(cache.size() == 1u);
  auto other = cache.get("standard_hours", weekdays({hm(8, 0, 17, 0)}), ny, us_federal(), 8 * kHour);
  CHECK(other->get() != a->get());
  auto london =
      cache.get("standard_hours", weekdays({hm(8, 0, 17, 0)}), zone("Europe/London"), us_federal(), 9 * kHour);
  CHECK(london->get() != a->get());
  CHECK(cache.size() == 3u);
  CHECK(cache.get("x", WeeklyHours{}, ny, nullptr, 9 * kHour).error().code == ErrorCode::NoWorkingTime);
  CHECK(cache.size() == 3u);
}

TEST_CASE("the calendar cache is bounded by its byte budget, least recently used out first", "[calendar]") {
  // Input-dependent holidays make a new calendar per record: 5,000 of them, each used for
  // a deadline, in a cache of 2 MiB.
  constexpr size_t kBudget = size_t{2} << 20;
  CalendarCache cache(kBudget);
  const Zone* london = zone("Europe/London");
  auto base = us_federal();
  const Instant t = at("2026-03-03T10:00:00Z");
  auto keep = cache.get("desk", weekdays({hm(9, 0, 17, 0)}), london, base, 8 * kHour);
  REQUIRE(keep.ok());
  size_t peak = 0;
  for (int i = 0; i < 5000; ++i) {
    auto set = HolidaySet::unite({base}, {day("2026-01-01") + i}, {});
    auto c = cache.get("desk", weekdays({hm(9, 0, 17, 0)}), london, set, 8 * kHour);
    REQUIRE(c.ok());
    REQUIRE((*c)->add(t, 16 * kHour).ok());
    // The constant calendar stays in use, so it stays recent.
    if (i % 100 == 0)
      REQUIRE(cache.get("desk", weekdays({hm(9, 0, 17, 0)}), london, base, 8 * kHour)->get() == keep->get());
    peak = std::max(peak, cache.bytes());
  }
  // Calendars grow after insertion and are measured again every few insertions: the total
  // may pass the budget by what those few built since.
  CHECK(peak < kBudget + kBudget / 4);
  CHECK(cache.size() < 5000u / 4);
  CHECK(cache.size() > 10u);
  CHECK(cache.get("desk", weekdays({hm(9, 0, 17, 0)}), london, base, 8 * kHour)->get() == keep->get());
  // An evicted calendar still in use stays valid for its user.
  auto first = cache.get("desk", weekdays({hm(9, 0, 17, 0)}), london,
                         HolidaySet::unite({base}, {day("2030-05-05")}, {}), 8 * kHour);
  REQUIRE(first.ok());
  for (int i = 0; i < 2000; ++i)
    (void)cache
        .get("desk", weekdays({hm(9, 0, 17, 0)}), london, HolidaySet::unite({base}, {day("2027-01-01") + i}, {}),
             8 * kHour)
        .value()
        ->add(t, kHour);
  CHECK((*first)->add(t, 16 * kHour).ok());
}

TEST_CASE("calendars are safe to share between threads", "[calendar]") {
  // A fresh calendar, so that the threads race to build the same year tables.
  auto c = calendar("fresh", weekdays({hm(8, 0, 17, 0)}), "America/New_York",
                    HolidaySet::make(us_federal_def()).value(), 9 * kHour);
  const Instant from = at("2020-01-01T00:00:00Z");
  std::vector<std::vector<Instant>> results(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 2000; ++k) results[i].push_back(c->add(from + int64_t{k} * 250000, 90 * kHour).value());
    });
  }
  for (auto& t : threads) t.join();
  CHECK(results[0] == results[1]);
  CHECK(results[1] == results[2]);
  CHECK(results[2] == results[3]);
}

TEST_CASE("a start beyond the holidays' range names the holiday set", "[calendar]") {
  auto r = ny_standard()->add(at("2101-03-02T09:00:00-05:00"), kHour);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::OutOfRange);
  CHECK_THAT(r.error().message, Catch::Contains("us_federal") && Catch::Contains("2101"));
}

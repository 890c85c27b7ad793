// Dates and instants: civil conversions, strict parsing, month arithmetic, RFC 3339.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include <proviso/rt/time.h>

#include "../../runtime/src/civil.h"  // private: the fast year lookup

#include "test_support.h"

using namespace proviso::rt;
using proviso::rt::test::at;
using proviso::rt::test::day;

TEST_CASE("make_date validates and names the date", "[time]") {
  CHECK(make_date(1970, 1, 1).value() == 0);
  CHECK(make_date(1969, 12, 31).value() == -1);
  CHECK(make_date(2024, 2, 29).ok());
  CHECK(make_date(2000, 2, 29).ok());
  for (auto [y, m, d] : {std::tuple{2026, 2, 30},
                         {2023, 2, 29},
                         {2100, 2, 29},
                         {2026, 13, 1},
                         {2026, 0, 1},
                         {2026, 4, 31},
                         {2026, 1, 0}}) {
    auto r = make_date(y, m, d);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::InvalidDate);
  }
  CHECK_THAT(make_date(2026, 2, 30).error().message, Catch::Contains("2026-02-30"));
  CHECK(make_date(10000, 1, 1).error().code == ErrorCode::OutOfRange);
  CHECK(make_date(-1, 1, 1).error().code == ErrorCode::OutOfRange);
}

TEST_CASE("civil dates and weekdays", "[time]") {
  CHECK(weekday(day("1970-01-01")) == 3);  // Thursday
  CHECK(weekday(day("2026-11-27")) == 4);  // Friday
  CHECK(weekday(day("2024-02-29")) == 3);
  CHECK(weekday(day("2000-01-01")) == 5);  // Saturday
  CHECK(weekday(day("1969-12-31")) == 2);  // Wednesday, before the epoch
  CHECK(weekday(day("2026-11-29")) == 6);  // Sunday
  CivilDate c = civil(day("2024-02-29"));
  CHECK(c.year == 2024);
  CHECK(c.month == 2u);
  CHECK(c.day == 29u);
  // Every day of the supported years round-trips through text.
  for (Date d = make_date(1, 1, 1).value(); d <= make_date(9999, 12, 31).value(); d += 1) {
    std::string s = format_date(d);
    auto back = parse_date(s);
    if (!back.ok() || *back != d) FAIL("round trip of " << s);
  }
}

TEST_CASE("parse_date is strict", "[time]") {
  CHECK(day("2026-11-27") == make_date(2026, 11, 27).value());
  for (const char* bad : {"2026-1-27", "2026-11-27T00:00", "26-11-27", "2026/11/27", " 2026-11-27", "2026-11-27 ", "",
                          "2026-11-2x", "+2026-11-27"}) {
    INFO(bad);
    CHECK(parse_date(bad).error().code == ErrorCode::InvalidDate);
  }
  CHECK_THAT(parse_date("2026-02-30").error().message, Catch::Contains("2026-02-30"));
}

TEST_CASE("add_months clamps the day to the month's end", "[time]") {
  struct Row {
    const char* from;
    int64_t months;
    const char* to;
  };
  const Row rows[] = {
      {"2024-02-29", 12, "2025-02-28"},   {"2024-01-31", 1, "2024-02-29"},    {"2023-01-31", 1, "2023-02-28"},
      {"2024-03-31", -1, "2024-02-29"},   {"2024-12-15", 1, "2025-01-15"},    {"2025-01-15", -1, "2024-12-15"},
      {"2024-05-31", 1, "2024-06-30"},    {"2024-01-31", 13, "2025-02-28"},   {"2020-02-29", 48, "2024-02-29"},
      {"2024-02-29", -12, "2023-02-28"},  {"2026-08-31", 6, "2027-02-28"},    {"2026-11-27", 0, "2026-11-27"},
      {"2000-02-29", 1200, "2100-02-28"}, {"2000-02-29", 4800, "2400-02-29"}, {"2026-01-31", -13, "2024-12-31"},
  };
  for (const Row& r : rows) {
    INFO(r.from << " + " << r.months << " months");
    auto d = add_months(day(r.from), r.months);
    REQUIRE(d.ok());
    CHECK(format_date(*d) == r.to);
  }
  CHECK(add_months(day("9999-12-01"), 1).error().code == ErrorCode::OutOfRange);
  CHECK(add_months(day("0001-01-01"), -1).error().code == ErrorCode::OutOfRange);
  CHECK(add_months(day("2026-01-01"), INT64_MAX).error().code == ErrorCode::OutOfRange);
  CHECK(add_months(day("2026-01-01"), INT64_MIN).error().code == ErrorCode::OutOfRange);
  CHECK(format_date(add_days(day("2024-02-28"), 1).value()) == "2024-02-29");
  CHECK(add_days(day("9999-12-31"), 1).error().code == ErrorCode::OutOfRange);
  CHECK(add_days(day("2026-01-01"), INT64_MIN).error().code == ErrorCode::OutOfRange);
}

TEST_CASE("parse_datetime accepts RFC 3339", "[time]") {
  const Instant t = at("2026-11-27T21:00:00Z");
  CHECK(t == make_date(2026, 11, 27).value() * int64_t{86400} + 21 * 3600);
  CHECK(at("1970-01-01T00:00:00Z") == 0);
  CHECK(at("1969-12-31T23:59:59Z") == -1);
  const char* same[] = {"2026-11-27T16:00:00-05:00", "2026-11-27T21:00Z",         "2026-11-27t21:00:00z",
                        "2026-11-27T21:00:00.000Z",  "2026-11-27T22:00:00+01:00", "2026-11-27T21:00:00+00:00",
                        "2026-11-27T21:00:00-00:00", "2026-11-27T16:30:00-04:30", "2026-11-28T02:30:00+05:30"};
  for (const char* s : same) {
    INFO(s);
    CHECK(at(s) == t);
  }
  CHECK(at("2026-03-08T06:45:00Z") - at("2026-03-08T01:45:00-05:00") == 0);
}

TEST_CASE("parse_datetime rejects with a message quoting the text", "[time]") {
  const char* bad[] = {"2026-13-40",
                       "2026-13-40T00:00:00Z",
                       "2026-02-30T10:00:00Z",
                       "2026-11-27T16:00:00",
                       "2026-11-27 16:00:00Z",
                       "2026-11-27T24:00:00Z",
                       "2026-11-27T23:60:00Z",
                       "2026-11-27T16:00:00+5:00",
                       "2026-11-27T16:00:00+0500",
                       "2026-11-27T16:00:00+24:00",
                       "junk",
                       "",
                       "2026-11-27T16:00:00Zjunk",
                       "2026-11-27T16Z",
                       "2026-11-27T16:00:00.Z",
                       "2026-11-27",
                       "2026-11-27T16:00:00 Z"};
  for (const char* s : bad) {
    INFO(s);
    auto r = parse_datetime(s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::InvalidDate);
    CHECK_THAT(r.error().message, Catch::StartsWith(std::string("expected an RFC 3339 datetime, got \"") + s + "\""));
  }
  CHECK_THAT(parse_datetime("2026-02-30T10:00:00Z").error().message, Catch::Contains("2026-02-30 is not a date"));
  CHECK_THAT(parse_datetime("2026-11-27T16:00:00").error().message, Catch::Contains("offset"));
}

TEST_CASE("parse_datetime says what it does not support of RFC 3339", "[time]") {
  // Valid RFC 3339 that Proviso does not represent: not "expected an RFC 3339 datetime".
  CHECK(parse_datetime("2026-11-27T16:00:00.5Z").error().message ==
        "the datetime \"2026-11-27T16:00:00.5Z\" has fractional seconds, which are not supported: datetimes are whole "
        "seconds");
  CHECK(parse_datetime("2026-12-31T23:59:60Z").error().message ==
        "the datetime \"2026-12-31T23:59:60Z\" is a leap second, which is not supported: use :59 or the next minute");
  // The supported instants are those whose UTC date is in 0001..9999.
  CHECK(at("0001-01-01T00:00:00Z") == kFirstInstant);
  CHECK(at("9999-12-31T23:59:59Z") == kLastInstant);
  CHECK(at("0001-01-01T10:00:00+10:00") == kFirstInstant);
  auto late = parse_datetime("9999-12-31T23:59:59-14:00");
  CHECK(late.error().code == ErrorCode::OutOfRange);
  CHECK(late.error().message ==
        "the datetime \"9999-12-31T23:59:59-14:00\" (10000-01-01T13:59:59Z in UTC) is outside the "
        "supported years 0001..9999");
  CHECK(parse_datetime("0000-01-01T00:00:00+14:00").error().message ==
        "the datetime \"0000-01-01T00:00:00+14:00\" (-001-12-31T10:00:00Z in UTC) is outside the supported years "
        "0001..9999");
  CHECK(parse_datetime("0000-06-01T00:00:00Z").error().message ==
        "the datetime \"0000-06-01T00:00:00Z\" is outside the supported years 0001..9999");
  CHECK(parse_date("0000-01-01").error().code == ErrorCode::OutOfRange);
}

TEST_CASE("instants outside 0001..9999 are errors, and local years are checked for output", "[time]") {
  CHECK(add_seconds(at("9999-12-31T23:00:00Z"), 3600).error().message ==
        "the result 10000-01-01T00:00:00Z is outside the supported years 0001..9999");
  CHECK(add_seconds(at("9999-12-31T23:00:00Z"), 3599).value() == kLastInstant);
  CHECK(add_seconds(at("0001-01-01T00:30:00Z"), -3600).error().code == ErrorCode::OutOfRange);
  CHECK(checked_instant(kLastInstant + 1, "x").error().message ==
        "x 10000-01-01T00:00:00Z is outside the supported years 0001..9999");
  const Zone* kiritimati = test::zone("Pacific/Kiritimati");  // UTC+14
  CHECK(local_year_supported(at("9999-12-31T09:59:59Z"), *kiritimati));
  CHECK_FALSE(local_year_supported(at("9999-12-31T10:00:00Z"), *kiritimati));
  CHECK(local_year_supported(at("9999-12-31T10:00:00Z"), *utc_zone()));
  CHECK_FALSE(local_year_supported(at("0001-01-01T03:00:00Z"), *test::zone("America/New_York")));
}

TEST_CASE("checked instant arithmetic", "[time]") {
  CHECK(add_seconds(at("2026-11-27T21:00:00Z"), 3600).value() == at("2026-11-27T22:00:00Z"));
  CHECK(add_seconds(INT64_MAX - 5, 10).error().code == ErrorCode::OutOfRange);
  CHECK(add_seconds(0, INT64_MIN).error().code == ErrorCode::OutOfRange);
  // Far outside the range the message names no instant (its year would not fit), and
  // nothing overflows on the way (UBSan checks this one).
  CHECK(add_seconds(INT64_MIN + 10, -5).error().message == "the result is outside the supported years 0001..9999");
  CHECK(add_seconds(at("9999-12-31T23:59:59Z"), 1).error().message ==
        "the result 10000-01-01T00:00:00Z is outside the supported years 0001..9999");
  // The time of day of the most negative instant, computed without overflow (its year does
  // not fit CivilDate, so only the time is pinned).
  CHECK(format_datetime_utc(INT64_MIN).ends_with("T08:29:52Z"));
  CHECK(format_datetime_utc(at("2026-11-27T16:00:00-05:00")) == "2026-11-27T21:00:00Z");
  CHECK(utc_date(at("2026-11-27T23:59:59Z")) == day("2026-11-27"));
  CHECK(utc_date(-1) == -1);
  CHECK(utc_midnight(day("2026-11-27")) == at("2026-11-27T00:00:00Z"));
}

TEST_CASE("year_of_day agrees with civil_from_days on every day from 1500 to 2600", "[time]") {
  int64_t days = 0, edges = 0, mismatches = 0;
  for (int64_t z = detail::days_from_civil(1500, 1, 1); z <= detail::days_from_civil(2600, 12, 31); ++z, ++days) {
    bool edge = false;
    int year = detail::year_of_day(z, &edge);
    CivilDate c = detail::civil_from_days(z);
    bool want_edge = (c.month == 1 && c.day == 1) || (c.month == 12 && c.day == 31);
    edges += edge ? 1 : 0;
    if (year != c.year || edge != want_edge) {
      if (++mismatches <= 5) FAIL_CHECK("day " << z << ": year " << year << " vs " << c.year);
    }
  }
  CHECK(mismatches == 0);
  CHECK(edges == 2 * (2600 - 1500 + 1));  // the first and last day of every year
  CHECK(days > 400000);
}

TEST_CASE("write_date and write_datetime write format_date and format_datetime, or refuse", "[time]") {
  char buf[proviso::rt::kDateTimeChars];
  for (proviso::rt::Date d : {-719162, 0, 20422, 2932896}) {  // 0001-01-01, 1970-01-01, 2025-11-30, 9999-12-31
    CHECK(std::string(buf, proviso::rt::write_date(buf, d)) == proviso::rt::format_date(d));
  }
  auto kiritimati = proviso::rt::Zone::lookup("Pacific/Kiritimati");  // UTC+14
  REQUIRE(kiritimati);
  const proviso::rt::Zone& utc = *proviso::rt::utc_zone();
  auto last = proviso::rt::parse_datetime("9999-12-31T09:59:59Z");
  auto over = proviso::rt::parse_datetime("9999-12-31T10:00:00Z");  // 10000-01-01T00:00 at UTC+14
  REQUIRE(last);
  REQUIRE(over);
  for (proviso::rt::Instant t : {proviso::rt::Instant{0}, proviso::rt::Instant{1764547200}, *last}) {
    for (const proviso::rt::Zone* z : {&utc, &**kiritimati}) {
      char* end = proviso::rt::write_datetime(buf, t, *z);
      REQUIRE(end);
      CHECK(std::string(buf, end) == proviso::rt::format_datetime(t, *z));
    }
  }
  CHECK(std::string(buf, proviso::rt::write_datetime(buf, *last, **kiritimati)) == "9999-12-31T23:59:59+14:00");
  CHECK(proviso::rt::write_datetime(buf, *over, **kiritimati) == nullptr);
  CHECK_FALSE(proviso::rt::local_year_supported(*over, **kiritimati));
  CHECK(proviso::rt::write_datetime(buf, *over, utc) != nullptr);
}

namespace {

// A text of the form quick_parse_datetime reads, as parse_datetime reads it without that
// shortcut: the same instant with a zero fraction after the seconds (22 or 27 characters).
std::string with_fraction(const std::string& text) {
  std::string s = text;
  s.insert(19, ".0");
  return s;
}

// Texts near the quick forms: random fields, edge values (year 0000 and 9999, day 00 and 32,
// hour 24, second 60, offset 24:00) and, now and then, one or two bytes replaced.
std::string near_datetime(std::mt19937_64& rng) {
  auto pick = [&](int lo, int hi) { return static_cast<int>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  const int years[] = {0, 1, 2, 1969, 1970, 2024, 2100, 9998, 9999, pick(0, 9999)};
  std::string s = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", years[pick(0, 9)], pick(0, 13), pick(0, 32),
                              pick(0, 24), pick(0, 60), pick(0, 60));
  switch (pick(0, 3)) {
    case 0: s += "Z"; break;
    case 1: s += "z"; break;
    default: s += fmt::format("{}{:02}:{:02}", pick(0, 1) ? '+' : '-', pick(0, 24), pick(0, 60));
  }
  if (pick(0, 9) == 0) s[10] = 't';
  for (int k = pick(0, 5) < 2 ? pick(1, 2) : 0; k > 0; --k) {
    // Bytes next to the digits ('/', ':'), and bytes whose low seven bits are a digit's.
    const char bytes[] = "0123456789-:+TZ x/\x7f\x80\xb0\xb9\xba\xff;@";
    s[static_cast<size_t>(pick(0, static_cast<int>(s.size()) - 1))] = bytes[pick(0, sizeof bytes - 2)];
  }
  return s;
}

}  // namespace

TEST_CASE("quick_parse_datetime and quick_parse_date read as parse_datetime and parse_date do", "[time]") {
  std::mt19937_64 rng(20261205);
  size_t quick = 0, declined_valid = 0;
  for (int i = 0; i < 300000; ++i) {
    const std::string text = near_datetime(rng);
    INFO(text);
    auto full = parse_datetime(text);
    auto reference = parse_datetime(with_fraction(text));
    REQUIRE(full.ok() == reference.ok());
    if (full) CHECK(*full == *reference);
    Instant t = 0;
    if (quick_parse_datetime(text, &t)) {
      ++quick;
      REQUIRE(full.ok());
      CHECK(t == *full);
    } else if (full) {
      ++declined_valid;
      CHECK(text.substr(0, 4) == "0000");  // year 0, in range only by its offset: left to parse_datetime
    }
    // The date of the same text, against the datetime reading of that date at midnight UTC.
    const std::string date = text.substr(0, 10);
    auto d = parse_date(date);
    auto midnight = parse_datetime(date + "T00:00:00.0Z");
    REQUIRE(d.ok() == midnight.ok());
    Date q = 0;
    if (d) {
      CHECK(int64_t{*d} * kSecondsPerDay == *midnight);
      REQUIRE(quick_parse_date(date, &q));
      CHECK(q == *d);
    } else {
      CHECK_FALSE(quick_parse_date(date, &q));
    }
  }
  CHECK(quick > 50000);  // the generator reaches both sides
  CHECK(declined_valid > 0);
  for (const char* other : {"2026-01-02T03:04Z", "2026-01-02T03:04:05.000Z", "2026-01-02T03:04:05+0100",
                            "2026-01-02 03:04:05Z", "2026-01-02T03:04:60Z", "20260102"}) {
    Instant t = 0;
    CHECK_FALSE(quick_parse_datetime(other, &t));
  }
}

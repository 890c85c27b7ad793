// Calendars against a naive oracle that walks local days one by one: random starts over
// 2020-2035 and random durations, in zones with DST on either hemisphere.
#include <catch2/catch.hpp>

#include <random>

#include <proviso/rt/calendar.h>

#include "test_support.h"

using namespace proviso::rt;
using namespace proviso::rt::test;

namespace {

// The working ranges of local day d: none on a holiday; on a partial day, each weekly range
// clipped to each open range.
std::vector<TimeRange> naive_day(const Calendar& c, Date d) {
  if (c.holidays() && c.holidays()->is_holiday(d).value()) return {};
  const std::vector<TimeRange>& usual = c.weekly_hours().days[weekday(d)];
  if (!c.holidays()) return usual;
  std::vector<PartialDay> partial = c.holidays()->partial_days_in_year(civil(d).year).value();
  for (const PartialDay& p : partial) {
    if (p.date != d) continue;
    std::vector<TimeRange> out;
    for (const TimeRange& r : usual)
      for (const TimeRange& o : p.open)
        if (std::max(r.start, o.start) < std::min(r.end, o.end))
          out.push_back({std::max(r.start, o.start), std::min(r.end, o.end)});
    return out;
  }
  return usual;
}

// The specification, executed literally: working intervals day by day from t's local date.
Instant naive_add(const Calendar& c, Instant t, Duration w) {
  if (w == 0) return t;
  const Zone* z = c.zone();
  for (Date d = z->local_date(t) - 1;; ++d) {
    for (const TimeRange& r : naive_day(c, d)) {
      Instant s = std::max(z->to_instant(d, r.start), t), e = z->to_instant(d, r.end);
      if (e <= s) continue;
      if (w <= e - s) return s + w;
      w -= e - s;
    }
  }
}

Duration naive_between(const Calendar& c, Instant a, Instant b) {
  const Zone* z = c.zone();
  Duration sum = 0;
  for (Date d = z->local_date(a) - 1; d <= z->local_date(b) + 1; ++d) {
    for (const TimeRange& r : naive_day(c, d)) {
      Instant s = std::max(z->to_instant(d, r.start), a), e = std::min(z->to_instant(d, r.end), b);
      if (e > s) sum += e - s;
    }
  }
  return sum;
}

void check_against_oracle(const std::shared_ptr<const Calendar>& c, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const Instant lo = at("2020-01-01T00:00:00Z"), hi = at("2035-12-31T00:00:00Z");
  std::uniform_int_distribution<Instant> start(lo, hi);
  std::uniform_int_distribution<int> pick(0, 3);
  std::uniform_int_distribution<Duration> seconds(0, 200 * 3600);
  for (int i = 0; i < 1500; ++i) {
    Instant t = start(rng);
    // Mix exact hours (landing on openings and closings) with arbitrary seconds.
    if (pick(rng) == 0) t -= t % 1800;
    Duration w = seconds(rng);
    if (pick(rng) < 2) w -= w % 3600;
    auto got = c->add(t, w);
    REQUIRE(got.ok());
    Instant want = naive_add(*c, t, w);
    if (*got != want)
      FAIL(c->name() << ": " << format_datetime(t, *c->zone()) << " + " << w << " s gave "
                     << format_datetime(*got, *c->zone()) << ", oracle " << format_datetime(want, *c->zone()));
    auto back = c->working_between(t, *got);
    REQUIRE(back.ok());
    if (*back != w) FAIL(c->name() << ": working_between after add gave " << *back << " not " << w);
    Instant u = start(rng);
    auto between = c->working_between(std::min(t, u), std::max(t, u));
    REQUIRE(between.ok());
    if (std::max(t, u) - std::min(t, u) < 40 * 86400 && *between != naive_between(*c, std::min(t, u), std::max(t, u)))
      FAIL(c->name() << ": working_between disagrees with the oracle");
    auto next = c->next_opening(t);
    REQUIRE(next.ok());
    if (*next != naive_add(*c, t, 1) - 1 && c->is_open(t).value() != (*next == t))
      FAIL(c->name() << ": next_opening inconsistent");
  }
}

}  // namespace

TEST_CASE("calendar arithmetic agrees with the day-walking oracle", "[calendar][oracle]") {
  const Duration h = 3600;
  check_against_oracle(calendar("ny", weekdays({hm(8, 0, 17, 0)}), "America/New_York", us_federal(), 9 * h), 1);
  check_against_oracle(calendar("london", weekdays({hm(9, 0, 17, 0)}), "Europe/London", england_wales(), 8 * h), 2);
  check_against_oracle(calendar("sydney", weekdays({hm(6, 0, 18, 0)}, true), "Australia/Sydney", nullptr, 12 * h), 3);
  // Ranges that straddle the DST transitions themselves, and a split shift.
  WeeklyHours nights = weekdays({hm(0, 30, 3, 30), hm(22, 0, 24, 0)}, true);
  check_against_oracle(calendar("ny nights", nights, "America/New_York", us_federal(), 5 * h), 4);
  check_against_oracle(calendar("sydney nights", nights, "Australia/Sydney", nullptr, 5 * h), 5);
  check_against_oracle(calendar("london nights", nights, "Europe/London", england_wales(), 5 * h), 6);
}

TEST_CASE("partial days cut the working time as the oracle does", "[calendar][oracle]") {
  const Duration h = 3600;
  // Many partial days, so that random spans meet them: the 1st and 15th of every month, the
  // last Friday of each month with a split cut, a cut that ends the day early on top of a
  // weekly split shift, one that leaves nothing, and whole holidays on some of those dates.
  HolidaySetDef def = england_wales_def();
  def.name = "england_wales with partial days";
  for (int month = 1; month <= 12; ++month) {
    HolidayRule first = fixed(month, 1, Observance::None, "First");
    first.open = {hm(10, 0, 12, 30)};
    HolidayRule fifteenth = fixed(month, 15, Observance::None, "Fifteenth");
    fifteenth.open = {hm(0, 0, 9, 30), hm(16, 0, 24, 0)};
    HolidayRule friday = last(4, month, "Last Friday");
    friday.open = {hm(8, 0, 11, 0), hm(13, 0, 15, 30)};
    HolidayRule evening = relative(kThu, false, true, month, 20, "Thursday evening");
    evening.open = {hm(19, 0, 24, 0)};
    def.rules.insert(def.rules.end(), {first, fifteenth, friday, evening});
  }
  auto set = HolidaySet::make(def);
  REQUIRE(set.ok());
  check_against_oracle(calendar("london partial", weekdays({hm(9, 0, 17, 0)}), "Europe/London", *set, 8 * h), 7);
  WeeklyHours split = weekdays({hm(8, 0, 12, 0), hm(13, 0, 17, 0)});
  split.days[5] = {hm(10, 0, 14, 0)};
  check_against_oracle(calendar("ny partial", split, "America/New_York", *set, 8 * h), 8);
}

namespace {

// Working intervals of the base calendar over [a, a + 60 days), cut by the pauses: the
// specification of a paused calendar, executed literally.
std::vector<Pause> naive_paused_intervals(const Calendar& base, Instant a, const std::vector<Pause>& pauses) {
  const Zone* z = base.zone();
  std::vector<Pause> out;
  for (Date d = z->local_date(a) - 1; d <= z->local_date(a) + 60; ++d) {
    if (base.holidays() && base.holidays()->is_holiday(d).value()) continue;
    for (const TimeRange& r : base.weekly_hours().days[weekday(d)]) {
      std::vector<Pause> pieces = {{z->to_instant(d, r.start), z->to_instant(d, r.end)}};
      for (const Pause& p : pauses) {
        std::vector<Pause> next;
        for (const Pause& x : pieces) {
          if (p.until <= x.from || p.from >= x.until) {
            next.push_back(x);
            continue;
          }
          if (x.from < p.from) next.push_back({x.from, p.from});
          if (p.until < x.until) next.push_back({p.until, x.until});
        }
        pieces = std::move(next);
      }
      for (const Pause& x : pieces)
        if (x.until > x.from) out.push_back(x);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a paused calendar agrees with cutting the pauses out of the working intervals", "[calendar][oracle]") {
  const Duration h = 3600;
  auto base = calendar("london", weekdays({hm(9, 0, 17, 0)}), "Europe/London", england_wales(), 8 * h);
  std::mt19937_64 rng(11);
  const Instant lo = at("2024-01-01T00:00:00Z"), hi = at("2030-12-31T00:00:00Z");
  std::uniform_int_distribution<Instant> start(lo, hi);
  std::uniform_int_distribution<int> count(0, 5);
  std::uniform_int_distribution<Duration> offset(-3 * 86400, 20 * 86400), length(0, 4 * 86400), work(0, 60 * h);
  for (int i = 0; i < 600; ++i) {
    Instant t = start(rng);
    if (i % 3 == 0) t -= t % 3600;
    std::vector<Pause> pauses;
    for (int k = count(rng); k > 0; --k) {
      Instant from = t + offset(rng);
      if (k % 2) from -= from % 1800;
      pauses.push_back({from, from + length(rng)});
    }
    auto paused = Calendar::pausing(base, pauses);
    std::vector<Pause> intervals = naive_paused_intervals(*base, t, pauses);
    Duration w = work(rng);
    // The oracle's add: walk the cut intervals from t.
    Instant want = t;
    if (w > 0) {
      Duration left = w;
      for (const Pause& x : intervals) {
        Instant s = std::max(x.from, t);
        if (x.until <= s) continue;
        if (left <= x.until - s) {
          want = s + left;
          break;
        }
        left -= x.until - s;
      }
    }
    auto got = paused->add(t, w);
    REQUIRE(got.ok());
    if (*got != want)
      FAIL("case " << i << ": " << format_datetime(t, *base->zone()) << " + " << w << " s gave "
                   << format_datetime(*got, *base->zone()) << ", oracle " << format_datetime(want, *base->zone()));
    Instant u = t + work(rng) * 8;
    Duration between = 0;
    for (const Pause& x : intervals) between += std::max<Duration>(0, std::min(x.until, u) - std::max(x.from, t));
    auto measured = paused->working_between(t, u);
    REQUIRE(measured.ok());
    CHECK(*measured == between);
    bool open = false;
    for (const Pause& x : intervals) open = open || (x.from <= t && t < x.until);
    CHECK(paused->is_open(t).value() == open);
    Instant next = 0;
    for (const Pause& x : intervals)
      if (x.until > t) {
        next = std::max(x.from, t);
        break;
      }
    CHECK(paused->next_opening(t).value() == next);
  }
}

TEST_CASE("pauses are sorted, merged and emptied ones dropped", "[calendar]") {
  auto base = Calendar::always();
  Instant t = at("2026-03-02T00:00:00Z");
  auto c = Calendar::pausing(
      base, {{t + 50, t + 60}, {t + 10, t + 20}, {t + 15, t + 30}, {t + 40, t + 40}, {t + 30, t + 35}});
  CHECK(c->pauses() == std::vector<Pause>{{t + 10, t + 35}, {t + 50, t + 60}});
  CHECK_FALSE(c->is_always());
  CHECK(c->unpaused() == base.get());
  CHECK(c->add(t, 20).value() == t + 45);  // 10 s before the pause, 10 after it
  CHECK(c->add(t + 12, 0).value() == t + 12);
  CHECK(c->working_between(t, t + 100).value() == 100 - 25 - 10);
  // Pausing a paused calendar pauses the base with both sets.
  auto again = Calendar::pausing(c, {{t + 34, t + 45}});
  CHECK(again->unpaused() == base.get());
  CHECK(again->pauses() == std::vector<Pause>{{t + 10, t + 45}, {t + 50, t + 60}});
  CHECK(again->pauses_between(t + 40, t + 55) == std::vector<Pause>{{t + 40, t + 45}, {t + 50, t + 55}});
}

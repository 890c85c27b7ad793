// Runtime micro-benchmarks: calendar arithmetic on the year tables against a naive
// day-by-day walk over the same calendar and inputs, plus the interning cache and datetime I/O.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <vector>

#include <proviso/rt/calendar.h>
#include <proviso/rt/holidays.h>
#include <proviso/rt/time.h>

using namespace proviso::rt;

namespace {

constexpr Duration kHour = 3600;

HolidayRule rule(HolidayRule::Kind kind, int month, int day_or_nth, int weekday, int from, Observance o) {
  HolidayRule r;
  r.kind = kind;
  r.month = month;
  r.day = kind == HolidayRule::Kind::Fixed ? day_or_nth : 0;
  r.nth = kind == HolidayRule::Kind::NthWeekday ? day_or_nth : 0;
  r.weekday = weekday;
  r.from_year = from;
  r.observance = o;
  return r;
}

// shared/POLICIES.md: us_federal.
std::shared_ptr<const HolidaySet> us_federal() {
  using K = HolidayRule::Kind;
  const auto n = Observance::NearestWeekday, none = Observance::None;
  HolidaySetDef def;
  def.name = "us_federal";
  def.valid_from = 1971;
  def.valid_to = 2100;
  def.rules = {rule(K::Fixed, 1, 1, 0, INT_MIN, n),         rule(K::NthWeekday, 1, 3, 0, 1986, none),
               rule(K::NthWeekday, 2, 3, 0, INT_MIN, none), rule(K::LastWeekday, 5, 0, 0, INT_MIN, none),
               rule(K::Fixed, 6, 19, 0, 2021, n),           rule(K::Fixed, 7, 4, 0, INT_MIN, n),
               rule(K::NthWeekday, 9, 1, 0, INT_MIN, none), rule(K::NthWeekday, 10, 2, 0, INT_MIN, none),
               rule(K::Fixed, 11, 11, 0, 1978, n),          rule(K::NthWeekday, 11, 4, 3, INT_MIN, none),
               rule(K::Fixed, 12, 25, 0, INT_MIN, n)};
  return HolidaySet::make(def).value();
}

WeeklyHours standard_hours() {
  WeeklyHours w;
  for (int d = 0; d < 5; ++d) w.days[d] = {{8 * 3600, 17 * 3600}};
  return w;
}

const Calendar& ny_calendar() {
  static auto c = Calendar::make("standard_hours", standard_hours(), Zone::lookup("America/New_York").value(),
                                 us_federal(), 9 * kHour)
                      .value();
  return *c;
}

// Start instants spread over 2020-2035; the year tables are warmed before timing.
const std::vector<Instant>& starts() {
  static const std::vector<Instant> v = [] {
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<Instant> dist(parse_datetime("2020-01-01T00:00:00Z").value(),
                                                parse_datetime("2035-12-01T00:00:00Z").value());
    std::vector<Instant> out(4096);
    for (auto& t : out) t = dist(rng);
    for (Instant t : out) benchmark::DoNotOptimize(ny_calendar().add(t, 200 * kHour).value());
    return out;
  }();
  return v;
}

// The baseline: the specification walked literally, one local day at a time.
Instant naive_add(const Calendar& c, Instant t, Duration w) {
  if (w == 0) return t;
  const Zone* z = c.zone();
  for (Date d = z->local_date(t);; ++d) {
    if (c.holidays()->is_holiday(d).value()) continue;
    for (const TimeRange& r : c.weekly_hours().days[weekday(d)]) {
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
  for (Date d = z->local_date(a); d <= z->local_date(b); ++d) {
    if (c.holidays()->is_holiday(d).value()) continue;
    for (const TimeRange& r : c.weekly_hours().days[weekday(d)]) {
      Instant s = std::max(z->to_instant(d, r.start), a), e = std::min(z->to_instant(d, r.end), b);
      if (e > s) sum += e - s;
    }
  }
  return sum;
}

void add_bench(benchmark::State& state, Duration w, bool naive) {
  const auto& ts = starts();
  const Calendar& c = ny_calendar();
  std::size_t i = 0;
  for (auto _ : state) {
    Instant t = ts[i++ & (ts.size() - 1)];
    benchmark::DoNotOptimize(naive ? naive_add(c, t, w) : c.add(t, w).value());
  }
}

void BM_add_2_business_hours(benchmark::State& s) { add_bench(s, 2 * kHour, false); }
void BM_add_10_business_days(benchmark::State& s) { add_bench(s, 90 * kHour, false); }
void BM_naive_add_2_business_hours(benchmark::State& s) { add_bench(s, 2 * kHour, true); }
void BM_naive_add_10_business_days(benchmark::State& s) { add_bench(s, 90 * kHour, true); }

void between_bench(benchmark::State& state, bool naive) {
  const auto& ts = starts();
  const Calendar& c = ny_calendar();
  std::size_t i = 0;
  for (auto _ : state) {
    Instant a = ts[i & (ts.size() - 1)];
    Instant b = a + static_cast<Instant>((i * 7919) % (30 * 86400));  // up to 30 days later
    ++i;
    benchmark::DoNotOptimize(naive ? naive_between(c, a, b) : c.working_between(a, b).value());
  }
}

void BM_working_between(benchmark::State& s) { between_bench(s, false); }
void BM_naive_working_between(benchmark::State& s) { between_bench(s, true); }

void BM_calendar_cache_get(benchmark::State& state) {
  CalendarCache cache;
  auto holidays = us_federal();
  const Zone* ny = Zone::lookup("America/New_York").value();
  WeeklyHours hours = standard_hours();
  for (auto _ : state) benchmark::DoNotOptimize(cache.get("standard_hours", hours, ny, holidays, 9 * kHour).value());
}

void BM_format_datetime(benchmark::State& state) {
  const auto& ts = starts();
  const Zone* ny = Zone::lookup("America/New_York").value();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(format_datetime(ts[i++ & (ts.size() - 1)], *ny));
}

void BM_parse_datetime(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parse_datetime("2026-11-27T16:00:00-05:00").value());
}

}  // namespace

BENCHMARK(BM_add_2_business_hours);
BENCHMARK(BM_naive_add_2_business_hours);
BENCHMARK(BM_add_10_business_days);
BENCHMARK(BM_naive_add_10_business_days);
BENCHMARK(BM_working_between);
BENCHMARK(BM_naive_working_between);
BENCHMARK(BM_calendar_cache_get);
BENCHMARK(BM_format_datetime);
BENCHMARK(BM_parse_datetime);

BENCHMARK_MAIN();

// Calendar: working time as sorted absolute intervals per local year with prefix sums, so
// that adding and measuring working time are binary searches, never day-by-day walks.
#include <proviso/rt/calendar.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "civil.h"

namespace proviso::rt {

namespace {

// Years after which a search without holidays gives up (with holidays: their valid range).
constexpr int kSearchYears = 200;
// Spans that working_between and holidays_between accept.
constexpr int kMaxSpanYears = 400;

struct Interval {
  Instant start;
  Instant end;
  Duration before;  // working time of the year before this interval
  Duration through() const { return before + (end - start); }
};

std::string describe_duration(Duration d) {
  Duration h = d / 3600, m = d / 60 % 60, s = d % 60;
  std::string out;
  if (h) out += fmt::format("{} h", h);
  if (m) out += fmt::format("{}{} min", out.empty() ? "" : " ", m);
  if (s || out.empty()) out += fmt::format("{}{} s", out.empty() ? "" : " ", s);
  return out;
}

}  // namespace

struct Calendar::YearTable {
  std::vector<Interval> intervals;  // sorted, disjoint, non-empty
  Duration total = 0;
  // by_day[k]: the first interval ending after base + k days (UTC), so that finding the
  // interval of an instant is one lookup and a short scan, not a binary search.
  Instant base = 0;
  std::vector<uint32_t> by_day;

  void index() {
    if (intervals.empty()) return;
    base = detail::floor_div(intervals.front().start, kSecondsPerDay) * kSecondsPerDay;
    std::size_t days = static_cast<std::size_t>((intervals.back().end - base) / kSecondsPerDay) + 2;
    by_day.resize(days);
    std::size_t i = 0;
    for (std::size_t k = 0; k < days; ++k) {
      Instant day_start = base + static_cast<Instant>(k) * kSecondsPerDay;
      while (i < intervals.size() && intervals[i].end <= day_start) ++i;
      by_day[k] = static_cast<uint32_t>(i);
    }
  }

  // The first interval that ends after t.
  std::vector<Interval>::const_iterator first_ending_after(Instant t) const {
    if (intervals.empty() || t < base) return intervals.begin();
    auto k = static_cast<std::size_t>((t - base) / kSecondsPerDay);
    if (k >= by_day.size()) return intervals.end();
    std::size_t i = by_day[k];
    while (i < intervals.size() && intervals[i].end <= t) ++i;
    return intervals.begin() + static_cast<std::ptrdiff_t>(i);
  }
  // The first interval at or after `from` through which the year's working time reaches
  // `target` (galloping: the answer is usually a few intervals away).
  std::vector<Interval>::const_iterator reaching(std::vector<Interval>::const_iterator from, Duration target) const {
    auto first = from, last = intervals.end(), probe = from;
    std::ptrdiff_t step = 1;
    while (probe != last && probe->through() < target) {
      first = probe + 1;
      probe = first + std::min(step, last - first);
      step *= 2;
    }
    return std::lower_bound(first, probe, target, [](const Interval& iv, Duration v) { return iv.through() < v; });
  }
  // Working time of the year before t.
  Duration position(Instant t) const {
    auto it = first_ending_after(t);
    if (it == intervals.end()) return total;
    return it->before + std::clamp<Duration>(t - it->start, 0, it->end - it->start);
  }
};

struct Calendar::Tables {
  // Lock-free reads for the years that matter in practice; others go through the map.
  static constexpr int kFastFirst = 1900;
  static constexpr int kFastCount = 400;
  std::array<std::atomic<const YearTable*>, kFastCount> fast{};
  std::mutex mu;
  std::map<int, std::unique_ptr<const YearTable>> owned;
  std::atomic<size_t> bytes{0};  // of the tables in `owned`
};

Calendar::~Calendar() = default;

size_t Calendar::memory_bytes() const {
  size_t own = sizeof(Calendar) + name_.capacity();
  for (const auto& day : hours_.days) own += day.capacity() * sizeof(TimeRange);
  if (tables_) own += sizeof(Tables) + tables_->bytes.load(std::memory_order_relaxed);
  if (base_) return own + pauses_.capacity() * sizeof(Pause) + base_->memory_bytes();
  return own + (holidays_ ? holidays_->memory_bytes() : 0);
}

Expected<std::shared_ptr<const Calendar>> Calendar::make(std::string name, WeeklyHours hours, const Zone* zone,
                                                         std::shared_ptr<const HolidaySet> holidays,
                                                         Duration business_day) {
  static constexpr const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  if (zone == nullptr) return make_error(ErrorCode::InvalidValue, fmt::format("calendar `{}` has no zone", name));
  if (business_day <= 0)
    return make_error(ErrorCode::InvalidValue,
                      fmt::format("calendar `{}`: the business day must be longer than zero", name));
  bool any = false;
  for (int d = 0; d < 7; ++d) {
    const auto& ranges = hours.days[d];
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      const TimeRange& r = ranges[i];
      if (r.start < 0 || r.end > kSecondsPerDay || r.start >= r.end)
        return make_error(ErrorCode::InvalidValue, fmt::format("calendar `{}`: {} range {} must satisfy "
                                                               "00:00 <= start < end <= 24:00",
                                                               name, kDays[d], i + 1));
      if (i > 0 && ranges[i - 1].end > r.start)
        return make_error(ErrorCode::InvalidValue,
                          fmt::format("calendar `{}`: {} ranges {} and {} overlap or are out of "
                                      "order",
                                      name, kDays[d], i, i + 1));
      any = true;
    }
  }
  if (!any)
    return make_error(ErrorCode::NoWorkingTime, fmt::format("calendar `{}` has no working hours in the week", name));
  std::shared_ptr<Calendar> c(new Calendar());
  c->name_ = std::move(name);
  c->hours_ = std::move(hours);
  c->zone_ = zone;
  c->holidays_ = std::move(holidays);
  c->business_day_ = business_day;
  c->tables_ = std::make_unique<Tables>();
  return std::shared_ptr<const Calendar>(std::move(c));
}

std::shared_ptr<const Calendar> Calendar::always() {
  static const std::shared_ptr<const Calendar> c = [] {
    std::shared_ptr<Calendar> a(new Calendar());
    a->name_ = "24x7";
    for (auto& day : a->hours_.days) day.push_back({0, kSecondsPerDay});
    a->zone_ = utc_zone();
    a->business_day_ = kSecondsPerDay;
    a->always_ = true;
    return std::shared_ptr<const Calendar>(std::move(a));
  }();
  return c;
}

std::shared_ptr<const Calendar> Calendar::pausing(std::shared_ptr<const Calendar> base, std::vector<Pause> pauses) {
  // A paused calendar's questions go to its base with the pauses applied; pausing a paused
  // calendar adds its pauses to the base's.
  if (base->base_) {
    pauses.insert(pauses.end(), base->pauses_.begin(), base->pauses_.end());
    base = base->base_;
  }
  std::erase_if(pauses, [](const Pause& p) { return p.until <= p.from; });
  std::sort(pauses.begin(), pauses.end(), [](const Pause& x, const Pause& y) { return x.from < y.from; });
  std::vector<Pause> merged;
  for (const Pause& p : pauses) {
    if (!merged.empty() && p.from <= merged.back().until)
      merged.back().until = std::max(merged.back().until, p.until);
    else
      merged.push_back(p);
  }
  std::shared_ptr<Calendar> c(new Calendar());
  c->name_ = base->name_;
  c->hours_ = base->hours_;
  c->zone_ = base->zone_;
  c->holidays_ = base->holidays_;
  c->business_day_ = base->business_day_;
  c->base_ = std::move(base);
  c->pauses_ = std::move(merged);
  return std::shared_ptr<const Calendar>(std::move(c));
}

std::vector<Pause> Calendar::pauses_between(Instant a, Instant b) const {
  std::vector<Pause> out;
  for (const Pause& p : pauses_)
    if (p.from < b && p.until > a) out.push_back({std::max(p.from, a), std::min(p.until, b)});
  return out;
}

int Calendar::local_year(Instant t) const {
  // Zone offsets stay within a day, so only the UTC dates next to a new year are ambiguous.
  bool edge = false;
  int year = detail::year_of_day(detail::floor_div(t, kSecondsPerDay), &edge);
  if (edge) return civil(zone_->local_date(t)).year;
  return year;
}

int Calendar::search_limit(int from_year) const {
  int limit = holidays_ ? holidays_->valid_to() : from_year + kSearchYears;
  return std::min(limit, kMaxYear);
}

Error Calendar::search_exhausted(Instant t, Duration working, int limit) const {
  std::string why = holidays_ ? fmt::format("the last year of holiday set `{}`", holidays_->name())
                              : fmt::format("the search limit of {} years", kSearchYears);
  std::string what = working > 0 ? fmt::format("cannot provide {} of working time", describe_duration(working))
                                 : std::string("has no opening");
  return make_error(ErrorCode::OutOfRange, fmt::format("calendar `{}` {} after {} before the end of {} ({})", name_,
                                                       what, format_datetime(t, *zone_), limit, why));
}

Expected<const Calendar::YearTable*> Calendar::year_table(int year) const {
  int slot = year - Tables::kFastFirst;
  bool fast = slot >= 0 && slot < Tables::kFastCount;
  if (fast) {
    if (const YearTable* t = tables_->fast[slot].load(std::memory_order_acquire)) return t;
  }
  return build_year_table(year);
}

Expected<const Calendar::YearTable*> Calendar::build_year_table(int year) const {
  if (year < kMinYear || year > kMaxYear)
    return make_error(ErrorCode::OutOfRange, fmt::format("calendar `{}`: year {} is outside the supported years "
                                                         "{:04}..{}",
                                                         name_, year, kMinYear, kMaxYear));
  std::lock_guard lock(tables_->mu);
  if (auto it = tables_->owned.find(year); it != tables_->owned.end()) return it->second.get();
  std::vector<Date> holidays;
  std::vector<PartialDay> partial;
  if (holidays_) {
    auto h = holidays_->dates_in_year(year);
    if (!h) return h.take_error();
    holidays = std::move(*h);
    auto p = holidays_->partial_days_in_year(year);
    if (!p) return p.take_error();
    partial = std::move(*p);
  }
  auto table = std::make_unique<YearTable>();
  Date first = static_cast<Date>(detail::days_from_civil(year, 1, 1));
  Date end = static_cast<Date>(detail::days_from_civil(year + 1, 1, 1));
  std::size_t h = 0, pd = 0;
  Duration total = 0;
  std::vector<TimeRange> cut;
  for (Date d = first; d < end; ++d) {
    while (h < holidays.size() && holidays[h] < d) ++h;
    if (h < holidays.size() && holidays[h] == d) continue;
    const std::vector<TimeRange>* ranges = &hours_.days[weekday(d)];
    while (pd < partial.size() && partial[pd].date < d) ++pd;
    if (pd < partial.size() && partial[pd].date == d) {
      cut = common_ranges(*ranges, partial[pd].open);
      ranges = &cut;
    }
    for (const TimeRange& r : *ranges) {
      // INVARIANT: to_instant is non-decreasing in wall-clock time, so intervals stay sorted
      // and disjoint; a range swallowed by a DST gap comes out empty and is dropped.
      Instant s = zone_->to_instant(d, r.start), e = zone_->to_instant(d, r.end);
      if (e <= s) continue;
      table->intervals.push_back({s, e, total});
      total += e - s;
    }
  }
  table->total = total;
  table->index();
  const YearTable* p = table.get();
  tables_->bytes.fetch_add(
      sizeof(YearTable) + 64 + p->intervals.capacity() * sizeof(Interval) + p->by_day.capacity() * sizeof(uint32_t),
      std::memory_order_relaxed);
  tables_->owned.emplace(year, std::move(table));
  int slot = year - Tables::kFastFirst;
  if (slot >= 0 && slot < Tables::kFastCount) tables_->fast[slot].store(p, std::memory_order_release);
  return p;
}

Expected<Instant> Calendar::add(Instant t, Duration working) const {
  if (working < 0)
    return make_error(ErrorCode::InvalidValue, fmt::format("cannot add a negative working time to a datetime"));
  if (base_) {
    // Add in the base up to each pause that comes first; the clock resumes at its end.
    if (working == 0) return t;
    Instant from = t;
    Duration remaining = working;
    for (const Pause& p : pauses_) {
      if (p.until <= from) continue;
      if (p.from > from) {
        auto end = base_->add(from, remaining);
        if (!end || *end <= p.from) return end;
        // INVARIANT: less than `remaining` lies before the pause, since `end` is the earliest
        // instant that reaches it.
        auto before = base_->working_between(from, p.from);
        if (!before) return before.take_error();
        remaining -= *before;
      }
      from = p.until;
    }
    return base_->add(from, remaining);
  }
  if (always_) return add_seconds(t, working);
  if (working == 0) return t;
  int year = local_year(t);
  int limit = search_limit(year);
  Duration remaining = working;
  Instant from = t;
  // The first year is always looked up, so a start outside the holidays' range reports that.
  for (int first = year; year <= limit || year == first; ++year, from = INT64_MIN) {
    auto table = year_table(year);
    if (!table) return table.take_error();
    const YearTable& y = **table;
    auto it = y.first_ending_after(from);
    if (it == y.intervals.end()) continue;
    Instant s = std::max(from, it->start);
    // Local years run past the supported UTC range in zones east of UTC: results are checked.
    if (remaining <= it->end - s) return checked_instant(s + remaining, "the result");
    // The year's working time at which the result lies.
    Duration target = it->through() + (remaining - (it->end - s));
    if (target <= y.total) {
      auto j = y.reaching(it + 1, target);
      return checked_instant(j->start + (target - j->before), "the result");
    }
    remaining = target - y.total;
  }
  return search_exhausted(t, working, limit);
}

Expected<Duration> Calendar::business_length(int64_t days, int64_t seconds) const {
  int64_t days_secs = 0, total = 0;
  if (__builtin_mul_overflow(days, business_day_, &days_secs) || __builtin_add_overflow(days_secs, seconds, &total))
    return make_error(ErrorCode::Overflow, "this working time overflows");
  return total;
}

Expected<Instant> Calendar::add_business(Instant t, int64_t days, int64_t seconds) const {
  auto total = business_length(days, seconds);
  if (!total) return total.take_error();
  if (*total < 0) return make_error(ErrorCode::InvalidValue, "working time cannot be negative");
  return add(t, *total);
}

Expected<Duration> Calendar::working_between(Instant a, Instant b) const {
  if (b <= a) return Duration{0};
  if (base_) {
    auto all = base_->working_between(a, b);
    if (!all) return all;
    Duration sum = *all;
    for (const Pause& p : pauses_between(a, b)) {
      auto paused = base_->working_between(p.from, p.until);
      if (!paused) return paused;
      sum -= *paused;
    }
    return sum;
  }
  if (always_) return b - a;
  int ya = local_year(a), yb = local_year(b);
  if (yb - ya > kMaxSpanYears)
    return make_error(ErrorCode::OutOfRange,
                      fmt::format("working time over more than {} years is not supported", kMaxSpanYears));
  Duration sum = 0;
  for (int year = ya; year <= yb; ++year) {
    auto table = year_table(year);
    if (!table) return table.take_error();
    const YearTable& y = **table;
    Duration lo = year == ya ? y.position(a) : 0;
    Duration hi = year == yb ? y.position(b) : y.total;
    sum += hi - lo;
  }
  return sum;
}

Expected<bool> Calendar::is_open(Instant t) const {
  if (base_) {
    for (const Pause& p : pauses_)
      if (p.from <= t && t < p.until) return false;
    return base_->is_open(t);
  }
  if (always_) return true;
  auto table = year_table(local_year(t));
  if (!table) return table.take_error();
  auto it = (*table)->first_ending_after(t);
  return it != (*table)->intervals.end() && it->start <= t;
}

Expected<Instant> Calendar::next_opening(Instant t) const {
  if (base_) {
    // The base's next opening, unless a pause covers it: then look again from its end.
    auto it = pauses_.begin();
    for (;;) {
      auto open = base_->next_opening(t);
      if (!open) return open;
      while (it != pauses_.end() && it->until <= *open) ++it;
      if (it == pauses_.end() || it->from > *open) return open;
      t = it->until;
    }
  }
  if (always_) return t;
  int year = local_year(t);
  int limit = search_limit(year);
  for (Instant from = t, first = year; year <= limit || year == first; ++year, from = INT64_MIN) {
    auto table = year_table(year);
    if (!table) return table.take_error();
    auto it = (*table)->first_ending_after(from);
    if (it != (*table)->intervals.end()) return checked_instant(std::max(from, it->start), "the next opening");
  }
  return search_exhausted(t, 0, limit);
}

Expected<std::vector<Date>> Calendar::holidays_between(Instant a, Instant b) const {
  if (base_) return base_->holidays_between(a, b);
  std::vector<Date> out;
  if (always_ || !holidays_ || b < a) return out;
  Date da = zone_->local_date(a), db = zone_->local_date(b);
  int ya = civil(da).year, yb = civil(db).year;
  if (yb - ya > kMaxSpanYears)
    return make_error(ErrorCode::OutOfRange,
                      fmt::format("holidays over more than {} years are not listed", kMaxSpanYears));
  for (int year = ya; year <= yb; ++year) {
    auto dates = holidays_->dates_in_year(year);
    if (!dates) return dates.take_error();
    for (Date d : *dates)
      if (d >= da && d <= db && !hours_.days[weekday(d)].empty()) out.push_back(d);
  }
  return out;
}

Expected<std::vector<PartialDay>> Calendar::partial_days_between(Instant a, Instant b) const {
  if (base_) return base_->partial_days_between(a, b);
  std::vector<PartialDay> out;
  if (always_ || !holidays_ || b < a) return out;
  Date da = zone_->local_date(a), db = zone_->local_date(b);
  int ya = civil(da).year, yb = civil(db).year;
  if (yb - ya > kMaxSpanYears)
    return make_error(ErrorCode::OutOfRange,
                      fmt::format("partial days over more than {} years are not listed", kMaxSpanYears));
  for (int year = ya; year <= yb; ++year) {
    auto days = holidays_->partial_days_in_year(year);
    if (!days) return days.take_error();
    for (const PartialDay& p : *days) {
      if (p.date < da || p.date > db) continue;
      const std::vector<TimeRange>& usual = hours_.days[weekday(p.date)];
      std::vector<TimeRange> left = common_ranges(usual, p.open);
      if (left != usual) out.push_back({p.date, std::move(left)});
    }
  }
  return out;
}

}  // namespace proviso::rt

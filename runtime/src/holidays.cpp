// Holiday sets: rule evaluation with weekend observance and substitution, one-off changes,
// unions, and a per-year cache of the observed dates.
#include <proviso/rt/holidays.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "civil.h"

namespace proviso::rt {

using detail::days_from_civil;

std::vector<TimeRange> common_ranges(const std::vector<TimeRange>& a, const std::vector<TimeRange>& b) {
  std::vector<TimeRange> out;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    int32_t lo = std::max(a[i].start, b[j].start), hi = std::min(a[i].end, b[j].end);
    if (lo < hi) out.push_back({lo, hi});
    (a[i].end < b[j].end ? i : j)++;
  }
  return out;
}

std::string format_ranges(const std::vector<TimeRange>& ranges) {
  std::string out;
  for (const TimeRange& r : ranges)
    out += fmt::format("{}{:02}:{:02}-{:02}:{:02}", out.empty() ? "" : ", ", r.start / 3600, r.start / 60 % 60,
                       r.end / 3600, r.end / 60 % 60);
  return out;
}

Date easter_sunday(int year) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return static_cast<Date>(days_from_civil(year, month, day));
}

namespace {

struct Named {
  Date date;
  std::string_view name;
  const std::vector<TimeRange>* open = nullptr;  // a partial day's hours; null: a whole day
};

struct YearData {
  std::vector<Date> dates;                          // sorted, distinct
  std::vector<PartialDay> partial;                  // sorted, distinct, none in `dates`
  std::vector<std::pair<Date, std::string>> names;  // sorted by date, first name wins
};

bool is_weekend(Date d) { return weekday(d) >= 5; }

// Adds a partial day to `partial` (sorted by date), intersecting with one already there.
void add_partial(std::vector<PartialDay>& partial, Date d, const std::vector<TimeRange>& open) {
  auto it = std::lower_bound(partial.begin(), partial.end(), d, [](const PartialDay& p, Date x) { return p.date < x; });
  if (it != partial.end() && it->date == d)
    it->open = common_ranges(it->open, open);
  else
    partial.insert(it, PartialDay{d, open});
}

std::string ranges_key(const std::vector<TimeRange>& ranges) {
  std::string s;
  for (const TimeRange& r : ranges) s += fmt::format("{}-{},", r.start, r.end);
  return s;
}

// The nominal (unobserved) date of a rule in `year`, if the rule yields one.
std::optional<Date> nominal(const HolidayRule& r, int year) {
  if (year < r.from_year || year > r.until_year) return std::nullopt;
  switch (r.kind) {
    case HolidayRule::Kind::Fixed:
      if (r.day > days_in_month(year, r.month)) return std::nullopt;  // 29 Feb
      return static_cast<Date>(days_from_civil(year, r.month, r.day));
    case HolidayRule::Kind::NthWeekday: {
      Date first = static_cast<Date>(days_from_civil(year, r.month, 1));
      Date d = first + (r.weekday - weekday(first) + 7) % 7 + (r.nth - 1) * 7;
      if (d >= first + days_in_month(year, r.month)) return std::nullopt;
      return d;
    }
    case HolidayRule::Kind::LastWeekday: {
      Date last = static_cast<Date>(days_from_civil(year, r.month, days_in_month(year, r.month)));
      return last - (weekday(last) - r.weekday + 7) % 7;
    }
    case HolidayRule::Kind::WeekdayBefore:
    case HolidayRule::Kind::WeekdayAfter: {
      if (r.day > days_in_month(year, r.month)) return std::nullopt;  // 29 Feb
      Date anchor = static_cast<Date>(days_from_civil(year, r.month, r.day));
      bool before = r.kind == HolidayRule::Kind::WeekdayBefore;
      // Days from the anchor back to (forward to) the weekday: 0..6, or 7 when strict.
      int gap = before ? (weekday(anchor) - r.weekday + 7) % 7 : (r.weekday - weekday(anchor) + 7) % 7;
      if (gap == 0 && !r.inclusive) gap = 7;
      return before ? anchor - gap : anchor + gap;
    }
    case HolidayRule::Kind::Easter: return easter_sunday(year) + r.easter_offset;
  }
  return std::nullopt;
}

std::string rule_key(const HolidayRule& r) {
  return fmt::format("{}:{}:{}:{}:{}:{}:{}:{}:{}:{}:{}:{}", static_cast<int>(r.kind), r.month, r.day, r.nth, r.weekday,
                     r.inclusive, r.easter_offset, static_cast<int>(r.observance), r.from_year, r.until_year,
                     ranges_key(r.open), r.name);
}

// Why ranges of a partial day are not sorted, disjoint ranges of one day, if they are not.
std::optional<std::string> ranges_problem(const std::vector<TimeRange>& ranges) {
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const TimeRange& r = ranges[i];
    if (r.start < 0 || r.end > kSecondsPerDay || r.start >= r.end)
      return fmt::format("open range {} must satisfy 00:00 <= start < end <= 24:00", i + 1);
    if (i > 0 && ranges[i - 1].end > r.start)
      return fmt::format("open ranges {} and {} overlap or are out of order", i, i + 1);
  }
  return std::nullopt;
}

std::string dates_key(const std::vector<Date>& dates) {
  std::string s;
  for (Date d : dates) s += fmt::format("{},", d);
  return s;
}

}  // namespace

struct HolidaySet::Impl {
  std::string name;
  std::string key;
  int valid_from = kMinYear, valid_to = kMaxYear;
  // A rule-based set ...
  HolidaySetDef def;
  // ... or a union.
  bool composite = false;
  std::vector<std::shared_ptr<const HolidaySet>> parts;
  std::vector<Date> extra_added, extra_removed;  // sorted

  mutable std::mutex mu;
  mutable std::map<int, std::shared_ptr<const YearData>> cache;
  mutable std::atomic<size_t> cache_bytes{0};  // of `cache`, for memory_bytes()

  Error out_of_range(int year) const {
    return make_error(ErrorCode::OutOfRange, fmt::format("holiday set `{}` is defined for {} to {}, not {}", name,
                                                         valid_from, valid_to, year));
  }

  YearData compute_rules(int year) const;
  Expected<YearData> compute_union(int year) const;
  Expected<std::shared_ptr<const YearData>> year_data(int year) const;
};

YearData HolidaySet::Impl::compute_rules(int year) const {
  // Observed dates may cross a year end, so the neighbouring years' rules are evaluated too.
  std::vector<Named> placed;
  auto taken = [&](Date d) {
    return std::any_of(placed.begin(), placed.end(), [&](const Named& n) { return n.date == d && !n.open; });
  };
  auto substituted = [](const HolidayRule& r, Date d) {
    return (r.observance == Observance::SubstituteNextWeekday && is_weekend(d)) ||
           (r.observance == Observance::SubstituteSunday && weekday(d) == 6);
  };
  // First every holiday that needs no substitute ...
  for (int y = year - 1; y <= year + 1; ++y) {
    for (const HolidayRule& r : def.rules) {
      auto d = nominal(r, y);
      if (!d) continue;
      if (r.observance == Observance::NearestWeekday) {
        if (weekday(*d) == 5)
          *d -= 1;
        else if (weekday(*d) == 6)
          *d += 1;
      } else if (substituted(r, *d)) {
        continue;
      }
      placed.push_back({*d, r.name, r.open.empty() ? nullptr : &r.open});
    }
  }
  // ... then the substitutes, in rule order, onto the next weekday still free.
  for (int y = year - 1; y <= year + 1; ++y) {
    for (const HolidayRule& r : def.rules) {
      auto d = nominal(r, y);
      if (!d || !substituted(r, *d)) continue;
      Date s = *d + 1;
      while (is_weekend(s) || taken(s)) ++s;
      placed.push_back({s, r.name});
    }
  }
  auto in_list = [](const std::vector<Date>& v, Date d) { return std::find(v.begin(), v.end(), d) != v.end(); };
  auto one_off_name = [&](Date d) -> std::string_view {
    for (const auto& [date, name] : def.names)
      if (date == d) return name;
    return {};
  };
  std::vector<Named> kept;
  for (const Named& n : placed) {
    bool moved_away = std::any_of(def.moved.begin(), def.moved.end(), [&](const auto& m) { return m.first == n.date; });
    if (!in_list(def.removed, n.date) && !moved_away) kept.push_back(n);
  }
  for (const auto& [from, to] : def.moved) {
    // A moved day keeps its name, and its hours when it was only a partial day.
    Named moved{to, one_off_name(to), nullptr};
    bool whole = false, any = false;
    for (const Named& n : placed) {
      if (n.date != from) continue;
      if (moved.name.empty()) moved.name = n.name;
      if (!n.open) whole = true;
      if (!any && n.open) moved.open = n.open;
      any = true;
    }
    if (whole) moved.open = nullptr;
    kept.push_back(moved);
  }
  for (Date d : def.added) kept.push_back({d, one_off_name(d)});
  for (const PartialDay& p : def.added_partial) kept.push_back({p.date, one_off_name(p.date), &p.open});

  Date first = static_cast<Date>(days_from_civil(year, 1, 1));
  Date last = static_cast<Date>(days_from_civil(year, 12, 31));
  std::stable_sort(kept.begin(), kept.end(), [](auto& a, auto& b) { return a.date < b.date; });
  YearData out;
  for (const Named& n : kept) {
    if (n.date < first || n.date > last) continue;
    if (!out.names.empty() && out.names.back().first == n.date) {
      // A later rule on the same day keeps the first name, unless the first had none.
      if (out.names.back().second.empty()) out.names.back().second = std::string(n.name);
    } else {
      out.names.emplace_back(n.date, std::string(n.name));
    }
    if (!n.open) {
      if (out.dates.empty() || out.dates.back() != n.date) out.dates.push_back(n.date);
    } else {
      add_partial(out.partial, n.date, *n.open);
    }
  }
  // A whole holiday wins over a partial day on the same date.
  std::erase_if(out.partial,
                [&](const PartialDay& p) { return std::binary_search(out.dates.begin(), out.dates.end(), p.date); });
  return out;
}

Expected<YearData> HolidaySet::Impl::compute_union(int year) const {
  std::map<Date, std::string> merged;  // every holiday and partial day, with its first name
  std::set<Date> whole;
  std::vector<PartialDay> partial;
  for (const auto& part : parts) {
    auto data = part->impl_->year_data(year);
    if (!data) return data.take_error();
    for (const auto& [d, name] : (*data)->names) merged.emplace(d, name);
    whole.insert((*data)->dates.begin(), (*data)->dates.end());
    for (const PartialDay& p : (*data)->partial) add_partial(partial, p.date, p.open);
  }
  for (Date d : extra_added)
    if (civil(d).year == year) {
      merged.emplace(d, std::string());
      whole.insert(d);
    }
  for (Date d : extra_removed) {
    merged.erase(d);
    whole.erase(d);
  }
  YearData out;
  out.dates.assign(whole.begin(), whole.end());
  for (PartialDay& p : partial)
    if (merged.contains(p.date) && !whole.contains(p.date)) out.partial.push_back(std::move(p));
  for (auto& [d, name] : merged) out.names.emplace_back(d, std::move(name));
  return out;
}

Expected<std::shared_ptr<const YearData>> HolidaySet::Impl::year_data(int year) const {
  if (year < valid_from || year > valid_to) return out_of_range(year);
  {
    std::lock_guard lock(mu);
    if (auto it = cache.find(year); it != cache.end()) return it->second;
  }
  // Computed outside the lock: a union asks its parts, which take their own locks.
  std::shared_ptr<const YearData> data;
  if (composite) {
    auto u = compute_union(year);
    if (!u) return u.take_error();
    data = std::make_shared<const YearData>(std::move(*u));
  } else {
    data = std::make_shared<const YearData>(compute_rules(year));
  }
  std::lock_guard lock(mu);
  auto [it, inserted] = cache.emplace(year, std::move(data));
  if (inserted) {
    size_t bytes = sizeof(YearData) + 64 + it->second->dates.capacity() * sizeof(Date) +
                   it->second->names.capacity() * sizeof(std::pair<Date, std::string>);
    for (const auto& n : it->second->names) bytes += n.second.capacity();
    for (const auto& p : it->second->partial) bytes += sizeof(PartialDay) + p.open.capacity() * sizeof(TimeRange);
    cache_bytes.fetch_add(bytes, std::memory_order_relaxed);
  }
  return it->second;
}

HolidaySet::HolidaySet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HolidaySet::~HolidaySet() = default;

Expected<std::shared_ptr<const HolidaySet>> HolidaySet::make(HolidaySetDef def) {
  auto bad = [&](std::size_t i, const std::string& why) {
    return make_error(ErrorCode::InvalidValue,
                      fmt::format("holiday set `{}`, rule {}{}: {}", def.name, i + 1,
                                  def.rules[i].name.empty() ? "" : " `" + def.rules[i].name + "`", why));
  };
  if (def.valid_from > def.valid_to)
    return make_error(ErrorCode::InvalidValue, fmt::format("holiday set `{}`: valid range {} to {} is empty", def.name,
                                                           def.valid_from, def.valid_to));
  if (def.valid_from < kMinYear || def.valid_to > kMaxYear)
    return make_error(ErrorCode::OutOfRange, fmt::format("holiday set `{}`: valid range {} to {} leaves {:04}..{}",
                                                         def.name, def.valid_from, def.valid_to, kMinYear, kMaxYear));
  for (std::size_t i = 0; i < def.rules.size(); ++i) {
    const HolidayRule& r = def.rules[i];
    bool needs_month = r.kind != HolidayRule::Kind::Easter;
    if (needs_month && (r.month < 1 || r.month > 12)) return bad(i, fmt::format("month {} is not 1..12", r.month));
    if (r.kind == HolidayRule::Kind::Fixed && (r.day < 1 || r.day > days_in_month(2000, r.month)))
      return bad(i, fmt::format("day {} does not exist in month {}", r.day, r.month));
    if (r.kind == HolidayRule::Kind::NthWeekday && (r.nth < 1 || r.nth > 5))
      return bad(i, fmt::format("ordinal {} is not 1..5", r.nth));
    bool relative = r.kind == HolidayRule::Kind::WeekdayBefore || r.kind == HolidayRule::Kind::WeekdayAfter;
    if (relative && (r.day < 1 || r.day > days_in_month(2000, r.month)))
      return bad(i, fmt::format("day {} does not exist in month {}", r.day, r.month));
    if ((r.kind == HolidayRule::Kind::NthWeekday || r.kind == HolidayRule::Kind::LastWeekday || relative) &&
        (r.weekday < 0 || r.weekday > 6))
      return bad(i, fmt::format("weekday {} is not 0..6", r.weekday));
    if (r.kind == HolidayRule::Kind::Easter && (r.easter_offset < -366 || r.easter_offset > 366))
      return bad(i, fmt::format("easter offset {} is more than a year", r.easter_offset));
    if (r.from_year > r.until_year) return bad(i, fmt::format("from {} is after until {}", r.from_year, r.until_year));
    if (!r.open.empty() && r.observance != Observance::None)
      return bad(i, "a partial day cannot be observed on another day or substituted");
    if (auto why = ranges_problem(r.open)) return bad(i, *why);
  }
  for (const PartialDay& p : def.added_partial) {
    if (p.open.empty())
      return make_error(ErrorCode::InvalidValue,
                        fmt::format("holiday set `{}`: partial day {} has no hours", def.name, format_date(p.date)));
    if (auto why = ranges_problem(p.open))
      return make_error(ErrorCode::InvalidValue,
                        fmt::format("holiday set `{}`: partial day {}: {}", def.name, format_date(p.date), *why));
  }
  auto impl = std::make_unique<Impl>();
  impl->name = def.name;
  impl->valid_from = def.valid_from;
  impl->valid_to = def.valid_to;
  std::string key = fmt::format("set:{}|{}-{}|", def.name, def.valid_from, def.valid_to);
  for (const auto& r : def.rules) key += rule_key(r) + ";";
  key += "+" + dates_key(def.added) + "-" + dates_key(def.removed) + ">";
  for (const auto& [from, to] : def.moved) key += fmt::format("{}:{},", from, to);
  for (const auto& [d, n] : def.names) key += fmt::format("{}={};", d, n);
  for (const PartialDay& p : def.added_partial) key += fmt::format("{}@{};", p.date, ranges_key(p.open));
  impl->key = std::move(key);
  impl->def = std::move(def);
  return std::shared_ptr<const HolidaySet>(new HolidaySet(std::move(impl)));
}

std::shared_ptr<const HolidaySet> HolidaySet::unite(const std::vector<std::shared_ptr<const HolidaySet>>& parts,
                                                    std::vector<Date> extra_added, std::vector<Date> extra_removed) {
  auto impl = std::make_unique<Impl>();
  impl->composite = true;
  std::sort(extra_added.begin(), extra_added.end());
  std::sort(extra_removed.begin(), extra_removed.end());
  std::string name, key = "union(";
  for (const auto& p : parts) {
    if (!p) continue;
    name += (name.empty() ? "" : " + ") + std::string(p->name());
    key += p->key() + ",";
    impl->valid_from = std::max(impl->valid_from, p->valid_from());
    impl->valid_to = std::min(impl->valid_to, p->valid_to());
    impl->parts.push_back(p);
  }
  if (!extra_added.empty()) name += (name.empty() ? "[...]" : " + [...]");
  if (!extra_removed.empty()) name += " - [...]";
  impl->name = std::move(name);
  impl->key = key + ")+" + dates_key(extra_added) + "-" + dates_key(extra_removed);
  impl->extra_added = std::move(extra_added);
  impl->extra_removed = std::move(extra_removed);
  return std::shared_ptr<const HolidaySet>(new HolidaySet(std::move(impl)));
}

std::string_view HolidaySet::name() const { return impl_->name; }
int HolidaySet::valid_from() const { return impl_->valid_from; }
int HolidaySet::valid_to() const { return impl_->valid_to; }
const std::string& HolidaySet::key() const { return impl_->key; }

size_t HolidaySet::memory_bytes() const {
  return sizeof(HolidaySet) + sizeof(Impl) + impl_->key.capacity() + impl_->name.capacity() +
         (impl_->extra_added.capacity() + impl_->extra_removed.capacity()) * sizeof(Date) +
         impl_->cache_bytes.load(std::memory_order_relaxed);
}

Expected<bool> HolidaySet::is_holiday(Date date) const {
  auto data = impl_->year_data(civil(date).year);
  if (!data) return data.take_error();
  const auto& dates = (*data)->dates;
  return std::binary_search(dates.begin(), dates.end(), date);
}

Expected<std::vector<Date>> HolidaySet::dates_in_year(int year) const {
  auto data = impl_->year_data(year);
  if (!data) return data.take_error();
  return (*data)->dates;
}

Expected<std::vector<PartialDay>> HolidaySet::partial_days_in_year(int year) const {
  auto data = impl_->year_data(year);
  if (!data) return data.take_error();
  return (*data)->partial;
}

std::string HolidaySet::holiday_name(Date date) const {
  auto data = impl_->year_data(civil(date).year);
  if (!data) return {};
  const auto& names = (*data)->names;
  auto it = std::lower_bound(names.begin(), names.end(), date, [](const auto& p, Date d) { return p.first < d; });
  return it != names.end() && it->first == date ? it->second : std::string();
}

}  // namespace proviso::rt

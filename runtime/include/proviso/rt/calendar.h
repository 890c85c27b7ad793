// Working-time calendars: weekly wall-clock hours in a zone minus whole-day holidays, or
// 24x7; adding working time, measuring it, and an interning cache for evaluations.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <proviso/rt/error.h>
#include <proviso/rt/holidays.h>
#include <proviso/rt/time.h>

namespace proviso::rt {

struct WeeklyHours {
  std::array<std::vector<TimeRange>, 7> days;  // 0 = Monday; sorted, non-overlapping
};

// A span in which the clock stops, such as a case waiting on the customer: [from, until).
struct Pause {
  Instant from;
  Instant until;
  bool operator==(const Pause&) const = default;
};

class Calendar {
 public:
  // NoWorkingTime for a week without working time; InvalidValue for business_day <= 0, a
  // null zone, or ranges that are out of bounds, empty, unsorted or overlapping (touching
  // ranges such as 08:00-12:00, 12:00-17:00 are allowed).
  static Expected<std::shared_ptr<const Calendar>> make(std::string name, WeeklyHours hours, const Zone* zone,
                                                        std::shared_ptr<const HolidaySet> holidays,
                                                        Duration business_day);
  // 24x7: continuous absolute time, business day 86400, zone UTC, no holidays.
  static std::shared_ptr<const Calendar> always();
  // `base` with the working time inside `pauses` taken out ("stop the clock"): adding working
  // time skips the pauses, working time in a span leaves them out, and the calendar is closed
  // during them. Pauses may come in any order and overlap: they are sorted and merged, and
  // empty ones (until <= from) dropped. The result shares the base's tables; its name, zone,
  // holidays and business day are the base's.
  static std::shared_ptr<const Calendar> pausing(std::shared_ptr<const Calendar> base, std::vector<Pause> pauses);

  // The earliest T' >= t with exactly `working` seconds of working time in [t, T'].
  // 0 gives t; InvalidValue for negative durations; OutOfRange when the holiday set's valid
  // range (or 200 years without holidays) ends first.
  Expected<Instant> add(Instant t, Duration working) const;
  // add() of `days` business days (each business_day() of working time) plus `seconds`:
  // Overflow when that working time does not fit, InvalidValue when it is negative.
  Expected<Instant> add_business(Instant t, int64_t days, int64_t seconds) const;
  // `days` business days plus `seconds` as working seconds: Overflow when that does not fit.
  Expected<Duration> business_length(int64_t days, int64_t seconds) const;
  // Working time in [a, b]; 0 when b <= a. OutOfRange beyond the holidays' range or for
  // spans longer than 400 years.
  Expected<Duration> working_between(Instant a, Instant b) const;
  // Working intervals are half-open [opening, closing).
  Expected<bool> is_open(Instant t) const;
  // t itself when open, else the next opening.
  Expected<Instant> next_opening(Instant t) const;
  // Holiday dates whose local day overlaps [a, b] and whose weekday has working hours, for
  // explanations; sorted.
  Expected<std::vector<Date>> holidays_between(Instant a, Instant b) const;
  // Partial days whose local day overlaps [a, b] and whose working hours they cut, with the
  // hours left that day (possibly none), for explanations; sorted.
  Expected<std::vector<PartialDay>> partial_days_between(Instant a, Instant b) const;

  Duration business_day() const { return business_day_; }
  std::string_view name() const { return name_; }
  const Zone* zone() const { return zone_; }
  const HolidaySet* holidays() const { return holidays_.get(); }
  const WeeklyHours& weekly_hours() const { return hours_; }
  bool is_always() const { return always_; }
  // For a calendar made by pausing(): its base and its merged pauses; null and empty otherwise.
  const Calendar* unpaused() const { return base_.get(); }
  const std::vector<Pause>& pauses() const { return pauses_; }
  // The merged pauses that overlap [a, b), clipped to it, for explanations.
  std::vector<Pause> pauses_between(Instant a, Instant b) const;
  // An estimate of the memory this calendar holds: its year tables (built on demand) and its
  // holiday set's computed years.
  size_t memory_bytes() const;

  ~Calendar();
  Calendar(const Calendar&) = delete;
  Calendar& operator=(const Calendar&) = delete;

  struct YearTable;
  struct Tables;

 private:
  Calendar() = default;
  // Working intervals of local year `year` as instants, built once per calendar and year.
  Expected<const YearTable*> year_table(int year) const;
  Expected<const YearTable*> build_year_table(int year) const;
  int local_year(Instant t) const;
  // The last year a search may look at before giving up with OutOfRange.
  int search_limit(int from_year) const;
  Error search_exhausted(Instant t, Duration working, int limit) const;

  std::string name_;
  WeeklyHours hours_;
  const Zone* zone_ = nullptr;
  std::shared_ptr<const HolidaySet> holidays_;
  Duration business_day_ = kSecondsPerDay;
  bool always_ = false;
  std::unique_ptr<Tables> tables_;
  std::shared_ptr<const Calendar> base_;  // set by pausing(): every question goes to it
  std::vector<Pause> pauses_;             // sorted, disjoint, non-empty
};

// Interns calendars by (name, weekly hours, zone, holiday key, business day) so that
// building "the same" calendar for every evaluation is a hash lookup. Thread-safe. Bounded:
// past `budget_bytes` (of memory_bytes() of its calendars, measured again every few
// insertions, since calendars grow as they are used) the least recently used calendars are
// dropped; a calendar still in use lives on with its users.
class CalendarCache {
 public:
  static constexpr size_t kDefaultBudgetBytes = size_t{64} << 20;
  explicit CalendarCache(size_t budget_bytes = kDefaultBudgetBytes);
  ~CalendarCache();
  Expected<std::shared_ptr<const Calendar>> get(const std::string& name, const WeeklyHours& hours, const Zone* zone,
                                                std::shared_ptr<const HolidaySet> holidays, Duration business_day);
  std::size_t size() const;
  // The memory of the calendars held, as last measured.
  std::size_t bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace proviso::rt

// Holiday sets: rules (fixed dates, nth weekdays, weekdays before or after a date, Easter
// offsets) with weekend observance, partial days, published one-off changes, unions;
// immutable, thread-safe, cached per year.
#pragma once

#include <climits>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <proviso/rt/error.h>
#include <proviso/rt/time.h>

namespace proviso::rt {

// Seconds of the local day, 0 <= start < end <= 86400 (86400 = midnight at the day's end).
struct TimeRange {
  int32_t start;
  int32_t end;
  bool operator==(const TimeRange&) const = default;
};

// A day that is not a whole holiday but whose working time is cut to `open` (a half-day
// close: "24 December: 09:00-13:00"): working time that day is the calendar's hours of the
// weekday that fall inside `open`.
struct PartialDay {
  Date date;
  std::vector<TimeRange> open;  // sorted, disjoint, non-empty ranges
};

// The time covered by both sorted, disjoint range lists: a partial day cuts a weekday's
// hours, and a date cut twice is open only when both cuts leave it open.
std::vector<TimeRange> common_ranges(const std::vector<TimeRange>& a, const std::vector<TimeRange>& b);
// "09:00-13:00", "08:00-12:00, 13:00-15:00" (24:00 ends a day); "" for none.
std::string format_ranges(const std::vector<TimeRange>& ranges);

enum class Observance {
  None,
  // Saturday -> the Friday before, Sunday -> the Monday after, even across a year end.
  NearestWeekday,
  // A weekend day -> the next weekday not already a holiday; applied in rule order after
  // all other holidays of the year are placed.
  SubstituteNextWeekday,
  // A Sunday -> the next weekday not already a holiday, as SubstituteNextWeekday; a Saturday
  // stays where it is.
  SubstituteSunday,
};

struct HolidayRule {
  // WeekdayBefore/WeekdayAfter: the `weekday` before (after) month/day: "the Monday
  // preceding May 25"; strictly before (after) unless `inclusive` ("on or before").
  enum class Kind { Fixed, NthWeekday, LastWeekday, WeekdayBefore, WeekdayAfter, Easter } kind = Kind::Fixed;
  int month = 0, day = 0;  // Fixed, WeekdayBefore/After: month 1..12, day 1..31 (month's
                           // maximum, 29 Feb allowed and skipped in common years); month also
                           // for (Nth|Last)Weekday
  int nth = 0;             // NthWeekday: 1..5 (a missing fifth weekday is skipped)
  int weekday = 0;         // 0 = Monday .. 6 = Sunday
  bool inclusive = false;  // WeekdayBefore/After: the date itself counts
  int easter_offset = 0;   // Easter: days from Western Easter Sunday (-2 = Good Friday)
  Observance observance = Observance::None;
  // Non-empty: a partial day, open during these ranges only (no observance allowed).
  std::vector<TimeRange> open;
  int from_year = INT_MIN;   // inclusive; the year of the rule's nominal date
  int until_year = INT_MAX;  // inclusive
  std::string name;          // may be empty
};

struct HolidaySetDef {
  std::string name;
  int valid_from = kMinYear, valid_to = kMaxYear;  // inclusive years
  std::vector<HolidayRule> rules;
  // One-off changes, applied after the rules: removed, then moved (from -> to), then added.
  std::vector<Date> added;
  std::vector<Date> removed;
  std::vector<std::pair<Date, Date>> moved;
  // One-off partial days, added with the other one-offs (a whole holiday on the date wins).
  std::vector<PartialDay> added_partial;
  // Optional names for one-off dates (added dates and move targets).
  std::vector<std::pair<Date, std::string>> names;
};

// Western (Gregorian) Easter Sunday.
Date easter_sunday(int year);

class HolidaySet {
 public:
  // InvalidValue for a bad rule (month 13, 31 April, nth 6, weekday 7, from > until, ...)
  // or valid_from > valid_to; OutOfRange for a valid range beyond kMinYear..kMaxYear.
  static Expected<std::shared_ptr<const HolidaySet>> make(HolidaySetDef def);
  // Union of the parts plus extra dates, minus extra_removed (whole and partial days). A
  // date that is whole in one part and partial in another is a whole holiday. Valid range: the intersection
  // of the parts' ranges. Name: the parts' names joined by " + ".
  static std::shared_ptr<const HolidaySet> unite(const std::vector<std::shared_ptr<const HolidaySet>>& parts,
                                                 std::vector<Date> extra_added, std::vector<Date> extra_removed);

  std::string_view name() const;
  int valid_from() const;
  int valid_to() const;
  // OutOfRange naming the set and the year outside valid_from..valid_to.
  Expected<bool> is_holiday(Date date) const;
  // Sorted, distinct observed dates that fall in `year` (possibly from rules of a
  // neighbouring year, e.g. 1 Jan on a Saturday observed 31 Dec before).
  Expected<std::vector<Date>> dates_in_year(int year) const;
  // The partial days of `year` that are not whole holidays, sorted by date; a date that two
  // rules (or two parts of a union) cut is open during both cuts only.
  Expected<std::vector<PartialDay>> partial_days_in_year(int year) const;
  // The rule's (or one-off's) name for a holiday date or a partial day (`on December 24 open
  // 09:00-13:00 "Christmas Eve"`), "" when it has none or the date is neither.
  std::string holiday_name(Date date) const;
  // Stable structural identity (rules, changes, range, parts): equal keys, equal sets.
  const std::string& key() const;
  // An estimate of the memory this set holds, its cache of computed years included (not its
  // parts'); grows as years are computed.
  size_t memory_bytes() const;

  ~HolidaySet();
  HolidaySet(const HolidaySet&) = delete;
  HolidaySet& operator=(const HolidaySet&) = delete;

  struct Impl;

 private:
  explicit HolidaySet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace proviso::rt

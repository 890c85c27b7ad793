// Holiday sets: rules (fixed dates, nth weekdays, Easter offsets) with weekend observance,
// published one-off changes, unions; immutable, thread-safe, cached per year.
#pragma once

#include <climits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <proviso/rt/error.h>
#include <proviso/rt/time.h>

namespace proviso::rt {

enum class Observance {
  None,
  // Saturday -> the Friday before, Sunday -> the Monday after, even across a year end.
  NearestWeekday,
  // A weekend day -> the next weekday not already a holiday; applied in rule order after
  // all other holidays of the year are placed.
  SubstituteNextWeekday,
};

struct HolidayRule {
  enum class Kind { Fixed, NthWeekday, LastWeekday, Easter } kind = Kind::Fixed;
  int month = 0, day = 0;  // Fixed: month 1..12, day 1..31 (month's maximum, 29 Feb allowed
                           // and skipped in common years); month also for (Nth|Last)Weekday
  int nth = 0;             // NthWeekday: 1..5 (a missing fifth weekday is skipped)
  int weekday = 0;         // 0 = Monday .. 6 = Sunday
  int easter_offset = 0;   // Easter: days from Western Easter Sunday (-2 = Good Friday)
  Observance observance = Observance::None;
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
  // Union of the parts plus extra dates, minus extra_removed. Valid range: the intersection
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
  // The rule's (or one-off's) name for a holiday date, "" when none or not a holiday.
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

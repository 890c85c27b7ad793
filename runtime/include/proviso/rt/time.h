// Dates, instants and durations as plain integers; strict parsing and formatting of
// ISO 8601 / RFC 3339 text; month arithmetic; IANA time zones (Zone, read from the system's
// TZif files).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <proviso/rt/error.h>

namespace proviso::rt {

namespace detail {
struct TzifData;
}

using Date = int32_t;      // days since 1970-01-01, proleptic Gregorian
using Instant = int64_t;   // seconds since the Unix epoch, UTC
using Duration = int64_t;  // seconds

// Supported years for dates and instants (four-digit years, as in RFC 3339, without year 0):
// a date from 0001-01-01 to 9999-12-31, an instant whose UTC date is one of those. Arithmetic
// that leaves them is an OutOfRange error, as an integer overflow is.
inline constexpr int kMinYear = 1;
inline constexpr int kMaxYear = 9999;
inline constexpr int32_t kSecondsPerDay = 86400;
inline constexpr Instant kFirstInstant = -62135596800;  // 0001-01-01T00:00:00Z
inline constexpr Instant kLastInstant = 253402300799;   // 9999-12-31T23:59:59Z

// OutOfRange unless kFirstInstant <= t <= kLastInstant: "2026... is outside the supported
// years 0001..9999" with the instant in UTC, after `what` ("the result of ...") when given.
Expected<Instant> checked_instant(Instant t, std::string_view what = {});

struct CivilDate {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// InvalidDate for 2026-02-30, month 13, ...; OutOfRange outside kMinYear..kMaxYear.
Expected<Date> make_date(int year, int month, int day);
CivilDate civil(Date date);
int weekday(Date date);  // 0 = Monday .. 6 = Sunday
bool is_leap_year(int year);
int days_in_month(int year, int month);

// The parts of a date the language reads: `year(d)` .. `start_of_week(d)`. The first five are
// integers (weekday 1 = Monday .. 7 = Sunday, as ISO 8601 numbers them); the last three are
// dates, always within the supported years (0001-01-01 is a Monday).
enum class DatePart : int32_t { Year, Month, Day, Weekday, DaysInMonth, FirstOfMonth, LastOfMonth, StartOfWeek };
inline constexpr int32_t kLastDatePart = static_cast<int32_t>(DatePart::StartOfWeek);
int64_t date_part(Date date, DatePart part);

// Strict "YYYY-MM-DD".
Expected<Date> parse_date(std::string_view text);
std::string format_date(Date date);  // "2026-11-27"

// Day of month kept, clamped to the month's last day (2024-01-31 + 1 = 2024-02-29).
// OutOfRange when the result leaves kMinYear..kMaxYear. Negative months go back.
Expected<Date> add_months(Date date, int64_t months);
// OutOfRange when the result leaves kMinYear..kMaxYear.
Expected<Date> add_days(Date date, int64_t days);
// Checked instant arithmetic (Overflow / OutOfRange instead of wrapping).
Expected<Instant> add_seconds(Instant t, Duration d);

// UTC midnight of a date, and the UTC date of an instant.
Instant utc_midnight(Date date);
Date utc_date(Instant t);

// Strict RFC 3339: YYYY-MM-DDTHH:MM[:SS[.fraction]] then Z or +HH:MM / -HH:MM; 't' and 'z'
// accepted. InvalidDate with a message quoting the text: `expected an RFC 3339 datetime, got
// "2026-13-40"`; RFC 3339 text that Proviso does not support says so: a fraction that is not
// all zeros (datetimes are whole seconds), a leap second (:60), an instant outside the
// supported years (OutOfRange).
Expected<Instant> parse_datetime(std::string_view text);

// The commonest forms read without a check that could fail slowly: a date of exactly 10
// characters (YYYY-MM-DD), a datetime of exactly 20 (YYYY-MM-DDTHH:MM:SSZ) or 25
// (YYYY-MM-DDTHH:MM:SS+HH:MM). True, with *out set, when `text` is such a text and
// parse_date / parse_datetime would accept it, with the value they would give; false for
// anything else (another form, or an error), which they must then read. They call these
// first, so there is one reading of each form.
bool quick_parse_date(std::string_view text, Date* out);
bool quick_parse_datetime(std::string_view text, Instant* out);

// An IANA time zone. Instances live for the whole process (pointers are stable);
// every member is const and thread-safe.
class Zone {
 public:
  // UnknownZone for names the system database does not know. Cached: the same pointer for
  // the same name. "UTC" gives utc_zone().
  static Expected<const Zone*> lookup(std::string_view iana_name);

  std::string_view name() const { return name_; }
  int32_t offset_at(Instant t) const;  // seconds east of UTC
  Date local_date(Instant t) const;
  int32_t local_seconds_of_day(Instant t) const;  // 0..86399
  // Wall clock to instant. A local time inside a spring-forward gap gives the instant the
  // gap ends (the transition); an ambiguous one (fall-back) gives the earlier instant.
  // seconds_of_day may be 0..86400 (86400 = the next day's midnight).
  Instant to_instant(Date local_date, int32_t seconds_of_day) const;

  // Built by lookup() from the zone file's contents; without them, UTC.
  explicit Zone(std::string name, std::shared_ptr<const detail::TzifData> data = nullptr);
  ~Zone();
  Zone(const Zone&) = delete;
  Zone& operator=(const Zone&) = delete;

 private:
  std::string name_;
  // The zone file's transitions (up to 2037 in the system's files) and its POSIX TZ footer
  // rule for the years after; null for the fixed UTC zone.
  std::shared_ptr<const detail::TzifData> data_;
};

const Zone* utc_zone();

// "2026-11-27T16:00:00-05:00": local time in `zone` with its offset at that instant,
// "+00:00" for offset zero (never "Z").
std::string format_datetime(Instant t, const Zone& zone);
// The local date of `t` in `zone`; OutOfRange when it falls outside 0001..9999 (the first or
// last hours of the supported instants, in a zone far from UTC).
Expected<Date> local_date_of(Instant t, const Zone& zone);
// Whether format_datetime(t, zone) has a year 0001..9999 (an instant in the first or last
// hours of the supported range may not, in a zone far from UTC), so that it can be read back.
bool local_year_supported(Instant t, const Zone& zone);
// "2026-11-27T21:00:00Z", for logs and messages.
std::string format_datetime_utc(Instant t);
// For writers of text that cannot allocate a string per value: format_date, and
// format_datetime when local_year_supported (else nullptr and nothing written), written at
// `out`, which has room for kDateTimeChars bytes; the end of the text.
inline constexpr size_t kDateTimeChars = 48;
char* write_date(char* out, Date date);
char* write_datetime(char* out, Instant t, const Zone& zone);

}  // namespace proviso::rt

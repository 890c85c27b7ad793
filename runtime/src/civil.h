// Private to the runtime: unchecked civil-date conversions (H. Hinnant's algorithms) and
// floor division, shared by time, holidays and calendars.
#pragma once

#include <cstdint>

#include <proviso/rt/time.h>

namespace proviso::rt::detail {

constexpr int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Computed from the remainder so that it cannot overflow, even for INT64_MIN.
constexpr int64_t floor_mod(int64_t a, int64_t b) {
  int64_t r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

// Days since 1970-01-01 of y-m-d; m in 1..12, d in 1..31 (not checked).
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

constexpr CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (m <= 2)), m, d};
}

// The civil year of day z (days since 1970-01-01), and whether z is the year's first or last
// day. A table of New Year's days serves 1900..2299 (a guess from the mean year length,
// then at most a step or two); other years take civil_from_days.
inline int year_of_day(int64_t z, bool* first_or_last) {
  constexpr int kFirst = 1900, kCount = 400;
  static constexpr auto starts = [] {
    struct Starts {
      int32_t day[kCount + 1];
    } s{};
    for (int i = 0; i <= kCount; ++i) s.day[i] = static_cast<int32_t>(days_from_civil(kFirst + i, 1, 1));
    return s;
  }();
  if (z < starts.day[0] || z >= starts.day[kCount]) {
    CivilDate c = civil_from_days(z);
    *first_or_last = (c.month == 1 && c.day == 1) || (c.month == 12 && c.day == 31);
    return c.year;
  }
  auto i = static_cast<int>((z - starts.day[0]) * 400 / 146097);
  i = i < kCount ? i : kCount - 1;
  while (i > 0 && z < starts.day[i]) --i;
  while (i + 1 < kCount && z >= starts.day[i + 1]) ++i;
  *first_or_last = z == starts.day[i] || z + 1 == starts.day[i + 1];
  return kFirst + i;
}

// First and last supported dates and instants.
inline constexpr int64_t kMinDate = days_from_civil(kMinYear, 1, 1);
inline constexpr int64_t kMaxDate = days_from_civil(kMaxYear, 12, 31);
inline constexpr int64_t kMinInstant = kMinDate * kSecondsPerDay;
inline constexpr int64_t kMaxInstant = (kMaxDate + 1) * kSecondsPerDay - 1;
static_assert(kMinInstant == kFirstInstant && kMaxInstant == kLastInstant);

}  // namespace proviso::rt::detail

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

constexpr int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

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

// First and last supported dates and instants.
inline constexpr int64_t kMinDate = days_from_civil(kMinYear, 1, 1);
inline constexpr int64_t kMaxDate = days_from_civil(kMaxYear, 12, 31);
inline constexpr int64_t kMinInstant = kMinDate * kSecondsPerDay - 86400;  // leave room for
inline constexpr int64_t kMaxInstant = (kMaxDate + 2) * kSecondsPerDay;    // zone offsets

}  // namespace proviso::rt::detail

// Dates and instants: civil conversions, strict ISO 8601 / RFC 3339 parsing and formatting,
// month and day arithmetic with range checks.
#include <proviso/rt/time.h>

#include <fmt/format.h>

#include "civil.h"

namespace proviso::rt {

using detail::civil_from_days;
using detail::days_from_civil;
using detail::floor_div;
using detail::floor_mod;

bool is_leap_year(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

namespace {

Error year_range(int64_t year) {
  return make_error(ErrorCode::OutOfRange,
                    fmt::format("year {} is outside the supported years {:04}..{}", year, kMinYear, kMaxYear));
}

bool valid_ymd(int y, int m, int d) { return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m); }

// Reads exactly `n` digits at s[pos]; -1 if any is not a digit or the text is too short.
int read_digits(std::string_view s, std::size_t pos, int n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Fixed-width writers: outputs are formatted per decision, and fmt's parser costs more than
// the arithmetic here.
char* put2(char* p, int64_t v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

char* put_date(char* p, const CivilDate& c) {
  int64_t y = c.year;
  if (y < 0 || y > 9999) {
    auto s = fmt::format("{:04}", y);
    for (char ch : s) *p++ = ch;
  } else {
    p = put2(p, y / 100);
    p = put2(p, y % 100);
  }
  *p++ = '-';
  p = put2(p, c.month);
  *p++ = '-';
  return put2(p, c.day);
}

char* put_time(char* p, int64_t sod) {
  p = put2(p, sod / 3600);
  *p++ = ':';
  p = put2(p, sod / 60 % 60);
  *p++ = ':';
  return put2(p, sod % 60);
}

}  // namespace

Expected<Date> make_date(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) return year_range(year);
  if (!valid_ymd(year, month, day))
    return make_error(ErrorCode::InvalidDate, fmt::format("{:04}-{:02}-{:02} is not a date", year, month, day));
  return static_cast<Date>(days_from_civil(year, month, day));
}

CivilDate civil(Date date) { return civil_from_days(date); }

int64_t date_part(Date date, DatePart part) {
  CivilDate c = civil(date);
  switch (part) {
    case DatePart::Year: return c.year;
    case DatePart::Month: return c.month;
    case DatePart::Day: return c.day;
    case DatePart::Weekday: return weekday(date) + 1;
    case DatePart::DaysInMonth: return days_in_month(c.year, static_cast<int>(c.month));
    case DatePart::FirstOfMonth: return date - static_cast<Date>(c.day) + 1;
    case DatePart::LastOfMonth:
      return date - static_cast<Date>(c.day) + days_in_month(c.year, static_cast<int>(c.month));
    case DatePart::StartOfWeek: return date - weekday(date);
  }
  return 0;
}

int weekday(Date date) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  return static_cast<int>(floor_mod(static_cast<int64_t>(date) + 3, 7));
}

namespace {

// The value of the two digits at p, or a number above 99 when either is not a digit.
[[gnu::always_inline]] inline unsigned two_digits(const char* p) {
  const unsigned a = static_cast<unsigned char>(p[0]) - unsigned{'0'};
  const unsigned b = static_cast<unsigned char>(p[1]) - unsigned{'0'};
  return (a > 9 || b > 9) ? 1000 : a * 10 + b;
}

// YYYY-MM-DD at p: the days since 1970-01-01, or false when it is not a valid date of
// kMinYear..kMaxYear in that form.
[[gnu::always_inline]] inline bool quick_ymd(const char* p, int64_t* days) {
  const unsigned hi = two_digits(p), lo = two_digits(p + 2), m = two_digits(p + 5), d = two_digits(p + 8);
  if (hi > 99 || lo > 99 || p[4] != '-' || p[7] != '-' || m - 1 > 11 || d == 0) return false;
  const int y = static_cast<int>(hi * 100 + lo);
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < kMinYear || d > kDays[m - 1] + (m == 2 && is_leap_year(y))) return false;
  *days = days_from_civil(y, m, d);
  return true;
}

}  // namespace

bool quick_parse_date(std::string_view text, Date* out) {
  int64_t days;
  if (text.size() != 10 || !quick_ymd(text.data(), &days)) return false;
  *out = static_cast<Date>(days);
  return true;
}

bool quick_parse_datetime(std::string_view text, Instant* out) {
  const char* p = text.data();
  int64_t offset = 0;
  if (text.size() == 25) {
    const unsigned oh = two_digits(p + 20), om = two_digits(p + 23);
    if ((p[19] != '+' && p[19] != '-') || p[22] != ':' || oh > 23 || om > 59) return false;
    offset = int64_t{oh} * 3600 + int64_t{om} * 60;
    if (p[19] == '-') offset = -offset;
  } else if (text.size() != 20 || (p[19] != 'Z' && p[19] != 'z')) {
    return false;
  }
  int64_t days;
  if (!quick_ymd(p, &days) || (p[10] != 'T' && p[10] != 't') || p[13] != ':' || p[16] != ':') return false;
  const unsigned hh = two_digits(p + 11), mm = two_digits(p + 14), ss = two_digits(p + 17);
  if (hh > 23 || mm > 59 || ss > 59) return false;  // :60, a leap second, is parse_datetime's to refuse
  const Instant t = days * kSecondsPerDay + hh * 3600 + mm * 60 + ss - offset;
  if (t < kFirstInstant || t > kLastInstant) return false;
  *out = t;
  return true;
}

Expected<Date> parse_date(std::string_view text) {
  if (Date d; quick_parse_date(text, &d)) return d;
  int y = read_digits(text, 0, 4), m = read_digits(text, 5, 2), d = read_digits(text, 8, 2);
  if (text.size() != 10 || y < 0 || m < 0 || d < 0 || text[4] != '-' || text[7] != '-')
    return make_error(ErrorCode::InvalidDate, fmt::format("expected a date YYYY-MM-DD, got \"{}\"", text));
  if (!valid_ymd(y, m, d)) return make_error(ErrorCode::InvalidDate, fmt::format("\"{}\" is not a date", text));
  if (y < kMinYear)
    return make_error(ErrorCode::OutOfRange, fmt::format("the date \"{}\" is outside the supported years {:04}..{}",
                                                         text, kMinYear, kMaxYear));
  return static_cast<Date>(days_from_civil(y, m, d));
}

std::string format_date(Date date) {
  char buf[kDateTimeChars];
  return std::string(buf, write_date(buf, date));
}

char* write_date(char* out, Date date) { return put_date(out, civil(date)); }

Expected<Date> add_months(Date date, int64_t months) {
  CivilDate c = civil(date);
  // Bound the month count before multiplying so that huge inputs cannot wrap.
  if (months > 12 * 20000 || months < -12 * 20000) return year_range(c.year + months / 12);
  int64_t index = int64_t{c.year} * 12 + (c.month - 1) + months;
  int64_t y = floor_div(index, 12);
  int m = static_cast<int>(floor_mod(index, 12)) + 1;
  if (y < kMinYear || y > kMaxYear) return year_range(y);
  int d = std::min<int>(static_cast<int>(c.day), days_in_month(static_cast<int>(y), m));
  return static_cast<Date>(days_from_civil(y, m, d));
}

Expected<Date> add_days(Date date, int64_t days) {
  if (days > detail::kMaxDate - detail::kMinDate || days < detail::kMinDate - detail::kMaxDate)
    return year_range(civil(date).year + days / 365);
  int64_t r = int64_t{date} + days;
  if (r < detail::kMinDate || r > detail::kMaxDate) return year_range(civil_from_days(r).year);
  return static_cast<Date>(r);
}

Expected<Instant> checked_instant(Instant t, std::string_view what) {
  if (t >= kFirstInstant && t <= kLastInstant) return t;
  // Name the instant when it is near enough to print (years -99999..99999); farther out,
  // its year would not fit CivilDate and the number says nothing to a reader anyway.
  constexpr Instant kPrintable = int64_t{100000} * 366 * kSecondsPerDay;
  std::string shown = t > -kPrintable && t < kPrintable ? " " + format_datetime_utc(t) : "";
  std::string subject = fmt::format("{}{}", what, shown);
  if (subject.starts_with(' ')) subject.erase(0, 1);
  if (subject.empty()) subject = "the datetime";
  return make_error(ErrorCode::OutOfRange,
                    fmt::format("{} is outside the supported years {:04}..{}", subject, kMinYear, kMaxYear));
}

Expected<Instant> add_seconds(Instant t, Duration d) {
  Instant r;
  if (__builtin_add_overflow(t, d, &r))
    return make_error(ErrorCode::OutOfRange,
                      fmt::format("the result is outside the supported years {:04}..{}", kMinYear, kMaxYear));
  return checked_instant(r, "the result");
}

Instant utc_midnight(Date date) { return int64_t{date} * kSecondsPerDay; }
Date utc_date(Instant t) { return static_cast<Date>(floor_div(t, kSecondsPerDay)); }

Expected<Instant> parse_datetime(std::string_view text) {
  if (Instant t; quick_parse_datetime(text, &t)) return t;
  auto fail = [&](std::string_view why) {
    std::string msg = fmt::format("expected an RFC 3339 datetime, got \"{}\"", text);
    if (!why.empty()) msg += fmt::format(" ({})", why);
    return make_error(ErrorCode::InvalidDate, std::move(msg));
  };
  int y = read_digits(text, 0, 4), mo = read_digits(text, 5, 2), d = read_digits(text, 8, 2);
  if (y < 0 || mo < 0 || d < 0 || text[4] != '-' || text[7] != '-') return fail("");
  if (text.size() == 10) return fail("missing the time and UTC offset, such as T09:00:00Z");
  if (text[10] != 'T' && text[10] != 't') return fail("");
  int hh = read_digits(text, 11, 2), mm = read_digits(text, 14, 2);
  if (hh < 0 || mm < 0 || text[13] != ':') return fail("");
  std::size_t pos = 16;
  int ss = 0;
  if (pos < text.size() && text[pos] == ':') {
    ss = read_digits(text, pos + 1, 2);
    if (ss < 0) return fail("");
    pos += 3;
    if (pos < text.size() && text[pos] == '.') {
      std::size_t start = ++pos;
      bool nonzero = false;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') nonzero |= text[pos++] != '0';
      if (pos == start) return fail("");
      if (nonzero)
        return make_error(
            ErrorCode::InvalidDate,
            fmt::format("the datetime \"{}\" has fractional seconds, which are not supported: datetimes are "
                        "whole seconds",
                        text));
    }
  }
  int64_t offset = 0;
  if (pos == text.size()) return fail("missing the UTC offset, such as Z or -05:00");
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh = read_digits(text, pos + 1, 2), om = read_digits(text, pos + 4, 2);
    if (oh < 0 || om < 0 || text[pos + 3] != ':') return fail("");
    if (oh > 23 || om > 59) return fail("the UTC offset is out of range");
    offset = (text[pos] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return fail("");
  }
  if (pos != text.size()) return fail("");
  if (!valid_ymd(y, mo, d)) return fail(fmt::format("{:04}-{:02}-{:02} is not a date", y, mo, d));
  if (ss == 60 && hh <= 23 && mm <= 59)
    return make_error(
        ErrorCode::InvalidDate,
        fmt::format("the datetime \"{}\" is a leap second, which is not supported: use :59 or the next minute", text));
  if (hh > 23 || mm > 59 || ss > 59) return fail("the time of day is out of range");
  Instant t = days_from_civil(y, mo, d) * kSecondsPerDay + hh * 3600 + mm * 60 + ss - offset;
  if (t < kFirstInstant || t > kLastInstant) {
    std::string in_utc = offset == 0 ? "" : fmt::format(" ({} in UTC)", format_datetime_utc(t));
    return make_error(ErrorCode::OutOfRange,
                      fmt::format("the datetime \"{}\"{} is outside the supported years {:04}..{}", text, in_utc,
                                  kMinYear, kMaxYear));
  }
  return t;
}

std::string format_datetime_utc(Instant t) {
  int64_t day = floor_div(t, kSecondsPerDay), sod = floor_mod(t, kSecondsPerDay);
  char buf[48];
  char* p = put_date(buf, civil_from_days(day));
  *p++ = 'T';
  p = put_time(p, sod);
  *p++ = 'Z';
  return std::string(buf, p);
}

Expected<Date> local_date_of(Instant t, const Zone& zone) {
  Date d = zone.local_date(t);
  if (d >= detail::kMinDate && d <= detail::kMaxDate) return d;
  return make_error(ErrorCode::OutOfRange,
                    fmt::format("the local date of {} in `{}` is outside the supported years {:04}..{}",
                                format_datetime_utc(t), zone.name(), kMinYear, kMaxYear));
}

bool local_year_supported(Instant t, const Zone& zone) {
  int64_t local = t + zone.offset_at(t) / 60 * 60;
  return local >= kFirstInstant && local <= kLastInstant;
}

namespace {

// The text of format_datetime for the instant `t` at `offset` seconds from UTC.
char* put_datetime(char* p, Instant t, int32_t offset) {
  int64_t local = t + offset;
  int64_t day = floor_div(local, kSecondsPerDay), sod = floor_mod(local, kSecondsPerDay);
  int32_t a = offset < 0 ? -offset : offset;
  p = put_date(p, civil_from_days(day));
  *p++ = 'T';
  p = put_time(p, sod);
  *p++ = offset < 0 ? '-' : '+';
  p = put2(p, a / 3600);
  *p++ = ':';
  return put2(p, a / 60 % 60);
}

}  // namespace

std::string format_datetime(Instant t, const Zone& zone) {
  // RFC 3339 offsets have whole minutes; the rare historical offsets with seconds (local
  // mean time before 1900) are truncated so that the text still names the same instant.
  char buf[kDateTimeChars];
  return std::string(buf, put_datetime(buf, t, zone.offset_at(t) / 60 * 60));
}

char* write_datetime(char* out, Instant t, const Zone& zone) {
  int32_t offset = zone.offset_at(t) / 60 * 60;  // as local_year_supported and format_datetime
  int64_t local = t + offset;
  if (local < kFirstInstant || local > kLastInstant) return nullptr;
  return put_datetime(out, t, offset);
}

}  // namespace proviso::rt

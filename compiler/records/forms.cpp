// Text forms of durations, periods, business durations, percentages and JSON numbers.
#include "compiler/records/forms.h"

#include <charconv>
#include <limits>
#include <vector>

namespace proviso::records {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads [0-9]+ at `i` into `out`; false on no digits or overflow.
bool read_uint(std::string_view s, size_t& i, int64_t& out) {
  size_t start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == start) return false;
  auto [p, ec] = std::from_chars(s.data() + start, s.data() + i, out);
  return ec == std::errc() && p == s.data() + i;
}

bool mul_add(int64_t& acc, int64_t n, int64_t unit) {
  int64_t prod;
  if (__builtin_mul_overflow(n, unit, &prod)) return false;
  return !__builtin_add_overflow(acc, prod, &acc);
}

std::string plural(int64_t n, std::string_view unit) {
  std::string s = std::to_string(n);
  s += ' ';
  s += unit;
  if (n != 1 && n != -1) s += 's';
  return s;
}

}  // namespace

std::optional<int64_t> parse_iso_duration(std::string_view s) {
  bool negative = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  if (i >= s.size() || s[i] != 'P') return std::nullopt;
  ++i;
  int64_t total = 0;
  bool any = false;
  // Date part: weeks and days only (years and months are not absolute time).
  const std::string_view date_units = "WD";
  size_t unit_pos = 0;
  while (i < s.size() && s[i] != 'T') {
    int64_t n;
    if (!read_uint(s, i, n) || i >= s.size()) return std::nullopt;
    size_t u = date_units.find(s[i]);
    if (u == std::string_view::npos || u < unit_pos) return std::nullopt;
    if (!mul_add(total, n, s[i] == 'W' ? 7 * 86400 : 86400)) return std::nullopt;
    unit_pos = u + 1;
    ++i;
    any = true;
  }
  if (i < s.size() && s[i] == 'T') {
    ++i;
    const std::string_view time_units = "HMS";
    unit_pos = 0;
    bool any_time = false;
    while (i < s.size()) {
      int64_t n;
      if (!read_uint(s, i, n) || i >= s.size()) return std::nullopt;
      size_t u = time_units.find(s[i]);
      if (u == std::string_view::npos || u < unit_pos) return std::nullopt;
      static constexpr int64_t kUnit[] = {3600, 60, 1};
      if (!mul_add(total, n, kUnit[u])) return std::nullopt;
      unit_pos = u + 1;
      ++i;
      any_time = true;
    }
    if (!any_time) return std::nullopt;
    any = true;
  }
  if (!any || i != s.size()) return std::nullopt;
  return negative ? -total : total;
}

std::string format_iso_duration(int64_t seconds) {
  if (seconds == 0) return "PT0S";
  std::string out;
  uint64_t s = seconds < 0 ? 0 - static_cast<uint64_t>(seconds) : static_cast<uint64_t>(seconds);
  if (seconds < 0) out += '-';
  out += "PT";
  uint64_t h = s / 3600, m = s / 60 % 60, sec = s % 60;
  if (h) out += std::to_string(h) + "H";
  if (m) out += std::to_string(m) + "M";
  if (sec) out += std::to_string(sec) + "S";
  return out;
}

std::optional<int64_t> parse_iso_period(std::string_view s) {
  bool negative = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  if (i >= s.size() || s[i] != 'P') return std::nullopt;
  ++i;
  int64_t total = 0;
  bool any = false;
  size_t unit_pos = 0;
  const std::string_view units = "YM";
  while (i < s.size()) {
    int64_t n;
    if (!read_uint(s, i, n) || i >= s.size()) return std::nullopt;
    size_t u = units.find(s[i]);
    if (u == std::string_view::npos || u < unit_pos) return std::nullopt;
    if (!mul_add(total, n, s[i] == 'Y' ? 12 : 1)) return std::nullopt;
    unit_pos = u + 1;
    ++i;
    any = true;
  }
  if (!any) return std::nullopt;
  return negative ? -total : total;
}

std::string format_iso_period(int64_t months) {
  if (months < 0) return "-P" + std::to_string(0 - static_cast<uint64_t>(months)) + "M";
  return "P" + std::to_string(months) + "M";
}

std::optional<ir::BusinessDurationValue> parse_business_duration(std::string_view s) {
  // Words separated by single or multiple spaces, optionally joined by "+".
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) {
      std::string_view w = s.substr(start, i - start);
      if (w != "+") words.push_back(w);
    }
  }
  if (words.empty() || words.size() % 3 != 0) return std::nullopt;
  ir::BusinessDurationValue out;
  for (size_t k = 0; k < words.size(); k += 3) {
    std::string_view num = words[k];
    bool negative = !num.empty() && num[0] == '-';
    if (negative) num.remove_prefix(1);
    size_t pos = 0;
    int64_t n;
    if (!read_uint(num, pos, n) || pos != num.size()) return std::nullopt;
    if (negative) n = -n;
    if (words[k + 1] != "business") return std::nullopt;
    std::string_view unit = words[k + 2];
    if (unit.size() > 1 && unit.back() == 's') unit.remove_suffix(1);
    if (unit == "day") {
      if (__builtin_add_overflow(out.days, n, &out.days)) return std::nullopt;
    } else if (unit == "hour") {
      if (!mul_add(out.seconds, n, 3600)) return std::nullopt;
    } else if (unit == "minute") {
      if (!mul_add(out.seconds, n, 60)) return std::nullopt;
    } else if (unit == "second") {
      if (!mul_add(out.seconds, n, 1)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::string format_business_duration(const ir::BusinessDurationValue& d) {
  std::string out;
  if (d.days != 0) out = plural(d.days, "business day");
  if (d.seconds != 0 || d.days == 0) {
    int64_t s = d.seconds;
    std::string part;
    if (s % 3600 == 0)
      part = plural(s / 3600, "business hour");
    else if (s % 60 == 0)
      part = plural(s / 60, "business minute");
    else
      part = plural(s, "business second");
    if (!out.empty()) out += ' ';
    out += part;
  }
  return out;
}

std::optional<rt::Decimal> percent_from_text(std::string_view number) {
  auto d = rt::Decimal::parse(number);
  if (!d) return std::nullopt;
  rt::Decimal n = d->normalized();
  auto r = rt::Decimal::from_parts(n.coefficient(), n.scale() + 2);
  if (!r) return std::nullopt;
  return *r;
}

std::string format_percent(const rt::Decimal& fraction) {
  rt::Decimal n = fraction.normalized();
  __int128 c = n.coefficient();
  int scale = n.scale();
  if (scale >= 2) {
    scale -= 2;
  } else {
    for (int k = scale; k < 2; ++k) c *= 10;
    scale = 0;
  }
  auto r = rt::Decimal::from_parts(c, scale);
  return (r ? r->to_string() : n.to_string()) + "%";
}

bool is_json_number(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (is_digit(s[i])) {
    while (i < s.size() && is_digit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

bool is_json_integer(std::string_view s) {
  if (!is_json_number(s)) return false;
  return s.find_first_of(".eE") == std::string_view::npos;
}

std::optional<std::string> json_number_to_decimal_text(std::string_view s) {
  if (!is_json_number(s)) return std::nullopt;
  size_t e = s.find_first_of("eE");
  if (e == std::string_view::npos) return std::string(s);
  std::string_view mant = s.substr(0, e);
  int64_t exp = 0;
  {
    std::string_view es = s.substr(e + 1);
    bool neg = false;
    if (!es.empty() && (es[0] == '+' || es[0] == '-')) {
      neg = es[0] == '-';
      es.remove_prefix(1);
    }
    auto [p, ec] = std::from_chars(es.data(), es.data() + es.size(), exp);
    if (ec != std::errc() || exp > 60) return std::nullopt;
    if (neg) exp = -exp;
  }
  bool negative = mant[0] == '-';
  if (negative) mant.remove_prefix(1);
  size_t dot = mant.find('.');
  std::string digits(mant.substr(0, dot));
  int64_t point = static_cast<int64_t>(digits.size()) + exp;
  if (dot != std::string_view::npos) digits += mant.substr(dot + 1);
  std::string out;
  if (point <= 0) {
    out = "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  } else if (point >= static_cast<int64_t>(digits.size())) {
    out = digits + std::string(static_cast<size_t>(point - static_cast<int64_t>(digits.size())), '0');
  } else {
    out = digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
  }
  size_t lead = 0;
  while (lead + 1 < out.size() && out[lead] == '0' && out[lead + 1] != '.') ++lead;
  out.erase(0, lead);
  if (negative) out.insert(out.begin(), '-');
  return out;
}

}  // namespace proviso::records

// Decimal: parsing, formatting, comparison and checked exact arithmetic with rounding.
#include <proviso/rt/decimal.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "wide_int.h"

namespace proviso::rt {

using detail::i128;
using detail::pow10;
using detail::u128;
using detail::U256;

namespace {

const u128 kLimit = pow10(Decimal::kMaxDigits);  // |coefficient| must stay below this

u128 magnitude(i128 c) { return c < 0 ? u128(0) - u128(c) : u128(c); }

Error overflow(const char* what) {
  return make_error(ErrorCode::Overflow,
                    fmt::format("decimal overflow in {} (more than {} significant digits)", what, Decimal::kMaxDigits));
}

// The digits of m (below 10^kMaxDigits) at `out`; returns their end. In at most two 64-bit
// conversions: a 128-bit division per digit would cost more than all the rest of a line.
char* write_digits(char* out, u128 m) {
  static_assert(Decimal::kMaxDigits <= 36, "two 18-digit halves");
  constexpr uint64_t k18 = 1000000000000000000ULL;
  if (m <= UINT64_MAX) return std::to_chars(out, out + 20, static_cast<uint64_t>(m)).ptr;
  out = std::to_chars(out, out + 18, static_cast<uint64_t>(m / k18)).ptr;
  char low[18];
  const char* end = std::to_chars(low, low + sizeof low, static_cast<uint64_t>(m % k18)).ptr;
  const auto n = static_cast<size_t>(end - low);
  std::memset(out, '0', sizeof low - n);  // the low half keeps its leading zeros
  std::memcpy(out + sizeof low - n, low, n);
  return out + sizeof low;
}

// Signed result of a 256-bit magnitude, if it fits the coefficient limit.
bool to_coefficient(U256 m, bool negative, i128* out) {
  if (m.hi != 0 || m.lo >= kLimit) return false;
  *out = negative ? -i128(m.lo) : i128(m.lo);
  return true;
}

// Aligns `c` from scale `from` to the larger scale `to`; false on overflow.
bool upscale(i128 c, int from, int to, i128* out) {
  if (to == from) {
    *out = c;
    return true;
  }
  u128 m = magnitude(c);
  u128 f = pow10(to - from);
  if (m != 0 && m >= kLimit / f + 1) return false;
  m *= f;
  if (m >= kLimit) return false;
  *out = c < 0 ? -i128(m) : i128(m);
  return true;
}

}  // namespace

Expected<Decimal> Decimal::from_parts(__int128 coefficient, int scale) {
  if (scale < 0 || scale > kMaxScale)
    return make_error(ErrorCode::InvalidValue, fmt::format("decimal scale {} is outside 0..{}", scale, kMaxScale));
  if (magnitude(coefficient) >= kLimit) return overflow("construction");
  return Decimal(coefficient, scale);
}

Decimal Decimal::from_int(int64_t value) { return Decimal(value, 0); }

bool Decimal::quick_parse(std::string_view text, Decimal* out) {
  // 19 characters hold at most 19 digits: below 10^19 < 2^64, and at most 18 decimals.
  if (text.empty() || text.size() > 19) return false;
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = *p == '-';
  p += negative;
  uint64_t m = 0;
  const char* const int_start = p;
  while (p < end && static_cast<unsigned>(*p - '0') <= 9) m = m * 10 + static_cast<unsigned>(*p++ - '0');
  if (p == int_start) return false;
  int scale = 0;
  if (p < end) {
    if (*p++ != '.') return false;
    const char* const frac_start = p;
    while (p < end && static_cast<unsigned>(*p - '0') <= 9) m = m * 10 + static_cast<unsigned>(*p++ - '0');
    if (p == frac_start || p != end) return false;
    scale = static_cast<int>(p - frac_start);
  }
  const i128 c = static_cast<i128>(m);
  *out = Decimal(negative ? -c : c, scale);
  return true;
}

Expected<Decimal> Decimal::parse(std::string_view text) {
  if (Decimal d; quick_parse(text, &d)) return d;
  auto junk = [&] {
    return make_error(ErrorCode::InvalidValue,
                      fmt::format("expected a decimal number such as 12.50, got \"{}\"", text));
  };
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && text[i] == '-') {
    negative = true;
    ++i;
  }
  u128 m = 0;
  int digits = 0, scale = 0;
  bool any_int = false, seen_point = false, any_frac = false;
  for (; i < text.size(); ++i) {
    char ch = text[i];
    if (ch == '.') {
      if (seen_point || !any_int) return junk();
      seen_point = true;
      continue;
    }
    if (ch < '0' || ch > '9') return junk();
    (seen_point ? any_frac : any_int) = true;
    if (seen_point && ++scale > kMaxScale)
      return make_error(ErrorCode::OutOfRange, fmt::format("\"{}\" has more than {} decimals", text, kMaxScale));
    if (m != 0 || ch != '0') ++digits;
    if (digits > kMaxDigits) return overflow("literal");
    m = m * 10 + static_cast<u128>(ch - '0');
  }
  if (!any_int || (seen_point && !any_frac)) return junk();
  return Decimal(negative ? -i128(m) : i128(m), scale);
}

bool Decimal::is_integer() const { return coefficient_ % i128(pow10(scale_)) == 0; }

std::string Decimal::to_string() const {
  char text[kMaxChars];
  return std::string(text, write(text));
}

char* Decimal::write(char* out) const {
  if (coefficient_ < 0) *out++ = '-';
  char digits[kMaxDigits];
  const auto n = static_cast<size_t>(write_digits(digits, magnitude(coefficient_)) - digits);
  const auto scale = static_cast<size_t>(scale_);
  if (scale == 0) {
    std::memcpy(out, digits, n);
    return out + n;
  }
  if (n <= scale) {  // below 1: "0.", the zeros after the point, the digits
    *out++ = '0';
    *out++ = '.';
    std::memset(out, '0', scale - n);
    std::memcpy(out + (scale - n), digits, n);
    return out + scale;
  }
  std::memcpy(out, digits, n - scale);
  out += n - scale;
  *out++ = '.';
  std::memcpy(out, digits + (n - scale), scale);
  return out + scale;
}

Expected<int64_t> Decimal::to_int64() const {
  if (!is_integer()) return make_error(ErrorCode::InvalidValue, fmt::format("{} is not a whole number", to_string()));
  i128 v = coefficient_ / i128(pow10(scale_));
  if (v > INT64_MAX || v < INT64_MIN)
    return make_error(ErrorCode::OutOfRange, fmt::format("{} does not fit a 64-bit integer", to_string()));
  return static_cast<int64_t>(v);
}

Decimal Decimal::normalized() const {
  i128 c = coefficient_;
  int s = scale_;
  while (s > 0 && c % 10 == 0) {
    c /= 10;
    --s;
  }
  return Decimal(c, s);
}

double Decimal::to_double() const { return static_cast<double>(coefficient_) / static_cast<double>(pow10(scale_)); }

int compare(const Decimal& a, const Decimal& b) {
  // Integer parts first, then fractions at a common scale: aligning whole coefficients
  // could pass 128 bits.
  i128 ia = a.coefficient() / i128(pow10(a.scale()));
  i128 ib = b.coefficient() / i128(pow10(b.scale()));
  if (ia != ib) return ia < ib ? -1 : 1;
  i128 fa = (a.coefficient() % i128(pow10(a.scale()))) * i128(pow10(Decimal::kMaxScale - a.scale()));
  i128 fb = (b.coefficient() % i128(pow10(b.scale()))) * i128(pow10(Decimal::kMaxScale - b.scale()));
  return fa < fb ? -1 : (fa > fb ? 1 : 0);
}

bool operator==(const Decimal& a, const Decimal& b) { return compare(a, b) == 0; }

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
  int c = compare(a, b);
  return c < 0 ? std::strong_ordering::less : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
}

bool try_add(const Decimal& a, const Decimal& b, Decimal* out) {
  int s = std::max(a.scale_, b.scale_);
  i128 ca = a.coefficient_, cb = b.coefficient_;  // amounts of one currency mostly share a scale
  if ((a.scale_ != s && !upscale(ca, a.scale_, s, &ca)) || (b.scale_ != s && !upscale(cb, b.scale_, s, &cb)))
    return false;
  // INVARIANT: |ca|, |cb| < 10^36, so the sum cannot wrap 128 bits.
  i128 c = ca + cb;
  if (magnitude(c) >= kLimit) return false;
  *out = Decimal(c, s);
  return true;
}

Expected<Decimal> add(const Decimal& a, const Decimal& b) {
  Decimal r;
  if (try_add(a, b, &r)) return r;
  return overflow("addition");
}

bool try_sub(const Decimal& a, const Decimal& b, Decimal* out) { return try_add(a, negate(b), out); }

Expected<Decimal> sub(const Decimal& a, const Decimal& b) { return add(a, negate(b)); }

bool try_mul(const Decimal& a, const Decimal& b, Decimal* out) {
  bool negative = (a.sign() < 0) != (b.sign() < 0);
  u128 ma = magnitude(a.coefficient_), mb = magnitude(b.coefficient_);
  int s = a.scale_ + b.scale_;
  u128 m;
  if ((ma >> 64) == 0 && (mb >> 64) == 0 && s <= Decimal::kMaxScale) {
    m = ma * mb;  // two 64-bit factors: the product fits 128 bits, and no rounding is due
    if (m >= kLimit) return false;
  } else {
    U256 w = detail::mul_wide(ma, mb);
    if (s > Decimal::kMaxScale) {
      w = detail::shift_right_rounded(w, s - Decimal::kMaxScale, RoundingMode::HalfEven, negative);
      s = Decimal::kMaxScale;
    }
    if (w.hi != 0 || w.lo >= kLimit) return false;
    m = w.lo;
  }
  *out = Decimal(negative ? -i128(m) : i128(m), s);
  return true;
}

Expected<Decimal> mul(const Decimal& a, const Decimal& b) {
  Decimal r;
  if (try_mul(a, b, &r)) return r;
  return overflow("multiplication");
}

Expected<Decimal> div(const Decimal& a, const Decimal& b) {
  if (b.is_zero()) return make_error(ErrorCode::DivisionByZero, fmt::format("division of {} by zero", a.to_string()));
  bool negative = (a.sign() < 0) != (b.sign() < 0);
  // q = a.c * 10^(18 + b.s - a.s) / b.c is the quotient with kMaxScale decimals.
  int e = Decimal::kMaxScale + b.scale() - a.scale();
  U256 n = detail::mul_wide(magnitude(a.coefficient()), pow10(e));
  u128 divisor = magnitude(b.coefficient());
  u128 rem;
  U256 q = detail::divmod(n, divisor, &rem);
  // Compare 2 * rem with the divisor without overflow: divisor < 2^127.
  u128 twice = rem * 2;
  detail::Discarded d{twice > divisor ? 1 : (twice < divisor ? -1 : 0), rem != 0};
  if (detail::round_away(RoundingMode::HalfEven, negative, d, (q.lo & 1) != 0)) q = detail::add_small(q, 1);
  int s = Decimal::kMaxScale;
  int keep = std::max(a.scale(), b.scale());
  while (s > keep) {
    u128 r;
    U256 t = detail::divmod(q, 10, &r);
    if (r != 0) break;
    q = t;
    --s;
  }
  i128 c;
  if (!to_coefficient(q, negative, &c)) return overflow("division");
  return Decimal::from_parts(c, s);
}

Decimal negate(const Decimal& a) { return Decimal::from_parts(-a.coefficient(), a.scale()).value(); }
Decimal abs(const Decimal& a) { return a.sign() < 0 ? negate(a) : a; }
Decimal min(const Decimal& a, const Decimal& b) { return compare(b, a) < 0 ? b : a; }
Decimal max(const Decimal& a, const Decimal& b) { return compare(b, a) > 0 ? b : a; }

bool try_round(const Decimal& a, int places, RoundingMode mode, Decimal* out) {
  if (places < 0 || places > Decimal::kMaxScale) return false;
  if (places >= a.scale_) {
    i128 c;
    if (!upscale(a.coefficient_, a.scale_, places, &c)) return false;
    *out = Decimal(c, places);
    return true;
  }
  bool negative = a.sign() < 0;
  u128 m = magnitude(a.coefficient_);
  int digits = a.scale_ - places;  // 1..18: 10^digits fits 64 bits
  if ((m >> 64) == 0) {
    // One 64-bit division; the remainder against half of 10^digits (an even number) says
    // what shift_right_rounded's last digit and sticky bit say.
    auto m64 = static_cast<uint64_t>(m);
    auto p = static_cast<uint64_t>(pow10(digits));
    uint64_t q = m64 / p, r = m64 % p, half = p / 2;
    detail::Discarded d{r > half ? 1 : (r < half ? -1 : 0), r != 0};
    if (detail::round_away(mode, negative, d, (q & 1) != 0)) ++q;
    *out = Decimal(negative ? -i128(q) : i128(q), places);  // q <= 2^64 / 10 + 1 < 10^36
    return true;
  }
  U256 w = detail::shift_right_rounded(U256{0, m}, digits, mode, negative);
  if (w.hi != 0 || w.lo >= kLimit) return false;
  *out = Decimal(negative ? -i128(w.lo) : i128(w.lo), places);
  return true;
}

Expected<Decimal> round(const Decimal& a, int places, RoundingMode mode) {
  if (places < 0 || places > Decimal::kMaxScale)
    return make_error(ErrorCode::InvalidValue,
                      fmt::format("cannot round to {} decimals (0..{})", places, Decimal::kMaxScale));
  Decimal r;
  if (try_round(a, places, mode, &r)) return r;
  return overflow("rounding");
}

Expected<int64_t> round_to_int(const Decimal& a, RoundingMode mode) {
  auto r = round(a, 0, mode);
  if (!r) return r.take_error();
  auto v = r->to_int64();
  if (!v) return make_error(ErrorCode::Overflow, fmt::format("{} does not fit a 64-bit integer", r->to_string()));
  return v;
}

Expected<int64_t> ceil_to_int(const Decimal& a) { return round_to_int(a, RoundingMode::Ceiling); }
Expected<int64_t> floor_to_int(const Decimal& a) { return round_to_int(a, RoundingMode::Floor); }

}  // namespace proviso::rt

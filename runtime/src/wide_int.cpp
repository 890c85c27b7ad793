// 256-bit helpers behind Decimal: wide products, long division and decimal rounding shifts.
#include "wide_int.h"

namespace proviso::rt::detail {

u128 pow10(int n) {
  static const auto table = [] {
    struct T {
      u128 v[39];
    } t{};
    t.v[0] = 1;
    for (int i = 1; i < 39; ++i) t.v[i] = t.v[i - 1] * 10;
    return t;
  }();
  return table.v[n];
}

U256 mul_wide(u128 a, u128 b) {
  const u128 mask = ~uint64_t{0};
  u128 a0 = a & mask, a1 = a >> 64, b0 = b & mask, b1 = b >> 64;
  u128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  u128 mid = (p00 >> 64) + (p01 & mask) + (p10 & mask);
  U256 r;
  r.lo = (p00 & mask) | (mid << 64);
  r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
  return r;
}

U256 divmod(U256 n, u128 divisor, u128* remainder) {
  U256 q;
  if (n.hi == 0) {
    q.lo = n.lo / divisor;
    *remainder = n.lo % divisor;
    return q;
  }
  // Shift-subtract; the remainder stays below divisor < 2^127, so doubling it cannot wrap.
  u128 rem = 0;
  for (int i = 255; i >= 0; --i) {
    u128 bit = i >= 128 ? (n.hi >> (i - 128)) & 1 : (n.lo >> i) & 1;
    rem = (rem << 1) | bit;
    if (rem >= divisor) {
      rem -= divisor;
      if (i >= 128)
        q.hi |= u128{1} << (i - 128);
      else
        q.lo |= u128{1} << i;
    }
  }
  *remainder = rem;
  return q;
}

U256 add_small(U256 n, uint64_t v) {
  U256 r = n;
  r.lo += v;
  if (r.lo < n.lo) ++r.hi;
  return r;
}

bool round_away(RoundingMode mode, bool negative, Discarded d, bool last_digit_odd) {
  switch (mode) {
    case RoundingMode::Down: return false;
    case RoundingMode::Up: return d.nonzero;
    case RoundingMode::Ceiling: return d.nonzero && !negative;
    case RoundingMode::Floor: return d.nonzero && negative;
    case RoundingMode::HalfAwayFromZero: return d.vs_half >= 0 && d.nonzero;
    case RoundingMode::HalfEven: return d.vs_half > 0 || (d.vs_half == 0 && last_digit_odd);
  }
  return false;
}

U256 shift_right_rounded(U256 magnitude, int digits, RoundingMode mode, bool negative) {
  if (digits <= 0) return magnitude;
  bool sticky = false;
  u128 rem = 0;
  // Drop all but the last discarded digit in chunks that fit a native division step.
  while (digits > 1) {
    int chunk = digits - 1 > 18 ? 18 : digits - 1;
    magnitude = divmod(magnitude, pow10(chunk), &rem);
    sticky = sticky || rem != 0;
    digits -= chunk;
  }
  magnitude = divmod(magnitude, 10, &rem);
  int digit = static_cast<int>(rem);
  Discarded d{digit > 5 ? 1 : (digit < 5 ? -1 : (sticky ? 1 : 0)), digit != 0 || sticky};
  if (round_away(mode, negative, d, (magnitude.lo & 1) != 0)) magnitude = add_small(magnitude, 1);
  return magnitude;
}

}  // namespace proviso::rt::detail

// Private to the runtime: 256-bit unsigned magnitudes for exact decimal multiplication and
// division, with decimal right shifts that round by any RoundingMode.
#pragma once

#include <cstdint>

#include <proviso/rt/decimal.h>

namespace proviso::rt::detail {

using u128 = unsigned __int128;
using i128 = __int128;

// 10^n for n in 0..38.
u128 pow10(int n);

struct U256 {
  u128 hi = 0;
  u128 lo = 0;
  bool is_zero() const { return hi == 0 && lo == 0; }
};

U256 mul_wide(u128 a, u128 b);
// Quotient and remainder of a 256-bit number by a divisor below 2^127.
U256 divmod(U256 n, u128 divisor, u128* remainder);
U256 add_small(U256 n, uint64_t v);

// How the discarded part of a number compares to half a unit of the kept last digit.
struct Discarded {
  int vs_half;   // -1 below half, 0 exactly half, 1 above half
  bool nonzero;  // anything discarded at all
};

// Whether to move the truncated magnitude one unit away from zero.
bool round_away(RoundingMode mode, bool negative, Discarded discarded, bool last_digit_odd);

// magnitude / 10^digits rounded by `mode` (digits >= 0).
U256 shift_right_rounded(U256 magnitude, int digits, RoundingMode mode, bool negative);

}  // namespace proviso::rt::detail

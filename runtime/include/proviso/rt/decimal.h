// Exact decimal numbers (coefficient * 10^-scale, 36 significant digits, scale 0..18) with
// checked arithmetic and explicit rounding modes. Percentages are plain decimals (25% = 0.25).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include <proviso/rt/error.h>

namespace proviso::rt {

enum class RoundingMode {
  HalfAwayFromZero,
  HalfEven,
  Up,    // away from zero
  Down,  // toward zero (truncate)
  Ceiling,
  Floor,
};

class Decimal {
 public:
  static constexpr int kMaxScale = 18;
  // |coefficient| must stay below 10^kMaxDigits; anything larger is an Overflow error.
  static constexpr int kMaxDigits = 36;

  Decimal() = default;  // 0 with scale 0

  // "-12.50", "3", "0.001". Rejects empty text, '+', exponents, ".5", "5.", white space,
  // more than kMaxScale decimals (InvalidValue) and more than kMaxDigits digits (Overflow).
  static Expected<Decimal> parse(std::string_view text);
  // The commonest texts read in 64-bit arithmetic, without a result that could carry an error:
  // at most 19 characters ("-", digits, at most one "." between digits), which parse would
  // accept. True, with *out set, when `text` is such a text, with the value parse gives; false
  // for anything else, which parse must then read. parse calls it first.
  static bool quick_parse(std::string_view text, Decimal* out);
  static Decimal from_int(int64_t value);
  // coefficient * 10^-scale; scale 0..kMaxScale, |coefficient| < 10^kMaxDigits.
  static Expected<Decimal> from_parts(__int128 coefficient, int scale);

  __int128 coefficient() const { return coefficient_; }
  int scale() const { return scale_; }
  int sign() const { return coefficient_ < 0 ? -1 : (coefficient_ > 0 ? 1 : 0); }
  bool is_zero() const { return coefficient_ == 0; }
  bool is_integer() const;

  // Keeps the scale: "12.50", "-0.5", "0.000". Zero never prints a sign.
  std::string to_string() const;
  // The most characters to_string gives: kMaxDigits digits, a point and a sign (a value
  // below 1 needs at most "-0." and kMaxScale decimals).
  static constexpr std::size_t kMaxChars = kMaxDigits + 2;
  // to_string's text written at `out` (room for kMaxChars); returns its end.
  char* write(char* out) const;
  // Only when integral and within int64 (OutOfRange otherwise, InvalidValue if fractional).
  Expected<int64_t> to_int64() const;
  // Same value with trailing fractional zeros removed ("1.500" -> "1.5").
  Decimal normalized() const;
  // Nearest double, for display and statistics only.
  double to_double() const;

  // Value-based: 1.0 == 1.00.
  friend bool operator==(const Decimal& a, const Decimal& b);
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);

  friend bool try_add(const Decimal& a, const Decimal& b, Decimal* out);
  friend bool try_mul(const Decimal& a, const Decimal& b, Decimal* out);
  friend bool try_round(const Decimal& a, int places, RoundingMode mode, Decimal* out);

 private:
  Decimal(__int128 coefficient, int scale) : coefficient_(coefficient), scale_(scale) {}
  __int128 coefficient_ = 0;
  int scale_ = 0;
};

// -1, 0 or 1.
int compare(const Decimal& a, const Decimal& b);

// Exact; the result has the larger of the two scales.
Expected<Decimal> add(const Decimal& a, const Decimal& b);
Expected<Decimal> sub(const Decimal& a, const Decimal& b);
// Exact (scale = sum of scales) unless that passes kMaxScale: then rounded half-even to
// kMaxScale decimals.
Expected<Decimal> mul(const Decimal& a, const Decimal& b);
// Rounded half-even to kMaxScale decimals, then trailing zeros beyond
// max(a.scale(), b.scale()) are trimmed (1.00 / 4 = 0.25; 10 / 4 = 2.5; 1 / 3 = 0.333...3).
Expected<Decimal> div(const Decimal& a, const Decimal& b);
Decimal negate(const Decimal& a);
Decimal abs(const Decimal& a);
Decimal min(const Decimal& a, const Decimal& b);
Decimal max(const Decimal& a, const Decimal& b);

// Result has exactly `places` decimals (0..kMaxScale; InvalidValue otherwise), extending
// with zeros when the value has fewer.
Expected<Decimal> round(const Decimal& a, int places, RoundingMode mode);

// The same operations for hot paths (the JIT's calls), without building an error: true with
// the result in *out, or false when the operation fails, and then the Expected form above
// gives the error. Each Expected form is its try_ form plus the error.
bool try_add(const Decimal& a, const Decimal& b, Decimal* out);
bool try_sub(const Decimal& a, const Decimal& b, Decimal* out);
bool try_mul(const Decimal& a, const Decimal& b, Decimal* out);
bool try_round(const Decimal& a, int places, RoundingMode mode, Decimal* out);
// Integer-valued results that must fit int64 (Overflow otherwise).
Expected<int64_t> ceil_to_int(const Decimal& a);
Expected<int64_t> floor_to_int(const Decimal& a);
Expected<int64_t> round_to_int(const Decimal& a, RoundingMode mode);

}  // namespace proviso::rt

// Decimal: parsing, formatting, comparison, exact arithmetic, rounding modes, overflow.
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <proviso/rt/decimal.h>

#include "test_support.h"

using namespace proviso::rt;
using proviso::rt::test::dec;

TEST_CASE("decimal parse and format keep the scale", "[decimal]") {
  struct Row {
    const char* text;
    const char* printed;
    int scale;
  };
  const Row rows[] = {
      {"-12.50", "-12.50", 2},
      {"3", "3", 0},
      {"0.001", "0.001", 3},
      {"-0.5", "-0.5", 1},
      {"0.000", "0.000", 3},
      {"-0", "0", 0},
      {"-0.00", "0.00", 2},
      {"007.10", "7.10", 2},
      {"123456789012345678.123456789012345678", "123456789012345678.123456789012345678", 18},
      {"999999999999999999999999999999999999", "999999999999999999999999999999999999", 0},
  };
  for (const Row& r : rows) {
    INFO(r.text);
    auto d = Decimal::parse(r.text);
    REQUIRE(d.ok());
    CHECK(d->to_string() == r.printed);
    CHECK(d->scale() == r.scale);
  }
}

TEST_CASE("decimal parse rejects junk", "[decimal]") {
  const char* junk[] = {"",   "-",   "+1",  "1e5",   "1E5",  ".5",  "5.",    "1.2.3", " 1",
                        "1 ", "abc", "12a", "1,000", "0x10", "--1", "1_000", "-.5",   "∞"};
  for (const char* text : junk) {
    INFO(text);
    auto d = Decimal::parse(text);
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().code == ErrorCode::InvalidValue);
  }
  auto many = Decimal::parse("0.1234567890123456789");  // 19 decimals
  REQUIRE_FALSE(many.ok());
  CHECK(many.error().code == ErrorCode::OutOfRange);                   // well formed, beyond the limit
  auto big = Decimal::parse("1000000000000000000000000000000000000");  // 37 digits
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == ErrorCode::Overflow);
}

TEST_CASE("decimal comparison is by value", "[decimal]") {
  CHECK(dec("1.0") == dec("1.00"));
  CHECK(dec("-0.5") < dec("0.2"));
  CHECK(dec("-1.5") < dec("-0.9"));
  CHECK(dec("0.000000000000000001") > dec("0"));
  CHECK(dec("2") > dec("1.999999999999999999"));
  CHECK(dec("999999999999999999999999999999999999") > dec("1.5"));
  CHECK(dec("-999999999999999999.999999999999999999") < dec("-999999999999999999.99999999999999999"));
  CHECK(compare(dec("12.50"), dec("12.5")) == 0);
  CHECK(dec("3.000").is_integer());
  CHECK_FALSE(dec("3.001").is_integer());
  CHECK(dec("1.500").normalized().to_string() == "1.5");
}

namespace {

std::string show(const Expected<Decimal>& d) {
  return d.ok() ? d->to_string() : std::string("error: ") + error_code_name(d.error().code);
}

}  // namespace

TEST_CASE("decimal arithmetic is exact", "[decimal]") {
  CHECK(show(add(dec("1.5"), dec("2.25"))) == "3.75");
  CHECK(show(add(dec("0.1"), dec("0.2"))) == "0.3");
  CHECK(show(sub(dec("1.00"), dec("0.5"))) == "0.50");
  CHECK(show(sub(dec("0.5"), dec("1.25"))) == "-0.75");
  CHECK(show(mul(dec("1.5"), dec("1.5"))) == "2.25");
  CHECK(show(mul(dec("12.50"), dec("0.25"))) == "3.1250");
  CHECK(show(mul(dec("-3"), dec("0.5"))) == "-1.5");
  CHECK(negate(dec("2.50")).to_string() == "-2.50");
  CHECK(abs(dec("-2.50")).to_string() == "2.50");
  // Past 18 decimals the product is rounded half-even.
  CHECK(show(mul(dec("0.000000001"), dec("0.0000000015"))) == "0.000000000000000002");
  CHECK(show(mul(dec("0.000000001"), dec("0.0000000025"))) == "0.000000000000000002");
  CHECK(show(mul(dec("0.000000001"), dec("0.0000000035"))) == "0.000000000000000004");
  // Large operands whose exact product needs rounding but fits once rounded.
  CHECK(show(mul(dec("100000000000000000.000000000000000001"), dec("0.000000000000000001"))) == "0.100000000000000000");
}

TEST_CASE("decimal division rounds half-even to 18 places and trims", "[decimal]") {
  struct Row {
    const char* a;
    const char* b;
    const char* q;
  };
  const Row rows[] = {
      {"1", "3", "0.333333333333333333"},
      {"2", "3", "0.666666666666666667"},
      {"-1", "3", "-0.333333333333333333"},
      {"-2", "3", "-0.666666666666666667"},
      {"10", "4", "2.5"},
      {"1.00", "4", "0.25"},
      {"1.000", "4", "0.250"},
      {"1", "8", "0.125"},
      {"10", "2", "5"},
      {"12.50", "0.25", "50.00"},
      {"1", "0.000000000000000003", "333333333333333333.333333333333333333"},
      {"0.000000000000000001", "2", "0.000000000000000000"},  // half-even: 0.5e-18 -> 0
      {"0.000000000000000003", "2", "0.000000000000000002"},  // 1.5e-18 -> 2e-18
      {"999999999999999999999999999999999999", "1", "999999999999999999999999999999999999"},
  };
  for (const Row& r : rows) {
    INFO(r.a << " / " << r.b);
    CHECK(show(div(dec(r.a), dec(r.b))) == r.q);
  }
  auto z = div(dec("1"), dec("0.00"));
  REQUIRE_FALSE(z.ok());
  CHECK(z.error().code == ErrorCode::DivisionByZero);
}

TEST_CASE("decimal overflow is an error, never a wrap", "[decimal]") {
  const Decimal big = dec("999999999999999999999999999999999999");
  const Decimal small = dec("0.000000000000000001");
  CHECK(show(add(big, dec("1"))) == "error: overflow");
  CHECK(show(sub(negate(big), dec("1"))) == "error: overflow");
  CHECK(show(add(big, small)) == "error: overflow");  // would need 54 digits
  CHECK(show(mul(big, dec("10"))) == "error: overflow");
  CHECK(show(mul(big, big)) == "error: overflow");
  CHECK(show(mul(dec("100000000000000000000"), dec("100000000000000000000"))) == "error: overflow");
  CHECK(show(mul(dec("100000000000000000"), dec("10000000000000000000"))) == "error: overflow");
  CHECK(show(div(big, dec("0.1"))) == "error: overflow");
  CHECK(show(round(big, 1, RoundingMode::HalfEven)) == "error: overflow");
  CHECK(show(add(big, negate(big))) == "0");
  CHECK(show(mul(dec("100000000000000000"), dec("1000000000000000000"))) == "100000000000000000000000000000000000");
  auto raw = Decimal::from_parts(static_cast<__int128>(1) << 126, 0);  // ~8.5e37
  REQUIRE_FALSE(raw.ok());
  CHECK(raw.error().code == ErrorCode::Overflow);
  CHECK_FALSE(Decimal::from_parts(1, 19).ok());
}

TEST_CASE("rounding modes", "[decimal]") {
  using M = RoundingMode;
  struct Row {
    const char* value;
    int places;
    M mode;
    const char* expected;
  };
  const Row rows[] = {
      {"2.5", 0, M::HalfAwayFromZero, "3"},
      {"2.5", 0, M::HalfEven, "2"},
      {"2.5", 0, M::Up, "3"},
      {"2.5", 0, M::Down, "2"},
      {"2.5", 0, M::Ceiling, "3"},
      {"2.5", 0, M::Floor, "2"},
      {"-2.5", 0, M::HalfAwayFromZero, "-3"},
      {"-2.5", 0, M::HalfEven, "-2"},
      {"-2.5", 0, M::Up, "-3"},
      {"-2.5", 0, M::Down, "-2"},
      {"-2.5", 0, M::Ceiling, "-2"},
      {"-2.5", 0, M::Floor, "-3"},
      {"3.5", 0, M::HalfEven, "4"},
      {"2.51", 0, M::HalfEven, "3"},
      {"-2.51", 0, M::HalfEven, "-3"},
      {"2.4999", 0, M::HalfAwayFromZero, "2"},
      {"1.005", 2, M::HalfAwayFromZero, "1.01"},
      {"1.005", 2, M::HalfEven, "1.00"},
      {"1.005", 2, M::Up, "1.01"},
      {"1.005", 2, M::Down, "1.00"},
      {"1.005", 2, M::Ceiling, "1.01"},
      {"1.005", 2, M::Floor, "1.00"},
      {"0.125", 2, M::HalfEven, "0.12"},
      {"0.125", 2, M::HalfAwayFromZero, "0.13"},
      {"0.135", 2, M::HalfEven, "0.14"},
      {"0.1250000001", 2, M::HalfEven, "0.13"},
      {"-0.001", 2, M::Floor, "-0.01"},
      {"-0.001", 2, M::Ceiling, "0.00"},
      {"-0.001", 2, M::Up, "-0.01"},
      {"-0.001", 2, M::Down, "0.00"},
      {"-0.5", 0, M::HalfEven, "0"},
      {"1.2", 3, M::HalfEven, "1.200"},
      {"7", 2, M::Down, "7.00"},
      {"2.000001", 0, M::Up, "3"},
      {"2.000001", 0, M::Ceiling, "3"},
      {"2.000001", 0, M::Down, "2"},
      {"0.999999999999999999", 0, M::HalfAwayFromZero, "1"},
      {"999999999999999999.5", 0, M::HalfEven, "1000000000000000000"},
  };
  for (const Row& r : rows) {
    INFO(r.value << " to " << r.places << " mode " << static_cast<int>(r.mode));
    CHECK(show(round(dec(r.value), r.places, r.mode)) == r.expected);
  }
  CHECK(show(round(dec("1.5"), 19, M::HalfEven)) == "error: invalid_value");
  CHECK(show(round(dec("1.5"), -1, M::HalfEven)) == "error: invalid_value");
}

TEST_CASE("decimal to integers", "[decimal]") {
  CHECK(ceil_to_int(dec("2.1")).value() == 3);
  CHECK(floor_to_int(dec("2.1")).value() == 2);
  CHECK(ceil_to_int(dec("-2.1")).value() == -2);
  CHECK(floor_to_int(dec("-2.1")).value() == -3);
  CHECK(ceil_to_int(dec("3")).value() == 3);
  CHECK(ceil_to_int(dec("0.00")).value() == 0);
  CHECK(ceil_to_int(dec("1.5")).value() == 2);  // nodes 150 / 100 -> 2 entitlements
  CHECK(dec("3.000").to_int64().value() == 3);
  CHECK(dec("-9223372036854775808").to_int64().value() == INT64_MIN);
  auto half = dec("2.5").to_int64();
  REQUIRE_FALSE(half.ok());
  CHECK(half.error().code == ErrorCode::InvalidValue);
  auto huge = ceil_to_int(dec("1000000000000000000000000000000"));
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().code == ErrorCode::Overflow);
  CHECK(Decimal::from_int(INT64_MIN).to_string() == "-9223372036854775808");
}

// ---- the try_ forms (the JIT's fast paths) against digit-by-digit references ----

namespace {

// Decimal digits of |c| (no sign), at least one digit.
std::string digits_of(__int128 c) {
  unsigned __int128 m = c < 0 ? -static_cast<unsigned __int128>(c) : static_cast<unsigned __int128>(c);
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m != 0);
  return s;
}

// Schoolbook product of two digit strings.
std::string times(const std::string& a, const std::string& b) {
  std::vector<int> r(a.size() + b.size(), 0);
  for (size_t i = a.size(); i-- > 0;)
    for (size_t j = b.size(); j-- > 0;) {
      int t = (a[i] - '0') * (b[j] - '0') + r[i + j + 1];
      r[i + j + 1] = t % 10;
      r[i + j] += t / 10;
    }
  std::string s;
  for (int d : r)
    if (!s.empty() || d != 0) s.push_back(static_cast<char>('0' + d));
  return s.empty() ? "0" : s;
}

// The text of sign * digits * 10^-scale as Decimal::to_string prints it.
std::string text_of(bool negative, std::string digits, int scale) {
  while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) digits.insert(0, scale + 1 - digits.size(), '0');
    digits.insert(digits.size() - scale, ".");
  }
  bool zero = digits.find_first_not_of("0.") == std::string::npos;
  return (negative && !zero ? "-" : "") + digits;
}

// Rounds sign * digits * 10^-scale to `places` (< scale) decimals, by reading the digits.
std::string rounded_text(bool negative, std::string digits, int scale, int places, RoundingMode mode) {
  if (digits.size() <= static_cast<size_t>(scale)) digits.insert(0, scale + 1 - digits.size(), '0');
  size_t cut = digits.size() - static_cast<size_t>(scale - places);
  std::string kept = digits.substr(0, cut), dropped = digits.substr(cut);
  bool nonzero = dropped.find_first_not_of('0') != std::string::npos;
  int vs_half = dropped[0] > '5'   ? 1
                : dropped[0] < '5' ? -1
                                   : (dropped.find_first_not_of('0', 1) != std::string::npos ? 1 : 0);
  bool odd = (kept.back() - '0') % 2 == 1;
  bool away = false;
  switch (mode) {
    case RoundingMode::Down: away = false; break;
    case RoundingMode::Up: away = nonzero; break;
    case RoundingMode::Ceiling: away = nonzero && !negative; break;
    case RoundingMode::Floor: away = nonzero && negative; break;
    case RoundingMode::HalfAwayFromZero: away = nonzero && vs_half >= 0; break;
    case RoundingMode::HalfEven: away = vs_half > 0 || (vs_half == 0 && odd); break;
  }
  if (away) {  // add one unit to the kept digits
    size_t i = kept.size();
    while (i > 0 && kept[i - 1] == '9') kept[--i] = '0';
    if (i == 0)
      kept.insert(0, "1");
    else
      ++kept[i - 1];
  }
  return text_of(negative, kept, places);
}

}  // namespace

TEST_CASE("try_round and try_mul agree with digit-by-digit references", "[decimal]") {
  std::mt19937_64 rng(20261122);
  const RoundingMode modes[] = {
      RoundingMode::HalfAwayFromZero, RoundingMode::HalfEven, RoundingMode::Up, RoundingMode::Down,
      RoundingMode::Ceiling,          RoundingMode::Floor};
  auto coefficient = [&] {
    // Mostly below 2^64 (the one-division path), sometimes up to 36 digits; many ties.
    unsigned __int128 m;
    switch (rng() % 4) {
      case 0: m = rng() % 1000000; break;
      case 1: m = rng(); break;
      case 2:
        m = (static_cast<unsigned __int128>(rng()) << 64 | rng()) %
            (static_cast<unsigned __int128>(1000000000000000000ULL) * 1000000000000000000ULL);
        break;
      default:
        m = (rng() % 100000) * 10 + 5;
        m *= (rng() % 2) ? 1 : 1000;
        break;
    }
    __int128 c = static_cast<__int128>(m);
    return rng() % 2 ? -c : c;
  };
  for (int i = 0; i < 20000; ++i) {
    __int128 c = coefficient();
    int scale = static_cast<int>(rng() % 19);
    auto a = Decimal::from_parts(c, scale);
    REQUIRE(a.ok());
    int places = static_cast<int>(rng() % 19);
    RoundingMode mode = modes[rng() % 6];
    Decimal r;
    bool ok = try_round(*a, places, mode, &r);
    INFO(a->to_string() << " to " << places << " places, mode " << static_cast<int>(mode));
    std::string want = places >= scale ? text_of(c < 0, digits_of(c) + std::string(places - scale, '0'), places)
                                       : rounded_text(c < 0, digits_of(c), scale, places, mode);
    if (want.size() - (want[0] == '-') - (want.find('.') != std::string::npos) > 36) {
      CHECK_FALSE(ok);  // more than 36 digits: overflow
      continue;
    }
    REQUIRE(ok);
    CHECK(r.to_string() == want);
    CHECK(r.scale() == places);
  }
  for (int i = 0; i < 20000; ++i) {
    __int128 ca = coefficient(), cb = coefficient();
    int sa = static_cast<int>(rng() % 10), sb = static_cast<int>(rng() % 10);
    auto a = Decimal::from_parts(ca, sa), b = Decimal::from_parts(cb, sb);
    REQUIRE((a.ok() && b.ok()));
    INFO(a->to_string() << " * " << b->to_string());
    Decimal r;
    bool ok = try_mul(*a, *b, &r);
    std::string exact = times(digits_of(ca), digits_of(cb));
    bool negative = (ca < 0) != (cb < 0);
    std::string want = sa + sb <= Decimal::kMaxScale
                           ? text_of(negative, exact, sa + sb)
                           : rounded_text(negative, exact, sa + sb, Decimal::kMaxScale, RoundingMode::HalfEven);
    std::string stripped = want.substr(want[0] == '-');
    while (stripped.size() > 1 && (stripped[0] == '0' || stripped[0] == '.')) stripped.erase(0, 1);
    if (stripped.find_first_not_of("0.") != std::string::npos &&
        stripped.size() - (stripped.find('.') != std::string::npos) > 36) {
      CHECK_FALSE(ok);
      CHECK_FALSE(mul(*a, *b).ok());
      continue;
    }
    REQUIRE(ok);
    CHECK(r.to_string() == want);
    auto full = mul(*a, *b);
    REQUIRE(full.ok());
    CHECK(full->to_string() == want);
  }
}

namespace {

// to_string's text as it was first written: a digit per 128-bit division.
std::string digit_by_digit(__int128 c, int scale) {
  unsigned __int128 m = c < 0 ? -static_cast<unsigned __int128>(c) : static_cast<unsigned __int128>(c);
  std::string d;
  do {
    d.insert(d.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m != 0);
  if (scale > 0) {
    if (static_cast<int>(d.size()) <= scale) d.insert(0, static_cast<size_t>(scale) + 1 - d.size(), '0');
    d.insert(d.size() - static_cast<size_t>(scale), 1, '.');
  }
  if (c < 0) d.insert(0, 1, '-');
  return d;
}

}  // namespace

TEST_CASE("to_string and write give the digit-by-digit text", "[decimal]") {
  std::mt19937_64 rng(20261205);
  const unsigned __int128 e18 = 1000000000000000000ULL;
  const unsigned __int128 limit = e18 * e18;  // 10^36
  std::vector<unsigned __int128> edges = {0,
                                          1,
                                          9,
                                          10,
                                          e18 - 1,
                                          e18,
                                          e18 + 1,
                                          UINT64_MAX,
                                          static_cast<unsigned __int128>(UINT64_MAX) + 1,
                                          e18 * 10,
                                          e18 * e18 / 10,
                                          limit - 1,
                                          limit - e18,
                                          e18 * (e18 - 1) + 1};
  for (int i = 0; i < 20000; ++i) {
    unsigned __int128 m = static_cast<unsigned __int128>(rng()) << 64 | rng();
    edges.push_back(i % 3 == 0 ? m % limit : (i % 3 == 1 ? m % (e18 * 100000) : rng() % 1000));
  }
  char text[Decimal::kMaxChars];
  for (unsigned __int128 m : edges) {
    for (int scale : {0, 1, 2, 17, 18, static_cast<int>(rng() % 19)}) {
      for (int sign : {1, -1}) {
        const __int128 c = sign * static_cast<__int128>(m);
        auto d = Decimal::from_parts(c, scale);
        REQUIRE(d.ok());
        const std::string want = digit_by_digit(c, scale);
        INFO(want);
        CHECK(d->to_string() == want);
        char* end = d->write(text);
        CHECK(std::string(text, end) == want);
        CHECK(static_cast<size_t>(end - text) <= Decimal::kMaxChars);
      }
    }
  }
}

// Money: the currency table, parsing, mixed-currency errors, minor units and output rounding.
#include <catch2/catch.hpp>

#include <cctype>
#include <random>
#include <string>

#include <proviso/rt/money.h>

#include "test_support.h"

using namespace proviso::rt;
using proviso::rt::test::dec;

namespace {

Money money(std::string_view text) {
  auto m = parse_money(text);
  INFO("money literal " << text);
  REQUIRE(m.ok());
  return *m;
}

std::string show(const Expected<Money>& m) {
  return m.ok() ? format_money_exact(*m) : std::string("error: ") + error_code_name(m.error().code);
}

}  // namespace

TEST_CASE("currency table", "[money]") {
  struct Row {
    const char* code;
    int minor;
  };
  const Row rows[] = {{"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"JPY", 0}, {"KWD", 3}, {"BHD", 3}, {"CHF", 2},
                      {"AUD", 2}, {"CAD", 2}, {"SEK", 2}, {"NOK", 2}, {"DKK", 2}, {"INR", 2}, {"CNY", 2},
                      {"KRW", 0}, {"ISK", 0}, {"CLP", 0}, {"TND", 3}, {"OMR", 3}, {"JOD", 3}, {"IQD", 3},
                      {"LYD", 3}, {"CLF", 4}, {"UYW", 4}, {"VND", 0}, {"XOF", 0}, {"AED", 2}, {"ZWL", 2}};
  for (const Row& r : rows) {
    INFO(r.code);
    auto i = currency_index(r.code);
    REQUIRE(i.ok());
    CHECK(currency(*i).code == r.code);
    CHECK(currency(*i).minor_unit == r.minor);
  }
  CHECK(currency_count() > 150);
  for (size_t i = 0; i < currency_count(); ++i) {  // every code finds its own row
    auto back = currency_index(currency(static_cast<uint16_t>(i)).code);
    REQUIRE(back.ok());
    CHECK(*back == i);
  }
  for (const char* bad : {"usd", "XXX", "US", "USDD", "", "XAU", "Usd", "US@", "[SD", "AAA", "ZZZ", "U\0D"}) {
    auto i = currency_index(bad);
    REQUIRE_FALSE(i.ok());
    CHECK(i.error().code == ErrorCode::UnknownCurrency);
  }
}

TEST_CASE("parse_money is strict", "[money]") {
  Money m = money("1234.50 USD");
  CHECK(m.amount.to_string() == "1234.50");
  CHECK(currency(m.currency).code == "USD");
  CHECK(format_money(money("-3 JPY")) == "-3 JPY");
  for (const char* bad : {"1234.50USD", "1234.50  USD", " 12 USD", "12 USD ", "USD 12", "12.5 US", "", "abc USD",
                          "12,50 EUR", "1e3 USD", "+5 USD"}) {
    INFO(bad);
    auto r = parse_money(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::InvalidValue);
  }
  for (const char* bad : {"12 usd", "12 XXX"}) {
    auto r = parse_money(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::UnknownCurrency);
  }
}

TEST_CASE("money of different currencies is an error naming both", "[money]") {
  auto r = add(money("1.00 USD"), money("1.00 EUR"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::CurrencyMismatch);
  CHECK_THAT(r.error().message, Catch::Contains("USD") && Catch::Contains("EUR"));
  CHECK_FALSE(sub(money("1 GBP"), money("1 USD")).ok());
  auto c = compare(money("1 JPY"), money("1 KRW"));
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == ErrorCode::CurrencyMismatch);
  CHECK_FALSE(div(money("1 JPY"), money("1 KRW")).ok());
}

TEST_CASE("money arithmetic is exact until formatted", "[money]") {
  CHECK(show(add(money("12.345 USD"), money("0.005 USD"))) == "12.350 USD");
  CHECK(show(mul(money("100.00 USD"), dec("0.25"))) == "25.0000 USD");
  CHECK(compare(money("1.0 USD"), money("1.00 USD")).value() == 0);
  CHECK(compare(money("1.01 USD"), money("1.00 USD")).value() == 1);
  CHECK(div(money("10.00 USD"), money("4.00 USD")).value().to_string() == "2.50");
  CHECK(format_money(div(money("100.00 USD"), dec("3")).value()) == "33.33 USD");
  CHECK(div(money("1 USD"), dec("0")).error().code == ErrorCode::DivisionByZero);
  // Reinstatement fee: annual + lapsed + 25% of total fees.
  auto fee = add(money("12000.00 USD"), money("3000.00 USD"));
  REQUIRE(fee.ok());
  auto quarter = mul(money("50000.00 USD"), dec("0.25"));
  REQUIRE(quarter.ok());
  CHECK(format_money(add(*fee, *quarter).value()) == "27500.00 USD");
  CHECK(format_money(negate(money("2.50 EUR"))) == "-2.50 EUR");
}

TEST_CASE("format_money rounds half away from zero to the minor unit", "[money]") {
  struct Row {
    const char* in;
    const char* out;
  };
  const Row rows[] = {
      {"12.345 USD", "12.35 USD"},
      {"-12.345 USD", "-12.35 USD"},
      {"12.5 USD", "12.50 USD"},
      {"12.344 USD", "12.34 USD"},
      {"1000.5 JPY", "1001 JPY"},
      {"1001 JPY", "1001 JPY"},
      {"-1000.5 JPY", "-1001 JPY"},
      {"1.2345 KWD", "1.235 KWD"},
      {"12 KWD", "12.000 KWD"},
      {"-0.004 USD", "0.00 USD"},
      {"0.995 EUR", "1.00 EUR"},
      {"7 CLF", "7.0000 CLF"},
      {"0.000000000000000001 USD", "0.00 USD"},
      {"18446744073709551616.005 USD", "18446744073709551616.01 USD"},  // past 2^64
      {"-123456789012345678.901234567890123456 EUR", "-123456789012345678.90 EUR"},
      // 36 digits: padding to the minor unit would overflow, so the exact digits are kept
      {"99999999999999999999999999999999999.9 USD", "99999999999999999999999999999999999.9 USD"},
      {"999999999999999999999999999999999999 CLF", "999999999999999999999999999999999999 CLF"},
  };
  for (const Row& r : rows) {
    INFO(r.in);
    CHECK(format_money(money(r.in)) == r.out);
    char text[kMoneyChars];
    CHECK(std::string(text, write_money(text, money(r.in))) == r.out);
  }
}

TEST_CASE("round_to_minor_unit takes a mode", "[money]") {
  CHECK(show(round_to_minor_unit(money("0.125 USD"), RoundingMode::HalfEven)) == "0.12 USD");
  CHECK(show(round_to_minor_unit(money("0.125 USD"))) == "0.13 USD");
  CHECK(show(round_to_minor_unit(money("0.5 JPY"), RoundingMode::HalfEven)) == "0 JPY");
  CHECK(show(round_to_minor_unit(money("1.0005 KWD"), RoundingMode::HalfEven)) == "1.000 KWD");
  CHECK(show(round_to_minor_unit(money("1.0005 KWD"))) == "1.001 KWD");
  CHECK(show(round_to_minor_unit(money("3 USD"))) == "3.00 USD");
  CHECK(show(round(money("2.567 USD"), 1, RoundingMode::Down)) == "2.5 USD");
}

namespace {

// Texts near the quick forms of amounts: digits, at most one point, an optional sign, and now
// and then a byte replaced, inserted or dropped; from empty to 22 characters.
std::string near_amount(std::mt19937_64& rng) {
  auto pick = [&](int lo, int hi) { return static_cast<int>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  std::string s = pick(0, 4) == 0 ? "-" : "";
  const int digits = pick(0, 21);
  const int point = pick(0, 2) == 0 ? -1 : pick(0, digits);
  for (int i = 0; i < digits; ++i) {
    if (i == point) s += '.';
    s += static_cast<char>('0' + pick(0, 9));
  }
  if (point == digits) s += '.';
  for (int k = pick(0, 5) < 2 ? pick(1, 2) : 0; k > 0 && !s.empty(); --k) {
    const char bytes[] = "0123456789.-+ e/:\x80\xb0\xb9\xff";
    const char b = bytes[pick(0, sizeof bytes - 2)];
    const auto at = static_cast<size_t>(pick(0, static_cast<int>(s.size()) - 1));
    switch (pick(0, 2)) {
      case 0: s[at] = b; break;
      case 1: s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), b); break;
      default: s.erase(at, 1);
    }
  }
  return s;
}

// The same amount as parse reads it without its quick path (longer than 19 characters):
// leading zeros change neither the value nor the scale.
std::string padded(const std::string& amount) {
  const bool negative = !amount.empty() && amount[0] == '-';
  return (negative ? "-" : "") + std::string(20, '0') + amount.substr(negative ? 1 : 0);
}

}  // namespace

TEST_CASE("Decimal::quick_parse and quick_parse_money read as the general parsers do", "[money]") {
  std::mt19937_64 rng(20261206);
  size_t quick = 0;
  const char* codes[] = {"USD", "JPY", "KWD", "usd", "XXX", "US", "EURO"};
  for (int i = 0; i < 300000; ++i) {
    const std::string text = near_amount(rng);
    INFO(text);
    // Texts that begin with a digit, or a sign and a digit, keep their reading when padded.
    const bool paddable =
        !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) ||
                          (text.size() > 1 && text[0] == '-' && std::isdigit(static_cast<unsigned char>(text[1]))));
    auto general = Decimal::parse(paddable ? padded(text) : text);
    Decimal d;
    if (Decimal::quick_parse(text, &d)) {
      ++quick;
      REQUIRE(general.ok());
      CHECK(d.coefficient() == general->coefficient());
      CHECK(d.scale() == general->scale());
      CHECK(Decimal::parse(text).ok());
    } else {
      // What it declines is long, or not a decimal at all.
      CHECK((text.size() > 19 || !general.ok()));
    }
    const std::string money = text + " " + codes[i % std::size(codes)];
    auto general_money = parse_money((paddable ? padded(text) : text) + " " + codes[i % std::size(codes)]);
    Money m;
    if (quick_parse_money(money, &m)) {
      REQUIRE(general_money.ok());
      CHECK(m.amount.coefficient() == general_money->amount.coefficient());
      CHECK(m.amount.scale() == general_money->amount.scale());
      CHECK(m.currency == general_money->currency);
    } else {
      CHECK((text.size() > 19 || !general_money.ok()));
    }
  }
  CHECK(quick > 100000);  // the generator reaches both sides
}

// Money arithmetic: amounts of one currency only, exact until the final rounding to the
// currency's minor unit, which output formatting applies (half away from zero).
#include <proviso/rt/money.h>

#include <cstring>

#include <fmt/format.h>

namespace proviso::rt {

namespace {

Error mismatch(const char* op, const Money& a, const Money& b) {
  return make_error(ErrorCode::CurrencyMismatch, fmt::format("currency mismatch: cannot {} {} and {}", op,
                                                             currency(a.currency).code, currency(b.currency).code));
}

Expected<Money> with_amount(Expected<Decimal> amount, uint16_t cur) {
  if (!amount) return amount.take_error();
  return Money{*amount, cur};
}

}  // namespace

bool quick_parse_money(std::string_view text, Money* out) {
  // "D[.D] CCC": the code is the last three characters, after the only space.
  const size_t n = text.size();
  if (n < 5 || text[n - 4] != ' ' || !Decimal::quick_parse(text.substr(0, n - 4), &out->amount)) return false;
  return find_currency(text.substr(n - 3), &out->currency);
}

Expected<Money> parse_money(std::string_view text) {
  if (Money m; quick_parse_money(text, &m)) return m;
  auto space = text.find(' ');
  if (space == std::string_view::npos || space + 4 != text.size())
    return make_error(ErrorCode::InvalidValue, fmt::format("expected money such as \"1234.50 USD\", got \"{}\"", text));
  auto amount = Decimal::parse(text.substr(0, space));
  if (!amount) {
    // A well-formed amount with too many digits or decimals says so.
    if (amount.error().code == ErrorCode::Overflow || amount.error().code == ErrorCode::OutOfRange)
      return amount.take_error();
    return make_error(ErrorCode::InvalidValue, fmt::format("expected money such as \"1234.50 USD\", got \"{}\"", text));
  }
  return make_money(*amount, text.substr(space + 1));
}

Expected<Money> make_money(const Decimal& amount, std::string_view code) {
  auto index = currency_index(code);
  if (!index) return index.take_error();
  return Money{amount, *index};
}

Expected<Money> add(const Money& a, const Money& b) {
  if (a.currency != b.currency) return mismatch("add", a, b);
  return with_amount(add(a.amount, b.amount), a.currency);
}

Expected<Money> sub(const Money& a, const Money& b) {
  if (a.currency != b.currency) return mismatch("subtract", a, b);
  return with_amount(sub(a.amount, b.amount), a.currency);
}

Expected<int> compare(const Money& a, const Money& b) {
  if (a.currency != b.currency) return mismatch("compare", a, b);
  return compare(a.amount, b.amount);
}

Expected<Decimal> div(const Money& a, const Money& b) {
  if (a.currency != b.currency) return mismatch("divide", a, b);
  return div(a.amount, b.amount);
}

Expected<Money> mul(const Money& a, const Decimal& factor) { return with_amount(mul(a.amount, factor), a.currency); }

Expected<Money> div(const Money& a, const Decimal& divisor) { return with_amount(div(a.amount, divisor), a.currency); }

bool try_add(const Money& a, const Money& b, Money* out) {
  out->currency = a.currency;
  return a.currency == b.currency && try_add(a.amount, b.amount, &out->amount);
}

bool try_sub(const Money& a, const Money& b, Money* out) {
  out->currency = a.currency;
  return a.currency == b.currency && try_sub(a.amount, b.amount, &out->amount);
}

bool try_mul(const Money& a, const Decimal& factor, Money* out) {
  out->currency = a.currency;
  return try_mul(a.amount, factor, &out->amount);
}

bool try_round(const Money& a, int places, RoundingMode mode, Money* out) {
  out->currency = a.currency;
  return try_round(a.amount, places, mode, &out->amount);
}

Money negate(const Money& a) { return Money{negate(a.amount), a.currency}; }

Expected<Money> round_to_minor_unit(const Money& a, RoundingMode mode) {
  return with_amount(round(a.amount, currency(a.currency).minor_unit, mode), a.currency);
}

Expected<Money> round(const Money& a, int places, RoundingMode mode) {
  return with_amount(round(a.amount, places, mode), a.currency);
}

std::string format_money(const Money& a) {
  char text[kMoneyChars];
  return std::string(text, write_money(text, a));
}

char* write_money(char* out, const Money& a) {
  const Currency& c = currency(a.currency);
  Decimal shown;
  // Rounding to fewer decimals cannot overflow; to more it pads, which overflows only for
  // amounts at the very edge of the range: those keep their exact digits.
  if (!try_round(a.amount, c.minor_unit, RoundingMode::HalfAwayFromZero, &shown)) shown = a.amount;
  out = shown.write(out);
  *out++ = ' ';
  std::memcpy(out, c.code.data(), c.code.size());
  return out + c.code.size();
}

std::string format_money_exact(const Money& a) {
  return fmt::format("{} {}", a.amount.to_string(), currency(a.currency).code);
}

std::string in_list_currency_mismatch(const Money& x, const Money& item) {
  return fmt::format("cannot compare {} with {}", currency(x.currency).code, currency(item.currency).code);
}

}  // namespace proviso::rt

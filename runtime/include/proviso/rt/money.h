// Money: an exact Decimal amount in an ISO 4217 currency, the currency table with minor
// units, and the house rules for mixing currencies (an error) and writing amounts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <proviso/rt/decimal.h>
#include <proviso/rt/error.h>

namespace proviso::rt {

struct Currency {
  std::string_view code;  // "USD"
  int minor_unit;         // decimals of the minor unit: USD 2, JPY 0, KWD 3
};

// Index into the ISO 4217 table; UnknownCurrency for anything but a known upper-case code.
Expected<uint16_t> currency_index(std::string_view code);
// The same look-up without an error: true, with *index set, for a known upper-case code.
bool find_currency(std::string_view code, uint16_t* index);
// INVARIANT: index came from currency_index (asserted).
const Currency& currency(uint16_t index);
std::size_t currency_count();

struct Money {
  Decimal amount;
  uint16_t currency = 0;
};

// "1234.50 USD", "-3 JPY": a Decimal, exactly one space, a known upper-case code.
Expected<Money> parse_money(std::string_view text);
// The commonest form read without a result that could carry an error: an amount of at most
// 19 characters (Decimal::quick_parse) and a known code. True, with *out set, when `text` is
// such a text, with what parse_money gives; false for anything else, which it must then read.
// parse_money calls it first, so there is one reading of each form.
bool quick_parse_money(std::string_view text, Money* out);
// Amount with the currency code; errors only for an unknown code.
Expected<Money> make_money(const Decimal& amount, std::string_view code);

// CurrencyMismatch (message names both codes) when the currencies differ.
Expected<Money> add(const Money& a, const Money& b);
Expected<Money> sub(const Money& a, const Money& b);
Expected<int> compare(const Money& a, const Money& b);  // -1, 0, 1
Expected<Decimal> div(const Money& a, const Money& b);  // ratio of two amounts

Expected<Money> mul(const Money& a, const Decimal& factor);  // also money * percent
Expected<Money> div(const Money& a, const Decimal& divisor);
Money negate(const Money& a);

// Rounded to the currency's minor unit, scale = minor unit.
Expected<Money> round_to_minor_unit(const Money& a, RoundingMode mode = RoundingMode::HalfAwayFromZero);
// Rounded to `places` decimals.
Expected<Money> round(const Money& a, int places, RoundingMode mode);

// Hot-path forms (see try_add for Decimal): true with the result, false when the operation
// fails (currency mismatch, overflow), and then the Expected form gives the error.
bool try_add(const Money& a, const Money& b, Money* out);
bool try_sub(const Money& a, const Money& b, Money* out);
bool try_mul(const Money& a, const Decimal& factor, Money* out);
bool try_round(const Money& a, int places, RoundingMode mode, Money* out);

// The output form: amount rounded half away from zero to the minor unit, exactly that many
// decimals, one space, the code: "12.50 USD", "1001 JPY", "-12.35 USD".
std::string format_money(const Money& a);
// format_money's text written at `out` (room for kMoneyChars); returns its end.
inline constexpr std::size_t kMoneyChars = Decimal::kMaxChars + 4;
char* write_money(char* out, const Money& a);
// `x in list` with money of another currency in the list: "cannot compare USD with EUR".
std::string in_list_currency_mismatch(const Money& x, const Money& item);
// The exact amount with its own scale, for explanations: "12.345 USD".
std::string format_money_exact(const Money& a);

}  // namespace proviso::rt

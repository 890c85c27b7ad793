// The ISO 4217 table (current codes with a defined minor unit, plus a few recently withdrawn
// ones still found in contracts), sorted by code for binary search.
#include <algorithm>
#include <array>
#include <cassert>
#include <iterator>

#include <fmt/format.h>

#include <proviso/rt/money.h>

namespace proviso::rt {

namespace {

constexpr Currency kCurrencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2}, {"AWG", 2},
    {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2},
    {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2},
    {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2},
    {"CRC", 2}, {"CUC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2},
    {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2},
    {"GIP", 2}, {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HRK", 2}, {"HTG", 2},
    {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3},
    {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2},
    {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2},
    {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2},
    {"MXN", 2}, {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2},
    {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0},
    {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2},
    {"SEK", 2}, {"SGD", 2}, {"SHP", 2}, {"SLE", 2}, {"SLL", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2},
    {"SVC", 2}, {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2},
    {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2},
    {"UYW", 4}, {"UZS", 2}, {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2},
    {"XCG", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2}, {"ZWL", 2},
};

constexpr bool sorted_by_code() {
  for (std::size_t i = 1; i < std::size(kCurrencies); ++i)
    if (!(kCurrencies[i - 1].code < kCurrencies[i].code)) return false;
  return true;
}
static_assert(sorted_by_code(), "kCurrencies must stay sorted by code");

// Every code of three capital letters, by its letters as a number in base 26: one plus its
// index in kCurrencies, or 0 when it names no currency (17,576 bytes, a direct look-up).
constexpr size_t kCodes = 26 * 26 * 26;
constexpr bool is_capital(char c) { return c >= 'A' && c <= 'Z'; }
constexpr size_t code_number(std::string_view code) {
  return (static_cast<size_t>(code[0] - 'A') * 26 + static_cast<size_t>(code[1] - 'A')) * 26 +
         static_cast<size_t>(code[2] - 'A');
}
static_assert(std::size(kCurrencies) < 255, "an index plus one fits a byte");
constexpr std::array<uint8_t, kCodes> kByCode = [] {
  std::array<uint8_t, kCodes> table{};
  for (std::size_t i = 0; i < std::size(kCurrencies); ++i) {
    std::string_view c = kCurrencies[i].code;
    if (c.size() != 3 || !is_capital(c[0]) || !is_capital(c[1]) || !is_capital(c[2]))
      throw "a currency code is three capital letters";
    table[code_number(c)] = static_cast<uint8_t>(i + 1);
  }
  return table;
}();

}  // namespace

bool find_currency(std::string_view code, uint16_t* index) {
  if (code.size() == 3 && is_capital(code[0]) && is_capital(code[1]) && is_capital(code[2]))
    if (uint8_t n = kByCode[code_number(code)]) {
      *index = static_cast<uint16_t>(n - 1);
      return true;
    }
  return false;
}

Expected<uint16_t> currency_index(std::string_view code) {
  if (uint16_t index = 0; find_currency(code, &index)) return index;
  return make_error(ErrorCode::UnknownCurrency,
                    fmt::format("unknown currency `{}` (expected an ISO 4217 code such as USD)", code));
}

const Currency& currency(uint16_t index) {
  assert(index < std::size(kCurrencies));
  return kCurrencies[index];
}

std::size_t currency_count() { return std::size(kCurrencies); }

}  // namespace proviso::rt

// Names of error codes, for diagnostics and tests.
#include <proviso/rt/error.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace proviso::rt {

std::string system_reason(int err) {
  std::string r = std::strerror(err);
  if (!r.empty() && r[0] >= 'A' && r[0] <= 'Z' && !(r.size() > 1 && r[1] >= 'A' && r[1] <= 'Z'))
    r[0] = static_cast<char>(r[0] - 'A' + 'a');
  return r;
}

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::Overflow: return "overflow";
    case ErrorCode::DivisionByZero: return "division_by_zero";
    case ErrorCode::CurrencyMismatch: return "currency_mismatch";
    case ErrorCode::InvalidDate: return "invalid_date";
    case ErrorCode::UnknownZone: return "unknown_zone";
    case ErrorCode::UnknownCurrency: return "unknown_currency";
    case ErrorCode::NoWorkingTime: return "no_working_time";
    case ErrorCode::OutOfRange: return "out_of_range";
    case ErrorCode::InvalidValue: return "invalid_value";
  }
  return "unknown";
}

void expected_access_failed(const Error* error) {
  if (error != nullptr)
    std::fprintf(stderr, "proviso runtime bug: value() of an error: %s: %s\n", error_code_name(error->code),
                 error->message.c_str());
  else
    std::fprintf(stderr, "proviso runtime bug: error() of a value\n");
  std::abort();
}

}  // namespace proviso::rt

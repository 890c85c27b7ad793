// Errors of one evaluation (overflow, bad date, unknown zone, ...) as values: Error, and
// Expected<T> which holds either a T or an Error. No exception crosses the runtime's API.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace proviso::rt {

enum class ErrorCode {
  Overflow,
  DivisionByZero,
  CurrencyMismatch,
  InvalidDate,
  UnknownZone,
  UnknownCurrency,
  NoWorkingTime,
  OutOfRange,
  InvalidValue,
};

// Lower-case name of the code ("overflow", "currency_mismatch", ...) for diagnostics.
const char* error_code_name(ErrorCode code);

// The system's reason for errno `err` in the diagnostic style: strerror, lower case ("no such
// file or directory"); an acronym such as "EOF" keeps its capitals.
std::string system_reason(int err);

// `message` follows the diagnostic style: lower case, one line, no final period.
struct Error {
  ErrorCode code;
  std::string message;
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

// Reports a bug (value() of an error, error() of a value) and aborts, in every build type.
[[noreturn]] void expected_access_failed(const Error* error);

// Either a T or an Error. Both constructors are implicit so that functions can
// `return value;` and `return make_error(...);`. Accessing the wrong side is a bug.
template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Expected(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    check();
    return *std::get_if<0>(&state_);
  }
  const T& value() const& {
    check();
    return *std::get_if<0>(&state_);
  }
  T&& value() && {
    check();
    return std::move(*std::get_if<0>(&state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T value_or(T fallback) const { return ok() ? value() : std::move(fallback); }

  const Error& error() const {
    if (ok()) expected_access_failed(nullptr);
    return *std::get_if<1>(&state_);
  }
  Error&& take_error() {
    if (ok()) expected_access_failed(nullptr);
    return std::move(*std::get_if<1>(&state_));
  }

 private:
  void check() const {
    if (!ok()) expected_access_failed(std::get_if<1>(&state_));
  }
  std::variant<T, Error> state_;
};

// Success without a value, or an Error.
template <>
class [[nodiscard]] Expected<void> {
 public:
  Expected() = default;
  Expected(Error error) : error_(std::move(error)), ok_(false) {}

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const {
    if (!ok_) expected_access_failed(&error_);
  }
  const Error& error() const {
    if (ok_) expected_access_failed(nullptr);
    return error_;
  }
  Error&& take_error() {
    if (ok_) expected_access_failed(nullptr);
    return std::move(error_);
  }

 private:
  Error error_{ErrorCode::InvalidValue, {}};
  bool ok_ = true;
};

using Status = Expected<void>;

}  // namespace proviso::rt

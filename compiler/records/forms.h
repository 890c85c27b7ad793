// The text forms of values beyond JSON's own (README, "JSON forms of values"), used by the decoder, the
// encoder and the plain-text formatter alike:
//   duration           ISO 8601 "PT4H30M", "P2D" (= 48 h), "-PT15M"; written as hours,
//                      minutes and seconds only ("PT48H"): a day of absolute time is 24 h
//   period             ISO 8601 "P12M", "P1Y", "P1Y6M"; written in months ("P18M")
//   business duration  "2 business days", "4 business hours", "1 business day 2 business hours"
//   percent            "25%", "2.5%"  (the value is the fraction: 25% = 0.25)
//   JSON numbers       exact decimal text, exponents expanded ("1.5e2" -> "150")
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/ir/value.h"

namespace proviso::records {

// ISO 8601 duration of absolute time in whole seconds. nullopt for anything else (weeks,
// days, hours, minutes, seconds; no years or months: they are not absolute).
std::optional<int64_t> parse_iso_duration(std::string_view text);
std::string format_iso_duration(int64_t seconds);

// ISO 8601 calendar period in months ("P1Y6M" = 18).
std::optional<int64_t> parse_iso_period(std::string_view text);
std::string format_iso_period(int64_t months);

std::optional<ir::BusinessDurationValue> parse_business_duration(std::string_view text);
std::string format_business_duration(const ir::BusinessDurationValue& d);

// A percentage text without its '%' ("25", "-2.5") as the fraction it means (0.25).
std::optional<rt::Decimal> percent_from_text(std::string_view number);
// 0.25 -> "25%".
std::string format_percent(const rt::Decimal& fraction);

// Whether `text` is a JSON number token (RFC 8259 grammar, nothing around it).
bool is_json_number(std::string_view text);
// A JSON integer token: no fraction, no exponent.
bool is_json_integer(std::string_view text);
// The exact decimal text of a JSON number token: "1.50" stays, "1.5e2" -> "150",
// "1e-3" -> "0.001". nullopt when the exponent is absurd (|exp| > 60).
std::optional<std::string> json_number_to_decimal_text(std::string_view token);

}  // namespace proviso::records

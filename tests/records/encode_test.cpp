// Output encoding (the JSON forms of the README and forms.h) and the plain-text formatter.
#include <catch2/catch.hpp>

#include "compiler/records/encode.h"
#include "compiler/records/forms.h"

using namespace proviso;
using records::encode;
using records::format_value;

namespace {

ir::Value money(const char* text) { return ir::Value(rt::parse_money(text).value()); }
ir::Value dec(const char* text) { return ir::Value(rt::Decimal::parse(text).value()); }
ir::Type T(ir::TypeKind k) { return ir::Type::of(k); }

}  // namespace

TEST_CASE("JSON forms of scalar outputs") {
  ir::Schema schema;
  schema.enums.push_back({"Coverage", {"Covered", "Excluded"}});
  const rt::Zone* ny = rt::Zone::lookup("America/New_York").value();
  rt::Instant t = rt::parse_datetime("2026-11-27T14:00:00Z").value();

  CHECK(encode(ir::Value(t == 0), T(ir::TypeKind::Bool), schema, ny).dump() == "false");
  CHECK(encode(ir::Value(int64_t{42}), T(ir::TypeKind::Integer), schema, ny).dump() == "42");
  CHECK(encode(ir::Value(ir::DateTimeValue{t}), T(ir::TypeKind::DateTime), schema, ny) == "2026-11-27T09:00:00-05:00");
  CHECK(encode(ir::Value(ir::DateTimeValue{t}), T(ir::TypeKind::DateTime), schema, nullptr) ==
        "2026-11-27T14:00:00+00:00");
  CHECK(encode(money("12.5 USD"), T(ir::TypeKind::Money), schema, ny) == "12.50 USD");
  CHECK(encode(money("12.345 USD"), T(ir::TypeKind::Money), schema, ny) == "12.35 USD");
  CHECK(encode(money("-12.345 USD"), T(ir::TypeKind::Money), schema, ny) == "-12.35 USD");
  CHECK(encode(money("1000.5 JPY"), T(ir::TypeKind::Money), schema, ny) == "1001 JPY");
  CHECK(encode(dec("0.25"), T(ir::TypeKind::Percent), schema, ny) == "25%");
  CHECK(encode(dec("0.025"), T(ir::TypeKind::Percent), schema, ny) == "2.5%");
  CHECK(encode(dec("0.5"), T(ir::TypeKind::Percent), schema, ny) == "50%");
  CHECK(encode(dec("1.500"), T(ir::TypeKind::Decimal), schema, ny) == "1.500");
  CHECK(encode(ir::Value(ir::DateValue{rt::parse_date("2026-11-27").value()}), T(ir::TypeKind::Date), schema, ny) ==
        "2026-11-27");
  CHECK(encode(ir::Value(ir::DurationValue{4 * 3600 + 1800}), T(ir::TypeKind::Duration), schema, ny) == "PT4H30M");
  CHECK(encode(ir::Value(ir::DurationValue{0}), T(ir::TypeKind::Duration), schema, ny) == "PT0S");
  CHECK(encode(ir::Value(ir::DurationValue{-900}), T(ir::TypeKind::Duration), schema, ny) == "-PT15M");
  CHECK(encode(ir::Value(ir::PeriodValue{12}), T(ir::TypeKind::Period), schema, ny) == "P12M");
  CHECK(encode(ir::Value(ir::BusinessDurationValue{2, 0}), T(ir::TypeKind::BusinessDuration), schema, ny) ==
        "2 business days");
  CHECK(encode(ir::Value(ir::EnumValue{1}), ir::Type::enum_type(0), schema, ny) == "Excluded");
  CHECK(encode(ir::Value::none(), T(ir::TypeKind::DateTime).as_optional(), schema, ny).is_null());
  CHECK(encode(ir::Value(ir::ZoneValue{ny}), T(ir::TypeKind::Zone), schema, ny) == "America/New_York");
  CHECK(encode(ir::Value::list({ir::Value(std::string("2.4")), ir::Value(std::string("7.2(i)"))}),
               ir::Type::list_of(T(ir::TypeKind::Text)), schema, ny)
            .dump() == R"x(["2.4","7.2(i)"])x");
}

TEST_CASE("the output line keeps declaration order") {
  ir::Program p;
  p.schema.enums.push_back({"Coverage", {"Covered", "Excluded"}});
  p.values = {{ir::ValueKind::Decision, "zeta", T(ir::TypeKind::Integer), "1", ir::kNoNode, false},
              {ir::ValueKind::Decision, "alpha", ir::Type::enum_type(0), "2", ir::kNoNode, false},
              {ir::ValueKind::Decision, "fee", T(ir::TypeKind::Money).as_optional(), "3", ir::kNoNode, false}};
  std::vector<std::pair<int32_t, ir::Value>> ds = {
      {0, ir::Value(int64_t{3})}, {1, ir::Value(ir::EnumValue{0})}, {2, ir::Value::none()}};
  CHECK(records::encode_decisions(p, ds, nullptr).dump() == R"({"decisions":{"zeta":3,"alpha":"Covered","fee":null}})");
  CHECK(records::encode_error("case.severity", "expected an integer from 1 to 3, got 7").dump() ==
        R"({"error":{"path":"case.severity","message":"expected an integer from 1 to 3, got 7"}})");
}

TEST_CASE("records encode their fields in schema order") {
  ir::Schema schema;
  schema.records.push_back(
      {"Contact", {{"name", T(ir::TypeKind::Text)}, {"phone", T(ir::TypeKind::Text).as_optional()}}});
  ir::Value v = ir::Value::record({ir::Value(std::string("Ann")), ir::Value::none()});
  CHECK(encode(v, ir::Type::record(0), schema, nullptr).dump() == R"({"name":"Ann","phone":null})");
  CHECK(format_value(v, ir::Type::record(0), schema, nullptr) == R"({ name: "Ann", phone: none })");
}

TEST_CASE("plain text uses the language's notation") {
  ir::Schema schema;
  const rt::Zone* london = rt::Zone::lookup("Europe/London").value();
  CHECK(format_value(ir::Value(ir::DurationValue{4 * 3600}), T(ir::TypeKind::Duration), schema, nullptr) == "4 hours");
  CHECK(format_value(ir::Value(ir::DurationValue{5400}), T(ir::TypeKind::Duration), schema, nullptr) ==
        "1 hour 30 minutes");
  CHECK(format_value(ir::Value(ir::DurationValue{2 * 86400}), T(ir::TypeKind::Duration), schema, nullptr) == "2 days");
  CHECK(format_value(ir::Value(ir::BusinessDurationValue{0, 1800}), T(ir::TypeKind::BusinessDuration), schema,
                     nullptr) == "30 business minutes");
  CHECK(format_value(ir::Value(ir::PeriodValue{1}), T(ir::TypeKind::Period), schema, nullptr) == "1 month");
  CHECK(format_value(money("12.345 USD"), T(ir::TypeKind::Money), schema, nullptr) == "12.345 USD");
  CHECK(format_value(money("12.5 USD"), T(ir::TypeKind::Money), schema, nullptr) == "12.50 USD");
  CHECK(format_value(ir::Value(std::string("a \"b\"")), T(ir::TypeKind::Text), schema, nullptr) == R"("a \"b\"")");
  rt::Instant t = rt::parse_datetime("2026-07-01T12:00:00Z").value();
  CHECK(format_value(ir::Value(ir::DateTimeValue{t}), T(ir::TypeKind::DateTime), schema, london) ==
        "2026-07-01T13:00:00+01:00");
}

TEST_CASE("text forms round-trip") {
  using namespace records;
  for (int64_t s : {0L, 1L, 59L, 60L, 3600L, 5400L, 86400L, 90061L, -900L})
    CHECK(parse_iso_duration(format_iso_duration(s)) == s);
  CHECK(parse_iso_duration("P2D") == 2 * 86400);
  CHECK(parse_iso_duration("P1W") == 7 * 86400);
  CHECK(parse_iso_duration("P1DT2H") == 86400 + 7200);
  CHECK(!parse_iso_duration("P1M"));
  CHECK(!parse_iso_duration("PT"));
  CHECK(!parse_iso_duration("P"));
  CHECK(!parse_iso_duration("PT1.5S"));
  CHECK(!parse_iso_duration("PT1M2H"));
  CHECK(parse_iso_period("P1Y6M") == 18);
  CHECK(!parse_iso_period("P1D"));
  for (int64_t m : {0L, 1L, 12L, -3L}) CHECK(parse_iso_period(format_iso_period(m)) == m);
  auto b = parse_business_duration("1 business day 2 business hours");
  REQUIRE(b);
  CHECK(b->days == 1);
  CHECK(b->seconds == 7200);
  CHECK(format_business_duration(*b) == "1 business day 2 business hours");
  CHECK(!parse_business_duration("2 hours"));
  CHECK(json_number_to_decimal_text("1.5e2") == "150");
  CHECK(json_number_to_decimal_text("1e-3") == "0.001");
  CHECK(json_number_to_decimal_text("-12.50") == "-12.50");
  CHECK(json_number_to_decimal_text("0.5E+1") == "5");
  CHECK(!json_number_to_decimal_text("01"));
  CHECK(!json_number_to_decimal_text("1e999"));
  CHECK(is_json_integer("-0"));
  CHECK(!is_json_integer("1.0"));
}

TEST_CASE("plain_json_text decides byte by byte, whatever the word a byte falls in") {
  // The reading of a byte one at a time, which the word-at-a-time test must agree with.
  auto plain_bytes = [](std::string_view s) {
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || c == '"' || c == '\\' || u >= 0x80) return false;
    }
    return true;
  };
  // Every byte value at every position of texts of 0 to 19 bytes, among bytes next to the
  // bounds (0x1f/0x20, the quote's and backslash's neighbours, 0x7f/0x80, 0xff).
  const unsigned char around[] = {0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b,
                                  0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0xa2, 0xff};
  for (size_t n = 0; n < 20; ++n) {
    for (size_t at = 0; at < n; ++at) {
      for (int b = 0; b < 256; ++b) {
        for (unsigned char fill : around) {
          if (fill < 0x20 || fill == '"' || fill == '\\' || fill >= 0x80) continue;
          std::string s(n, static_cast<char>(fill));
          s[at] = static_cast<char>(b);
          if (records::plain_json_text(s) != plain_bytes(s))
            FAIL("length " << n << ", byte " << b << " at " << at << " among " << int{fill});
        }
      }
    }
    const std::string plain(n, 'a');
    CHECK(records::plain_json_text(plain));
  }
  // Two bad bytes in one word, a borrow from one reaching the next.
  CHECK_FALSE(
      records::plain_json_text(std::string("ab\x1f\x20"
                                           "cdef",
                                           8)));
  CHECK_FALSE(records::plain_json_text("Global Sales \"Senior\""));
  CHECK(records::plain_json_text("Global Sales Senior Vice-President"));
}

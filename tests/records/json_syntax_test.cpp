// The JSON syntax check (compiler/records/json_syntax.h): positions and messages, numbers of
// any size, depth without recursion, and agreement with nlohmann's validator on mutated
// documents wherever no number is too large for nlohmann.
#include <random>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "compiler/records/json_syntax.h"

using proviso::records::check_json_syntax;

namespace {

std::string error_of(std::string_view text) {
  auto e = check_json_syntax(text);
  return e ? e->to_string() : "<ok>";
}

}  // namespace

TEST_CASE("json syntax: valid text") {
  for (const char* ok : {"{}", "[]", " {\"a\": [1, -2.5e+10, true, false, null, \"x\\n\\u00e9\"]}\n", "0", "-0.0e0",
                         "\"\"", "[[[[]]]]", "{\"a\":{\"b\":{}}}", "1e309", "-1e-400"}) {
    INFO(ok);
    CHECK(error_of(ok) == "<ok>");
  }
  CHECK(error_of("9" + std::string(400, '9')) == "<ok>");
}

TEST_CASE("json syntax: errors say where and what") {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"", "invalid JSON at line 1, column 1: the text is empty"},
      {"{\"a\": 1,}", "invalid JSON at line 1, column 9: expected a member name in double quotes"},
      {"{\"a\" 1}", "invalid JSON at line 1, column 6: expected `:` after a member name"},
      {"[1 2]", "invalid JSON at line 1, column 4: expected `,` or `]` after a list element"},
      {"{\"a\": 1\n\"b\": 2}", "invalid JSON at line 2, column 1: expected `,` or `}` after an object member"},
      {"[1,", "invalid JSON at line 1, column 4: the text ends inside a value"},
      {"[1", "invalid JSON at line 1, column 3: the text ends inside a list"},
      {"{\"a\": \"x", "invalid JSON at line 1, column 9: the text ends inside a string"},
      {"01", "invalid JSON at line 1, column 2: a number cannot start with 0"},
      {"1.", "invalid JSON at line 1, column 3: expected digits after the decimal point"},
      {"1e", "invalid JSON at line 1, column 3: expected digits in the exponent"},
      {"-", "invalid JSON at line 1, column 2: expected digits in a number"},
      {"tru", "invalid JSON at line 1, column 1: expected a value"},
      {"\"\\x\"", "invalid JSON at line 1, column 3: `\\x` is not a JSON escape"},
      {"\"\\u12g4\"", "invalid JSON at line 1, column 3: `\\u` must be followed by four hexadecimal digits"},
      {"\"a\tb\"",
       "invalid JSON at line 1, column 3: a control character inside a string (write it as an escape such "
       "as \\n)"},
      {"{} {}", "invalid JSON at line 1, column 4: unexpected text after the JSON value"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(error_of(c.text) == c.error);
  }
}

TEST_CASE("json syntax: deep nesting is an error, not a stack overflow") {
  std::string deep(1'000'000, '[');
  CHECK(error_of(deep) == "invalid JSON at line 1, column 1025: nesting deeper than 1024 levels");
  std::string ok = std::string(1000, '[') + std::string(1000, ']');
  CHECK(error_of(ok) == "<ok>");
}

TEST_CASE("json syntax agrees with nlohmann on mutated documents") {
  const std::string seeds[] = {
      R"({"case": {"severity": 2, "channel": "Phone", "reported_at": "2026-11-25T16:00:00Z", "tags": ["a", "b"]}})",
      R"([{"a": -1.25e-3}, {"b": [true, false, null]}, "s\"q\\u0041"])",
      R"({"x": {"y": {"z": [0, 1, 2, {"w": ""}]}}})"};
  const std::string alphabet = "{}[],:\"\\ 0123456789.eE+-tfnulrsa\n\t";
  std::mt19937 rng(12345);
  int compared = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s = seeds[static_cast<size_t>(i) % 3];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits && !s.empty(); ++k) {
      size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s.erase(at, 1); break;
        case 1: s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), alphabet[rng() % alphabet.size()]); break;
        default: s[at] = alphabet[rng() % alphabet.size()];
      }
    }
    INFO(s);
    CHECK(!check_json_syntax(s).has_value() == nlohmann::json::accept(s));
    ++compared;
  }
  CHECK(compared == 20000);
}

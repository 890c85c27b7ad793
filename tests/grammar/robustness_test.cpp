// The parser returns on any bytes: no crash, no hang, no stack overflow, no exception.
#include <catch2/catch.hpp>

#include <chrono>
#include <random>

#include "grammar_test_util.h"

using namespace proviso;
using proviso::testing::errors;
using proviso::testing::kHeader;
using proviso::testing::parse_text;

namespace {

bool has_message(const syntax::ParseResult& r, const std::string& fragment) {
  for (const auto& d : r.diagnostics.items())
    if (d.message.find(fragment) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("100,000 nested parentheses stop at the nesting limit") {
  std::string text = std::string(kHeader) + "decision x: integer = " + std::string(100000, '(') + "1" +
                     std::string(100000, ')') + "\n";
  auto r = parse_text(text);
  CHECK(has_message(r, "expressions nest too deeply (limit 200)"));
  CHECK(r.module.decls.empty());
}

TEST_CASE("199 nested parentheses are fine") {
  std::string text =
      std::string(kHeader) + "decision x: integer = " + std::string(199, '(') + "1" + std::string(199, ')') + "\n";
  CHECK(errors(parse_text(text)) == "");
}

TEST_CASE("deep nesting of every recursive form stops at the limit") {
  const std::string forms[][2] = {{"[", "]"},
                                  {"{ a: ", " }"},
                                  {"f(", ")"},
                                  {"if ", " then 1 else 2"},
                                  {"match ", " { else => 1 }"},
                                  {"x with { a: ", " }"},
                                  {"any v in ", ": v"}};
  for (const auto& form : forms) {
    std::string text = std::string(kHeader) + "let x = ";
    for (int i = 0; i < 20000; ++i) text += form[0];
    text += "1";
    for (int i = 0; i < 20000; ++i) text += form[1];
    INFO(form[0]);
    auto r = parse_text(text + "\n");
    CHECK(r.diagnostics.has_errors());
  }
  std::string types = std::string(kHeader) + "input x: ";
  for (int i = 0; i < 100000; ++i) types += "list of (";
  CHECK(has_message(parse_text(types), "nest too deeply"));
}

TEST_CASE("long chains of operators and prefixes are bounded too") {
  std::string sum = std::string(kHeader) + "let x = 1";
  for (int i = 0; i < 200000; ++i) sum += " + 1";
  CHECK(has_message(parse_text(sum + "\n"), "too long or too deeply nested"));
  std::string nots = std::string(kHeader) + "let x = ";
  for (int i = 0; i < 100000; ++i) nots += "not ";
  CHECK(has_message(parse_text(nots + "a\n"), "too long or too deeply nested"));
  std::string negs = std::string(kHeader) + "let x = ";
  for (int i = 0; i < 100000; ++i) negs += "- ";
  CHECK(has_message(parse_text(negs + "a\n"), "too long or too deeply nested"));
}

TEST_CASE("degenerate inputs") {
  const std::string inputs[] = {
      "",
      "(((((",
      ")))))",
      "\"",
      "--",
      "policy",
      "policy t \"T\"\n\"",
      std::string("policy t \"T\0\"\n\0\0decision x: integer = 1\0\n", 40),
      std::string(1000, '\0'),
      "policy t \"\xff\xfe\"\ndecision x: text = \"\xc3\x28\"\n",
      "policy t \"T\"\n\xef\xbb\xbf decision x: integer = 1\n",
      "policy t \"T\"\r\ndecision x: integer = 1\r\n-- crlf\r\n",
      "policy t \"T\"\ntable t given a gives b: integer\n|",
      "policy t \"T\"\ntable t given a gives b: integer\n| - | 1 | -- c",
      "policy t \"T\"\ncalendar c Monday 24:",
      "policy t \"T\"\nholidays h valid 1 to 99999999999999999999 on easter - 99999999999 days",
      "policy t \"T\"\nlet x = 99999999999999999999999999999999 + 1.000000000000000000000000001",
      "policy t \"T\"\nlet x = 2026-02-30T25:61:61+99:99",
      "policy t \"T\"\nlet x = match",
      "policy t \"T\"\nlet x = -",
      "policy t \"T\"\nlet x = - -- comment",
  };
  for (const std::string& text : inputs) {
    INFO(text);
    auto r = parse_text(text);
    CHECK(r.module.source != nullptr);
  }
}

TEST_CASE("random bytes and random tokens") {
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::string text;
    size_t n = rng() % 2000;
    for (size_t i = 0; i < n; ++i) text.push_back(static_cast<char>(rng() % 256));
    parse_text(text);
  }
  const char* tokens[] = {"policy",      "t",      "\"T\"", "decision", "x",     ":",       "integer",  "=",
                          "(",           ")",      "[",     "]",        "{",     "}",       "|",        "-",
                          "if",          "then",   "else",  "match",    "=>",    ",",       "1",        "2026-01-01",
                          "..",          "not",    "in",    "table",    "given", "gives",   "calendar", "Monday",
                          "09:00-17:00", "\n",     "--",    "with",     "any",   "collect", "when",     "holidays",
                          "on",          "easter", "test",  "expect",   "?"};
  for (int round = 0; round < 500; ++round) {
    std::string text = kHeader;
    size_t n = rng() % 200;
    for (size_t i = 0; i < n; ++i) text += std::string(tokens[rng() % (sizeof tokens / sizeof *tokens)]) + " ";
    parse_text(text);
  }
  SUCCEED();
}

TEST_CASE("a 2 MB line returns quickly") {
  auto start = std::chrono::steady_clock::now();
  std::string ident = std::string(kHeader) + "let x = " + std::string(2 << 20, 'a') + "\n";
  CHECK(errors(parse_text(ident)) == "");
  std::string junk = std::string(kHeader) + "let x = 1 " + std::string(2 << 20, '+') + "\n";
  CHECK(parse_text(junk).diagnostics.has_errors());
  std::string text = std::string(kHeader) + "let x = \"" + std::string(2 << 20, 'b') + "\"\n";
  CHECK(errors(parse_text(text)) == "");
  std::string list = std::string(kHeader) + "let x = [";
  while (list.size() < (1u << 20)) list += "1, ";  // 350,000 elements: under the expression limit
  CHECK(errors(parse_text(list + "1]\n")) == "");
  std::string comment = std::string(kHeader) + "-- " + std::string(2 << 20, 'c') + "\n";
  CHECK(errors(parse_text(comment)) == "");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
}

TEST_CASE("files over 8 MiB are refused with a clear message") {
  std::string text = std::string(kHeader) + std::string((8u << 20), ' ');
  auto r = parse_text(text);
  REQUIRE(r.diagnostics.items().size() == 1);
  CHECK(r.diagnostics.items()[0].message == "the file is too large: 8388623 bytes, the limit is 8 MiB (8388608 bytes)");
}

TEST_CASE("too many expressions in one file are refused") {
  std::string text = std::string(kHeader);
  for (int i = 0; i < 100; ++i) {
    text += "let x = [";
    for (int j = 0; j < 6000; ++j) text += "1,";
    text += "]\n";
  }
  CHECK(has_message(parse_text(text), "too many expressions"));
}

TEST_CASE("a sample policy truncated at every byte always returns") {
  std::string text = testing::read_file("tests/grammar/data/truncation_sample.policy");
  REQUIRE(!text.empty());
  size_t clean = 0;
  for (size_t n = 0; n <= text.size(); ++n) {
    auto r = parse_text(text.substr(0, n));
    if (!r.diagnostics.has_errors()) ++clean;
  }
  CHECK(clean > 0);
}

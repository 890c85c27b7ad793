// Structural equality of syntax trees: layout, spans and comments do not count; anything else
// does.
#include <catch2/catch.hpp>

#include "compiler/ast/ast_equal.h"
#include "grammar_test_util.h"

using namespace proviso;
using proviso::testing::errors;
using proviso::testing::kHeader;
using proviso::testing::parse_text;

namespace {
bool same(const std::string& a, const std::string& b) {
  auto ra = parse_text(kHeader + a);
  auto rb = parse_text(kHeader + b);
  INFO(errors(ra) << errors(rb));
  REQUIRE(!ra.diagnostics.has_errors());
  REQUIRE(!rb.diagnostics.has_errors());
  return ast::equal(ra.module, rb.module);
}
}  // namespace

TEST_CASE("equal ignores layout, spans and comments") {
  CHECK(same("decision x: integer = a + b", "decision   x :integer=\n  -- why\n  a+b  -- more"));
  CHECK(same("let x = 1 hour", "let x = 1 hours"));
  CHECK(same("input i { a: text, b: text }", "input i {\n  a: text\n  b: text\n}"));
  CHECK(
      same("table t given a gives b: integer\n | 1 | 2 |", "table t\n  given a\n  gives b: integer\n  |  1 |   2  |"));
}

TEST_CASE("equal sees every difference that matters") {
  const char* pairs[][2] = {
      {"decision x: integer = a + b", "decision x: integer = a - b"},
      {"decision x: integer = a + b", "decision y: integer = a + b"},
      {"decision x: integer = a + b", "decision x: decimal = a + b"},
      {"decision x: integer = (a + b)", "decision x: integer = a + b"},
      {"decision x: integer = a + b", "let x: integer = a + b"},
      {"decision x: integer clause \"1\" = 1", "decision x: integer clause \"2\" = 1"},
      {"let x = 12.50 USD", "let x = 12.50 EUR"},
      {"let x = 1 hour", "let x = 1 business hour"},
      {"let x = \"a\"", "let x = \"b\""},
      {"let x = f(a)", "let x = f(a, b)"},
      {"let x = match y { A => 1 }", "let x = match y { B => 1 }"},
      {"let x = match y { A | B => 1 }", "let x = match y { A => 1 }"},
      {"let x = any v in l: v", "let x = all v in l: v"},
      {"let x = { a: 1 }", "let x = { b: 1 }"},
      {"let x = y with { a: 1 }", "let x = y with { a: 2 }"},
      {"let x = collect { 1 when a }", "let x = collect { 1 when b }"},
      {"let x = y is present", "let x = y is none"},
      {"enum E = A | B", "enum E = B | A"},
      {"input i { a: text }", "optional input i { a: text }"},
      {"input i: integer 1..3", "input i: integer 1..4"},
      {"calendar c Monday 09:00-17:00 in z business day 8 hours",
       "calendar c Monday 09:00-16:00 in z business day 8 hours"},
      {"calendar c Monday 09:00-17:00 in z business day 8 hours",
       "calendar c Monday 09:00-17:00 in z except h business day 8 hours"},
      {"holidays h valid 2000 to 2100 on easter", "holidays h valid 2000 to 2100 on easter + 1 day"},
      {"holidays h valid 2000 to 2100 add 2020-01-01", "holidays h valid 2000 to 2100 remove 2020-01-01"},
      {"table t given a gives b: integer\n | 1 | 2 |", "table t given a gives b: integer\n | 1 | 3 |"},
      {"table t given a gives b: integer\n | < 1 | 2 |", "table t given a gives b: integer\n | <= 1 | 2 |"},
      {"table t given a gives b: integer\n | 1 | 2 |", "table t given a gives b: integer hit first\n | 1 | 2 |"},
      {"exclusions e \"1\" when a", "exclusions e \"2\" when a"},
      {"test \"t\" expect x = 1", "test \"t\" expect error \"1\""},
      {"test \"t\" given x = 1", "test \"u\" given x = 1"},
  };
  for (const auto& pair : pairs) {
    INFO(pair[0] << " vs " << pair[1]);
    CHECK_FALSE(same(pair[0], pair[1]));
  }
  auto a = parse_text("policy a \"T\"\n");
  auto b = parse_text("module a \"T\"\n");
  CHECK_FALSE(ast::equal(a.module, b.module));
}

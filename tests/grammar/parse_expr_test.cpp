// Expressions: literals of every kind, the precedence of LANGUAGE.md, and every form, each as
// the tree it parses to.
#include <catch2/catch.hpp>

#include "grammar/analyze.h"
#include "grammar_test_util.h"

using proviso::testing::parse_expr;

TEST_CASE("the grammar passes PEGTL's analyze") { CHECK(proviso::syntax::analyze_grammar(false) == 0); }

namespace {
struct Case {
  const char* text;
  const char* tree;
};
}  // namespace

TEST_CASE("literals of every kind") {
  const Case cases[] = {
      {"0", "0"},
      {"42", "42"},
      {"-3", "(neg 3)"},
      {"12.50", "12.50"},
      {"0.1", "0.1"},
      {"25%", "25%"},
      {"2.5%", "2.5%"},
      {"12000.00 USD", "money(12000.00 USD)"},
      {"1001 JPY", "money(1001 JPY)"},
      {R"x("7.2(iv)(e)")x", "text(7.2(iv)(e))"},
      {R"("a \"b\" \\ c\nd\te")", "text(a \"b\" \\ c\nd\te)"},
      {R"("")", "text()"},
      {"true", "true"},
      {"false", "false"},
      {"none", "none"},
      {"2026-11-27", "date(2026-11-27)"},
      {"2026-11-27T16:00:00-05:00", "datetime(2026-11-27T16:00:00-05:00)"},
      {"2026-11-27T21:00Z", "datetime(2026-11-27T21:00Z)"},
      {"30 minutes", "duration(30 minutes)"},
      {"1 minute", "duration(1 minutes)"},
      {"1 hour", "duration(1 hours)"},
      {"4 hours", "duration(4 hours)"},
      {"2 days", "duration(2 days)"},
      {"1 day", "duration(1 days)"},
      {"1 week", "duration(1 weeks)"},
      {"3 weeks", "duration(3 weeks)"},
      {"90 seconds", "duration(90 seconds)"},
      {"1 second", "duration(1 seconds)"},
      {"4 business hours", "business(4 hours)"},
      {"1 business day", "business(1 days)"},
      {"10 business days", "business(10 days)"},
      {"30 business minutes", "business(30 minutes)"},
      {"1 business minute", "business(1 minutes)"},
      {"1 business hour", "business(1 hours)"},
      {"12 months", "period(12 months)"},
      {"1 month", "period(1 months)"},
      {"1 year", "period(1 years)"},
      {"5 years", "period(5 years)"},
      {R"(zone "America/New_York")", "zone(America/New_York)"},
      {"24x7", "24x7"},
      {"2026 - 11", "(- 2026 11)"},
      {"2026-11", "(- 2026 11)"},
      {"zone", "zone"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(parse_expr(c.text) == c.tree);
  }
}

TEST_CASE("precedence, loosest first: ?? or and not comparisons + - * / of unary - postfix") {
  const Case cases[] = {
      {"a ?? b or c", "(?? a (or b c))"},
      {"a or b ?? c", "(?? (or a b) c)"},
      {"a ?? b ?? c", "(?? (?? a b) c)"},
      {"a or b and c", "(or a (and b c))"},
      {"a and b or c", "(or (and a b) c)"},
      {"a and b and c", "(and (and a b) c)"},
      {"not a and b", "(and (not a) b)"},
      {"not not a", "(not (not a))"},
      {"not a == b", "(not (== a b))"},
      {"a == b and c != d", "(and (== a b) (!= c d))"},
      {"a < b + c", "(< a (+ b c))"},
      {"a <= b", "(<= a b)"},
      {"a > b", "(> a b)"},
      {"a >= b", "(>= a b)"},
      {"a + b * c", "(+ a (* b c))"},
      {"a * b + c", "(+ (* a b) c)"},
      {"a - b - c", "(- (- a b) c)"},
      {"a / b * c", "(* (/ a b) c)"},
      {"25% of x + y", "(+ (of 25% x) y)"},
      {"-a * b", "(* (neg a) b)"},
      {"- -a", "(neg (neg a))"},
      {"a - -1", "(- a (neg 1))"},
      {"-a.b", "(neg (. a b))"},
      {"a.b.c", "(. (. a b) c)"},
      {"(a + b) * c", "(* (paren (+ a b)) c)"},
      {"((a))", "(paren (paren a))"},
      {"x in [A, B]", "(in x [A B])"},
      {"x not in [A, B]", "(not in x [A B])"},
      {"not x in L", "(not (in x L))"},
      {"t + d in cal", "(in (+ t d) cal)"},
      {"x is present", "(present x)"},
      {"x is none", "(isnone x)"},
      {"a.b is present and a.b > 1", "(and (present (. a b)) (> (. a b) 1))"},
      {"x ?? 0 + 1", "(?? x (+ 0 1))"},
      {"Support.Enterprise", "(. Support Enterprise)"},
      {"a -- a comment\n + b", "(+ a b)"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(parse_expr(c.text) == c.tree);
  }
}

TEST_CASE("every form of expression") {
  const Case cases[] = {
      {"if a then b else c", "(if a b c)"},
      {"if a then b else if c then d else e", "(if a b (if c d e))"},
      {"if a then b else c + 1", "(if a b (+ c 1))"},
      {"1 + if a then b else c", "(+ 1 (if a b c))"},
      {"match x { A => 1, B => 2 }", "(match x [(oneof A) => 1] [(oneof B) => 2])"},
      {"match x { A => 1 B => 2 }", "(match x [(oneof A) => 1] [(oneof B) => 2])"},
      {"match x { A => 1, B => 2, }", "(match x [(oneof A) => 1] [(oneof B) => 2])"},
      {"match x { A | B => 1, else => 2 }", "(match x [(oneof A B) => 1] [- => 2])"},
      {"match n { 1..3 => a, 4 => b }", "(match n [(range 1 3) => a] [(oneof 4) => b])"},
      {"match x { Support.Basic => 1 }", "(match x [(oneof (. Support Basic)) => 1])"},
      {"match x {}", "(match x)"},
      {"[]", "[]"},
      {"[1, 2, 3]", "[1 2 3]"},
      {"[1, 2,]", "[1 2]"},
      {"[[1], []]", "[[1] []]"},
      {"{}", "{}"},
      {"{ a: 1, b: c.d }", "{a: 1, b: (. c d)}"},
      {"{ a: 1, }", "{a: 1}"},
      {"x with { a: 1 }", "(with x {a: 1})"},
      {"x with { a: 1 } with { b: 2 }", "(with (with x {a: 1}) {b: 2})"},
      {"x with { a: 1 }.a", "(. (with x {a: 1}) a)"},
      {"any c in contacts: c.phone is present", "(any c contacts (present (. c phone)))"},
      {"all c in l: c", "(all c l c)"},
      {"count c in l: c.ok", "(count c l (. c ok))"},
      {"sum c in l: c.n + 1", "(sum c l (+ (. c n) 1))"},
      {"min c in l: c.n", "(min c l (. c n))"},
      {"max c in l: c.n", "(max c l (. c n))"},
      {"count(l)", "(call count l)"},
      {"min(a, b, c)", "(call min a b c)"},
      {"round(x)", "(call round x)"},
      {"round(x, 2)", "(call round x 2)"},
      {"round(x, half_even)", "(call round x half_even)"},
      {"round(x, 2, half_even)", "(call round x 2 half_even)"},
      {"is_empty(l)", "(call is_empty l)"},
      {"f()", "(call f)"},
      {"date_of(t, zone \"UTC\")", "(call date_of t zone(UTC))"},
      {"working_time(a, b, c).x", "(. (call working_time a b c) x)"},
      {"collect { \"a\" when x, \"b\" when not y }", "(collect [text(a) when x] [text(b) when (not y)])"},
      {"collect { \"a\" when x, }", "(collect [text(a) when x])"},
      {"collect", "collect"},
      {"a + b in c", "(in (+ a b) c)"},
      {"first", "first"},
      {"every + day", "(+ every day)"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(parse_expr(c.text) == c.tree);
  }
}

TEST_CASE("reserved words are not names; contextual words are") {
  const char* reserved[] = {"policy", "module",   "import", "enum",     "record",   "input", "optional", "const",
                            "let",    "decision", "table",  "calendar", "holidays", "test",  "fixture",  "given",
                            "expect", "clause",   "if",     "then",     "else",     "match", "and",      "or",
                            "not",    "in",       "is",     "present",  "of",       "with",  "hit",      "schedule"};
  for (const char* word : reserved) {
    INFO(word);
    CHECK(parse_expr(std::string(word) + " + 1").rfind("ERROR", 0) == 0);
  }
  const char* contextual[] = {"title",   "source", "version", "effective", "home",  "zone",     "business",
                              "day",     "days",   "hours",   "every",     "to",    "valid",    "on",
                              "from",    "until",  "add",     "remove",    "move",  "observed", "substitute",
                              "nearest", "next",   "weekday", "easter",    "first", "last",     "exclusions",
                              "when",    "as",     "gives"};
  for (const char* word : contextual) {
    INFO(word);
    CHECK(parse_expr(std::string(word) + " + 1") == std::string("(+ ") + word + " 1)");
  }
}

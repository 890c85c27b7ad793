// Test coverage (compiler/driver/coverage.h) on programs compiled from memory, as the language
// server calls it: what each kind of item counts as reached, their places, and the
// interpreter's marks with and without explanations.
#include <catch2/catch.hpp>

#include "compiler/driver/coverage.h"
#include "tests/compiler/helpers.h"

using namespace proviso;
using Kind = driver::CoverageItem::Kind;

namespace {

std::vector<std::string> unreached(const driver::Coverage& c, Kind kind) {
  std::vector<std::string> out;
  for (const auto& item : c.items)
    if (item.kind == kind && !item.reached) out.push_back(item.what);
  return out;
}

}  // namespace

TEST_CASE("coverage: under hit first, a row counts only when it was the one chosen") {
  auto r = testing::compile(R"(
input case { severity: integer 1..3, vip: bool }
table response  clause "5"
  given case.severity as severity
  gives hours: integer
  hit first
  | 1 | 1 |
  | - | 8 |
decision hours: integer  clause "5" = response.hours
decision other: integer  clause "6" = case.severity
test "sev 1" given case = { severity: 1, vip: if true then false else true } expect hours = 1
)");
  REQUIRE(r.ok());
  driver::Coverage c = driver::measure_coverage(*r.program);
  CHECK(c.tests.passed == 1);
  CHECK(unreached(c, Kind::TableRow) == std::vector<std::string>{"table `response` row 2"});
  CHECK(c.count(Kind::TableRow).reached == 1);
  CHECK(c.count(Kind::TableRow).total == 2);
  CHECK(c.count(Kind::TableRow).percent() == 50.0);
  // The `if` of the test's input is not the policy's: only declarations are measured.
  CHECK(c.count(Kind::Branch).total == 0);
  CHECK(c.count(Kind::Branch).percent() == 100.0);
  // The table's clause and the decision's are reached; `other` is expected by no test.
  CHECK(unreached(c, Kind::Clause) == std::vector<std::string>{"clause \"6\" of decision `other`"});
  CHECK(c.count(Kind::Clause).total == 3);
  // Items are in source order, each in the policy's own file with a place inside it.
  for (size_t i = 1; i < c.items.size(); ++i) CHECK(c.items[i - 1].span.begin <= c.items[i].span.begin);
  for (const auto& item : c.items) {
    CHECK(item.file == 0);
    CHECK(item.span.end > item.span.begin);
  }
}

TEST_CASE("coverage: each branch of an else-if chain, match arms inside an aggregation") {
  auto r = testing::compile(R"(
enum Level = Gold | Silver | Bronze
input case { level: Level, n: integer 0..9, items: list of Level }
decision tier: integer =
  if case.n == 0 then 0
  else if case.n == 1 then 1
  else 2
decision points: integer =
  sum i in case.items: match i { Gold => 3, Silver => 2, Bronze => 1 }
decision big: bool = if case.n > 5 then true else false
test "zero" given case = { level: Gold, n: 0, items: [Gold, Silver] } expect tier = 0 expect points = 5 expect big = false
test "two" given case = { level: Gold, n: 2, items: [] } expect tier = 2
)");
  REQUIRE(r.ok());
  driver::Coverage c = driver::measure_coverage(*r.program);
  CHECK(unreached(c, Kind::Branch) == std::vector<std::string>{"`then` branch of `if case.n == 1` in `tier`",
                                                               "`then` branch of `if case.n > 5` in `big`"});
  CHECK(c.count(Kind::Branch).total == 6);
  CHECK(unreached(c, Kind::MatchArm) == std::vector<std::string>{"match arm `Bronze` of `match i` in `points`"});
  // The arm's place runs from its pattern to the end of its body.
  for (const auto& item : c.items)
    if (item.kind == Kind::MatchArm && !item.reached) CHECK(r.program->files[0]->slice(item.span) == "Bronze => 1");
}

TEST_CASE("coverage: the interpreter marks branches when explaining too") {
  auto r = testing::compile(R"(
input case { n: integer 0..9 }
decision small: bool = if case.n < 5 then case.n < 3 else false
)");
  REQUIRE(r.ok());
  const ir::Program& p = *r.program;
  interp::Interpreter interp(p);
  ir::CoverageMarks marks(p);
  ir::EvalOptions options;
  options.coverage = &marks;
  options.explain = true;  // a bool decision is then evaluated through the explaining path
  std::vector<ir::Value> inputs{ir::Value::record({ir::Value(int64_t{7})})};
  REQUIRE(interp.evaluate(inputs, options).ok);
  ir::NodeId if_node = p.values[static_cast<size_t>(p.find_value("small"))].body;
  CHECK_FALSE(marks.reached(if_node, 0));
  CHECK(marks.reached(if_node, 1));
  options.explain = false;
  inputs[0] = ir::Value::record({ir::Value(int64_t{1})});
  REQUIRE(interp.evaluate(inputs, options).ok);
  CHECK(marks.reached(if_node, 0));
  CHECK(marks.values[static_cast<size_t>(p.find_value("small"))]);
}

// The policy test runner: merging the reports of two engines (a disagreement is a failure
// that names both answers; agreement leaves the report as either engine gave it), and test
// inputs held to the declared ranges as decoded JSON input is.
#include <catch2/catch.hpp>

#include "compiler/driver/test_runner.h"
#include "tests/compiler/helpers.h"

using namespace proviso;

namespace {

driver::TestOutcome passed(const char* name) {
  driver::TestOutcome o;
  o.name = name;
  o.location = "t.policy:1:1";
  return o;
}

driver::TestOutcome failed(const char* name, const char* actual) {
  driver::TestOutcome o = passed(name);
  o.passed = false;
  o.diffs.push_back({"fine", "false", actual});
  return o;
}

driver::TestReport report(std::vector<driver::TestOutcome> outcomes) {
  driver::TestReport r;
  for (auto& o : outcomes) (o.passed ? r.passed : r.failed)++;
  r.outcomes = std::move(outcomes);
  return r;
}

}  // namespace

TEST_CASE("merge_reports keeps agreeing outcomes and fails disagreeing ones") {
  auto a = report({passed("one"), failed("two", "true"), passed("three"), failed("four", "true")});
  auto b = report({passed("one"), failed("two", "true"), failed("three", "true"), passed("four")});
  driver::TestReport m = driver::merge_reports(a, "interpreter", b, "JIT");
  REQUIRE(m.outcomes.size() == 4);
  CHECK(m.passed == 1);
  CHECK(m.failed == 3);
  CHECK(m.outcomes[0].passed);
  CHECK(m.outcomes[1].problem.empty());  // the same failure on both: the policy's, as is
  REQUIRE(m.outcomes[1].diffs.size() == 1);
  CHECK(m.outcomes[2].problem ==
        "the engines disagree (please report this policy): interpreter: passed; JIT: fine = true");
  CHECK(m.outcomes[2].diffs.empty());
  CHECK(m.outcomes[3].problem ==
        "the engines disagree (please report this policy): interpreter: fine = true; JIT: passed");
  CHECK(driver::render_failures(m) ==
        "t.policy:1:1: test \"two\" failed\n  fine: expected false, got true\n"
        "t.policy:1:1: test \"three\" failed\n"
        "  the engines disagree (please report this policy): interpreter: passed; JIT: fine = true\n"
        "t.policy:1:1: test \"four\" failed\n"
        "  the engines disagree (please report this policy): interpreter: fine = true; JIT: passed\n");
}

TEST_CASE("merge_reports of identical reports is that report") {
  auto a = report({passed("one"), failed("two", "true")});
  driver::TestReport m = driver::merge_reports(a, "interpreter", a, "JIT");
  CHECK(m.passed == 1);
  CHECK(m.failed == 1);
  CHECK(driver::render_failures(m) == driver::render_failures(a));
}

TEST_CASE("a test input outside its declared range is refused with its path, as eval refuses it") {
  auto r = testing::compile(R"(
record Item { n: integer 0.. }
input x { count: integer 0.., hours: integer 1..?, items: list of Item }
decision total: integer  clause "1" = x.count
test "negative count" given x = { count: -1, hours: none, items: [] } expect error "x.count: expected an integer of at least 0, got -1"
test "zero hours" given x = { count: 0, hours: 0, items: [] } expect error "x.hours: expected an integer of at least 1, got 0"
test "an element" given x = { count: 0, hours: 2, items: [{ n: 1 }, { n: -3 }] } expect error "x.items[1].n"
test "unexpected" given x = { count: -2, hours: none, items: [] } expect total = -2
test "in range" given x = { count: 0, hours: 1, items: [{ n: 0 }] } expect total = 0
)");
  REQUIRE(r.ok());
  driver::TestReport report = driver::run_tests(*r.program);
  REQUIRE(report.outcomes.size() == 5);
  CHECK(report.outcomes[0].passed);
  CHECK(report.outcomes[1].passed);
  CHECK(report.outcomes[2].passed);
  CHECK_FALSE(report.outcomes[3].passed);
  CHECK(report.outcomes[3].problem == "evaluation failed: x.count: expected an integer of at least 0, got -2");
  CHECK(report.outcomes[4].passed);
}

TEST_CASE("tests that name a fixture share its nodes, once per type it is wanted at") {
  auto r = testing::compile(R"(
record Item { n: integer 0.. }
input x { count: integer 0.., items: list of Item }
optional input y { count: integer 0.., items: list of Item }
decision total: integer  clause "1" = x.count
decision more: integer?  clause "1" = if y is present then y.count else none
fixture two = { count: 2, items: [{ n: 1 }] }
test "one" given x = two expect total = 2
test "two" given x = two given y = two expect total = 2 expect more = 2
test "three" given x = two with { count: 3 } expect total = 3
test "four" given x = two with { count: 4 } given y = two with { count: 5 } expect total = 4 expect more = 5
test "five" given x = two given y = two with { count: 6 } expect total = 2 expect more = 6
)");
  REQUIRE(r.ok());
  const ir::Program& p = *r.program;
  REQUIRE(p.tests.size() == 5);
  const ir::NodeId x_two = p.tests[0].inputs[0];
  CHECK(p.tests[1].inputs[0] == x_two);
  CHECK(p.nodes[static_cast<size_t>(p.tests[2].inputs[0])].a == x_two);
  CHECK(p.nodes[static_cast<size_t>(p.tests[3].inputs[0])].a == x_two);
  CHECK(p.tests[4].inputs[0] == x_two);
  // As the optional input `y`, the fixture is checked at `y?`'s type, and under `with` at
  // `y`'s: nodes of their own, each shared in turn.
  const ir::NodeId y_two = p.tests[1].inputs[1];
  const ir::NodeId y_base = p.nodes[static_cast<size_t>(p.tests[3].inputs[1])].a;
  CHECK(y_two != x_two);
  CHECK(y_base != x_two);
  CHECK(y_base != y_two);
  CHECK(p.nodes[static_cast<size_t>(p.tests[4].inputs[1])].a == y_base);
  driver::TestReport report = driver::run_tests(*r.program);
  CHECK(report.passed == 5);
  CHECK(report.failed == 0);
}

// Test runner, explanation rendering and Markdown docs over a hand-built Program (the front
// end is not needed): one input record, a table, a decision and two tests.
#include <catch2/catch.hpp>

#include "compiler/driver/doc.h"
#include "compiler/driver/test_runner.h"
#include "compiler/explain/render.h"
#include "compiler/interp/interpreter.h"

using namespace proviso;

namespace {

// input case { level: Level, severity: integer 1..3 }
// table response given case.level, case.severity gives minutes: integer
//   | Enterprise | - | 30 |  | Basic | 1..3 | 120 |
// decision minutes: integer clause "5.2" = response.minutes * case.severity
struct Built {
  ir::Program p;
  ir::NodeId add(ir::Node n) {
    p.nodes.push_back(std::move(n));
    p.node_locs.push_back(-1);
    return static_cast<ir::NodeId>(p.nodes.size() - 1);
  }
  ir::NodeId constant(ir::Value v, ir::Type t) {
    p.consts.push_back(std::move(v));
    ir::Node n;
    n.op = ir::Op::Const;
    n.type = std::move(t);
    n.aux = static_cast<int32_t>(p.consts.size() - 1);
    return add(n);
  }
  Built() {
    p.name = "golden.report";
    p.title = "Report test";
    p.version = "1";
    p.files.push_back(std::make_shared<const SourceFile>("report.policy", "-- hand built\ntest here\n"));
    p.locs.push_back({0, {14, 18}});  // "test" on line 2
    p.schema.enums.push_back({"Level", {"Enterprise", "Basic"}});
    p.schema.records.push_back(
        {"case", {{"level", ir::Type::enum_type(0)}, {"severity", ir::Type::integer_range(1, 3)}}});
    p.inputs.push_back({"case", false, ir::Type::record(0)});
    ir::Node in;
    in.op = ir::Op::Input;
    in.type = ir::Type::record(0);
    in.aux = 0;
    ir::NodeId input = add(in);
    ir::Node level;
    level.op = ir::Op::Field;
    level.type = ir::Type::enum_type(0);
    level.a = input;
    level.aux = 0;
    ir::NodeId lv = add(level);
    ir::Node sev = level;
    sev.type = ir::Type::integer_range(1, 3);
    sev.aux = 1;
    ir::NodeId sv = add(sev);

    ir::TableDef t;
    t.name = "response";
    t.clause = "5.2";
    t.given = {lv, sv};
    t.given_names = {"level", "severity"};
    t.outputs = {{"minutes", ir::Type::of(ir::TypeKind::Integer)}};
    ir::TableRow r1, r2;
    r1.conds = {ir::Pattern{ir::Pattern::Kind::OneOf, {0}, {}, {}}, ir::Pattern{}};
    r1.outputs = {constant(ir::Value(int64_t{30}), ir::Type::of(ir::TypeKind::Integer))};
    r2.conds = {ir::Pattern{ir::Pattern::Kind::OneOf, {1}, {}, {}}, ir::Pattern{ir::Pattern::Kind::Range, {}, 1, 3}};
    r2.outputs = {constant(ir::Value(int64_t{120}), ir::Type::of(ir::TypeKind::Integer))};
    t.rows = {r1, r2};
    p.tables.push_back(t);
    p.table_row_locs = {{-1, -1}};

    ir::Node get;
    get.op = ir::Op::TableGet;
    get.type = ir::Type::of(ir::TypeKind::Integer);
    get.aux = 0;
    get.aux2 = 0;
    ir::NodeId g = add(get);
    ir::Node mul;
    mul.op = ir::Op::IntMul;
    mul.type = ir::Type::of(ir::TypeKind::Integer);
    mul.a = g;
    mul.b = sv;
    ir::NodeId body = add(mul);
    p.values.push_back({ir::ValueKind::Decision, "minutes", ir::Type::of(ir::TypeKind::Integer), "5.2", body, false});
    p.decisions = {0};
    p.value_locs = {-1};
  }
  ir::NodeId case_literal(int level, int64_t severity) {
    ir::Node mk;
    mk.op = ir::Op::MakeRecord;
    mk.type = ir::Type::record(0);
    mk.aux = 0;
    mk.args = {constant(ir::Value(ir::EnumValue{level}), ir::Type::enum_type(0)),
               constant(ir::Value(severity), ir::Type::integer_range(1, 3))};
    return add(mk);
  }
  void test(std::string name, int level, int64_t severity, int64_t expected) {
    ir::TestCase tc;
    tc.name = std::move(name);
    tc.loc = 0;
    tc.inputs = {case_literal(level, severity)};
    ir::TestExpect e;
    e.value = 0;
    e.expected = constant(ir::Value(expected), ir::Type::of(ir::TypeKind::Integer));
    tc.expects = {e};
    p.tests.push_back(tc);
  }
};

}  // namespace

TEST_CASE("the test runner reports failures with location and expected vs actual") {
  Built b;
  b.test("basic severity 2", 1, 2, 240);
  b.test("enterprise severity 3 (wrong on purpose)", 0, 3, 60);
  driver::TestReport r = driver::run_tests(b.p);
  CHECK(r.passed == 1);
  CHECK(r.failed == 1);
  CHECK(driver::render_failures(r) ==
        "report.policy:2:1: test \"enterprise severity 3 (wrong on purpose)\" failed\n"
        "  minutes: expected 60, got 90\n");
  CHECK(driver::summary_line(r.passed, r.failed) == "1 passed, 1 failed");
}

TEST_CASE("expect error passes when the evaluation fails with that text") {
  Built b;
  b.test("overflow", 1, 2, 0);
  b.p.tests[0].expects[0].expected = ir::kNoNode;
  b.p.tests[0].expects[0].error = "no row";
  driver::TestReport r = driver::run_tests(b.p);
  CHECK(r.failed == 1);  // the evaluation succeeds: 240
  CHECK(r.outcomes[0].problem == "expected an evaluation error containing \"no row\", but the evaluation succeeded");
}

TEST_CASE("explanations name the table row, the inputs and the clause") {
  Built b;
  interp::Interpreter in(b.p);
  std::vector<ir::Value> inputs = {ir::Value::record({ir::Value(ir::EnumValue{1}), ir::Value(int64_t{2})})};
  ir::EvalOptions o;
  o.explain = true;
  ir::EvalResult r = in.evaluate(inputs, o);
  REQUIRE(r.ok);
  std::string text = explain::render_text(b.p, r);
  CHECK(text.rfind("minutes = 240 (clause 5.2) because:\n", 0) == 0);
  CHECK(text.find("  - table `response` row 2 (clause 5.2)") != std::string::npos);
  CHECK(text.find("  - case.severity = 2\n") != std::string::npos);
  records::Json j = explain::render_json(b.p, r);
  CHECK(j["minutes"]["value"] == 240);
  CHECK(j["minutes"]["clause"] == "5.2");
  bool row = false;
  for (const auto& s : j["minutes"]["steps"]) row |= s["kind"] == "table_row" && s["row"] == 2;
  CHECK(row);
}

TEST_CASE("long dates for holidays") {
  CHECK(explain::long_date(rt::parse_date("2026-11-26").value()) == "Thursday 26 November 2026");
}

TEST_CASE("the Markdown reference lists inputs, decisions and tables") {
  Built b;
  std::string md = driver::policy_markdown(b.p);
  CHECK(md.rfind("# Report test\n", 0) == 0);
  CHECK(md.find("| `severity` | integer 1..3 |") != std::string::npos);
  CHECK(md.find("| `minutes` | integer | 5.2 |") != std::string::npos);
  CHECK(md.find("| level | severity | minutes: integer |") != std::string::npos);
  CHECK(md.find("| Basic | 1..3 | (expression) |") != std::string::npos);
}

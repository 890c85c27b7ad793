// The IR's op table, printer and verifier (compiler/ir/ops.h, printer.h, verifier.h): the table
// covers every operation in order, the IR goldens print every operation, the verifier accepts
// every policy in the tree, and each of its checks catches the fault it is for.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"
#include "compiler/ir/ops.h"
#include "compiler/ir/printer.h"
#include "compiler/ir/verifier.h"
#include "tests/compiler/helpers.h"

using namespace proviso;
namespace fs = std::filesystem;

namespace {

std::string source_dir() {
  const char* d = std::getenv("PROVISO_SOURCE_DIR");
  return d ? d : PROVISO_SOURCE_DIR;
}

// A policy with a node of every kind the verifier's checks are about.
const char* kBase = R"(policy t.verify "Verify"
  home zone london

import stdlib.holidays

enum Level = Gold | Silver
record Contact { name: text, phone: text? }

input x {
  level: Level
  n: integer 1..3
  fee: money
  at: datetime
  items: list of integer
  who: Contact
}

const london: zone = zone "Europe/London"

calendar desk  clause "1"
  Monday to Friday 09:00-17:00
  in london
  except england_wales
  business day 8 hours

schedule early
  Monday to Friday 07:00-15:00

calendar shift  clause "1"
  schedule early
  in london
  business day 8 hours

table band  clause "1"
  given x.level as level, x.n as n
  gives minutes: integer
  | Gold   | -    | 30 |
  | Silver | 1..3 | 60 |

let doubled: integer = x.n * 2
decision total: integer  clause "1" = doubled + band.minutes
decision rounded: money  clause "1" = round(x.fee * 0.5)
decision label: text  clause "1" = match x.level { Gold => "g", Silver => "s" }
decision reasons: list of text  clause "1" = collect { "low" when x.n < 2, "gold" when x.level == Gold }
decision biggest: integer?  clause "1" = max i in x.items: i
decision smaller: integer  clause "1" = min(x.n, 2)
decision renamed: Contact  clause "1" = x.who with { name: "B" }
decision due: datetime  clause "1" = x.at + 1 business hour in desk
decision early_due: datetime  clause "1" = x.at + 1 business hour in shift
decision soon: bool  clause "1" = abs(x.n) > 1

test "t"
  given x = { level: Gold, n: 1, fee: 10.00 USD, at: 2026-03-03T10:00:00Z, items: [1, 2], who: { name: "A" } }
  expect total = 32
)";

const ir::Program& base() {
  static std::shared_ptr<const ir::Program> p = [] {
    auto r = driver::compile_source(std::make_shared<const SourceFile>("verify.policy", kBase));
    for (const auto& d : r.diagnostics.items()) UNSCOPED_INFO(d.message);
    REQUIRE(r.ok());
    return r.program;
  }();
  return *p;
}

ir::NodeId find(const ir::Program& p, ir::Op op) {
  for (size_t i = 0; i < p.nodes.size(); ++i)
    if (p.nodes[i].op == op) return static_cast<ir::NodeId>(i);
  FAIL("no node of op " << ir::op_name(op));
  return ir::kNoNode;
}

// Verifies a copy of the base program changed by `mutate`; the findings must include one
// that contains `expected`.
void expect_finding(const std::function<void(ir::Program&)>& mutate, const std::string& expected) {
  ir::Program p = base();
  mutate(p);
  std::vector<std::string> found = ir::verify(p);
  std::string all;
  for (const auto& f : found) all += f + "\n";
  INFO("expected a finding containing: " << expected << "\nfound:\n" << all);
  CHECK(std::any_of(found.begin(), found.end(),
                    [&](const std::string& f) { return f.find(expected) != std::string::npos; }));
}

}  // namespace

TEST_CASE("the op table has one row per operation, in order, with distinct names") {
  const auto& table = ir::op_table();
  REQUIRE(table.size() == static_cast<size_t>(ir::Op::ScheduleRef) + 1);
  std::set<std::string_view> names;
  for (size_t i = 0; i < table.size(); ++i) {
    CHECK(static_cast<size_t>(table[i].op) == i);
    CHECK(names.insert(table[i].name).second);
    CHECK_FALSE(table[i].summary.empty());
  }
}

TEST_CASE("the IR goldens print every operation") {
  std::string all;
  for (const auto& e : fs::directory_iterator(source_dir() + "/tests/golden/ir")) {
    if (e.path().extension() != ".expected") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    all += ss.str();
  }
  for (const ir::OpInfo& op : ir::op_table()) {
    INFO(op.name);
    std::string name(op.name);
    bool printed =
        all.find(" " + name + " ") != std::string::npos || all.find(": " + name + " ") != std::string::npos ||
        all.find("\n  " + name + " ") != std::string::npos || all.find("=> " + name + " ") != std::string::npos;
    CHECK(printed);
  }
}

TEST_CASE("the verifier accepts every policy in the tree") {
  std::vector<std::string> files;
  for (const char* dir : {"/policies", "/tests/policies", "/tests/golden/ir", "/tests/golden/explain", "/stdlib"})
    for (const auto& e : fs::recursive_directory_iterator(source_dir() + dir))
      if (e.path().extension() == ".policy") files.push_back(e.path().string());
  files.push_back(source_dir() + "/tests/grammar/data/every_construct.policy");
  REQUIRE(files.size() > 8);
  for (const std::string& f : files) {
    auto r = driver::compile_file(f);
    if (!r.ok()) continue;  // modules such as stdlib.holidays alone, or policies meant to fail
    INFO(f);
    CHECK(ir::verify(*r.program).empty());
    CHECK_FALSE(ir::print(*r.program).empty());
  }
  CHECK(ir::verify(base()).empty());
}

TEST_CASE("the verifier: program-level tables") {
  expect_finding([](ir::Program& p) { p.node_locs.pop_back(); }, "the location table has");
  expect_finding([](ir::Program& p) { p.value_locs.pop_back(); }, "the value location table has");
  expect_finding([](ir::Program& p) { p.decisions.push_back(9999); }, "decision list: value 9999 is outside");
  expect_finding([](ir::Program& p) { p.decisions.push_back(p.find_value("doubled")); },
                 "decision list: `doubled` is not a decision");
  expect_finding([](ir::Program& p) { p.decisions.pop_back(); }, "a decision missing from the decision list");
  expect_finding([](ir::Program& p) { p.values[static_cast<size_t>(p.find_value("total"))].body = 99999; },
                 "value `total`: the body is node 99999, outside");
  expect_finding(
      [](ir::Program& p) {
        // doubled = ... total ..., and total uses doubled.
        ir::NodeId ref = find(p, ir::Op::ValueRef);
        p.nodes[static_cast<size_t>(ref)].aux = p.find_value("total");
        p.values[static_cast<size_t>(p.find_value("doubled"))].body =
            p.values[static_cast<size_t>(p.find_value("total"))].body;
      },
      "depends on itself");
  expect_finding([](ir::Program& p) { p.home_zone = find(p, ir::Op::IntMul); }, "the home zone has type integer");
  expect_finding([](ir::Program& p) { p.tests[0].inputs.push_back(ir::kNoNode); },
                 "test \"t\": 2 inputs for 1 declared");
  expect_finding([](ir::Program& p) { p.tests[0].expects[0].value = 500; }, "test \"t\": expects value 500");
}

TEST_CASE("the verifier: tables and calendars") {
  expect_finding([](ir::Program& p) { p.tables[0].rows[0].conds.pop_back(); },
                 "table `band` row 1: 1 conditions for 2 given columns");
  expect_finding([](ir::Program& p) { p.tables[0].rows[1].outputs.push_back(0); },
                 "table `band` row 2: 2 outputs for 1 output columns");
  expect_finding([](ir::Program& p) { p.tables[0].rows[0].outputs[0] = find(p, ir::Op::Collect); },
                 "table `band` row 1 column `minutes` has type list of text, expected integer");
  expect_finding([](ir::Program& p) { p.tables[0].given[0] = find(p, ir::Op::Collect); },
                 "table `band`: given column 1 is not an integer, enum or bool");
  expect_finding([](ir::Program& p) { p.calendars[0].zone = find(p, ir::Op::IntMul); },
                 "calendar `desk`: the zone has type integer, expected zone");
  expect_finding([](ir::Program& p) { p.calendars[0].holidays = find(p, ir::Op::IntMul); },
                 "calendar `desk`: the holidays has type integer, expected holidays");
  expect_finding([](ir::Program& p) { p.calendars[0].business_day = 0; },
                 "calendar `desk`: a business day of 0 seconds");
  expect_finding([](ir::Program& p) { p.calendars[1].schedule = find(p, ir::Op::IntMul); },
                 "calendar `shift`: the schedule has type integer, expected schedule");
  expect_finding([](ir::Program& p) { p.schema.schedules.clear(); }, "the schema names 0 schedules of 1");
  expect_finding([](ir::Program& p) { p.schema.schedules[0] = "late"; }, "schedule early is `late` in the schema");
}

TEST_CASE("the verifier: operands and types of nodes") {
  auto on = [](ir::Op op, const std::function<void(ir::Program&, ir::Node&)>& f) {
    return [op, f](ir::Program& p) { f(p, p.nodes[static_cast<size_t>(find(p, op))]); };
  };
  expect_finding(on(ir::Op::IntMul, [](ir::Program&, ir::Node& n) { n.op = static_cast<ir::Op>(4000); }),
                 "operation 4000 is not in the op table");
  expect_finding(on(ir::Op::IntMul, [](ir::Program&, ir::Node& n) { n.type = ir::Type::error(); }),
                 "has the error type");
  expect_finding(on(ir::Op::Const, [](ir::Program&, ir::Node& n) { n.b = 0; }), "(const): operand b must be empty");
  expect_finding(on(ir::Op::IntMul, [](ir::Program&, ir::Node& n) { n.b = ir::kNoNode; }),
                 "(int_mul): operand b is missing");
  expect_finding(on(ir::Op::IntMul, [](ir::Program&, ir::Node& n) { n.a = 99999; }),
                 "(int_mul): operand a is node 99999, outside");
  expect_finding(on(ir::Op::IntMul, [](ir::Program& p, ir::Node& n) { n.a = find(p, ir::Op::Cmp); }),
                 "(int_mul): operand a has type bool, expected integer");
  expect_finding(on(ir::Op::IntMul, [](ir::Program&, ir::Node& n) { n.type = ir::Type::of(ir::TypeKind::Bool); }),
                 "(int_mul): result has type bool, expected integer");
  expect_finding(on(ir::Op::Abs, [](ir::Program&, ir::Node& n) { n.type = ir::Type::of(ir::TypeKind::Text); }),
                 "(abs): result has type text, expected the kind of operand a");
}

TEST_CASE("the verifier: aux, aux2 and args of nodes") {
  auto on = [](ir::Op op, const std::function<void(ir::Program&, ir::Node&)>& f) {
    return [op, f](ir::Program& p) { f(p, p.nodes[static_cast<size_t>(find(p, op))]); };
  };
  expect_finding(on(ir::Op::Const, [](ir::Program&, ir::Node& n) { n.aux = 99999; }),
                 "(const): aux 99999 is outside the constants");
  expect_finding(on(ir::Op::Input, [](ir::Program&, ir::Node& n) { n.aux = 3; }),
                 "(input): aux 3 is outside the inputs");
  expect_finding(on(ir::Op::Local, [](ir::Program&, ir::Node& n) { n.aux = 77; }),
                 "(local): aux 77 is outside the local slots");
  expect_finding(on(ir::Op::ValueRef, [](ir::Program&, ir::Node& n) { n.aux = -5; }),
                 "(value): aux -5 is outside the values");
  expect_finding(on(ir::Op::TableGet, [](ir::Program&, ir::Node& n) { n.aux = 4; }),
                 "(table): aux 4 is outside the tables");
  expect_finding(on(ir::Op::TableGet, [](ir::Program&, ir::Node& n) { n.aux2 = 3; }),
                 "(table): aux2 3 is not an output column");
  expect_finding(on(ir::Op::CalendarRef, [](ir::Program&, ir::Node& n) { n.aux = 2; }),
                 "(calendar): aux 2 is outside the calendars");
  expect_finding(on(ir::Op::ScheduleRef, [](ir::Program&, ir::Node& n) { n.aux = 1; }),
                 "(schedule): aux 1 is outside the schedules");
  expect_finding(on(ir::Op::Field, [](ir::Program&, ir::Node& n) { n.aux = 40; }),
                 "(field): aux 40 is outside the fields of the record");
  expect_finding(on(ir::Op::Cmp, [](ir::Program&, ir::Node& n) { n.aux = 9; }), "(cmp): aux 9 is not a comparison");
  expect_finding(on(ir::Op::Round, [](ir::Program&, ir::Node& n) { n.aux = 40; }),
                 "(round): aux 40 is not a number of places");
  expect_finding(on(ir::Op::Round, [](ir::Program&, ir::Node& n) { n.aux2 = 17; }),
                 "(round): aux2 17 is not a rounding mode");
  expect_finding(on(ir::Op::IntMul, [](ir::Program&, ir::Node& n) { n.args.push_back(0); }),
                 "(int_mul): args must be empty, has 1");
  expect_finding(on(ir::Op::IntMul, [](ir::Program&, ir::Node& n) { n.ints.push_back(0); }),
                 "(int_mul): ints must be empty, has 1");
  expect_finding(on(ir::Op::IntMul, [](ir::Program&, ir::Node& n) { n.pats.emplace_back(); }),
                 "(int_mul): pats must be empty, has 1");
  expect_finding(on(ir::Op::WithRecord, [](ir::Program&, ir::Node& n) { n.ints.push_back(1); }),
                 "(with): 2 field indices for 1 new values");
  expect_finding(on(ir::Op::Switch, [](ir::Program&, ir::Node& n) { n.pats.pop_back(); }),
                 "(match): 1 patterns for 2 arms");
  expect_finding(on(ir::Op::Collect, [](ir::Program&, ir::Node& n) { n.args.pop_back(); }),
                 "(collect): 3 args are not value and condition pairs");
  expect_finding(on(ir::Op::Collect, [](ir::Program&, ir::Node& n) { n.args[1] = n.args[0]; }),
                 "(collect): condition args[1] is not a bool");
  expect_finding(on(ir::Op::MinOf, [](ir::Program&, ir::Node& n) { n.args.pop_back(); }),
                 "(min_of): 1 operands, expected two or more");
  expect_finding(on(ir::Op::MinOf, [](ir::Program&, ir::Node& n) { n.args[0] = 123456; }),
                 "(min_of): args[0] is node 123456, outside");
  expect_finding(
      [](ir::Program& p) {
        // A record literal with a field too few (test inputs are record literals).
        for (auto& n : p.nodes)
          if (n.op == ir::Op::MakeRecord && n.args.size() == 2) {
            n.args.pop_back();
            return;
          }
        FAIL("no record literal of two fields");
      },
      "(make_record): 1 args for a record of 2 fields");
  expect_finding(
      [](ir::Program& p) {
        for (auto& n : p.nodes)
          if (n.op == ir::Op::MakeRecord) {
            n.aux = 77;
            return;
          }
      },
      "(make_record): aux 77 is outside the records");
}

TEST_CASE("the verifier runs after lowering when asked") {
  // ctest sets PROVISO_VERIFY_IR=1 for every test; debug and sanitizer builds always verify.
  CHECK(driver::verify_ir_enabled());
}

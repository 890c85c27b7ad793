// Table-driven checks of semantic analysis: each policy fragment gives exactly the expected
// first error (position, message and code), or none.
#include <catch2/catch.hpp>

#include "tests/compiler/helpers.h"

using proviso::testing::compile;
using proviso::testing::first_error;
using proviso::testing::first_warning;
namespace ir = proviso::ir;

namespace {

const char* kSchema = R"(
enum Level = Enterprise | Basic
enum Channel = Phone | Portal | Email
input c {
  level: Level
  severity: integer 1..3
  channel: Channel
  at: datetime
  fee: money
  last: datetime?
}
)";

struct Case {
  const char* name;
  const char* body;
  const char* expected;  // first error "line:col: message [P0017 unknown-name]", or "" for none
};

}  // namespace

TEST_CASE("checker reports the first error exactly", "[sema]") {
  // Lines: 1-2 header, 3-13 schema; a body's first line is line 14.
  const Case cases[] = {
      {"unknown name with hint", "decision d: bool clause \"1\" = c.severty == 1\n",
       "14:33: `c` has no field `severty` [P0019 unknown-field]"},
      {"did you mean a decision",
       "decision alpha: integer clause \"1\" = 1\ndecision d: integer clause \"1\" = alpah + 1\n",
       "15:34: unknown name `alpah` [P0017 unknown-name]"},
      {"money plus duration", "decision d: money clause \"1\" = c.fee + 30 minutes\n",
       "14:32: cannot add `money` and `duration` [P0036 invalid-operands]"},
      {"optional used", "decision d: datetime clause \"1\" = c.last + 1 hour\n",
       "14:35: `c.last` may be absent: its type is `datetime?` [P0048 may-be-absent]"},
      {"optional narrowed",
       "decision d: datetime? clause \"1\" = if c.last is present then c.last + 1 hour else none\n", ""},
      {"narrowed by and", "decision d: bool clause \"1\" = c.last is present and c.last > c.at\n", ""},
      {"narrowed by or", "decision d: bool clause \"1\" = c.last is none or c.last > c.at\n", ""},
      {"not narrowed in else",
       "decision d: datetime? clause \"1\" = if c.last is present then none else c.last + 1 hour\n",
       "14:72: `c.last` may be absent: its type is `datetime?` [P0048 may-be-absent]"},
      {"currency literals", "decision d: money clause \"1\" = 1.00 USD + 2.00 EUR\n",
       "14:32: cannot add USD and EUR: the currencies differ [P0039 currency-mismatch]"},
      {"non-exhaustive match", "decision d: integer clause \"1\" = match c.channel { Phone => 1, Portal => 2 }\n",
       "14:34: this `match` does not cover Email [P0060 match-not-exhaustive]"},
      {"integer match covered by range", "decision d: integer clause \"1\" = match c.severity { 1 => 1, 2..3 => 2 }\n",
       ""},
      {"unreachable arm", "decision d: integer clause \"1\" = match c.severity { 1..3 => 1, 2 => 2 }\n",
       "14:64: this arm can never be chosen: earlier arms cover it [P0061 unreachable-arm]"},
      {"cycle", "decision a: integer clause \"1\" = b + 1\ndecision b: integer clause \"1\" = a + 1\n",
       "14:10: `a` depends on itself [P0027 cycle]"},
      {"duplicate", "let x = 1\nlet x = 2\ndecision d: integer clause \"1\" = x\n",
       "15:5: `x` is declared twice [P0014 duplicate-declaration]"},
      {"bad zone", "let z: zone = zone \"America/New_Yrok\"\ndecision d: bool clause \"1\" = z == z\n",
       "14:15: unknown time zone \"America/New_Yrok\" [P0059 unknown-zone]"},
      {"impossible date", "decision d: date clause \"1\" = 2026-02-30\n",
       "14:31: invalid date: February 2026 has no day 30 [P0004 invalid-date]"},
      {"unknown enum member", "decision d: bool clause \"1\" = c.channel == Fax\n",
       "14:44: `Fax` is not a member of `Channel` [P0021 unknown-member]"},
      {"business time needs a calendar", "decision d: datetime clause \"1\" = c.at + 2 business hours\n",
       "14:35: cannot add `datetime` and `business duration` [P0036 invalid-operands]"},
      {"arity", "decision d: integer clause \"1\" = ceil(1, 2)\n",
       "14:34: `ceil` takes 1 argument, not 2 [P0043 wrong-argument-count]"},
      {"none into required", "decision d: integer clause \"1\" = none\n",
       "14:34: `d` cannot be `none`: its type is `integer` [P0034 none-not-allowed]"},
      {"comparison of enum and int", "decision d: bool clause \"1\" = c.level == 1\n",
       "14:31: cannot compare `Level` with `integer` [P0037 invalid-comparison]"},
      {"table gap",
       "table t clause \"1\"\n  given c.level as level, c.severity as severity\n  gives m: integer\n"
       "  | Enterprise | - | 1 |\n  | Basic | 1..2 | 2 |\ndecision d: integer clause \"1\" = t.m\n",
       "14:7: no row of `t` matches level = Basic, severity = 3 [P0062 table-gap]"},
      {"table overlap",
       "table t clause \"1\"\n  given c.level as level, c.severity as severity\n  gives m: integer\n"
       "  | Enterprise | - | 1 |\n  | - | 1 | 2 |\n  | Basic | 2..3 | 3 |\ndecision d: integer clause \"1\" = t.m\n",
       "18:3: rows 1 and 2 of `t` both match level = Enterprise, severity = 1 [P0063 table-overlap]"},
      {"table first hit is fine",
       "table t clause \"1\"\n  given c.level as level, c.severity as severity\n  gives m: integer\n  hit first\n"
       "  | Enterprise | 1 | 1 |\n  | - | - | 2 |\ndecision d: integer clause \"1\" = t.m\n",
       ""},
  };
  for (const Case& k : cases) {
    INFO(k.name);
    auto r = compile(std::string(kSchema) + k.body);
    CHECK(first_error(r) == k.expected);
    CHECK(r.ok() == (std::string(k.expected).empty()));
  }
}

TEST_CASE("checker warns about missing clauses and unused values", "[sema]") {
  auto r = compile(std::string(kSchema) + "decision d: integer = 1\n");
  CHECK(r.ok());
  CHECK(first_warning(r) == "14:10: the decision `d` cites no clause [P0077 no-clause]");
  auto u = compile(std::string(kSchema) + "let spare = 1\ndecision d: integer clause \"1\" = 2\n");
  CHECK(u.ok());
  CHECK(first_warning(u) == "14:5: the value `spare` is never used [P0078 unused]");
}

TEST_CASE("a decision may share an input's name", "[sema]") {
  auto r = compile(std::string(kSchema) +
                   "optional input r { x: integer }\n"
                   "decision r: integer? clause \"1\" = if r is present then r.x else none\n");
  CHECK(first_error(r) == "");
}

TEST_CASE("schedules: the program lists them, and a calendar's hours come from its schedule line", "[sema]") {
  auto r = compile(std::string(kSchema) +
                   "schedule gold_hours  clause \"2\"\n  every day 07:00-19:00\n"
                   "schedule basic_hours\n  Monday to Friday 09:00-17:00\n"
                   "let hours: schedule = match c.level { Enterprise => gold_hours, Basic => basic_hours }\n"
                   "calendar desk  clause \"2\"\n  schedule hours\n  in zone \"UTC\"\n  business day 8 hours\n"
                   "decision due: datetime  clause \"1\" = c.at + 1 business day in desk\n"
                   "decision label: text  clause \"1\" = text(hours)\n");
  REQUIRE(first_error(r) == "");
  const ir::Program& p = *r.program;
  REQUIRE(p.schedules.size() == 2);
  CHECK(p.schema.schedules == std::vector<std::string>{p.schedules[0].name, p.schedules[1].name});
  int gold = p.schedules[0].name == "gold_hours" ? 0 : 1;
  CHECK(p.schedules[static_cast<size_t>(gold)].clause == "2");
  CHECK(p.schedules[static_cast<size_t>(gold)].hours.days[6].size() == 1);
  REQUIRE(p.calendars.size() == 1);
  CHECK(p.calendars[0].schedule != ir::kNoNode);
  CHECK(p.nodes[static_cast<size_t>(p.calendars[0].schedule)].type.kind == ir::TypeKind::Schedule);
  for (const auto& day : p.calendars[0].hours.days) CHECK(day.empty());
  // gold_hours has 12-hour days and basic_hours 8-hour ones: only gold_hours is named.
  CHECK(first_warning(r) ==
        "22:16: the calendar `desk` counts a business day as 8 hours, but the working days of its schedule "
        "`gold_hours` are 12 hours long [P0086 business-day-length]");
}

TEST_CASE("schedules: where the type may stand", "[sema]") {
  const Case cases[] = {
      {"a const may be a schedule",
       "schedule s\n  Monday 09:00-17:00\nconst k: schedule = s\n"
       "decision d: text clause \"1\" = text(k)\n",
       ""},
      {"a table column may be a schedule",
       "schedule s\n  Monday 09:00-17:00\ntable t clause \"1\"\n  given c.level as level\n  gives h: schedule\n"
       "  | - | s |\ndecision d: text clause \"1\" = text(t.h)\n",
       ""},
      {"branches must agree",
       "schedule s\n  Monday 09:00-17:00\ndecision d: text clause \"1\" = text(if true then s else 1)\n",
       "16:36: the branches give different types: `schedule` and `integer` [P0035 branches-differ]"},
      {"not matched over",
       "schedule s\n  Monday 09:00-17:00\ndecision d: integer clause \"1\" = match s { else => 1 }\n",
       "16:40: `match` works on enums, bools and integers, not `schedule` [P0058 not-matchable]"},
  };
  for (const Case& k : cases) {
    INFO(k.name);
    auto r = compile(std::string(kSchema) + k.body);
    CHECK(first_error(r) == k.expected);
  }
}

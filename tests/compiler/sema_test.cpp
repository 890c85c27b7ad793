// Table-driven checks of semantic analysis: each policy fragment gives exactly the expected
// first error (position, message and code), or none.
#include <catch2/catch.hpp>

#include "tests/compiler/helpers.h"

using proviso::testing::compile;
using proviso::testing::first_error;
using proviso::testing::first_warning;

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

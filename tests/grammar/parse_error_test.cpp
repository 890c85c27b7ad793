// Syntax errors: the message names what was expected and where, at the offending token; after
// an error the parser resumes at the next declaration, so one run reports several.
#include <catch2/catch.hpp>

#include "grammar_test_util.h"

using namespace proviso;
using proviso::testing::errors;
using proviso::testing::parse_text;

namespace {
struct Case {
  const char* text;
  const char* expected;      // "line:column: message" of every error
  Code code = Code::Syntax;  // the code of every error
};
}  // namespace

TEST_CASE("rejected snippets: message and position of the offending token") {
  const Case cases[] = {
      {"policy t \"T\"\ndecision fee: money 5\n", "2:21: expected `=` after the decision's type\n"},
      {"policy t \"T\"\ndecision fee = 5\n", "2:14: expected `:` and the decision's type after its name\n"},
      {"policy t \"T\"\ndecision fee: = 5\n", "2:15: expected a type such as `integer` or `date`\n"},
      {"policy t \"T\"\ndecision if: integer = 5\n", "2:10: expected the decision's name after `decision`\n"},
      {"policy t \"T\"\nconst x: integer 5\n", "2:18: expected `=` and the constant's value\n"},
      {"policy t \"T\"\nlet x 5\n", "2:7: expected `=` and the value after the name\n"},
      {"policy t \"T\"\nlet x = \"abc\n", "2:9: unterminated text literal\n", Code::UnterminatedText},
      {"policy t \"T\"\nlet x = \"a\\qb\"\n",
       "2:12: unknown escape in a text literal: use `\\\"`, `\\\\`, `\\n` or `\\t`\n", Code::InvalidText},
      {"policy t \"T\"\nlet x = (1 + 2\n", "3:1: expected `)` to close the parenthesis\n"},
      {"policy t \"T\"\nlet x = 1 +\n", "3:1: expected an expression after `+`\n"},
      {"policy t \"T\"\nlet x = a and\nlet y = 2\n", "3:1: expected an expression after `and`\n"},
      {"policy t \"T\"\nlet x = if a then b\n", "3:1: expected `else` and a value: an `if` needs an `else` branch\n"},
      {"policy t \"T\"\nlet x = if a b else c\n", "2:14: expected `then` after the condition of `if`\n"},
      {"policy t \"T\"\nlet x = match y { A 1 }\n", "2:21: expected `=>` after the match pattern\n"},
      {"policy t \"T\"\nlet x = match y { A => 1, + }\n",
       "2:27: expected `}` to close the match, or an arm `PATTERN => VALUE`\n"},
      {"policy t \"T\"\nlet x = [1, 2\n", "3:1: expected `]` to close the list\n"},
      {"policy t \"T\"\nlet x = { a 1 }\n", "2:13: expected `:` after the field name\n"},
      {"policy t \"T\"\nlet x = f(1, 2\n", "3:1: expected `)` to close the arguments of the call\n"},
      {"policy t \"T\"\nlet x = a.5\n", "2:11: expected a field name after `.`\n"},
      {"policy t \"T\"\nlet x = a is b\n", "2:14: expected `present` or `none` after `is`\n"},
      {"policy t \"T\"\nlet x = a not b\n", "2:15: expected `in` after `not` (as in `x not in [A, B]`)\n"},
      {"policy t \"T\"\nlet x = any c in l c\n",
       "2:20: expected `:` after the list of the aggregation, or `excluding \"CLAUSE\" when CONDITION`\n"},
      {"policy t \"T\"\nlet x = count c in l excluding c.x\n",
       "2:32: expected an exclusion `\"CLAUSE\" when CONDITION` after `excluding`, such as `\"4(a)\" when "
       "i.planned`\n"},
      {"policy t \"T\"\nlet x = count c in l excluding \"4(a)\" c.x\n",
       "2:39: expected `when` and a condition after the clause of the exclusion\n"},
      {"policy t \"T\"\nlet x = count c in l excluding \"4(a)\" when\n", "3:1: expected a condition after `when`\n"},
      {"policy t \"T\"\nlet x = count c in l excluding \"4(a)\" when c.x, \"4(b)\"\n",
       "2:47: expected an operator or the end of the line\n"},
      {"policy t \"T\"\nlet x = collect { 1 }\n", "2:21: expected `when` and a condition after the collected value\n"},
      {"policy t \"T\"\nlet x = 5 business weeks\n", "2:20: expected `minutes`, `hours` or `days` after `business`\n"},
      {"policy t \"T\"\nlet x = 2026-11-27T16:00\n",
       "2:25: expected a time zone offset such as `Z` or `-05:00` at the end of the datetime\n"},
      {"policy t \"T\"\nlet x = a b\n", "2:11: expected an operator or the end of the line\n"},
      {"policy t \"T\"\n$\n", "2:1: expected a declaration such as `decision`, `table`, `calendar` or `test`\n"},
      {"policy t \"T\"\npolicy u \"U\"\n", "2:1: a file has one header (`policy` or `module`), at its start\n"},
      {"decision x: integer = 1\n",
       "1:1: expected `policy NAME \"TITLE\"` (or `module NAME \"TITLE\"`) at the start of the file\n"},
      {"", "1:1: expected `policy NAME \"TITLE\"` (or `module NAME \"TITLE\"`) at the start of the file\n"},
      {"policy\n", "2:1: expected the module's dotted name, such as `acme.support`\n"},
      {"policy t \"T\"\n  effective 2024-1-1\n", "2:13: expected a date such as `2024-01-01` after `effective`\n"},
      {"policy t \"T\"\nenum E = A |\n", "3:1: expected an enum member name\n"},
      {"policy t \"T\"\nrecord R { a: integer b }\n", "2:25: expected `:` and the field's type after the field name\n"},
      {"policy t \"T\"\ninput contacts: list text\n",
       "2:22: expected `of` and the element type after `list`, as in `list of text`\n"},
      {"policy t \"T\"\ninput x = 5\n", "2:9: expected `{` and the input's fields, or `:` and its type\n"},
      {"policy t \"T\"\noptional x { a: integer }\n", "2:10: expected `input` after `optional`\n"},
      {"policy t \"T\"\ncalendar c\n  Mondy 08:00-17:00\n  in z\n  business day 8 hours\n",
       "3:3: expected working hours such as `Monday to Friday 09:00-17:00`, or `in` and the calendar's time zone\n"},
      {"policy t \"T\"\ncalendar c\n  Monday to Fridy 08:00-17:00\n",
       "3:13: expected a weekday such as `Friday` after `to`\n"},
      {"policy t \"T\"\ncalendar c\n  Monday 8:00-17:00\n",
       "3:10: expected working hours such as `09:00-17:00` after the days\n"},
      {"policy t \"T\"\ncalendar c\n  Monday 08:00 17:00\n",
       "3:16: expected `-` and the end of the range, as in `09:00-17:00`\n"},
      {"policy t \"T\"\ncalendar c\n  Monday 08:00-17:00\n  in z\n",
       "5:1: expected `business day` and the length of the calendar's business day, such as `business day 8 hours`\n"},
      {"policy t \"T\"\ncalendar c\n  Monday 24:00-17:00\n  in z\n  business day 8 hours\n",
       "3:10: `24:00` can only end a range of working hours\n", Code::InvalidTimeOfDay},
      {"policy t \"T\"\ncalendar c\n  Monday 08:60-25:00\n  in z\n  business day 8 hours\n",
       "3:10: invalid time of day `08:60`: expected `00:00` to `24:00`\n"
       "3:16: invalid time of day `25:00`: expected `00:00` to `24:00`\n",
       Code::InvalidTimeOfDay},
      {"policy t \"T\"\nholidays h\n  on Jan 1\n",
       "3:3: expected `valid FROM to UNTIL`, the years the holiday set is defined for\n"},
      {"policy t \"T\"\nholidays h\n  valid 2000 to 2100\n  on Jan 1\n",
       "4:6: expected a date rule such as `January 1`, `third Monday of January`, `Monday before May 25` or `easter - "
       "2 days`\n"},
      {"policy t \"T\"\nholidays h\n  valid 2000 to 2100\n  on February 30\n",
       "4:15: invalid day: February has no day 30\n", Code::InvalidHolidays},
      {"policy t \"T\"\nholidays h\n  valid 2000 to 2100\n  on third Monday January\n",
       "4:19: expected `of` and a month, as in `third Monday of January`\n"},
      {"policy t \"T\"\nholidays h\n  valid 2000 to 2100\n  on July 4 observed weekday\n",
       "4:22: expected `nearest weekday` after `observed`\n"},
      {"policy t \"T\"\nholidays h\n  valid 2000 to 2100\n  move 2020-05-04 2020-05-08\n",
       "4:19: expected `to` and the new date after the date that moves\n"},
      {"policy t \"T\"\nlet x = 2026-02-29\n", "2:9: invalid date: February 2026 has no day 29\n", Code::InvalidDate},
      {"policy t \"T\"\nlet x = 2026-13-01\n", "2:9: invalid date: the month must be from 01 to 12\n",
       Code::InvalidDate},
      {"policy t \"T\"\ntable t\n  gives a: integer\n", "3:3: expected `given` and the table's input columns\n"},
      {"policy t \"T\"\ntable t\n  given x\n  | 1 |\n",
       "4:3: expected `gives` and the table's output columns, such as `gives fee: money`\n"},
      {"policy t \"T\"\ntable t\n  given x\n  gives a: integer\n  | 1 | 2\n",
       "5:10: expected `|` to close the table row\n"},
      {"policy t \"T\"\ntable t\n  given x\n  gives a: integer\n  | 1 2 |\n",
       "5:7: expected `|` to close the table row\n"},
      {"policy t \"T\"\ntable t\n  given x\n  gives a: integer\n  | 1 | 2  -- note\n\n",
       "5:10: expected `|` to close the table row\n"},
      {"policy t \"T\"\ntable t\n  given x\n  gives a: integer\n  | 1 | ) |\n",
       "5:9: expected a table cell: a value, `-`, `A, B`, `1..3`, `< 5` or `not A`\n"},
      {"policy t \"T\"\ntable t\n  given x\n  gives a: integer\n  hit all\n",
       "5:7: expected `unique` or `first` after `hit`\n"},
      {"policy t \"T\"\nexclusions e\n  \"2.4\" if x\n",
       "3:9: expected `when` and a condition after the exclusion's clause\n"},
      {"policy t \"T\"\ntest severity\n",
       "2:6: expected the test's name in quotes, such as `test \"severity 1 by phone\"`\n"},
      {"policy t \"T\"\ntest \"t\"\n  expect x 5\n", "3:12: expected `=` and the expected value\n"},
      {"policy t \"T\"\ntest \"t\"\n  given x\n", "4:1: expected `=` and the input's value\n"},
      {"policy t \"T\"\nfixture f { a: 1 }\n", "2:11: expected `=` and the fixture's value\n"},
      {"policy t \"T\"\ndecision x: integer clause 2.3 = 1\n",
       "2:28: expected the clause's citation in quotes, such as `clause \"2.3\"`\n"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto r = parse_text(c.text);
    CHECK(errors(r) == c.expected);
    for (const Diagnostic& d : r.diagnostics.items()) CHECK(d.code == c.code);
  }
}

TEST_CASE("the caret underlines the offending token") {
  auto r = parse_text("policy t \"T\"\ndecision fee: money total\n", "fee.policy");
  REQUIRE(r.diagnostics.items().size() == 1);
  CHECK(render(r.diagnostics.items()[0]) ==
        "fee.policy:2:21: error: expected `=` after the decision's type [P0001 syntax]\n"
        "    2 | decision fee: money total\n"
        "      |                     ^~~~~\n");
}

TEST_CASE("recovery: every broken declaration is reported, the others are kept") {
  auto r = parse_text(
      "policy t \"T\"\n"
      "decision a: integer 1\n"    // 2: missing `=`
      "decision b: integer = 2\n"  // fine
      "let c = (1 +\n"             // 4: broken across lines
      "  2\n"
      "table t\n"  // 6: no `given`
      "  | 1 |\n"
      "calendar k\n"  // 8: misspelled day
      "  Moonday 09:00-17:00\n"
      "  in z\n"
      "  business day 8 hours\n"
      "  decision d: integer = 4\n"  // indented declaration: recovery resumes here
      "$$$\n"                        // junk line
      "decision e: integer = 5\n");
  CHECK(errors(r) ==
        "2:21: expected `=` after the decision's type\n"
        "6:1: expected `)` to close the parenthesis\n"
        "7:3: expected `given` and the table's input columns\n"
        "9:3: expected working hours such as `Monday to Friday 09:00-17:00`, or `in` and the calendar's time zone\n"
        "13:1: expected a declaration such as `decision`, `table`, `calendar` or `test`\n");
  std::vector<std::string> names;
  for (const auto& d : r.module.decls)
    if (d.value_decl()) names.push_back(d.value_decl()->name.text);
  CHECK(names == std::vector<std::string>{"b", "d", "e"});
}

TEST_CASE("recovery stops after 50 errors") {
  std::string text = "policy t \"T\"\n";
  for (int i = 0; i < 200; ++i) text += "decision x: integer 1\n";
  auto r = parse_text(text);
  CHECK(r.diagnostics.error_count() == 50);
  CHECK(r.diagnostics.items().back().severity == Severity::Note);
}

TEST_CASE("schedules: one `schedule` line per calendar, an `if` in parentheses, a reserved word") {
  const Case cases[] = {
      {"policy t \"T\"\ncalendar c\n  schedule a\n  schedule b\n  in z\n  business day 8 hours\n",
       "4:3: a calendar has one `schedule` line\n", Code::CalendarHoursTwice},
      // The `else` of an `if` would take the zone line as membership (`b in z`).
      {"policy t \"T\"\ncalendar c\n  schedule if x then a else b\n  in z\n  business day 8 hours\n",
       "3:12: the `in` of the calendar's zone was read as part of this `if`: put the `if` in parentheses\n"},
      {"policy t \"T\"\ncalendar c\n  schedule\n  in z\n  business day 8 hours\n",
       "4:3: expected a schedule after `schedule`, such as the name of one\n"},
      {"policy t \"T\"\nschedule\n", "3:1: expected the schedule's name after `schedule`\n"},
      {"policy t \"T\"\nlet schedule = 1\n", "2:5: expected the name after `let`\n"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto r = parse_text(c.text);
    CHECK(errors(r) == c.expected);
    for (const Diagnostic& d : r.diagnostics.items()) CHECK(d.code == c.code);
  }
}

TEST_CASE("recovery: an indented `schedule` line belongs to its calendar, not a new declaration") {
  auto r = parse_text(
      "policy t \"T\"\n"
      "calendar k\n"
      "  Moonday 09:00-17:00\n"  // 3: misspelled day
      "  schedule s\n"
      "  in z\n"
      "  business day 8 hours\n"
      "schedule s\n"  // recovery resumes here
      "  Monday 09:00-17:00\n"
      "decision e: integer = 5\n");
  CHECK(errors(r) ==
        "3:3: expected working hours such as `Monday to Friday 09:00-17:00`, or `in` and the calendar's time zone\n");
  REQUIRE(r.module.decls.size() == 2);
  CHECK(r.module.decls[0].schedule_decl()->hours.size() == 1);
  CHECK(r.module.decls[1].value_decl()->name.text == "e");
}

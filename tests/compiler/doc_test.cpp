// `proviso doc` (driver::policy_markdown) on a compiled policy: holiday sets with their rules
// and dates, `let`s, table `given` expressions and cells as written, and the comments that
// quote the contract.
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <proviso/rt/holidays.h>
#include <proviso/rt/time.h>
#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"
#include "compiler/driver/doc.h"
#include "compiler/explain/render.h"

using namespace proviso;

namespace {

// A policy with a holiday set, a let, a table with a `> 1000` cell and `given` expressions, and
// comments above its declarations and after its rows and entries.
constexpr const char* kPolicy = R"policy(-- Acme support terms, for the doc tests.
policy acme.doc "Acme Doc Test"
  effective 2026-03-01
  home zone zone "America/New_York"

import stdlib.holidays

enum Level = Gold | Basic

input case {
  level: Level
  spend: integer 0..  -- 3.1 "the annual spend"
  at: datetime
}

-- 2.2 "Acme is closed on Thanksgiving and on Christmas Day (or the weekday it is
-- observed on)"
holidays acme_days "Acme holidays"  clause "2.2"
  valid 2000 to 2100
  on fourth Thursday of November "Thanksgiving Day"
  on December 25 observed nearest weekday "Christmas Day"
  add 2026-12-24  -- a one-off closure

-- 2.1 "from 9am to 5pm Eastern, Monday to Friday"
calendar office  clause "2.1"
  Monday to Friday 09:00-17:00
  in zone "America/New_York"
  except acme_days + us_federal
  business day 8 hours

-- Spending ----------------------------------------------------------------------

-- 4.1 "a customer who spends more than 1000 a year"
let big_spender: bool = case.spend > 1000

let tier: text = match case.level {
  Gold => "gold",   -- 4.2 "Gold"
  Basic => "basic",
}

-- 5.2 "The first reply is due within the times in the table below"
table response  clause "5.2"
  given case.level as level, case.spend as spend
  gives first_reply: business duration
  hit first
  | Gold | > 1000 | 1 business hour | -- "the premium line"
  | -    | -      | 1 business day  |

-- 6 "No reply is owed for an account in arrears"
exclusions exclusions  clause "6"
  "6(a)"  when case.spend == 0  -- "an account with no spend"

decision reply_due: datetime  clause "5.2" = case.at + response.first_reply in office

-- 4.1 "such a customer is a VIP"
decision vip: bool  clause "4.1" = big_spender

-- 4.2 the tiers:
-- 1. Gold
decision tier_name: text  clause "4.2" = tier

decision excluded: bool  clause "6" = not is_empty(exclusions)
)policy";

std::string doc_of(const std::string& text) {
  auto r = driver::compile_source(std::make_shared<const SourceFile>("doc.policy", text));
  REQUIRE(r.ok());
  return driver::policy_markdown(*r.program);
}

bool has(const std::string& md, const std::string& part) { return md.find(part) != std::string::npos; }

// The holiday set called `name` among the constants of the compiled policy.
std::shared_ptr<const rt::HolidaySet> compiled_set(const std::string& text, std::string_view name) {
  auto r = driver::compile_source(std::make_shared<const SourceFile>("doc.policy", text));
  REQUIRE(r.ok());
  for (const ir::Value& v : r.program->consts)
    if (v.kind() == ir::Value::Kind::Holidays && v.as_holidays()->name() == name) return v.as_holidays();
  FAIL("no holiday set " << name);
  return nullptr;
}

}  // namespace

TEST_CASE("doc lists each holiday set with its rules as written and its dates", "[doc]") {
  std::string md = doc_of(kPolicy);
  CHECK(has(md, "## Holiday sets\n"));
  CHECK(has(md, "### `acme_days` (clause 2.2)\n"));
  CHECK(has(md,
            "observed on)\"\n\nAcme holidays.\n\nRules, as written:\n\n```\nvalid 2000 to 2100\non fourth Thursday of "
            "November \"Thanksgiving Day\"\n"
            "on December 25 observed nearest weekday \"Christmas Day\"\nadd 2026-12-24  -- a one-off closure\n```"));
  // The effective year and the next, with weekday and name; the observed day of Christmas 2027
  // (a Saturday) and the unnamed one-off date.
  CHECK(has(md,
            "Dates in 2026:\n\n- Thursday 26 November 2026: Thanksgiving Day\n"
            "- Thursday 24 December 2026\n- Friday 25 December 2026: Christmas Day\n"));
  CHECK(has(md,
            "Dates in 2027:\n\n- Thursday 25 November 2027: Thanksgiving Day\n"
            "- Friday 24 December 2027: Christmas Day\n"));
  CHECK_FALSE(has(md, "Dates in 2025"));
  CHECK_FALSE(has(md, "Dates in 2028"));
  // An imported set the policy names is listed, from its module; one it does not name is not.
  CHECK(has(md, "### `us_federal`\n"));
  CHECK(has(md, "United States federal holidays, from `stdlib.holidays`."));
  CHECK_FALSE(has(md, "england_wales"));
}

TEST_CASE("doc lists the modules a policy imports, directly or through other modules", "[doc]") {
  CHECK(has(doc_of(kPolicy), "- Home zone: `zone \"America/New_York\"`\n- Imports: `stdlib.holidays` (built in)\n\n"));
  const char* d = std::getenv("PROVISO_SOURCE_DIR");
  std::string dir = std::string(d ? d : PROVISO_SOURCE_DIR) + "/tests/policies/modules/";
  auto r = driver::compile_file(dir + "support_terms.policy");
  REQUIRE(r.ok());
  CHECK(has(driver::policy_markdown(*r.program), "- Imports: `stdlib.holidays` (built in), `tests.levels` (`" + dir +
                                                     "lib/levels.policy`), `tests.hours` (`" + dir +
                                                     "lib/hours.policy`)\n"));
  // A policy that imports nothing has no such line.
  CHECK_FALSE(
      has(doc_of("policy t.none \"None\"\n\ninput x { n: integer }\n\ndecision d: integer  clause \"1\" = x.n\n"),
          "Imports"));
}

TEST_CASE("doc lists partial days among the dates, with the hours left open", "[doc]") {
  std::string md = doc_of(
      "policy t.half \"Half days\"\n  effective 2026-01-01\n\n"
      "holidays company\n  valid 2020 to 2030\n"
      "  on Monday before May 25 \"Victoria Day\"\n"
      "  on December 24 open 09:00-13:00 \"Christmas Eve\"\n"
      "  add 2026-12-30 open 09:00-12:00, 13:00-15:00\n\n"
      "calendar desk\n  Monday to Friday 08:00-17:00\n  in zone \"America/Toronto\"\n  except company\n"
      "  business day 9 hours\n\n"
      "input x { at: datetime }\n\n"
      "decision d: datetime  clause \"1\" = x.at + 1 business day in desk\n");
  CHECK(has(md,
            "Dates in 2026:\n\n- Monday 18 May 2026: Victoria Day\n"
            "- Thursday 24 December 2026: Christmas Eve, open 09:00-13:00 only\n"
            "- Wednesday 30 December 2026: open 09:00-12:00, 13:00-15:00 only\n"));
  CHECK(has(md,
            "Dates in 2027:\n\n- Monday 24 May 2027: Victoria Day\n"
            "- Friday 24 December 2027: Christmas Eve, open 09:00-13:00 only\n"));
}

TEST_CASE("doc's holiday dates are the runtime's", "[doc]") {
  std::string md = doc_of(kPolicy);
  for (const char* name : {"acme_days", "us_federal"}) {
    auto set = compiled_set(kPolicy, name);
    for (int year : {2026, 2027}) {
      auto dates = set->dates_in_year(year);
      REQUIRE(dates.ok());
      REQUIRE_FALSE(dates->empty());
      for (rt::Date d : *dates) {
        std::string name_of = set->holiday_name(d);
        CHECK(has(md, "- " + explain::long_date(d) + (name_of.empty() ? "\n" : ": " + name_of + "\n")));
      }
    }
  }
}

TEST_CASE("doc says in one line that a policy without an effective date lists no holiday dates", "[doc]") {
  std::string text = kPolicy;
  const std::string effective = "  effective 2026-03-01\n";
  text.erase(text.find(effective), effective.size());
  std::string md = doc_of(text);
  CHECK(has(md, "### `acme_days` (clause 2.2)"));
  CHECK(has(md, "\nThe policy has no `effective` date, so the dates of its holiday sets are not listed.\n"));
  CHECK_FALSE(has(md, "Dates in"));
}

TEST_CASE("doc lists the lets with type, comment and expression as written", "[doc]") {
  std::string md = doc_of(kPolicy);
  CHECK(has(md, "## Intermediate values\n"));
  CHECK(has(md,
            "### `big_spender`\n\n> 4.1 \"a customer who spends more than 1000 a year\"\n\n"
            "A `let` of type bool.\n\n```\ncase.spend > 1000\n```\n"));
  // Line breaks, indentation and the comments inside are the author's.
  CHECK(has(md,
            "### `tier`\n\nA `let` of type text.\n\n```\nmatch case.level {\n  Gold => \"gold\",   -- 4.2 \"Gold\"\n"
            "  Basic => \"basic\",\n}\n```\n"));
}

TEST_CASE("doc shows each table given column as its expression", "[doc]") {
  std::string md = doc_of(kPolicy);
  CHECK(has(md, "| case.level as level | case.spend as spend | first_reply: business duration | note |\n"));
}

TEST_CASE("doc prints table cells as the author wrote them", "[doc]") {
  std::string md = doc_of(kPolicy);
  CHECK(has(md, "| Gold | > 1000 | 1 business hour | \"the premium line\" |\n"));
  CHECK(has(md, "| - | - | 1 business day |  |\n"));
  CHECK_FALSE(has(md, ">= 1001"));
}

TEST_CASE("doc prints the comments that quote the contract with their declarations", "[doc]") {
  std::string md = doc_of(kPolicy);
  // The policy's description, from the comment above `policy`.
  CHECK(has(md, "Policy `acme.doc` (`doc.policy`).\n\nAcme support terms, for the doc tests.\n\n"));
  // Above declarations, verbatim, as block quotes under their headings.
  CHECK(has(md,
            "### `acme_days` (clause 2.2)\n\n> 2.2 \"Acme is closed on Thanksgiving and on Christmas Day (or the "
            "weekday it is\n> observed on)\"\n\n"));
  CHECK(has(md, "### `office` (clause 2.1)\n\n> 2.1 \"from 9am to 5pm Eastern, Monday to Friday\"\n\n"));
  CHECK(has(md,
            "### `response` (clause 5.2)\n\n> 5.2 \"The first reply is due within the times in the table "
            "below\"\n\n"));
  CHECK(has(md, "### `exclusions` (clause 6)\n\n> 6 \"No reply is owed for an account in arrears\"\n\n"));
  CHECK(has(md, "### `vip` (clause 4.1)\n\n> 4.1 \"such a customer is a VIP\"\n\n```\nbig_spender\n```\n"));
  // After a field, a row or an entry: in a note column.
  CHECK(has(md, "| `spend` | integer 0.. | 3.1 \"the annual spend\" |\n"));
  CHECK(has(md, "| \"6(a)\" | `case.spend == 0` | \"an account with no spend\" |\n"));
  // A line Markdown would read as a list item is escaped so that it shows as written.
  CHECK(has(md, "### `tier_name` (clause 4.2)\n\n> 4.2 the tiers:\n> 1\\. Gold\n\n"));
  // A section divider is not a quote of the declaration below it.
  CHECK_FALSE(has(md, "Spending"));
}

TEST_CASE("doc gives the fields of a one-line record no notes: the comments are the record's", "[doc]") {
  std::string md = doc_of(R"policy(policy acme.line "One-line record"
  home zone zone "UTC"

-- A spell of waiting on the customer.
record Waiting { from: datetime, until: datetime }  -- closed spells only

input case { waiting: list of Waiting }

decision spells: integer  clause "1" = count(case.waiting)
)policy");
  CHECK(has(md,
            "### Record `Waiting`\n\n> A spell of waiting on the customer.\n\n| field | type |\n|---|---|\n"
            "| `from` | datetime |\n| `until` | datetime |\n"));
}

TEST_CASE("doc lists the schedules, and a calendar's schedule line as written", "[doc]") {
  std::string md = doc_of(R"policy(policy acme.regions "Regional hours"
  home zone zone "UTC"

enum Region = EMEA | APAC

input contract { region: Region }
input case { at: datetime }

-- 2.1 "08:00 to 17:00 in EMEA"
schedule emea_hours  clause "2.1"
  Monday to Friday 08:00-17:00

schedule apac_hours  clause "2.1"
  Monday to Friday 09:00-18:00
  Saturday 10:00-14:00

calendar regional  clause "2"
  schedule match contract.region { EMEA => emea_hours, APAC => apac_hours }
  in zone "UTC"
  business day 9 hours

decision due: datetime  clause "3" = case.at + 1 business day in regional
)policy");
  CHECK(has(md, "- Hours: those of the schedule `match contract.region { EMEA => emea_hours, APAC => apac_hours }`\n"));
  CHECK(has(md,
            "## Schedules\n\n### `emea_hours` (clause 2.1)\n\n> 2.1 \"08:00 to 17:00 in EMEA\"\n\n"
            "- Hours: Monday to Friday 08:00-17:00\n"));
  CHECK(has(md, "### `apac_hours` (clause 2.1)\n\n- Hours: Monday to Friday 09:00-18:00; Saturday 10:00-14:00\n"));
}

// `proviso diff`'s comparison (compiler/diff/diff.h) on small policies: proofs, witnesses that
// replay, fail-closed on operations the translation does not model, schema changes.
#include <catch2/catch.hpp>

#include "compiler/diff/diff.h"
#include "compiler/diff/replay.h"
#include "compiler/driver/compile.h"

namespace {

using namespace proviso;

std::shared_ptr<const ir::Program> compile(const std::string& body) {
  std::string text = "policy t \"Test\"\n  home zone zone \"UTC\"\n" + body;
  auto r = driver::compile_source(std::make_shared<const SourceFile>("t.policy", std::move(text)));
  REQUIRE(r.ok());
  return r.program;
}

const diff::DecisionDiff& decision(const diff::Report& r, const std::string& name) {
  for (const auto& d : r.decisions)
    if (d.name == name) return d;
  FAIL("no decision " << name);
  return r.decisions.front();
}

const char* const kSchema =
    "enum Level = Gold | Silver\n"
    "input case {\n  severity: integer 1..4\n  level: Level\n  opened: datetime\n  fee: money\n  note: text?\n}\n";

}  // namespace

TEST_CASE("an integer boundary written two ways is proved unchanged") {
  auto a = compile(std::string(kSchema) + "decision urgent: bool = case.severity <= 2\n");
  auto b = compile(std::string(kSchema) + "decision urgent: bool = case.severity < 3\n");
  auto r = diff::compare(*a, *b, {});
  CHECK(r.equivalent);
  CHECK(decision(r, "urgent").status == "unchanged");
  CHECK(decision(r, "urgent").how == "proved");
}

TEST_CASE("a changed boundary gives a witness on the boundary that replays") {
  auto a = compile(std::string(kSchema) + "decision urgent: bool = case.severity <= 2\n");
  auto b = compile(std::string(kSchema) + "decision urgent: bool = case.severity <= 3\n");
  auto r = diff::compare(*a, *b, {});
  CHECK_FALSE(r.equivalent);
  const auto& d = decision(r, "urgent");
  REQUIRE(d.status == "changed");
  REQUIRE(d.witness);
  CHECK(d.witness->input["case"]["severity"] == 3);
  CHECK(d.witness->old_value == false);
  CHECK(d.witness->new_value == true);
}

TEST_CASE("a deadline moved later says so, proved over all inputs") {
  auto a = compile(std::string(kSchema) + "decision due: datetime = case.opened + 4 hours\n");
  auto b = compile(std::string(kSchema) + "decision due: datetime = case.opened + 5 hours\n");
  auto r = diff::compare(*a, *b, {});
  const auto& d = decision(r, "due");
  CHECK(d.status == "changed");
  CHECK(d.direction == "later");
}

TEST_CASE("an error on one side only is a change") {
  auto a = compile(std::string(kSchema) + "decision n: integer 2..8 = case.severity * 2\n");
  auto b = compile(std::string(kSchema) + "decision n: integer 2..7 = case.severity * 2\n");
  auto r = diff::compare(*a, *b, {});
  const auto& d = decision(r, "n");
  REQUIRE(d.status == "changed");
  CHECK(d.witness->input["case"]["severity"] == 4);
  CHECK(d.witness->new_value.contains("error"));
}

TEST_CASE("an operation the translation does not model makes the decision unknown, never unchanged") {
  // A fake operation number stands for a language feature added after the diff was written.
  auto a = compile(std::string(kSchema) + "decision n: integer = case.severity + 1\n");
  auto fake = std::make_shared<ir::Program>(*a);
  int v = fake->find_value("n");
  REQUIRE(v >= 0);
  fake->nodes[static_cast<size_t>(fake->values[static_cast<size_t>(v)].body)].op = static_cast<ir::Op>(0x7ff0);
  auto r = diff::compare(*fake, *fake, {});
  const auto& d = decision(r, "n");
  CHECK(d.status == "unknown");
  CHECK(d.reason.find("#32752") != std::string::npos);
  CHECK_FALSE(r.equivalent);
}

TEST_CASE("text(x) is not modelled: identical versions are unknown, not unchanged") {
  auto a = compile(std::string(kSchema) + "decision t: text = text(case.severity)\n");
  auto r = diff::compare(*a, *a, {});
  CHECK(decision(r, "t").status == "unknown");
  CHECK(decision(r, "t").reason.find("`text`") != std::string::npos);
}

TEST_CASE("schema changes say whether they break callers") {
  auto a = compile(std::string(kSchema) + "decision s: integer = case.severity\n");
  std::string widened = kSchema;
  widened.replace(widened.find("1..4"), 4, "1..5");
  widened.replace(widened.find("  note: text?\n"), 0, "  ticket: text?\n  region: text\n");
  auto b = compile(widened + "decision s: integer = case.severity\n");
  auto r = diff::compare(*a, *b, {});
  CHECK_FALSE(r.equivalent);
  REQUIRE(r.schema.size() == 3);
  for (const auto& s : r.schema) {
    if (s.path == "case.severity") CHECK_FALSE(s.breaking);  // widened
    if (s.path == "case.ticket") CHECK_FALSE(s.breaking);    // optional
    if (s.path == "case.region") CHECK(s.breaking);          // required
  }
  // Over the inputs both accept, the decision is the same.
  CHECK(decision(r, "s").status == "unchanged");
}

TEST_CASE("money is compared as eval writes it, rounded to the minor unit") {
  auto a = compile(std::string(kSchema) + "decision f: money = case.fee * 1.25\n");
  auto b = compile(std::string(kSchema) + "decision f: money = round(case.fee * 1.25)\n");
  auto r = diff::compare(*a, *b, {});
  CHECK(decision(r, "f").status == "unchanged");
}

TEST_CASE("a changed holiday declaration lists the dates and partial days that differ") {
  // The policy is effective in 2026: the dates are listed from then, counted over the whole
  // range both sets are valid for.
  std::string cal =
      "  effective 2026-01-01\n"
      "input case {\n  opened: datetime\n}\n"
      "holidays acme  clause \"3\"\n  valid 2020 to 2030\n  on December 24 \"Christmas Eve\"\n"
      "calendar desk  clause \"1\"\n  Monday to Friday 09:00-17:00\n  in zone \"UTC\"\n  except acme\n"
      "  business day 8 hours\n"
      "decision due: datetime  clause \"2\" = case.opened + 4 business hours in desk\n";
  auto a = compile(cal);
  std::string half = cal;
  half.replace(half.find("on December 24"), 14, "on December 24 open 09:00-13:00");
  auto b = compile(half);
  REQUIRE(a);
  REQUIRE(b);
  auto r = diff::compare(*a, *b, {});
  const diff::DeclarationChange* h = nullptr;
  for (const auto& c : r.declarations)
    if (c.kind == "holidays") h = &c;
  REQUIRE(h != nullptr);
  CHECK(h->name == "acme");
  CHECK(h->summary == "11 date(s) appear, 11 disappear (2020-2030)");
  CHECK(h->details["dates"]["added"][0] == "2026-12-24 09:00-13:00");
  CHECK(h->details["dates"]["removed"][0] == "2026-12-24");
  CHECK(h->details["dates"]["added"].size() == 5);  // 2026 to 2030
  CHECK(decision(r, "due").status == "changed");
}

TEST_CASE("a calendar whose hours change says on which dates it first differs") {
  std::string cal =
      "input case {\n  opened: datetime\n}\n"
      "calendar desk  clause \"1\"\n  Monday to Friday 09:00-17:00\n  in zone \"UTC\"\n  business day 8 hours\n"
      "decision due: datetime  clause \"2\" = case.opened + 4 business hours in desk\n";
  auto a = compile(cal);
  std::string later = cal;
  later.replace(later.find("09:00-17:00"), 11, "09:00-18:00");
  auto b = compile(later);
  auto r = diff::compare(*a, *b, {});
  REQUIRE(r.declarations.size() == 1);
  const auto& c = r.declarations[0];
  CHECK(c.kind == "calendar");
  REQUIRE(c.details.contains("first_differences"));
  CHECK(c.details["first_differences"][0]["zone"] == "UTC");
  CHECK(c.details["first_differences"][0]["dates"][0] == "2026-01-01 Thu: 09:00-17:00 -> 09:00-18:00");
  CHECK(c.summary.find("first differs on 2026-01-01 Thu") != std::string::npos);
  CHECK(decision(r, "due").status == "changed");
}

namespace {

// Two schedules chosen by the region, in a calendar; `apac` gives APAC's hours.
std::string regional(const std::string& apac) {
  return "enum Region = EMEA | APAC\n"
         "input case {\n  opened: datetime\n  region: Region\n}\n"
         "schedule emea_hours\n  Monday to Friday 08:00-16:00\n"
         "schedule apac_hours\n  " +
         apac +
         "\n"
         "calendar desk  clause \"1\"\n"
         "  schedule match case.region { EMEA => emea_hours, APAC => apac_hours }\n"
         "  in zone \"UTC\"\n  business day 8 hours\n"
         "decision due: datetime  clause \"2\" = case.opened + 4 business hours in desk\n";
}

}  // namespace

TEST_CASE("hours moved from a calendar's day lines into a schedule are proved unchanged") {
  auto a = compile(
      "input case {\n  opened: datetime\n}\n"
      "calendar desk  clause \"1\"\n  Monday to Friday 09:00-17:00\n  in zone \"UTC\"\n  business day 8 hours\n"
      "decision due: datetime  clause \"2\" = case.opened + 4 business hours in desk\n");
  auto b = compile(
      "input case {\n  opened: datetime\n}\n"
      "schedule office\n  Monday to Friday 09:00-12:00, 12:00-17:00\n"
      "calendar desk  clause \"1\"\n  schedule office\n  in zone \"UTC\"\n  business day 8 hours\n"
      "decision due: datetime  clause \"2\" = case.opened + 4 business hours in desk\n");
  auto r = diff::compare(*a, *b, {});
  CHECK(decision(r, "due").status == "unchanged");
  CHECK(decision(r, "due").how == "proved");
  bool calendar_noted = false, schedule_added = false;
  for (const auto& c : r.declarations) {
    if (c.kind == "calendar" && c.name == "desk")
      calendar_noted = c.summary.find("-> schedule office") != std::string::npos;
    if (c.kind == "schedule" && c.name == "office") schedule_added = c.summary == "schedule added";
  }
  CHECK(calendar_noted);
  CHECK(schedule_added);
}

TEST_CASE("a schedule renamed with the same hours: the deadlines are proved unchanged") {
  auto a = compile(regional("Monday to Friday 09:00-17:00"));
  std::string renamed = regional("Monday to Friday 09:00-17:00");
  for (size_t at; (at = renamed.find("apac_hours")) != std::string::npos;) renamed.replace(at, 10, "asia_hours");
  auto b = compile(renamed);
  auto r = diff::compare(*a, *b, {});
  CHECK(decision(r, "due").status == "unchanged");
}

TEST_CASE("one region's schedule changed: a witness in that region, which replays") {
  auto a = compile(regional("Monday to Friday 09:00-17:00"));
  auto b = compile(regional("Monday to Friday 10:00-18:00"));
  auto r = diff::compare(*a, *b, {});
  const auto& d = decision(r, "due");
  REQUIRE(d.status == "changed");
  REQUIRE(d.witness);
  CHECK(d.witness->input["case"]["region"] == "APAC");
  bool schedule_noted = false;
  for (const auto& c : r.declarations)
    if (c.kind == "schedule" && c.name == "apac_hours") schedule_noted = c.summary.find("hours") == 0;
  CHECK(schedule_noted);
}

// Declarations: the header and every kind of declaration, with the fields sema reads.
#include <catch2/catch.hpp>

#include "grammar_test_util.h"

using namespace proviso;
using proviso::testing::errors;
using proviso::testing::kHeader;
using proviso::testing::parse_text;
using proviso::testing::sexpr;

namespace {

// Parses `kHeader + body`, requires no errors, and returns the result.
syntax::ParseResult ok(const std::string& body) {
  auto r = parse_text(kHeader + body);
  INFO(body);
  REQUIRE(errors(r) == "");
  return r;
}

std::string type_text(const ast::TypeExprPtr& t) {
  if (!t) return "<null>";
  switch (t->kind) {
    case ast::TypeExpr::Kind::Named:
      return t->name.text + (t->has_range ? " " + t->range_lo.value_or("") + ".." + t->range_hi.value_or("") : "");
    case ast::TypeExpr::Kind::List: return "list(" + type_text(t->elem) + ")";
    case ast::TypeExpr::Kind::Optional: return "opt(" + type_text(t->elem) + ")";
    case ast::TypeExpr::Kind::Record: {
      std::string s = "record{";
      for (const auto& f : t->fields) s += f.name.text + ":" + type_text(f.type) + ";";
      return s + "}";
    }
  }
  return "?";
}

}  // namespace

TEST_CASE("the header: policy or module, dotted name, title, clauses in any order") {
  auto r = parse_text(
      "-- first\npolicy qlik.oem_maintenance \"OEM | SaaS\"\n  home zone centre_zone\n  version \"2024.1\"\n"
      "  effective 2024-01-01\n  source \"000.txt\"\n");
  REQUIRE(errors(r) == "");
  const ast::Header& h = r.module.header;
  CHECK_FALSE(h.is_module);
  CHECK(h.name.text == "qlik.oem_maintenance");
  CHECK(h.title == "OEM | SaaS");
  CHECK(h.version == "2024.1");
  CHECK(h.effective == "2024-01-01");
  CHECK(h.source == "000.txt");
  CHECK(sexpr(h.home_zone) == "centre_zone");
  CHECK(r.module.comments.size() == 1);

  auto m = parse_text("module stdlib.holidays \"Holiday sets\"\n");
  REQUIRE(errors(m) == "");
  CHECK(m.module.header.is_module);
  CHECK(m.module.header.name.text == "stdlib.holidays");

  auto bom = parse_text("\xEF\xBB\xBFpolicy a \"T\"\n");
  CHECK(errors(bom) == "");

  auto untitled = parse_text("policy a\n");
  REQUIRE(errors(untitled) == "");
  CHECK_FALSE(untitled.module.header.title.has_value());
}

TEST_CASE("import: a standard module by its dotted name, a module file by its path in quotes") {
  auto r = ok("import stdlib.holidays\nimport \"lib/hours.policy\"\nimport \"we\\\"ird.policy\"\n");
  const auto& d = r.module.decls;
  REQUIRE(d.size() == 3);
  CHECK_FALSE(d[0].import_decl()->is_file);
  CHECK(d[0].import_decl()->path.text == "stdlib.holidays");
  CHECK(d[1].import_decl()->is_file);
  CHECK(d[1].import_decl()->path.text == "lib/hours.policy");
  // The span has the quotes (diagnostics underline the path as written); the text is unescaped.
  CHECK(r.module.source->slice(d[1].import_decl()->path.span) == "\"lib/hours.policy\"");
  CHECK(d[2].import_decl()->path.text == "we\"ird.policy");

  auto bare = parse_text(std::string(kHeader) + "import 42\n");
  CHECK(errors(bare) ==
        "2:8: expected a module after `import`: a standard one such as `stdlib.holidays`, or a file in quotes such as "
        "`\"lib/hours.policy\"`\n");
}

TEST_CASE("import, enum, record, inputs") {
  auto r =
      ok("import stdlib.holidays\n"
         "enum Support = Enterprise | Basic\n"
         "enum Channel =\n  | Phone\n  | Email\n"
         "record Contact { name: text, phone: text? }\n"
         "record Site {\n  city: text\n  size: integer 1..3\n}\n"
         "input contract {\n  support: Support\n  seats: integer 0..\n  cap: integer ..10\n  d: integer -5..5\n"
         "  contacts: list of Contact\n  notes: list of (text?)\n  maybe: (list of text)?\n  tags: list of text?\n"
         "  fee: business duration\n  cal: calendar\n  hol: holidays\n}\n"
         "optional input reinstatement { lapse_date: date }\n"
         "input contacts: list of Contact\n");
  const auto& d = r.module.decls;
  REQUIRE(d.size() == 8);
  CHECK(d[0].import_decl()->path.text == "stdlib.holidays");
  CHECK(d[1].enum_decl()->name.text == "Support");
  REQUIRE(d[1].enum_decl()->members.size() == 2);
  CHECK(d[1].enum_decl()->members[1].text == "Basic");
  CHECK(d[2].enum_decl()->members.size() == 2);
  CHECK(d[3].record_decl()->fields.size() == 2);
  CHECK(type_text(d[3].record_decl()->fields[1].type) == "opt(text)");
  CHECK(type_text(d[4].record_decl()->fields[1].type) == "integer 1..3");
  const ast::InputDecl& in = *d[5].input_decl();
  CHECK(in.name.text == "contract");
  CHECK_FALSE(in.optional);
  CHECK(type_text(in.type) ==
        "record{support:Support;seats:integer 0..;cap:integer ..10;d:integer -5..5;contacts:list(Contact);"
        "notes:list(opt(text));maybe:opt(list(text));tags:opt(list(text));fee:business duration;cal:calendar;"
        "hol:holidays;}");
  CHECK(d[6].input_decl()->optional);
  CHECK(type_text(d[6].input_decl()->type) == "record{lapse_date:date;}");
  CHECK(type_text(d[7].input_decl()->type) == "list(Contact)");
}

TEST_CASE("const, let and decision, with and without type and clause") {
  auto r =
      ok("const standard_day: duration = 9 hours\n"
         "let centre = match c.centre { NewYork => zone \"America/New_York\", London => zone \"Europe/London\" }\n"
         "let x: integer clause \"1\" = 1\n"
         "decision fee: money?  clause \"2.3\" =\n  if r is present then round(r.fee) else none\n");
  const auto& d = r.module.decls;
  REQUIRE(d.size() == 4);
  CHECK(d[0].value_decl()->kind == ast::ValueDecl::Kind::Const);
  CHECK(type_text(d[0].value_decl()->type) == "duration");
  CHECK(sexpr(d[0].value_decl()->value) == "duration(9 hours)");
  CHECK(d[1].value_decl()->kind == ast::ValueDecl::Kind::Let);
  CHECK(d[1].value_decl()->type == nullptr);
  CHECK(d[2].value_decl()->clause->text == "1");
  const ast::ValueDecl& v = *d[3].value_decl();
  CHECK(v.kind == ast::ValueDecl::Kind::Decision);
  CHECK(v.name.text == "fee");
  CHECK(type_text(v.type) == "opt(money)");
  CHECK(v.clause->text == "2.3");
  CHECK(sexpr(v.value) == "(if (present r) (call round (. r fee)) none)");
}

TEST_CASE("calendars: hour lines, every day, in, except, business day") {
  auto r =
      ok("calendar support_desk  clause \"2.1\"\n"
         "  Monday 08:00-12:00, 13:00-17:00        -- split shift\n"
         "  Tuesday to Friday 09:00-17:00\n"
         "  Saturday 10:00-14:00\n"
         "  every day 00:00-24:00\n"
         "  in zone \"Europe/London\"\n"
         "  except england_wales + [2026-12-24] - [2026-12-28]\n"
         "  business day 8 hours\n"
         "calendar c2 Monday 09:00-17:00 in z business day 8 hours\n");
  const ast::CalendarDecl& c = *r.module.decls[0].calendar_decl();
  CHECK(c.name.text == "support_desk");
  CHECK(c.clause->text == "2.1");
  REQUIRE(c.hours.size() == 4);
  CHECK(c.hours[0].from_day == 0);
  CHECK(c.hours[0].to_day == 0);
  CHECK(c.hours[0].ranges == std::vector<std::pair<int32_t, int32_t>>{{8 * 3600, 12 * 3600}, {13 * 3600, 17 * 3600}});
  CHECK(c.hours[1].from_day == 1);
  CHECK(c.hours[1].to_day == 4);
  CHECK(c.hours[2].from_day == 5);
  CHECK(c.hours[3].every_day);
  CHECK(c.hours[3].ranges[0].second == 86400);
  CHECK(sexpr(c.zone) == "zone(Europe/London)");
  CHECK(sexpr(c.holidays) == "(- (+ england_wales [date(2026-12-24)]) [date(2026-12-28)])");
  CHECK(sexpr(c.business_day) == "duration(8 hours)");
  CHECK(r.module.decls[1].calendar_decl()->holidays == nullptr);
}

TEST_CASE("holiday sets: valid, every form of rule, add, remove, move") {
  auto r =
      ok("holidays us \"US federal\"  clause \"5 USC 6103\"\n"
         "  valid 1971 to 2100\n"
         "  on January 1 observed nearest weekday \"New Year's Day\"\n"
         "  on third Monday of January from 1986 \"MLK\"\n"
         "  on last Monday of May\n"
         "  on June 19 observed nearest weekday from 2021 until 2090\n"
         "  on easter - 2 days\n"
         "  on easter + 1 day \"Easter Monday\"\n"
         "  on easter\n"
         "  on December 26 substitute next weekday\n"
         "  add 2011-04-29\n"
         "  remove 2020-05-04\n"
         "  move 1995-05-01 to 1995-05-08\n");
  const ast::HolidaysDecl& h = *r.module.decls[0].holidays_decl();
  using R = ast::HolidayRuleDecl;
  CHECK(h.name.text == "us");
  CHECK(h.title == "US federal");
  CHECK(h.clause->text == "5 USC 6103");
  CHECK(h.valid_from == 1971);
  CHECK(h.valid_to == 2100);
  REQUIRE(h.rules.size() == 8);
  CHECK(h.rules[0].kind == R::Kind::Fixed);
  CHECK(h.rules[0].month == 1);
  CHECK(h.rules[0].day == 1);
  CHECK(h.rules[0].observance == R::Observance::NearestWeekday);
  CHECK(h.rules[0].name == "New Year's Day");
  CHECK(h.rules[1].kind == R::Kind::NthWeekday);
  CHECK(h.rules[1].nth == 3);
  CHECK(h.rules[1].weekday == 0);
  CHECK(h.rules[1].month == 1);
  CHECK(h.rules[1].from_year == 1986);
  CHECK(h.rules[2].kind == R::Kind::LastWeekday);
  CHECK(h.rules[2].month == 5);
  CHECK_FALSE(h.rules[2].name.has_value());
  CHECK(h.rules[3].until_year == 2090);
  CHECK(h.rules[4].kind == R::Kind::Easter);
  CHECK(h.rules[4].easter_offset == -2);
  CHECK(h.rules[5].easter_offset == 1);
  CHECK(h.rules[6].easter_offset == 0);
  CHECK(h.rules[7].observance == R::Observance::SubstituteNextWeekday);
  REQUIRE(h.changes.size() == 3);
  CHECK(h.changes[0].kind == ast::DateChange::Kind::Add);
  CHECK(h.changes[0].date == "2011-04-29");
  CHECK(h.changes[1].kind == ast::DateChange::Kind::Remove);
  CHECK(h.changes[2].kind == ast::DateChange::Kind::Move);
  CHECK(h.changes[2].date == "1995-05-01");
  CHECK(h.changes[2].to_date == "1995-05-08");
}

TEST_CASE("holiday sets: weekdays before and after a date, Sunday-only substitutes, partial days") {
  auto r =
      ok("holidays ca\n"
         "  valid 2000 to 2100\n"
         "  on Monday before May 25 \"Victoria Day\"\n"
         "  on Saturday on or after June 20\n"
         "  on Friday on or before December 24\n"
         "  on Tuesday after November 1\n"
         "  on January 1 substitute next weekday if Sunday\n"
         "  on December 24 open 09:00-13:00, 14:00-15:30 \"Christmas Eve\"\n"
         "  add 2026-12-31 open 09:00-12:00\n"
         "  add 2027-01-02\n");
  const ast::HolidaysDecl& h = *r.module.decls[0].holidays_decl();
  using R = ast::HolidayRuleDecl;
  REQUIRE(h.rules.size() == 6);
  CHECK(h.rules[0].kind == R::Kind::WeekdayBefore);
  CHECK(h.rules[0].weekday == 0);
  CHECK(h.rules[0].month == 5);
  CHECK(h.rules[0].day == 25);
  CHECK_FALSE(h.rules[0].inclusive);
  CHECK(h.rules[0].name == "Victoria Day");
  CHECK(h.rules[1].kind == R::Kind::WeekdayAfter);
  CHECK(h.rules[1].weekday == 5);
  CHECK(h.rules[1].inclusive);
  CHECK(h.rules[2].kind == R::Kind::WeekdayBefore);
  CHECK(h.rules[2].inclusive);
  CHECK(h.rules[3].kind == R::Kind::WeekdayAfter);
  CHECK_FALSE(h.rules[3].inclusive);
  CHECK(h.rules[4].kind == R::Kind::Fixed);
  CHECK(h.rules[4].observance == R::Observance::SubstituteSunday);
  CHECK(h.rules[5].kind == R::Kind::Fixed);
  CHECK(h.rules[5].observance == R::Observance::None);
  using Ranges = std::vector<std::pair<int32_t, int32_t>>;
  CHECK(h.rules[5].open == Ranges{{9 * 3600, 13 * 3600}, {14 * 3600, 15 * 3600 + 1800}});
  REQUIRE(h.changes.size() == 2);
  CHECK(h.changes[0].open == Ranges{{9 * 3600, 12 * 3600}});
  CHECK(h.changes[1].open.empty());
}

TEST_CASE("decision tables: given/as, gives, hit, cells of every kind") {
  auto r =
      ok("table response  clause \"5.2, 6.2\"\n"
         "  given contract.support as level, case.severity\n"
         "  gives initial: business duration, update: duration?\n"
         "  hit first\n"
         "  | Enterprise | 1    | 30 business minutes | 4 hours |\n"
         "  | Enterprise | 2..3 | 1 business hour     | none    |\n"
         "  | Basic, Gold | -   | x + 1 | if a then b else c |  -- comment\n"
         "  | not Basic  | < 5  | <= 5 | > 5 |\n"
         "  | not A, B   | >= 5 | != 5 | == 5 |\n"
         "  | -5 | -    | -(1) | match x { A => 1 } |\n"
         "table t2 given a gives b: bool | - | true |\n");
  const ast::TableDecl& t = *r.module.decls[0].table_decl();
  CHECK(t.name.text == "response");
  REQUIRE(t.given.size() == 2);
  CHECK(sexpr(t.given[0].expr) == "(. contract support)");
  CHECK(t.given[0].alias->text == "level");
  CHECK_FALSE(t.given[1].alias.has_value());
  REQUIRE(t.gives.size() == 2);
  CHECK(t.gives[1].name.text == "update");
  CHECK(t.hit == ast::TableDecl::Hit::First);
  CHECK(t.hit_written);
  REQUIRE(t.rows.size() == 6);
  auto cells = [&](size_t row) {
    std::string s;
    for (const auto& c : t.rows[row].cells) s += sexpr(c) + " ";
    return s;
  };
  CHECK(cells(0) == "(oneof Enterprise) (oneof 1) (oneof business(30 minutes)) (oneof duration(4 hours)) ");
  CHECK(cells(1) == "(oneof Enterprise) (range 2 3) (oneof business(1 hours)) (oneof none) ");
  CHECK(cells(2) == "(oneof Basic Gold) - (oneof (+ x 1)) (oneof (if a b c)) ");
  CHECK(cells(3) == "(notof Basic) (< 5) (<= 5) (> 5) ");
  CHECK(cells(4) == "(notof A B) (>= 5) (!= 5) (== 5) ");
  CHECK(cells(5) == "(oneof (neg 5)) - (oneof (neg (paren 1))) (oneof (match x [(oneof A) => 1])) ");
  const ast::TableDecl& t2 = *r.module.decls[1].table_decl();
  CHECK(t2.hit == ast::TableDecl::Hit::Unique);
  CHECK_FALSE(t2.hit_written);
  CHECK(t2.rows.size() == 1);
}

TEST_CASE("exclusions, fixtures and tests") {
  auto r =
      ok("exclusions exclusions  clause \"7.2\"\n"
         "  \"2.4\"     when case.product == Extension\n"
         "  \"4.2\"     when not contract.maintenance_current\n"
         "fixture ny = { support: Enterprise, centre: NewYork }\n"
         "fixture london = ny with { centre: London }\n"
         "test \"Severity 1 by phone\"\n"
         "  given contract = ny\n"
         "  given case = { severity: 1, at: 2026-11-26T10:00:00-05:00 }\n"
         "  expect initial_response_due = 2026-11-26T10:30:00-05:00\n"
         "  expect error \"currency\"\n"
         "  expect error = 3\n"
         "  given late = true\n"
         "test \"empty\"\n");
  const auto& d = r.module.decls;
  REQUIRE(d.size() == 5);
  const ast::ExclusionsDecl& x = *d[0].exclusions_decl();
  CHECK(x.name.text == "exclusions");
  CHECK(x.clause->text == "7.2");
  REQUIRE(x.entries.size() == 2);
  CHECK(x.entries[0].clause == "2.4");
  CHECK(sexpr(x.entries[1].when) == "(not (. contract maintenance_current))");
  CHECK(d[1].fixture_decl()->name.text == "ny");
  CHECK(sexpr(d[2].fixture_decl()->value) == "(with ny {centre: London})");
  const ast::TestDecl& t = *d[3].test_decl();
  CHECK(t.name == "Severity 1 by phone");
  REQUIRE(t.givens.size() == 3);
  CHECK(t.givens[0].input.text == "contract");
  CHECK(t.givens[2].input.text == "late");
  REQUIRE(t.expects.size() == 3);
  CHECK(t.expects[0].decision.text == "initial_response_due");
  CHECK(sexpr(t.expects[0].value) == "datetime(2026-11-26T10:30:00-05:00)");
  CHECK(t.expects[1].is_error);
  CHECK(t.expects[1].error == "currency");
  CHECK_FALSE(t.expects[2].is_error);
  CHECK(t.expects[2].decision.text == "error");
  CHECK(d[4].test_decl()->givens.empty());
}

TEST_CASE("spans: declarations, names and expressions point at their text") {
  std::string text = std::string(kHeader) + "decision fee: integer = a + b  -- c\n";
  auto r = parse_text(text);
  REQUIRE(errors(r) == "");
  const ast::Decl& d = r.module.decls[0];
  auto slice = [&](Span s) { return std::string(r.module.source->slice(s)); };
  CHECK(slice(d.span) == "decision fee: integer = a + b");
  CHECK(slice(d.value_decl()->name.span) == "fee");
  CHECK(slice(d.value_decl()->type->span) == "integer");
  CHECK(slice(d.value_decl()->value->span) == "a + b");
  CHECK(slice(d.value_decl()->value->rhs->span) == "b");
  REQUIRE(r.module.comments.size() == 1);
  CHECK(r.module.comments[0].text == "-- c");
  CHECK(slice(r.module.comments[0].span) == "-- c");
}

TEST_CASE("comments are collected in order, never from inside text literals") {
  auto r = parse_text("-- one\npolicy a \"x -- not a comment\" -- two\r\n-- three\n");
  REQUIRE(errors(r) == "");
  REQUIRE(r.module.comments.size() == 3);
  CHECK(r.module.comments[0].text == "-- one");
  CHECK(r.module.comments[1].text == "-- two");
  CHECK(r.module.comments[2].text == "-- three");
  CHECK(r.module.header.title == "x -- not a comment");
}

TEST_CASE("the seed policies, the standard library and the every-construct policy parse without errors") {
  const char* files[] = {"tests/grammar/data/every_construct.policy",
                         "stdlib/holidays.policy",
                         "policies/qlik/oem_maintenance.policy",
                         "policies/qlik/partner_duties.policy",
                         "policies/ciq/eula_sla.policy",
                         "policies/portrait/support.policy",
                         "policies/bench/triage.policy"};
  for (const char* file : files) {
    std::string text = testing::read_file(file);
    if (text.empty()) continue;  // a seed that moved is not this test's business
    INFO(file);
    auto r = parse_text(text, file);
    CHECK(errors(r) == "");
    CHECK(!r.module.decls.empty());
  }
}

TEST_CASE("schedules: day lines by name; a calendar's `schedule` line instead of its own") {
  auto r =
      ok("schedule emea_hours  clause \"2.1\"\n"
         "  Monday to Friday 08:00-12:00, 13:00-17:00\n"
         "  Saturday 10:00-24:00\n"
         "schedule bare\n"
         "let picked: schedule = match c.region { EMEA => emea_hours, APAC => bare }\n"
         "calendar regional\n"
         "  schedule match c.region {\n"
         "    EMEA => emea_hours,\n"
         "    APAC => picked,\n"
         "  }\n"
         "  in c.zone\n"
         "  business day 8 hours\n"
         "calendar fixed schedule emea_hours in z business day 8 hours\n"
         "calendar chosen\n  schedule (if c.vip then emea_hours else bare)\n  in z\n  business day 8 hours\n");
  const auto& d = r.module.decls;
  REQUIRE(d.size() == 6);
  const ast::ScheduleDecl& s = *d[0].schedule_decl();
  CHECK(s.name.text == "emea_hours");
  CHECK(s.clause->text == "2.1");
  REQUIRE(s.hours.size() == 2);
  CHECK(s.hours[0].from_day == 0);
  CHECK(s.hours[0].to_day == 4);
  CHECK(s.hours[0].ranges == std::vector<std::pair<int32_t, int32_t>>{{8 * 3600, 12 * 3600}, {13 * 3600, 17 * 3600}});
  CHECK(s.hours[1].ranges[0].second == 86400);
  CHECK(d[1].schedule_decl()->hours.empty());
  CHECK(type_text(d[2].value_decl()->type) == "schedule");
  const ast::CalendarDecl& c = *d[3].calendar_decl();
  CHECK(c.hours.empty());
  CHECK(sexpr(c.schedule) == "(match (. c region) [(oneof EMEA) => emea_hours] [(oneof APAC) => picked])");
  CHECK(r.module.source->slice(c.schedule_span).starts_with("schedule match"));
  CHECK(sexpr(c.zone) == "(. c zone)");
  CHECK(sexpr(d[4].calendar_decl()->schedule) == "emea_hours");
  CHECK(sexpr(d[5].calendar_decl()->schedule) == "(paren (if (. c vip) emea_hours bare))");
  // Day lines and a schedule line together parse; the checker refuses them (P0089).
  auto mixed = ok("calendar m\n  Monday 09:00-17:00\n  schedule s\n  in z\n  business day 8 hours\n");
  CHECK(mixed.module.decls[0].calendar_decl()->hours.size() == 1);
  CHECK(sexpr(mixed.module.decls[0].calendar_decl()->schedule) == "s");
}

// The formatter: canonical layout, idempotence, every comment kept, the same program after
// re-parsing, and refusal when that cannot be guaranteed.
#include <catch2/catch.hpp>

#include <random>

#include "compiler/ast/ast_equal.h"
#include "compiler/format/formatter.h"
#include "grammar_test_util.h"

using namespace proviso;
using proviso::testing::errors;
using proviso::testing::parse_text;

namespace {

format::FormatResult fmt(const std::string& text) {
  return format::format_source(std::make_shared<SourceFile>("f.policy", text));
}

// Formats, checks that formatting again changes nothing, returns the text.
std::string canonical(const std::string& text) {
  auto once = fmt(text);
  INFO(once.error);
  REQUIRE(once.ok);
  auto twice = fmt(once.text);
  INFO(twice.error);
  REQUIRE(twice.ok);
  CHECK(twice.text == once.text);
  return once.text;
}

size_t count_comments(const std::string& text) { return parse_text(text).module.comments.size(); }

}  // namespace

TEST_CASE("formatting every construct is idempotent and keeps program and comments") {
  const char* files[] = {"tests/grammar/data/every_construct.policy",
                         "stdlib/holidays.policy",
                         "policies/qlik/oem_maintenance.policy",
                         "policies/qlik/partner_duties.policy",
                         "policies/ciq/eula_sla.policy",
                         "policies/portrait/support.policy",
                         "policies/bench/triage.policy"};
  for (const char* file : files) {
    std::string text = testing::read_file(file);
    if (text.empty()) continue;
    INFO(file);
    std::string out = canonical(text);
    CHECK(count_comments(out) == count_comments(text));
    CHECK(ast::equal(parse_text(text).module, parse_text(out).module));
  }
}

TEST_CASE("canonical layout") {
  const char* in =
      "-- top\n"
      "policy   a.b   \"T\"   effective 2024-01-01 home zone z version \"1\" source \"s.txt\"\n"
      "import   stdlib.holidays\n"
      "enum E=A|B\n"
      "enum F = C | D\n"
      "record R { a : text , b: integer 1..3 }\n"
      "input i { x: integer  -- the x\n y: text? }\n"
      "decision d : integer clause \"1\" = ( a+b )*-c\n"
      "calendar c clause \"2\" Monday 08:00-12:00,13:00-17:00 Tuesday to Friday 09:00-17:00 in z except h business day "
      "8 hours\n"
      "holidays h \"H\" valid 2000 to 2100 on easter-2 days move 2001-01-01 to 2001-01-02 on January 1 observed "
      "nearest weekday\n"
      "table t given a as x, b gives o: integer hit unique\n"
      "| A | 1..3 | 10 |\n"
      "| Bee, C | - | 200 |\n"
      "exclusions e \"1\" when a \"1.2\" when b\n"
      "test \"t\" expect d = 1 given i = { x: 1, y: none }\n";
  const char* expected =
      "-- top\n"
      "policy a.b \"T\"\n"
      "  source \"s.txt\"\n"
      "  version \"1\"\n"
      "  effective 2024-01-01\n"
      "  home zone z\n"
      "\n"
      "import stdlib.holidays\n"
      "\n"
      "enum E = A | B\n"
      "enum F = C | D\n"
      "\n"
      "record R { a: text, b: integer 1..3 }\n"
      "\n"
      "input i {\n"
      "  x: integer  -- the x\n"
      "  y: text?\n"
      "}\n"
      "\n"
      "decision d: integer  clause \"1\" = (a + b) * -c\n"
      "\n"
      "calendar c  clause \"2\"\n"
      "  Monday 08:00-12:00, 13:00-17:00\n"
      "  Tuesday to Friday 09:00-17:00\n"
      "  in z\n"
      "  except h\n"
      "  business day 8 hours\n"
      "\n"
      "holidays h \"H\"\n"
      "  valid 2000 to 2100\n"
      "  on easter - 2 days\n"
      "  on January 1 observed nearest weekday\n"
      "  move 2001-01-01 to 2001-01-02\n"
      "\n"
      "table t\n"
      "  given a as x, b\n"
      "  gives o: integer\n"
      "  hit unique\n"
      "  | A      | 1..3 | 10  |\n"
      "  | Bee, C | -    | 200 |\n"
      "\n"
      "exclusions e\n"
      "  \"1\"    when a\n"
      "  \"1.2\"  when b\n"
      "\n"
      "test \"t\"\n"
      "  given i = { x: 1, y: none }\n"
      "  expect d = 1\n";
  CHECK(canonical(in) == expected);
}

TEST_CASE("long expressions break before and, or, then, else; brackets hold one item a line") {
  const char* in =
      "policy a \"T\"\n"
      "decision d: bool clause \"1\" = contract.dse_purchased and contract.dse_fee_paid and contract.support == "
      "Enterprise and contract.maintenance_current\n"
      "decision e: text? = if reinstatement is present and reinstatement.payment_date <= reinstatement.lapse_date + 12 "
      "months then \"within the twelve months\" else none\n"
      "let z = match c { NewYork => zone \"America/New_York\", London => zone \"Europe/London\" }\n"
      "fixture f = { a_long_field_name: 1, another_long_field_name: 2, yet_another_long_field_name: [1, 2, 3] }\n";
  const char* expected =
      "policy a \"T\"\n"
      "\n"
      "decision d: bool  clause \"1\" =\n"
      "  contract.dse_purchased\n"
      "  and contract.dse_fee_paid\n"
      "  and contract.support == Enterprise\n"
      "  and contract.maintenance_current\n"
      "\n"
      "decision e: text? =\n"
      "  if reinstatement is present\n"
      "     and reinstatement.payment_date <= reinstatement.lapse_date + 12 months\n"
      "  then \"within the twelve months\"\n"
      "  else none\n"
      "\n"
      "let z = match c {\n"
      "  NewYork => zone \"America/New_York\",\n"
      "  London => zone \"Europe/London\",\n"
      "}\n"
      "\n"
      "fixture f = {\n"
      "  a_long_field_name: 1,\n"
      "  another_long_field_name: 2,\n"
      "  yet_another_long_field_name: [1, 2, 3],\n"
      "}\n";
  CHECK(canonical(in) == expected);
}

TEST_CASE("imports are kept as written: a dotted name, or a quoted path with its escapes") {
  CHECK(
      canonical("policy a \"T\"\nimport   \"lib/hours.policy\"\nimport stdlib.holidays\nimport \"a\\\\b.policy\"\n") ==
      "policy a \"T\"\n\nimport \"lib/hours.policy\"\nimport stdlib.holidays\nimport \"a\\\\b.policy\"\n");
  // A quoted path and a dotted name are different imports, even with the same text.
  CHECK_FALSE(ast::equal(parse_text("policy a \"T\"\nimport \"stdlib.holidays\"\n").module,
                         parse_text("policy a \"T\"\nimport stdlib.holidays\n").module));
}

TEST_CASE("user parentheses are kept, none are added, units are singular for 1") {
  CHECK(canonical("policy a \"T\"\nlet x = ((a)) + (b * c) - 1 hours + 1 business days + 2 week + 1 months\n") ==
        "policy a \"T\"\n\nlet x = ((a)) + (b * c) - 1 hour + 1 business day + 2 weeks + 1 month\n");
}

TEST_CASE("every comment is kept: before, after and inside declarations") {
  const char* in =
      "-- file comment\n"
      "\n"
      "policy a \"T\"  -- trailing the header\n"
      "-- before a decision\n"
      "decision d: integer =  -- after the head\n"
      "  -- inside, on its own line\n"
      "  f(1,  -- inside a call\n"
      "    2)\n"
      "let m = match x {\n"
      "  -- before an arm\n"
      "  A => 1,  -- after an arm\n"
      "  B => 2\n"
      "  -- before the brace\n"
      "}\n"
      "-- at the end\n";
  std::string out = canonical(in);
  CHECK(count_comments(out) == count_comments(in));
  CHECK(out.find("policy a \"T\"  -- trailing the header\n") != std::string::npos);
  CHECK(out.find("  -- before an arm\n  A => 1,  -- after an arm\n") != std::string::npos);
  CHECK(out.find("-- file comment\n\npolicy") == 0);
}

TEST_CASE("the formatter refuses what it cannot format faithfully") {
  auto broken = fmt("policy a \"T\"\ndecision d: integer 1\n");
  CHECK_FALSE(broken.ok);
  CHECK(broken.error.find("syntax errors") != std::string::npos);
  CHECK(broken.text.empty());

  // A tree no parser makes: a table cell holding `not x` as a value would come back as a
  // `not` condition. format() prints it; format_source-style checking sees the change.
  auto r = parse_text("policy a \"T\"\ntable t given a gives o: bool\n  | 1 | x |\n");
  REQUIRE(errors(r) == "");
  ast::Condition& cell = r.module.decls[0].table_decl()->rows[0].cells[1];
  auto inner = std::move(cell.values[0]);
  cell.values[0] = std::make_unique<ast::Expr>();
  cell.values[0]->kind = ast::ExprKind::Unary;
  cell.values[0]->unary_op = ast::UnaryOp::Not;
  cell.values[0]->operand = std::move(inner);
  auto printed = format::format(r.module);
  REQUIRE(printed.ok);
  auto reparsed = parse_text(printed.text);
  CHECK_FALSE(ast::equal(r.module, reparsed.module));

  // verify(), format_source's last step, refuses a text that differs from the tree or lost a comment.
  auto original = parse_text("policy a \"T\"\nlet x = 1  -- one\n");
  CHECK(format::verify(original.module, "policy a \"T\"\nlet x = 1  -- one\n").ok);
  auto changed = format::verify(original.module, "policy a \"T\"\nlet x = 2  -- one\n");
  CHECK_FALSE(changed.ok);
  CHECK(changed.error.find("would change the program") != std::string::npos);
  auto lost = format::verify(original.module, "policy a \"T\"\nlet x = 1\n");
  CHECK_FALSE(lost.ok);
  CHECK(lost.error.find("comments") != std::string::npos);
  auto unparsable = format::verify(original.module, "policy a \"T\"\nlet x = \n");
  CHECK_FALSE(unparsable.ok);
  CHECK(unparsable.error.find("does not parse") != std::string::npos);

  // An incomplete tree is refused outright.
  r.module.decls[0].table_decl()->rows[0].cells[1].values[0].reset();
  CHECK_FALSE(format::format(r.module).ok);
}

TEST_CASE("comments anywhere a line ends or starts are kept, and formatting stays idempotent") {
  std::mt19937 rng(7);
  const char* files[] = {"tests/grammar/data/every_construct.policy", "tests/grammar/data/truncation_sample.policy"};
  for (const char* file : files) {
    const std::string text = testing::read_file(file);
    REQUIRE(!text.empty());
    for (int round = 0; round < 20; ++round) {
      std::string mutated;
      int n = 0;
      size_t start = 0;
      while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        if (rng() % 5 == 0) mutated += "-- own " + std::to_string(n++) + "\n";
        mutated += line;
        if (rng() % 3 == 0 && line.find("--") == std::string::npos) mutated += "  -- trailing " + std::to_string(n++);
        mutated += "\n";
        start = end + 1;
      }
      INFO(file << " round " << round << "\n" << mutated);
      auto once = fmt(mutated);
      INFO(once.error);
      REQUIRE(once.ok);
      CHECK(count_comments(once.text) == count_comments(mutated));
      auto twice = fmt(once.text);
      REQUIRE(twice.ok);
      CHECK(twice.text == once.text);
    }
  }
}

TEST_CASE("every prefix of the sample that parses formats idempotently") {
  const std::string text = testing::read_file("tests/grammar/data/truncation_sample.policy");
  REQUIRE(!text.empty());
  for (size_t n = 0; n <= text.size(); ++n) {
    std::string prefix = text.substr(0, n);
    if (parse_text(prefix).diagnostics.has_errors()) continue;
    INFO(prefix);
    auto once = fmt(prefix);
    INFO(once.error);
    REQUIRE(once.ok);
    CHECK(fmt(once.text).text == once.text);
  }
}

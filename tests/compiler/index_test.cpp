// The checker's semantic index (compiler/sema/index.h), which the language server answers
// from: what it records for each kind of name, and that recording it changes nothing the
// checker says (every golden diagnostics policy checked with and without an index).
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/compiler/helpers.h"

using namespace proviso;

namespace {

struct Indexed {
  driver::CompileResult result;
  sema::SemanticIndex index;
  std::string text;
};

Indexed indexed(const std::string& body) {
  Indexed out;
  out.text = "policy t \"Test\"\n  home zone zone \"UTC\"\n" + body;
  auto source = std::make_shared<const SourceFile>("test.policy", out.text);
  out.result = driver::compile_source(source, {}, &out.index);
  return out;
}

// "kind owner.name: type" of the entity that the name at the start of the nth (from 0)
// `needle` refers to; the name is `length` bytes long (the whole needle by default).
std::string refers(const Indexed& x, const std::string& needle, int nth = 0, size_t length = 0) {
  size_t at = std::string::npos;
  for (int i = 0; i <= nth; ++i) at = x.text.find(needle, at == std::string::npos ? 0 : at + 1);
  REQUIRE(at != std::string::npos);
  size_t end = at + (length ? length : needle.size());
  for (const sema::Occurrence& o : x.index.occurrences) {
    if (o.span.begin != at || o.span.end != end) continue;
    const sema::Entity& e = x.index.entities[static_cast<size_t>(o.entity)];
    return std::string(sema::entity_kind_word(e.kind)) + " " + (e.owner.empty() ? "" : e.owner + ".") + e.name +
           (e.type.empty() ? "" : ": " + e.type) + (o.declaration ? " (declared)" : "");
  }
  return "nothing";
}

std::string type_at(const Indexed& x, const std::string& code) {
  size_t at = x.text.find(code);
  REQUIRE(at != std::string::npos);
  for (const sema::TypedSpan& t : x.index.types)
    if (t.span.begin == at && t.span.end == at + code.size()) return t.type;
  return "none";
}

const char* kPolicy = R"(
enum Tier = Gold | Silver
record Contact { name: text, tier: Tier }
input case { tier: Tier, severity: integer 1..3, contacts: list of Contact }
table response  clause "5"
  given case.tier as tier
  gives minutes: integer
  | Gold   | 30 |
  | Silver | 60 |
decision minutes: integer  clause "5" = response.minutes
decision gold: bool  clause "6" = case.tier == Tier.Gold or any c in case.contacts: c.tier == Gold
fixture base = { tier: Silver, severity: 1, contacts: [] }
test "silver"
  given case = base with { tier: Gold }
  expect minutes = 30
)";

}  // namespace

TEST_CASE("index: every kind of name refers to its entity, with its type") {
  Indexed x = indexed(kPolicy);
  REQUIRE(x.result.ok());
  CHECK(refers(x, "Tier") == "enum Tier (declared)");
  CHECK(refers(x, "Tier", 1) == "enum Tier");  // a field's type
  CHECK(refers(x, "Gold") == "enum member Tier.Gold: Tier (declared)");
  CHECK(refers(x, "Gold", 1) == "enum member Tier.Gold: Tier");  // a table cell
  CHECK(refers(x, "Gold", 3) == "enum member Tier.Gold: Tier");  // `Tier.Gold`
  CHECK(refers(x, "tier", 0) == "field Contact.tier: Tier (declared)");
  CHECK(refers(x, "tier", 1) == "field case.tier: Tier (declared)");
  CHECK(refers(x, "tier", 2) == "field case.tier: Tier");  // `given case.tier`
  CHECK(refers(x, "case.tier", 0, 4) == "input case: case");
  CHECK(refers(x, "minutes", 0) == "table column response.minutes: integer (declared)");
  CHECK(refers(x, "minutes", 1) == "decision minutes: integer (declared)");
  CHECK(refers(x, "minutes", 2) == "table column response.minutes: integer");
  CHECK(refers(x, "response", 1) == "table response");
  CHECK(refers(x, "c in", 0, 1) == "variable 0.c: Contact (declared)");
  CHECK(refers(x, "c.tier", 0, 1) == "variable 0.c: Contact");
  CHECK(refers(x, "c.tier", 0).find("nothing") == 0);
  CHECK(refers(x, "tier == Gold", 0, 4) == "field Contact.tier: Tier");
  CHECK(refers(x, "base", 1) == "fixture base");
  CHECK(refers(x, "tier: Gold", 0, 4) == "field case.tier: Tier");        // in `with { ... }`
  CHECK(refers(x, "minutes = 30", 0, 7) == "decision minutes: integer");  // a test's `expect`
  CHECK(type_at(x, "case.tier == Tier.Gold") == "bool");
  CHECK(type_at(x, "case.contacts") == "list of Contact");
  CHECK(type_at(x, "response.minutes") == "integer");
}

TEST_CASE("index: names are recorded around an error, and the errors are the same") {
  Indexed x = indexed(R"(
enum Tier = Gold | Silver
input case { tier: Tier }
decision gold: bool  clause "1" = case.tier == Gold and coverd
)");
  CHECK_FALSE(x.result.ok());
  CHECK(refers(x, "Gold", 1) == "enum member Tier.Gold: Tier");
  CHECK(refers(x, "coverd") == "nothing");
  auto plain = testing::compile(
      "\nenum Tier = Gold | Silver\ninput case { tier: Tier }\n"
      "decision gold: bool  clause \"1\" = case.tier == Gold and coverd\n");
  CHECK(render_all(plain.diagnostics).find("unknown name `coverd`") != std::string::npos);
}

TEST_CASE("index: keeping an index changes no diagnostic of any golden policy") {
  const char* d = std::getenv("PROVISO_SOURCE_DIR");
  std::filesystem::path dir = std::filesystem::path(d ? d : PROVISO_SOURCE_DIR) / "tests/golden/diagnostics";
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".policy") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto source = std::make_shared<const SourceFile>(entry.path().filename().string(), text.str());
    sema::SemanticIndex index;
    driver::CompileResult with = driver::compile_source(source, {}, &index);
    driver::CompileResult without = driver::compile_source(source, {});
    INFO(entry.path().filename().string());
    CHECK(render_all(with.diagnostics) == render_all(without.diagnostics));
    ++checked;
  }
  CHECK(checked > 50);
}

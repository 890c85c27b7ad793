// Diagnostic codes against docs/DIAGNOSTICS.md: every code has an entry, every entry's example
// produces its code and prints what the entry shows, no code is dead, fixes fix, and the
// JSON form says what the text form says.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "compiler/ast/diagnostic.h"
#include "compiler/ast/diagnostic_docs.h"
#include "compiler/driver/compile.h"

using namespace proviso;
namespace fs = std::filesystem;

namespace {

std::string source_dir() {
  const char* d = std::getenv("PROVISO_SOURCE_DIR");
  return d ? d : PROVISO_SOURCE_DIR;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The text between the first line `open` at or after `from` and the next line "```" (both
// excluded); `*next` is set past the closing fence. Empty and npos when there is none.
std::string block(std::string_view text, const std::string& open, size_t from, size_t* next) {
  size_t b = text.find("\n" + open + "\n", from == 0 ? 0 : from - 1);
  if (b == std::string_view::npos) {
    *next = std::string_view::npos;
    return {};
  }
  b += open.size() + 2;
  size_t e = text.find("\n```\n", b - 1);
  if (e == std::string_view::npos) e = text.size();
  *next = e + 5;
  // An empty block has its closing fence right after the opening line.
  if (e + 1 <= b) return {};
  return std::string(text.substr(b, e + 1 - b));
}

struct Example {
  std::string policy;   // empty when the entry shows a shortened example instead
  std::string printed;  // the ```text block that follows it: what `proviso check` prints
};

Example example_of(Code code) {
  std::string_view entry = diagnostic_entry(code);
  Example ex;
  size_t next = 0;
  ex.policy = block(entry, "```policy", 0, &next);
  ex.printed = block(entry, "```text", ex.policy.empty() ? 0 : next, &next);
  return ex;
}

driver::CompileResult compile_example(const std::string& text) {
  return driver::compile_source(std::make_shared<const SourceFile>("example.policy", text));
}

std::set<Code> codes_of(const driver::CompileResult& r) {
  std::set<Code> out;
  for (const Diagnostic& d : r.diagnostics.items()) out.insert(d.code);
  return out;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// Codes whose examples are too large to print in the docs (the entries show them shortened):
// generated here. Each gives the path and text of a policy (a null text: no such file).
struct Generated {
  std::string path = "example.policy";
  std::optional<std::string> text;
};

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

const std::map<Code, std::function<Generated()>>& generated() {
  static const std::map<Code, std::function<Generated()>> g = {
      {Code::TooManyErrors,
       [] {
         return Generated{"example.policy", "policy example \"Example\"\n\n" + repeat("let x 1\n", 51)};
       }},
      {Code::FileTooLarge,
       [] {
         return Generated{"example.policy", "policy example \"Example\"\n-- " + std::string(8u << 20, 'x') + "\n"};
       }},
      {Code::NestingTooDeep,
       [] {
         return Generated{"example.policy", "policy example \"Example\"\n\ndecision d: integer  clause \"1\" = " +
                                                std::string(201, '(') + "1" + std::string(201, ')') + "\n"};
       }},
      {Code::DeclarationTooLarge,
       [] {
         std::string members;
         for (int i = 0; i <= 1000; ++i) members += fmt::format("{}M{}", i ? " | " : "", i);
         return Generated{"example.policy", "policy example \"Example\"\n\nenum Big = " + members + "\n"};
       }},
      {Code::TableNotChecked,
       [] {
         std::string rows;
         for (int i = 1; i <= 10000; ++i) rows += fmt::format("  | {} | {} |\n", i, i);
         return Generated{
             "example.policy",
             "policy example \"Example\"\n\ninput case { n: integer 1..10000 }\n\ntable big  clause \"1\"\n"
             "  given case.n as n\n  gives v: integer\n" +
                 rows + "\ndecision d: integer  clause \"1\" = big.v\n"};
       }},
      {Code::EvaluationTooDeep,
       [] {
         std::string lets = "let l0: integer = case.severity" + repeat(" + 1", 18) + "\n";
         for (int i = 1; i < 110; ++i) lets += fmt::format("let l{}: integer = l{}{}\n", i, i - 1, repeat(" + 1", 18));
         return Generated{"example.policy", "policy example \"Example\"\n\ninput case { severity: integer 1..3 }\n\n" +
                                                lets + "decision total: integer  clause \"1\" = l109\n"};
       }},
      {Code::UnreadableFile,
       [] {
         return Generated{"missing.policy", std::nullopt};
       }},
  };
  return g;
}

driver::CompileResult compile_generated(const Generated& g) {
  if (!g.text) return driver::compile_file(g.path);
  return driver::compile_source(std::make_shared<const SourceFile>(g.path, *g.text));
}

// An example may produce other codes only where its problem cannot come alone.
const std::map<Code, std::set<Code>> kAlsoProduced = {};

// Applies the fixes of `d` to `text`; all of them must apply.
std::string apply_fixes(std::string text, const Diagnostic& d) {
  int applied = 0;
  std::string out = proviso::apply_fixes(std::move(text), d.fixes, &applied);
  CHECK(applied == static_cast<int>(d.fixes.size()));
  return out;
}

}  // namespace

TEST_CASE("codes are numbered in order, named once, and found by id, lower-case id or name") {
  std::set<std::string_view> names;
  size_t n = 0;
  for (const CodeInfo& c : all_codes()) {
    ++n;
    INFO(c.name);
    CHECK(static_cast<size_t>(c.code) == n);
    CHECK(code_id(c.code) == fmt::format("P{:04}", n));
    CHECK(names.insert(c.name).second);
    CHECK(std::regex_match(std::string(c.name), std::regex("[a-z]+(-[a-z]+)*")));
    CHECK(&code_info(c.code) == &c);
    std::string id = code_id(c.code), lower = id;
    lower[0] = 'p';
    CHECK(find_code(id) == &c);
    CHECK(find_code(lower) == &c);
    CHECK(find_code(c.name) == &c);
  }
  CHECK(find_code("P9999") == nullptr);
  CHECK(find_code("P17") == nullptr);
  CHECK(find_code("") == nullptr);
  CHECK(find_code("Unknown-Name") == nullptr);
  // A number outside the enum (a bug) is reported as `internal`, not as the last code.
  CHECK(code_info(static_cast<Code>(0)).code == Code::Internal);
  CHECK(code_info(static_cast<Code>(all_codes().size() + 1)).code == Code::Internal);
}

TEST_CASE("apply_fixes applies the last edit first and skips overlaps and edits past the end") {
  int applied = -1;
  CHECK(apply_fixes("a * b", {{{0, 1}, "x"}, {{4, 5}, "yy"}}, &applied) == "x * yy");
  CHECK(applied == 2);
  CHECK(apply_fixes("abcdef", {{{1, 4}, "X"}, {{2, 3}, "Y"}}, &applied) == "abYdef");
  CHECK(applied == 1);
  CHECK(apply_fixes("abc", {{{2, 9}, "X"}}, &applied) == "abc");
  CHECK(applied == 0);
  CHECK(apply_fixes("abc", {{{3, 3}, "!"}}) == "abc!");
}

TEST_CASE("docs/DIAGNOSTICS.md has one entry per code, and the binary holds the committed file") {
  std::string doc(diagnostics_doc());
  CHECK(doc == slurp(fs::path(source_dir()) / "docs" / "DIAGNOSTICS.md"));
  // "Reading a diagnostic" shows what the example of P0017 prints.
  size_t next = 0;
  CHECK(block(doc, "```text", 0, &next) == example_of(Code::UnknownName).printed);
  std::regex heading("\n## (P[0-9]{4}) ");
  size_t headings = std::distance(std::sregex_iterator(doc.begin(), doc.end(), heading), std::sregex_iterator());
  CHECK(headings == all_codes().size());
  for (const CodeInfo& c : all_codes()) {
    std::string id = code_id(c.code);
    INFO(id);
    std::string entry(diagnostic_entry(c.code));
    REQUIRE(!entry.empty());
    std::string severity = severity_word(c.severity);
    severity[0] = static_cast<char>(severity[0] - 'a' + 'A');
    CHECK(first_line(entry) == fmt::format("## {} {}", id, c.name));
    CHECK(entry.find(fmt::format("\n\n{}: {}.\n", severity, c.summary)) != std::string::npos);
    CHECK(entry.find("\nFix: ") != std::string::npos);
    // The table at the top of the file lists the code as the table in the binary does.
    CHECK(doc.find(fmt::format("\n| {} | `{}` | {} | {} |\n", id, c.name, severity_word(c.severity), c.summary)) !=
          std::string::npos);
  }
}

TEST_CASE("every entry's example produces its code and prints what the entry shows") {
  for (const CodeInfo& c : all_codes()) {
    if (generated().contains(c.code) || c.code == Code::Internal) continue;
    INFO(code_id(c.code) << " " << c.name);
    Example ex = example_of(c.code);
    REQUIRE(!ex.policy.empty());
    auto r = compile_example(ex.policy);
    std::string printed = render_all(r.diagnostics);
    INFO(printed);
    std::set<Code> codes = codes_of(r);
    CHECK(codes.contains(c.code));
    std::set<Code> allowed = {c.code};
    if (kAlsoProduced.contains(c.code))
      allowed.insert(kAlsoProduced.at(c.code).begin(), kAlsoProduced.at(c.code).end());
    for (Code other : codes) CHECK(allowed.contains(other));
    CHECK(printed == ex.printed);
  }
}

TEST_CASE("codes whose examples are shortened in the docs are produced by the full policies") {
  for (const auto& [code, make] : generated()) {
    INFO(code_id(code));
    Generated g = make();
    if (!g.text) REQUIRE(!fs::exists(g.path));
    auto r = compile_generated(g);
    const Diagnostic* first = nullptr;
    for (const Diagnostic& d : r.diagnostics.items())
      if (d.code == code && !first) first = &d;
    REQUIRE(first != nullptr);
    Example ex = example_of(code);
    CHECK(ex.policy.empty());
    // The entry shows the first line of what is printed (the snippet of a huge line is not useful).
    CHECK(first_line(ex.printed) == first_line(render(*first)));
  }
  CHECK(example_of(Code::Internal).printed.empty());
  CHECK(diagnostic_entry(Code::Internal).find("There is no example") != std::string_view::npos);
}

TEST_CASE("every code is produced by an example or a golden file") {
  std::set<Code> produced;
  for (const CodeInfo& c : all_codes()) {
    Example ex = example_of(c.code);
    if (!ex.policy.empty())
      for (Code x : codes_of(compile_example(ex.policy))) produced.insert(x);
  }
  for (const auto& [code, make] : generated())
    for (Code x : codes_of(compile_generated(make()))) produced.insert(x);
  // The golden files print `[P0017 unknown-name]`: the identifier and the name must agree.
  std::regex tag("\\[(P[0-9]{4}) ([a-z-]+)\\]");
  size_t goldens = 0;
  for (const auto& e : fs::directory_iterator(fs::path(source_dir()) / "tests" / "golden" / "diagnostics")) {
    if (e.path().extension() != ".expected") continue;
    ++goldens;
    std::string text = slurp(e.path());
    for (auto it = std::sregex_iterator(text.begin(), text.end(), tag); it != std::sregex_iterator(); ++it) {
      const CodeInfo* c = find_code((*it)[1].str());
      INFO(e.path().filename().string() << ": " << (*it)[0].str());
      REQUIRE(c != nullptr);
      CHECK(c->name == (*it)[2].str());
      produced.insert(c->code);
    }
  }
  CHECK(goldens > 40);
  for (const CodeInfo& c : all_codes()) {
    INFO(code_id(c.code) << " " << c.name);
    // Internal: a bug in Proviso, which no policy should reach.
    CHECK(produced.contains(c.code) != (c.code == Code::Internal));
  }
}

TEST_CASE("applying the fixes of a diagnostic makes it go away") {
  std::set<Code> fixed;
  for (const CodeInfo& c : all_codes()) {
    Example ex = example_of(c.code);
    if (ex.policy.empty()) continue;
    auto r = compile_example(ex.policy);
    for (const Diagnostic& d : r.diagnostics.items()) {
      if (d.fixes.empty()) continue;
      INFO(render(d));
      std::string after = apply_fixes(ex.policy, d);
      INFO(after);
      CHECK(after != ex.policy);
      CHECK(!codes_of(compile_example(after)).contains(d.code));
      fixed.insert(d.code);
    }
  }
  // The help lines that are mechanical carry their edit.
  // (docs/DIAGNOSTICS.md lists them under "fixes"; P0021's example has no close member.)
  for (Code c : {Code::UnknownName, Code::UnknownType, Code::UnknownField, Code::UnknownColumn, Code::UnknownFunction,
                 Code::OptionalTwice, Code::OptionalInput, Code::NoClause, Code::MayBeAbsent, Code::TableOverlap}) {
    INFO(code_id(c));
    CHECK(fixed.contains(c));
  }
}

TEST_CASE("fixes: did-you-mean replaces the name, a missing clause is a placeholder") {
  auto r = compile_example(example_of(Code::UnknownName).policy);
  REQUIRE(r.diagnostics.items().size() == 1);
  const Diagnostic& d = r.diagnostics.items()[0];
  REQUIRE(d.fixes.size() == 1);
  CHECK(d.source->slice(d.fixes[0].span) == "base_minuts");
  CHECK(d.fixes[0].replacement == "base_minutes");
  CHECK(d.fixes[0].applicability == Applicability::MachineApplicable);

  auto w = compile_example(example_of(Code::NoClause).policy);
  REQUIRE(w.diagnostics.items().size() == 1);
  const Diagnostic& n = w.diagnostics.items()[0];
  REQUIRE(n.fixes.size() == 1);
  CHECK(n.fixes[0].span.size() == 0);
  CHECK(n.fixes[0].replacement == "  clause \"...\"");
  CHECK(n.fixes[0].applicability == Applicability::HasPlaceholders);
}

TEST_CASE("fixes: an overlap declares `hit first`, an absent value gets a default to fill in") {
  auto overlap = compile_example(example_of(Code::TableOverlap).policy);
  REQUIRE(!overlap.diagnostics.items().empty());
  const Diagnostic& o = overlap.diagnostics.items()[0];
  REQUIRE(o.fixes.size() == 1);
  CHECK(o.fixes[0].span.size() == 0);
  CHECK(o.fixes[0].replacement == "hit first\n  ");
  CHECK(o.fixes[0].applicability == Applicability::MachineApplicable);
  // A written `hit unique` is replaced.
  std::string unique = example_of(Code::TableOverlap).policy;
  size_t first_row = unique.find("\n  | Gold");
  REQUIRE(first_row != std::string::npos);
  unique.insert(first_row, "\n  hit unique");
  auto written = compile_example(unique);
  REQUIRE(!written.diagnostics.items().empty());
  const Diagnostic& w = written.diagnostics.items()[0];
  REQUIRE(w.fixes.size() == 1);
  CHECK(w.source->slice(w.fixes[0].span) == "hit unique");
  CHECK(!codes_of(compile_example(apply_fixes(unique, w))).contains(Code::TableOverlap));

  auto absent = compile_example(example_of(Code::MayBeAbsent).policy);
  REQUIRE(!absent.diagnostics.items().empty());
  const Diagnostic& a = absent.diagnostics.items()[0];
  REQUIRE(a.fixes.size() == 1);
  CHECK(a.fixes[0].replacement == "(" + std::string(a.source->slice(a.fixes[0].span)) + " ?? DEFAULT)");
  CHECK(a.fixes[0].applicability == Applicability::HasPlaceholders);
}

TEST_CASE("fixes: a mistyped Enum.Member gets the closest member; no `hit first` edit off layout") {
  auto r = compile_example(
      "policy example \"Example\"\n\nenum Level = Gold | Silver\ninput case { level: Level }\n\n"
      "decision gold: bool  clause \"1\" = case.level == Level.Gld\n");
  REQUIRE(r.diagnostics.items().size() == 1);
  const Diagnostic& d = r.diagnostics.items()[0];
  CHECK(d.code == Code::UnknownMember);
  CHECK(d.help == "did you mean `Gold`?");
  REQUIRE(d.fixes.size() == 1);
  CHECK(d.source->slice(d.fixes[0].span) == "Gld");
  CHECK(d.fixes[0].replacement == "Gold");

  // A first row that shares its line with `gives`: the place for `hit first` is unclear.
  std::string policy = example_of(Code::TableOverlap).policy;
  size_t gives_end = policy.find("integer\n  | Gold");
  REQUIRE(gives_end != std::string::npos);
  policy.replace(gives_end + 7, 3, " ");
  auto o = compile_example(policy);
  REQUIRE(!o.diagnostics.items().empty());
  CHECK(o.diagnostics.items()[0].code == Code::TableOverlap);
  CHECK(o.diagnostics.items()[0].fixes.empty());
}

TEST_CASE("related locations: the other row of an overlap, the first of a duplicate") {
  auto overlap = compile_example(example_of(Code::TableOverlap).policy);
  REQUIRE(!overlap.diagnostics.items().empty());
  const Diagnostic& o = overlap.diagnostics.items()[0];
  CHECK(o.code == Code::TableOverlap);
  REQUIRE(o.related.size() == 1);
  CHECK(o.related[0].message == "row 1 is here");
  CHECK(o.source->slice(o.related[0].span) == "| Gold   | 1..2 | 30  |");
  for (Code c : {Code::DuplicateDeclaration, Code::DuplicateField, Code::DuplicateMember, Code::DuplicateHeaderItem,
                 Code::DuplicateExclusion, Code::DuplicateTest, Code::DuplicateGiven}) {
    INFO(code_id(c));
    auto r = compile_example(example_of(c).policy);
    REQUIRE(r.diagnostics.items().size() == 1);
    const Diagnostic& d = r.diagnostics.items()[0];
    REQUIRE(d.related.size() == 1);
    // The first occurrence comes before the one reported, on a line that starts as its line does.
    CHECK(d.related[0].span.begin < d.span.begin);
    auto first_word = [&](Span span) {
      std::string_view line = d.source->line_text(d.source->line_col(span.begin).line);
      line.remove_prefix(line.find_first_not_of(' '));
      return line.substr(0, line.find(' '));
    };
    CHECK(first_word(d.related[0].span) == first_word(d.span));
  }
}

TEST_CASE("the JSON form: one object per diagnostic, with what the text form shows") {
  std::string doc(diagnostics_doc());
  size_t next = 0;
  std::string json_example = block(doc, "```json", 0, &next);
  auto r = compile_example(example_of(Code::UnknownName).policy);
  REQUIRE(r.diagnostics.items().size() == 1);
  CHECK(render_json(r.diagnostics.items()[0]) + "\n" == json_example);

  for (const CodeInfo& c : all_codes()) {
    Example ex = example_of(c.code);
    if (ex.policy.empty()) continue;
    auto e = compile_example(ex.policy);
    for (const Diagnostic& d : e.diagnostics.items()) {
      std::string line = render_json(d);
      INFO(line);
      CHECK(line.find('\n') == std::string::npos);
      auto j = nlohmann::json::parse(line);
      LineCol b = d.source->line_col(d.span.begin);
      LineCol end = d.source->line_col(d.span.end);
      CHECK(j["file"] == "example.policy");
      CHECK(j["line"] == b.line);
      CHECK(j["column"] == b.column);
      CHECK(j["end"]["line"] == end.line);
      CHECK(j["end"]["column"] == end.column);
      CHECK(j["severity"] == severity_word(d.severity));
      CHECK(j["code"] == code_id(d.code));
      CHECK(j["name"] == code_info(d.code).name);
      CHECK(j["message"] == d.message);
      CHECK(j["help"] == (d.help.empty() ? nlohmann::json() : nlohmann::json(d.help)));
      REQUIRE(j["related"].size() == d.related.size());
      for (size_t i = 0; i < d.related.size(); ++i) CHECK(j["related"][i]["message"] == d.related[i].message);
      REQUIRE(j["fixes"].size() == d.fixes.size());
      for (size_t i = 0; i < d.fixes.size(); ++i) CHECK(j["fixes"][i]["replacement"] == d.fixes[i].replacement);
    }
  }
}

TEST_CASE("the JSON form: no file, and text that is not UTF-8 or holds control characters") {
  Diagnostic none;
  none.code = Code::UnreadableFile;
  none.message = "cannot read `x`";
  CHECK(render_json(none) ==
        R"({"file":null,"severity":"error","code":"P0082","name":"unreadable-file","message":"cannot read `x`",)"
        R"("help":null,"related":[],"fixes":[]})");

  Diagnostic odd;
  odd.source = std::make_shared<const SourceFile>("a\"b.policy", "x\n");
  odd.span = {0, 1};
  odd.code = Code::Syntax;
  odd.message = std::string("q\"b\\s\n\t\x01 \xff \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\xa0\x80");
  auto j = nlohmann::json::parse(render_json(odd));
  CHECK(j["file"] == "a\"b.policy");
  CHECK(j["message"] ==
        "q\"b\\s\n\t\x01 \xef\xbf\xbd \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

// The documented limits (docs/LIMITS.md), each exercised at its real size through the public
// entry points: every one gives a clear error (or a warning), never a crash, a hang or an
// exhausted stack. The parser's own limits are also covered by tests/grammar/robustness_test.cpp.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "compiler/ast/diagnostic.h"
#include "compiler/driver/compile.h"
#include "compiler/interp/interpreter.h"
#include "compiler/records/decode.h"

using namespace proviso;

namespace {

const char* const kHeader = R"(policy limits.test "Limits"
  source "tests/fuzz/limits_test.cpp"
  version "1"
  effective 2026-01-01

)";

driver::CompileResult compile(const std::string& body) {
  return driver::compile_source(std::make_shared<const SourceFile>("limits.policy", kHeader + body));
}

// The rendered diagnostics, for matching and for failure messages.
std::string messages(const driver::CompileResult& r) { return render_all(r.diagnostics); }

bool has(const driver::CompileResult& r, Code code, const std::string& text) {
  for (const Diagnostic& d : r.diagnostics.items())
    if (d.code == code && d.message.find(text) != std::string::npos) return true;
  return false;
}

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

// ---- policies ----------------------------------------------------------------------------------

TEST_CASE("100,000 nested parentheses stop at the parser's nesting limit of 200") {
  auto r = compile("input case { severity: integer 1..3 }\n\ndecision d: integer  clause \"1\" = " +
                   std::string(100000, '(') + "1" + std::string(100000, ')') + "\n");
  INFO(messages(r));
  CHECK(!r.ok());
  CHECK(has(r, Code::NestingTooDeep, "nest too deeply (limit 200)"));
}

TEST_CASE("100,000 nested brackets, braces and `not`s stop at the parser's limits") {
  for (const auto& [open, close] : {std::pair<std::string, std::string>{"[", "]"}, {"not ", ""}, {"-", ""}}) {
    auto r =
        compile("input case { severity: integer 1..3 }\n\ndecision d: bool  clause \"1\" = " + repeat(open, 100000) +
                "true" + repeat(close, 100000) + "\n");
    INFO(open << "\n" << messages(r).substr(0, 2000));
    CHECK(!r.ok());
    CHECK(r.diagnostics.error_count() >= 1);
  }
}

TEST_CASE("a policy over 8 MiB is refused") {
  auto r = compile("-- " + std::string((8u << 20) + 1, 'x') + "\n");
  CHECK(!r.ok());
  CHECK(has(r, Code::FileTooLarge, "the limit is 8 MiB"));
}

TEST_CASE("module files import each other at most 64 deep, and each is at most 8 MiB") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("proviso-limits-modules-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary | std::ios::trunc) << text;
  };
  // m0 imports m1, which imports m2, ... up to m{n-1}.
  auto chain = [&](int n) {
    for (int i = 0; i < n; ++i)
      write("m" + std::to_string(i) + ".policy",
            "module limits.m" + std::to_string(i) + " \"M\"\n\n" +
                (i + 1 < n ? "import \"m" + std::to_string(i + 1) + ".policy\"\n" : std::string()) + "const c" +
                std::to_string(i) + " = 1\n");
  };
  write("p.policy", std::string(kHeader) + "import \"m0.policy\"\n\ndecision d: integer  clause \"1\" = c0\n");
  chain(64);
  auto deep = driver::compile_file((dir / "p.policy").string());
  INFO(messages(deep));
  CHECK(deep.ok());
  chain(65);
  auto deeper = driver::compile_file((dir / "p.policy").string());
  INFO(messages(deeper));
  CHECK(!deeper.ok());
  CHECK(has(deeper, Code::NestingTooDeep, "modules import each other more than 64 deep"));
  // A module file over 8 MiB is not read whole.
  write("m0.policy", "module limits.m0 \"M\"\n-- " + std::string(8u << 20, 'x') + "\nconst c0 = 1\n");
  auto large = driver::compile_file((dir / "p.policy").string());
  CHECK(has(large, Code::UnreadableFile, "it is larger than the limit of 8 MiB for a policy file"));
  fs::remove_all(dir);
}

TEST_CASE("expressions deeper than 256 are refused by the checker") {
  std::string sum = "case.severity";
  for (int i = 0; i < 300; ++i) sum += " + 1";
  auto r = compile("input case { severity: integer 1..3 }\n\ndecision d: integer  clause \"1\" = " + sum + "\n");
  INFO(messages(r));
  CHECK(!r.ok());
  CHECK(has(r, Code::NestingTooDeep, "expressions nest too deeply (limit 256)"));
}

TEST_CASE("declarations that depend on each other more than 400 deep are refused") {
  std::string body = "input case { severity: integer 1..3 }\n\n";
  for (int i = 0; i < 1000; ++i)
    body += "let l" + std::to_string(i) + ": integer = l" + std::to_string(i + 1) + " + 1\n";
  body += "let l1000: integer = case.severity\n\ndecision d: integer  clause \"1\" = l0\n";
  auto r = compile(body);
  INFO(messages(r).substr(0, 2000));
  CHECK(!r.ok());
  CHECK(has(r, Code::NestingTooDeep, "more than 400 deep"));
}

TEST_CASE("nesting summed over declarations that use each other stops at 4096 levels") {
  // 399 lets, each 40 parentheses deep around the next: every single limit holds, but checking
  // (and evaluating) l0 would recurse 16,000 levels; this once overflowed the stack.
  std::string body = "input case { severity: integer 1..3 }\n\n";
  for (int i = 0; i < 399; ++i)
    body += "let l" + std::to_string(i) + ": integer = " + std::string(40, '(') + "l" + std::to_string(i + 1) +
            std::string(40, ')') + " + 1\n";
  body += "let l399: integer = case.severity\n\ndecision d: integer  clause \"1\" = l0\n";
  auto r = compile(body);
  INFO(messages(r).substr(0, 2000));
  CHECK(!r.ok());
  CHECK(has(r, Code::NestingTooDeep, "through the declarations they use (limit 4096 levels)"));
}

TEST_CASE("a table of 10,001 rows is refused; 10,000 rows check, without the coverage walk") {
  auto table = [](int rows) {
    std::string body = "input case { n: integer 1.." + std::to_string(rows) +
                       " }\n\ntable big  clause \"1\"\n  given case.n as n\n  gives v: integer\n";
    for (int i = 1; i <= rows; ++i) body += "  | " + std::to_string(i) + " | " + std::to_string(i) + " |\n";
    return body + "\ndecision d: integer  clause \"1\" = big.v\n";
  };
  auto over = compile(table(10001));
  CHECK(!over.ok());
  CHECK(has(over, Code::DeclarationTooLarge, "the table `big` has 10001 rows, the limit is 10000"));

  auto at = compile(table(10000));
  INFO(messages(at).substr(0, 2000));
  CHECK(at.ok());
  CHECK(has(at, Code::TableNotChecked, "too many combinations to check"));
}

TEST_CASE("enums, records, inputs and matches have size limits") {
  std::string members;
  for (int i = 0; i < 1001; ++i) members += (i ? " | M" : "M") + std::to_string(i);
  auto r =
      compile("enum Big = " + members + "\ninput case { b: Big }\n\ndecision d: bool  clause \"1\" = case.b == M1\n");
  CHECK(has(r, Code::DeclarationTooLarge, "the enum `Big` has 1001 members, the limit is 1000"));

  std::string fields;
  for (int i = 0; i < 1001; ++i) fields += "  f" + std::to_string(i) + ": integer\n";
  r = compile("input case {\n" + fields + "}\n\ndecision d: integer  clause \"1\" = case.f0\n");
  CHECK(has(r, Code::DeclarationTooLarge, "the input `case` has 1001 fields, the limit is 1000"));
  r = compile("record R {\n" + fields + "}\ninput case { r: R }\n\ndecision d: integer  clause \"1\" = case.r.f0\n");
  CHECK(has(r, Code::DeclarationTooLarge, "the record `R` has 1001 fields, the limit is 1000"));

  std::string arms;
  for (int i = 0; i < 1001; ++i) arms += "  " + std::to_string(i) + " => " + std::to_string(i) + ",\n";
  r = compile("input case { n: integer 0..5000 }\n\ndecision d: integer  clause \"1\" = match case.n {\n" + arms +
              "  else => 0,\n}\n");
  INFO(messages(r).substr(0, 2000));
  CHECK(has(r, Code::DeclarationTooLarge, "this `match` has 1002 arms, the limit is 1000"));
}

// ---- evaluation inputs -------------------------------------------------------------------------

namespace {

struct Records {
  driver::CompileResult compiled;
  std::unique_ptr<records::Decoder> decoder;

  Records() {
    std::string deep = "integer";
    for (int i = 0; i < 70; ++i) deep = "list of " + deep;
    compiled = compile("input case {\n  note: text\n  tags: list of text\n  deep: " + deep +
                       "?\n}\n\ndecision tags: integer  clause \"1\" = count(case.tags)\n");
    INFO(messages(compiled));
    REQUIRE(compiled.ok());
    decoder = std::make_unique<records::Decoder>(*compiled.program);
  }

  std::string decode(const std::string& text) {
    records::DecodeResult r = decoder->decode_json(text);
    if (!r.ok()) return r.error->to_string();
    interp::Interpreter interp(*compiled.program);
    ir::EvalResult e = interp.evaluate(r.values);
    return e.ok ? "ok" : e.error.message;
  }
};

std::string input(const std::string& note, const std::string& tags, const std::string& deep = "null") {
  return R"({"case": {"note": )" + note + R"(, "tags": )" + tags + R"(, "deep": )" + deep + "}}";
}

}  // namespace

TEST_CASE("records: strings up to 1 MiB") {
  Records rec;
  CHECK(rec.decode(input('"' + std::string(1u << 20, 'a') + '"', "[]")) == "ok");
  CHECK(rec.decode(input('"' + std::string((1u << 20) + 1, 'a') + '"', "[]")) ==
        "case.note: string longer than 1048576 bytes");
}

TEST_CASE("records: lists up to 100,000 elements") {
  Records rec;
  std::string list = "[\"x\"" + repeat(", \"x\"", 99999) + "]";
  CHECK(rec.decode(input("\"n\"", list)) == "ok");
  list = "[\"x\"" + repeat(", \"x\"", 100000) + "]";
  CHECK(rec.decode(input("\"n\"", list)) == "case.tags: list longer than 100000 elements");
}

TEST_CASE("records: nesting deeper than 64 levels, and 100,000 levels, are errors") {
  Records rec;
  std::string deep70 = std::string(70, '[') + std::string(70, ']');
  CHECK(rec.decode(input("\"n\"", "[]", deep70)).find("nesting deeper than 64 levels") != std::string::npos);
  // Far deeper than any schema: the JSON parser's own depth limit answers first.
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string err = rec.decode(input("\"n\"", "[]", deep));
  INFO(err);
  CHECK(err != "ok");
  CHECK(!err.empty());
  err = rec.decode(input("\"n\"", deep));
  CHECK(err != "ok");
  // The same in YAML: flow brackets are counted before libyaml reads them, block nesting as
  // libyaml reads it.
  auto ys = rec.decoder->decode_yaml("case:\n  note: n\n  tags: " + std::string(100000, '[') +
                                     std::string(100000, ']') + "\n");
  REQUIRE(ys.size() == 1);
  CHECK(ys[0].error->message == "nesting deeper than 64 levels (line 3)");
  ys = rec.decoder->decode_yaml("case:\n  note: n\n  tags: []\n  deep:\n  " + repeat("- ", 100000) + "1\n");
  REQUIRE(ys.size() == 1);
  CHECK(ys[0].error->message == "nesting deeper than 64 levels (line 5)");
}

TEST_CASE("records: YAML aliases reach at most 1,048,576 values per document") {
  Records rec;
  // An anchored list of 1,024 values (the list and 1,023 items), then 1,024 or 1,025 aliases.
  std::string anchor = "x: &a [1" + repeat(", 1", 1022) + "]\n";
  auto at_limit = rec.decoder->decode_yaml(anchor + "y: [*a" + repeat(", *a", 1023) + "]\n");
  REQUIRE(at_limit.size() == 1);
  CHECK(at_limit[0].error->to_string() == "x: unknown input");
  auto past = rec.decoder->decode_yaml(anchor + "y: [*a" + repeat(", *a", 1024) + "]\n");
  REQUIRE(past.size() == 1);
  CHECK(past[0].error->to_string() == "aliases expand to more than 1048576 values (line 2)");
}

TEST_CASE("records: a YAML document over 64 MiB fails alone; a longer stream is read per document") {
  Records rec;
  std::string small = "---\ncase: {note: n, tags: [a]}\n";
  std::string big = "---\ncase:\n  note: " + std::string(64u << 20, 'a') + "\n  tags: []\n";
  auto rs = rec.decoder->decode_yaml(small + big + small);
  REQUIRE(rs.size() == 3);
  CHECK(rs[0].ok());
  CHECK(rs[1].error->message == "document at line 3 is larger than 64 MiB");
  CHECK(rs[2].ok());
  // 80 MiB of documents of 1 KiB: each is an input of its own.
  std::string kib = "---\ncase: {note: " + std::string(1000, 'n') + ", tags: [a]}\n";
  size_t count = (80u << 20) / kib.size();
  rs = rec.decoder->decode_yaml(repeat(kib, count));
  REQUIRE(rs.size() == count);
  size_t ok = 0;
  for (const auto& r : rs) ok += r.ok() ? 1 : 0;
  CHECK(ok == count);
}

TEST_CASE("records: an input over 64 MiB is refused") {
  Records rec;
  std::string big = input('"' + std::string(1000, 'a') + '"', "[]") + std::string((64u << 20), ' ');
  CHECK(rec.decode(big) == "input larger than 64 MiB");
}

TEST_CASE("records: an NDJSON line over 16 MiB fails alone") {
  std::string ok_line = R"({"case": {"note": "n", "tags": []}})";
  std::string long_line = R"({"case": {"note": ")" + std::string((16u << 20) + 1, 'a') + R"(", "tags": []}})";
  auto parts = records::split_json_inputs(ok_line + "\n" + long_line + "\n" + ok_line + "\n");
  REQUIRE(parts.size() == 3);
  CHECK(!parts[0].error);
  REQUIRE(parts[1].error);
  CHECK(parts[1].error->message == "line 2 is longer than 16 MiB");
  CHECK(!parts[2].error);
  CHECK(parts[2].line == 3);
}

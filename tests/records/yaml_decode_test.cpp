// YAML inputs through libyaml's events: one result per document whatever fails, the limits
// (nesting, alias expansion, document size) refused early with their messages, and the typing
// of scalars. The first tests are the regressions of the YAML hardening findings.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/records/decode.h"
#include "compiler/records/yaml_flow_scan.h"
#include "compiler/records/yaml_stream.h"

using namespace proviso;
using records::Decoder;
using records::DecodeResult;

namespace {

// input case { note: text, n: integer?, flag: bool?, ratio: decimal?, tags: list of text?,
//              deep: list of list of ... integer (70 levels)? }, input extra: case?
struct Fixture {
  ir::Schema schema;
  std::vector<ir::InputDef> inputs;

  Fixture() {
    ir::Type deep = ir::Type::of(ir::TypeKind::Integer);
    for (int i = 0; i < 70; ++i) deep = ir::Type::list_of(deep);
    ir::RecordDef kase{"case", {}};
    kase.fields = {
        {"note", ir::Type::of(ir::TypeKind::Text)},
        {"n", ir::Type::of(ir::TypeKind::Integer).as_optional()},
        {"flag", ir::Type::of(ir::TypeKind::Bool).as_optional()},
        {"ratio", ir::Type::of(ir::TypeKind::Decimal).as_optional()},
        {"tags", ir::Type::list_of(ir::Type::of(ir::TypeKind::Text)).as_optional()},
        {"deep", deep.as_optional()},
    };
    schema.records = {kase};
    inputs = {{"case", false, ir::Type::record(0)}, {"extra", true, ir::Type::record(0)}};
  }
};

std::string error_of(const DecodeResult& r) { return r.ok() ? std::string("<ok>") : r.error->to_string(); }

std::vector<std::string> errors_of(const std::vector<DecodeResult>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(error_of(r));
  return out;
}

const ir::Value& field(const ir::Value& rec, size_t i) { return rec.as_record()[i]; }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string source_dir() {
  const char* env = std::getenv("PROVISO_SOURCE_DIR");
  return env && *env ? env : PROVISO_SOURCE_DIR;
}

}  // namespace

// ---- the findings ---------------------------------------------------------------------------

TEST_CASE("YAML finding 1: a syntax error in document 3 of 5 fails that document alone") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  auto rs = d.decode_yaml(
      "case: {note: one}\n"
      "---\n"
      "case: {note: two}\n"
      "---\n"
      "case:\n"
      "  note: three\n"
      "    n: 3\n"
      "---\n"
      "case: {note: four, n: 4}\n"
      "---\n"
      "case: {note: [five}\n");
  CHECK(errors_of(rs) ==
        std::vector<std::string>{"<ok>", "<ok>",
                                 "invalid YAML at line 7, column 6: mapping values are not allowed in this context",
                                 "<ok>", "invalid YAML at line 11, column 19: did not find expected ',' or ']'"});
  REQUIRE(rs.size() == 5);
  CHECK(field(rs[3].values[0], 0).as_text() == "four");
  CHECK(field(rs[3].values[0], 1).as_int() == 4);
}

TEST_CASE("YAML finding 2: the size limit is per document, not per stream") {
  Fixture f;
  records::Limits limits;
  limits.max_input_bytes = 200;
  Decoder d(f.schema, f.inputs, limits);
  std::string stream;
  for (int i = 0; i < 1000; ++i) stream += "---\ncase: {note: n" + std::to_string(i) + "}\n";
  stream += "---\ncase:\n  note: " + std::string(300, 'x') + "\n";
  stream += "---\ncase: {note: last}\n";
  auto rs = d.decode_yaml(stream);
  REQUIRE(rs.size() == 1002);
  for (size_t i = 0; i < 1000; ++i) REQUIRE(rs[i].ok());
  CHECK(field(rs[999].values[0], 0).as_text() == "n999");
  CHECK(error_of(rs[1000]) == "document at line 2001 is larger than 200 bytes");
  CHECK(field(rs[1001].values[0], 0).as_text() == "last");
  // decode_yaml_document checks the same limit when called directly
  CHECK(error_of(d.decode_yaml_document(std::string(201, ' '), 7)) == "document at line 7 is larger than 200 bytes");
}

TEST_CASE("YAML finding 3: an alias bomb is refused at the first alias past the limit") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  // Nine levels of nine: 9^9 values if expanded.
  std::string bomb =
      "a: &a [x,x,x,x,x,x,x,x,x]\n"
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
      "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
      "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
      "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
      "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
      "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
  auto start = std::chrono::steady_clock::now();
  auto rs = d.decode_yaml(bomb);
  CHECK(seconds_since(start) < 0.5);
  CHECK(errors_of(rs) == std::vector<std::string>{"aliases expand to more than 1048576 values (line 7)"});

  // Below the limit, aliases are values like any other.
  auto ok = d.decode_yaml("t: &t [a, b]\ncase: {note: &n hello, tags: *t}\nextra: {note: *n, tags: *t}\n");
  REQUIRE(ok.size() == 1);
  CHECK(error_of(ok[0]) == "t: unknown input");
  ok = d.decode_yaml("case: {note: &n hello, tags: &t [a, b]}\nextra: {note: *n, tags: *t}\n");
  REQUIRE(ok[0].ok());
  CHECK(field(ok[0].values[1], 0).as_text() == "hello");
  CHECK(field(ok[0].values[1], 4).as_list().size() == 2);

  records::Limits limits;
  limits.max_alias_values = 10;
  Decoder small(f.schema, f.inputs, limits);
  std::string four = "case: {note: n, tags: &t [a, b, c, d]}\n";  // a list of 4 is 5 values
  CHECK(small.decode_yaml(four + "extra: {note: n, tags: *t}\n")[0].ok());
  CHECK(error_of(small.decode_yaml(four + "extra: {note: n, tags: *t, deep: [*t]}\n")[0]) ==
        "extra.deep[0][0]: expected a list, got \"a\"");
  CHECK(error_of(small.decode_yaml(four + "extra: {note: n, tags: *t, deep: [*t]}\nx: *t\n")[0]) ==
        "aliases expand to more than 10 values (line 3)");
}

TEST_CASE("YAML finding 4: deep nesting is refused before libyaml reads it") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  auto start = std::chrono::steady_clock::now();
  auto rs = d.decode_yaml("case:\n  note: n\n  tags: " + std::string(100000, '[') + std::string(100000, ']') + "\n");
  CHECK(errors_of(rs) == std::vector<std::string>{"nesting deeper than 64 levels (line 3)"});
  rs = d.decode_yaml("---\ncase: {deep: " + std::string(100000, '{') + "\n");
  CHECK(errors_of(rs) == std::vector<std::string>{"nesting deeper than 64 levels (line 2)"});
  CHECK(seconds_since(start) < 0.5);

  // Block nesting, from the events.
  std::string block = "case:\n  note: n\n  deep:\n  ";
  for (int i = 0; i < 100000; ++i) block += "- ";
  block += "1\n";
  start = std::chrono::steady_clock::now();
  CHECK(errors_of(d.decode_yaml(block)) == std::vector<std::string>{"nesting deeper than 64 levels (line 4)"});
  CHECK(seconds_since(start) < 0.5);

  // The top-level mapping holds the inputs; values below it may nest 64 levels, as in JSON,
  // where the walker names the path.
  auto nested = [](int levels) {
    return "case: {note: n, deep: " + std::string(static_cast<size_t>(levels), '[') +
           std::string(static_cast<size_t>(levels), ']') + "}\n";
  };
  CHECK(error_of(d.decode_yaml(nested(62))[0]) == "<ok>");
  std::string walker = error_of(d.decode_yaml(nested(63))[0]);
  CHECK(walker.rfind("case.deep[0][0]", 0) == 0);
  CHECK(walker.find(": nesting deeper than 64 levels") != std::string::npos);
  CHECK(error_of(d.decode_yaml(nested(64))[0]) == "nesting deeper than 64 levels (line 1)");  // events
  CHECK(error_of(d.decode_yaml(nested(65))[0]) == "nesting deeper than 64 levels (line 1)");  // pre-scan

  // Brackets that are not flow collections are not counted.
  std::string t = std::string(100, '[');
  auto texts = d.decode_yaml("case:\n  note: see " + t + "\n  tags:\n  - '" + t + "'\n  - \"" + t + "\\\"\"\n" +
                             "  - |\n    " + t + "\n    " + t + "\n  - >-\n\n   " + t + "\n  # " + t + "\n  - x " + t +
                             " # " + t + "\n  - y " + t + "\n    " + t + "\n");
  REQUIRE(texts.size() == 1);
  REQUIRE(texts[0].ok());
  CHECK(field(texts[0].values[0], 0).as_text() == "see " + t);
  const auto& tags = field(texts[0].values[0], 4).as_list();
  REQUIRE(tags.size() == 6);
  CHECK(tags[0].as_text() == t);
  CHECK(tags[1].as_text() == t + "\"");
  CHECK(tags[2].as_text() == t + "\n" + t + "\n");
  CHECK(tags[3].as_text() == "\n" + t);
  CHECK(tags[4].as_text() == "x " + t);
  CHECK(tags[5].as_text() == "y " + t + " " + t);
}

TEST_CASE("YAML finding 5: inputs that hung yaml-cpp decode at once") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  // 14 bytes: valid YAML to libyaml (a scalar with an anchor); yaml-cpp 0.7 never returned.
  CHECK(errors_of(d.decode_yaml("---\n&a\t--\"-\n,\n")) ==
        std::vector<std::string>{"expected a YAML mapping with the inputs"});
  // Every committed regression of the decode fuzzer for a hang in yaml-cpp.
  std::string dir = source_dir() + "/tests/fuzz/regressions/decode/";
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("yaml-", 0) != 0 ||
        (name.find("hang") == std::string::npos && name.find("comma") == std::string::npos))
      continue;
    ++files;
    INFO(entry.path());
    std::string text = read_file(entry.path().string());
    REQUIRE(!text.empty());
    auto start = std::chrono::steady_clock::now();
    auto rs = d.decode_yaml(text);
    CHECK(seconds_since(start) < 0.5);
    REQUIRE(rs.size() == 1);
    CHECK(!rs[0].ok());
  }
  CHECK(files >= 10);
}

// ---- documents and messages --------------------------------------------------------------------

TEST_CASE("YAML: many small documents, each its own result") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  std::string stream;
  for (int i = 0; i < 20000; ++i) stream += "---\ncase: {note: doc, n: " + std::to_string(i) + "}\n";
  auto rs = d.decode_yaml(stream);
  REQUIRE(rs.size() == 20000);
  for (size_t i = 0; i < rs.size(); ++i) {
    REQUIRE(rs[i].ok());
    REQUIRE(field(rs[i].values[0], 1).as_int() == static_cast<int64_t>(i));
  }
}

TEST_CASE("YAML: documents that are not a mapping of inputs") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  std::string not_mapping = "expected a YAML mapping with the inputs";
  CHECK(errors_of(d.decode_yaml("---\n---\n")) == std::vector<std::string>{not_mapping, not_mapping});
  CHECK(errors_of(d.decode_yaml("- a\n---\nplain\n--- |\n  text\n")) ==
        std::vector<std::string>{not_mapping, not_mapping, not_mapping});
  CHECK(d.decode_yaml("# nothing\n...\n").empty());
  CHECK(d.decode_yaml("").empty());
  CHECK(error_of(d.decode_yaml_document("")) == not_mapping);
  CHECK(errors_of(d.decode_yaml("case: {}\n")) == std::vector<std::string>{"case.note: missing required field"});
  CHECK(errors_of(d.decode_yaml("extra: ~\n")) == std::vector<std::string>{"case: missing required input"});
}

TEST_CASE("YAML: documents are cut at marker lines, as libyaml and yaml-cpp read them") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  // No marker, a leading `---`, a trailing `...`, content on the marker line: what libyaml and
  // yaml-cpp read from the whole stream (the oracle test compares the trees).
  CHECK(errors_of(d.decode_yaml("case: {note: a}\n")) == std::vector<std::string>{"<ok>"});
  CHECK(errors_of(d.decode_yaml("---\ncase: {note: a}\n...\n")) == std::vector<std::string>{"<ok>"});
  CHECK(errors_of(d.decode_yaml("--- {case: {note: a}}\n--- {case: {note: b}}\n")) ==
        std::vector<std::string>{"<ok>", "<ok>"});
  // `---` at the start of a line inside a quoted scalar: YAML forbids it and both parsers refuse
  // the stream (`found unexpected document indicator`); here each side fails alone.
  CHECK(errors_of(d.decode_yaml("case: {note: \"a\n---\nb\"}\ncase: {note: c}\n")) ==
        std::vector<std::string>{"invalid YAML at line 2, column 1: found unexpected end of stream",
                                 "invalid YAML at line 4, column 5: mapping values are not allowed in this context"});
  // `...` with no document before it: libyaml refuses it, yaml-cpp reads a null document; YAML
  // 1.2 allows it, and it is no input.
  CHECK(d.decode_yaml("...\n...\n").empty());
  // A bare document after `...`: libyaml wants a `---`, yaml-cpp and YAML 1.2 do not.
  CHECK(errors_of(d.decode_yaml("case: {note: a}\n...\ncase: {note: b}\n")) ==
        std::vector<std::string>{"<ok>", "<ok>"});
}

TEST_CASE("YAML: keys must be names") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  CHECK(errors_of(d.decode_yaml("case:\n  note: n\n  ? [a]\n  : 1\n")) ==
        std::vector<std::string>{"case: a key must be a plain name (line 3)"});
  CHECK(errors_of(d.decode_yaml("---\ncase: {note: n}\n~: 1\n")) ==
        std::vector<std::string>{"a key must be a plain name (line 3)"});
  CHECK(errors_of(d.decode_yaml("case: {note: n, ? : 1}\n")) ==
        std::vector<std::string>{"case: a key must be a plain name (line 1)"});
  // quoted keys, and keys given through an alias, are names
  auto r = d.decode_yaml("\"case\": {'note': n, &k flag: true}\nextra: {note: m, *k : false}\n");
  REQUIRE(r[0].ok());
  CHECK(!field(r[0].values[1], 2).as_bool());
}

TEST_CASE("YAML: scalars are typed by YAML's core schema in JSON's forms") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  struct Case {
    std::string yaml, error;
  };
  std::vector<Case> cases = {
      {"note: n, flag: true", ""},
      {"note: n, flag: True", ""},
      {"note: n, flag: FALSE", ""},
      {"note: n, flag: yes", "case.flag: expected true or false, got \"yes\""},
      {"note: n, flag: \"true\"", "case.flag: expected true or false, got \"true\""},
      {"note: n, flag: !!str true", "case.flag: expected true or false, got \"true\""},
      {"note: n, flag: ! true", "case.flag: expected true or false, got \"true\""},
      {"note: n, flag: !!bool \"true\"", "case.flag: expected true or false, got \"true\""},
      {"note: n, n: ~", ""},
      {"note: n, n: null", ""},
      {"note: n, n: NULL", ""},
      {"note: n, n: ", ""},
      {"note: n, n: 12", ""},
      {"note: n, n: -0", ""},
      {"note: n, n: !!int 12", ""},
      {"note: n, n: 0x10", "case.n: expected an integer, got \"0x10\""},
      {"note: n, n: +12", "case.n: expected an integer, got \"+12\""},
      {"note: n, n: '12'", "case.n: expected an integer, got \"12\""},
      {"note: n, n: 1e3", "case.n: expected an integer, got 1e3"},
      {"note: n, ratio: 1.5e-3", ""},
      {"note: n, ratio: .5", "case.ratio: expected a decimal number, got \".5\""},
      {"note: ~", "case.note: expected a string, got null"},
      {"note: 12", "case.note: expected a string, got 12"},
      {"note: '12'", ""},
      {"note: \"\"", ""},
      {"note: !foo bar", ""},
      {"note: 2026-01-31", ""},
      {"note: n, tags: [a, 'b', \"c\", 1]", "case.tags[3]: expected a string, got 1"},
  };
  for (const auto& c : cases) {
    INFO(c.yaml);
    auto rs = d.decode_yaml("case: {" + c.yaml + "}\n");
    REQUIRE(rs.size() == 1);
    CHECK(error_of(rs[0]) == (c.error.empty() ? "<ok>" : c.error));
  }
  auto r = d.decode_yaml(
      "case:\n"
      "  note: |\n"
      "    line one\n"
      "    line two\n"
      "  tags:\n"
      "  - >\n"
      "    folded\n"
      "    text\n"
      "  - \"esc\\taped \\u00e9\"\n"
      "  - 'it''s'\n"
      "  - plain\n"
      "    over lines\n");
  REQUIRE(r[0].ok());
  CHECK(field(r[0].values[0], 0).as_text() == "line one\nline two\n");
  const auto& tags = field(r[0].values[0], 4).as_list();
  REQUIRE(tags.size() == 4);
  CHECK(tags[0].as_text() == "folded text\n");
  CHECK(tags[1].as_text() == "esc\taped \xC3\xA9");
  CHECK(tags[2].as_text() == "it's");
  CHECK(tags[3].as_text() == "plain over lines");
  r = d.decode_yaml("case:\n  note: !!str\n");
  REQUIRE(r[0].ok());
  CHECK(field(r[0].values[0], 0).as_text().empty());
}

TEST_CASE("YAML: syntax errors name stream lines, in lower case") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  std::vector<std::string> errors =
      errors_of(d.decode_yaml("case: {note: a}\n"
                              "---\n"
                              "# a comment\n"
                              "case: {note: 'b}\n"
                              "---\n"
                              "case: *nope\n"
                              "---\n"
                              "case: &c {note: *c}\n"
                              "---\n"
                              "case:\n"
                              "\tnote: tab\n"
                              "---\n"
                              "case: {note: \xff}\n"
                              "---\n"
                              "case: {note: \"bad \\q escape\"}\n"));
  CHECK(errors == std::vector<std::string>{
                      "<ok>",
                      "invalid YAML at line 5, column 1: found unexpected end of stream",
                      "invalid YAML at line 6, column 7: unknown anchor `nope`",
                      "invalid YAML at line 8, column 17: anchor `c` is used inside its own node",
                      "invalid YAML at line 11, column 1: found character that cannot start any token",
                      "invalid YAML at line 13, column 14: invalid leading UTF-8 octet",
                      "invalid YAML at line 15, column 19: found unknown escape character",
                  });
  for (const auto& e : errors) CHECK((e == "<ok>" || std::islower(static_cast<unsigned char>(e[0]))));
  // A document marker that only libyaml sees (after a YAML 1.1 line break, NEL).
  CHECK(error_of(d.decode_yaml_document("case: {note: a}\xC2\x85---\xC2\x85")) ==
        "invalid YAML at line 2, column 1: a second document starts here");
  // UTF-16 is refused, not misread.
  CHECK(error_of(d.decode_yaml_document(std::string("\xFF\xFE"
                                                    "c\0a\0",
                                                    6)))
            .rfind("invalid YAML at line 1", 0) == 0);
  // A byte order mark at the start of the stream is accepted.
  CHECK(errors_of(d.decode_yaml("\xEF\xBB\xBF"
                                "case: {note: bom}\n")) == std::vector<std::string>{"<ok>"});
}

TEST_CASE("YAML: the flow pre-scan counts what libyaml reads as flow collections") {
  using records::yaml::scan_flow_nesting;
  struct Case {
    std::string text;
    size_t depth;
  };
  std::vector<Case> cases = {
      {"a: [b, [c, {d: e}]]\n", 3},
      {"a: see [1] and {2}\n", 0},
      {"[a]: b\n", 1},
      {"- [a]\n- - {b: [c]}\n", 2},
      {"a: '[[['\nb: \"[[\\\"[\"\n", 0},
      {"a: |\n  [[[\n  [[\nb: [x]\n", 1},
      {"- a: >2\n     [[[\n    [[\n  b: [x]\n", 1},
      {"a: b # [[[\n# [[[\n", 0},
      {"a: [b # ]\n , c]\n", 1},
      {"a: [b,\n  \"c [\"]\n", 1},
      {"a: [b, 'c\n  ]', d]\n", 1},
      {"a: text\n  [continued\nb: [x]\n", 1},
      {"a: &x [1]\nb: !t {c: 1}\n", 1},
      {"&a: [x]\n*a : [y]\n", 1},
      {"k: !<tag:[x]> [y]\n", 1},
      {"k: [!<tag:[[x]]> y, &a [z]]\n", 2},
      {"--- [a, [b]]\n", 2},
      {"--- |\n [[[\n", 0},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto n = scan_flow_nesting(c.text, 64);
    CHECK(!n.too_deep);
    CHECK(n.max_depth == c.depth);
  }
  auto deep = scan_flow_nesting("a:\n  b: " + std::string(100, '['), 65);
  CHECK(deep.too_deep);
  CHECK(deep.line == 1);
  CHECK(deep.column == 5 + 65);
}

// The C++ API (include/proviso/proviso.hpp): compiling with diagnostics, the engine rules and
// their notes, sessions on both engines giving the same lines, decision subsets, tests, and
// one Policy shared by threads.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <proviso/proviso.hpp>

using namespace proviso;

namespace {

std::string source_dir() {
  const char* d = std::getenv("PROVISO_SOURCE_DIR");
  return d ? d : PROVISO_SOURCE_DIR;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

EngineOptions no_cache(EngineKind kind) {
  EngineOptions o;
  o.engine = kind;
  o.use_cache = false;
  return o;
}

const char* kSmall = R"(policy t.small "Small"
input x {
  a: integer 1..10
}
decision doubled: integer  clause "1" = x.a * 2
decision big: bool  clause "2" = x.a > 5
test "three"
  given x = { a: 3 }
  expect doubled = 6
  expect big = false
)";

}  // namespace

TEST_CASE("api: a policy with errors gives diagnostics, not a policy") {
  auto r =
      Engine(no_cache(EngineKind::Auto)).compile_text("policy t \"T\"\ndecision d: integer = nope\n", "bad.policy");
  REQUIRE_FALSE(r.ok());
  const PolicyDiagnostic* error = nullptr;
  for (const auto& d : r.diagnostics())
    if (d.severity == PolicyDiagnostic::Severity::Error && !error) error = &d;
  REQUIRE(error);
  const PolicyDiagnostic& d = *error;
  CHECK(d.file == "bad.policy");
  CHECK(d.line == 2);
  CHECK(d.rendered.find("bad.policy:2:") == 0);
  auto missing = Engine().compile_file("/nonexistent/x.policy");
  CHECK_FALSE(missing.ok());
}

TEST_CASE("api: a policy given as text imports no module file, from its file it does") {
  // Named by the path of the real file, the text still has no directory to import from.
  std::string path = source_dir() + "/tests/policies/modules/support_terms.policy";
  auto text = Engine(no_cache(EngineKind::Interpreter)).compile_text(slurp(path), path);
  REQUIRE_FALSE(text.ok());
  REQUIRE_FALSE(text.diagnostics().empty());
  CHECK(text.diagnostics()[0].code == "P0023");
  CHECK(text.diagnostics()[0].message.find("a policy given as text cannot import files") == 0);
  auto file = Engine(no_cache(EngineKind::Interpreter)).compile_file(path);
  REQUIRE(file.ok());
  CHECK(file.value().info().name == "tests.modules");
  TestReport report = file.value().run_tests(TestEngines::Interpreter);
  CHECK(report.passed == 2);
  CHECK(report.failed == 0);
}

TEST_CASE("api: metadata, sessions and both engines") {
  auto jit = Engine(no_cache(EngineKind::Jit)).compile_text(kSmall, "small.policy");
  auto interp = Engine(no_cache(EngineKind::Interpreter)).compile_text(kSmall, "small.policy");
  REQUIRE(jit.ok());
  REQUIRE(interp.ok());
  CHECK(jit.value().engine() == EngineKind::Jit);
  CHECK(interp.value().engine() == EngineKind::Interpreter);
  const PolicyInfo& info = jit.value().info();
  CHECK(info.name == "t.small");
  REQUIRE(info.decisions.size() == 2);
  CHECK(info.decisions[0].name == "doubled");
  CHECK(info.decisions[0].clause == "1");
  CHECK(info.inputs[0].type == "x");

  auto sj = jit.value().session();
  auto si = interp.value().session();
  REQUIRE(sj.ok());
  REQUIRE(si.ok());
  for (const char* input : {R"({"x": {"a": 7}})", R"({"x": {"a": 70}})", R"({"x": {}})", "not json"}) {
    Evaluation a = sj.value().evaluate_json(input), b = si.value().evaluate_json(input);
    INFO(input);
    CHECK(a.json == b.json);
    CHECK(a.ok == b.ok);
  }
  CHECK(sj.value().evaluate_json(R"({"x": {"a": 7}})").json == R"({"decisions":{"doubled":14,"big":true}})");
  CHECK(sj.value().evaluate_json(R"({"x": {"a": 70}})").json ==
        R"({"error":{"path":"x.a","message":"expected an integer from 1 to 10, got 70"}})");
  CHECK(sj.value().evaluate_yaml("x:\n  a: 2\n").json == R"({"decisions":{"doubled":4,"big":false}})");

  auto subset = jit.value().session({false, {"big"}});
  REQUIRE(subset.ok());
  CHECK(subset.value().evaluate_json(R"({"x": {"a": 7}})").json == R"({"decisions":{"big":true}})");
  auto explained = interp.value().session({true, {}});
  REQUIRE(explained.ok());
  Evaluation e = explained.value().evaluate_json(R"({"x": {"a": 7}})");
  CHECK(e.json.find("\"explain\"") != std::string::npos);
  CHECK(e.explanation.find("doubled = 14 (clause 1) because:") == 0);
  auto unknown = jit.value().session({false, {"nope"}});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error() == "unknown decision `nope`; the decisions are: doubled, big");
}

TEST_CASE("api: the engine rules and their notes") {
  // A policy whose compile is estimated over the budget: Auto uses the interpreter and says
  // why; Jit compiles it, saying how long it may take.
  std::string big = "policy t.big \"Big\"\ninput x {\n  a: integer\n}\n";
  for (int i = 0; i < 1200; ++i)
    big += "decision d" + std::to_string(i) + ": integer = x.a + " + std::to_string(i) + "\n";
  std::vector<Note> notes;
  EngineOptions o = no_cache(EngineKind::Auto);
  o.on_note = [&](const Note& n) { notes.push_back(n); };
  auto automatic = Engine(o).compile_text(big, "big.policy");
  REQUIRE(automatic.ok());
  CHECK(automatic.value().engine() == EngineKind::Interpreter);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].kind == Note::Kind::Interpreter);
  CHECK(notes[0].over_budget);
  CHECK(notes[0].seconds > 1);
  notes.clear();
  o.engine = EngineKind::Jit;
  auto forced = Engine(o).compile_text(big, "big.policy");
  REQUIRE(forced.ok());
  CHECK(forced.value().engine() == EngineKind::Jit);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].kind == Note::Kind::CompilingLong);
}

TEST_CASE("api: tests run on both engines") {
  auto r = Engine(no_cache(EngineKind::Interpreter)).compile_text(kSmall, "small.policy");
  REQUIRE(r.ok());
  for (TestEngines engines : {TestEngines::Both, TestEngines::Interpreter, TestEngines::Jit}) {
    TestReport report = r.value().run_tests(engines, no_cache(EngineKind::Auto));
    CHECK(report.passed == 1);
    CHECK(report.failed == 0);
    CHECK(report.failures_text().empty());
  }
  std::string failing = std::string(kSmall) + "test \"wrong\"\n  given x = { a: 1 }\n  expect doubled = 3\n";
  auto f = Engine(no_cache(EngineKind::Interpreter)).compile_text(failing, "failing.policy");
  REQUIRE(f.ok());
  TestReport report = f.value().run_tests(TestEngines::Both, no_cache(EngineKind::Auto));
  CHECK(report.failed == 1);
  CHECK(report.failures_text() == "failing.policy:11:6: test \"wrong\" failed\n  doubled: expected 3, got 2\n");
}

TEST_CASE("api: one policy, many threads, each with its session") {
  std::string path = source_dir() + "/policies/qlik/oem_maintenance.policy";
  auto compiled = Engine(no_cache(EngineKind::Jit)).compile_file(path);
  REQUIRE(compiled.ok());
  const Policy& policy = compiled.value();
  std::vector<std::string> lines;
  std::istringstream in(slurp(source_dir() + "/policies/qlik/deadlines.ndjson"));
  for (std::string line; std::getline(in, line) && lines.size() < 400;) lines.push_back(line);
  auto single = policy.session();
  REQUIRE(single.ok());
  std::vector<std::string> expected;
  for (const auto& l : lines) expected.push_back(single.value().evaluate_json(l).json);
  std::vector<int> mismatches(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      auto s = policy.session();
      if (!s.ok()) {
        ++mismatches[t];
        return;
      }
      for (size_t i = t; i < lines.size(); i += 3)
        if (s.value().evaluate_json(lines[i]).json != expected[i]) ++mismatches[t];
    });
  for (auto& th : threads) th.join();
  for (int m : mismatches) CHECK(m == 0);
}

TEST_CASE("api: a policy's input schema is the JSON Schema of `proviso schema`") {
  auto compiled = Engine(no_cache(EngineKind::Interpreter)).compile_text(kSmall, "small.policy");
  REQUIRE(compiled.ok());
  nlohmann::json schema = nlohmann::json::parse(compiled.value().input_schema());
  CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  CHECK(schema["title"] == "Input of t.small");
  CHECK(schema["required"] == nlohmann::json::array({"x"}));
  CHECK(schema["properties"]["x"]["$ref"] == "#/$defs/x");
  CHECK(schema["additionalProperties"] == false);
  CHECK(schema["$defs"]["x"]["properties"]["a"] ==
        nlohmann::json({{"type", "integer"}, {"minimum", 1}, {"maximum", 10}}));
  CHECK(schema["$defs"]["x"]["required"] == nlohmann::json::array({"a"}));
}

TEST_CASE("api: append_json_line appends evaluate_json's line and says how it went") {
  // Every kind of line: evaluated, decisions failed (tests/golden/errors: one failing decision
  // per input), input errors; on both engines, appended after what `out` holds.
  std::string path = source_dir() + "/tests/golden/errors/evaluation.policy";
  std::ifstream in(source_dir() + "/tests/golden/errors/evaluation.ndjson");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  lines.push_back("not json");
  lines.push_back(R"({"x": {"nothing": 1}})");
  REQUIRE(lines.size() > 10);
  for (EngineKind kind : {EngineKind::Jit, EngineKind::Interpreter}) {
    auto policy = Engine(no_cache(kind)).compile_file(path);
    REQUIRE(policy.ok());
    auto session = policy.value().session();
    REQUIRE(session.ok());
    size_t outcomes[3] = {};
    for (const std::string& line : lines) {
      INFO(line);
      Evaluation e = session.value().evaluate_json(line);
      std::string out = "before\n";
      LineOutcome o = session.value().append_json_line(out, line, line.size());  // no padding: copied
      CHECK(out == "before\n" + e.json);
      LineOutcome expected = e.ok                ? LineOutcome::Ok
                             : !e.errors.empty() ? LineOutcome::DecisionError
                                                 : LineOutcome::InputError;
      CHECK(o == expected);
      ++outcomes[static_cast<size_t>(o)];
    }
    // The golden's inputs have each kind.
    CHECK(outcomes[static_cast<size_t>(LineOutcome::DecisionError)] > 5);
    CHECK(outcomes[static_cast<size_t>(LineOutcome::InputError)] >= 2);
  }
}

TEST_CASE("api: evaluate_ndjson keeps a too-long line's error in its place among the groups") {
  // The Qlik OEM lines are 720 to 980 bytes: with a limit of 800 about half are too long, and each
  // such error comes between the groups of the lines around it.
  std::ifstream in(source_dir() + "/policies/qlik/deadlines.ndjson");
  std::vector<std::string> lines;
  for (std::string line; lines.size() < 120 && std::getline(in, line);) lines.push_back(line);
  EngineOptions options = no_cache(EngineKind::Jit);
  options.limits.max_line_bytes = 800;
  auto policy = Engine(options).compile_file(source_dir() + "/policies/qlik/oem_maintenance.policy");
  REQUIRE(policy.ok());
  auto session = policy.value().session();
  REQUIRE(session.ok());
  std::string text, expected;
  size_t too_long = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    text += lines[i] + "\n";
    if (lines[i].size() > 800) {
      ++too_long;
      expected += fmt::format(R"({{"error":{{"path":"","message":"line {} is longer than 0 MiB"}}}})", i + 1);
    } else {
      session.value().append_json_line(expected, lines[i], lines[i].size());
    }
    expected += '\n';
  }
  REQUIRE(too_long > 20);
  REQUIRE(too_long < lines.size() - 20);
  CHECK(session.value().evaluate_ndjson(text) == expected);
  std::string handed;
  session.value().evaluate_ndjson(text, [&](std::string_view line) { handed += std::string(line) + "\n"; });
  CHECK(handed == expected);
}

TEST_CASE("api: append_json_lines appends append_json_line's lines, each with a newline") {
  // Inputs of every outcome, more than two groups of them (Session::append_json_lines takes
  // 32 at a time), on both engines and with options that leave the JIT's line writer out.
  auto read_lines = [](const std::string& file, size_t most) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; lines.size() < most && std::getline(in, line);)
      if (!line.empty()) lines.push_back(line);
    return lines;
  };
  struct Case {
    std::string policy;
    std::vector<std::string> lines;
  };
  std::vector<Case> cases = {
      {source_dir() + "/tests/golden/errors/evaluation.policy",
       read_lines(source_dir() + "/tests/golden/errors/evaluation.ndjson", 100)},
      {source_dir() + "/policies/qlik/oem_maintenance.policy",
       read_lines(source_dir() + "/policies/qlik/deadlines.ndjson", 90)},
  };
  for (Case& c : cases) {
    REQUIRE(c.lines.size() > 10);
    const std::vector<std::string> first(c.lines);
    while (c.lines.size() < 100) c.lines.insert(c.lines.end(), first.begin(), first.end());
    c.lines.insert(c.lines.begin() + 31, "not json");
    c.lines.insert(c.lines.begin() + 40, R"({"x": {"nothing": 1}})");
    c.lines.push_back(R"({"case": 1})");
  }
  std::vector<EvalOptions> options(3);
  options[1].explain = true;
  options[2].values = true;
  size_t seen[3] = {};
  for (EngineKind kind : {EngineKind::Jit, EngineKind::Interpreter}) {
    for (const Case& c : cases) {
      auto policy = Engine(no_cache(kind)).compile_file(c.policy);
      REQUIRE(policy.ok());
      // The lines one after another in one text, with the JSON parser's padding after them.
      std::string text;
      std::vector<size_t> at;
      for (const std::string& line : c.lines) {
        at.push_back(text.size());
        text += line + "\n";
      }
      text.append(64, ' ');
      for (size_t o = 0; o < options.size(); ++o) {
        INFO("policy " << c.policy << ", options " << o);
        auto one = policy.value().session(options[o]);
        auto many = policy.value().session(options[o]);
        REQUIRE(one.ok());
        REQUIRE(many.ok());
        std::string expected = "before\n";
        std::vector<LineOutcome> expected_outcomes;
        size_t expected_failed = 0;
        std::vector<JsonLine> lines;
        for (size_t i = 0; i < c.lines.size(); ++i) {
          // Every other line copied (no padding), the rest decoded in place.
          const size_t capacity = i % 2 ? c.lines[i].size() : text.size() - at[i];
          lines.push_back({std::string_view(text).substr(at[i], c.lines[i].size()), capacity});
          expected_outcomes.push_back(one.value().append_json_line(expected, c.lines[i], capacity));
          expected += '\n';
          expected_failed += expected_outcomes.back() != LineOutcome::Ok;
        }
        std::string out = "before\n";
        std::vector<LineOutcome> outcomes(lines.size(), LineOutcome::InputError);
        CHECK(many.value().append_json_lines(out, lines, outcomes.data()) == expected_failed);
        CHECK(out == expected);
        CHECK(outcomes == expected_outcomes);
        // Without outcomes, and in groups of another size: the same lines.
        std::string again;
        CHECK(many.value().append_json_lines(again, std::span(lines).first(7)) ==
              static_cast<size_t>(std::count_if(expected_outcomes.begin(), expected_outcomes.begin() + 7,
                                                [](LineOutcome x) { return x != LineOutcome::Ok; })));
        CHECK(many.value().append_json_lines(again, std::span(lines).subspan(7)) ==
              expected_failed -
                  static_cast<size_t>(std::count_if(expected_outcomes.begin(), expected_outcomes.begin() + 7,
                                                    [](LineOutcome x) { return x != LineOutcome::Ok; })));
        CHECK("before\n" + again == expected);
        CHECK(many.value().append_json_lines(again, {}) == 0);
        CHECK("before\n" + again == expected);
        // evaluate_ndjson writes its lines so too, and hands them out so.
        CHECK("before\n" + many.value().evaluate_ndjson(text) == expected);
        std::string handed = "before\n";
        many.value().evaluate_ndjson(text, [&](std::string_view line) {
          CHECK(line.find('\n') == std::string_view::npos);
          handed += std::string(line) + "\n";
        });
        CHECK(handed == expected);
        for (LineOutcome k : expected_outcomes) ++seen[static_cast<size_t>(k)];
      }
    }
  }
  // Every outcome was among them.
  CHECK(seen[static_cast<size_t>(LineOutcome::Ok)] > 100);
  CHECK(seen[static_cast<size_t>(LineOutcome::DecisionError)] > 100);
  CHECK(seen[static_cast<size_t>(LineOutcome::InputError)] > 10);
}

// Code lenses (features.h): above each test, its outcome on the reference interpreter and a
// command to run it again; above each decision, its value for the fixtures the tests start
// from, and a command that explains it.
#include <fmt/format.h>

#include "compiler/driver/test_runner.h"
#include "compiler/explain/render.h"
#include "compiler/interp/interpreter.h"
#include "compiler/records/encode.h"
#include "lsp/features.h"

namespace proviso::lsp {

namespace {

// The fixture named by a test's `given INPUT = FIXTURE [with {...}]`, or "".
std::string fixture_of(const ast::Expr* e, const Analysis& a) {
  while (e && (e->kind == ast::ExprKind::With || e->kind == ast::ExprKind::Paren)) e = e->operand.get();
  if (!e || e->kind != ast::ExprKind::Name) return "";
  for (const sema::Entity& x : a.index.entities)
    if (x.kind == sema::EntityKind::Fixture && x.name == e->name.text) return x.name;
  return "";
}

// For each input, the fixture of the first test that starts it from one: what "the example
// case" of the policy is. Empty when a required input has none.
std::vector<std::pair<std::string, std::string>> example_givens(const Analysis& a) {
  const ir::Program& p = *a.program();
  std::vector<std::pair<std::string, std::string>> givens;
  for (const ir::InputDef& in : p.inputs) {
    std::string found;
    for (const ast::Decl& d : a.parsed.module.decls) {
      const ast::TestDecl* t = d.test_decl();
      if (!t || !found.empty()) continue;
      for (const ast::TestGiven& g : t->givens)
        if (g.input.text == in.name && found.empty()) found = fixture_of(g.value.get(), a);
    }
    if (!found.empty()) {
      givens.emplace_back(in.name, found);
    } else if (!in.optional) {
      return {};
    }
  }
  return givens;
}

struct FixtureRun {
  std::string error;  // why there is no result
  std::shared_ptr<const ir::Program> program;
  ir::EvalResult result;
};

// Evaluates the decisions of the compiled analysis `good` (every one when `only` is -1, else
// that value alone, explained) with its inputs given by fixtures: the policy is compiled again
// with a test that gives them, and the test's inputs evaluated, so a fixture means exactly what
// it means in a test.
FixtureRun run_fixtures(const Analysis& good, const std::vector<std::pair<std::string, std::string>>& givens,
                        int32_t only) {
  FixtureRun run;
  std::string text = good.doc.text;
  text += "\n\ntest \"proviso lsp: evaluate with fixtures\"\n";
  for (const auto& [input, fixture] : givens) text += fmt::format("  given {} = {}\n", input, fixture);
  text += "  expect error \"-\"\n";
  driver::ImportOptions imports;
  if (good.doc.uri.rfind("file://", 0) == 0)
    imports.base_dir = std::filesystem::path(good.doc.path).parent_path().string();
  driver::CompileResult c = driver::compile_source(std::make_shared<const SourceFile>(good.doc.path, text), imports);
  if (!c.program || c.program->tests.empty()) {
    run.error = "the fixtures do not make the policy's inputs";
    for (const Diagnostic& d : c.diagnostics.items())
      if (d.severity == Severity::Error) {
        run.error += ": " + d.message;
        break;
      }
    return run;
  }
  run.program = c.program;
  const ir::Program& p = *c.program;
  interp::Interpreter interp(p);
  const ir::TestCase& test = p.tests.back();
  std::vector<ir::Value> inputs(p.inputs.size());
  for (size_t i = 0; i < p.inputs.size(); ++i) {
    if (test.inputs[i] == ir::kNoNode) continue;
    ir::EvalError err;
    if (!interp.evaluate_constant(test.inputs[i], &inputs[i], &err)) {
      run.error = fmt::format("cannot build the input `{}`: {}", p.inputs[i].name, err.message);
      return run;
    }
  }
  ir::EvalOptions options;
  options.each_decision = true;
  if (only >= 0) {
    options.decisions = {only};
    options.explain = true;
  }
  run.result = interp.evaluate(inputs, options);
  return run;
}

std::string value_text(const FixtureRun& run, int32_t value) {
  const ir::Program& p = *run.program;
  for (const auto& [idx, v] : run.result.decisions)
    if (idx == value) return records::format_value(v, p.values[value].type, p.schema, run.result.home_zone);
  for (const auto& [idx, err] : run.result.failed)
    if (idx == value) return "fails: " + err.message;
  return run.result.ok ? "not evaluated" : "fails: " + run.result.error.message;
}

std::string givens_text(const std::vector<std::pair<std::string, std::string>>& givens) {
  std::string out;
  for (const auto& [input, fixture] : givens) out += (out.empty() ? "" : ", ") + input + " = " + fixture;
  return out;
}

const driver::TestOutcome* outcome_of(const driver::TestReport& report, const std::string& name) {
  for (const driver::TestOutcome& o : report.outcomes)
    if (o.name == name) return &o;
  return nullptr;
}

std::string outcome_text(const driver::TestOutcome& o) {
  if (o.passed) return "✓ passed";
  if (!o.problem.empty()) return "✗ failed: " + o.problem;
  std::string out = "✗ failed:";
  for (const driver::DecisionDiff& d : o.diffs)
    out += fmt::format(" {}: expected {}, got {};", d.decision, d.expected, d.actual);
  out.pop_back();
  return out;
}

}  // namespace

Json code_lenses(const Analysis& a, const Analysis* good, const LineMap& map) {
  Json out = Json::array();
  // Lenses are placed on the current text, from the last text that compiled: when the
  // document has errors, only declarations found in both get one.
  if (!good) return out;
  if (!good->lenses) {
    Json made = Json::object();
    const driver::TestReport& report = coverage_of(*good).tests;
    Json tests = Json::object();
    for (const driver::TestOutcome& o : report.outcomes)
      tests[o.name] = {{"passed", o.passed}, {"title", outcome_text(o)}};
    made["tests"] = tests;
    auto givens = example_givens(*good);
    Json decisions = Json::object();
    if (!givens.empty()) {
      FixtureRun run = run_fixtures(*good, givens, -1);
      const ir::Program& p = *good->program();
      for (int32_t d : p.decisions) {
        std::string title = run.program ? value_text(run, d) : run.error;
        decisions[p.values[d].name] = fmt::format("▷ with {}: {}", givens_text(givens), title);
      }
      Json g = Json::object();
      for (const auto& [input, fixture] : givens) g[input] = fixture;
      made["givens"] = g;
    }
    made["decisions"] = decisions;
    good->lenses = std::move(made);
  }
  const Json& made = *good->lenses;
  for (const ast::Decl& d : a.parsed.module.decls) {
    Span at{d.span.begin, d.span.begin};
    if (const ast::TestDecl* t = d.test_decl()) {
      auto it = made["tests"].find(t->name);
      std::string title = it == made["tests"].end() ? "▶ run test" : (*it)["title"].get<std::string>();
      out.push_back(Json{{"range", map.range(at)},
                         {"command",
                          {{"title", title},
                           {"command", "proviso.runTest"},
                           {"arguments", {{{"uri", a.doc.uri}, {"test", t->name}}}}}}});
    }
    const ast::ValueDecl* v = d.value_decl();
    if (v && v->kind == ast::ValueDecl::Kind::Decision && made.contains("givens")) {
      auto it = made["decisions"].find(v->name.text);
      if (it == made["decisions"].end()) continue;
      out.push_back(
          Json{{"range", map.range(at)},
               {"command",
                {{"title", it->get<std::string>()},
                 {"command", "proviso.evaluateDecision"},
                 {"arguments", {{{"uri", a.doc.uri}, {"decision", v->name.text}, {"givens", made["givens"]}}}}}}});
    }
  }
  return out;
}

Json execute_command(const std::string& command, const Json& arguments, const Analysis* good) {
  if (command != "proviso.runTest" && command != "proviso.evaluateDecision")
    throw RequestError(fmt::format("unknown command `{}`", command));
  if (!good) throw RequestError("the policy does not compile: fix its errors first");
  const ir::Program& p = *good->program();
  if (command == "proviso.runTest") {
    std::string name = arguments.value("test", std::string());
    driver::TestReport report = driver::run_tests(p);
    const driver::TestOutcome* o = outcome_of(report, name);
    if (!o) throw RequestError(fmt::format("there is no test \"{}\"", name));
    std::string message = fmt::format("test \"{}\": {}", name, outcome_text(*o));
    return Json{{"test", name}, {"passed", o->passed}, {"message", message}};
  }
  std::string decision = arguments.value("decision", std::string());
  int32_t index = -1;
  for (int32_t d : p.decisions)
    if (p.values[d].name == decision) index = d;
  if (index < 0) throw RequestError(fmt::format("there is no decision `{}`", decision));
  std::vector<std::pair<std::string, std::string>> givens;
  if (arguments.contains("givens") && arguments["givens"].is_object()) {
    for (const auto& [input, fixture] : arguments["givens"].items())
      if (fixture.is_string()) givens.emplace_back(input, fixture.get<std::string>());
  } else {
    givens = example_givens(*good);
  }
  FixtureRun run = run_fixtures(*good, givens, index);
  if (!run.program) throw RequestError(run.error);
  std::string value = value_text(run, index);
  std::vector<records::DecisionFailure> failures;
  for (const auto& [idx, err] : run.result.failed)
    failures.push_back(records::decision_failure(*run.program, idx, err));
  std::string explanation = explain::render_text(*run.program, run.result, failures);
  return Json{{"decision", decision},
              {"value", value},
              {"explanation", explanation},
              {"message", fmt::format("{} with {} = {}\n{}", decision, givens_text(givens), value, explanation)}};
}

}  // namespace proviso::lsp

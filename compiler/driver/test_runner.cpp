// Policy tests through the reference interpreter.
#include "compiler/driver/test_runner.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/interp/interpreter.h"
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"

namespace proviso::driver {

namespace {

std::string eval_error_text(const ir::Program& p, const ir::EvalError& e) {
  std::string s = e.path.empty() ? e.message : e.path + ": " + e.message;
  if (e.loc >= 0) s += " (at " + p.location_text(e.loc) + ")";
  return s;
}

TestOutcome run_one(const ir::Program& p, const interp::Interpreter& interp, const Evaluate& evaluate,
                    const ir::TestCase& test, ir::CoverageMarks* coverage) {
  TestOutcome o;
  o.name = test.name;
  o.location = p.location_text(test.loc);

  std::vector<ir::Value> inputs(p.inputs.size());
  for (size_t i = 0; i < p.inputs.size(); ++i) {
    ir::NodeId node = i < test.inputs.size() ? test.inputs[i] : ir::kNoNode;
    if (node == ir::kNoNode) {
      if (!p.inputs[i].optional) {
        o.passed = false;
        o.problem = fmt::format("the test gives no `{}`, a required input", p.inputs[i].name);
        return o;
      }
      continue;
    }
    ir::EvalError err;
    if (!interp.evaluate_constant(node, &inputs[i], &err)) {
      o.passed = false;
      o.problem = fmt::format("cannot build the input `{}`: {}", p.inputs[i].name, eval_error_text(p, err));
      return o;
    }
  }

  std::vector<const ir::TestExpect*> errors, values;
  for (const auto& e : test.expects) (e.expected == ir::kNoNode ? errors : values).push_back(&e);

  ir::EvalOptions options;
  options.coverage = coverage;
  if (errors.empty()) {
    for (const auto* e : values)
      if (std::find(options.decisions.begin(), options.decisions.end(), e->value) == options.decisions.end())
        options.decisions.push_back(e->value);
  }
  // A test's inputs are held to the declared ranges as `eval` holds JSON input, so a test can
  // expect an out-of-range input to be refused, naming its path, and both engines refuse it
  // alike (the interpreter would take it; the JIT refuses it without a path when flattening).
  std::optional<records::DecodeError> refused;
  for (size_t i = 0; i < p.inputs.size() && !refused; ++i)
    refused = records::check_ranges(inputs[i], p.inputs[i].type, p.schema, p.inputs[i].name);
  ir::EvalResult r;
  if (refused) {
    r.ok = false;
    r.error.path = refused->path;
    r.error.message = refused->message;
  } else {
    r = evaluate ? evaluate(inputs, options) : interp.evaluate(inputs, options);
  }

  if (!r.ok) {
    if (errors.empty()) {
      o.passed = false;
      o.problem = "evaluation failed: " + eval_error_text(p, r.error);
      return o;
    }
    for (const auto* e : errors) {
      if (r.error.message.find(e->error) == std::string::npos &&
          (r.error.path + ": " + r.error.message).find(e->error) == std::string::npos) {
        o.passed = false;
        o.problem = fmt::format("expected an evaluation error containing \"{}\", got: {}", e->error,
                                eval_error_text(p, r.error));
        return o;
      }
    }
    return o;
  }
  if (!errors.empty()) {
    o.passed = false;
    o.problem = fmt::format("expected an evaluation error containing \"{}\", but the evaluation succeeded",
                            errors.front()->error);
    return o;
  }
  for (const auto* e : values) {
    if (e->value < 0 || static_cast<size_t>(e->value) >= p.values.size()) continue;
    const ir::ValueDef& def = p.values[e->value];
    const ir::Value* actual = nullptr;
    for (const auto& [idx, v] : r.decisions)
      if (idx == e->value) actual = &v;
    ir::Value expected;
    ir::EvalError err;
    if (!interp.evaluate_constant(e->expected, &expected, &err)) {
      o.passed = false;
      o.diffs.push_back({def.name, "<" + eval_error_text(p, err) + ">",
                         actual ? records::format_value(*actual, def.type, p.schema, r.home_zone) : "<missing>"});
      continue;
    }
    if (!actual || !ir::equal(expected, *actual)) {
      o.passed = false;
      o.diffs.push_back({def.name, records::format_value(expected, def.type, p.schema, r.home_zone),
                         actual ? records::format_value(*actual, def.type, p.schema, r.home_zone) : "<missing>"});
    }
  }
  return o;
}

}  // namespace

TestReport run_tests(const ir::Program& p, const Evaluate& evaluate, ir::CoverageMarks* coverage) {
  TestReport report;
  interp::Interpreter interp(p);
  for (const auto& test : p.tests) {
    TestOutcome o;
    try {
      o = run_one(p, interp, evaluate, test, coverage);
    } catch (const std::exception& e) {
      o.name = test.name;
      o.location = p.location_text(test.loc);
      o.passed = false;
      o.problem = std::string("internal error: ") + e.what();
    }
    (o.passed ? report.passed : report.failed)++;
    report.outcomes.push_back(std::move(o));
  }
  return report;
}

namespace {

bool same_outcome(const TestOutcome& a, const TestOutcome& b) {
  if (a.passed != b.passed || a.problem != b.problem || a.diffs.size() != b.diffs.size()) return false;
  for (size_t i = 0; i < a.diffs.size(); ++i)
    if (a.diffs[i].decision != b.diffs[i].decision || a.diffs[i].expected != b.diffs[i].expected ||
        a.diffs[i].actual != b.diffs[i].actual)
      return false;
  return true;
}

std::string describe(const TestOutcome& o) {
  if (o.passed) return "passed";
  if (!o.problem.empty()) return o.problem;
  std::string s;
  for (const auto& d : o.diffs) s += fmt::format("{}{} = {}", s.empty() ? "" : ", ", d.decision, d.actual);
  return s;
}

}  // namespace

TestReport merge_reports(const TestReport& a, const char* a_name, const TestReport& b, const char* b_name) {
  TestReport merged;
  for (size_t i = 0; i < a.outcomes.size(); ++i) {
    TestOutcome o = a.outcomes[i];
    if (i >= b.outcomes.size() || !same_outcome(o, b.outcomes[i])) {
      std::string other = i < b.outcomes.size() ? describe(b.outcomes[i]) : "not run";
      o.problem = fmt::format("the engines disagree (please report this policy): {}: {}; {}: {}", a_name, describe(o),
                              b_name, other);
      o.diffs.clear();
      o.passed = false;
    }
    (o.passed ? merged.passed : merged.failed)++;
    merged.outcomes.push_back(std::move(o));
  }
  return merged;
}

std::string render_failures(const TestReport& report) {
  std::string out;
  for (const auto& o : report.outcomes) {
    if (o.passed) continue;
    out += fmt::format("{}: test \"{}\" failed\n", o.location, o.name);
    if (!o.problem.empty()) out += "  " + o.problem + "\n";
    for (const auto& d : o.diffs) out += fmt::format("  {}: expected {}, got {}\n", d.decision, d.expected, d.actual);
  }
  return out;
}

std::string summary_line(int passed, int failed) { return fmt::format("{} passed, {} failed", passed, failed); }

}  // namespace proviso::driver

// Runs the tests written in a policy (`test "..." given ... expect ...`) with the reference
// interpreter and reports each failure with its location and a readable diff.
// Takes: a checked Program. Gives: counts and the failure report text.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "compiler/ir/evaluation.h"
#include "compiler/ir/program.h"

namespace proviso::driver {

struct DecisionDiff {
  std::string decision;
  std::string expected;  // formatted values (records::format_value)
  std::string actual;
};

struct TestOutcome {
  std::string name;
  std::string location;  // "file:line:col" of the test
  bool passed = true;
  std::string problem;              // when the test failed for another reason than a diff
  std::vector<DecisionDiff> diffs;  // differing decisions
};

struct TestReport {
  std::vector<TestOutcome> outcomes;  // one per test, in declaration order
  int passed = 0;
  int failed = 0;
};

// How a test's decisions are evaluated; empty = the reference interpreter. (The JIT lives in
// compiler/jit, above this library: `proviso test` passes its CompiledPolicy::evaluate.)
using Evaluate = std::function<ir::EvalResult(const std::vector<ir::Value>&, const ir::EvalOptions&)>;

// With `coverage`, the interpreter marks in it what each test's evaluation reached
// (compiler/driver/coverage.h); an `evaluate` of another engine ignores it.
TestReport run_tests(const ir::Program& program, const Evaluate& evaluate = {}, ir::CoverageMarks* coverage = nullptr);

// Outcomes of the same tests by two engines merged: where they differ, the test fails with
// both answers (an engine bug, not a policy bug). `a_name` and `b_name` label them.
TestReport merge_reports(const TestReport& a, const char* a_name, const TestReport& b, const char* b_name);

// Failures only, as:
//   policies/x.policy:120:1: test "Severity 1 by phone" failed
//     initial_response_due: expected 2026-11-26T10:30:00-05:00, got 2026-11-26T11:00:00-05:00
std::string render_failures(const TestReport& report);

// "N passed, M failed".
std::string summary_line(int passed, int failed);

}  // namespace proviso::driver

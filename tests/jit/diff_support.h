// Differential testing of the JIT against the reference interpreter: random valid inputs for
// any program (from its schema), and a comparison of two evaluation results that names the
// first difference.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "compiler/interp/interpreter.h"

namespace proviso::jit_test {

// Random inputs that decode-level validation would accept: enum members, integers inside
// their ranges (and sometimes near the int64 limits when unranged), bools, dates and
// datetimes in 2020-2035, money mostly in one currency, optionals sometimes absent.
class InputGenerator {
 public:
  InputGenerator(const ir::Program& program, uint64_t seed);
  std::vector<ir::Value> next();
  ir::Value value(const ir::Type& t, int depth = 0);

 private:
  int64_t pick(int64_t lo, int64_t hi);
  bool chance(int percent) { return pick(0, 99) < percent; }

  const ir::Program& p_;
  std::mt19937_64 rng_;
};

// "" when both results are the same (decisions by value, or error message, path and
// location); otherwise a description of the first difference.
std::string difference(const ir::Program& program, const ir::EvalResult& expected, const ir::EvalResult& actual);

// Inputs of the program's own test cases (constant expressions), evaluated by `interp`; those
// outside their declared ranges, which no engine is given, are left out.
std::vector<std::vector<ir::Value>> test_case_inputs(const ir::Program& program, const interp::Interpreter& interp);

// Number of random inputs per policy: PROVISO_DIFF_COUNT, else `fallback`.
int diff_count(int fallback);

// The source directory (PROVISO_SOURCE_DIR).
std::string source_dir();

}  // namespace proviso::jit_test

// The reference interpreter: evaluates a checked ir::Program on decoded inputs. It is the
// specification of the language: simple and direct; the JIT must agree with it.
// Takes: a Program (kept by reference; it must outlive the interpreter) and one Value per
// input (a RecordValue, or none for an absent optional input). Results: ir/evaluation.h.
// Gives: the decisions' values, or one evaluation error with the policy location that
// raised it; optionally an explanation of every decision.
#pragma once
#include <string>
#include <vector>

#include "compiler/ir/evaluation.h"
#include "compiler/ir/program.h"

namespace proviso::interp {

class Interpreter {
 public:
  explicit Interpreter(const ir::Program& program)
      : program_(program), calendars_(std::make_shared<rt::CalendarCache>()) {}

  ir::EvalResult evaluate(const std::vector<ir::Value>& inputs, const ir::EvalOptions& options = {}) const;

  // Evaluates a constant expression (test inputs and expectations, fixtures).
  bool evaluate_constant(ir::NodeId node, ir::Value* out, ir::EvalError* error) const;

  const ir::Program& program() const { return program_; }

 private:
  const ir::Program& program_;
  // Calendars built for an evaluation's zone and holidays are interned across evaluations.
  std::shared_ptr<rt::CalendarCache> calendars_;
};

}  // namespace proviso::interp

// Checks of a compiled program that need evaluation, run by compile_source after the checker:
// what would fail on every input is a compile error, not a runtime error on every record.
// - Constants are evaluated now: one that fails (an overflow, an impossible date) is an error
//   at the expression that failed (Code::ConstantFails); so is a let or decision that reads no
//   input at all and fails (Code::AlwaysFails).
// - The depth of every evaluation is bounded statically (nested node evaluations, through
//   lets, decisions, tables and calendars, as interp::Interpreter counts them): a decision
//   that could nest deeper than ir::kMaxEvalDepth is an error naming the chain
//   (Code::EvaluationTooDeep).
#pragma once
#include "compiler/ast/diagnostic.h"
#include "compiler/ir/program.h"

namespace proviso::driver {

void check_evaluation(const ir::Program& program, Diagnostics& out);

// The most nested evaluations that evaluating `node` can take (0 for kNoNode), following
// references into values, tables and calendars. Exact for the interpreter's counting; an
// upper bound on what any one evaluation reaches (memoised values only make it shallower).
int64_t evaluation_depth(const ir::Program& program, ir::NodeId node);

}  // namespace proviso::driver

// Evaluating conditions while explaining: the same values, errors and nesting depth as
// eval, with each condition that decided recorded by the tracer.
#include "compiler/interp/evaluation.h"
#include "compiler/ir/eval_messages.h"

namespace proviso::interp::detail {

using ir::NodeId;
using ir::Op;
using ir::Value;

// Evaluates a condition while explaining (the same values, errors and nesting depth as eval).
// `and`, `or` and a `not` over them are taken apart: each operand evaluated is a step of its
// own, so the comparison that decided is named, not only the compound around it; operands
// skipped by short-circuit are not. `whole` adds the compound itself (an `if` condition); a
// `not` over a compound is always added, since its operands read the other way round.
bool Evaluation::condition(NodeId id, Value& out, bool whole) {
  const ir::Node& n = program_.nodes[id];
  bool compound = n.op == Op::And || n.op == Op::Or ||
                  (n.op == Op::Not && (program_.nodes[n.a].op == Op::And || program_.nodes[n.a].op == Op::Or));
  if (!compound) {
    if (!eval(id, out)) return false;
    tracer_->condition(id, out);
    return true;
  }
  ir::Nesting depth(depth_);  // as eval counts the compound node
  if (depth.depth() > ir::kMaxEvalDepth) return fail(id, ir::msg::kNestsTooDeeply);
  if (n.op == Op::Not) {
    if (!condition(n.a, out, false)) return false;
    out = Value(!out.as_bool());
    whole = true;
  } else {
    if (!condition(n.a, out, false)) return false;
    bool decided = n.op == Op::And ? !out.as_bool() : out.as_bool();
    if (!decided && !condition(n.b, out, false)) return false;
  }
  if (whole) tracer_->condition(id, out);
  return true;
}

// Evaluates the body of a bool value while explaining: through `if` and `match` to the
// expression that gives the value, which is explained as a condition (a comparison in a
// branch decides the value as much as the `if` before it).
bool Evaluation::outcome(NodeId id, Value& out) {
  if (!recording() || id < 0) return eval(id, out);
  const ir::Node& n = program_.nodes[id];
  if (n.op != Op::If && n.op != Op::Switch) return condition(id, out, false);
  ir::Nesting depth(depth_);
  if (depth.depth() > ir::kMaxEvalDepth) return fail(id, ir::msg::kNestsTooDeeply);
  if (n.op == Op::If) {
    Value c;
    if (!condition(n.a, c, true)) return false;
    if (coverage_) coverage_->reach(id, c.as_bool() ? 0 : 1);
    return outcome(c.as_bool() ? n.b : n.c, out);
  }
  NodeId chosen = ir::kNoNode;
  return arm(n, id, chosen) && outcome(chosen, out);
}

}  // namespace proviso::interp::detail

// The reference interpreter's entry points: an Evaluation (evaluation.h) per call, with a
// Tracer when explaining. Values of lets, decisions and tables are computed at most once.
#include "compiler/interp/interpreter.h"

#include <fmt/format.h>

#include "compiler/interp/evaluation.h"

namespace proviso::interp {

using ir::EvalError;
using ir::EvalOptions;
using ir::EvalResult;
using ir::NodeId;
using ir::Value;

EvalResult Interpreter::evaluate(const std::vector<Value>& inputs, const EvalOptions& options) const {
  EvalResult result;
  if (inputs.size() != program_.inputs.size()) {
    result.ok = false;
    result.error.message = fmt::format("expected {} inputs, got {}", program_.inputs.size(), inputs.size());
    return result;
  }
  std::unique_ptr<detail::Tracer> tracer;
  if (options.explain) tracer = std::make_unique<detail::Tracer>(program_);
  detail::Evaluation ev(program_, inputs, tracer.get(), *calendars_);
  ev.cover(options.coverage);
  result.home_zone = rt::utc_zone();
  if (program_.home_zone >= 0) {
    Value z;
    if (!ev.eval(program_.home_zone, z)) {
      result.ok = false;
      result.error = ev.error();
      return result;
    }
    result.home_zone = z.as_zone();
  }
  const std::vector<int32_t>& wanted = options.decisions.empty() ? program_.decisions : options.decisions;
  for (int32_t index : wanted) {
    Value v;
    if (!ev.value(index, v)) {
      EvalError error = ev.error();
      if (error.path.empty()) error.path = program_.values[index].name;
      if (result.ok) result.error = error;
      result.ok = false;
      if (options.each_decision) {
        result.failed.push_back({index, std::move(error)});
        ev.clear_error();
        continue;
      }
      result.decisions.clear();
      result.explanations.clear();
      return result;
    }
    result.decisions.push_back({index, std::move(v)});
    if (tracer) result.explanations.push_back({index, tracer->value_trace(index)});
  }
  return result;
}

bool Interpreter::evaluate_constant(NodeId node, Value* out, EvalError* error) const {
  std::vector<Value> inputs(program_.inputs.size());
  detail::Evaluation ev(program_, inputs, nullptr, *calendars_);
  if (ev.eval(node, *out)) return true;
  if (error) *error = ev.error();
  return false;
}

}  // namespace proviso::interp

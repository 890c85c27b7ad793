// Internal to compiler/interp: one evaluation of a program on one record. A recursive walk
// over the IR (evaluation.cpp: values, tables, calendars, records, control, lists; scalar.cpp:
// arithmetic, comparisons, dates and calendars); values, tables and calendars are computed
// at most once. When explaining, a Tracer (tracer.h) records the facts, and conditions are
// evaluated through explaining.cpp so that the one that decided is named.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/interp/tracer.h"
#include "compiler/ir/evaluation.h"

namespace proviso::interp::detail {

class Evaluation {
 public:
  Evaluation(const ir::Program& p, const std::vector<ir::Value>& inputs, Tracer* tracer, rt::CalendarCache& calendars);

  // The value of a const, let or decision (memoised).
  bool value(int32_t index, ir::Value& out);
  // The value of a node; false with error() set when it fails.
  bool eval(ir::NodeId id, ir::Value& out);
  const ir::EvalError& error() const { return error_; }
  // Marks what this evaluation reaches into `marks` (ir::CoverageMarks), or nothing when null.
  void cover(ir::CoverageMarks* marks) { coverage_ = marks; }
  // Forgets the error, so that the next value evaluated can fail with its own (an error is
  // otherwise kept from the innermost failure out).
  void clear_error() { error_ = {}; }

 private:
  // Each evaluates the node `id` (= n) of its family into `out`.
  bool access(const ir::Node& n, ir::NodeId id, ir::Value& out);   // consts, inputs, values, tables, records
  bool control(const ir::Node& n, ir::NodeId id, ir::Value& out);  // not, and, or, if, match
  bool lists(const ir::Node& n, ir::NodeId id, ir::Value& out);    // in, list, collect, aggregates
  bool aggregate(const ir::Node& n, ir::NodeId id, ir::Value& out);
  bool excluded_by(const ir::Node& n, ir::NodeId id, int32_t& clause);
  bool operate(const ir::Node& n, ir::NodeId id, ir::Value& out);  // the scalar operations (scalar.cpp)
  bool binary(ir::Op op, const ir::Type& type, const ir::Value& a, const ir::Value& b, ir::NodeId id, ir::Value& out);
  bool compare(ir::CmpOp op, const ir::Value& a, const ir::Value& b, ir::NodeId id, bool& out);
  bool calendar_add(const ir::Node& n, ir::NodeId id, ir::Value& out);

  bool table_row(int32_t table, int& row);
  bool calendar(int32_t index, ir::NodeId id, ir::Value& out);
  // The name of the schedule a calendar of this evaluation took its hours from (a paused
  // calendar: its base's); "" for a calendar with its own day lines, or 24x7.
  std::string schedule_of(const rt::Calendar& calendar) const;
  // The arm of a `match` that applies to its subject (named when explaining).
  bool arm(const ir::Node& n, ir::NodeId id, ir::NodeId& chosen);

  // While explaining (explaining.cpp): a condition, taking `and`/`or`/`not` apart so that each
  // operand evaluated is named; the body of a bool value, followed through `if` and `match` to
  // the condition that gives its value. Same values, errors and depth as eval.
  bool condition(ir::NodeId id, ir::Value& out, bool whole);
  bool outcome(ir::NodeId id, ir::Value& out);

  bool fail(ir::NodeId id, std::string message);
  bool fail(ir::NodeId id, const rt::Error& e) { return fail(id, e.message); }
  bool recording() const { return tracer_ && tracer_->recording(); }
  int64_t pattern_key(const ir::Value& v) const;

  const ir::Program& program_;
  const std::vector<ir::Value>& inputs_;
  Tracer* tracer_;                         // null unless explaining
  ir::CoverageMarks* coverage_ = nullptr;  // null unless measuring test coverage
  rt::CalendarCache& calendars_;
  std::vector<ir::Value> value_memo_;
  std::vector<uint8_t> value_state_;                         // 0 fresh, 1 computing, 2 done, 3 failed
  std::unordered_map<int32_t, ir::EvalError> value_errors_;  // of the values in state 3
  std::vector<int> table_rows_;                              // -2 unknown, else the matching row
  std::vector<ir::Value> locals_;
  std::vector<std::shared_ptr<const rt::Calendar>> calendar_memo_;
  std::vector<int32_t> calendar_schedule_;  // per calendar: the schedule it was built with, or -1
  int32_t current_value_ = -1;
  int depth_ = 0;
  ir::EvalError error_;
};

}  // namespace proviso::interp::detail

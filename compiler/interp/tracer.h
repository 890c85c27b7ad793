// Internal to compiler/interp: the facts an explanation is made of, recorded while an
// evaluation runs. Each value and table has its own trace; a fact goes to the trace being
// written (none outside a value), and a value's or table's trace is merged into its user's.
// The evaluation calls one method per fact, so explaining stays out of its arithmetic.
#pragma once
#include <vector>

#include "compiler/ir/evaluation.h"

namespace proviso::interp::detail {

class Tracer {
 public:
  explicit Tracer(const ir::Program& program)
      : program_(program), values_(program.values.size()), tables_(program.tables.size()) {}

  // Whether facts are being recorded (inside a value or table).
  bool recording() const { return current_ != nullptr; }
  // Switches to value `index`'s (or table `index`'s) own trace; restore() with the result.
  std::vector<ir::Step>* begin_value(int32_t index);
  std::vector<ir::Step>* begin_table(int32_t index);
  void restore(std::vector<ir::Step>* saved) { current_ = saved; }
  // Adds a value's or a table's facts to the trace being written.
  void merge_value(int32_t index);
  void merge_table(int32_t index);
  const std::vector<ir::Step>& value_trace(int32_t index) const { return values_[static_cast<size_t>(index)]; }

  // The facts (each recorded only while recording, and only once per trace).
  void uses(int32_t value, const ir::Value& v);
  void input(ir::NodeId field, const ir::Value& v, const ir::Type& type);
  void condition(ir::NodeId id, const ir::Value& v);
  void match_arm(const ir::Node& match, const ir::Value& subject, size_t arm);
  void table_row(int32_t table, int row);
  void exclusion(const ir::Value& entry, ir::NodeId condition);
  // `schedule`: the schedule the calendar's hours came from, "" for its own day lines.
  void calendar_add(ir::NodeId id, const rt::Calendar& calendar, const std::string& schedule, const ir::Value& start,
                    const ir::Value& result, const ir::BusinessDurationValue& amount);
  // working_time(from, to, C), is_open(at, C), next_opening(at, C) and a business duration
  // as C's working time (ir::Step::operation); `to` is none but for working_time, `amount`
  // null but for business_length.
  void calendar_query(ir::NodeId id, const rt::Calendar& calendar, const std::string& schedule, const char* operation,
                      const ir::Value& from, const ir::Value& to, const ir::Value& result,
                      const ir::BusinessDurationValue* amount);
  // An aggregation over `size` items: the items that decided `result` (ir::Step::items) and
  // those its exclusions skipped (ir::Step::excluded).
  struct AggregateItems {
    std::vector<std::pair<int64_t, ir::Value>> decided;
    int64_t decided_count = 0;
    std::vector<std::pair<int64_t, std::string>> excluded;
    int64_t excluded_count = 0;
  };
  void aggregate(ir::NodeId id, const ir::Value& result, const ir::Type& body_type, int64_t size, AggregateItems items);
  // Inside an aggregation's body the conditions and match arms are per item, said by the
  // aggregation's own step: they are not recorded while quiet (inputs and values still are).
  void enter_aggregate() { ++quiet_; }
  void leave_aggregate() { --quiet_; }

 private:
  void step(ir::Step s);
  // The pauses, holidays and partial days of `calendar` that fall in [a, b], into `s`.
  void days_and_pauses(ir::Step& s, const rt::Calendar& calendar, rt::Instant a, rt::Instant b);

  const ir::Program& program_;
  std::vector<std::vector<ir::Step>> values_;
  std::vector<std::vector<ir::Step>> tables_;
  std::vector<ir::Step>* current_ = nullptr;
  int quiet_ = 0;  // aggregations being evaluated
};

}  // namespace proviso::interp::detail

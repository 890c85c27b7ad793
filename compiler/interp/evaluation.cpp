// The evaluation's walk: dispatch by operation family, values, tables and calendars computed
// once, records, control, lists and aggregates. Scalar operations are in scalar.cpp.
#include "compiler/interp/evaluation.h"

#include <algorithm>

#include "compiler/ir/eval_messages.h"
#include "compiler/ir/eval_rules.h"

namespace proviso::interp::detail {

using ir::NodeId;
using ir::Op;
using ir::Value;

Evaluation::Evaluation(const ir::Program& p, const std::vector<Value>& inputs, Tracer* tracer,
                       rt::CalendarCache& calendars)
    : program_(p), inputs_(inputs), tracer_(tracer), calendars_(calendars), value_memo_(p.values.size()),
      value_state_(p.values.size(), 0), table_rows_(p.tables.size(), -2),
      locals_(static_cast<size_t>(std::max(0, p.local_slots))) {}

bool Evaluation::fail(NodeId id, std::string message) {
  if (!error_.message.empty()) return false;  // keep the innermost error
  error_.message = std::move(message);
  error_.loc = id >= 0 && static_cast<size_t>(id) < program_.node_locs.size() ? program_.node_locs[id] : -1;
  // Name the input involved (the rule every engine follows: ir/eval_rules.h), else the value
  // being computed.
  error_.path = id >= 0 ? ir::error_input_path(program_, id) : "";
  if (error_.path.empty() && current_value_ >= 0) error_.path = program_.values[current_value_].name;
  return false;
}

bool Evaluation::value(int32_t index, Value& out) {
  // A decision used by another is explained on its own: the user sees only that it was
  // used. Intermediate `let` values have no explanation of their own, so their steps merge.
  bool merge_steps = recording() && program_.values[index].kind != ir::ValueKind::Decision;
  if (value_state_[index] == 2) {
    out = value_memo_[index];
    if (merge_steps) tracer_->merge_value(index);
    return true;
  }
  if (value_state_[index] == 3) {  // failed before, in another decision: the same error again
    error_ = value_errors_[index];
    return false;
  }
  if (value_state_[index] == 1)
    return fail(program_.values[index].body, ir::msg::depends_on_itself(program_.values[index].name));
  value_state_[index] = 1;
  if (coverage_) coverage_->values[static_cast<size_t>(index)] = true;
  std::vector<ir::Step>* saved_trace = tracer_ ? tracer_->begin_value(index) : nullptr;
  int32_t saved_value = current_value_;
  current_value_ = index;
  const ir::ValueDef& def = program_.values[index];
  // A bool value is decided by the conditions its body tests last; explain them.
  bool ok = tracer_ && def.type.kind == ir::TypeKind::Bool ? outcome(def.body, out) : eval(def.body, out);
  if (ok && def.type.kind == ir::TypeKind::Integer && def.type.has_range() && !out.is_none()) {
    int64_t v = out.as_int();
    if ((def.type.lo && v < *def.type.lo) || (def.type.hi && v > *def.type.hi))
      ok = fail(def.body, ir::msg::outside_its_type(def.name, v, ir::to_string(def.type, program_.schema)));
  }
  if (tracer_) tracer_->restore(saved_trace);
  current_value_ = saved_value;
  if (!ok) {
    value_state_[index] = 3;
    value_errors_[index] = error_;
    return false;
  }
  value_memo_[index] = out;
  value_state_[index] = 2;
  if (merge_steps) tracer_->merge_value(index);
  return true;
}

int64_t Evaluation::pattern_key(const Value& v) const {
  switch (v.kind()) {
    case Value::Kind::Bool: return v.as_bool() ? 1 : 0;
    case Value::Kind::Enum: return v.as_enum();
    case Value::Kind::Int: return v.as_int();
    default: return 0;
  }
}

bool Evaluation::table_row(int32_t t, int& row) {
  bool merge_steps = recording();
  if (table_rows_[t] != -2) {
    row = table_rows_[t];
    if (merge_steps) tracer_->merge_table(t);
    return true;
  }
  const ir::TableDef& def = program_.tables[t];
  if (coverage_) coverage_->tables[static_cast<size_t>(t)] = true;
  std::vector<ir::Step>* saved = tracer_ ? tracer_->begin_table(t) : nullptr;
  auto restore = [&] {
    if (tracer_) tracer_->restore(saved);
  };
  std::vector<int64_t> keys;
  keys.reserve(def.given.size());
  for (NodeId g : def.given) {
    Value v;
    if (!eval(g, v)) {
      restore();
      return false;
    }
    keys.push_back(pattern_key(v));
  }
  row = -1;
  for (size_t r = 0; r < def.rows.size() && row < 0; ++r) {
    bool m = true;
    for (size_t c = 0; c < keys.size() && m; ++c) m = def.rows[r].conds[c].matches(keys[c]);
    if (m) row = static_cast<int>(r);
  }
  if (row < 0) {
    restore();
    return fail(def.given.empty() ? ir::kNoNode : def.given[0], ir::msg::no_table_row(def.name));
  }
  if (tracer_) tracer_->table_row(t, row);
  if (coverage_) coverage_->table_rows[static_cast<size_t>(t)][static_cast<size_t>(row)] = true;
  restore();
  table_rows_[t] = row;
  if (merge_steps) tracer_->merge_table(t);
  return true;
}

bool Evaluation::calendar(int32_t index, NodeId id, Value& out) {
  if (calendar_memo_.size() < program_.calendars.size()) {
    calendar_memo_.resize(program_.calendars.size());
    calendar_schedule_.resize(program_.calendars.size(), -1);
  }
  if (calendar_memo_[index]) {
    out = Value(ir::CalendarValue{calendar_memo_[index]});
    return true;
  }
  const ir::CalendarDef& def = program_.calendars[index];
  // `schedule EXPR`: the hours of the schedule it gives (its index), first, as written.
  const rt::WeeklyHours* hours = &def.hours;
  int32_t schedule = -1;
  if (def.schedule >= 0) {
    Value s;
    if (!eval(def.schedule, s)) return false;
    schedule = static_cast<int32_t>(s.as_int());
    hours = &program_.schedules[static_cast<size_t>(schedule)].hours;
  }
  Value zone, holidays;
  if (!eval(def.zone, zone)) return false;
  std::shared_ptr<const rt::HolidaySet> set;
  if (def.holidays >= 0) {
    if (!eval(def.holidays, holidays)) return false;
    set = holidays.as_holidays();
  }
  auto cal = calendars_.get(def.name, *hours, zone.as_zone(), set, def.business_day);
  if (!cal) return fail(id, cal.error());
  calendar_memo_[index] = *cal;
  calendar_schedule_[index] = schedule;
  if (coverage_) {
    coverage_->calendars[static_cast<size_t>(index)] = true;
    if (schedule >= 0) coverage_->schedules[static_cast<size_t>(schedule)] = true;
  }
  out = Value(ir::CalendarValue{*cal});
  return true;
}

std::string Evaluation::schedule_of(const rt::Calendar& calendar) const {
  const rt::Calendar* base = calendar.unpaused() ? calendar.unpaused() : &calendar;
  for (size_t i = 0; i < calendar_memo_.size(); ++i)
    if (calendar_memo_[i].get() == base && calendar_schedule_[i] >= 0)
      return program_.schedules[static_cast<size_t>(calendar_schedule_[i])].name;
  return "";
}

bool Evaluation::eval(NodeId id, Value& out) {
  if (id < 0) {
    out = Value::none();
    return true;
  }
  ir::Nesting depth(depth_);
  if (depth.depth() > ir::kMaxEvalDepth) return fail(id, ir::msg::kNestsTooDeeply);
  const ir::Node& n = program_.nodes[id];
  switch (n.op) {
    case Op::Const:
    case Op::Input:
    case Op::Local:
    case Op::ValueRef:
    case Op::TableGet:
    case Op::CalendarRef:
    case Op::ScheduleRef:
    case Op::Field:
    case Op::Unwrap:
    case Op::IsPresent:
    case Op::Coalesce:
    case Op::MakeRecord:
    case Op::WithRecord: return access(n, id, out);
    case Op::Not:
    case Op::And:
    case Op::Or:
    case Op::If:
    case Op::Switch: return control(n, id, out);
    case Op::In:
    case Op::MakeList:
    case Op::Collect:
    case Op::AggAny:
    case Op::AggAll:
    case Op::AggCount:
    case Op::AggSum:
    case Op::AggMin:
    case Op::AggMax:
    case Op::AggFilter:
    case Op::AggMinBy:
    case Op::AggMaxBy:
    case Op::ListCount:
    case Op::ListIsEmpty:
    case Op::ListFirst:
    case Op::ListLast: return lists(n, id, out);
    case Op::Cmp: {
      Value a, b;
      if (!eval(n.a, a) || !eval(n.b, b)) return false;
      bool r = false;
      if (!compare(static_cast<ir::CmpOp>(n.aux), a, b, id, r)) return false;
      out = Value(r);
      return true;
    }
    case Op::CalAdd: return calendar_add(n, id, out);
    default: return operate(n, id, out);
  }
}

bool Evaluation::access(const ir::Node& n, NodeId id, Value& out) {
  switch (n.op) {
    case Op::Const: out = program_.consts[n.aux]; return true;
    case Op::Input: out = inputs_[n.aux]; return true;
    case Op::Local: out = locals_[n.aux]; return true;
    case Op::ValueRef:
      if (!value(n.aux, out)) return false;
      if (tracer_) tracer_->uses(n.aux, out);
      return true;
    case Op::TableGet: {
      int row = -1;
      if (!table_row(n.aux, row)) return false;
      return eval(program_.tables[n.aux].rows[row].outputs[n.aux2], out);
    }
    case Op::CalendarRef: return calendar(n.aux, id, out);
    case Op::ScheduleRef: out = Value(int64_t{n.aux}); return true;  // a schedule is its index
    case Op::Field: {
      Value rec;
      if (!eval(n.a, rec)) return false;
      if (rec.is_none()) return fail(id, ir::msg::kAbsentRecordField);
      out = rec.as_record()[n.aux];
      if (tracer_) tracer_->input(id, out, n.type);
      return true;
    }
    case Op::Unwrap:
      if (!eval(n.a, out)) return false;
      if (out.is_none()) return fail(id, ir::msg::kAbsentValue);
      return true;
    case Op::IsPresent: {
      Value v;
      if (!eval(n.a, v)) return false;
      out = Value(!v.is_none());
      return true;
    }
    case Op::Coalesce:
      if (!eval(n.a, out)) return false;
      if (!out.is_none()) return true;
      return eval(n.b, out);
    case Op::MakeRecord: {
      ir::ValueList fields(n.args.size());
      for (size_t i = 0; i < n.args.size(); ++i)
        if (!eval(n.args[i], fields[i])) return false;
      out = Value::record(std::move(fields));
      return true;
    }
    case Op::WithRecord: {
      Value base;
      if (!eval(n.a, base)) return false;
      ir::ValueList fields = base.as_record();
      for (size_t i = 0; i < n.args.size(); ++i)
        if (!eval(n.args[i], fields[n.ints[i]])) return false;
      out = Value::record(std::move(fields));
      return true;
    }
    default: return fail(id, "internal error: not an access operation");
  }
}

bool Evaluation::control(const ir::Node& n, NodeId id, Value& out) {
  switch (n.op) {
    case Op::Not:
      if (!eval(n.a, out)) return false;
      out = Value(!out.as_bool());
      return true;
    case Op::And:
      if (!eval(n.a, out)) return false;
      if (!out.as_bool()) return true;
      return eval(n.b, out);
    case Op::Or:
      if (!eval(n.a, out)) return false;
      if (out.as_bool()) return true;
      return eval(n.b, out);
    case Op::If: {
      Value c;
      if (!(recording() ? condition(n.a, c, true) : eval(n.a, c))) return false;
      if (coverage_) coverage_->reach(id, c.as_bool() ? 0 : 1);
      return eval(c.as_bool() ? n.b : n.c, out);
    }
    case Op::Switch: {
      NodeId chosen = ir::kNoNode;
      return arm(n, id, chosen) && eval(chosen, out);
    }
    default: return fail(id, "internal error: not a control operation");
  }
}

bool Evaluation::arm(const ir::Node& n, NodeId id, NodeId& chosen) {
  Value v;
  if (!eval(n.a, v)) return false;
  int64_t key = pattern_key(v);
  for (size_t i = 0; i < n.pats.size(); ++i) {
    if (!n.pats[i].matches(key)) continue;
    if (tracer_) tracer_->match_arm(n, v, i);
    if (coverage_) coverage_->reach(id, i);
    chosen = n.args[i];
    return true;
  }
  return fail(id, ir::msg::kNoMatchArm);
}

bool Evaluation::lists(const ir::Node& n, NodeId id, Value& out) {
  switch (n.op) {
    case Op::In: {
      Value x, list;
      if (!eval(n.a, x) || !eval(n.b, list)) return false;
      bool found = false;
      for (const Value& item : list.as_list()) {
        if (item.kind() == Value::Kind::Money && x.kind() == Value::Kind::Money &&
            item.as_money().currency != x.as_money().currency)
          return fail(id, rt::in_list_currency_mismatch(x.as_money(), item.as_money()));
        if (ir::equal(item, x)) {
          found = true;
          break;
        }
      }
      out = Value(found);
      return true;
    }
    case Op::MakeList: {
      ir::ValueList items(n.args.size());
      for (size_t i = 0; i < n.args.size(); ++i)
        if (!eval(n.args[i], items[i])) return false;
      out = Value::list(std::move(items));
      return true;
    }
    case Op::Collect: {
      ir::ValueList items;
      bool exclusions = current_value_ >= 0 && program_.values[current_value_].is_exclusions &&
                        program_.values[current_value_].body == id;
      for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
        Value cond;
        if (!eval(n.args[i + 1], cond)) return false;
        if (!cond.as_bool()) continue;
        if (coverage_) coverage_->reach(id, i / 2);
        Value v;
        if (!eval(n.args[i], v)) return false;
        if (tracer_ && exclusions) tracer_->exclusion(v, n.args[i + 1]);
        items.push_back(std::move(v));
      }
      out = Value::list(std::move(items));
      return true;
    }
    case Op::ListCount:
    case Op::ListIsEmpty:
    case Op::ListFirst:
    case Op::ListLast: {
      Value list;
      if (!eval(n.a, list)) return false;
      const ir::ValueList& items = list.as_list();
      if (n.op == Op::ListCount)
        out = Value(static_cast<int64_t>(items.size()));
      else if (n.op == Op::ListIsEmpty)
        out = Value(items.empty());
      else if (items.empty())
        out = Value::none();
      else
        out = n.op == Op::ListFirst ? items.front() : items.back();
      return true;
    }
    default: return aggregate(n, id, out);
  }
}

namespace {

// A sum's term that adds nothing (left out of the explanation's list of items).
bool is_zero(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Int: return v.as_int() == 0;
    case Value::Kind::Decimal: return v.as_decimal().coefficient() == 0;
    case Value::Kind::Money: return v.as_money().amount.coefficient() == 0;
    case Value::Kind::Duration: return v.as_duration() == 0;
    default: return false;
  }
}

}  // namespace

// The first of an aggregation's exclusions (ir::Args::Exclusions) that holds for the item in
// its variable: `clause` is its clause's constant index, or -1 when none holds. The
// conditions after the one that holds are not evaluated.
bool Evaluation::excluded_by(const ir::Node& n, NodeId id, int32_t& clause) {
  clause = -1;
  for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
    Value holds;
    if (!eval(n.args[i + 1], holds)) return false;
    if (holds.as_bool()) {
      if (coverage_) coverage_->reach(id, i / 2);
      clause = program_.nodes[static_cast<size_t>(n.args[i])].aux;
      return true;
    }
  }
  return true;
}

bool Evaluation::aggregate(const ir::Node& n, NodeId id, Value& out) {
  Value list;
  if (!eval(n.a, list)) return false;
  int64_t count = 0;
  Value acc;
  bool have = false;
  Op add = n.type.kind == ir::TypeKind::Integer    ? Op::IntAdd
           : n.type.kind == ir::TypeKind::Duration ? Op::DurAdd
                                                   : Op::DecAdd;
  // While explaining: the items that decide the result (ir::Step::items), the body's own
  // conditions left out of the trace.
  const bool explain = recording();
  Tracer::AggregateItems traced;
  int64_t chosen = 0;  // min/max: the index of the item chosen so far
  auto note = [&](int64_t index, const Value& v) {
    ++traced.decided_count;
    if (traced.decided.size() < ir::kMaxAggregateItems) traced.decided.push_back({index, v});
  };
  const bool by = n.op == Op::AggMinBy || n.op == Op::AggMaxBy;  // the result is the item, not its body
  const ir::Type body_type = n.op == Op::AggSum || n.op == Op::AggMin || n.op == Op::AggMax ? n.type
                             : by                                                           ? program_.nodes[n.b].type
                                  : ir::Type::of(ir::TypeKind::Bool);
  ir::ValueList kept;  // filter: the items kept; min_by, max_by: kept[0] is the item chosen
  const ir::ValueList& items = list.as_list();
  auto finish = [&](Value result) {
    if (explain) {
      tracer_->leave_aggregate();
      if ((n.op == Op::AggMin || n.op == Op::AggMax) && have) note(chosen, result);
      if (by && have) note(chosen, acc);
      tracer_->aggregate(id, result, body_type, static_cast<int64_t>(items.size()), std::move(traced));
    }
    out = std::move(result);
    return true;
  };
  if (explain) tracer_->enter_aggregate();
  for (size_t i = 0; i < items.size(); ++i) {
    const int64_t index = static_cast<int64_t>(i) + 1;
    locals_[n.aux] = items[i];
    int32_t clause = -1;  // the exclusion that skips this item, if any
    if (!n.args.empty() && !excluded_by(n, id, clause)) {
      if (explain) tracer_->leave_aggregate();
      return false;
    }
    if (clause >= 0) {
      ++traced.excluded_count;
      if (explain && traced.excluded.size() < ir::kMaxAggregateItems)
        traced.excluded.push_back({index, program_.consts[static_cast<size_t>(clause)].as_text()});
      continue;
    }
    Value v;
    if (!eval(n.b, v)) {
      if (explain) tracer_->leave_aggregate();
      return false;
    }
    if (n.op == Op::AggAny && v.as_bool()) {
      if (explain) note(index, v);
      return finish(Value(true));
    }
    if (n.op == Op::AggAll && !v.as_bool()) {
      if (explain) note(index, v);
      return finish(Value(false));
    }
    if (n.op == Op::AggCount || n.op == Op::AggFilter) {
      if (v.as_bool()) {
        ++count;
        if (n.op == Op::AggFilter) kept.push_back(items[i]);
        if (explain) note(index, v);
      }
      continue;
    }
    if (n.op == Op::AggAny || n.op == Op::AggAll) continue;
    if (explain && n.op == Op::AggSum && !is_zero(v)) note(index, v);
    if (!have) {
      acc = std::move(v);
      have = true;
      chosen = index;
      if (by) kept = {items[i]};
      continue;
    }
    if (n.op == Op::AggSum) {
      Value next;
      if (!binary(add, n.type, acc, v, id, next)) {
        if (explain) tracer_->leave_aggregate();
        return false;
      }
      acc = std::move(next);
    } else {
      bool better = false;
      bool least = n.op == Op::AggMin || n.op == Op::AggMinBy;
      if (!compare(least ? ir::CmpOp::Lt : ir::CmpOp::Gt, v, acc, id, better)) {
        if (explain) tracer_->leave_aggregate();
        return false;
      }
      if (better) {
        acc = std::move(v);
        chosen = index;
        if (by) kept = {items[i]};
      }
    }
  }
  switch (n.op) {
    case Op::AggAny: return finish(Value(false));
    case Op::AggAll: return finish(Value(true));
    case Op::AggCount: return finish(Value(count));
    case Op::AggSum:
      if (have) return finish(acc);
      if (n.type.kind == ir::TypeKind::Integer) return finish(Value(int64_t{0}));
      if (n.type.kind == ir::TypeKind::Duration) return finish(Value(ir::DurationValue{0}));
      return finish(Value(rt::Decimal()));
    case Op::AggFilter: return finish(Value::list(std::move(kept)));
    case Op::AggMinBy:
    case Op::AggMaxBy: return finish(have ? kept.front() : Value::none());
    default: return finish(have ? acc : Value::none());
  }
}

}  // namespace proviso::interp::detail

// The reference interpreter: a direct recursive walk over the typed IR, one case per ir::Op.
// Values of lets, decisions and tables are computed at most once per evaluation.
#include "compiler/interp/interpreter.h"

#include <proviso/rt/text.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/eval_messages.h"
#include "compiler/ir/eval_rules.h"


namespace proviso::interp {

using ir::NodeId;
using ir::Op;
using ir::Value;
using ir::DecisionExplanation;
using ir::EvalError;
using ir::EvalOptions;
using ir::EvalResult;
using ir::kMaxEvalDepth;
using ir::Step;

namespace {

constexpr int kMaxDepth = kMaxEvalDepth;  // evaluation recursion; the checker bounds nesting far below

class Evaluation {
 public:
  Evaluation(const ir::Program& p, const std::vector<Value>& inputs, bool explain,
             rt::CalendarCache& calendars)
      : p_(p), inputs_(inputs), explain_(explain), calendars_(calendars),
        value_memo_(p.values.size()), value_state_(p.values.size(), 0),
        value_traces_(explain ? p.values.size() : 0), table_rows_(p.tables.size(), -2),
        table_traces_(explain ? p.tables.size() : 0), locals_(static_cast<size_t>(std::max(0, p.local_slots))) {}

  bool value(int32_t index, Value& out);
  bool eval(NodeId id, Value& out);
  bool condition(NodeId id, Value& out, bool whole);
  bool outcome(NodeId id, Value& out);
  void condition_step(NodeId id, const Value& v);
  bool arm(const ir::Node& n, NodeId id, NodeId& chosen);
  const EvalError& error() const { return error_; }
  std::vector<Step> trace_of(int32_t value_index) const { return explain_ ? value_traces_[value_index] : std::vector<Step>{}; }
  const rt::Zone* home_zone = nullptr;

 private:
  bool fail(NodeId id, std::string message);
  bool fail(NodeId id, const rt::Error& e) { return fail(id, e.message); }
  bool table_row(int32_t table, int& row);
  bool calendar(int32_t index, NodeId id, Value& out);
  bool operate(const ir::Node& n, NodeId id, Value& out);
  bool binary(Op op, const ir::Type& type, const Value& a, const Value& b, NodeId id, Value& out);
  bool compare(ir::CmpOp op, const Value& a, const Value& b, NodeId id, bool& out);
  bool calendar_add(const ir::Node& n, NodeId id, Value& out);
  int64_t pattern_key(const Value& v) const;
  void step(Step s);
  void merge(const std::vector<Step>& steps);

  const ir::Program& p_;
  const std::vector<Value>& inputs_;
  bool explain_;
  rt::CalendarCache& calendars_;
  std::vector<Value> value_memo_;
  std::vector<uint8_t> value_state_;  // 0 fresh, 1 computing, 2 done
  std::vector<std::vector<Step>> value_traces_;
  std::vector<int> table_rows_;       // -2 unknown, else the matching row
  std::vector<std::vector<Step>> table_traces_;
  std::vector<Value> locals_;
  std::vector<std::shared_ptr<const rt::Calendar>> calendar_memo_;
  std::vector<Step>* trace_ = nullptr;
  int32_t current_value_ = -1;
  int depth_ = 0;
  EvalError error_;
};

bool Evaluation::fail(NodeId id, std::string message) {
  if (!error_.message.empty()) return false;  // keep the innermost error
  error_.message = std::move(message);
  error_.loc = id >= 0 && static_cast<size_t>(id) < p_.node_locs.size() ? p_.node_locs[id] : -1;
  // Name the input involved (the rule every engine follows: ir/eval_rules.h), else the value
  // being computed.
  error_.path = id >= 0 ? ir::error_input_path(p_, id) : "";
  if (error_.path.empty() && current_value_ >= 0) error_.path = p_.values[current_value_].name;
  return false;
}



void Evaluation::step(Step s) {
  if (!trace_) return;
  for (const Step& x : *trace_) {
    if (x.kind != s.kind) continue;
    switch (s.kind) {
      case Step::Kind::Input:
      case Step::Kind::Uses:
        if (x.name == s.name) return;
        break;
      case Step::Kind::TableRow:
        if (x.name == s.name && x.row == s.row) return;
        break;
      case Step::Kind::Calendar:
      case Step::Kind::Branch:
      case Step::Kind::MatchArm:
      case Step::Kind::Exclusion:
        if (x.loc == s.loc && x.text == s.text && ir::equal(x.value, s.value)) return;
        break;
      case Step::Kind::Holiday: break;
    }
  }
  trace_->push_back(std::move(s));
}

void Evaluation::merge(const std::vector<Step>& steps) {
  for (const Step& s : steps) step(s);
}

bool Evaluation::value(int32_t index, Value& out) {
  // A decision used by another is explained on its own: the user sees only that it was
  // used. Intermediate `let` values have no explanation of their own, so their steps merge.
  bool merge_steps = p_.values[index].kind != ir::ValueKind::Decision;
  if (value_state_[index] == 2) {
    out = value_memo_[index];
    if (explain_ && trace_ && merge_steps) merge(value_traces_[index]);
    return true;
  }
  if (value_state_[index] == 1) return fail(p_.values[index].body, ir::msg::depends_on_itself(p_.values[index].name));
  value_state_[index] = 1;
  std::vector<Step>* saved_trace = trace_;
  int32_t saved_value = current_value_;
  if (explain_) trace_ = &value_traces_[index];
  current_value_ = index;
  const ir::ValueDef& def = p_.values[index];
  // A bool value is decided by the conditions its body tests last; explain them.
  bool ok = explain_ && def.type.kind == ir::TypeKind::Bool ? outcome(def.body, out) : eval(def.body, out);
  if (ok && def.type.kind == ir::TypeKind::Integer && def.type.has_range() && !out.is_none()) {
    int64_t v = out.as_int();
    if ((def.type.lo && v < *def.type.lo) || (def.type.hi && v > *def.type.hi)) {
      ok = fail(def.body, ir::msg::outside_its_type(def.name, v, ir::to_string(def.type, p_.schema)));
    }
  }
  trace_ = saved_trace;
  current_value_ = saved_value;
  if (!ok) return false;
  value_memo_[index] = out;
  value_state_[index] = 2;
  if (explain_ && trace_ && merge_steps) merge(value_traces_[index]);
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
  if (table_rows_[t] != -2) {
    row = table_rows_[t];
    if (explain_ && trace_) merge(table_traces_[t]);
    return true;
  }
  const ir::TableDef& def = p_.tables[t];
  std::vector<Step>* saved = trace_;
  if (explain_) trace_ = &table_traces_[t];
  std::vector<int64_t> keys;
  keys.reserve(def.given.size());
  for (NodeId g : def.given) {
    Value v;
    if (!eval(g, v)) {
      trace_ = saved;
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
    trace_ = saved;
    return fail(def.given.empty() ? ir::kNoNode : def.given[0], ir::msg::no_table_row(def.name));
  }
  if (explain_) {
    Step s;
    s.kind = Step::Kind::TableRow;
    s.name = def.name;
    s.row = row + 1;
    s.clause = def.clause;
    const ir::Loc* loc = p_.row_loc(t, row);
    s.loc = loc ? static_cast<int32_t>(loc - p_.locs.data()) : -1;
    const SourceFile* f = loc ? p_.file_of(*loc) : nullptr;
    if (f) s.text = std::string(f->slice(loc->span));
    step(std::move(s));
  }
  trace_ = saved;
  table_rows_[t] = row;
  if (explain_ && trace_) merge(table_traces_[t]);
  return true;
}

bool Evaluation::calendar(int32_t index, NodeId id, Value& out) {
  if (calendar_memo_.size() < p_.calendars.size()) calendar_memo_.resize(p_.calendars.size());
  if (calendar_memo_[index]) {
    out = Value(ir::CalendarValue{calendar_memo_[index]});
    return true;
  }
  const ir::CalendarDef& def = p_.calendars[index];
  Value zone, holidays;
  if (!eval(def.zone, zone)) return false;
  std::shared_ptr<const rt::HolidaySet> set;
  if (def.holidays >= 0) {
    if (!eval(def.holidays, holidays)) return false;
    set = holidays.as_holidays();
  }
  auto cal = calendars_.get(def.name, def.hours, zone.as_zone(), set, def.business_day);
  if (!cal) return fail(id, cal.error());
  calendar_memo_[index] = *cal;
  out = Value(ir::CalendarValue{*cal});
  return true;
}

bool Evaluation::eval(NodeId id, Value& out) {
  if (id < 0) {
    out = Value::none();
    return true;
  }
  if (++depth_ > kMaxDepth) {
    --depth_;
    return fail(id, ir::msg::kNestsTooDeeply);
  }
  struct DepthGuard {
    int& d;
    ~DepthGuard() { --d; }
  } guard{depth_};
  const ir::Node& n = p_.nodes[id];
  switch (n.op) {
    case Op::Const: out = p_.consts[n.aux]; return true;
    case Op::Input: out = inputs_[n.aux]; return true;
    case Op::Local: out = locals_[n.aux]; return true;
    case Op::ValueRef: {
      if (!value(n.aux, out)) return false;
      if (explain_ && trace_ && p_.values[n.aux].kind != ir::ValueKind::Const) {
        Step s;
        s.kind = Step::Kind::Uses;
        s.name = p_.values[n.aux].name;
        s.value = out;
        s.type = p_.values[n.aux].type;
        s.clause = p_.values[n.aux].clause;
        step(std::move(s));
      }
      return true;
    }
    case Op::TableGet: {
      int row = -1;
      if (!table_row(n.aux, row)) return false;
      return eval(p_.tables[n.aux].rows[row].outputs[n.aux2], out);
    }
    case Op::CalendarRef: return calendar(n.aux, id, out);
    case Op::Field: {
      Value rec;
      if (!eval(n.a, rec)) return false;
      if (rec.is_none()) return fail(id, ir::msg::kAbsentRecordField);
      out = rec.as_record()[n.aux];
      if (explain_ && trace_ && n.type.kind != ir::TypeKind::Record) {
        std::string path = ir::input_path(p_, id);
        if (!path.empty()) {
          Step s;
          s.kind = Step::Kind::Input;
          s.name = path;
          s.value = out;
          s.type = n.type;
          step(std::move(s));
        }
      }
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
      if (!(explain_ && trace_ ? condition(n.a, c, true) : eval(n.a, c))) return false;
      return eval(c.as_bool() ? n.b : n.c, out);
    }
    case Op::Switch: {
      NodeId chosen = ir::kNoNode;
      return arm(n, id, chosen) && eval(chosen, out);
    }
    case Op::Cmp: {
      Value a, b;
      if (!eval(n.a, a) || !eval(n.b, b)) return false;
      bool r = false;
      if (!compare(static_cast<ir::CmpOp>(n.aux), a, b, id, r)) return false;
      out = Value(r);
      return true;
    }
    case Op::In: {
      Value x, list;
      if (!eval(n.a, x) || !eval(n.b, list)) return false;
      bool found = false;
      for (const Value& item : list.as_list()) {
        if (item.kind() == Value::Kind::Money && x.kind() == Value::Kind::Money &&
            item.as_money().currency != x.as_money().currency) {
          return fail(id, rt::in_list_currency_mismatch(x.as_money(), item.as_money()));
        }
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
      bool exclusions = current_value_ >= 0 && p_.values[current_value_].is_exclusions && p_.values[current_value_].body == id;
      for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
        Value cond;
        if (!eval(n.args[i + 1], cond)) return false;
        if (!cond.as_bool()) continue;
        Value v;
        if (!eval(n.args[i], v)) return false;
        if (explain_ && trace_ && exclusions) {
          Step s;
          s.kind = Step::Kind::Exclusion;
          s.text = v.as_text();
          s.clause = v.as_text();
          s.loc = p_.node_locs[n.args[i + 1]];
          s.name = std::string(p_.node_text(n.args[i + 1]));
          step(std::move(s));
        }
        items.push_back(std::move(v));
      }
      out = Value::list(std::move(items));
      return true;
    }
    case Op::AggAny: case Op::AggAll: case Op::AggCount: case Op::AggSum: case Op::AggMin: case Op::AggMax: {
      Value list;
      if (!eval(n.a, list)) return false;
      int64_t count = 0;
      Value acc;
      bool have = false;
      Op add = n.type.kind == ir::TypeKind::Integer ? Op::IntAdd : n.type.kind == ir::TypeKind::Duration ? Op::DurAdd : Op::DecAdd;
      for (const Value& item : list.as_list()) {
        locals_[n.aux] = item;
        Value v;
        if (!eval(n.b, v)) return false;
        if (n.op == Op::AggAny && v.as_bool()) { out = Value(true); return true; }
        if (n.op == Op::AggAll && !v.as_bool()) { out = Value(false); return true; }
        if (n.op == Op::AggCount) { count += v.as_bool() ? 1 : 0; continue; }
        if (n.op == Op::AggAny || n.op == Op::AggAll) continue;
        if (!have) { acc = std::move(v); have = true; continue; }
        if (n.op == Op::AggSum) {
          Value next;
          if (!binary(add, n.type, acc, v, id, next)) return false;
          acc = std::move(next);
        } else {
          bool better = false;
          if (!compare(n.op == Op::AggMin ? ir::CmpOp::Lt : ir::CmpOp::Gt, v, acc, id, better)) return false;
          if (better) acc = std::move(v);
        }
      }
      switch (n.op) {
        case Op::AggAny: out = Value(false); break;
        case Op::AggAll: out = Value(true); break;
        case Op::AggCount: out = Value(count); break;
        case Op::AggSum:
          if (have) out = acc;
          else if (n.type.kind == ir::TypeKind::Integer) out = Value(int64_t{0});
          else if (n.type.kind == ir::TypeKind::Duration) out = Value(ir::DurationValue{0});
          else out = Value(rt::Decimal());
          break;
        default: out = have ? acc : Value::none(); break;
      }
      return true;
    }
    case Op::ListCount: {
      Value list;
      if (!eval(n.a, list)) return false;
      out = Value(static_cast<int64_t>(list.as_list().size()));
      return true;
    }
    case Op::ListIsEmpty: {
      Value list;
      if (!eval(n.a, list)) return false;
      out = Value(list.as_list().empty());
      return true;
    }
    case Op::ListFirst: {
      Value list;
      if (!eval(n.a, list)) return false;
      out = list.as_list().empty() ? Value::none() : list.as_list().front();
      return true;
    }
    case Op::CalAdd: return calendar_add(n, id, out);
    default: return operate(n, id, out);
  }
}

// ---- conditions in explanations ----

// A tested condition as a Branch step: its source text and value. Literals say nothing.
void Evaluation::condition_step(NodeId id, const Value& v) {
  if (!trace_ || v.kind() != Value::Kind::Bool || p_.nodes[id].op == Op::Const) return;
  std::string_view text = p_.node_text(id);
  if (text.empty()) return;
  Step s;
  s.kind = Step::Kind::Branch;
  s.text = std::string(text);
  s.taken = v.as_bool();
  s.loc = static_cast<size_t>(id) < p_.node_locs.size() ? p_.node_locs[id] : -1;
  step(std::move(s));
}

// Evaluates a condition while explaining (the same values, errors and nesting depth as eval).
// `and`, `or` and a `not` over them are taken apart: each operand evaluated is a step of its
// own, so the comparison that decided is named, not only the compound around it; operands
// skipped by short-circuit are not. `whole` adds the compound itself (an `if` condition); a
// `not` over a compound is always added, since its operands read the other way round.
bool Evaluation::condition(NodeId id, Value& out, bool whole) {
  const ir::Node& n = p_.nodes[id];
  bool compound = n.op == Op::And || n.op == Op::Or ||
                  (n.op == Op::Not && (p_.nodes[n.a].op == Op::And || p_.nodes[n.a].op == Op::Or));
  if (!compound) {
    if (!eval(id, out)) return false;
    condition_step(id, out);
    return true;
  }
  if (++depth_ > kMaxDepth) {  // as eval counts the compound node
    --depth_;
    return fail(id, ir::msg::kNestsTooDeeply);
  }
  struct DepthGuard {
    int& d;
    ~DepthGuard() { --d; }
  } guard{depth_};
  if (n.op == Op::Not) {
    if (!condition(n.a, out, false)) return false;
    out = Value(!out.as_bool());
    whole = true;
  } else {
    if (!condition(n.a, out, false)) return false;
    bool decided = n.op == Op::And ? !out.as_bool() : out.as_bool();
    if (!decided && !condition(n.b, out, false)) return false;
  }
  if (whole) condition_step(id, out);
  return true;
}

// Evaluates the body of a bool value while explaining: through `if` and `match` to the
// expression that gives the value, which is explained as a condition (a comparison in a
// branch decides the value as much as the `if` before it).
bool Evaluation::outcome(NodeId id, Value& out) {
  if (!trace_ || id < 0) return eval(id, out);
  const ir::Node& n = p_.nodes[id];
  if (n.op != Op::If && n.op != Op::Switch) return condition(id, out, false);
  if (++depth_ > kMaxDepth) {
    --depth_;
    return fail(id, ir::msg::kNestsTooDeeply);
  }
  struct DepthGuard {
    int& d;
    ~DepthGuard() { --d; }
  } guard{depth_};
  if (n.op == Op::If) {
    Value c;
    if (!condition(n.a, c, true)) return false;
    return outcome(c.as_bool() ? n.b : n.c, out);
  }
  NodeId chosen = ir::kNoNode;
  return arm(n, id, chosen) && outcome(chosen, out);
}

// The arm of a `match` that applies to its subject's value, explained as a MatchArm step.
bool Evaluation::arm(const ir::Node& n, NodeId id, NodeId& chosen) {
  Value v;
  if (!eval(n.a, v)) return false;
  int64_t key = pattern_key(v);
  for (size_t i = 0; i < n.pats.size(); ++i) {
    if (!n.pats[i].matches(key)) continue;
    if (explain_ && trace_) {
      Step s;
      s.kind = Step::Kind::MatchArm;
      s.text = std::string(p_.node_text(n.a));
      s.value = v;
      s.type = p_.nodes[n.a].type;
      s.loc = p_.node_locs[n.args[i]];
      step(std::move(s));
    }
    chosen = n.args[i];
    return true;
  }
  return fail(id, ir::msg::kNoMatchArm);
}

// ---- arithmetic on values ----

template <class T>
bool take(rt::Expected<T> r, T& out, std::string& err) {
  if (!r) {
    err = r.error().message;
    return false;
  }
  out = std::move(r.value());
  return true;
}

bool checked_add(int64_t a, int64_t b, int64_t& out) { return !__builtin_add_overflow(a, b, &out); }
bool checked_sub(int64_t a, int64_t b, int64_t& out) { return !__builtin_sub_overflow(a, b, &out); }
bool checked_mul(int64_t a, int64_t b, int64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

bool Evaluation::binary(Op op, const ir::Type& type, const Value& a, const Value& b, NodeId id, Value& out) {
  std::string err;
  int64_t i = 0;
  rt::Decimal d;
  rt::Money m;
  switch (op) {
    case Op::IntAdd:
      if (!checked_add(a.as_int(), b.as_int(), i)) return fail(id, ir::msg::kIntegerAdditionOverflows);
      out = Value(i);
      return true;
    case Op::IntSub:
      if (!checked_sub(a.as_int(), b.as_int(), i)) return fail(id, ir::msg::kIntegerSubtractionOverflows);
      out = Value(i);
      return true;
    case Op::IntMul:
      if (!checked_mul(a.as_int(), b.as_int(), i)) return fail(id, ir::msg::kIntegerMultiplicationOverflows);
      out = Value(i);
      return true;
    case Op::DecAdd: if (!take(rt::add(a.as_decimal(), b.as_decimal()), d, err)) return fail(id, err); out = Value(d); return true;
    case Op::DecSub: if (!take(rt::sub(a.as_decimal(), b.as_decimal()), d, err)) return fail(id, err); out = Value(d); return true;
    case Op::DecMul: if (!take(rt::mul(a.as_decimal(), b.as_decimal()), d, err)) return fail(id, err); out = Value(d); return true;
    case Op::DecDiv: if (!take(rt::div(a.as_decimal(), b.as_decimal()), d, err)) return fail(id, err); out = Value(d); return true;
    case Op::MoneyAdd: if (!take(rt::add(a.as_money(), b.as_money()), m, err)) return fail(id, err); out = Value(m); return true;
    case Op::MoneySub: if (!take(rt::sub(a.as_money(), b.as_money()), m, err)) return fail(id, err); out = Value(m); return true;
    case Op::MoneyMul: if (!take(rt::mul(a.as_money(), b.as_decimal()), m, err)) return fail(id, err); out = Value(m); return true;
    case Op::MoneyDiv: if (!take(rt::div(a.as_money(), b.as_decimal()), m, err)) return fail(id, err); out = Value(m); return true;
    case Op::MoneyRatio: if (!take(rt::div(a.as_money(), b.as_money()), d, err)) return fail(id, err); out = Value(d); return true;
    case Op::DurAdd:
      if (!checked_add(a.as_duration(), b.as_duration(), i)) return fail(id, ir::msg::kDurationOverflows);
      out = Value(ir::DurationValue{i});
      return true;
    case Op::DurSub:
      if (!checked_sub(a.as_duration(), b.as_duration(), i)) return fail(id, ir::msg::kDurationOverflows);
      out = Value(ir::DurationValue{i});
      return true;
    case Op::DurMul:
      if (!checked_mul(a.as_duration(), b.as_int(), i)) return fail(id, ir::msg::kDurationOverflows);
      out = Value(ir::DurationValue{i});
      return true;
    case Op::BDurAdd: {
      ir::BusinessDurationValue r;
      if (!checked_add(a.as_business_duration().days, b.as_business_duration().days, r.days) ||
          !checked_add(a.as_business_duration().seconds, b.as_business_duration().seconds, r.seconds))
        return fail(id, ir::msg::kBusinessDurationOverflows);
      out = Value(r);
      return true;
    }
    case Op::BDurMul: {
      ir::BusinessDurationValue r;
      if (!checked_mul(a.as_business_duration().days, b.as_int(), r.days) ||
          !checked_mul(a.as_business_duration().seconds, b.as_int(), r.seconds))
        return fail(id, ir::msg::kBusinessDurationOverflows);
      out = Value(r);
      return true;
    }
    case Op::PeriodMul:
      if (!checked_mul(a.as_period(), b.as_int(), i)) return fail(id, ir::msg::kPeriodOverflows);
      out = Value(ir::PeriodValue{i});
      return true;
    case Op::DateTimeAdd: {
      rt::Instant t;
      if (!take(rt::add_seconds(a.as_datetime(), b.as_duration()), t, err)) return fail(id, err);
      out = Value(ir::DateTimeValue{t});
      return true;
    }
    case Op::DateTimeSub: {
      rt::Instant t;
      if (b.as_duration() == INT64_MIN) return fail(id, ir::msg::kDatetimeOverflows);
      if (!take(rt::add_seconds(a.as_datetime(), -b.as_duration()), t, err)) return fail(id, err);
      out = Value(ir::DateTimeValue{t});
      return true;
    }
    case Op::DateTimeDiff:
      if (!checked_sub(a.as_datetime(), b.as_datetime(), i)) return fail(id, ir::msg::kDurationOverflows);
      out = Value(ir::DurationValue{i});
      return true;
    case Op::DateAddPeriod:
    case Op::DateSubPeriod: {
      int64_t months = b.as_period();
      if (op == Op::DateSubPeriod) {
        if (months == INT64_MIN) return fail(id, ir::msg::kPeriodOverflows);
        months = -months;
      }
      rt::Date r;
      if (!take(rt::add_months(a.as_date(), months), r, err)) return fail(id, err);
      out = Value(ir::DateValue{r});
      return true;
    }
    case Op::DateAddDur:
    case Op::DateSubDur: {
      int64_t secs = b.as_duration();
      if (secs % 86400 != 0) return fail(id, ir::msg::kWholeDaysOnly);
      int64_t days = secs / 86400;
      if (op == Op::DateSubDur) days = -days;
      rt::Date r;
      if (!take(rt::add_days(a.as_date(), days), r, err)) return fail(id, err);
      out = Value(ir::DateValue{r});
      return true;
    }
    case Op::DateDiff:
      out = Value(ir::DurationValue{(static_cast<int64_t>(a.as_date()) - b.as_date()) * 86400});
      return true;
    case Op::HolidaysUnion:
      out = Value(ir::HolidaysValue{rt::HolidaySet::unite({a.as_holidays(), b.as_holidays()}, {}, {})});
      return true;
    case Op::HolidaysAdd:
    case Op::HolidaysRemove: {
      std::vector<rt::Date> dates;
      for (const Value& x : b.as_list()) dates.push_back(x.as_date());
      out = Value(ir::HolidaysValue{op == Op::HolidaysAdd ? rt::HolidaySet::unite({a.as_holidays()}, dates, {})
                                                          : rt::HolidaySet::unite({a.as_holidays()}, {}, dates)});
      return true;
    }
    default: break;
  }
  (void)type;
  return fail(id, "internal error: unknown binary operation");
}

bool Evaluation::compare(ir::CmpOp op, const Value& a, const Value& b, NodeId id, bool& out) {
  int c = 0;
  switch (a.kind()) {
    case Value::Kind::Int: c = a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int(); break;
    case Value::Kind::Decimal: c = rt::compare(a.as_decimal(), b.as_decimal()); break;
    case Value::Kind::Money: {
      auto r = rt::compare(a.as_money(), b.as_money());
      if (!r) return fail(id, r.error());
      c = *r;
      break;
    }
    case Value::Kind::Date: c = a.as_date() < b.as_date() ? -1 : a.as_date() > b.as_date(); break;
    case Value::Kind::DateTime: c = a.as_datetime() < b.as_datetime() ? -1 : a.as_datetime() > b.as_datetime(); break;
    case Value::Kind::Duration: c = a.as_duration() < b.as_duration() ? -1 : a.as_duration() > b.as_duration(); break;
    default: c = ir::equal(a, b) ? 0 : 1; break;
  }
  switch (op) {
    case ir::CmpOp::Eq: out = c == 0; break;
    case ir::CmpOp::Ne: out = c != 0; break;
    case ir::CmpOp::Lt: out = c < 0; break;
    case ir::CmpOp::Le: out = c <= 0; break;
    case ir::CmpOp::Gt: out = c > 0; break;
    case ir::CmpOp::Ge: out = c >= 0; break;
  }
  return true;
}


bool Evaluation::calendar_add(const ir::Node& n, NodeId id, Value& out) {
  Value start, amount, cal;
  if (!eval(n.a, start) || !eval(n.b, amount) || !eval(n.c, cal)) return false;
  const auto& calendar = cal.as_calendar();
  const ir::BusinessDurationValue& bd = amount.as_business_duration();
  auto r = calendar->add_business(start.as_datetime(), bd.days, bd.seconds);
  if (!r) return fail(id, r.error());
  out = Value(ir::DateTimeValue{*r});
  if (explain_ && trace_) {
    Step s;
    s.kind = Step::Kind::Calendar;
    s.calendar = std::string(calendar->name());
    s.zone = calendar->is_always() || !calendar->zone() ? "" : std::string(calendar->zone()->name());
    s.start = start;
    s.value = out;
    s.type = ir::Type::of(ir::TypeKind::DateTime);
    s.amount = ir::business_amount(bd);
    s.text = std::string(p_.node_text(id));
    s.loc = p_.node_locs[id];
    if (!calendar->is_always() && calendar->holidays()) {
      auto hs = calendar->holidays_between(start.as_datetime(), *r);
      if (hs) {
        for (rt::Date d : *hs) s.holidays.push_back({d, calendar->holidays()->holiday_name(d)});
      }
    }
    step(std::move(s));
  }
  return true;
}


bool Evaluation::operate(const ir::Node& n, NodeId id, Value& out) {
  std::string err;
  Value a, b, c;
  if (n.a >= 0 && !eval(n.a, a)) return false;
  switch (n.op) {
    case Op::IntNeg:
      if (a.as_int() == INT64_MIN) return fail(id, ir::msg::kNegationOverflows);
      out = Value(-a.as_int());
      return true;
    case Op::IntToDec: out = Value(rt::Decimal::from_int(a.as_int())); return true;
    case Op::DecNeg: out = Value(rt::negate(a.as_decimal())); return true;
    case Op::MoneyNeg: out = Value(rt::negate(a.as_money())); return true;
    case Op::DurNeg:
      if (a.as_duration() == INT64_MIN) return fail(id, ir::msg::kNegationOverflows);
      out = Value(ir::DurationValue{-a.as_duration()});
      return true;
    case Op::DurToBDur: out = Value(ir::BusinessDurationValue{0, a.as_duration()}); return true;
    case Op::MinOf:
    case Op::MaxOf: {
      Value best;
      for (size_t i = 0; i < n.args.size(); ++i) {
        Value v;
        if (!eval(n.args[i], v)) return false;
        if (i == 0) { best = std::move(v); continue; }
        bool better = false;
        if (!compare(n.op == Op::MinOf ? ir::CmpOp::Lt : ir::CmpOp::Gt, v, best, id, better)) return false;
        if (better) best = std::move(v);
      }
      out = std::move(best);
      return true;
    }
    case Op::Abs:
      switch (a.kind()) {
        case Value::Kind::Int:
          if (a.as_int() == INT64_MIN) return fail(id, ir::msg::kAbsoluteValueOverflows);
          out = Value(a.as_int() < 0 ? -a.as_int() : a.as_int());
          return true;
        case Value::Kind::Decimal: out = Value(rt::abs(a.as_decimal())); return true;
        case Value::Kind::Money: {
          rt::Money m = a.as_money();
          m.amount = rt::abs(m.amount);
          out = Value(m);
          return true;
        }
        case Value::Kind::Duration:
          if (a.as_duration() == INT64_MIN) return fail(id, ir::msg::kAbsoluteValueOverflows);
          out = Value(ir::DurationValue{a.as_duration() < 0 ? -a.as_duration() : a.as_duration()});
          return true;
        default: return fail(id, "internal error: abs");
      }
    case Op::Ceil:
    case Op::Floor: {
      int64_t v = 0;
      if (!take(n.op == Op::Ceil ? rt::ceil_to_int(a.as_decimal()) : rt::floor_to_int(a.as_decimal()), v, err))
        return fail(id, err);
      out = Value(v);
      return true;
    }
    case Op::Round: {
      auto mode = static_cast<rt::RoundingMode>(n.aux2);
      if (a.kind() == Value::Kind::Money) {
        rt::Money m;
        if (!take(n.aux < 0 ? rt::round_to_minor_unit(a.as_money(), mode) : rt::round(a.as_money(), n.aux, mode), m, err))
          return fail(id, err);
        out = Value(m);
        return true;
      }
      if (n.type.kind == ir::TypeKind::Integer) {
        int64_t v = 0;
        if (!take(rt::round_to_int(a.as_decimal(), mode), v, err)) return fail(id, err);
        out = Value(v);
        return true;
      }
      rt::Decimal d;
      if (!take(rt::round(a.as_decimal(), n.aux < 0 ? 0 : n.aux, mode), d, err)) return fail(id, err);
      out = Value(d);
      return true;
    }
    case Op::Blank:
      out = Value(a.is_none() || rt::is_blank(a.as_text()));
      return true;
    case Op::DateOf: {
      if (!eval(n.b, b)) return false;
      rt::Date d = 0;
      if (!take(rt::local_date_of(a.as_datetime(), *b.as_zone()), d, err)) return fail(id, err);
      out = Value(ir::DateValue{d});
      return true;
    }
    case Op::WorkingTime: {
      if (!eval(n.b, b) || !eval(n.c, c)) return false;
      rt::Duration d = 0;
      if (!take(c.as_calendar()->working_between(a.as_datetime(), b.as_datetime()), d, err)) return fail(id, err);
      out = Value(ir::DurationValue{d});
      return true;
    }
    case Op::IsOpen: {
      if (!eval(n.c, c)) return false;
      bool open = false;
      if (!take(c.as_calendar()->is_open(a.as_datetime()), open, err)) return fail(id, err);
      out = Value(open);
      return true;
    }
    case Op::NextOpening: {
      if (!eval(n.c, c)) return false;
      rt::Instant t = 0;
      if (!take(c.as_calendar()->next_opening(a.as_datetime()), t, err)) return fail(id, err);
      out = Value(ir::DateTimeValue{t});
      return true;
    }
    case Op::ToText:
      out = Value(ir::plain_text(a, p_.nodes[n.a].type, p_.schema));
      return true;
    default: break;
  }
  if (n.b >= 0 && !eval(n.b, b)) return false;
  return binary(n.op, n.type, a, b, id, out);
}

}  // namespace

EvalResult Interpreter::evaluate(const std::vector<Value>& inputs, const EvalOptions& options) const {
  EvalResult result;
  if (inputs.size() != program_.inputs.size()) {
    result.ok = false;
    result.error.message = fmt::format("expected {} inputs, got {}", program_.inputs.size(), inputs.size());
    return result;
  }
  Evaluation ev(program_, inputs, options.explain, *calendars_);
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
      result.ok = false;
      result.error = ev.error();
      if (result.error.path.empty()) result.error.path = program_.values[index].name;
      result.decisions.clear();
      result.explanations.clear();
      return result;
    }
    result.decisions.push_back({index, std::move(v)});
    if (options.explain) result.explanations.push_back({index, ev.trace_of(index)});
  }
  return result;
}

bool Interpreter::evaluate_constant(NodeId node, Value* out, EvalError* error) const {
  static const std::vector<Value> no_inputs;
  std::vector<Value> inputs(program_.inputs.size());
  Evaluation ev(program_, inputs, false, *calendars_);
  if (ev.eval(node, *out)) return true;
  if (error) *error = ev.error();
  return false;
}

}  // namespace proviso::interp

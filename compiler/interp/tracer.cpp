// Recording explanation facts.
#include "compiler/interp/tracer.h"

#include <algorithm>
#include <climits>

#include "compiler/ir/eval_rules.h"
#include "compiler/ir/ops.h"

namespace proviso::interp::detail {

using ir::Step;

std::vector<Step>* Tracer::begin_value(int32_t index) {
  std::vector<Step>* saved = current_;
  current_ = &values_[static_cast<size_t>(index)];
  return saved;
}

std::vector<Step>* Tracer::begin_table(int32_t index) {
  std::vector<Step>* saved = current_;
  current_ = &tables_[static_cast<size_t>(index)];
  return saved;
}

void Tracer::merge_value(int32_t index) {
  for (const Step& s : values_[static_cast<size_t>(index)]) step(s);
}

void Tracer::merge_table(int32_t index) {
  for (const Step& s : tables_[static_cast<size_t>(index)]) step(s);
}

// Repeated facts are kept once.
void Tracer::step(Step s) {
  if (!current_) return;
  for (const Step& x : *current_) {
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
      case Step::Kind::Holiday:
      case Step::Kind::Aggregate: break;
    }
  }
  current_->push_back(std::move(s));
}

void Tracer::uses(int32_t value, const ir::Value& v) {
  const ir::ValueDef& def = program_.values[static_cast<size_t>(value)];
  if (!current_ || def.kind == ir::ValueKind::Const) return;
  Step s;
  s.kind = Step::Kind::Uses;
  s.name = def.name;
  s.value = v;
  s.type = def.type;
  s.clause = def.clause;
  step(std::move(s));
}

void Tracer::input(ir::NodeId field, const ir::Value& v, const ir::Type& type) {
  if (!current_ || type.kind == ir::TypeKind::Record) return;
  std::string path = ir::input_path(program_, field);
  if (path.empty()) return;
  Step s;
  s.kind = Step::Kind::Input;
  s.name = std::move(path);
  s.value = v;
  s.type = type;
  step(std::move(s));
}

// A tested condition as a Branch step: its source text and value. Literals say nothing.
void Tracer::condition(ir::NodeId id, const ir::Value& v) {
  if (!current_ || quiet_ > 0 || v.kind() != ir::Value::Kind::Bool ||
      program_.nodes[static_cast<size_t>(id)].op == ir::Op::Const)
    return;
  std::string_view text = program_.node_text(id);
  if (text.empty()) return;
  Step s;
  s.kind = Step::Kind::Branch;
  s.text = std::string(text);
  s.taken = v.as_bool();
  s.loc = static_cast<size_t>(id) < program_.node_locs.size() ? program_.node_locs[static_cast<size_t>(id)] : -1;
  step(std::move(s));
}

void Tracer::match_arm(const ir::Node& match, const ir::Value& subject, size_t arm) {
  if (!current_ || quiet_ > 0) return;
  Step s;
  s.kind = Step::Kind::MatchArm;
  s.text = std::string(program_.node_text(match.a));
  s.value = subject;
  s.type = program_.nodes[static_cast<size_t>(match.a)].type;
  s.loc = program_.node_locs[static_cast<size_t>(match.args[arm])];
  step(std::move(s));
}

void Tracer::table_row(int32_t table, int row) {
  const ir::TableDef& def = program_.tables[static_cast<size_t>(table)];
  Step s;
  s.kind = Step::Kind::TableRow;
  s.name = def.name;
  s.row = row + 1;
  s.clause = def.clause;
  const ir::Loc* loc = program_.row_loc(table, row);
  s.loc = loc ? static_cast<int32_t>(loc - program_.locs.data()) : -1;
  const SourceFile* f = loc ? program_.file_of(*loc) : nullptr;
  if (f) s.text = std::string(f->slice(loc->span));
  step(std::move(s));
}

void Tracer::aggregate(ir::NodeId id, const ir::Value& result, const ir::Type& body_type, int64_t size,
                       AggregateItems items) {
  if (!current_ || quiet_ > 0) return;  // a nested aggregation is part of its item's term
  const ir::Node& n = program_.nodes[static_cast<size_t>(id)];
  Step s;
  s.kind = Step::Kind::Aggregate;
  s.name = std::string(ir::op_info(n.op).name);
  s.text = std::string(program_.node_text(id));
  s.value = result;
  s.type = n.type;
  s.row = static_cast<int>(std::min<int64_t>(size, INT32_MAX));
  s.items = std::move(items.decided);
  s.item_type = body_type;
  s.decided = items.decided_count;
  s.excluded = std::move(items.excluded);
  s.excluded_count = items.excluded_count;
  s.excludes = !n.args.empty();
  s.loc = program_.node_locs[static_cast<size_t>(id)];
  current_->push_back(std::move(s));
}

void Tracer::exclusion(const ir::Value& entry, ir::NodeId condition) {
  Step s;
  s.kind = Step::Kind::Exclusion;
  s.text = entry.as_text();
  s.clause = entry.as_text();
  s.loc = program_.node_locs[static_cast<size_t>(condition)];
  s.name = std::string(program_.node_text(condition));
  step(std::move(s));
}

void Tracer::calendar_add(ir::NodeId id, const rt::Calendar& calendar, const std::string& schedule,
                          const ir::Value& start, const ir::Value& result, const ir::BusinessDurationValue& amount) {
  if (!current_) return;
  Step s;
  s.kind = Step::Kind::Calendar;
  s.calendar = std::string(calendar.name());
  s.schedule = schedule;
  s.zone = calendar.is_always() || !calendar.zone() ? "" : std::string(calendar.zone()->name());
  s.start = start;
  s.value = result;
  s.type = ir::Type::of(ir::TypeKind::DateTime);
  s.amount = ir::business_amount(amount);
  s.text = std::string(program_.node_text(id));
  s.loc = program_.node_locs[static_cast<size_t>(id)];
  days_and_pauses(s, calendar, start.as_datetime(), result.as_datetime());
  step(std::move(s));
}

void Tracer::calendar_query(ir::NodeId id, const rt::Calendar& calendar, const std::string& schedule,
                            const char* operation, const ir::Value& from, const ir::Value& to, const ir::Value& result,
                            const ir::BusinessDurationValue* amount) {
  if (!current_) return;
  Step s;
  s.kind = Step::Kind::Calendar;
  s.operation = operation;
  s.calendar = std::string(calendar.name());
  s.schedule = schedule;
  s.zone = calendar.is_always() || !calendar.zone() ? "" : std::string(calendar.zone()->name());
  s.start = from;
  s.end = to;
  s.value = result;
  s.type = result.kind() == ir::Value::Kind::Bool       ? ir::Type::of(ir::TypeKind::Bool)
           : result.kind() == ir::Value::Kind::Duration ? ir::Type::of(ir::TypeKind::Duration)
                                                        : ir::Type::of(ir::TypeKind::DateTime);
  if (amount) s.amount = ir::business_amount(*amount);
  s.text = std::string(program_.node_text(id));
  s.loc = program_.node_locs[static_cast<size_t>(id)];
  // The span the answer depends on: the holidays, partial days and pauses inside it.
  if (from.kind() == ir::Value::Kind::DateTime) {
    rt::Instant a = from.as_datetime();
    rt::Instant b = to.kind() == ir::Value::Kind::DateTime       ? to.as_datetime()
                    : result.kind() == ir::Value::Kind::DateTime ? result.as_datetime()
                                                                 : a;
    if (b >= a) days_and_pauses(s, calendar, a, b);
  }
  step(std::move(s));
}

void Tracer::days_and_pauses(Step& s, const rt::Calendar& calendar, rt::Instant a, rt::Instant b) {
  if (const rt::Calendar* base = calendar.unpaused()) {
    for (const rt::Pause& p : calendar.pauses_between(a, b)) {
      auto working = base->working_between(p.from, p.until);
      if (working && *working > 0) s.pauses.push_back({p.from, p.until, *working});
    }
  }
  if (!calendar.is_always() && calendar.holidays()) {
    auto holidays = calendar.holidays_between(a, b);
    if (holidays)
      for (rt::Date d : *holidays) s.holidays.push_back({d, calendar.holidays()->holiday_name(d)});
    auto partial = calendar.partial_days_between(a, b);
    if (partial)
      for (rt::PartialDay& p : *partial)
        s.partial_days.push_back({p.date, calendar.holidays()->holiday_name(p.date), std::move(p.open)});
  }
}

}  // namespace proviso::interp::detail

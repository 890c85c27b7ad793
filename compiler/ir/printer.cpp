// Printing a Program: declarations in program order, expressions as trees.
#include "compiler/ir/printer.h"

#include <fmt/format.h>

#include "compiler/ast/ast.h"
#include "compiler/ir/ops.h"

namespace proviso::ir {

namespace {

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string_view rounding_name(int mode) {
  switch (static_cast<rt::RoundingMode>(mode)) {
    case rt::RoundingMode::HalfAwayFromZero: return "half_away_from_zero";
    case rt::RoundingMode::HalfEven: return "half_even";
    case rt::RoundingMode::Up: return "up";
    case rt::RoundingMode::Down: return "down";
    case rt::RoundingMode::Ceiling: return "ceiling";
    case rt::RoundingMode::Floor: return "floor";
  }
  return "?";
}

class Printer {
 public:
  Printer(const Program& p, const PrintOptions& o) : program_(p), options_(o) {}

  std::string run() {
    header();
    schema();
    for (size_t i = 0; i < program_.inputs.size(); ++i) {
      const InputDef& in = program_.inputs[i];
      line(0, fmt::format("input {}{}: {}", in.name, in.optional ? "?" : "", type(in.type)));
    }
    if (!program_.inputs.empty()) blank();
    if (program_.home_zone != kNoNode) {
      line(0, "home zone");
      expr(program_.home_zone, 1, "");
      blank();
    }
    for (const ScheduleDef& s : program_.schedules) schedule(s);
    for (const CalendarDef& c : program_.calendars) calendar(c);
    for (const TableDef& t : program_.tables) table(t);
    for (size_t v = 0; v < program_.values.size(); ++v) value(v);
    if (options_.tests)
      for (const TestCase& t : program_.tests) test(t);
    while (out_.size() > 1 && out_[out_.size() - 1] == '\n' && out_[out_.size() - 2] == '\n') out_.pop_back();
    return out_;
  }

 private:
  void line(int indent, std::string_view text) {
    out_.append(static_cast<size_t>(indent) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }
  void blank() { out_ += '\n'; }
  std::string type(const Type& t) const { return to_string(t, program_.schema); }

  void header() {
    line(0, fmt::format("policy {} {}", program_.name, quoted(program_.title)));
    if (!program_.source.empty()) line(1, "source " + quoted(program_.source));
    if (!program_.version.empty()) line(1, "version " + quoted(program_.version));
    if (program_.effective) line(1, "effective " + rt::format_date(*program_.effective));
    blank();
  }

  void schema() {
    for (const EnumDef& e : program_.schema.enums)
      line(0, fmt::format("enum {} = {}", e.name, fmt::join(e.members, " | ")));
    for (const RecordDef& r : program_.schema.records) {
      std::vector<std::string> fields;
      for (const FieldDef& f : r.fields) fields.push_back(fmt::format("{}: {}", f.name, type(f.type)));
      line(0, fmt::format("record {} {{ {} }}", r.name, fmt::join(fields, ", ")));
    }
    if (!program_.schema.enums.empty() || !program_.schema.records.empty()) blank();
  }

  // One line per working day: `Monday 08:00-12:00, 13:00-17:00`.
  void hours(const rt::WeeklyHours& h) {
    static constexpr const char* kDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                            "Friday", "Saturday", "Sunday"};
    for (size_t d = 0; d < 7; ++d) {
      if (h.days[d].empty()) continue;
      std::vector<std::string> ranges;
      for (const rt::TimeRange& r : h.days[d])
        ranges.push_back(ast::clock_text(r.start) + "-" + ast::clock_text(r.end));
      line(1, fmt::format("{} {}", kDays[d], fmt::join(ranges, ", ")));
    }
  }

  void schedule(const ScheduleDef& s) {
    line(0, fmt::format("schedule {}{}", s.name, s.clause.empty() ? "" : "  clause " + quoted(s.clause)));
    hours(s.hours);
    blank();
  }

  void calendar(const CalendarDef& c) {
    line(0, fmt::format("calendar {}{}", c.name, c.clause.empty() ? "" : "  clause " + quoted(c.clause)));
    if (c.schedule != kNoNode) {
      line(1, "schedule");
      expr(c.schedule, 2, "");
    } else {
      hours(c.hours);
    }
    line(1, fmt::format("business day {} s", c.business_day));
    line(1, "zone");
    expr(c.zone, 2, "");
    if (c.holidays != kNoNode) {
      line(1, "holidays");
      expr(c.holidays, 2, "");
    }
    blank();
  }

  std::string pattern(const Pattern& pat, const Type& subject) const {
    auto member = [&](int64_t v) -> std::string {
      if (subject.kind == TypeKind::Enum && subject.id >= 0 &&
          static_cast<size_t>(subject.id) < program_.schema.enums.size()) {
        const auto& m = program_.schema.enums[static_cast<size_t>(subject.id)].members;
        if (v >= 0 && static_cast<size_t>(v) < m.size()) return m[static_cast<size_t>(v)];
      }
      if (subject.kind == TypeKind::Bool) return v ? "true" : "false";
      return std::to_string(v);
    };
    switch (pat.kind) {
      case Pattern::Kind::Any: return "-";
      case Pattern::Kind::OneOf:
      case Pattern::Kind::NoneOf: {
        std::vector<std::string> parts;
        for (int64_t v : pat.values) parts.push_back(member(v));
        return fmt::format("{}{}", pat.kind == Pattern::Kind::NoneOf ? "not " : "", fmt::join(parts, ", "));
      }
      case Pattern::Kind::Range:
        return fmt::format("{}..{}", pat.lo ? std::to_string(*pat.lo) : "", pat.hi ? std::to_string(*pat.hi) : "");
    }
    return "?";
  }

  void table(const TableDef& t) {
    line(0, fmt::format("table {}{}{}", t.name, t.clause.empty() ? "" : "  clause " + quoted(t.clause),
                        t.hit_first ? "  hit first" : "  hit unique"));
    for (size_t g = 0; g < t.given.size(); ++g) {
      line(1, fmt::format("given {}", g < t.given_names.size() ? t.given_names[g] : std::to_string(g + 1)));
      expr(t.given[g], 2, "");
    }
    std::vector<std::string> outs;
    for (const FieldDef& f : t.outputs) outs.push_back(fmt::format("{}: {}", f.name, type(f.type)));
    line(1, fmt::format("gives {}", fmt::join(outs, ", ")));
    for (size_t r = 0; r < t.rows.size(); ++r) {
      const TableRow& row = t.rows[r];
      std::vector<std::string> conds;
      for (size_t c = 0; c < row.conds.size(); ++c) {
        const Type* subject =
            c < t.given.size() && t.given[c] >= 0 && static_cast<size_t>(t.given[c]) < program_.nodes.size()
                ? &program_.nodes[static_cast<size_t>(t.given[c])].type
                : nullptr;
        conds.push_back(subject ? pattern(row.conds[c], *subject) : "?");
      }
      line(1, fmt::format("row {} | {} |", r + 1, fmt::join(conds, " | ")));
      for (size_t c = 0; c < row.outputs.size(); ++c)
        expr(row.outputs[c], 2, c < t.outputs.size() ? t.outputs[c].name + ": " : "");
    }
    blank();
  }

  void value(size_t v) {
    const ValueDef& def = program_.values[v];
    const char* kind = def.kind == ValueKind::Const ? "const" : def.kind == ValueKind::Let ? "let" : "decision";
    line(0, fmt::format("{}{} {}: {}{}", def.is_exclusions ? "exclusions " : "", kind, def.name, type(def.type),
                        def.clause.empty() ? "" : "  clause " + quoted(def.clause)));
    expr(def.body, 1, "");
    blank();
  }

  void test(const TestCase& t) {
    line(0, "test " + quoted(t.name));
    for (size_t i = 0; i < t.inputs.size(); ++i) {
      std::string name = i < program_.inputs.size() ? program_.inputs[i].name : std::to_string(i);
      if (t.inputs[i] == kNoNode) {
        line(1, "given " + name + " = none");
      } else {
        line(1, "given " + name);
        expr(t.inputs[i], 2, "");
      }
    }
    for (const TestExpect& e : t.expects) {
      std::string name = e.value >= 0 && static_cast<size_t>(e.value) < program_.values.size()
                             ? program_.values[static_cast<size_t>(e.value)].name
                             : "?";
      if (!e.error.empty()) {
        line(1, fmt::format("expect {} error {}", name, quoted(e.error)));
      } else {
        line(1, "expect " + name);
        expr(e.expected, 2, "");
      }
    }
    blank();
  }

  std::string constant(const Value& v, const Type& t) const {
    switch (v.kind()) {
      case Value::Kind::None: return "none";
      case Value::Kind::Bool: return v.as_bool() ? "true" : "false";
      case Value::Kind::Int:
        if (t.kind == TypeKind::Schedule) return "schedule " + schedule_name(v.as_int(), program_.schema);
        return std::to_string(v.as_int());
      case Value::Kind::Decimal: return v.as_decimal().to_string() + (t.kind == TypeKind::Percent ? " (fraction)" : "");
      case Value::Kind::Money: return rt::format_money_exact(v.as_money());
      case Value::Kind::Date: return rt::format_date(v.as_date());
      case Value::Kind::DateTime: return rt::format_datetime_utc(v.as_datetime());
      case Value::Kind::Duration: return fmt::format("{} s", v.as_duration());
      case Value::Kind::BusinessDuration:
        return fmt::format("{} business days {} s", v.as_business_duration().days, v.as_business_duration().seconds);
      case Value::Kind::Period: return fmt::format("{} months", v.as_period());
      case Value::Kind::Text: return quoted(v.as_text());
      case Value::Kind::Enum:
        if (t.kind == TypeKind::Enum && t.id >= 0 && static_cast<size_t>(t.id) < program_.schema.enums.size()) {
          const auto& m = program_.schema.enums[static_cast<size_t>(t.id)].members;
          if (v.as_enum() >= 0 && static_cast<size_t>(v.as_enum()) < m.size())
            return m[static_cast<size_t>(v.as_enum())];
        }
        return fmt::format("#{}", v.as_enum());
      case Value::Kind::Zone: return v.as_zone() ? "zone " + quoted(v.as_zone()->name()) : "zone ?";
      case Value::Kind::Calendar:
        return v.as_calendar() ? "calendar " + std::string(v.as_calendar()->name()) : "calendar ?";
      case Value::Kind::Holidays:
        return v.as_holidays() ? "holidays " + std::string(v.as_holidays()->name()) : "holidays ?";
      case Value::Kind::List: {
        std::vector<std::string> items;
        const Type& et = t.kind == TypeKind::List && t.elem ? *t.elem : Type::error();
        for (const Value& x : v.as_list()) items.push_back(constant(x, et));
        return fmt::format("[{}]", fmt::join(items, ", "));
      }
      case Value::Kind::Record: {
        std::vector<std::string> fields;
        const RecordDef* rd =
            t.kind == TypeKind::Record && t.id >= 0 && static_cast<size_t>(t.id) < program_.schema.records.size()
                ? &program_.schema.records[static_cast<size_t>(t.id)]
                : nullptr;
        for (size_t i = 0; i < v.as_record().size(); ++i)
          fields.push_back(fmt::format(
              "{}: {}", rd && i < rd->fields.size() ? rd->fields[i].name : std::to_string(i),
              constant(v.as_record()[i], rd && i < rd->fields.size() ? rd->fields[i].type : Type::error())));
        return fmt::format("{{ {} }}", fmt::join(fields, ", "));
      }
    }
    return "?";
  }

  // What a node shows on its own line after its op name.
  // calendar_pausing: which fields of the pauses' records (list b) are `from` and `until`.
  std::string pause_fields(const Node& n) const {
    auto name = [&](size_t i) -> std::string {
      if (i >= n.ints.size()) return "?";
      const int32_t f = n.ints[i];
      if (n.b < 0 || static_cast<size_t>(n.b) >= program_.nodes.size()) return std::to_string(f);
      const Type& list = program_.nodes[static_cast<size_t>(n.b)].type;
      if (list.kind != TypeKind::List || !list.elem || list.elem->kind != TypeKind::Record || list.elem->id < 0 ||
          static_cast<size_t>(list.elem->id) >= program_.schema.records.size())
        return std::to_string(f);
      const auto& fields = program_.schema.records[static_cast<size_t>(list.elem->id)].fields;
      return f >= 0 && static_cast<size_t>(f) < fields.size() ? fields[static_cast<size_t>(f)].name : std::to_string(f);
    };
    return fmt::format("from: field {}, until: field {}", name(0), name(1));
  }

  std::string attributes(const Node& n) const {
    auto index = static_cast<size_t>(n.aux);
    switch (op_info(n.op).aux) {
      case Aux::ConstIndex: return index < program_.consts.size() ? constant(program_.consts[index], n.type) : "?";
      case Aux::InputIndex: return index < program_.inputs.size() ? program_.inputs[index].name : "?";
      case Aux::LocalSlot: return fmt::format("${}", n.aux);
      case Aux::ValueIndex: return index < program_.values.size() ? program_.values[index].name : "?";
      case Aux::TableIndex: {
        if (index >= program_.tables.size()) return "?";
        const TableDef& t = program_.tables[index];
        auto col = static_cast<size_t>(n.aux2);
        return fmt::format("{}.{}", t.name, col < t.outputs.size() ? t.outputs[col].name : "?");
      }
      case Aux::CalendarIndex: return index < program_.calendars.size() ? program_.calendars[index].name : "?";
      case Aux::ScheduleIndex: return index < program_.schedules.size() ? program_.schedules[index].name : "?";
      case Aux::FieldIndex: {
        if (n.a < 0 || static_cast<size_t>(n.a) >= program_.nodes.size()) return "?";
        const Type& rt = program_.nodes[static_cast<size_t>(n.a)].type;
        if (rt.kind != TypeKind::Record || rt.id < 0 || static_cast<size_t>(rt.id) >= program_.schema.records.size())
          return "?";
        const auto& fields = program_.schema.records[static_cast<size_t>(rt.id)].fields;
        return index < fields.size() ? fields[index].name : "?";
      }
      case Aux::RecordIndex: return index < program_.schema.records.size() ? program_.schema.records[index].name : "?";
      case Aux::CmpOp: return std::string(cmp_name(static_cast<CmpOp>(n.aux)));
      case Aux::DatePart: {
        static constexpr const char* kParts[] = {
            "year",         "month", "day", "weekday", "days_in_month", "first_day_of_month", "last_day_of_month",
            "start_of_week"};
        return n.aux >= 0 && n.aux <= rt::kLastDatePart ? kParts[n.aux] : "?";
      }
      case Aux::RoundPlaces:
        return fmt::format("{} {}", n.aux < 0 ? "minor unit" : fmt::format("{} places", n.aux), rounding_name(n.aux2));
      case Aux::Unused: break;
    }
    return "";
  }

  void expr(NodeId id, int indent, const std::string& label) {
    if (id < 0 || static_cast<size_t>(id) >= program_.nodes.size()) {
      line(indent, label + (id == kNoNode ? "(absent)" : fmt::format("(invalid node {})", id)));
      return;
    }
    if (indent > 400) {
      line(indent, label + "...");
      return;
    }
    const Node& n = program_.nodes[static_cast<size_t>(id)];
    const OpInfo& info = op_info(n.op);
    std::string attrs = attributes(n);
    line(indent, fmt::format("{}{}{}{}{} : {}", label, options_.node_ids ? fmt::format("%{} ", id) : "", info.name,
                             attrs.empty() ? "" : " ", attrs, type(n.type)));
    auto operand = [&](NodeId child, Slot s, std::string_view role, bool labelled) {
      if (s == Slot::Unused) return;
      if (child == kNoNode && s == Slot::Optional) return;
      expr(child, indent + 1, labelled && !role.empty() ? std::string(role) + ": " : "");
    };
    int used = (info.a != Slot::Unused) + (info.b != Slot::Unused) + (info.c != Slot::Unused);
    bool labelled = used > 1 && info.a_role != "left";
    operand(n.a, info.a, info.a_role, labelled);
    operand(n.b, info.b, info.b_role, labelled);
    operand(n.c, info.c, info.c_role, labelled);
    switch (info.args) {
      case Args::RecordFields: {
        const RecordDef* rd = n.aux >= 0 && static_cast<size_t>(n.aux) < program_.schema.records.size()
                                  ? &program_.schema.records[static_cast<size_t>(n.aux)]
                                  : nullptr;
        for (size_t i = 0; i < n.args.size(); ++i)
          expr(n.args[i], indent + 1, (rd && i < rd->fields.size() ? rd->fields[i].name : std::to_string(i)) + ": ");
        break;
      }
      case Args::Updates: {
        const Type* rt = n.a >= 0 && static_cast<size_t>(n.a) < program_.nodes.size()
                             ? &program_.nodes[static_cast<size_t>(n.a)].type
                             : nullptr;
        for (size_t i = 0; i < n.args.size(); ++i) {
          std::string name = std::to_string(i < n.ints.size() ? n.ints[i] : -1);
          if (rt && rt->kind == TypeKind::Record && i < n.ints.size() && rt->id >= 0 &&
              static_cast<size_t>(rt->id) < program_.schema.records.size()) {
            const auto& fields = program_.schema.records[static_cast<size_t>(rt->id)].fields;
            if (n.ints[i] >= 0 && static_cast<size_t>(n.ints[i]) < fields.size())
              name = fields[static_cast<size_t>(n.ints[i])].name;
          }
          expr(n.args[i], indent + 1, name + " := ");
        }
        break;
      }
      case Args::Arms: {
        const Type* subject = n.a >= 0 && static_cast<size_t>(n.a) < program_.nodes.size()
                                  ? &program_.nodes[static_cast<size_t>(n.a)].type
                                  : nullptr;
        for (size_t i = 0; i < n.args.size(); ++i)
          expr(n.args[i], indent + 1,
               (subject && i < n.pats.size() ? pattern(n.pats[i], *subject) : std::string("?")) + " => ");
        break;
      }
      case Args::Pairs:
        for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
          expr(n.args[i], indent + 1, "");
          expr(n.args[i + 1], indent + 2, "when: ");
        }
        break;
      case Args::Exclusions:
        for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
          expr(n.args[i], indent + 1, "excluding: ");
          expr(n.args[i + 1], indent + 2, "when: ");
        }
        break;
      case Args::Items:
      case Args::Operands:
        for (NodeId c : n.args) expr(c, indent + 1, "");
        break;
      case Args::Boundaries:  // rank: the constants its value is ranked against, in order
        for (NodeId c : n.args) expr(c, indent + 1, "boundary: ");
        break;
      case Args::PauseFields: line(indent + 1, pause_fields(n)); break;
      case Args::Unused: break;
    }
  }

  const Program& program_;
  const PrintOptions& options_;
  std::string out_;
};

}  // namespace

std::string print(const Program& program, const PrintOptions& options) { return Printer(program, options).run(); }

}  // namespace proviso::ir

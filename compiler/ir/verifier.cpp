// The verifier's checks, driven by the op table.
#include "compiler/ir/verifier.h"

#include <fmt/format.h>

#include "compiler/ir/ops.h"

namespace proviso::ir {

namespace {

class Verifier {
 public:
  explicit Verifier(const Program& p) : program_(p) {}

  std::vector<std::string> run() {
    if (program_.node_locs.size() != program_.nodes.size())
      problem(fmt::format("the location table has {} entries for {} nodes", program_.node_locs.size(),
                          program_.nodes.size()));
    if (program_.value_locs.size() != program_.values.size())
      problem(fmt::format("the value location table has {} entries for {} values", program_.value_locs.size(),
                          program_.values.size()));
    for (size_t i = 0; i < program_.nodes.size(); ++i) node(static_cast<NodeId>(i));
    values();
    tables();
    calendars();
    if (program_.home_zone != kNoNode) expect_node(program_.home_zone, "the home zone", Kind::Zone);
    for (const TestCase& t : program_.tests) {
      if (t.inputs.size() != program_.inputs.size())
        problem(fmt::format("test \"{}\": {} inputs for {} declared", t.name, t.inputs.size(), program_.inputs.size()));
      for (NodeId n : t.inputs)
        if (n != kNoNode) expect_node(n, fmt::format("test \"{}\": an input", t.name), Kind::Any);
      for (const TestExpect& e : t.expects) {
        // value -1: an error expected of the whole evaluation
        if ((e.value < 0 && (e.value != -1 || e.error.empty())) ||
            (e.value >= 0 && static_cast<size_t>(e.value) >= program_.values.size()))
          problem(fmt::format("test \"{}\": expects value {}, outside 0..{}", t.name, e.value, last(program_.values)));
        if (e.expected != kNoNode)
          expect_node(e.expected, fmt::format("test \"{}\": an expectation", t.name), Kind::Any);
      }
    }
    return std::move(problems_);
  }

 private:
  void problem(std::string s) { problems_.push_back(std::move(s)); }
  template <class V>
  static long last(const V& v) {
    return static_cast<long>(v.size()) - 1;
  }
  bool valid(NodeId id) const { return id >= 0 && static_cast<size_t>(id) < program_.nodes.size(); }

  // The kind of a type as the op table names kinds.
  static Kind kind_of(const Type& t) {
    switch (t.kind) {
      case TypeKind::Bool: return Kind::Bool;
      case TypeKind::Integer: return Kind::Integer;
      case TypeKind::Decimal:
      case TypeKind::Percent: return Kind::Decimal;
      case TypeKind::Money: return Kind::Money;
      case TypeKind::Duration: return Kind::Duration;
      case TypeKind::BusinessDuration: return Kind::BusinessDuration;
      case TypeKind::Period: return Kind::Period;
      case TypeKind::Date: return Kind::Date;
      case TypeKind::DateTime: return Kind::DateTime;
      case TypeKind::Text: return Kind::Text;
      case TypeKind::Zone: return Kind::Zone;
      case TypeKind::Calendar: return Kind::Calendar;
      case TypeKind::Schedule: return Kind::Schedule;
      case TypeKind::Holidays: return Kind::Holidays;
      case TypeKind::Record: return Kind::Record;
      case TypeKind::List: return Kind::List;
      default: return Kind::Any;
    }
  }
  static bool fits(const Type& t, Kind k) {
    // `none` fits wherever an optional may be absent.
    if (k == Kind::Any || k == Kind::SameAsA || t.kind == TypeKind::None) return true;
    if (k == Kind::ListOfDates) return t.kind == TypeKind::List && t.elem && t.elem->kind == TypeKind::Date;
    return kind_of(t) == k;
  }
  static std::string_view kind_name(Kind k) {
    switch (k) {
      case Kind::Bool: return "bool";
      case Kind::Integer: return "integer";
      case Kind::Decimal: return "decimal or percent";
      case Kind::Money: return "money";
      case Kind::Duration: return "duration";
      case Kind::BusinessDuration: return "business duration";
      case Kind::Period: return "period";
      case Kind::Date: return "date";
      case Kind::DateTime: return "datetime";
      case Kind::Text: return "text";
      case Kind::Zone: return "zone";
      case Kind::Calendar: return "calendar";
      case Kind::Schedule: return "schedule";
      case Kind::Holidays: return "holidays";
      case Kind::Record: return "record";
      case Kind::List: return "list";
      case Kind::ListOfDates: return "list of date";
      default: return "any";
    }
  }
  std::string type_name(const Type& t) const { return to_string(t, program_.schema); }

  // A node reference from outside the node table (a value body, a table cell, ...).
  void expect_node(NodeId id, const std::string& what, Kind kind) {
    if (!valid(id)) {
      problem(fmt::format("{} is node {}, outside 0..{}", what, id, last(program_.nodes)));
      return;
    }
    const Type& t = program_.nodes[static_cast<size_t>(id)].type;
    if (!fits(t, kind)) problem(fmt::format("{} has type {}, expected {}", what, type_name(t), kind_name(kind)));
  }

  void node(NodeId id) {
    const Node& n = program_.nodes[static_cast<size_t>(id)];
    if (static_cast<size_t>(n.op) >= op_table().size()) {
      problem(fmt::format("node {}: operation {} is not in the op table", id, static_cast<int>(n.op)));
      return;
    }
    const OpInfo& info = op_info(n.op);
    std::string here = fmt::format("node {} ({})", id, info.name);
    if (n.type.kind == TypeKind::Error) problem(here + ": has the error type");

    auto slot = [&](NodeId child, Slot s, std::string_view name, Kind kind) {
      if (s == Slot::Unused) {
        if (child != kNoNode) problem(fmt::format("{}: operand {} must be empty, is node {}", here, name, child));
        return;
      }
      if (child == kNoNode) {
        if (s == Slot::Required) problem(fmt::format("{}: operand {} is missing", here, name));
        return;
      }
      if (!valid(child)) {
        problem(fmt::format("{}: operand {} is node {}, outside 0..{}", here, name, child, last(program_.nodes)));
        return;
      }
      const Type& t = program_.nodes[static_cast<size_t>(child)].type;
      if (!fits(t, kind))
        problem(fmt::format("{}: operand {} has type {}, expected {}", here, name, type_name(t), kind_name(kind)));
    };
    slot(n.a, info.a, "a", info.a_kind);
    slot(n.b, info.b, "b", info.b_kind);
    slot(n.c, info.c, "c", info.c_kind);
    if (info.result == Kind::SameAsA) {
      if (valid(n.a) && kind_of(program_.nodes[static_cast<size_t>(n.a)].type) != kind_of(n.type))
        problem(fmt::format("{}: result has type {}, expected the kind of operand a", here, type_name(n.type)));
    } else if (!fits(n.type, info.result)) {
      problem(fmt::format("{}: result has type {}, expected {}", here, type_name(n.type), kind_name(info.result)));
    }
    aux(id, n, info, here);
    args(n, info, here);
  }

  void aux(NodeId id, const Node& n, const OpInfo& info, const std::string& here) {
    auto index = [&](int64_t v, size_t size, std::string_view what) {
      if (v < 0 || static_cast<size_t>(v) >= size)
        problem(fmt::format("{}: aux {} is outside the {} (0..{})", here, v, what, static_cast<long>(size) - 1));
    };
    switch (info.aux) {
      case Aux::Unused: break;
      case Aux::ConstIndex: index(n.aux, program_.consts.size(), "constants"); break;
      case Aux::InputIndex: index(n.aux, program_.inputs.size(), "inputs"); break;
      case Aux::LocalSlot: index(n.aux, static_cast<size_t>(std::max(0, program_.local_slots)), "local slots"); break;
      case Aux::ValueIndex: index(n.aux, program_.values.size(), "values"); break;
      case Aux::TableIndex: index(n.aux, program_.tables.size(), "tables"); break;
      case Aux::CalendarIndex: index(n.aux, program_.calendars.size(), "calendars"); break;
      case Aux::ScheduleIndex: index(n.aux, program_.schedules.size(), "schedules"); break;
      case Aux::RecordIndex: index(n.aux, program_.schema.records.size(), "records"); break;
      case Aux::CmpOp:
        if (n.aux < 0 || n.aux > static_cast<int32_t>(CmpOp::Ge))
          problem(fmt::format("{}: aux {} is not a comparison", here, n.aux));
        break;
      case Aux::DatePart:
        if (n.aux < 0 || n.aux > rt::kLastDatePart) problem(fmt::format("{}: aux {} is not a date part", here, n.aux));
        break;
      case Aux::RoundPlaces:
        if (n.aux < -1 || n.aux > 18)
          problem(fmt::format("{}: aux {} is not a number of places (-1..18)", here, n.aux));
        break;
      case Aux::FieldIndex: {
        if (!valid(n.a)) break;
        const Type& rt = program_.nodes[static_cast<size_t>(n.a)].type;
        if (rt.kind != TypeKind::Record || rt.id < 0 || static_cast<size_t>(rt.id) >= program_.schema.records.size())
          break;
        index(n.aux, program_.schema.records[static_cast<size_t>(rt.id)].fields.size(), "fields of the record");
        break;
      }
    }
    if (info.aux2 == Aux2::TableColumn && n.aux >= 0 && static_cast<size_t>(n.aux) < program_.tables.size()) {
      size_t columns = program_.tables[static_cast<size_t>(n.aux)].outputs.size();
      if (n.aux2 < 0 || static_cast<size_t>(n.aux2) >= columns)
        problem(
            fmt::format("{}: aux2 {} is not an output column (0..{})", here, n.aux2, static_cast<long>(columns) - 1));
    }
    if (info.aux2 == Aux2::RoundingMode && (n.aux2 < 0 || n.aux2 > static_cast<int32_t>(rt::RoundingMode::Floor)))
      problem(fmt::format("{}: aux2 {} is not a rounding mode", here, n.aux2));
    (void)id;
  }

  void args(const Node& n, const OpInfo& info, const std::string& here) {
    auto each_valid = [&](bool absent_ok) {
      for (size_t i = 0; i < n.args.size(); ++i) {
        NodeId c = n.args[i];
        if (c == kNoNode && absent_ok) continue;
        if (!valid(c)) problem(fmt::format("{}: args[{}] is node {}, outside 0..{}", here, i, c, last(program_.nodes)));
      }
    };
    auto no_extras = [&](bool ints, bool pats) {
      if (!ints && !n.ints.empty()) problem(fmt::format("{}: ints must be empty, has {}", here, n.ints.size()));
      if (!pats && !n.pats.empty()) problem(fmt::format("{}: pats must be empty, has {}", here, n.pats.size()));
    };
    switch (info.args) {
      case Args::Unused:
        if (!n.args.empty()) problem(fmt::format("{}: args must be empty, has {}", here, n.args.size()));
        no_extras(false, false);
        break;
      case Args::RecordFields: {
        each_valid(true);
        no_extras(false, false);
        if (n.aux >= 0 && static_cast<size_t>(n.aux) < program_.schema.records.size()) {
          size_t fields = program_.schema.records[static_cast<size_t>(n.aux)].fields.size();
          if (n.args.size() != fields)
            problem(fmt::format("{}: {} args for a record of {} fields", here, n.args.size(), fields));
        }
        break;
      }
      case Args::Updates: {
        each_valid(false);
        no_extras(true, false);
        if (n.ints.size() != n.args.size())
          problem(fmt::format("{}: {} field indices for {} new values", here, n.ints.size(), n.args.size()));
        break;
      }
      case Args::Arms:
        each_valid(false);
        no_extras(false, true);
        if (n.pats.size() != n.args.size() || n.args.empty())
          problem(fmt::format("{}: {} patterns for {} arms", here, n.pats.size(), n.args.size()));
        break;
      case Args::Items:
        each_valid(false);
        no_extras(false, false);
        break;
      case Args::Pairs:
        each_valid(false);
        no_extras(false, false);
        if (n.args.size() % 2 != 0)
          problem(fmt::format("{}: {} args are not value and condition pairs", here, n.args.size()));
        for (size_t i = 1; i < n.args.size(); i += 2)
          if (valid(n.args[i]) && !fits(program_.nodes[static_cast<size_t>(n.args[i])].type, Kind::Bool))
            problem(fmt::format("{}: condition args[{}] is not a bool", here, i));
        break;
      case Args::Exclusions:
        each_valid(false);
        no_extras(false, false);
        if (n.args.size() % 2 != 0)
          problem(fmt::format("{}: {} args are not clause and condition pairs", here, n.args.size()));
        for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
          if (!valid(n.args[i]) || !valid(n.args[i + 1])) continue;
          const Node& clause = program_.nodes[static_cast<size_t>(n.args[i])];
          if (clause.op != Op::Const || clause.type.kind != TypeKind::Text)
            problem(fmt::format("{}: clause args[{}] is not a text constant", here, i));
          if (!fits(program_.nodes[static_cast<size_t>(n.args[i + 1])].type, Kind::Bool))
            problem(fmt::format("{}: condition args[{}] is not a bool", here, i + 1));
        }
        break;
      case Args::Operands:
        each_valid(false);
        no_extras(false, false);
        if (n.args.size() < 2) problem(fmt::format("{}: {} operands, expected two or more", here, n.args.size()));
        break;
      case Args::PauseFields: pause_fields(n, here); break;
      case Args::Boundaries:
        each_valid(false);
        no_extras(false, false);
        for (size_t i = 0; i < n.args.size(); ++i)
          if (valid(n.args[i]) && program_.nodes[static_cast<size_t>(n.args[i])].op != Op::Const)
            problem(fmt::format("{}: boundary args[{}] is not a constant", here, i));
        break;
    }
  }

  // The `from` and `until` fields of the pauses' records: datetimes, `until` maybe optional
  // only when an `as of` instant says how long an open pause lasts.
  void pause_fields(const Node& n, const std::string& here) {
    if (!n.args.empty() || !n.pats.empty() || n.ints.size() != 2) {
      problem(fmt::format("{}: expected no args and two field indices", here));
      return;
    }
    if (!valid(n.b)) return;
    const Type& list = program_.nodes[static_cast<size_t>(n.b)].type;
    if (list.kind != TypeKind::List || !list.elem || list.elem->kind != TypeKind::Record || list.elem->id < 0 ||
        static_cast<size_t>(list.elem->id) >= program_.schema.records.size()) {
      problem(fmt::format("{}: the pauses are not a list of records", here));
      return;
    }
    const auto& fields = program_.schema.records[static_cast<size_t>(list.elem->id)].fields;
    for (int i = 0; i < 2; ++i) {
      int32_t f = n.ints[static_cast<size_t>(i)];
      if (f < 0 || static_cast<size_t>(f) >= fields.size() ||
          fields[static_cast<size_t>(f)].type.kind != TypeKind::DateTime) {
        problem(fmt::format("{}: ints[{}] is not a datetime field of the pauses' records", here, i));
        continue;
      }
      if (fields[static_cast<size_t>(f)].type.optional && (i == 0 || n.c == kNoNode))
        problem(fmt::format("{}: the `{}` field is optional{}", here, i == 0 ? "from" : "until",
                            i == 0 ? "" : " but no as_of instant is given"));
    }
  }

  void values() {
    std::vector<char> is_decision(program_.values.size());
    for (int32_t d : program_.decisions) {
      if (d < 0 || static_cast<size_t>(d) >= program_.values.size()) {
        problem(fmt::format("decision list: value {} is outside 0..{}", d, last(program_.values)));
        continue;
      }
      if (program_.values[static_cast<size_t>(d)].kind != ValueKind::Decision)
        problem(fmt::format("decision list: `{}` is not a decision", program_.values[static_cast<size_t>(d)].name));
      is_decision[static_cast<size_t>(d)] = 1;
    }
    for (size_t v = 0; v < program_.values.size(); ++v) {
      const ValueDef& def = program_.values[v];
      if (def.kind == ValueKind::Decision && !is_decision[v])
        problem(fmt::format("value `{}`: a decision missing from the decision list", def.name));
      expect_node(def.body, fmt::format("value `{}`: the body", def.name), Kind::Any);
    }
    cycles();
  }

  // Values that depend on themselves, through other values, tables and calendars: a graph
  // whose vertices are the values, then the tables, then the calendars, and whose edges are
  // the references in each one's expressions (each expression walked once).
  void cycles() {
    size_t nv = program_.values.size(), nt = program_.tables.size(), nc = program_.calendars.size();
    std::vector<std::vector<size_t>> edges(nv + nt + nc);
    std::vector<uint32_t> stamp(program_.nodes.size());
    uint32_t current = 0;
    auto refs_of = [&](std::vector<NodeId> roots, std::vector<size_t>& out) {
      ++current;
      while (!roots.empty()) {
        NodeId id = roots.back();
        roots.pop_back();
        if (!valid(id) || stamp[static_cast<size_t>(id)] == current) continue;
        stamp[static_cast<size_t>(id)] = current;
        const Node& n = program_.nodes[static_cast<size_t>(id)];
        auto index = static_cast<size_t>(n.aux);
        if (n.op == Op::ValueRef && index < nv) out.push_back(index);
        if (n.op == Op::TableGet && index < nt) out.push_back(nv + index);
        if (n.op == Op::CalendarRef && index < nc) out.push_back(nv + nt + index);
        for (NodeId c : {n.a, n.b, n.c}) roots.push_back(c);
        roots.insert(roots.end(), n.args.begin(), n.args.end());
      }
    };
    for (size_t v = 0; v < nv; ++v) refs_of({program_.values[v].body}, edges[v]);
    for (size_t t = 0; t < nt; ++t) {
      std::vector<NodeId> roots = program_.tables[t].given;
      for (const TableRow& row : program_.tables[t].rows)
        roots.insert(roots.end(), row.outputs.begin(), row.outputs.end());
      refs_of(std::move(roots), edges[nv + t]);
    }
    for (size_t c = 0; c < nc; ++c)
      refs_of({program_.calendars[c].schedule, program_.calendars[c].zone, program_.calendars[c].holidays},
              edges[nv + nt + c]);
    auto name = [&](size_t vertex) {
      if (vertex < nv) return fmt::format("value `{}`", program_.values[vertex].name);
      if (vertex < nv + nt) return fmt::format("table `{}`", program_.tables[vertex - nv].name);
      return fmt::format("calendar `{}`", program_.calendars[vertex - nv - nt].name);
    };
    // Depth-first with an explicit stack (chains of thousands of lets are valid).
    std::vector<uint8_t> state(edges.size());  // 0 new, 1 on the path, 2 done
    for (size_t start = 0; start < edges.size(); ++start) {
      if (state[start]) continue;
      std::vector<std::pair<size_t, size_t>> stack{{start, 0}};
      state[start] = 1;
      while (!stack.empty()) {
        auto& [vertex, next] = stack.back();
        if (next == edges[vertex].size()) {
          state[vertex] = 2;
          stack.pop_back();
          continue;
        }
        size_t to = edges[vertex][next++];
        if (state[to] == 1) {
          problem(fmt::format("{} depends on itself", name(to)));
        } else if (state[to] == 0) {
          state[to] = 1;
          stack.emplace_back(to, 0);
        }
      }
    }
  }

  void tables() {
    for (const TableDef& t : program_.tables) {
      for (size_t g = 0; g < t.given.size(); ++g) {
        expect_node(t.given[g], fmt::format("table `{}`: given column {}", t.name, g + 1), Kind::Any);
        if (valid(t.given[g])) {
          TypeKind k = program_.nodes[static_cast<size_t>(t.given[g])].type.kind;
          if (k != TypeKind::Integer && k != TypeKind::Enum && k != TypeKind::Bool)
            problem(fmt::format("table `{}`: given column {} is not an integer, enum or bool", t.name, g + 1));
        }
      }
      for (size_t r = 0; r < t.rows.size(); ++r) {
        const TableRow& row = t.rows[r];
        if (row.conds.size() != t.given.size())
          problem(fmt::format("table `{}` row {}: {} conditions for {} given columns", t.name, r + 1, row.conds.size(),
                              t.given.size()));
        if (row.outputs.size() != t.outputs.size()) {
          problem(fmt::format("table `{}` row {}: {} outputs for {} output columns", t.name, r + 1, row.outputs.size(),
                              t.outputs.size()));
          continue;
        }
        for (size_t c = 0; c < row.outputs.size(); ++c)
          expect_node(row.outputs[c], fmt::format("table `{}` row {} column `{}`", t.name, r + 1, t.outputs[c].name),
                      kind_of(t.outputs[c].type));
      }
    }
  }

  void calendars() {
    for (const CalendarDef& c : program_.calendars) {
      expect_node(c.zone, fmt::format("calendar `{}`: the zone", c.name), Kind::Zone);
      if (c.schedule != kNoNode)
        expect_node(c.schedule, fmt::format("calendar `{}`: the schedule", c.name), Kind::Schedule);
      if (c.holidays != kNoNode)
        expect_node(c.holidays, fmt::format("calendar `{}`: the holidays", c.name), Kind::Holidays);
      if (c.business_day <= 0)
        problem(fmt::format("calendar `{}`: a business day of {} seconds", c.name, c.business_day));
    }
    if (program_.schema.schedules.size() != program_.schedules.size())
      problem(fmt::format("the schema names {} schedules of {}", program_.schema.schedules.size(),
                          program_.schedules.size()));
    for (size_t i = 0; i < program_.schedules.size() && i < program_.schema.schedules.size(); ++i)
      if (program_.schema.schedules[i] != program_.schedules[i].name)
        problem(
            fmt::format("schedule {} is `{}` in the schema", program_.schedules[i].name, program_.schema.schedules[i]));
  }

  const Program& program_;
  std::vector<std::string> problems_;
};

}  // namespace

std::vector<std::string> verify(const Program& program) { return Verifier(program).run(); }

}  // namespace proviso::ir

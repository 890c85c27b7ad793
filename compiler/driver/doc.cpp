// Markdown reference of a policy.
#include "compiler/driver/doc.h"

#include <set>

#include <fmt/format.h>

#include "compiler/ast/ast.h"

namespace proviso::driver {
namespace {

constexpr const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string code(std::string_view s) { return s.empty() ? std::string() : "`" + cell(s) + "`"; }


std::string ranges_text(const std::vector<rt::TimeRange>& ranges) {
  std::string out;
  for (const auto& r : ranges) {
    if (!out.empty()) out += ", ";
    out += ast::clock_text(r.start) + "-" + ast::clock_text(r.end);
  }
  return out;
}

bool same_ranges(const std::vector<rt::TimeRange>& a, const std::vector<rt::TimeRange>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].start != b[i].start || a[i].end != b[i].end) return false;
  return true;
}

// "Monday to Friday 08:00-17:00; Saturday 10:00-14:00".
std::string weekly_text(const rt::WeeklyHours& h) {
  std::vector<std::string> parts;
  int d = 0;
  while (d < 7) {
    if (h.days[d].empty()) {
      ++d;
      continue;
    }
    int e = d;
    while (e + 1 < 7 && same_ranges(h.days[e + 1], h.days[d])) ++e;
    std::string days = d == 0 && e == 6 ? "every day" : e == d ? kDays[d] : fmt::format("{} to {}", kDays[d], kDays[e]);
    parts.push_back(days + " " + ranges_text(h.days[d]));
    d = e + 1;
  }
  if (parts.empty()) return "no working time";
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

std::string duration_text(int64_t s) {
  if (s % 3600 == 0) return fmt::format("{} hour{}", s / 3600, s == 3600 ? "" : "s");
  if (s % 60 == 0) return fmt::format("{} minutes", s / 60);
  return fmt::format("{} seconds", s);
}

std::string node_text(const ir::Program& p, ir::NodeId id) {
  if (id == ir::kNoNode) return {};
  std::string_view t = p.node_text(id);
  if (!t.empty()) {
    // Collapse line breaks and indentation of multi-line expressions.
    std::string out;
    bool space = false;
    for (char c : t) {
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        space = !out.empty();
      } else {
        if (space) out += ' ';
        space = false;
        out += c;
      }
    }
    return out;
  }
  const ir::Node& n = p.nodes[static_cast<size_t>(id)];
  if (n.op == ir::Op::Const && n.aux >= 0 && static_cast<size_t>(n.aux) < p.consts.size() &&
      p.consts[n.aux].kind() == ir::Value::Kind::Text)
    return "\"" + p.consts[n.aux].as_text() + "\"";
  return "(expression)";
}

std::string value_name(const ir::Type& t, const ir::Schema& schema, int64_t v) {
  if (t.kind == ir::TypeKind::Enum && t.id >= 0 && static_cast<size_t>(t.id) < schema.enums.size()) {
    const auto& m = schema.enums[t.id].members;
    if (v >= 0 && static_cast<size_t>(v) < m.size()) return m[v];
  }
  if (t.kind == ir::TypeKind::Bool) return v ? "true" : "false";
  return std::to_string(v);
}

std::string pattern_text(const ir::Pattern& pat, const ir::Type& t, const ir::Schema& schema) {
  auto list = [&] {
    std::string out;
    for (int64_t v : pat.values) out += (out.empty() ? "" : ", ") + value_name(t, schema, v);
    return out;
  };
  switch (pat.kind) {
    case ir::Pattern::Kind::Any: return "-";
    case ir::Pattern::Kind::OneOf: return list();
    case ir::Pattern::Kind::NoneOf: return "not " + list();
    case ir::Pattern::Kind::Range:
      if (pat.lo && pat.hi)
        return *pat.lo == *pat.hi ? std::to_string(*pat.lo) : fmt::format("{}..{}", *pat.lo, *pat.hi);
      if (pat.lo) return fmt::format(">= {}", *pat.lo);
      if (pat.hi) return fmt::format("<= {}", *pat.hi);
      return "-";
  }
  return "?";
}

void record_fields(std::string& out, const ir::RecordDef& rd, const ir::Schema& schema) {
  out += "| field | type |\n|---|---|\n";
  for (const auto& f : rd.fields) out += fmt::format("| `{}` | {} |\n", f.name, cell(ir::to_string(f.type, schema)));
  out += "\n";
}

void collect_records(const ir::Type& t, std::set<int32_t>& ids, const ir::Schema& schema) {
  if (t.kind == ir::TypeKind::List && t.elem) collect_records(*t.elem, ids, schema);
  if (t.kind == ir::TypeKind::Record && t.id >= 0 && static_cast<size_t>(t.id) < schema.records.size() &&
      ids.insert(t.id).second) {
    for (const auto& f : schema.records[t.id].fields) collect_records(f.type, ids, schema);
  }
}

}  // namespace

std::string policy_markdown(const ir::Program& p) {
  const ir::Schema& schema = p.schema;
  std::string out;
  out += fmt::format("# {}\n\n", p.title.empty() ? p.name : p.title);
  out += fmt::format("Policy `{}`", p.name);
  if (!p.files.empty() && p.files[0]) out += fmt::format(" (`{}`)", p.files[0]->path());
  out += ".\n\n";
  if (!p.source.empty()) out += fmt::format("- Source: {}\n", p.source);
  if (!p.version.empty()) out += fmt::format("- Version: {}\n", p.version);
  if (p.effective) out += fmt::format("- Effective: {}\n", rt::format_date(*p.effective));
  if (p.home_zone != ir::kNoNode) out += fmt::format("- Home zone: `{}`\n", node_text(p, p.home_zone));
  out += "\n";

  // Inputs, with the fields of every record they reach.
  std::set<int32_t> shown;
  if (!p.inputs.empty()) {
    out += "## Inputs\n\n";
    for (const auto& in : p.inputs) {
      out += fmt::format("### `{}`{}\n\n", in.name, in.optional ? " (optional)" : "");
      if (in.type.kind == ir::TypeKind::Record && in.type.id >= 0 &&
          static_cast<size_t>(in.type.id) < schema.records.size()) {
        const ir::RecordDef& rd = schema.records[in.type.id];
        record_fields(out, rd, schema);
        shown.insert(in.type.id);
      } else {
        out += fmt::format("Type: {}\n\n", ir::to_string(in.type, schema));
      }
    }
    std::set<int32_t> reached;
    for (const auto& in : p.inputs) collect_records(in.type, reached, schema);
    for (int32_t id : reached) {
      if (shown.contains(id)) continue;
      out += fmt::format("### Record `{}`\n\n", schema.records[id].name);
      record_fields(out, schema.records[id], schema);
      shown.insert(id);
    }
  }

  if (!schema.enums.empty()) {
    out += "## Enumerations\n\n| enum | members |\n|---|---|\n";
    for (const auto& e : schema.enums) {
      std::string members;
      for (const auto& m : e.members) members += (members.empty() ? "" : ", ") + ("`" + m + "`");
      out += fmt::format("| `{}` | {} |\n", e.name, members);
    }
    out += "\n";
  }

  if (!p.decisions.empty()) {
    out += "## Decisions\n\n| decision | type | clause |\n|---|---|---|\n";
    for (int32_t i : p.decisions) {
      const ir::ValueDef& d = p.values[static_cast<size_t>(i)];
      out += fmt::format("| `{}` | {} | {} |\n", d.name, cell(ir::to_string(d.type, schema)),
                         d.clause.empty() ? "(none)" : cell(d.clause));
    }
    out += "\n";
  }

  if (!p.tables.empty()) {
    out += "## Tables\n\n";
    for (const auto& t : p.tables) {
      out += fmt::format("### `{}`", t.name);
      if (!t.clause.empty()) out += fmt::format(" (clause {})", t.clause);
      out += fmt::format("\n\nHit policy: {}.\n\n|", t.hit_first ? "first" : "unique");
      for (size_t i = 0; i < t.given.size(); ++i)
        out += " " + cell(i < t.given_names.size() ? t.given_names[i] : node_text(p, t.given[i])) + " |";
      for (const auto& o : t.outputs)
        out += fmt::format(" {}: {} |", cell(o.name), cell(ir::to_string(o.type, schema)));
      out += "\n|";
      for (size_t i = 0; i < t.given.size() + t.outputs.size(); ++i) out += "---|";
      out += "\n";
      for (const auto& row : t.rows) {
        out += "|";
        for (size_t i = 0; i < row.conds.size(); ++i) {
          const ir::Type& gt = i < t.given.size() ? p.nodes[static_cast<size_t>(t.given[i])].type : ir::Type::error();
          out += " " + cell(pattern_text(row.conds[i], gt, schema)) + " |";
        }
        for (ir::NodeId o : row.outputs) out += " " + cell(node_text(p, o)) + " |";
        out += "\n";
      }
      out += "\n";
    }
  }

  if (!p.calendars.empty()) {
    out += "## Calendars\n\n";
    for (const auto& c : p.calendars) {
      out += fmt::format("### `{}`", c.name);
      if (!c.clause.empty()) out += fmt::format(" (clause {})", c.clause);
      out += "\n\n";
      out += fmt::format("- Hours: {}\n", weekly_text(c.hours));
      out += fmt::format("- Zone: `{}`\n", node_text(p, c.zone));
      out += fmt::format("- Holidays: {}\n", c.holidays == ir::kNoNode ? "none" : code(node_text(p, c.holidays)));
      out += fmt::format("- Business day: {}\n\n", duration_text(c.business_day));
    }
  }

  bool any_exclusions = false;
  for (const auto& v : p.values) any_exclusions |= v.is_exclusions;
  if (any_exclusions) {
    out += "## Exclusions\n\n";
    for (const auto& v : p.values) {
      if (!v.is_exclusions) continue;
      out += fmt::format("### `{}`", v.name);
      if (!v.clause.empty()) out += fmt::format(" (clause {})", v.clause);
      out += "\n\n| entry | applies when |\n|---|---|\n";
      if (v.body != ir::kNoNode) {
        const ir::Node& n = p.nodes[static_cast<size_t>(v.body)];
        for (size_t i = 0; i + 1 < n.args.size(); i += 2)
          out += fmt::format("| {} | `{}` |\n", cell(node_text(p, n.args[i])), cell(node_text(p, n.args[i + 1])));
      }
      out += "\n";
    }
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

}  // namespace proviso::driver

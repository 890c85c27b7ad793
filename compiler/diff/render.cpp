// The three renderings of a diff report: the JSON contract, text for a terminal, markdown
// for a pull-request comment (diff.h).
#include <fstream>

#include <fmt/format.h>

#include "compiler/diff/diff.h"
#include "compiler/diff/tool_info.h"

namespace proviso::diff {

namespace {

Json witness_json(const Witness& w) {
  Json j = Json::object();
  j["input"] = w.input;
  if (!w.input_new.is_null()) j["input_new"] = w.input_new;
  j["old"] = w.old_value;
  j["new"] = w.new_value;
  return j;
}

// The value at a dotted input path ("case.severity") of a witness input, or null.
const Json* at_path(const Json& input, const std::string& path) {
  const Json* cur = &input;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(key)) return nullptr;
    cur = &(*cur)[key];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

std::string plain(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("error")) return "error: " + v["error"].value("message", std::string());
  if (v.is_null()) return "none";
  return v.dump();
}

// "case.severity = 2, contract.support = Enterprise: 10:00 -> 11:00".
std::string sentence(const DecisionDiff& d, const Witness& w) {
  // Yes/no facts (most often "no exclusion applies") are named only when there are few.
  std::string facts, flags;
  size_t n_flags = 0;
  for (const auto& path : w.shown.empty() ? d.reads : w.shown) {
    const Json* v = at_path(w.input, path);
    if (!v && !w.input_new.is_null()) v = at_path(w.input_new, path);
    std::string fact = path + " = " + (v ? plain(*v) : "absent");
    if (v && v->is_boolean()) {
      ++n_flags;
      flags += (flags.empty() ? "" : ", ") + fact;
    } else {
      facts += (facts.empty() ? "" : ", ") + fact;
    }
  }
  if (n_flags > 0 && n_flags <= 2)
    facts += (facts.empty() ? "" : ", ") + flags;
  else if (n_flags > 2)
    facts += fmt::format("{}{} yes/no facts (see --format json)", facts.empty() ? "" : ", and ", n_flags);
  return (facts.empty() ? "any input" : facts) + ": " + plain(w.old_value) + " -> " + plain(w.new_value);
}

std::string clause_of(const DecisionDiff& d) {
  const std::string& c = d.clause_new.empty() ? d.clause_old : d.clause_new;
  return c.empty() ? "" : " (clause " + c + ")";
}

struct Counts {
  int changed = 0, unchanged = 0, unknown = 0, added = 0, removed = 0;
};

Counts count(const Report& r) {
  Counts c;
  for (const auto& d : r.decisions) {
    if (d.status == "changed")
      ++c.changed;
    else if (d.status == "unchanged")
      ++c.unchanged;
    else if (d.status == "unknown")
      ++c.unknown;
    else if (d.status == "added")
      ++c.added;
    else
      ++c.removed;
  }
  return c;
}

std::string headline(const Report& r) {
  Counts c = count(r);
  std::string s = r.equivalent ? "equivalent" : "not equivalent";
  s += fmt::format(": {} changed, {} unchanged", c.changed, c.unchanged);
  if (c.added) s += fmt::format(", {} added", c.added);
  if (c.removed) s += fmt::format(", {} removed", c.removed);
  if (c.unknown) s += fmt::format(", {} unknown", c.unknown);
  if (!r.schema.empty()) s += fmt::format(", {} schema change{}", r.schema.size(), r.schema.size() == 1 ? "" : "s");
  return s;
}

}  // namespace

Json to_json(const Report& r) {
  Json j = Json::object();
  j["equivalent"] = r.equivalent;
  j["tool"] = tool_info();
  auto side = [](const Side& s) { return Json{{"path", s.path}, {"policy", s.policy}, {"version", s.version}}; };
  j["old"] = side(r.old_side);
  j["new"] = side(r.new_side);
  Json schema = Json::array();
  for (const auto& s : r.schema)
    schema.push_back(Json{{"path", s.path},
                          {"change", s.change},
                          {"old", s.old_type.empty() ? Json(nullptr) : Json(s.old_type)},
                          {"new", s.new_type.empty() ? Json(nullptr) : Json(s.new_type)},
                          {"breaking", s.breaking}});
  j["schema"] = schema;
  Json decisions = Json::array();
  for (const auto& d : r.decisions) {
    Json x = Json::object();
    x["name"] = d.name;
    x["status"] = d.status;
    if (d.status == "unchanged") x["how"] = d.how;
    if (!d.bound.empty()) x["bound"] = d.bound;
    if (d.status == "unknown") x["reason"] = d.reason;
    if (!d.type_old.empty()) x["type"] = Json{{"old", d.type_old}, {"new", d.type_new}};
    if (!d.direction.empty()) {
      x["direction"] = d.direction;
      if (!d.direction_reason.empty()) x["direction_reason"] = d.direction_reason;
      if (!d.direction_witnesses.empty()) {
        Json ws = Json::array();
        for (const auto& w : d.direction_witnesses) ws.push_back(witness_json(w));
        x["witnesses"] = ws;
      }
    }
    x["clause"] = Json{{"old", d.status == "added" ? Json(nullptr) : Json(d.clause_old)},
                       {"new", d.status == "removed" ? Json(nullptr) : Json(d.clause_new)}};
    if (d.witness) x["witness"] = witness_json(*d.witness);
    decisions.push_back(x);
  }
  j["decisions"] = decisions;
  Json decls = Json::array();
  for (const auto& c : r.declarations) {
    Json x = Json{{"kind", c.kind}, {"name", c.name}, {"summary", c.summary}};
    for (auto it = c.details.begin(); it != c.details.end(); ++it) x[it.key()] = it.value();
    decls.push_back(x);
  }
  j["declarations"] = decls;
  if (r.cases) j["cases"] = *r.cases;
  return j;
}

std::string to_text(const Report& r, bool color) {
  auto paint = [&](const char* code, const std::string& s) {
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
  };
  std::string out = fmt::format("{} -> {}: {}\n", r.old_side.path, r.new_side.path, headline(r));
  for (const auto& d : r.decisions) {
    if (d.status == "unchanged") continue;
    std::string line;
    if (d.status == "changed") {
      line = paint("33", "changed   ") + " " + d.name + clause_of(d);
      if (!d.type_old.empty()) line += ", type " + d.type_old + " -> " + d.type_new;
      if (!d.direction.empty() && d.direction != "unknown") line += ", " + d.direction;
      if (d.witness) line += ": " + sentence(d, *d.witness);
    } else if (d.status == "unknown") {
      line = paint("35", "unknown   ") + " " + d.name + clause_of(d) + ": " + d.reason;
    } else {
      line = paint(d.status == "added" ? "32" : "31", d.status == "added" ? "added     " : "removed   ") + " " +
             d.name + clause_of(d);
    }
    out += line + "\n";
  }
  for (const auto& s : r.schema) {
    std::string what = s.change == "added"     ? "+ " + s.path + ": " + s.new_type
                       : s.change == "removed" ? "- " + s.path + ": " + s.old_type
                                               : "~ " + s.path + ": " + s.old_type + " -> " + s.new_type;
    out += paint(s.breaking ? "31" : "36", s.breaking ? "breaking  " : "schema    ") + " " + what + "\n";
  }
  for (const auto& c : r.declarations) {
    out += fmt::format("{:<11}{}: {}\n", c.kind, c.name, c.summary);
    // The rows and entries themselves, as written.
    auto lines = [&](const Json& list, const char* sign, const char* key) {
      if (!list.is_array()) return;
      for (const auto& x : list) {
        std::string text = x.is_string() ? x.get<std::string>() : x.value(key, std::string());
        if (x.is_object() && x.contains("when")) text += " when " + x["when"].get<std::string>();
        out += fmt::format("{:<11}{} {}\n", "", paint(*sign == '+' ? "32" : "31", sign), text);
      }
    };
    if (c.details.contains("rows")) {
      lines(c.details["rows"]["removed"], "-", "");
      lines(c.details["rows"]["added"], "+", "");
    }
    if (c.kind == "exclusions") {
      lines(c.details.value("removed", Json::array()), "-", "id");
      lines(c.details.value("added", Json::array()), "+", "id");
    }
  }
  if (r.cases) {
    const Json& cs = *r.cases;
    out += fmt::format("cases      {} of {} records change", cs.value("changed", 0), cs.value("total", 0));
    std::string per;
    for (auto it = cs["by_decision"].begin(); it != cs["by_decision"].end(); ++it)
      per += (per.empty() ? "" : ", ") + it.key() + " " + std::to_string(it.value().get<int>());
    out += per.empty() ? "\n" : " (" + per + ")\n";
  }
  return out;
}

std::string to_markdown(const Report& r) {
  auto cell = [](const std::string& s) {
    std::string out;
    for (char ch : s) out += ch == '|' ? std::string("\\|") : ch == '\n' ? std::string(" ") : std::string(1, ch);
    return out;
  };
  std::string out = fmt::format("### Policy diff: `{}`\n\n**{}** (`{}` -> `{}`)\n\n", r.new_side.policy, headline(r),
                                r.old_side.path, r.new_side.path);
  bool any = false;
  for (const auto& d : r.decisions) any |= d.status != "unchanged";
  if (any) {
    out += "| Decision | Status | Clause | What changed |\n|---|---|---|---|\n";
    for (const auto& d : r.decisions) {
      if (d.status == "unchanged") continue;
      std::string what;
      if (d.status == "changed") {
        if (!d.type_old.empty()) what += "type " + d.type_old + " -> " + d.type_new + "; ";
        if (!d.direction.empty() && d.direction != "unknown") what += d.direction + "; ";
        if (d.witness) what += sentence(d, *d.witness);
      } else if (d.status == "unknown") {
        what = d.reason;
      }
      const std::string& clause = d.clause_new.empty() ? d.clause_old : d.clause_new;
      out += fmt::format("| `{}` | {} | {} | {} |\n", d.name, d.status, cell(clause), cell(what));
    }
    out += "\n";
  }
  if (!r.schema.empty()) {
    out += "**Input schema**\n\n| Field | Change | Old | New | Breaking |\n|---|---|---|---|---|\n";
    for (const auto& s : r.schema)
      out += fmt::format("| `{}` | {} | {} | {} | {} |\n", s.path, s.change, cell(s.old_type), cell(s.new_type),
                         s.breaking ? "**yes**" : "no");
    out += "\n";
  }
  if (!r.declarations.empty()) {
    out += "**Declarations**\n\n";
    for (const auto& c : r.declarations) out += fmt::format("- {} `{}`: {}\n", c.kind, c.name, cell(c.summary));
    out += "\n";
  }
  if (r.cases) {
    const Json& cs = *r.cases;
    out += fmt::format("**Recorded cases**: {} of {} change.\n", cs.value("changed", 0), cs.value("total", 0));
  }
  return out;
}

}  // namespace proviso::diff

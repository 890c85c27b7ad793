// Schema changes and declaration summaries (summaries.h).
#include "compiler/diff/summaries.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include <proviso/rt/holidays.h>
#include <proviso/rt/time.h>

namespace proviso::diff {

using ir::TypeKind;

namespace {

std::string squeeze(std::string_view text) {
  std::string out;
  bool space = false;
  for (char ch : text) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += ch;
  }
  return out;
}

// Whether every value of `from` is a value of `to` (so callers sending `from` still work).
bool widens(const ir::Type& from, const ir::Schema& sf, const ir::Type& to, const ir::Schema& st) {
  if (from.kind != to.kind) return false;
  if (from.optional && !to.optional) return false;
  switch (from.kind) {
    case TypeKind::Integer:
      return (!to.lo || (from.lo && *from.lo >= *to.lo)) && (!to.hi || (from.hi && *from.hi <= *to.hi));
    case TypeKind::Enum: {
      const auto &a = sf.enums[static_cast<size_t>(from.id)].members, &b = st.enums[static_cast<size_t>(to.id)].members;
      for (const auto& m : a)
        if (std::find(b.begin(), b.end(), m) == b.end()) return false;
      return true;
    }
    case TypeKind::List: return widens(*from.elem, sf, *to.elem, st);
    default: return true;
  }
}

std::string type_text(const ir::Type& t, const ir::Schema& s) {
  std::string text = ir::to_string(t, s);
  if (t.kind == TypeKind::Enum) {
    const auto& members = s.enums[static_cast<size_t>(t.id)].members;
    std::string list;
    for (const auto& m : members) list += (list.empty() ? "" : " | ") + m;
    text += " (" + list + ")";
  }
  return text;
}

void diff_type(const std::string& path, const ir::Type& a, const ir::Schema& sa, const ir::Type& b,
               const ir::Schema& sb, std::vector<SchemaChange>& out) {
  if (a.kind == TypeKind::Record && b.kind == TypeKind::Record) {
    const auto& ra = sa.records[static_cast<size_t>(a.id)];
    const auto& rb = sb.records[static_cast<size_t>(b.id)];
    if (a.optional != b.optional)
      out.push_back({path, "changed", type_text(a, sa), type_text(b, sb), a.optional && !b.optional});
    for (const auto& f : ra.fields) {
      int j = rb.find(f.name);
      if (j < 0)
        out.push_back({path + "." + f.name, "removed", type_text(f.type, sa), "", true});
      else
        diff_type(path + "." + f.name, f.type, sa, rb.fields[static_cast<size_t>(j)].type, sb, out);
    }
    for (const auto& f : rb.fields)
      if (ra.find(f.name) < 0)
        out.push_back({path + "." + f.name, "added", "", type_text(f.type, sb), !f.type.optional});
    return;
  }
  if (a.kind == TypeKind::List && b.kind == TypeKind::List && a.optional == b.optional) {
    diff_type(path + "[]", *a.elem, sa, *b.elem, sb, out);
    return;
  }
  std::string ta = type_text(a, sa), tb = type_text(b, sb);
  if (ta == tb) return;
  out.push_back({path, "changed", ta, tb, !widens(a, sa, b, sb)});
}

std::string hours_text(const rt::WeeklyHours& h) {
  static const char* const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  std::string out;
  for (size_t d = 0; d < h.days.size(); ++d) {
    if (h.days[d].empty()) continue;
    out += (out.empty() ? "" : ", ") + std::string(days[d]) + " ";
    for (size_t i = 0; i < h.days[d].size(); ++i)
      out += fmt::format("{}{:02}:{:02}-{:02}:{:02}", i ? "+" : "", h.days[d][i].start / 3600,
                         h.days[d][i].start % 3600 / 60, h.days[d][i].end / 3600, h.days[d][i].end % 3600 / 60);
  }
  return out.empty() ? "no hours" : out;
}

// A set's days of `year` as "2026-12-25" (whole holidays) and "2026-12-24 09:00-13:00"
// (partial days, with their open hours), sorted.
std::vector<std::string> holiday_days(const rt::HolidaySet& set, int year, bool& ok) {
  std::vector<std::string> out;
  auto dates = set.dates_in_year(year);
  auto partial = set.partial_days_in_year(year);
  ok = dates && partial;
  if (!ok) return out;
  for (rt::Date d : *dates) out.push_back(rt::format_date(d));
  for (const rt::PartialDay& p : *partial) out.push_back(rt::format_date(p.date) + " " + rt::format_ranges(p.open));
  std::sort(out.begin(), out.end());
  return out;
}

// The holiday dates (and partial days) of two sets that differ, within the range both are
// valid for: how many appear and disappear, and the first ones (at most kListed of each) from
// `start_year` on (the policy's effective year) or, when none differ from then, from the start.
Json holiday_dates(const rt::HolidaySet& a, const rt::HolidaySet& b, int start_year) {
  constexpr size_t kListed = 20;
  std::vector<std::pair<int, std::string>> added, removed;
  int from = std::max(a.valid_from(), b.valid_from()), to = std::min(a.valid_to(), b.valid_to());
  for (int y = from; y <= to; ++y) {
    bool ok_a = false, ok_b = false;
    std::vector<std::string> da = holiday_days(a, y, ok_a), db = holiday_days(b, y, ok_b);
    if (!ok_a || !ok_b) continue;
    for (const std::string& d : db)
      if (!std::binary_search(da.begin(), da.end(), d)) added.emplace_back(y, d);
    for (const std::string& d : da)
      if (!std::binary_search(db.begin(), db.end(), d)) removed.emplace_back(y, d);
  }
  auto later = [&](const auto& v) {
    return std::any_of(v.begin(), v.end(), [&](const auto& e) { return e.first >= start_year; });
  };
  const int list_from = later(added) || later(removed) ? start_year : from;
  auto listed = [&](const std::vector<std::pair<int, std::string>>& v) {
    Json out = Json::array();
    for (const auto& [year, day] : v)
      if (year >= list_from && out.size() < kListed) out.push_back(day);
    return out;
  };
  return Json{{"added", listed(added)},
              {"removed", listed(removed)},
              {"added_count", added.size()},
              {"removed_count", removed.size()},
              {"years", Json{{"from", from}, {"to", to}}}};
}

// "101 date(s) appear, 101 disappear (2000-2100)"
std::string holiday_summary(const Json& dates) {
  return fmt::format("{} date(s) appear, {} disappear ({}-{})", dates["added_count"].get<size_t>(),
                     dates["removed_count"].get<size_t>(), dates["years"]["from"].get<int>(),
                     dates["years"]["to"].get<int>());
}

const ir::Value* constant_of(const ir::Program& p, int value) {
  ir::NodeId body = p.values[static_cast<size_t>(value)].body;
  if (body < 0 || p.nodes[static_cast<size_t>(body)].op != ir::Op::Const) return nullptr;
  return &p.consts[static_cast<size_t>(p.nodes[static_cast<size_t>(body)].aux)];
}

std::vector<std::pair<std::string, std::string>> exclusion_entries(const ir::Program& p, int value) {
  std::vector<std::pair<std::string, std::string>> out;
  ir::NodeId body = p.values[static_cast<size_t>(value)].body;
  if (body < 0) return out;
  const ir::Node& n = p.nodes[static_cast<size_t>(body)];
  for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
    const ir::Node& id = p.nodes[static_cast<size_t>(n.args[i])];
    std::string name = id.op == ir::Op::Const && p.consts[static_cast<size_t>(id.aux)].kind() == ir::Value::Kind::Text
                           ? p.consts[static_cast<size_t>(id.aux)].as_text()
                           : squeeze(p.node_text(n.args[i]));
    out.emplace_back(name, squeeze(p.node_text(n.args[i + 1])));
  }
  return out;
}

}  // namespace

std::vector<SchemaChange> schema_changes(const ir::Program& a, const ir::Program& b) {
  std::vector<SchemaChange> out;
  for (const auto& in : a.inputs) {
    int j = b.find_input(in.name);
    ir::Type ta = in.optional ? in.type.as_optional() : in.type;
    if (j < 0) {
      out.push_back({in.name, "removed", type_text(ta, a.schema), "", true});
      continue;
    }
    const auto& other = b.inputs[static_cast<size_t>(j)];
    ir::Type tb = other.optional ? other.type.as_optional() : other.type;
    diff_type(in.name, ta, a.schema, tb, b.schema, out);
  }
  for (const auto& in : b.inputs)
    if (a.find_input(in.name) < 0) {
      ir::Type tb = in.optional ? in.type.as_optional() : in.type;
      out.push_back({in.name, "added", "", type_text(tb, b.schema), !in.optional});
    }
  return out;
}

std::vector<DeclarationChange> declaration_changes(const ir::Program& a, const ir::Program& b) {
  std::vector<DeclarationChange> out;
  // Tables: rows as written, compared with white space squeezed.
  auto find_table = [](const ir::Program& p, const std::string& name) {
    for (size_t i = 0; i < p.tables.size(); ++i)
      if (p.tables[i].name == name) return static_cast<int>(i);
    return -1;
  };
  auto rows_of = [](const ir::Program& p, int t) {
    std::vector<std::string> rows;
    for (size_t r = 0; r < p.tables[static_cast<size_t>(t)].rows.size(); ++r) {
      const ir::Loc* loc = p.row_loc(t, static_cast<int>(r));
      const SourceFile* f = loc ? p.file_of(*loc) : nullptr;
      rows.push_back(f ? squeeze(f->slice(loc->span)) : fmt::format("row {}", r + 1));
    }
    return rows;
  };
  for (size_t i = 0; i < a.tables.size(); ++i) {
    const auto& ta = a.tables[i];
    int j = find_table(b, ta.name);
    if (j < 0) {
      out.push_back({"table", ta.name, "table removed", Json::object()});
      continue;
    }
    const auto& tb = b.tables[static_cast<size_t>(j)];
    auto ra = rows_of(a, static_cast<int>(i)), rb = rows_of(b, j);
    Json added = Json::array(), removed = Json::array();
    for (const auto& r : rb)
      if (std::find(ra.begin(), ra.end(), r) == ra.end()) added.push_back(r);
    for (const auto& r : ra)
      if (std::find(rb.begin(), rb.end(), r) == rb.end()) removed.push_back(r);
    std::vector<std::string> notes;
    if (!added.empty() || !removed.empty())
      notes.push_back(fmt::format("{} row(s) added, {} removed", added.size(), removed.size()));
    else if (ra != rb)
      notes.push_back("rows reordered");
    if (ta.hit_first != tb.hit_first) notes.push_back(tb.hit_first ? "now hit first" : "now hit unique");
    if (ta.given_names != tb.given_names) notes.push_back("given columns changed");
    if (ta.clause != tb.clause) notes.push_back(fmt::format("clause \"{}\" -> \"{}\"", ta.clause, tb.clause));
    if (notes.empty()) continue;
    std::string summary;
    for (const auto& n : notes) summary += (summary.empty() ? "" : "; ") + n;
    out.push_back({"table", ta.name, summary, Json{{"rows", Json{{"added", added}, {"removed", removed}}}}});
  }
  for (const auto& tb : b.tables)
    if (find_table(a, tb.name) < 0) out.push_back({"table", tb.name, "table added", Json::object()});

  // Calendars: hours, business day, zone and holidays as written.
  auto find_calendar = [](const ir::Program& p, const std::string& name) {
    for (size_t i = 0; i < p.calendars.size(); ++i)
      if (p.calendars[i].name == name) return static_cast<int>(i);
    return -1;
  };
  for (const auto& ca : a.calendars) {
    int j = find_calendar(b, ca.name);
    if (j < 0) {
      out.push_back({"calendar", ca.name, "calendar removed", Json::object()});
      continue;
    }
    const auto& cb = b.calendars[static_cast<size_t>(j)];
    std::vector<std::string> notes;
    Json details = Json::object();
    // Hours from a schedule are the schedule's business (below); the line that names it is the
    // calendar's.
    std::string ha = ca.schedule >= 0 ? "schedule " + squeeze(a.node_text(ca.schedule)) : hours_text(ca.hours);
    std::string hb = cb.schedule >= 0 ? "schedule " + squeeze(b.node_text(cb.schedule)) : hours_text(cb.hours);
    if (ha != hb) {
      notes.push_back("hours " + ha + " -> " + hb);
      details["hours"] = Json{{"old", ha}, {"new", hb}};
    }
    if (ca.business_day != cb.business_day) {
      notes.push_back(fmt::format("business day {} h -> {} h", ca.business_day / 3600.0, cb.business_day / 3600.0));
      details["business_day_seconds"] = Json{{"old", ca.business_day}, {"new", cb.business_day}};
    }
    std::string za = squeeze(a.node_text(ca.zone)), zb = squeeze(b.node_text(cb.zone));
    if (za != zb) {
      notes.push_back("zone " + za + " -> " + zb);
      details["zone"] = Json{{"old", za}, {"new", zb}};
    }
    std::string xa = ca.holidays >= 0 ? squeeze(a.node_text(ca.holidays)) : "none";
    std::string xb = cb.holidays >= 0 ? squeeze(b.node_text(cb.holidays)) : "none";
    if (xa != xb) {
      notes.push_back("holidays " + xa + " -> " + xb);
      details["holidays"] = Json{{"old", xa}, {"new", xb}};
    }
    if (ca.clause != cb.clause) notes.push_back(fmt::format("clause \"{}\" -> \"{}\"", ca.clause, cb.clause));
    if (notes.empty()) continue;
    std::string summary;
    for (const auto& n : notes) summary += (summary.empty() ? "" : "; ") + n;
    out.push_back({"calendar", ca.name, summary, details});
  }
  for (const auto& cb : b.calendars)
    if (find_calendar(a, cb.name) < 0) out.push_back({"calendar", cb.name, "calendar added", Json::object()});

  // Schedules: hours and clause.
  auto find_schedule = [](const ir::Program& p, const std::string& name) {
    for (size_t i = 0; i < p.schedules.size(); ++i)
      if (p.schedules[i].name == name) return static_cast<int>(i);
    return -1;
  };
  for (const auto& sa : a.schedules) {
    int j = find_schedule(b, sa.name);
    if (j < 0) {
      out.push_back({"schedule", sa.name, "schedule removed", Json::object()});
      continue;
    }
    const auto& sb = b.schedules[static_cast<size_t>(j)];
    std::vector<std::string> notes;
    Json details = Json::object();
    std::string ha = hours_text(sa.hours), hb = hours_text(sb.hours);
    if (ha != hb) {
      notes.push_back("hours " + ha + " -> " + hb);
      details["hours"] = Json{{"old", ha}, {"new", hb}};
    }
    if (sa.clause != sb.clause) notes.push_back(fmt::format("clause \"{}\" -> \"{}\"", sa.clause, sb.clause));
    if (notes.empty()) continue;
    std::string summary;
    for (const auto& n : notes) summary += (summary.empty() ? "" : "; ") + n;
    out.push_back({"schedule", sa.name, summary, details});
  }
  for (const auto& sb : b.schedules)
    if (find_schedule(a, sb.name) < 0) out.push_back({"schedule", sb.name, "schedule added", Json::object()});

  // `holidays NAME` declarations: constants wherever they are used (a calendar's `except`, a
  // union, a `match`), compared by name when both versions use a set of that name.
  auto declared_sets = [](const ir::Program& p) {
    std::map<std::string, const rt::HolidaySet*> sets;
    for (const ir::Node& n : p.nodes)
      if (n.op == ir::Op::Const && n.type.kind == TypeKind::Holidays) {
        const ir::Value& v = p.consts[static_cast<size_t>(n.aux)];
        if (v.kind() == ir::Value::Kind::Holidays && v.as_holidays() && !v.as_holidays()->name().empty())
          sets.emplace(std::string(v.as_holidays()->name()), v.as_holidays().get());
      }
    return sets;
  };
  const auto sets_a = declared_sets(a), sets_b = declared_sets(b);
  const ir::Program& dated = b.effective ? b : a;
  const int effective_year = dated.effective ? rt::civil(*dated.effective).year : 0;
  for (const auto& [name, set_a] : sets_a) {
    auto it = sets_b.find(name);
    if (it == sets_b.end() || set_a->key() == it->second->key() || b.find_value(name) >= 0) continue;
    Json dates = holiday_dates(*set_a, *it->second, effective_year);
    out.push_back({"holidays", name, holiday_summary(dates), Json{{"dates", dates}}});
  }

  // Values: holiday sets (dates), exclusions (entries), clauses.
  for (size_t i = 0; i < a.values.size(); ++i) {
    const auto& va = a.values[i];
    int j = b.find_value(va.name);
    if (j < 0) continue;
    const auto& vb = b.values[static_cast<size_t>(j)];
    if (va.type.kind == TypeKind::Holidays && !va.type.optional) {
      const ir::Value *ka = constant_of(a, static_cast<int>(i)), *kb = constant_of(b, j);
      if (ka && kb && ka->as_holidays()->key() != kb->as_holidays()->key()) {
        Json dates = holiday_dates(*ka->as_holidays(), *kb->as_holidays(), effective_year);
        out.push_back({"holidays", va.name, holiday_summary(dates), Json{{"dates", dates}}});
      }
    }
    if (va.is_exclusions && vb.is_exclusions) {
      auto ea = exclusion_entries(a, static_cast<int>(i)), eb = exclusion_entries(b, j);
      Json added = Json::array(), removed = Json::array(), changed = Json::array();
      std::vector<std::string> order_a, order_b;
      for (const auto& entry : eb) {
        const std::string &id = entry.first, &cond = entry.second;
        auto it = std::find_if(ea.begin(), ea.end(), [&](const auto& e) { return e.first == id; });
        if (it == ea.end())
          added.push_back(Json{{"id", id}, {"when", cond}});
        else if (it->second != cond)
          changed.push_back(Json{{"id", id}, {"old", it->second}, {"new", cond}});
        else
          order_b.push_back(id);
      }
      for (const auto& entry : ea) {
        const std::string &id = entry.first, &cond = entry.second;
        auto it = std::find_if(eb.begin(), eb.end(), [&](const auto& e) { return e.first == id; });
        if (it == eb.end())
          removed.push_back(Json{{"id", id}, {"when", cond}});
        else if (it->second == cond)
          order_a.push_back(id);
      }
      bool reordered = order_a != order_b;
      if (!added.empty() || !removed.empty() || !changed.empty() || reordered) {
        std::vector<std::string> notes;
        if (!added.empty())
          notes.push_back(fmt::format("{} entr{} added", added.size(), added.size() == 1 ? "y" : "ies"));
        if (!removed.empty()) notes.push_back(fmt::format("{} removed", removed.size()));
        if (!changed.empty()) notes.push_back(fmt::format("{} condition(s) changed", changed.size()));
        if (reordered) notes.push_back("reordered");
        std::string summary;
        for (const auto& n : notes) summary += (summary.empty() ? "" : ", ") + n;
        out.push_back({"exclusions", va.name, summary,
                       Json{{"added", added}, {"removed", removed}, {"changed", changed}, {"reordered", reordered}}});
      }
    }
    if (va.clause != vb.clause)
      out.push_back({"clause", va.name, fmt::format("clause \"{}\" -> \"{}\"", va.clause, vb.clause),
                     Json{{"old", va.clause}, {"new", vb.clause}}});
  }
  return out;
}

}  // namespace proviso::diff

// Hover (features.h): what a name is (its kind, type, clause and comment; a calendar's hours,
// zone and next holidays; a holiday set's dates this year and next), a table row, or the type
// of the expression under the cursor.
#include <chrono>
#include <ctime>

#include <fmt/format.h>
#include <proviso/rt/calendar.h>
#include <proviso/rt/holidays.h>
#include <proviso/rt/time.h>

#include "compiler/explain/render.h"
#include "compiler/interp/interpreter.h"
#include "lsp/features.h"

namespace proviso::lsp {

namespace {

// The `--` comment lines right above `begin` (no blank line between), without the dashes.
std::string comment_above(const Analysis& a, uint32_t begin) {
  const std::string& text = a.doc.text;
  std::vector<std::string> lines;
  const auto& comments = a.parsed.module.comments;
  uint32_t next = begin;
  for (auto it = comments.rbegin(); it != comments.rend(); ++it) {
    if (it->span.end > next) continue;
    // Only a line break (and indentation) between this comment and what follows it.
    std::string_view between(text.data() + it->span.end, next - it->span.end);
    if (std::count(between.begin(), between.end(), '\n') != 1 ||
        between.find_first_not_of(" \t\r\n") != std::string_view::npos)
      break;
    // The comment starts its line.
    uint32_t line_start = it->span.begin;
    while (line_start > 0 && text[line_start - 1] != '\n') --line_start;
    std::string_view before(text.data() + line_start, it->span.begin - line_start);
    if (before.find_first_not_of(" \t") != std::string_view::npos) break;
    std::string line = it->text.substr(std::min<size_t>(2, it->text.size()));
    if (!line.empty() && line[0] == ' ') line.erase(0, 1);
    if (line.find_first_not_of('-') == std::string::npos) break;  // a ruler line
    lines.insert(lines.begin(), line);
    next = line_start;
  }
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

rt::Date today() { return static_cast<rt::Date>(std::time(nullptr) / rt::kSecondsPerDay); }

std::string holiday_lines(const rt::HolidaySet& set, rt::Date from, int count) {
  std::string out;
  int shown = 0;
  for (int year = rt::civil(from).year; year <= rt::civil(from).year + 1 && shown < count; ++year) {
    auto dates = set.dates_in_year(year);
    if (!dates) break;
    for (rt::Date d : *dates) {
      if (d < from || shown >= count) continue;
      std::string name = set.holiday_name(d);
      out += fmt::format("- {}{}\n", explain::long_date(d), name.empty() ? "" : " — " + name);
      ++shown;
    }
  }
  return out;
}

std::string year_dates(const rt::HolidaySet& set, int year) {
  auto dates = set.dates_in_year(year);
  if (!dates) return fmt::format("{}: {}\n", year, dates.error().message);
  std::string out = fmt::format("**{}**\n", year);
  for (rt::Date d : *dates) {
    std::string name = set.holiday_name(d);
    out += fmt::format("- {} {}{}\n", rt::format_date(d), explain::long_date(d).substr(0, 3),
                       name.empty() ? "" : " — " + name);
  }
  return out;
}

// "9 hours", "7 hours 30 minutes".
std::string clock_length(int64_t seconds) {
  int64_t h = seconds / 3600, m = seconds % 3600 / 60;
  std::string out = fmt::format("{} hour{}", h, h == 1 ? "" : "s");
  if (m) out += fmt::format(" {} minute{}", m, m == 1 ? "" : "s");
  return out;
}

// A constant expression's value, when it is constant.
std::optional<ir::Value> constant(const ir::Program& p, ir::NodeId id) {
  if (id < 0) return std::nullopt;
  interp::Interpreter in(p);
  ir::Value v;
  ir::EvalError err;
  if (!in.evaluate_constant(id, &v, &err)) return std::nullopt;
  return v;
}

std::string calendar_details(const ir::Program& p, const std::string& name) {
  for (const ir::CalendarDef& c : p.calendars) {
    if (c.name != name) continue;
    std::string out;
    if (c.schedule != ir::kNoNode) {
      out += fmt::format("hours: from the schedule `{}`\n\n", p.node_text(c.schedule));
    } else {
      out += "hours:\n";
      for (int day = 0; day < 7; ++day) {
        std::string ranges = rt::format_ranges(c.hours.days[static_cast<size_t>(day)]);
        out += fmt::format("- {}: {}\n", ast::weekday_name(day), ranges.empty() ? "closed" : ranges);
      }
      out += "\n";
    }
    std::optional<ir::Value> zone = constant(p, c.zone);
    if (zone && std::holds_alternative<ir::ZoneValue>(zone->v) && std::get<ir::ZoneValue>(zone->v).zone) {
      out += fmt::format("zone: `{}`\n\n", std::get<ir::ZoneValue>(zone->v).zone->name());
    } else if (c.zone != ir::kNoNode) {
      out += fmt::format("zone: `{}` (from the inputs)\n\n", p.node_text(c.zone));
    }
    out += fmt::format("business day: {}\n\n", clock_length(c.business_day));
    if (c.holidays != ir::kNoNode) {
      std::optional<ir::Value> hol = constant(p, c.holidays);
      if (hol && std::holds_alternative<ir::HolidaysValue>(hol->v)) {
        out += "next holidays:\n" + holiday_lines(*hol->as_holidays(), today(), 5);
      } else {
        out += fmt::format("holidays: `{}` (from the inputs)\n", p.node_text(c.holidays));
      }
    }
    return out;
  }
  return "";
}

std::string holiday_details(const ir::Program& p, const std::string& name) {
  for (const ir::Value& v : p.consts) {
    if (!std::holds_alternative<ir::HolidaysValue>(v.v)) continue;
    const rt::HolidaySet& set = *v.as_holidays();
    if (set.name() != name) continue;
    int year = rt::civil(today()).year;
    return year_dates(set, year) + "\n" + year_dates(set, year + 1);
  }
  return "";
}

Json markdown(const std::string& text, const LineMap& map, Span span) {
  return Json{{"contents", {{"kind", "markdown"}, {"value", text}}}, {"range", map.range(span)}};
}

}  // namespace

Json hover(const Analysis& a, const LineMap& map, uint32_t offset) {
  Span where;
  int32_t id = a.entity_at(offset, &where);
  if (id >= 0) {
    const sema::Entity& e = a.index.entities[static_cast<size_t>(id)];
    std::string text = fmt::format("**{}** `{}{}`", sema::entity_kind_word(e.kind),
                                   e.owner.empty() || e.kind == sema::EntityKind::Local ? "" : e.owner + ".", e.name);
    if (!e.type.empty() && e.kind != sema::EntityKind::Member) text += fmt::format(": `{}`", e.type);
    if (!e.clause.empty()) text += fmt::format("\n\nclause \"{}\"", e.clause);
    if (e.file == 0 && e.decl_span.size() > 0) {
      std::string comment = comment_above(a, e.decl_span.begin);
      if (!comment.empty()) text += "\n\n" + comment;
    } else if (e.file > 0 && static_cast<size_t>(e.file) < a.index.files.size()) {
      text += fmt::format("\n\ndeclared in `{}`", a.index.files[static_cast<size_t>(e.file)]->path());
    }
    if (const ir::Program* p = a.program()) {
      std::string more;
      if (e.kind == sema::EntityKind::Calendar) more = calendar_details(*p, e.name);
      if (e.kind == sema::EntityKind::Holidays) more = holiday_details(*p, e.name);
      if (!more.empty()) text += "\n\n" + more;
    }
    return markdown(text, map, where);
  }
  // A table row: its number and the table's clause.
  for (const ast::Decl& d : a.parsed.module.decls) {
    const ast::TableDecl* t = d.table_decl();
    if (!t || offset < d.span.begin || offset > d.span.end) continue;
    for (size_t r = 0; r < t->rows.size(); ++r) {
      Span row = t->rows[r].span;
      if (offset < row.begin || offset > row.end) continue;
      std::string text = fmt::format("**row {}** of the table `{}`", r + 1, t->name.text);
      if (t->clause) text += fmt::format("\n\nclause \"{}\"", t->clause->text);
      return markdown(text, map, row);
    }
  }
  // The innermost expression here with a type.
  const sema::TypedSpan* best = nullptr;
  for (const sema::TypedSpan& t : a.index.types) {
    if (t.file != 0 || offset < t.span.begin || offset > t.span.end) continue;
    if (!best || t.span.size() < best->span.size()) best = &t;
  }
  if (!best) return nullptr;
  std::string code = explain::one_line(a.source->slice(best->span));
  if (code.size() > 80) code = code.substr(0, 77) + "...";
  return markdown(fmt::format("`{}`: `{}`", code, best->type), map, best->span);
}

}  // namespace proviso::lsp

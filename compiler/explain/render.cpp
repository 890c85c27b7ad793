// Explanation rendering: text for people, JSON for programs.
#include "compiler/explain/render.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/eval_rules.h"

namespace proviso::explain {
namespace {

using Step = ir::Step;

constexpr const char* kWeekdays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};

const char* weekday_name(rt::Date d) {
  int w = rt::weekday(d);
  return w >= 0 && w < 7 ? kWeekdays[w] : "?";
}

std::string loc_text(const ir::Program& p, const ir::Loc* loc) {
  if (!loc) return {};
  const SourceFile* f = p.file_of(*loc);
  return f ? one_line(f->slice(loc->span)) : std::string();
}

std::string row_text(const ir::Program& p, const std::string& table, int row) {
  for (size_t t = 0; t < p.tables.size(); ++t)
    if (p.tables[t].name == table) return loc_text(p, p.row_loc(static_cast<int>(t), row - 1));
  return {};
}

std::string step_loc_text(const ir::Program& p, int32_t loc) {
  if (loc < 0 || static_cast<size_t>(loc) >= p.locs.size()) return {};
  return loc_text(p, &p.locs[loc]);
}

const ir::Value* decision_value(const ir::EvalResult& r, int32_t index) {
  for (const auto& [i, v] : r.decisions)
    if (i == index) return &v;
  return nullptr;
}

std::string holiday_line(rt::Date d, const std::string& name) {
  std::string s = long_date(d) + " is a holiday";
  if (!name.empty()) s += " (" + name + ")";
  return s;
}

// "Thursday 24 December 2026 is a partial day (Christmas Eve): working time 09:00-13:00 only".
std::string partial_day_line(const ir::Step::Cut& cut) {
  std::string s = long_date(cut.date) + " is a partial day";
  if (!cut.name.empty()) s += " (" + cut.name + ")";
  return s + (cut.left.empty() ? ": no working time" : ": working time " + rt::format_ranges(cut.left) + " only");
}

std::string fmt_value(const ir::Program& p, const ir::EvalResult& r, const ir::Value& v, const ir::Type& t) {
  return records::format_value(v, t, p.schema, r.home_zone);
}

// "items 3 and 4", "item 2", "items 1, 2, 5 and 7 more".
std::string item_list(const ir::Step& s, bool with_values, const ir::Program& p, const ir::EvalResult& r) {
  std::vector<std::string> parts;
  for (const auto& [index, value] : s.items)
    parts.push_back(with_values ? fmt::format("item {} gives {}", index, fmt_value(p, r, value, s.item_type))
                                : std::to_string(index));
  int64_t more = s.decided - static_cast<int64_t>(s.items.size());
  if (more > 0) parts.push_back(fmt::format("{} more", more));
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  if (with_values) return out;
  return (s.decided == 1 ? "item " : "items ") + out;
}

// The items an aggregation's exclusions skipped, by clause in the order the clauses first
// skip one: `; excluded: item 2 by clause "2(a)", items 4 and 5 by clause "2(b)"`.
std::string excluded_part(const ir::Step& s) {
  if (s.excluded_count == 0) return s.excludes ? "; no item excluded" : "";
  std::vector<std::pair<std::string, std::vector<int64_t>>> by_clause;
  for (const std::pair<int64_t, std::string>& item : s.excluded) {
    const std::string& clause = item.second;
    auto it = std::find_if(by_clause.begin(), by_clause.end(), [&](const auto& c) { return c.first == clause; });
    if (it == by_clause.end()) it = by_clause.insert(by_clause.end(), {clause, {}});
    it->second.push_back(item.first);
  }
  std::string out = "; excluded: ";
  for (size_t c = 0; c < by_clause.size(); ++c) {
    const auto& [clause, indices] = by_clause[c];
    out += c ? ", " : "";
    out += indices.size() == 1 ? "item " : "items ";
    for (size_t i = 0; i < indices.size(); ++i)
      out += (i == 0 ? "" : i + 1 == indices.size() ? " and " : ", ") + std::to_string(indices[i]);
    out += fmt::format(" by clause \"{}\"", clause);
  }
  int64_t more = s.excluded_count - static_cast<int64_t>(s.excluded.size());
  if (more > 0) out += fmt::format(", and {} more", more);
  return out;
}

// What an aggregation counted, summed or chose, over which items, and its result:
//   `sum i in case.items: i.minutes` = 45 over 3 items: item 1 gives 30, item 3 gives 15 (the
//   other gives 0)
std::string aggregate_result(const ir::Program& p, const ir::EvalResult& r, const ir::Step& s);

std::string aggregate_line(const ir::Program& p, const ir::EvalResult& r, const ir::Step& s) {
  return aggregate_result(p, r, s) + excluded_part(s);
}

std::string aggregate_result(const ir::Program& p, const ir::EvalResult& r, const ir::Step& s) {
  const std::string expr = "`" + one_line(s.text) + "`";
  const std::string value = fmt_value(p, r, s.value, s.type);
  const int64_t n = s.row;
  const std::string of_n = fmt::format("{} item{}", n, n == 1 ? "" : "s");
  // `all` and `any` over what the exclusions left: "all 3 items", "the 2 items not excluded"
  const int64_t kept = n - s.excluded_count;
  const std::string all_n =
      s.excluded_count == 0 ? "all " + of_n : fmt::format("the {} item{} not excluded", kept, kept == 1 ? "" : "s");
  if (n == 0) return fmt::format("{} = {}: the list is empty", expr, value);
  if (kept == 0) return fmt::format("{} = {} over {}: every item is excluded", expr, value, of_n);
  if (s.name == "sum") {
    if (s.decided == 0)
      return fmt::format("{} = {} over {}: {}", expr, value, of_n, kept == n ? "each gives 0" : "the others give 0");
    std::string line = fmt::format("{} = {} over {}: {}", expr, value, of_n, item_list(s, true, p, r));
    int64_t zero = kept - s.decided;
    if (zero > 0) line += fmt::format(" (the other{} give{} 0)", zero == 1 ? "" : "s", zero == 1 ? "s" : "");
    return line;
  }
  if (s.name == "filter") {
    if (s.decided == 0) return fmt::format("{} keeps none of {}", expr, of_n);
    return fmt::format("{} keeps {} of {}", expr, item_list(s, false, p, r), of_n);
  }
  if ((s.name == "min_by" || s.name == "max_by") && !s.items.empty())  // the item chosen, by its value
    return fmt::format("{} chose item {} of {}, by {}", expr, s.items.front().first, of_n,
                       fmt_value(p, r, s.items.front().second, s.item_type));
  if (s.name == "count") {
    if (s.decided == 0) return fmt::format("{} = 0 of {}", expr, of_n);
    return fmt::format("{} = {} of {}: {}", expr, value, of_n, item_list(s, false, p, r));
  }
  if (s.name == "any")
    return s.decided > 0 ? fmt::format("{} is true: {} of {}", expr, item_list(s, false, p, r), of_n)
                         : fmt::format("{} is false for {}", expr, all_n);
  if (s.name == "all")
    return s.decided > 0 ? fmt::format("{} is false: {} of {} does not hold", expr, item_list(s, false, p, r), of_n)
                         : fmt::format("{} is true for {}", expr, all_n);
  return fmt::format("{} = {} over {}: {}", expr, value, of_n, item_list(s, false, p, r));  // min, max
}

// Working time in hours, minutes and seconds ("24 hours", not "1 day", which reads as a
// calendar day).
std::string working_words(const ir::Value& v) {
  if (v.kind() != ir::Value::Kind::Duration) return "?";
  int64_t seconds = v.as_duration();
  if (seconds == 0) return "0 hours";
  std::string out = seconds < 0 ? "-" : "";
  uint64_t s = seconds < 0 ? 0 - static_cast<uint64_t>(seconds) : static_cast<uint64_t>(seconds);
  std::string parts;
  auto add = [&](uint64_t n, const char* unit) {
    if (n == 0) return;
    parts += fmt::format("{}{} {}{}", parts.empty() ? "" : " ", n, unit, n == 1 ? "" : "s");
  };
  add(s / 3600, "hour");
  add(s / 60 % 60, "minute");
  add(s % 60, "second");
  return out + parts;
}

// What a calendar computed, by its operation (ir::Step::operation).
std::string calendar_line(const ir::Program& p, const ir::EvalResult& r, const ir::Step& s, const std::string& cal) {
  const ir::Type datetime = ir::Type::of(ir::TypeKind::DateTime);
  auto at = [&](const ir::Value& v) { return fmt_value(p, r, v, datetime); };
  if (s.operation == "working_time")
    return fmt::format("working time in {} from {} to {} = {}", cal, at(s.start), at(s.end), working_words(s.value));
  if (s.operation == "is_open")
    return fmt::format("{} is {} at {}", cal,
                       s.value.kind() == ir::Value::Kind::Bool && s.value.as_bool() ? "open" : "closed", at(s.start));
  if (s.operation == "next_opening")
    return s.value.kind() == ir::Value::Kind::DateTime && s.start.kind() == ir::Value::Kind::DateTime &&
                   s.value.as_datetime() == s.start.as_datetime()
               ? fmt::format("{} is open at {}", cal, at(s.start))
               : fmt::format("{} opens next after {} at {}", cal, at(s.start), at(s.value));
  if (s.operation == "business_length")
    return fmt::format("{} in {} = {} of working time", s.amount, cal, working_words(s.value));
  return fmt::format("{} + {} in {}\n    = {}", at(s.start), s.amount, cal, at(s.value));
}

records::Json holiday_json(rt::Date d, const std::string& name) {
  records::Json h = records::Json::object();
  h["date"] = rt::format_date(d);
  h["weekday"] = weekday_name(d);
  h["name"] = name;
  return h;
}

}  // namespace

std::string one_line(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

std::string long_date(rt::Date date) {
  rt::CivilDate c = rt::civil(date);
  const char* month = c.month >= 1 && c.month <= 12 ? kMonths[c.month - 1] : "?";
  return fmt::format("{} {} {} {}", weekday_name(date), c.day, month, c.year);
}

namespace {

// `reinstatement_fee failed (clause 2.3): division by zero` and where.
void failure_block(std::string& out, const ir::Program& p, const records::DecisionFailure& f) {
  const ir::ValueDef& def = p.values[static_cast<size_t>(f.value)];
  if (!out.empty()) out += "\n";
  out += def.name + " failed";
  if (!def.clause.empty()) out += " (clause " + def.clause + ")";
  out += ":\n  - ";
  if (f.path != def.name) out += f.path + ": ";
  out += f.message + "\n  - at " + f.location + "\n";
}

}  // namespace

std::string render_text(const ir::Program& p, const ir::EvalResult& r,
                        std::span<const records::DecisionFailure> failed) {
  std::string out;
  const ir::Type datetime = ir::Type::of(ir::TypeKind::DateTime);
  size_t next_failure = 0;  // failures go between the decisions, in declaration order
  for (const auto& ex : r.explanations) {
    if (ex.value < 0 || static_cast<size_t>(ex.value) >= p.values.size()) continue;
    while (next_failure < failed.size() && failed[next_failure].value < ex.value)
      failure_block(out, p, failed[next_failure++]);
    const ir::ValueDef& def = p.values[ex.value];
    const ir::Value* v = decision_value(r, ex.value);
    if (!out.empty()) out += "\n";
    out += def.name;
    out += " = ";
    // The decision's own value as the JSON line writes it (money at its minor unit); the steps
    // below keep every digit of the values that led to it.
    out += v ? records::format_value(*v, def.type, p.schema, r.home_zone, records::MoneyDigits::Output) : "?";
    if (!def.clause.empty()) out += " (clause " + def.clause + ")";
    std::vector<std::string> lines;
    std::set<std::string> seen;
    std::set<std::string> facts;  // "name = value" already stated, so `name` is true adds nothing
    auto add = [&](std::string line) {
      if (seen.insert(line).second) lines.push_back(std::move(line));
    };
    std::set<rt::Date> shown_holidays;
    for (const Step& s : ex.steps) {
      switch (s.kind) {
        case Step::Kind::Input:
          facts.insert(s.name + " = " + fmt_value(p, r, s.value, s.type));
          add(s.name + " = " + fmt_value(p, r, s.value, s.type));
          break;
        case Step::Kind::Uses: {
          std::string line = s.name + " = " + fmt_value(p, r, s.value, s.type);
          facts.insert(line);  // the fact without its clause, for the checks below
          if (!s.clause.empty()) line += " (clause " + s.clause + ")";
          add(std::move(line));
          break;
        }
        case Step::Kind::Branch: {
          // `x` is true right after `x = true` says nothing new.
          std::string text = one_line(s.text);  // a condition may span lines
          if (!facts.contains(text + (s.taken ? " = true" : " = false")))
            add(fmt::format("`{}` is {}", text, s.taken ? "true" : "false"));
          break;
        }
        case Step::Kind::MatchArm: {
          std::string value = s.type.is_error() ? std::string() : fmt_value(p, r, s.value, s.type);
          if (value.empty())
            add(fmt::format("match on `{}`", s.text));
          else if (!facts.contains(s.text + " = " + value))
            add(fmt::format("match on `{}`: {}", s.text, value));
          break;
        }
        case Step::Kind::TableRow: {
          std::string line = fmt::format("table `{}` row {}", s.name, s.row);
          if (!s.clause.empty()) line += " (clause " + s.clause + ")";
          std::string row = s.text.empty() ? row_text(p, s.name, s.row) : one_line(s.text);
          if (!row.empty()) line += ": " + row;
          add(std::move(line));
          break;
        }
        case Step::Kind::Exclusion: {
          std::string line = fmt::format("exclusion \"{}\" applies", s.text);
          if (!s.clause.empty() && s.clause != s.text) line += " (clause " + s.clause + ")";
          std::string src = s.name.empty() ? step_loc_text(p, s.loc) : one_line(s.name);
          if (!src.empty()) line += ": " + src;
          add(std::move(line));
          break;
        }
        case Step::Kind::Calendar: {
          std::string cal = s.calendar;
          if (!s.schedule.empty()) cal += " with schedule " + s.schedule;  // hours chosen by an expression
          if (!s.zone.empty()) cal += " (" + s.zone + ")";
          add(calendar_line(p, r, s, cal));
          // Holidays and partial days, in date order.
          std::vector<std::pair<rt::Date, std::string>> days;
          for (const auto& [d, name] : s.holidays)
            if (shown_holidays.insert(d).second) days.emplace_back(d, holiday_line(d, name));
          for (const ir::Step::Cut& cut : s.partial_days)
            if (shown_holidays.insert(cut.date).second) days.emplace_back(cut.date, partial_day_line(cut));
          std::stable_sort(days.begin(), days.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
          for (auto& day : days) add(std::move(day.second));
          for (const ir::Step::Paused& pause : s.pauses)
            add(fmt::format("the clock stopped from {} until {}: {} of working time",
                            fmt_value(p, r, ir::Value(ir::DateTimeValue{pause.from}), datetime),
                            fmt_value(p, r, ir::Value(ir::DateTimeValue{pause.until}), datetime),
                            ir::duration_words(pause.working)));
          break;
        }
        case Step::Kind::Holiday:
          for (const auto& [d, name] : s.holidays)
            if (shown_holidays.insert(d).second) add(holiday_line(d, name));
          break;
        case Step::Kind::Aggregate:
          // `any ...` is true right after the aggregation said so adds nothing.
          facts.insert(one_line(s.text) + " = " + fmt_value(p, r, s.value, s.type));
          add(aggregate_line(p, r, s));
          break;
      }
      if (s.kind == Step::Kind::Holiday && s.holidays.empty()) {
        // A single holiday carried in value/text: the date as a Date value.
        if (s.value.kind() == ir::Value::Kind::Date && shown_holidays.insert(s.value.as_date()).second)
          add(holiday_line(s.value.as_date(), s.text));
      }
    }
    if (!lines.empty()) {
      out += " because:\n";
      for (const auto& l : lines) out += "  - " + l + "\n";
    } else {
      out += "\n";
    }
  }
  while (next_failure < failed.size()) failure_block(out, p, failed[next_failure++]);
  return out;
}

records::Json render_json(const ir::Program& p, const ir::EvalResult& r) {
  using records::Json;
  Json out = Json::object();
  const ir::Type datetime = ir::Type::of(ir::TypeKind::DateTime);
  auto enc = [&](const ir::Value& v, const ir::Type& t) { return records::encode(v, t, p.schema, r.home_zone); };
  for (const auto& ex : r.explanations) {
    if (ex.value < 0 || static_cast<size_t>(ex.value) >= p.values.size()) continue;
    const ir::ValueDef& def = p.values[ex.value];
    const ir::Value* v = decision_value(r, ex.value);
    Json d = Json::object();
    d["value"] = v ? enc(*v, def.type) : Json(nullptr);
    d["clause"] = def.clause.empty() ? Json(nullptr) : Json(def.clause);
    Json steps = Json::array();
    for (const Step& s : ex.steps) {
      Json j = Json::object();
      switch (s.kind) {
        case Step::Kind::Input:
          j["kind"] = "input";
          j["path"] = s.name;
          j["value"] = enc(s.value, s.type);
          break;
        case Step::Kind::Uses:
          j["kind"] = "uses";
          j["name"] = s.name;
          j["value"] = enc(s.value, s.type);
          if (!s.clause.empty()) j["clause"] = s.clause;
          break;
        case Step::Kind::Branch:
          j["kind"] = "branch";
          j["condition"] = one_line(s.text);
          j["taken"] = s.taken;
          break;
        case Step::Kind::MatchArm:
          j["kind"] = "match";
          j["subject"] = s.text;
          j["value"] = s.type.is_error() ? records::Json(nullptr) : enc(s.value, s.type);
          break;
        case Step::Kind::TableRow: {
          j["kind"] = "table_row";
          j["table"] = s.name;
          j["row"] = s.row;
          j["clause"] = s.clause;
          std::string row = s.text.empty() ? row_text(p, s.name, s.row) : one_line(s.text);
          if (!row.empty()) j["text"] = row;
          break;
        }
        case Step::Kind::Exclusion:
          j["kind"] = "exclusion";
          j["entry"] = s.text;
          j["clause"] = s.clause;
          j["condition"] = s.name.empty() ? step_loc_text(p, s.loc) : one_line(s.name);
          break;
        case Step::Kind::Calendar: {
          j["kind"] = "calendar";
          j["operation"] = s.operation;
          j["calendar"] = s.calendar;
          if (!s.schedule.empty()) j["schedule"] = s.schedule;
          j["zone"] = s.zone.empty() ? Json(nullptr) : Json(s.zone);
          if (s.operation == "add") {
            j["start"] = enc(s.start, datetime);
            j["amount"] = s.amount;
          } else if (s.operation == "working_time") {
            j["from"] = enc(s.start, datetime);
            j["to"] = enc(s.end, datetime);
          } else if (s.operation == "business_length") {
            j["amount"] = s.amount;
          } else {
            j["at"] = enc(s.start, datetime);
          }
          j["result"] = enc(s.value, s.type);
          Json hs = Json::array();
          for (const auto& [date, name] : s.holidays) hs.push_back(holiday_json(date, name));
          j["holidays"] = std::move(hs);
          if (!s.partial_days.empty()) {
            Json cuts = Json::array();
            for (const ir::Step::Cut& cut : s.partial_days) {
              Json one = holiday_json(cut.date, cut.name);
              Json left = Json::array();
              for (const rt::TimeRange& r : cut.left) left.push_back(rt::format_ranges({r}));
              one["working_hours"] = std::move(left);
              cuts.push_back(std::move(one));
            }
            j["partial_days"] = std::move(cuts);
          }
          if (!s.pauses.empty()) {
            Json ps = Json::array();
            for (const ir::Step::Paused& pause : s.pauses) {
              Json one = Json::object();
              one["from"] = enc(ir::Value(ir::DateTimeValue{pause.from}), datetime);
              one["until"] = enc(ir::Value(ir::DateTimeValue{pause.until}), datetime);
              one["working"] = enc(ir::Value(ir::DurationValue{pause.working}), ir::Type::of(ir::TypeKind::Duration));
              ps.push_back(std::move(one));
            }
            j["pauses"] = std::move(ps);
          }
          break;
        }
        case Step::Kind::Aggregate: {
          j["kind"] = "aggregate";
          j["operation"] = s.name;
          j["expression"] = one_line(s.text);
          j["value"] = enc(s.value, s.type);
          j["of"] = s.row;
          Json items = Json::array();
          for (const auto& [index, value] : s.items) {
            Json item = Json::object();
            item["index"] = index;
            item["value"] = enc(value, s.item_type);
            items.push_back(std::move(item));
          }
          j["items"] = std::move(items);
          j["decided"] = s.decided;
          if (s.excludes) {
            Json excluded = Json::array();
            for (const auto& [index, clause] : s.excluded) {
              Json item = Json::object();
              item["index"] = index;
              item["clause"] = clause;
              excluded.push_back(std::move(item));
            }
            j["excluded"] = std::move(excluded);
            j["excluded_count"] = s.excluded_count;
          }
          break;
        }
        case Step::Kind::Holiday:
          j["kind"] = "holiday";
          if (!s.holidays.empty()) {
            j.update(holiday_json(s.holidays.front().first, s.holidays.front().second));
          } else if (s.value.kind() == ir::Value::Kind::Date) {
            j.update(holiday_json(s.value.as_date(), s.text));
          }
          break;
      }
      steps.push_back(std::move(j));
    }
    d["steps"] = std::move(steps);
    out[def.name] = std::move(d);
  }
  return out;
}

}  // namespace proviso::explain

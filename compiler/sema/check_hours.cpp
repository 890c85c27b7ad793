// Working hours: the day lines of calendars and schedules, schedule declarations, a calendar's
// `schedule EXPR` line and the business-day warning, which looks at every schedule a
// calendar can take.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/eval_rules.h"
#include "compiler/sema/checker.h"

namespace proviso::sema {

rt::WeeklyHours Checker::check_hours(int file, const std::vector<ast::HoursLine>& lines) {
  rt::WeeklyHours hours;
  // Each line is checked once, whatever the number of days it names, so a mistake in
  // `Monday to Friday ...` is one error, not five.
  std::array<const ast::HoursLine*, 7> given_by{};  // the line that gave each day its hours
  for (const ast::HoursLine& line : lines) {
    int from = line.every_day ? 0 : line.from_day;
    int to = line.every_day ? 6 : line.to_day;
    if (to < from) {
      error(file, line.span, Code::InvalidWorkingHours,
            fmt::format("`{} to {}` runs backwards: days go from Monday to Sunday", ast::weekday_name(from),
                        ast::weekday_name(to)));
      continue;
    }
    std::vector<rt::TimeRange> ranges;
    day_ranges(file, line.span, line.ranges, RangeWords::working(), ranges);
    std::vector<int> twice;
    const ast::HoursLine* earlier = nullptr;
    for (int day = from; day <= to; ++day) {
      if (given_by[day]) {
        twice.push_back(day);
        if (!earlier) earlier = given_by[day];
        continue;
      }
      given_by[day] = &line;
      hours.days[day] = ranges;
    }
    if (!twice.empty()) {
      auto& d = error(file, line.span, Code::InvalidWorkingHours,
                      fmt::format("the hours of {} are given twice", ast::weekday_list(twice)));
      d.related.push_back({earlier->span, "first given here"});
      d.help =
          "give each day's hours on one line; several intervals are separated by commas, as in "
          "`Monday 08:00-12:00, 13:00-17:00`";
    }
  }
  return hours;
}

Checker::RangeWords Checker::RangeWords::working() {
  return {Code::InvalidWorkingHours, "the working interval", "must end after it starts", "the working intervals",
          "join them into one interval"};
}

Checker::RangeWords Checker::RangeWords::open_hours() {
  return {Code::InvalidHolidays, "the open hours", "must end after they start", "the open hours",
          "join them into one range"};
}

bool Checker::day_ranges(int file, Span span, const std::vector<std::pair<int32_t, int32_t>>& written,
                         const RangeWords& words, std::vector<rt::TimeRange>& ranges) {
  bool ok = true;
  ranges.clear();
  for (auto [b, e] : written) {
    if (e <= b) {
      error(file, span, words.code,
            fmt::format("{} {}-{} {}", words.one, ast::clock_text(b), ast::clock_text(e), words.backwards));
      ok = false;
      continue;
    }
    ranges.push_back(rt::TimeRange{b, e});
  }
  std::sort(ranges.begin(), ranges.end(), [](auto x, auto y) { return x.start < y.start; });
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].start < ranges[i - 1].end) {
      error(file, span, words.code,
            fmt::format("{} {}-{} and {}-{} overlap", words.two, ast::clock_text(ranges[i - 1].start),
                        ast::clock_text(ranges[i - 1].end), ast::clock_text(ranges[i].start),
                        ast::clock_text(ranges[i].end)))
          .help = words.join;
      return false;
    }
  }
  return ok;
}

// A schedule depends on nothing, so it is checked the first time it is needed and never
// takes part in a cycle.
void Checker::ensure_schedule(Symbol& sym) {
  if (sym.state != Symbol::State::Fresh) return;
  sym.state = Symbol::State::Done;
  const ast::ScheduleDecl& s = *sym.decl->schedule_decl();
  ir::ScheduleDef def;
  def.name = s.name.text;
  def.clause = s.clause ? s.clause->text : "";
  def.hours = check_hours(sym.file, s.hours);
  if (std::all_of(def.hours.days.begin(), def.hours.days.end(), [](const auto& d) { return d.empty(); })) {
    error(sym.file, s.name.span, Code::NoWorkingTime, fmt::format("the schedule `{}` has no working time", s.name.text))
        .help = "list working hours such as `Monday to Friday 09:00-17:00` after the schedule's name";
  }
  sym.index = static_cast<int>(program_->schedules.size());
  program_->schema.schedules.push_back(def.name);
  program_->schedules.push_back(std::move(def));
}

ir::NodeId Checker::check_calendar_schedule(int file, const ast::CalendarDecl& c, Scope& scope) {
  if (!c.schedule) return ir::kNoNode;
  if (!c.hours.empty()) {
    auto& d = error(file, c.schedule_span, Code::CalendarHoursTwice,
                    fmt::format("the calendar `{}` takes its hours from a schedule and from day lines", c.name.text));
    d.related.push_back({c.hours.front().span, "a day line is here"});
    d.help =
        "keep either the `schedule` line or the day lines: to change a schedule's hours, declare another "
        "schedule with all of them";
  }
  return check_as(*c.schedule, scope, ir::Type::of(ir::TypeKind::Schedule), "the calendar's schedule",
                  Code::TypeMismatch);
}

// Follows the nodes a value of type `schedule` can come from. The condition of an `if` and the
// subject of a `match` choose the value without giving it, so they are not followed; any
// other operation is followed through all its operands, which can only find more schedules
// than the value may take, never fewer.
std::vector<int32_t> Checker::schedules_of(ir::NodeId root) const {
  std::set<int32_t> found;
  std::vector<bool> seen(program_->nodes.size(), false);
  std::vector<bool> seen_values(program_->values.size(), false);
  std::vector<ir::NodeId> todo;
  auto push = [&](ir::NodeId id) {
    if (id >= 0 && static_cast<size_t>(id) < seen.size() && !seen[static_cast<size_t>(id)]) {
      seen[static_cast<size_t>(id)] = true;
      todo.push_back(id);
    }
  };
  push(root);
  while (!todo.empty()) {
    const ir::Node& n = node(todo.back());
    todo.pop_back();
    switch (n.op) {
      case ir::Op::ScheduleRef: found.insert(n.aux); break;
      case ir::Op::ValueRef:
        if (n.aux >= 0 && static_cast<size_t>(n.aux) < seen_values.size() && !seen_values[static_cast<size_t>(n.aux)]) {
          seen_values[static_cast<size_t>(n.aux)] = true;
          push(program_->values[static_cast<size_t>(n.aux)].body);
        }
        break;
      case ir::Op::TableGet:
        for (const ir::TableRow& row : program_->tables[static_cast<size_t>(n.aux)].rows)
          push(row.outputs[static_cast<size_t>(n.aux2)]);
        break;
      case ir::Op::If:
        push(n.b);
        push(n.c);
        break;
      case ir::Op::Switch:
        for (ir::NodeId arm : n.args) push(arm);
        break;
      default:
        for (ir::NodeId x : {n.a, n.b, n.c}) push(x);
        for (ir::NodeId x : n.args) push(x);
        break;
    }
  }
  return {found.begin(), found.end()};
}

// `business day 8 hours` next to `09:00-18:00`: `1 business day` then ends an hour before the
// working day does, which is rarely what a contract means. Warns when no working day of the
// week is as long as the business day.
void Checker::warn_day_length(int file, const ast::CalendarDecl& c, const rt::WeeklyHours& hours, int64_t business_day,
                              const std::string& schedule) {
  std::vector<int64_t> lengths;  // distinct, in the order of the week
  for (const auto& day : hours.days) {
    int64_t total = 0;
    for (const rt::TimeRange& r : day) total += r.end - r.start;
    if (total == 0) continue;
    if (total == business_day) return;
    if (std::find(lengths.begin(), lengths.end(), total) == lengths.end()) lengths.push_back(total);
  }
  if (lengths.empty()) return;
  std::vector<std::string> words;
  for (int64_t l : lengths) words.push_back(ir::duration_words(l));
  std::string works = words.size() == 1
                          ? words[0]
                          : fmt::format("{} or {}", fmt::join(words.begin(), words.end() - 1, ", "), words.back());
  std::string whose =
      schedule.empty() ? "its working days" : fmt::format("the working days of its schedule `{}`", schedule);
  auto& d = warning(file, c.business_day->span, Code::BusinessDayLength,
                    fmt::format("the calendar `{}` counts a business day as {}, but {} are {} long", c.name.text,
                                ir::duration_words(business_day), whose, works));
  if (lengths.size() == 1) {
    std::string gap = ir::duration_words(std::abs(lengths[0] - business_day));
    d.help = fmt::format(
        "so `1 business day` {}; if the contract's business day is the working day, write "
        "`business day {}`",
        lengths[0] > business_day ? fmt::format("ends {} of working time before the working day does", gap)
                                  : fmt::format("runs {} into the next working day", gap),
        words[0]);
  } else {
    d.help =
        "check the contract's definition of a business day: `1 business day` counts the calendar's "
        "`business day` of working time, whatever the hours of the day it starts on";
  }
}

}  // namespace proviso::sema

// Random small policies over the language's constructs (arithmetic with overflow, decimals,
// money in two currencies, dates, datetimes, calendars, tables, matches, optionals,
// aggregations, collect, text; the clock stopped by pauses, SLA progress, durations as numbers
// and date parts; a calendar whose hours are a schedule chosen by the input), each evaluated by
// the interpreter and the JIT on random
// inputs with identical results demanded. PROVISO_RANDOM_POLICIES sets the number of
// policies (default 40), PROVISO_DIFF_COUNT the inputs per policy (default 60 here).
#include <cstdlib>
#include <random>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "api/jit_lines.h"
#include "compiler/driver/compile.h"
#include "compiler/interp/interpreter.h"
#include "compiler/jit/jit.h"
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"
#include "compiler/records/fast_json_impl.h"
#include "tests/jit/diff_support.h"

using namespace proviso;

namespace {

class PolicyGen {
 public:
  explicit PolicyGen(uint64_t seed) : rng_(seed) {}

  // A holiday set with the rules of language v2, at random: a weekday before or after a
  // date, a Sunday-only substitute, partial days (a rule and a one-off) whose hours may or may
  // not cut the desk's.
  std::string regional_holidays() {
    static const char* const kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    static const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};
    static const char* const kRelations[] = {"before", "after", "on or before", "on or after"};
    auto hours = [&] {
      int from = pick(6, 14), to = pick(from + 1, 20);
      std::string out = fmt::format("{:02}:{:02}-{:02}:00", from, chance(50) ? 0 : 30, to);
      if (chance(30)) out += fmt::format(", {:02}:00-{:02}:00", to + 1, pick(to + 2, 24));
      return out;
    };
    std::string s = "holidays regional\n  valid 2000 to 2100\n";
    s +=
        fmt::format("  on {} {} {} {}\n", kDays[pick(0, 6)], kRelations[pick(0, 3)], kMonths[pick(0, 11)], pick(1, 28));
    s += fmt::format("  on {} {} substitute next weekday if Sunday\n", kMonths[pick(0, 11)], pick(1, 28));
    s += fmt::format("  on {} {} open {}\n", kMonths[pick(0, 11)], pick(1, 28), hours());
    s += fmt::format("  add 2026-{:02}-{:02} open {}\n", pick(1, 12), pick(1, 28), hours());
    return s;
  }

  std::string policy() {
    std::string s = R"(policy random.p "Random"
  home zone x.z
import stdlib.holidays
enum Color = Red | Green | Blue
record Item { n: integer, w: decimal }
record Pause { from: datetime, until: datetime? }
input x {
  a: integer
  b: integer 0..10
  c: bool
  d: Color
  e: decimal
  f: money
  g: date
  h: datetime
  h2: datetime
  i: integer?
  t: text?
  u: text
  items: list of Item
  ns: list of integer
  k: duration
  z: zone
  ps: list of Pause
}
optional input y {
  m: money
  when: date
}
calendar desk
  Monday to Friday 09:00-17:00
  Saturday 10:00-12:00
  in x.z
  except england_wales + regional + [2027-01-04] - [2026-12-28]
  business day 8 hours
)";
    s += regional_holidays();
    if (chance(50)) s += shifts();
    in_table_ = true;
    std::string cells[5] = {expr("integer", 2), expr("integer", 2), expr("integer", 2), expr("text", 2),
                            expr("integer", 2)};
    in_table_ = false;
    s += fmt::format(R"(table tbl
  given x.d as color, x.b as level
  gives out_int: integer, out_text: text?
  hit first
  | Red   | 0..3 | {} | "a"  |
  | Red   | -    | {} | none |
  | Green | < 5  | {} | {} |
  | -     | -    | {} | none |
)",
                     cells[0], cells[1], cells[2], cells[3], cells[4]);
    // A table over ordered values (ranked keys), with random bounds in both columns.
    std::string lo = fmt::format("{}.{}", pick(-3, 2), pick(0, 9)), hi = fmt::format("{}.5", pick(3, 6));
    s += fmt::format(R"(table ranked
  given x.e as e, x.k as k
  gives out: integer
  hit first
  | < {}        | -                  | 1 |
  | {} ..< {}   | <= {} hours         | 2 |
  | >= {}       | > 30 minutes       | 3 |
  | -           | -                  | 4 |
)",
                     lo, lo, hi, pick(1, 5), hi);
    static const char* types[] = {"integer", "bool",     "decimal", "money", "date",   "datetime", "duration",
                                  "text",    "integer?", "Color",   "text?", "money?", "date?"};
    if (chance(60)) {
      // A list read through a let, often by first() and is_empty() only, with conditions that
      // cannot fail (the JIT compiles those as a chain of tests that stops early).
      static const char* const pure[] = {"x.c",     "not x.c", "x.d == Red",       "x.d != Blue",
                                         "x.b > 4", "x.a < 0", "x.c and x.b == 3", "x.d == Green or not x.c"};
      std::string cells;
      for (int k = 0, n = static_cast<int>(pick(1, 5)); k < n; ++k)
        cells += fmt::format("{}\"{}\" when {}", k ? ", " : "", static_cast<char>('k' + k),
                             chance(80) ? std::string(one(pure)) : E0("bool"));
      s += fmt::format("let lc: list of text = collect {{ {} }}\n", cells);
      names_.push_back({"lc", "list of text"});
    }
    int n_lets = static_cast<int>(pick(2, 6));
    for (int i = 0; i < n_lets; ++i) {
      std::string t = types[pick(0, 12)];
      std::string name = fmt::format("l{}", i);
      if (t == "integer" && chance(30)) {
        s += fmt::format("let {}: integer 0..100 = {}\n", name, expr("integer", 0));
      } else {
        s += fmt::format("let {}: {} = {}\n", name, t, expr(t, 0));
      }
      names_.push_back({name, t});
    }
    int n_decisions = static_cast<int>(pick(3, 8));
    for (int i = 0; i < n_decisions; ++i) {
      std::string t = types[pick(0, 12)];
      std::string name = fmt::format("d{}", i);
      s += fmt::format("decision {}: {}  clause \"{}\" = {}\n", name, t, i, expr(t, 0));
      names_.push_back({name, t});
    }
    return s;
  }

 private:
  int64_t pick(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  bool chance(int percent) { return pick(0, 99) < percent; }
  template <size_t N>
  const char* one(const char* const (&options)[N]) {
    return options[pick(0, N - 1)];
  }

  // A let or decision declared so far with this type, or "".
  std::string named(const std::string& type) {
    std::vector<std::string> found;
    for (const auto& [n, t] : names_)
      if (t == type) found.push_back(n);
    if (found.empty()) return "";
    return found[pick(0, static_cast<int64_t>(found.size()) - 1)];
  }

  std::string E0(const std::string& t) { return "(" + expr(t, 1) + ")"; }

  // Schedules and a calendar `shifts` whose hours one of them gives, chosen by the enum input
  // (a match, an `if`, a let or a table column).
  std::string shifts() {
    shifts_ = true;
    std::string s = R"(schedule early
  Monday to Friday 07:00-15:00
schedule late
  Monday to Thursday 12:00-20:00
  Friday 12:00-16:00, 17:00-21:00
schedule weekend
  Saturday to Sunday 10:00-18:00
let sl: schedule = match x.d { Red => early, Green => late, Blue => weekend }
table st
  given x.d as color
  gives hours: schedule
  | Red   | weekend |
  | Green | early   |
  | Blue  | late    |
)";
    static const char* const choices[] = {"match x.d { Red => early, Green => late, Blue => weekend }",
                                          "(if x.c then early else weekend)", "sl", "st.hours", "late"};
    names_.push_back({"sl", "schedule"});
    return s + fmt::format(R"(calendar shifts
  schedule {}
  in x.z
  except england_wales
  business day 8 hours
)",
                           one(choices));
  }

  // The constructs of language v2 that give a `t`: calendars paused by the input's pauses (an
  // open pause lasting until a random instant), SLA progress, durations as numbers and date
  // parts; "" for the other types.
  std::string v2(const std::string& t, int depth) {
    auto E = [&](const std::string& type) { return "(" + expr(type, depth + 1) + ")"; };
    auto cal = [&] {
      std::string c = shifts_ && chance(50) ? "shifts" : "desk";
      return chance(30) ? c : "(" + c + " pausing x.ps as of " + E("datetime") + ")";
    };
    static const char* const int_parts[] = {"year", "month", "day", "weekday", "days_in_month"};
    static const char* const date_parts[] = {"first_day_of_month", "last_day_of_month", "start_of_week"};
    if (t == "integer") {
      switch (pick(0, 9)) {
        // exclusions: tested in order before the body; a later one may fail where an earlier
        // one holds (`12 / n` for n = 0 after `n == 0`), or fail itself
        case 6:
          return fmt::format("sum n in x.ns excluding \"a\" when n > {}, \"b\" when 12 / n > {}: n * 2", pick(-2, 6),
                             pick(0, 6));
        case 7:
          return fmt::format("count(filter n in x.ns excluding \"z\" when n == {}, \"r\" when 12 / n > 3)",
                             pick(-1, 1));
        case 8: return "count it in x.items excluding \"w\" when it.w > " + E("decimal");
        case 9:
          return fmt::format("(max n in x.ns excluding \"odd\" when n * n > {}, \"e\" when {}: n) ?? ", pick(0, 20),
                             E("bool")) +
                 E("integer");
        case 0: return "seconds(" + expr("duration", depth + 1) + ")";
        case 1: return fmt::format("count(filter n in x.ns: n > {})", pick(-2, 6));
        case 2: return "last(x.ns) ?? " + E("integer");
        case 3: return "(min_by n in x.ns: n * n) ?? " + E("integer");
        case 4: return "count(filter it in x.items: it.w > " + E("decimal") + ")";
        default: return std::string(one(int_parts)) + "(" + expr("date", depth + 1) + ")";
      }
    }
    if (t == "date") return std::string(one(date_parts)) + "(" + expr("date", depth + 1) + ")";
    if (t == "decimal") {
      switch (pick(0, 2)) {
        case 0: return "hours(" + expr("duration", depth + 1) + ")";
        case 1: return "minutes(" + expr("duration", depth + 1) + ")";
        default: return E("duration") + " / " + E("duration");
      }
    }
    if (t == "duration") {
      if (chance(50))
        return "remaining(" + expr("datetime", depth + 1) + ", 2 business hours, " + expr("datetime", depth + 1) +
               ", " + cal() + ")";
      return "working_time(" + expr("datetime", depth + 1) + ", " + expr("datetime", depth + 1) + ", " + cal() + ")";
    }
    if (t == "datetime") {
      switch (pick(0, 2)) {
        case 0: return E("datetime") + " + 1 business day in " + cal();
        case 1: return E("datetime") + " + x.k in " + cal();
        default: return "next_opening(" + expr("datetime", depth + 1) + ", " + cal() + ")";
      }
    }
    if (t == "bool") {
      if (chance(50))
        return "share_used(" + expr("datetime", depth + 1) + ", 3 business hours, " + expr("datetime", depth + 1) +
               ", " + cal() + ") >= 75%";
      return "is_open(" + E("datetime") + ", " + cal() + ")";
    }
    return "";
  }

  std::string expr(const std::string& t, int depth) {
    bool leaf = depth >= 3 || chance(25 + depth * 15);
    if (std::string l = named("list of text"); !l.empty() && chance(20)) {
      if (t == "text") return "first(" + l + ") ?? \"-\"";
      if (t == "text?") return "first(" + l + ")";
      if (t == "bool") return "is_empty(" + l + ")";
      if (t == "integer" && chance(20)) return "count(" + l + ")";  // makes the whole list observable
    }
    if (chance(15)) {
      std::string n = named(t);
      if (!n.empty()) return n;
    }
    auto E = [&](const std::string& type) { return "(" + expr(type, depth + 1) + ")"; };
    if (!leaf && chance(12)) {
      if (std::string v = v2(t, depth); !v.empty()) return v;
    }
    if (t == "integer") {
      if (leaf) {
        static const char* const leaves[] = {"x.a", "x.b",         "3",           "0",         "100",
                                             "-7",  "count(x.ns)", "tbl.out_int", "ranked.out"};
        const char* l = one(leaves);
        return in_table_ && (l[0] == 't' || l[0] == 'r') ? "x.b" : l;
      }
      switch (pick(0, 18)) {
        case 0: return E("integer") + " + " + E("integer");
        case 1: return E("integer") + " - " + E("integer");
        case 2: return E("integer") + " * " + E("integer");
        case 3: return "-" + E("integer");
        case 4: return "if " + E("bool") + " then " + E("integer") + " else " + E("integer");
        case 5:
          return "match x.d { Red => " + E("integer") + ", Green => " + E("integer") + ", else => " + E("integer") +
                 " }";
        case 6:
          return "match x.b { 0 => " + E("integer") + ", 1..5 => " + E("integer") + ", else => " + E("integer") + " }";
        case 7: return "x.i ?? " + E("integer");
        case 8: return "if x.i is present then x.i * 2 else " + E("integer");
        case 9: return fmt::format("count n in x.ns: n > {}", pick(-2, 6));
        case 10: return "sum n in x.ns: n";
        case 11: return "ceil(" + expr("decimal", depth + 1) + ")";
        case 12: return "floor(" + expr("decimal", depth + 1) + ")";
        case 13: return "round(" + expr("decimal", depth + 1) + ")";
        case 14: return "abs(" + expr("integer", depth + 1) + ")";
        case 15: return "min(" + expr("integer", depth + 1) + ", " + expr("integer", depth + 1) + ")";
        case 16: return "sum it in x.items: it.n * 2";
        // collects of literals only are compiled without branches: every slot is read here
        case 17:
          return "sum n in collect { 1 when " + E("bool") + ", 20 when " + E("bool") + ", 300 when " + E("bool") +
                 " }: n";
        default: return "(max n in x.ns: n) ?? " + E("integer");
      }
    }
    if (t == "bool") {
      if (leaf) {
        static const char* const leaves[] = {"x.c",        "true",       "x.i is present", "y is present",
                                             "blank(x.t)", "x.d == Red", "x.u == \"ok\""};
        return one(leaves);
      }
      switch (pick(0, 18)) {
        case 17:
          return fmt::format("any n in x.ns excluding \"s\" when n < {}, \"d\" when 8 / n < 2: n > {}", pick(-1, 3),
                             pick(0, 8));
        case 18: return "all it in x.items excluding \"n\" when it.n > 3: it.w > " + E("decimal");
        case 0: return E("integer") + " < " + E("integer");
        case 1: return E("integer") + " == " + E("integer");
        case 2: return "not " + E("bool");
        case 3: return E("bool") + " and " + E("bool");
        case 4: return E("bool") + " or " + E("bool");
        case 5: return "x.d in [Red, Blue]";
        case 6: return E("integer") + " in x.ns";
        case 7: return E("decimal") + " >= " + E("decimal");
        case 8: return E("money") + " > " + E("money");
        case 9: return E("date") + " < " + E("date");
        case 10: return E("datetime") + " <= " + E("datetime");
        case 11: return E("duration") + " < " + E("duration");
        case 12: return fmt::format("any n in x.ns: n > {}", pick(0, 8));
        case 13: return "all it in x.items: it.w > " + E("decimal");
        case 14: return "is_empty(collect { \"a\" when " + E("bool") + ", \"b\" when " + E("bool") + " })";
        case 15: return "is_open(" + E("datetime") + ", desk)";
        default: return E("text") + " != " + E("text");
      }
    }
    if (t == "decimal") {
      if (leaf) {
        static const char* const leaves[] = {"x.e", "1.5", "0.25", "-2.125", "x.e * 3"};
        return one(leaves);
      }
      switch (pick(0, 10)) {
        case 0: return E("integer") + " / " + E("integer");
        case 1: return E("decimal") + " + " + E("decimal");
        case 2: return E("decimal") + " * " + E("decimal");
        case 3: return E("decimal") + " - " + E("integer");
        case 4: return "round(" + expr("decimal", depth + 1) + ", 2)";
        case 5: return "round(" + expr("decimal", depth + 1) + ", 1, half_even)";
        case 6: return E("money") + " / " + E("money");
        case 7: return "sum it in x.items: it.w";
        case 8: return "abs(" + expr("decimal", depth + 1) + ")";
        case 9: return "-" + E("decimal");
        default: return E("decimal") + " / " + E("decimal");
      }
    }
    if (t == "money") {
      if (leaf) {
        static const char* const leaves[] = {"x.f", "100.00 USD", "0.01 USD", "12 USD"};
        return one(leaves);
      }
      switch (pick(0, 9)) {
        case 0: return E("money") + " + " + E("money");
        case 1: return E("money") + " - " + E("money");
        case 2: return E("money") + " * " + E("decimal");
        case 3: return E("money") + " / " + E("integer");
        case 4: return "25% of " + E("money");
        case 5: return "round(" + expr("money", depth + 1) + ")";
        case 6: return "round(" + expr("money", depth + 1) + ", 3, down)";
        case 7: return "min(" + expr("money", depth + 1) + ", " + expr("money", depth + 1) + ")";
        case 8: return "if y is present then y.m else " + E("money");
        default: return "-" + E("money");
      }
    }
    if (t == "date") {
      if (leaf) {
        static const char* const leaves[] = {"x.g", "2026-03-31", "2024-02-29"};
        return one(leaves);
      }
      switch (pick(0, 7)) {
        case 0: return E("date") + " + 1 month";
        case 1: return E("date") + " - 12 months";
        case 2: return E("date") + " + 3 days";
        case 3: return "date_of(" + expr("datetime", depth + 1) + ", zone \"Asia/Tokyo\")";
        case 4: return "date_of(" + expr("datetime", depth + 1) + ", x.z)";
        case 5: return "max(" + expr("date", depth + 1) + ", " + expr("date", depth + 1) + ")";
        case 6: return "if y is present then y.when else " + E("date");
        default: return E("date") + " + " + E("duration");
      }
    }
    if (t == "datetime") {
      if (leaf) {
        static const char* const leaves[] = {"x.h", "x.h2", "2026-11-27T16:00:00Z"};
        return one(leaves);
      }
      switch (pick(0, 7)) {
        case 0: return E("datetime") + " + " + E("duration");
        case 1: return E("datetime") + " - " + E("duration");
        case 2: return E("datetime") + " + 2 business hours in desk";
        case 3: return E("datetime") + " + 1 business day in 24x7";
        case 4: return "next_opening(" + expr("datetime", depth + 1) + ", desk)";
        case 5: return "min(" + expr("datetime", depth + 1) + ", " + expr("datetime", depth + 1) + ")";
        case 6: return E("datetime") + " + " + E("duration") + " in desk";
        default: return E("datetime") + " + 3 business days in desk";
      }
    }
    if (t == "duration") {
      if (leaf) {
        static const char* const leaves[] = {"x.k", "4 hours", "30 minutes", "2 days"};
        return one(leaves);
      }
      switch (pick(0, 6)) {
        case 0: return E("datetime") + " - " + E("datetime");
        case 1: return E("date") + " - " + E("date");
        case 2: return E("duration") + " + " + E("duration");
        case 3: return E("integer") + " * 1 hour";
        case 4: return "working_time(" + expr("datetime", depth + 1) + ", " + expr("datetime", depth + 1) + ", desk)";
        case 5: return "-" + E("duration");
        default: return E("duration") + " - " + E("duration");
      }
    }
    if (t == "text") {
      if (leaf) {
        static const char* const leaves[] = {"x.u", "\"abc\"", "x.t ?? \"none\"", "tbl.out_text ?? \"-\""};
        const char* l = one(leaves);
        return in_table_ && l[0] == 't' ? "x.u" : l;
      }
      switch (pick(0, 9)) {
        case 0: return "text(" + expr("integer", depth + 1) + ")";
        case 1: return "text(" + expr("decimal", depth + 1) + ")";
        case 2: return shifts_ && chance(50) ? "text(sl)" : "text(x.d)";
        case 3: return "text(" + expr("money", depth + 1) + ")";
        case 4: return "text(" + expr("date", depth + 1) + ")";
        case 5: return "first(collect { \"p\" when " + E("bool") + ", x.u when " + E("bool") + " }) ?? \"-\"";
        case 6: return "if " + E("bool") + " then " + E("text") + " else " + E("text");
        case 7: return "text(" + expr("duration", depth + 1) + ")";
        case 8:
          return "first(collect { \"p\" when " + E("bool") + ", \"q\" when " + E("bool") + ", \"r\" when " + E("bool") +
                 " }) ?? \"-\"";
        default: return "match x.d { Red => \"r\", Green => " + E("text") + ", Blue => x.u }";
      }
    }
    if (t == "integer?") {
      if (leaf) return chance(50) ? "x.i" : "none";
      switch (pick(0, 3)) {
        case 0: return "if " + E("bool") + " then " + E("integer") + " else none";
        case 1: return "max n in x.ns: n";
        case 2: return "first(x.ns)";
        default: return "if x.i is present then x.i + " + E("integer") + " else none";
      }
    }
    if (t == "text?") {
      if (leaf) return chance(50) || in_table_ ? "x.t" : "tbl.out_text";
      return "if " + E("bool") + " then " + E("text") + " else none";
    }
    if (t == "money?") {
      if (leaf) return "none";
      return chance(50) ? "if y is present then y.m + " + E("money") + " else none"
                        : "if " + E("bool") + " then " + E("money") + " else none";
    }
    if (t == "date?") {
      if (leaf) return "none";
      return chance(50) ? "if y is present then y.when + 1 month else none"
                        : "max it in x.items: (" + expr("date", depth + 1) + ")";
    }
    if (t == "Color") {
      if (leaf) return chance(50) ? "x.d" : "Color.Red";
      return "if " + E("bool") + " then Color.Blue else x.d";
    }
    return "0";
  }

  std::mt19937_64 rng_;
  std::vector<std::pair<std::string, std::string>> names_;
  bool in_table_ = false;  // table cells may not read the table
  bool shifts_ = false;    // the policy has the calendar `shifts` (shifts())
};

int env_int(const char* name, int fallback) {
  if (const char* s = std::getenv(name); s && *s && std::atoi(s) > 0) return std::atoi(s);
  return fallback;
}

// One input record as `proviso eval` reads it: each present input in its JSON form.
std::string input_json(const ir::Program& p, const std::vector<ir::Value>& inputs) {
  records::Json object = records::Json::object();
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i].is_none())
      object[p.inputs[i].name] = records::encode(inputs[i], p.inputs[i].type.as_required(), p.schema, rt::utc_zone());
  return object.dump();
}

// The line `proviso eval` writes for a successful evaluation, or "error PATH: MESSAGE" when a
// decision cannot be written, or "failed" when the evaluation failed.
std::string line_or_refusal(std::string line, const std::optional<std::pair<std::string, std::string>>& bad) {
  return bad ? "error " + bad->first + ": " + bad->second : std::move(line);
}
std::string line_from_values(const ir::Program& p, const ir::EvalResult& r) {
  if (!r.ok) return "failed";
  std::string line;
  auto bad = records::write_decisions_line(line, p, r.decisions, r.home_zone);
  return line_or_refusal(line, bad);
}
// The line written from the frame by records::write_decisions_line, without and with a
// LinePlan, and by the API's writer of JIT lines: all three the same, else a description of
// the difference (prefixed "writers differ").
std::string line_from_frame(const ir::Program& p, jit::Session& session, const records::LinePlan& plan,
                            const api::JitLineWriter& writer) {
  jit::Session::Output out;
  if (!session.run_input(&out)) return line_from_values(p, session.input_result());
  std::string line, planned, written = "prefix ";
  auto bad = records::write_decisions_line(line, p, *out.source, out.decisions, out.home_zone);
  auto bad_planned = records::write_decisions_line(planned, p, *out.source, out.decisions, out.home_zone, &plan);
  auto bad_written = writer.write(written, *out.source, out.decisions, out.home_zone);
  std::string general = line_or_refusal(line, bad);
  if (line_or_refusal(planned, bad_planned) != general)
    return "writers differ: with a plan\n" + line_or_refusal(planned, bad_planned) + "\nwithout\n" + general;
  // (A refusal leaves a partial line; only the message is compared then.)
  std::string fast = bad_written ? line_or_refusal("", bad_written) : line_or_refusal(written.substr(7), bad_written);
  if (fast != general || written.rfind("prefix ", 0) != 0)
    return "writers differ: the JIT line writer\n" + fast + "\nrecords::write_decisions_line\n" + general;
  return general;
}

}  // namespace

TEST_CASE("JIT agrees with the interpreter on random policies") {
  int policies = env_int("PROVISO_RANDOM_POLICIES", 40);
  int inputs = jit_test::diff_count(60);
  int compiled = 0, unsupported = 0, evaluations = 0, errors = 0, mismatches = 0, direct_decodes = 0, decode_errors = 0,
      lines = 0;
  jit::JitOptions options;
  options.use_cache = false;
  for (int k = 0; k < policies; ++k) {
    PolicyGen gen(0x9e3779b97f4a7c15ull * static_cast<uint64_t>(k + 1));
    std::string text = gen.policy();
    auto r = driver::compile_source(std::make_shared<const SourceFile>(fmt::format("random{}.policy", k), text));
    if (!r.ok()) {
      for (const auto& d : r.diagnostics.items())
        if (d.severity == Severity::Error) {
          UNSCOPED_INFO("policy " << k << " does not compile: " << d.message);
          if (std::getenv("PROVISO_SHOW_REFUSED")) fmt::print(stderr, "refused: {}\n{}\n", d.message, text);
          break;
        }
      continue;
    }
    ++compiled;
    const ir::Program& p = *r.program;
    auto jitted = jit::CompiledPolicy::create(p, options);
    if (!jitted.ok()) {
      ++unsupported;
      FAIL_CHECK("policy " << k << ": " << jitted.status.message << "\n" << text);
      continue;
    }
    interp::Interpreter interp(p);
    records::Decoder decoder(p);
    jit::Session session(*jitted.policy);
    records::LinePlan plan(p);
    api::JitLineWriter writer(jitted.policy->layout(), plan);
    jit_test::InputGenerator inputs_gen(p, static_cast<uint64_t>(k) * 7919 + 1);
    for (int i = 0; i < inputs; ++i) {
      auto in = inputs_gen.next();
      auto e = interp.evaluate(in);
      auto a = jitted.policy->evaluate(in);
      ++evaluations;
      errors += e.ok ? 0 : 1;
      std::string diff = jit_test::difference(p, e, a);
      if (!diff.empty() && ++mismatches <= 3) FAIL_CHECK("policy " << k << ": " << diff << "\n" << text);

      // The same input as JSON, decoded into values and also straight into the JIT's flat
      // frame (jit::FlatSink): the same error, or the same evaluation.
      std::string json = input_json(p, in);
      records::DecodeResult tree = decoder.decode_json(json);
      std::optional<records::DecodeError> bad = decoder.decode_json(json, session.input_sink());
      ++direct_decodes;
      decode_errors += tree.ok() ? 0 : 1;
      if (tree.ok() == bad.has_value()) {
        if (++mismatches <= 3)
          FAIL_CHECK("policy " << k << ": decoded into values " << (tree.ok() ? "ok" : tree.error->to_string())
                               << ", into the frame " << (bad ? bad->to_string() : "ok") << "\n"
                               << json);
      } else if (bad) {
        if (bad->to_string() != tree.error->to_string() && ++mismatches <= 3)
          FAIL_CHECK("policy " << k << ": " << tree.error->to_string() << " vs " << bad->to_string());
      } else {
        std::string direct = jit_test::difference(p, jitted.policy->evaluate(tree.values), session.evaluate_input());
        if (!direct.empty() && ++mismatches <= 3)
          FAIL_CHECK("policy " << k << ", decoded into the frame: " << direct << "\n" << json);
        // Decoded again by the fast path bound to the frame's sink (the API's way): the same.
        std::optional<records::DecodeError> bound = decoder.decode_json_as(json, 0, session.input_sink());
        if (bound && ++mismatches <= 3)
          FAIL_CHECK("policy " << k << ": decoded by the bound decoder: " << bound->to_string() << "\n" << json);
        // And the line written from the JIT's output struct in place (jit::FlatSource) is the
        // line written from the interpreter's values, or the same refusal.
        std::string from_frame = line_from_frame(p, session, plan, writer),
                    from_values = line_from_values(p, interp.evaluate(tree.values));
        if (from_frame != from_values && ++mismatches <= 3)
          FAIL_CHECK("policy " << k << ": the line from the frame\n"
                               << from_frame << "\nfrom the values\n"
                               << from_values << "\n"
                               << json);
        ++lines;
      }
    }
  }
  WARN(fmt::format(
      "random policies: {} of {} compiled, {} evaluations ({} evaluation errors), {} decoded into "
      "the frame ({} decode errors, {} lines written from it), {} mismatches, {} not compiled by the JIT",
      compiled, policies, evaluations, errors, direct_decodes, decode_errors, lines, mismatches, unsupported));
  CHECK(compiled * 10 >= policies * 7);  // the generator mostly writes valid policies
  CHECK(mismatches == 0);
  CHECK(unsupported == 0);
  CHECK(decode_errors * 10 <= direct_decodes);
  CHECK(lines * 10 >= direct_decodes * 9);  // the JSON forms of generated values mostly decode
}

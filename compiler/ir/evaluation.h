// What an evaluation gives, whichever engine ran it (the reference interpreter, the JIT): the
// decisions' values or one error with its path and location, and an explanation when asked.
// Its own small header, so that engines and their callers share it without depending on the
// interpreter.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/program.h"

namespace proviso::ir {

// One fact in an explanation, in the order the evaluation met it.
struct Step {
  enum class Kind {
    Input,      // an input field was read: `path` = value
    Uses,       // a let, const, decision or table output was used: `name` = value
    Branch,     // a condition was tested (an `if` condition, each operand of `and`/`or` evaluated
                // under one, the expression that gives a bool value): `text` is the condition,
                // `taken` its value
    MatchArm,   // a match arm was chosen: `text` is the pattern
    TableRow,   // a table row matched: `name` the table, `row` its 1-based number
    Exclusion,  // an exclusion entry applied: `text` is its clause id
    Calendar,   // a working-time computation: see the calendar fields
    Holiday,    // a holiday inside a calendar computation: `date`, `text` its name
    Aggregate,  // a sum, count, min, max, any or all over a list: `name` the operation, `text` the
                // expression, `value` the result; `row` the number of items and `items` those
                // that decided it (see `items`)
  };
  Kind kind = Kind::Input;
  std::string name;  // Input: the path (`case.severity`); Uses/TableRow: the name
  std::string text;
  ir::Value value;  // Input, Uses: the value; Calendar: the result
  ir::Type type;    // the value's static type (for formatting)
  bool taken = false;
  int row = 0;
  std::string clause;  // the clause of the table/exclusion/decision involved
  int32_t loc = -1;    // index into Program::locs, or -1
  // Calendar: `operation` is what was asked of the calendar: "add" (start + amount = value),
  // "working_time" (from start to `end`: value), "is_open" (at start: value),
  // "next_opening" (at or after start: value) or "business_length" (amount as working time:
  // value)
  std::string operation = "add";
  ir::Value end;
  std::string calendar;                                    // the calendar's name (`standard_hours`, `24x7`)
  std::string schedule;                                    // the schedule its hours came from, or ""
  std::string zone;                                        // its IANA zone ("" for 24x7)
  ir::Value start;                                         // the instant the computation started from
  std::string amount;                                      // the duration added, as the policy wrote it
  std::vector<std::pair<rt::Date, std::string>> holidays;  // holidays that moved the result
  // The pauses (of a calendar `pausing` them) that moved the result: each clipped to the
  // computation's span, with the working time it stopped the clock for (more than zero).
  struct Paused {
    rt::Instant from = 0, until = 0;
    rt::Duration working = 0;
  };
  std::vector<Paused> pauses;
  // The partial days (`on December 24 open 09:00-13:00`) that cut the working time between
  // start and result, with the working hours left that day (possibly none).
  struct Cut {
    rt::Date date = 0;
    std::string name;
    std::vector<rt::TimeRange> left;
  };
  std::vector<Cut> partial_days;
  // Aggregate: (1-based index, the body's value for it) of the items that decided the result,
  // in list order: for `sum`, those whose term is not zero; `count`, those counted; `any`, the
  // one that was true; `all`, the one that was false; `min`/`max`, the one chosen. At most
  // kMaxAggregateItems are kept; `row` still counts them all.
  std::vector<std::pair<int64_t, ir::Value>> items;
  ir::Type item_type;   // the static type of the body's values
  int64_t decided = 0;  // how many items decided the result (items.size() before the cap)
  // Aggregate with `excluding`: (1-based index, clause) of the items skipped, by the first
  // exclusion that held, in list order; at most kMaxAggregateItems, `excluded_count` counts all.
  std::vector<std::pair<int64_t, std::string>> excluded;
  int64_t excluded_count = 0;
  bool excludes = false;  // the aggregation has an `excluding` list
};

inline constexpr size_t kMaxAggregateItems = 20;

struct DecisionExplanation {
  int32_t value = -1;  // index into Program::values
  std::vector<Step> steps;
};

// Nested node evaluations after which evaluation fails "the evaluation nests too deeply"
// (the JIT sends records that could come near it to the interpreter).
inline constexpr int kMaxEvalDepth = 2000;

// Counts one level of a recursion for as long as it lives (the evaluator's nesting, and the
// JIT's walks over the IR).
class Nesting {
 public:
  explicit Nesting(int& depth) : depth_(depth) { ++depth_; }
  ~Nesting() { --depth_; }
  Nesting(const Nesting&) = delete;
  Nesting& operator=(const Nesting&) = delete;
  int depth() const { return depth_; }

 private:
  int& depth_;
};

struct EvalError {
  std::string message;  // lower case, one line
  std::string path;     // the input path or decision involved (`reinstatement`, `case.reported_at`), or ""
  int32_t loc = -1;     // index into Program::locs of the expression that failed, or -1
};

// What evaluations reached, for `proviso test --coverage` (compiler/driver/coverage.h). When
// EvalOptions::coverage points at one, the reference interpreter marks in it the table row
// each table chose, the `if` branch and `match` arm taken, the `collect` and `exclusions`
// entries whose condition held, the aggregation exclusions that left an item out, and the
// values, tables, calendars and schedules evaluated. Marks accumulate over evaluations (one at a
// time: it is not thread-safe). The JIT ignores it: coverage is measured on the interpreter.
struct CoverageMarks {
  explicit CoverageMarks(const Program& p)
      : table_rows(p.tables.size()), parts(p.nodes.size()), values(p.values.size()), tables(p.tables.size()),
        calendars(p.calendars.size()), schedules(p.schedules.size()) {
    for (size_t t = 0; t < p.tables.size(); ++t) table_rows[t].resize(p.tables[t].rows.size());
  }
  // Part `part` of node `id` was reached: If, 0 then and 1 else; Switch, the arm; Collect, the
  // entry (its condition held); an aggregation, the exclusion that left an item out.
  void reach(NodeId id, size_t part) {
    std::vector<bool>& v = parts[static_cast<size_t>(id)];
    if (v.size() <= part) v.resize(part + 1);
    v[part] = true;
  }
  bool reached(NodeId id, size_t part) const {
    const std::vector<bool>& v = parts[static_cast<size_t>(id)];
    return part < v.size() && v[part];
  }

  std::vector<std::vector<bool>> table_rows;  // per table, per row: the row chosen
  std::vector<std::vector<bool>> parts;       // per node (see reach), grown when reached
  std::vector<bool> values;                   // per value: evaluated (its body began)
  std::vector<bool> tables;                   // per table: its `given` columns evaluated
  std::vector<bool> calendars;                // per calendar: built
  std::vector<bool> schedules;                // per schedule: the hours of a calendar built
};

struct EvalOptions {
  bool explain = false;
  std::vector<int32_t> decisions;  // indices into Program::values; empty = every decision
  // Go on past a decision that fails: the others are still evaluated, and the failures are
  // listed in EvalResult::failed. Without it the first failure ends the evaluation.
  bool each_decision = false;
  // Marks what the evaluation reached (the interpreter only); null, the default, costs nothing.
  CoverageMarks* coverage = nullptr;
};

struct EvalResult {
  bool ok = true;
  // When !ok: the error. With each_decision, the first decision's that failed, or, when
  // `failed` is empty, an error of the whole evaluation (the home zone).
  EvalError error;
  std::vector<std::pair<int32_t, ir::Value>> decisions;  // (value index, value), in output order
  std::vector<std::pair<int32_t, EvalError>> failed;     // each_decision: (value index, error), in output order
  const rt::Zone* home_zone = nullptr;                   // for writing datetimes; UTC when the policy names none
  std::vector<DecisionExplanation> explanations;         // when explain, one per decision
};

}  // namespace proviso::ir

// The typed IR of one policy: resolved names, typed operations, tables, calendars and tests.
// Semantics only: source locations live beside it (Program::locs), so two versions of a
// policy compare equal when only layout or comments changed.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/source.h"
#include "compiler/ir/type.h"
#include "compiler/ir/value.h"

namespace proviso::ir {

using NodeId = int32_t;
constexpr NodeId kNoNode = -1;

enum class Op : uint16_t {
  // leaves
  Const,        // consts[aux]
  Input,        // inputs[aux]
  Local,        // the aggregate variable in slot aux
  ValueRef,     // values[aux] (const, let, decision or exclusions)
  TableGet,     // output column aux2 of the row of tables[aux] that matches
  CalendarRef,  // calendars[aux], built for this evaluation's zone and holidays
  // records and optionals
  Field,       // field aux of record a
  Unwrap,      // a, known present by narrowing
  IsPresent,   // a
  Coalesce,    // a ?? b
  MakeRecord,  // records[aux] from args (in field order; kNoNode = absent optional)
  WithRecord,  // a with fields ints[i] := args[i]
  // logic and control
  Not,
  And,
  Or,
  If,      // a ? b : c
  Switch,  // match a: arms pats[i] -> args[i]
  // integers, decimals, percent (percent is a decimal fraction)
  IntAdd,
  IntSub,
  IntMul,
  IntNeg,
  IntToDec,
  DecAdd,
  DecSub,
  DecMul,
  DecDiv,
  DecNeg,
  // money
  MoneyAdd,
  MoneySub,
  MoneyMul /* money * decimal */,
  MoneyDiv /* money / decimal */,
  MoneyRatio,
  MoneyNeg,
  // durations and periods
  DurAdd,
  DurSub,
  DurNeg,
  DurMul /* duration * integer */,
  DurToBDur,
  BDurAdd,
  BDurMul /* business duration * integer */,
  PeriodMul,  // period * integer
  // dates and instants
  DateTimeAdd,
  DateTimeSub,
  DateTimeDiff,
  DateAddPeriod,
  DateSubPeriod,
  DateAddDur,
  DateSubDur,
  DateDiff,
  CalAdd,  // a datetime + b (business) duration in calendar c
  // comparison: aux = CmpOp; operands of one type (after IntToDec promotion)
  Cmp,
  In,  // a in list b
  // lists
  MakeList,  // args
  Collect,   // args = value0, cond0, value1, cond1, ...
  AggAny,
  AggAll,
  AggCount,
  AggSum,
  AggMin,
  AggMax,  // list a, body b, variable slot aux
  ListCount,
  ListIsEmpty,
  ListFirst,
  // functions
  MinOf,
  MaxOf,
  Abs,
  Ceil,
  Floor,
  Round,        // a, aux = places (-1: money minor unit / 0 for decimals), aux2 = rt::RoundingMode
  Blank,        // text? a is absent or white space only
  DateOf,       // local date of instant a in zone b
  WorkingTime,  // [a, b] in calendar c
  IsOpen,       // a in calendar c
  NextOpening,  // a in calendar c
  CalPause,     // calendar a with the clock stopped in list b; c: the instant open pauses last until
  BDurLength,   // business duration a as working time in calendar c
  DurSeconds,   // duration a as an integer number of seconds
  DatePart,     // a part of date a: aux = rt::DatePart (an integer, or a date for the last three)
  Rank,         // where ordered value a lies among the sorted constants args: see TableDef
  AsPercent,    // decimal a as a percent (1 is 100%): the same number, another type
  ListLast,     // the last element of list a (absent for an empty list)
  AggFilter,    // the elements of list a for which body b holds (variable slot aux)
  AggMinBy,     // the first element of list a whose body b is least (absent for an empty list)
  AggMaxBy,     // the first element of list a whose body b is greatest
  ToText,       // a
  // holiday sets
  HolidaysUnion,
  HolidaysAdd /* a + list of dates b */,
  HolidaysRemove,
  // schedules
  ScheduleRef,  // schedules[aux]: the value is the index aux itself
};

enum class CmpOp : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

// A condition on an integer, enum (member index) or bool (0/1) value, from a table cell or
// a match arm.
struct Pattern {
  enum class Kind : uint8_t { Any, OneOf, NoneOf, Range };
  Kind kind = Kind::Any;
  std::vector<int64_t> values;    // OneOf, NoneOf
  std::optional<int64_t> lo, hi;  // Range, inclusive; unset = open (also `< 5` etc.)
  bool matches(int64_t v) const;
};

struct Node {
  Op op = Op::Const;
  Type type;
  NodeId a = kNoNode, b = kNoNode, c = kNoNode;
  int32_t aux = -1, aux2 = -1;
  std::vector<NodeId> args;
  std::vector<int32_t> ints;
  std::vector<Pattern> pats;
};

struct InputDef {
  std::string name;
  bool optional = false;
  Type type;  // a Record (or list) type; never optional itself (see `optional`)
};

enum class ValueKind : uint8_t { Const, Let, Decision };

struct ValueDef {
  ValueKind kind = ValueKind::Let;
  std::string name;
  Type type;
  std::string clause;  // "" when none was cited
  NodeId body = kNoNode;
  bool is_exclusions = false;  // declared with `exclusions`: body is a Collect of clause ids
};

struct TableRow {
  std::vector<Pattern> conds;   // one per `given` column
  std::vector<NodeId> outputs;  // one per `gives` column
};

struct TableDef {
  std::string name;
  std::string clause;
  bool hit_first = false;
  // Integer, enum or bool expressions. A column of another ordered type (decimal, percent,
  // money, duration, date, datetime) is given as a Rank node over the n distinct values its
  // cells name, b0 < b1 < ...: the key 2i+1 stands for a value equal to bi, 2i for one
  // between b(i-1) and bi (0: below b0, 2n: above the last), so cells are integer patterns
  // and the coverage analysis works on intervals without enumerating values.
  std::vector<NodeId> given;
  std::vector<std::string> given_names;  // the `as` name, or the expression as written
  std::vector<FieldDef> outputs;
  std::vector<TableRow> rows;
};

// `schedule NAME`: weekly hours a calendar takes through an expression of type `schedule`
// (whose value is the schedule's index here).
struct ScheduleDef {
  std::string name;
  std::string clause;
  rt::WeeklyHours hours;
};

struct CalendarDef {
  std::string name;
  std::string clause;
  rt::WeeklyHours hours;      // the day lines; unused when `schedule` is set
  NodeId schedule = kNoNode;  // `schedule EXPR`: the hours are those of the schedule it gives
  NodeId zone = kNoNode;      // a zone expression
  NodeId holidays = kNoNode;  // a holidays expression, or none
  rt::Duration business_day = 0;
};

struct TestExpect {
  int32_t value = -1;         // index into values (a decision)
  NodeId expected = kNoNode;  // a constant expression; unset when expecting an error
  std::string error;          // fragment of the expected evaluation error, when non-empty
  int32_t loc = -1;           // index into Program::locs
};

struct TestCase {
  std::string name;
  int32_t loc = -1;
  std::vector<NodeId> inputs;  // one per InputDef: a constant expression, or kNoNode = absent
  std::vector<TestExpect> expects;
};

// A source location beside the semantics: file index into Program::files, and span.
struct Loc {
  int32_t file = 0;
  Span span;
};

struct Program {
  // header
  std::string name, title, source, version;
  std::optional<rt::Date> effective;
  NodeId home_zone = kNoNode;

  Schema schema;
  std::vector<InputDef> inputs;
  std::vector<ValueDef> values;    // consts, lets, decisions in declaration order
  std::vector<int32_t> decisions;  // indices into values: the output, in declaration order
  std::vector<TableDef> tables;
  std::vector<CalendarDef> calendars;
  std::vector<ScheduleDef> schedules;  // their names are also in schema.schedules
  std::vector<Node> nodes;
  std::vector<Value> consts;
  int32_t local_slots = 0;
  std::vector<TestCase> tests;

  // beside the semantics
  std::vector<SourcePtr> files;                      // files[0] is the policy itself
  std::vector<Loc> locs;                             // general location table (tests, expects, decls)
  std::vector<int32_t> node_locs;                    // per node: index into locs, or -1
  std::vector<int32_t> value_locs;                   // per value: index into locs (the declaration's name)
  std::vector<std::vector<int32_t>> table_row_locs;  // per table, per row: index into locs

  int find_value(std::string_view name) const;  // -1 when absent
  int find_input(std::string_view name) const;  // -1 when absent
  const Loc* node_loc(NodeId id) const;
  const Loc* row_loc(int table, int row) const;
  // The source text of a node ("case.severity == 1"), for explanations.
  std::string_view node_text(NodeId id) const;
  const SourceFile* file_of(const Loc& loc) const;
  // "file:line:col" of locs[loc], as errors name a place; the policy's path for -1.
  std::string location_text(int32_t loc) const;
};

}  // namespace proviso::ir

// The syntax tree of a `.policy` file, as the parser builds it: every node keeps its byte
// span; nothing here is resolved or typed yet (that is sema's job, producing the IR).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "compiler/ast/source.h"

namespace proviso::ast {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// A name as written, with its own span (for "did you mean" and underlines).
struct Ident {
  std::string text;
  Span span;
};

enum class LitKind {
  Integer,           // text "42"
  Decimal,           // text "12.50"
  Percent,           // text "25" or "2.5" (the number before `%`)
  Money,             // text "12000.00", unit "USD"
  Text,              // text is the unescaped string
  Bool,              // text "true" / "false"
  None,              // `none`
  Date,              // text "2026-11-27"
  DateTime,          // text "2026-11-27T16:00:00-05:00" (as written)
  Duration,          // text "30", unit "minutes" | "hours" | "days" | "weeks" | "seconds" (plural form, normalised)
  BusinessDuration,  // text "4", unit "minutes" | "hours" | "days" (plural, normalised)
  Period,            // text "12", unit "months" | "years" (plural, normalised)
  Zone,              // text "America/New_York" (`zone "..."`)
  Always,            // `24x7`
};

enum class UnaryOp { Neg, Not, IsPresent, IsNone };

enum class BinaryOp {
  Add,
  Sub,
  Mul,
  Div,
  Of,  // `25% of x`
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  And,
  Or,
  In,
  NotIn,     // membership; `In` with a calendar on the right is calendar addition
  Coalesce,  // `??`
};

// A condition in a table input cell or a match arm pattern.
struct Condition {
  enum class Kind {
    Any,      // `-` in a table cell, `else` in a match
    OneOf,    // `A`, `A, B` (table) or `A | B` (match); values are literals or names
    Range,    // `1..3`: values[0] .. values[1]; `1..<3` (half_open): up to values[1], excluded
    Compare,  // `< 5`: op and values[0]
    Not,      // `not A` / `not A, B`: none of values
  };
  Kind kind = Kind::Any;
  BinaryOp op = BinaryOp::Eq;  // for Compare: Lt, Le, Gt, Ge, Ne, Eq
  bool half_open = false;      // for Range: `..<`
  std::vector<ExprPtr> values;
  Span span;
};

struct MatchArm {
  Condition pattern;
  ExprPtr body;
  Span span;
};

struct FieldInit {
  Ident name;
  ExprPtr value;
};

struct CollectItem {
  ExprPtr value;
  ExprPtr when;
  Span span;
};

enum class ExprKind {
  Literal,    // lit, text, unit
  Name,       // name
  Field,      // operand.name
  Unary,      // unary_op operand
  Binary,     // lhs binary_op rhs
  Call,       // name(args): min max abs ceil floor round count is_empty first blank working_time ...
  If,         // if cond then then_branch else else_branch
  Match,      // match operand { arms }
  List,       // [args]
  Record,     // { fields }
  With,       // operand with { fields }
  Aggregate,  // name (any|all|count|sum|min|max|...) var in operand [excluding items] [: body]
  Collect,    // collect { items }
  Paren,      // ( operand ): kept so the formatter keeps the user's parentheses
  Pausing,    // operand pausing args[0] [as of args[1]]: a calendar with its clock stopped
};

struct Expr {
  ExprKind kind = ExprKind::Literal;
  Span span;

  // Literal
  LitKind lit = LitKind::Integer;
  std::string text;
  std::string unit;

  // Name, Field (the field name), Call (the function), Aggregate (the aggregator)
  Ident name;
  // Aggregate: the bound variable
  Ident var;

  UnaryOp unary_op = UnaryOp::Neg;
  BinaryOp binary_op = BinaryOp::Add;

  ExprPtr operand;                         // Field, Unary, Match, With, Aggregate (the list), Paren
  ExprPtr lhs;                             // Binary
  ExprPtr rhs;                             // Binary
  ExprPtr cond, then_branch, else_branch;  // If
  ExprPtr body;                            // Aggregate (null: `count`/`filter` with exclusions only)
  std::vector<ExprPtr> args;               // Call, List, Pausing (the pauses, then `as of`)
  std::vector<MatchArm> arms;              // Match
  std::vector<FieldInit> fields;           // Record, With
  std::vector<CollectItem> items;          // Collect; Aggregate: the exclusions (value: the clause text)
};

// ---- types as written ----

struct TypeExpr;
using TypeExprPtr = std::unique_ptr<TypeExpr>;

struct FieldDecl {
  Ident name;
  TypeExprPtr type;
  Span span;
};

struct TypeExpr {
  enum class Kind {
    Named,     // bool integer decimal money percent date datetime duration "business duration"
               // period text zone calendar holidays, or an enum/record name
    List,      // list of elem
    Optional,  // elem?
    Record,    // { fields } (inline, for inputs)
  };
  Kind kind = Kind::Named;
  Ident name;
  TypeExprPtr elem;
  // integer ranges: `integer 1..3`, `integer 0..`, `integer ..10`
  std::optional<std::string> range_lo, range_hi;  // as written, may start with '-'
  bool has_range = false;
  std::vector<FieldDecl> fields;
  Span span;
};

// ---- declarations ----

struct Clause {
  std::string text;  // the citation, unescaped
  Span span;
};

struct Header {
  bool is_module = false;  // `module` instead of `policy`
  Ident name;              // dotted, e.g. "qlik.oem_maintenance"
  std::optional<std::string> title;
  Span title_span;
  std::optional<std::string> source;
  Span source_span;
  std::optional<std::string> version;
  Span version_span;
  std::optional<std::string> effective;  // date text as written
  Span effective_span;
  ExprPtr home_zone;
  Span span;
};

struct EnumDecl {
  Ident name;
  std::vector<Ident> members;
};

struct RecordDecl {
  Ident name;
  std::vector<FieldDecl> fields;
};

struct InputDecl {
  Ident name;
  bool optional = false;
  TypeExprPtr type;  // Kind::Record for `input x { ... }`
};

struct ValueDecl {  // const, let, decision
  enum class Kind { Const, Let, Decision };
  Kind kind = Kind::Decision;
  Ident name;
  TypeExprPtr type;  // required for decisions, optional otherwise
  std::optional<Clause> clause;
  ExprPtr value;
};

struct HoursLine {
  bool every_day = false;
  int from_day = 0;                                 // 0 = Monday .. 6 = Sunday
  int to_day = 0;                                   // equal to from_day for a single day
  std::vector<std::pair<int32_t, int32_t>> ranges;  // seconds of the local day, end may be 86400
  Span span;
};

// `schedule NAME` and its day lines: weekly hours a calendar can take by name (or by any
// expression of type `schedule`), so that hours chosen by the inputs need one calendar.
struct ScheduleDecl {
  Ident name;
  std::optional<Clause> clause;
  std::vector<HoursLine> hours;
};

struct CalendarDecl {
  Ident name;
  std::optional<Clause> clause;
  std::vector<HoursLine> hours;
  ExprPtr schedule;      // `schedule EXPR` instead of the day lines, may be null
  Span schedule_span;    // the whole `schedule EXPR` line, when there is one
  ExprPtr zone;          // `in EXPR`
  ExprPtr holidays;      // `except EXPR`, may be null
  ExprPtr business_day;  // `business day EXPR`
};

struct HolidayRuleDecl {
  // WeekdayBefore/After: `on Monday before May 25`, `on Saturday on or after June 20`.
  enum class Kind { Fixed, NthWeekday, LastWeekday, WeekdayBefore, WeekdayAfter, Easter };
  // SubstituteSunday: `substitute next weekday if Sunday`.
  enum class Observance { None, NearestWeekday, SubstituteNextWeekday, SubstituteSunday };
  Kind kind = Kind::Fixed;
  int month = 0;           // 1..12
  int day = 0;             // Fixed, WeekdayBefore/After
  int nth = 0;             // NthWeekday: 1..5
  int weekday = 0;         // 0 = Monday
  bool inclusive = false;  // WeekdayBefore/After written `on or before` / `on or after`
  int easter_offset = 0;   // days from Easter Sunday
  Observance observance = Observance::None;
  // `open 09:00-13:00`: a partial day, open during these ranges only (seconds of the day).
  std::vector<std::pair<int32_t, int32_t>> open;
  Span open_span;
  std::optional<int> from_year, until_year;
  std::optional<std::string> name;
  Span span;
};

struct DateChange {
  enum class Kind { Add, Remove, Move };
  Kind kind = Kind::Add;
  std::string date;     // as written
  std::string to_date;  // Move only
  // Add only: `add 2026-12-31 open 09:00-12:00`, a partial day.
  std::vector<std::pair<int32_t, int32_t>> open;
  Span span;
};

struct HolidaysDecl {
  Ident name;
  std::optional<std::string> title;
  std::optional<Clause> clause;
  int valid_from = 0, valid_to = 0;
  Span valid_span;
  std::vector<HolidayRuleDecl> rules;
  std::vector<DateChange> changes;
};

struct TableColumn {  // `given EXPR as NAME`
  ExprPtr expr;
  std::optional<Ident> alias;
};

// A table cell, parsed the same way for every column; sema reads it as a condition for
// input columns and as an expression (a OneOf with one value) for output columns.
struct TableRow {
  std::vector<Condition> cells;
  Span span;
};

struct TableDecl {
  Ident name;
  std::optional<Clause> clause;
  std::vector<TableColumn> given;
  std::vector<FieldDecl> gives;
  enum class Hit { Unique, First };
  Hit hit = Hit::Unique;
  bool hit_written = false;
  Span hit_span;  // `hit unique` / `hit first` when hit_written (for the formatter's comments)
  std::vector<TableRow> rows;
};

struct ExclusionEntry {
  std::string clause;
  Span clause_span;
  ExprPtr when;
  Span span;
};

struct ExclusionsDecl {
  Ident name;
  std::optional<Clause> clause;
  std::vector<ExclusionEntry> entries;
};

struct FixtureDecl {
  Ident name;
  ExprPtr value;
};

struct TestGiven {
  Ident input;
  ExprPtr value;
  Span span;
};

struct TestExpect {
  bool is_error = false;
  Ident decision;     // when !is_error
  ExprPtr value;      // when !is_error
  std::string error;  // when is_error: a fragment of the evaluation error message
  Span span;
};

struct TestDecl {
  std::string name;
  Span name_span;
  std::vector<TestGiven> givens;
  std::vector<TestExpect> expects;
};

// `import stdlib.holidays` (a standard module, built into proviso) or `import "lib/hours.policy"`
// (a module file, relative to the directory of the file that imports it).
struct ImportDecl {
  Ident path;            // the dotted name, or the file's path unescaped (its span has the quotes)
  bool is_file = false;  // the quoted form
};

enum class DeclKind {
  Import,
  Enum,
  Record,
  Input,
  Value,
  Calendar,
  Schedule,
  Holidays,
  Table,
  Exclusions,
  Fixture,
  Test
};

struct Decl {
  Span span;  // the whole declaration
  // The declaration: exactly one alternative, in the order of DeclKind.
  std::variant<std::unique_ptr<ImportDecl>, std::unique_ptr<EnumDecl>, std::unique_ptr<RecordDecl>,
               std::unique_ptr<InputDecl>, std::unique_ptr<ValueDecl>, std::unique_ptr<CalendarDecl>,
               std::unique_ptr<ScheduleDecl>, std::unique_ptr<HolidaysDecl>, std::unique_ptr<TableDecl>,
               std::unique_ptr<ExclusionsDecl>, std::unique_ptr<FixtureDecl>, std::unique_ptr<TestDecl>>
      node;

  // An empty declaration of `kind` (its node allocated).
  static Decl of_kind(DeclKind kind, Span span);

  DeclKind kind() const {
    static_assert(std::is_same_v<std::variant_alternative_t<static_cast<size_t>(DeclKind::Test), decltype(node)>,
                                 std::unique_ptr<TestDecl>>,
                  "the alternatives of Decl::node follow the order of DeclKind");
    static_assert(std::is_same_v<std::variant_alternative_t<static_cast<size_t>(DeclKind::Value), decltype(node)>,
                                 std::unique_ptr<ValueDecl>>,
                  "the alternatives of Decl::node follow the order of DeclKind");
    return static_cast<DeclKind>(node.index());
  }
  // The node when the declaration is of that kind, else nullptr.
  ImportDecl* import_decl() const { return get<ImportDecl>(); }
  EnumDecl* enum_decl() const { return get<EnumDecl>(); }
  RecordDecl* record_decl() const { return get<RecordDecl>(); }
  InputDecl* input_decl() const { return get<InputDecl>(); }
  ValueDecl* value_decl() const { return get<ValueDecl>(); }
  CalendarDecl* calendar_decl() const { return get<CalendarDecl>(); }
  ScheduleDecl* schedule_decl() const { return get<ScheduleDecl>(); }
  HolidaysDecl* holidays_decl() const { return get<HolidaysDecl>(); }
  TableDecl* table_decl() const { return get<TableDecl>(); }
  ExclusionsDecl* exclusions_decl() const { return get<ExclusionsDecl>(); }
  FixtureDecl* fixture_decl() const { return get<FixtureDecl>(); }
  TestDecl* test_decl() const { return get<TestDecl>(); }

 private:
  template <class T>
  T* get() const {
    const auto* p = std::get_if<std::unique_ptr<T>>(&node);
    return p ? p->get() : nullptr;
  }
};

struct Comment {
  Span span;         // from `--` to the end of the line (line break excluded)
  std::string text;  // the whole comment including `--`
};

struct Module {
  SourcePtr source;
  Header header;
  std::vector<Decl> decls;
  std::vector<Comment> comments;  // in source order
};

// The name a declaration is known by; null for those without one (imports, tests).
const Ident* decl_name(const Decl& d);

// Names of the days and months as the grammar spells them, shared by parser and formatter.
const char* weekday_name(int weekday);  // 0 = "Monday"
const char* month_name(int month);      // 1 = "January"
// Days named the way an author writes them, consecutive days joined: {0,1,2,3,4} ->
// "Monday to Friday", {0,2,5,6} -> "Monday, Wednesday and Saturday to Sunday".
std::string weekday_list(const std::vector<int>& days);
// A time of day as the grammar writes it: seconds 30600 -> "08:30" (seconds are dropped).
std::string clock_text(int32_t seconds);

}  // namespace proviso::ast

// The checker's state, shared by the files of compiler/sema/ (declarations, expressions,
// tables). Internal to sema: only check.h is public.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/sema/check.h"

namespace proviso::sema {

enum class SymKind { Enum, Record, Input, Value, Table, Calendar, Schedule, Holidays, Fixture };

// Size limits on declarations (docs/LIMITS.md). Member and field look-ups and the coverage of
// matches and tables grow with the square of these counts: without them a file within the
// 8 MiB source limit could keep the checker busy for hours.
inline constexpr size_t kMaxEnumMembers = 1000;
inline constexpr size_t kMaxRecordFields = 1000;  // per record, inline record type or input
inline constexpr size_t kMaxTableRows = 10000;
inline constexpr size_t kMaxMatchArms = 1000;
// Expression levels being checked at once, across declarations checked on demand (a value's
// expression checks the values it names first): bounds the checker's stack, and the
// interpreter's, which follows the same paths. 400 declarations of 256 levels each would
// otherwise need about 50 MB of stack.
inline constexpr int kMaxTotalNesting = 4096;

struct Symbol {
  SymKind kind;
  int file = 0;  // index into Program::files
  const ast::Decl* decl = nullptr;
  Span span;       // the name's span
  int index = -1;  // index into the IR table of its kind, once created
  enum class State { Fresh, Checking, Done } state = State::Fresh;
  bool used = false;
  int32_t entity = -1;  // in the semantic index, when one is kept
};

// Where an expression is checked: which file, whether inputs may be read, the aggregate
// variables in scope and the optionals known to be present.
struct Scope {
  int file = 0;
  bool constant = false;  // consts, fixtures, tests: no inputs, lets or decisions
  std::vector<std::pair<std::string, std::pair<int, ir::Type>>> locals;  // name -> (slot, type)
  std::set<std::string> present;                                         // path keys of optionals known to be present
};

class Checker {
 public:
  Checker(const ast::Module& main, const std::vector<ImportedModule>& imports, SemanticIndex* index = nullptr);
  CheckResult run();

  // ---- shared helpers (checker.cpp) ----
  Diagnostic& error(int file, Span span, Code code, std::string message);
  Diagnostic& warning(int file, Span span, Code code, std::string message);
  // The `help:` line of an unknown enum member at `span`: the closest member with its fix, else
  // the list of members.
  void suggest_member(Diagnostic& d, const ir::EnumDef& en, std::string_view name, Span span) const;
  // The `help:` edit for a value that may be absent: `(VALUE ?? DEFAULT)`, a placeholder.
  void add_default_fix(Diagnostic& d, int file, Span span, std::string_view text) const;
  ir::NodeId emit(ir::Node node, int file, Span span);
  ir::NodeId emit_const(ir::Value value, ir::Type type, int file, Span span);
  int32_t add_loc(int file, Span span);
  const ir::Node& node(ir::NodeId id) const { return program_->nodes[id]; }
  ir::Type type_of(ir::NodeId id) const { return id < 0 ? ir::Type::error() : program_->nodes[id].type; }
  std::string show(const ir::Type& t) const { return ir::to_string(t, program_->schema); }
  // The names that code in file `from` can use (for "did you mean").
  std::vector<std::string> symbol_names(int from) const;
  // Whether code in file `from` sees `sym`: the policy sees every file, a module itself and the
  // modules it imports.
  bool sees(int from, const Symbol& sym) const;
  bool sees_file(int from, int file) const;
  // The `help:` line for `name` unknown in file `from` although another file declares it; ""
  // when no file does.
  std::string unseen_help(const std::string& name, int from) const;
  // Whether code in file `from` sees the enum program_->schema.enums[id] (its bare members).
  bool sees_enum(int from, int id) const;

  // ---- the semantic index, for editors (no-ops without one) ----
  // Records that `span` of `file` names `sym`.
  void note_use(const Symbol& sym, int file, Span span) {
    if (index_) index_->occurs(sym.entity, file, span);
  }
  // Records that `span` of `file` names the entity `e` (a member, field, column or local).
  void note_use(const Entity& e, int file, Span span) {
    if (index_) index_->occurs(index_->entity(e), file, span);
  }
  void note_declaration(const Entity& e) {
    if (index_) index_->declare(e);
  }
  void note_type(int file, Span span, const ir::Type& type) {
    if (index_ && !type.is_error()) index_->types.push_back({file, span, show(type)});
  }
  bool indexing() const { return index_ != nullptr; }

  // ---- declarations (check_decls.cpp) ----
  void collect(const ast::Module& module, int file);
  // Reports every declaration over a size limit; false when there is one (nothing else is
  // checked then).
  bool within_size_limits(const ast::Module& module, int file);
  void check_header(const ast::Header& header);
  void check_enum(Symbol& sym);
  void check_record(Symbol& sym);
  void check_input(Symbol& sym);
  void refuse_unreadable_fields(int file, const ast::TypeExpr& written, const ir::Type& t, const std::string& path);
  void ensure_value(Symbol& sym);
  void ensure_calendar(Symbol& sym);
  void ensure_holidays(Symbol& sym);

  // ---- working hours and schedules (check_hours.cpp) ----
  // The weekly hours of day lines (a calendar's or a schedule's); each mistake is reported once
  // per line, whatever the number of days it names.
  rt::WeeklyHours check_hours(int file, const std::vector<ast::HoursLine>& lines);
  // The time ranges of one day as written (`08:00-12:00, 13:00-17:00` of a day line, the
  // `open` hours of a partial day): each must end after it starts, in any order, with no
  // overlap. `ranges` gets the valid ones, sorted; false after an error at `span`, worded by
  // `words`.
  struct RangeWords {
    Code code;
    const char* one;        // "the working interval"
    const char* backwards;  // "must end after it starts"
    const char* two;        // "the working intervals"
    const char* join;       // the help of an overlap
    static RangeWords working();
    static RangeWords open_hours();
  };
  bool day_ranges(int file, Span span, const std::vector<std::pair<int32_t, int32_t>>& written, const RangeWords& words,
                  std::vector<rt::TimeRange>& ranges);
  void ensure_schedule(Symbol& sym);
  // A calendar's `schedule EXPR` line: the node of EXPR, or kNoNode when the calendar has none.
  ir::NodeId check_calendar_schedule(int file, const ast::CalendarDecl& c, Scope& scope);
  // The schedules (indices into Program::schedules) that the expression `id` can give: every
  // schedule named where its value can come from, through lets, tables and branches.
  std::vector<int32_t> schedules_of(ir::NodeId id) const;
  // The business-day warning for one week of hours; `schedule` names the schedule they come
  // from, or is empty for the calendar's own day lines.
  void warn_day_length(int file, const ast::CalendarDecl& c, const rt::WeeklyHours& hours, int64_t business_day,
                       const std::string& schedule);
  void check_tests(const ast::Module& module);
  void report_unused();
  ir::Type resolve_type(const ast::TypeExpr& t, int file, const std::string& record_name_hint);
  // The symbol `name` as code in file `from` sees it (null when none, or out of its sight):
  // inputs first, then the rest.
  Symbol* find_symbol(const std::string& name, int from);
  Symbol* find_declared(const std::string& name);  // everything but inputs, in every file

  // ---- expressions (check_expr.cpp) ----
  ir::NodeId check_expr(const ast::Expr& e, Scope& scope, const ir::Type* hint = nullptr);
  // Checks `e` and converts it to `target` (integer -> decimal, duration -> business
  // duration, T -> T?); reports a mismatch naming `what` with the code `mismatch` (a
  // condition's, a declared type's, or any other place's), or `none`, absence and currency
  // problems with their own codes.
  ir::NodeId check_as(const ast::Expr& e, Scope& scope, const ir::Type& target, const std::string& what, Code mismatch);
  // A calendar's `business day` that no working day of its week is as long as (a warning).
  void warn_business_day_length(int file, const ast::CalendarDecl& c, const ir::CalendarDef& def);
  ir::NodeId coerce(ir::NodeId id, const ir::Type& target, int file, Span span, const std::string& what, Code mismatch);
  // `e`, a plain duration, is about to be counted as working time (a business-duration place,
  // `+` with a business duration, `... in CALENDAR`): reports each `N days` or `N weeks`
  // literal that makes up its value, which would count as 24 working hours a day.
  void refuse_plain_days(int file, const ast::Expr& e);
  ir::NodeId require_present(ir::NodeId id, int file, Span span, const ast::Expr& e);
  std::string path_key(ir::NodeId id) const;

  // ---- tables and patterns (check_table.cpp) ----
  void ensure_table(Symbol& sym);
  ir::Pattern check_pattern(const ast::Condition& c, const ir::Type& type, Scope& scope, bool in_table);
  // A table column of an ordered type other than integer (check_table.cpp "Ordered
  // columns"): its cells as integer patterns over the Rank node that replaces `given`, and
  // the boundary values for messages. False when a cell is in error.
  bool rank_column(const ast::TableDecl& t, size_t column, const ir::Type& type, Scope& scope, ir::TableDef& def,
                   std::vector<std::string>& boundary_texts);
  std::optional<ir::Value> literal_value(ir::NodeId id) const;
  void add_arms_fix(Diagnostic& d, int file, Span match_span, const std::vector<Span>& arms,
                    const std::vector<std::string>& missing) const;
  void check_match_coverage(const std::vector<ir::Pattern>& pats, const std::vector<Span>& spans, const ir::Type& type,
                            int file, Span match_span);

  // ---- state ----
  const ast::Module& main_;
  std::vector<const ast::Module*> imports_;
  std::vector<std::vector<bool>> sees_;  // [from][file]: whether code in `from` sees `file`
  std::vector<int> enum_files_;          // the file of each enum of program_->schema
  std::shared_ptr<ir::Program> program_;
  Diagnostics diags_;
  std::map<std::string, Symbol> symbols_;        // everything but inputs
  std::map<std::string, Symbol> input_symbols_;  // inputs: their own namespace, so a decision
                                                 // may share an input's name (`reinstatement`)
  // Fixtures checked so far, with the type each was wanted at (null: none): a test that names
  // a fixture at a type it was checked at before shares those nodes (ExprChecker::name).
  struct CheckedFixture {
    const Symbol* symbol;
    std::optional<ir::Type> hint;
    ir::NodeId id;
  };
  std::vector<CheckedFixture> checked_fixtures_;
  int depth_ = 0;                   // nesting of on-demand checks, bounded to keep the stack safe
  int nesting_ = 0;                 // expression levels being checked, across on-demand checks (kMaxTotalNesting)
  SemanticIndex* index_ = nullptr;  // kept for editors when asked for (index.h)
};

}  // namespace proviso::sema

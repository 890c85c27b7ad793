// Structural equality of syntax trees. Null children are equal only to null children.
#include "compiler/ast/ast_equal.h"

namespace proviso::ast {

namespace {

template <typename T>
bool eq_ptr(const std::unique_ptr<T>& a, const std::unique_ptr<T>& b) {
  if (!a || !b) return !a && !b;
  return equal(*a, *b);
}

template <typename T, typename F>
bool eq_vec(const std::vector<T>& a, const std::vector<T>& b, F same) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

bool eq_ident(const Ident& a, const Ident& b) { return a.text == b.text; }

bool eq_exprs(const std::vector<ExprPtr>& a, const std::vector<ExprPtr>& b) {
  return eq_vec(a, b, [](const ExprPtr& x, const ExprPtr& y) { return eq_ptr(x, y); });
}

bool eq_condition(const Condition& a, const Condition& b) {
  return a.kind == b.kind && (a.kind != Condition::Kind::Compare || a.op == b.op) && a.half_open == b.half_open &&
         eq_exprs(a.values, b.values);
}

bool eq_fields(const std::vector<FieldInit>& a, const std::vector<FieldInit>& b) {
  return eq_vec(a, b, [](const FieldInit& x, const FieldInit& y) {
    return eq_ident(x.name, y.name) && eq_ptr(x.value, y.value);
  });
}

bool eq_items(const std::vector<CollectItem>& a, const std::vector<CollectItem>& b) {
  return eq_vec(a, b, [](const CollectItem& x, const CollectItem& y) {
    return eq_ptr(x.value, y.value) && eq_ptr(x.when, y.when);
  });
}

bool eq_field_decls(const std::vector<FieldDecl>& a, const std::vector<FieldDecl>& b) {
  return eq_vec(
      a, b, [](const FieldDecl& x, const FieldDecl& y) { return eq_ident(x.name, y.name) && eq_ptr(x.type, y.type); });
}

bool eq_clause(const std::optional<Clause>& a, const std::optional<Clause>& b) {
  if (!a || !b) return !a && !b;
  return a->text == b->text;
}

bool eq_hours_line(const HoursLine& a, const HoursLine& b) {
  return a.every_day == b.every_day && a.from_day == b.from_day && a.to_day == b.to_day && a.ranges == b.ranges;
}

bool eq_header(const Header& a, const Header& b) {
  return a.is_module == b.is_module && eq_ident(a.name, b.name) && a.title == b.title && a.source == b.source &&
         a.version == b.version && a.effective == b.effective && eq_ptr(a.home_zone, b.home_zone);
}

}  // namespace

bool equal(const Expr& a, const Expr& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ExprKind::Literal: return a.lit == b.lit && a.text == b.text && a.unit == b.unit;
    case ExprKind::Name: return eq_ident(a.name, b.name);
    case ExprKind::Field: return eq_ident(a.name, b.name) && eq_ptr(a.operand, b.operand);
    case ExprKind::Unary: return a.unary_op == b.unary_op && eq_ptr(a.operand, b.operand);
    case ExprKind::Binary: return a.binary_op == b.binary_op && eq_ptr(a.lhs, b.lhs) && eq_ptr(a.rhs, b.rhs);
    case ExprKind::Call: return eq_ident(a.name, b.name) && eq_exprs(a.args, b.args);
    case ExprKind::If:
      return eq_ptr(a.cond, b.cond) && eq_ptr(a.then_branch, b.then_branch) && eq_ptr(a.else_branch, b.else_branch);
    case ExprKind::Match:
      return eq_ptr(a.operand, b.operand) && eq_vec(a.arms, b.arms, [](const MatchArm& x, const MatchArm& y) {
               return eq_condition(x.pattern, y.pattern) && eq_ptr(x.body, y.body);
             });
    case ExprKind::List: return eq_exprs(a.args, b.args);
    case ExprKind::Record: return eq_fields(a.fields, b.fields);
    case ExprKind::With: return eq_ptr(a.operand, b.operand) && eq_fields(a.fields, b.fields);
    case ExprKind::Aggregate:
      return eq_ident(a.name, b.name) && eq_ident(a.var, b.var) && eq_ptr(a.operand, b.operand) &&
             eq_ptr(a.body, b.body) && eq_items(a.items, b.items);
    case ExprKind::Collect: return eq_items(a.items, b.items);
    case ExprKind::Paren: return eq_ptr(a.operand, b.operand);
    case ExprKind::Pausing: return eq_ptr(a.operand, b.operand) && eq_exprs(a.args, b.args);
  }
  return false;
}

bool equal(const TypeExpr& a, const TypeExpr& b) {
  return a.kind == b.kind && eq_ident(a.name, b.name) && eq_ptr(a.elem, b.elem) && a.has_range == b.has_range &&
         a.range_lo == b.range_lo && a.range_hi == b.range_hi && eq_field_decls(a.fields, b.fields);
}

namespace {
// The part of a declaration its kind says is set; null when a hand-built tree left it out.
const void* part(const Decl& d) {
  switch (d.kind()) {
    case DeclKind::Import: return d.import_decl();
    case DeclKind::Enum: return d.enum_decl();
    case DeclKind::Record: return d.record_decl();
    case DeclKind::Input: return d.input_decl();
    case DeclKind::Value: return d.value_decl();
    case DeclKind::Calendar: return d.calendar_decl();
    case DeclKind::Schedule: return d.schedule_decl();
    case DeclKind::Holidays: return d.holidays_decl();
    case DeclKind::Table: return d.table_decl();
    case DeclKind::Exclusions: return d.exclusions_decl();
    case DeclKind::Fixture: return d.fixture_decl();
    case DeclKind::Test: return d.test_decl();
  }
  return nullptr;
}
}  // namespace

bool equal(const Decl& a, const Decl& b) {
  if (a.kind() != b.kind()) return false;
  if (!part(a) || !part(b)) return !part(a) && !part(b);
  switch (a.kind()) {
    case DeclKind::Import:
      return a.import_decl()->is_file == b.import_decl()->is_file &&
             eq_ident(a.import_decl()->path, b.import_decl()->path);
    case DeclKind::Enum:
      return eq_ident(a.enum_decl()->name, b.enum_decl()->name) &&
             eq_vec(a.enum_decl()->members, b.enum_decl()->members, eq_ident);
    case DeclKind::Record:
      return eq_ident(a.record_decl()->name, b.record_decl()->name) &&
             eq_field_decls(a.record_decl()->fields, b.record_decl()->fields);
    case DeclKind::Input:
      return eq_ident(a.input_decl()->name, b.input_decl()->name) &&
             a.input_decl()->optional == b.input_decl()->optional && eq_ptr(a.input_decl()->type, b.input_decl()->type);
    case DeclKind::Value: {
      const ValueDecl& x = *a.value_decl();
      const ValueDecl& y = *b.value_decl();
      return x.kind == y.kind && eq_ident(x.name, y.name) && eq_ptr(x.type, y.type) && eq_clause(x.clause, y.clause) &&
             eq_ptr(x.value, y.value);
    }
    case DeclKind::Calendar: {
      const CalendarDecl& x = *a.calendar_decl();
      const CalendarDecl& y = *b.calendar_decl();
      return eq_ident(x.name, y.name) && eq_clause(x.clause, y.clause) && eq_vec(x.hours, y.hours, eq_hours_line) &&
             eq_ptr(x.schedule, y.schedule) && eq_ptr(x.zone, y.zone) && eq_ptr(x.holidays, y.holidays) &&
             eq_ptr(x.business_day, y.business_day);
    }
    case DeclKind::Schedule: {
      const ScheduleDecl& x = *a.schedule_decl();
      const ScheduleDecl& y = *b.schedule_decl();
      return eq_ident(x.name, y.name) && eq_clause(x.clause, y.clause) && eq_vec(x.hours, y.hours, eq_hours_line);
    }
    case DeclKind::Holidays: {
      const HolidaysDecl& x = *a.holidays_decl();
      const HolidaysDecl& y = *b.holidays_decl();
      return eq_ident(x.name, y.name) && x.title == y.title && eq_clause(x.clause, y.clause) &&
             x.valid_from == y.valid_from && x.valid_to == y.valid_to &&
             eq_vec(x.rules, y.rules,
                    [](const HolidayRuleDecl& p, const HolidayRuleDecl& q) {
                      return p.kind == q.kind && p.month == q.month && p.day == q.day && p.nth == q.nth &&
                             p.weekday == q.weekday && p.inclusive == q.inclusive &&
                             p.easter_offset == q.easter_offset && p.observance == q.observance && p.open == q.open &&
                             p.from_year == q.from_year && p.until_year == q.until_year && p.name == q.name;
                    }) &&
             eq_vec(x.changes, y.changes, [](const DateChange& p, const DateChange& q) {
               return p.kind == q.kind && p.date == q.date && p.to_date == q.to_date && p.open == q.open;
             });
    }
    case DeclKind::Table: {
      const TableDecl& x = *a.table_decl();
      const TableDecl& y = *b.table_decl();
      return eq_ident(x.name, y.name) && eq_clause(x.clause, y.clause) &&
             eq_vec(x.given, y.given,
                    [](const TableColumn& p, const TableColumn& q) {
                      return eq_ptr(p.expr, q.expr) && p.alias.has_value() == q.alias.has_value() &&
                             (!p.alias || eq_ident(*p.alias, *q.alias));
                    }) &&
             eq_field_decls(x.gives, y.gives) && x.hit == y.hit && x.hit_written == y.hit_written &&
             eq_vec(x.rows, y.rows,
                    [](const TableRow& p, const TableRow& q) { return eq_vec(p.cells, q.cells, eq_condition); });
    }
    case DeclKind::Exclusions: {
      const ExclusionsDecl& x = *a.exclusions_decl();
      const ExclusionsDecl& y = *b.exclusions_decl();
      return eq_ident(x.name, y.name) && eq_clause(x.clause, y.clause) &&
             eq_vec(x.entries, y.entries, [](const ExclusionEntry& p, const ExclusionEntry& q) {
               return p.clause == q.clause && eq_ptr(p.when, q.when);
             });
    }
    case DeclKind::Fixture:
      return eq_ident(a.fixture_decl()->name, b.fixture_decl()->name) &&
             eq_ptr(a.fixture_decl()->value, b.fixture_decl()->value);
    case DeclKind::Test: {
      const TestDecl& x = *a.test_decl();
      const TestDecl& y = *b.test_decl();
      return x.name == y.name &&
             eq_vec(x.givens, y.givens,
                    [](const TestGiven& p, const TestGiven& q) {
                      return eq_ident(p.input, q.input) && eq_ptr(p.value, q.value);
                    }) &&
             eq_vec(x.expects, y.expects, [](const TestExpect& p, const TestExpect& q) {
               return p.is_error == q.is_error && eq_ident(p.decision, q.decision) && eq_ptr(p.value, q.value) &&
                      p.error == q.error;
             });
    }
  }
  return false;
}

bool equal(const Module& a, const Module& b) {
  return eq_header(a.header, b.header) &&
         eq_vec(a.decls, b.decls, [](const Decl& x, const Decl& y) { return equal(x, y); });
}

}  // namespace proviso::ast

// Control forms: if, match, and unifying the types of their branches.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <proviso/rt/money.h>
#include <proviso/rt/time.h>

#include "compiler/sema/expr_checker.h"

namespace proviso::sema::detail {

// ---- control ----

Type ExprChecker::unify(std::vector<NodeId>& ids, const std::vector<const ast::Expr*>& exprs, const ast::Expr& whole) {
  Type result = Type::of(TypeKind::None);
  bool optional = false;
  bool any_decimal = false;
  for (NodeId id : ids) {
    Type t = checker_.type_of(id);
    if (t.is_error()) return Type::error();
    if (t.kind == TypeKind::None) {
      optional = true;
      continue;
    }
    optional |= t.optional;
    if (t.kind == TypeKind::Decimal) any_decimal = true;
    if (result.kind == TypeKind::None) {
      result = t.as_required().without_range();
      continue;
    }
    if (ir::same_shape(result, t)) {
      if (result.kind == TypeKind::Money && result.currency != t.currency) result.currency.clear();
      continue;
    }
    if (result.is_numeric() && t.is_numeric()) {
      result = Type::of(TypeKind::Decimal);
      continue;
    }
    if ((result.kind == TypeKind::Duration && t.kind == TypeKind::BusinessDuration) ||
        (result.kind == TypeKind::BusinessDuration && t.kind == TypeKind::Duration)) {
      result = Type::of(TypeKind::BusinessDuration);
      continue;
    }
    err(whole, Code::BranchesDiffer,
        fmt::format("the branches give different types: `{}` and `{}`", show(result), show(t)));
    return Type::error();
  }
  if (result.kind == TypeKind::None) return result;
  (void)any_decimal;
  for (size_t i = 0; i < ids.size(); ++i) {
    Type target = result;
    target.optional = true;  // conversion targets below never reject optionals
    Type t = checker_.type_of(ids[i]);
    if (t.kind == TypeKind::Integer && result.kind == TypeKind::Decimal) ids[i] = to_dec(ids[i], *exprs[i]);
    if (t.kind == TypeKind::Duration && result.kind == TypeKind::BusinessDuration) {
      checker_.refuse_plain_days(scope_.file, *exprs[i]);
      ids[i] = node(Op::DurToBDur, Type::of(TypeKind::BusinessDuration), *exprs[i], ids[i]);
    }
  }
  result.optional = optional;
  return result;
}

NodeId ExprChecker::if_expr(const ast::Expr& e, const Type* hint) {
  NodeId cond =
      checker_.check_as(*e.cond, scope_, Type::of(TypeKind::Bool), "the condition of `if`", Code::ConditionNotBool);
  NodeId a = with_facts(facts(cond, true), *e.then_branch, hint);
  NodeId b = with_facts(facts(cond, false), *e.else_branch, hint);
  std::vector<NodeId> ids = {a, b};
  Type t = unify(ids, {e.then_branch.get(), e.else_branch.get()}, e);
  if (t.is_error()) return poison(e);
  return node(Op::If, t, e, cond, ids[0], ids[1]);
}

NodeId ExprChecker::match(const ast::Expr& e, const Type* hint) {
  NodeId scrut = present(check(*e.operand, nullptr), *e.operand);
  Type st = checker_.type_of(scrut);
  if (st.is_error()) return poison(e);
  if (st.kind != TypeKind::Enum && st.kind != TypeKind::Bool && st.kind != TypeKind::Integer) {
    err(*e.operand, Code::NotMatchable, fmt::format("`match` works on enums, bools and integers, not `{}`", show(st)));
    return poison(e);
  }
  if (e.arms.size() > kMaxMatchArms) {
    err(e, Code::DeclarationTooLarge,
        fmt::format("this `match` has {} arms, the limit is {}", e.arms.size(), kMaxMatchArms));
    return poison(e);
  }
  std::vector<ir::Pattern> pats;
  std::vector<Span> spans;
  std::vector<NodeId> bodies;
  std::vector<const ast::Expr*> exprs;
  bool patterns_ok = true;  // an invalid pattern matches anything: coverage would be noise
  for (const ast::MatchArm& arm : e.arms) {
    size_t errors_before = checker_.diags_.error_count();
    pats.push_back(checker_.check_pattern(arm.pattern, st, scope_, false));
    if (checker_.diags_.error_count() != errors_before) patterns_ok = false;
    spans.push_back(arm.pattern.span);
    bodies.push_back(check(*arm.body, hint));
    exprs.push_back(arm.body.get());
  }
  if (patterns_ok) checker_.check_match_coverage(pats, spans, st, scope_.file, e.span);
  Type t = unify(bodies, exprs, e);
  if (t.is_error()) return poison(e);
  ir::Node n;
  n.op = Op::Switch;
  n.type = t;
  n.a = scrut;
  n.args = std::move(bodies);
  n.pats = std::move(pats);
  return checker_.emit(std::move(n), scope_.file, e.span);
}

}  // namespace proviso::sema::detail

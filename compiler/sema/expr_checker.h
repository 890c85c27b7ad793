// The expression checker's class, shared by the sema files that implement its forms:
// check_expr.cpp (dispatch, literals, names), check_operators.cpp, check_control.cpp,
// check_calls.cpp. Internal to sema.
#pragma once
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compiler/sema/builtins.h"
#include "compiler/sema/checker.h"

namespace proviso::sema::detail {

using ir::NodeId;
using ir::Op;
using ir::Type;
using ir::TypeKind;

inline constexpr int kMaxExprDepth = 256;

inline bool is_ordered(TypeKind k) {
  switch (k) {
    case TypeKind::Integer:
    case TypeKind::Decimal:
    case TypeKind::Money:
    case TypeKind::Percent:
    case TypeKind::Date:
    case TypeKind::DateTime:
    case TypeKind::Duration: return true;
    default: return false;
  }
}

inline const char* op_word(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::Add: return "+";
    case ast::BinaryOp::Sub: return "-";
    case ast::BinaryOp::Mul: return "*";
    case ast::BinaryOp::Div: return "/";
    case ast::BinaryOp::Of: return "of";
    case ast::BinaryOp::Eq: return "==";
    case ast::BinaryOp::Ne: return "!=";
    case ast::BinaryOp::Lt: return "<";
    case ast::BinaryOp::Le: return "<=";
    case ast::BinaryOp::Gt: return ">";
    case ast::BinaryOp::Ge: return ">=";
    case ast::BinaryOp::And: return "and";
    case ast::BinaryOp::Or: return "or";
    case ast::BinaryOp::In: return "in";
    case ast::BinaryOp::NotIn: return "not in";
    case ast::BinaryOp::Coalesce: return "??";
  }
  return "?";
}

inline const ast::Expr& strip_parens(const ast::Expr& e) {
  const ast::Expr* p = &e;
  while (p->kind == ast::ExprKind::Paren && p->operand) p = p->operand.get();
  return *p;
}

// Checks one expression tree; holds the Checker for emitting nodes and diagnostics.
class ExprChecker {
 public:
  ExprChecker(Checker& c, Scope& s) : checker_(c), scope_(s) {}

  NodeId check(const ast::Expr& e, const Type* hint);

 private:
  NodeId literal(const ast::Expr& e, const Type* hint);
  NodeId name(const ast::Expr& e, const Type* hint);
  NodeId field(const ast::Expr& e, const Type* hint);
  NodeId unary(const ast::Expr& e, const Type* hint);
  NodeId binary(const ast::Expr& e, const Type* hint);
  NodeId arithmetic(const ast::Expr& e, NodeId l, NodeId r);
  NodeId comparison(const ast::Expr& e, NodeId l, NodeId r);
  NodeId percent_product(const ast::Expr& e, bool percent_on_left);
  NodeId calendar_add(const ast::Expr& e, const ast::Expr& sum, NodeId cal);
  // `CALENDAR pausing PAUSES [as of INSTANT]`, in check_calls.cpp.
  NodeId pausing(const ast::Expr& e);
  NodeId call(const ast::Expr& e, const Type* hint);
  // The rules of the built-in functions (builtins.h), in check_calls.cpp.
  friend std::span<const Builtin> builtins();
  NodeId min_max(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId abs(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId to_integer(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId round(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId list_query(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId blank(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId date_of(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId working_time(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId calendar_query(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId to_text(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId duration_in(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId date_part(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId sla_progress(const ast::Expr& e, const Builtin& b, const Type* hint);
  NodeId as_percent(const ast::Expr& e, const Builtin& b, const Type* hint);
  // Argument i, required present, typed with `hint`.
  NodeId argument(const ast::Expr& e, size_t i, const Type* hint = nullptr) {
    return present(check(*e.args[i], hint), *e.args[i]);
  }
  // Argument i converted to `k`, named "the WHICH argument of `NAME`" in a mismatch.
  NodeId argument_as(const ast::Expr& e, const Builtin& b, size_t i, TypeKind k);
  NodeId if_expr(const ast::Expr& e, const Type* hint);
  NodeId match(const ast::Expr& e, const Type* hint);
  NodeId list(const ast::Expr& e, const Type* hint);
  NodeId record(const ast::Expr& e, const Type* hint);
  NodeId with(const ast::Expr& e, const Type* hint);
  // Reports `fi` naming no field of `rec`, suggesting the closest name.
  void unknown_field(const ir::RecordDef& rec, const ast::FieldInit& fi);
  NodeId aggregate(const ast::Expr& e, const Type* hint);
  NodeId collect(const ast::Expr& e, const Type* hint);
  std::vector<NodeId> excluding(const ast::Expr& e);

  // A required (non-optional) operand: reports "may be absent" and gives its value type.
  NodeId present(NodeId id, const ast::Expr& e) { return checker_.require_present(id, scope_.file, e.span, e); }
  NodeId node(Op op, Type t, const ast::Expr& e, NodeId a = ir::kNoNode, NodeId b = ir::kNoNode,
              NodeId cc = ir::kNoNode) {
    ir::Node n;
    n.op = op;
    n.type = std::move(t);
    n.a = a;
    n.b = b;
    n.c = cc;
    return checker_.emit(std::move(n), scope_.file, e.span);
  }
  NodeId to_dec(NodeId id, const ast::Expr& e) {
    if (checker_.type_of(id).kind != TypeKind::Integer) return id;
    return node(Op::IntToDec, Type::of(TypeKind::Decimal), e, id);
  }
  NodeId poison(const ast::Expr& e) { return node(Op::Const, Type::error(), e); }
  NodeId narrow(NodeId id, const ast::Expr& e);
  std::vector<std::string> facts(NodeId cond, bool when_true) const;
  NodeId with_facts(const std::vector<std::string>& f, const ast::Expr& e, const Type* hint);
  // Unifies branch types (none with T, integer with decimal); converts both sides.
  Type unify(std::vector<NodeId>& ids, const std::vector<const ast::Expr*>& exprs, const ast::Expr& whole);
  bool is_unresolved_bare_name(const ast::Expr& e) const;
  std::optional<int32_t> enum_member(const std::string& n, const Type* hint, int* enum_id) const;
  Diagnostic& err(const ast::Expr& e, Code code, std::string msg) {
    return checker_.error(scope_.file, e.span, code, std::move(msg));
  }
  std::string show(const Type& t) const { return checker_.show(t); }

  Checker& checker_;
  Scope& scope_;
  int depth_ = 0;
};

}  // namespace proviso::sema::detail

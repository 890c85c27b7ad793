// Operators: unary, logical with narrowing, membership, comparison, arithmetic with units,
// and calendar addition (`T + D in C`).
#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <proviso/rt/money.h>
#include <proviso/rt/time.h>

#include "compiler/sema/expr_checker.h"

namespace proviso::sema::detail {

// ---- operators ----

std::vector<std::string> ExprChecker::facts(NodeId cond, bool when_true) const {
  std::vector<std::string> out;
  if (cond < 0) return out;
  const ir::Node& n = checker_.node(cond);
  switch (n.op) {
    case Op::IsPresent:
      if (when_true) {
        std::string k = checker_.path_key(n.a);
        if (!k.empty()) out.push_back(k);
      }
      break;
    case Op::Not: return facts(n.a, !when_true);
    case Op::And:
      if (when_true) {
        out = facts(n.a, true);
        auto more = facts(n.b, true);
        out.insert(out.end(), more.begin(), more.end());
      }
      break;
    case Op::Or:
      if (!when_true) {
        out = facts(n.a, false);
        auto more = facts(n.b, false);
        out.insert(out.end(), more.begin(), more.end());
      }
      break;
    default: break;
  }
  return out;
}

NodeId ExprChecker::with_facts(const std::vector<std::string>& f, const ast::Expr& e, const Type* hint) {
  std::set<std::string> saved = scope_.present;
  scope_.present.insert(f.begin(), f.end());
  NodeId id = check(e, hint);
  scope_.present = std::move(saved);
  return id;
}

NodeId ExprChecker::unary(const ast::Expr& e, const Type* hint) {
  switch (e.unary_op) {
    case ast::UnaryOp::Not: {
      NodeId a = checker_.check_as(*e.operand, scope_, Type::of(TypeKind::Bool), "the operand of `not`",
                                   Code::ConditionNotBool);
      return node(Op::Not, Type::of(TypeKind::Bool), e, a);
    }
    case ast::UnaryOp::IsPresent:
    case ast::UnaryOp::IsNone: {
      NodeId a = check(*e.operand, nullptr);
      Type t = checker_.type_of(a);
      if (!t.is_error() && !t.optional && t.kind != TypeKind::None) {
        err(e, Code::NeverAbsent,
            fmt::format("`{}` is never absent: its type is `{}`", checker_.program_->node_text(a), show(t)));
      }
      NodeId p = node(Op::IsPresent, Type::of(TypeKind::Bool), e, a);
      if (e.unary_op == ast::UnaryOp::IsNone) return node(Op::Not, Type::of(TypeKind::Bool), e, p);
      return p;
    }
    case ast::UnaryOp::Neg: {
      NodeId a = present(check(*e.operand, hint), *e.operand);
      Type t = checker_.type_of(a).as_required();
      switch (t.kind) {
        case TypeKind::Integer: return node(Op::IntNeg, t.without_range(), e, a);
        case TypeKind::Decimal:
        case TypeKind::Percent: return node(Op::DecNeg, t, e, a);
        case TypeKind::Money: return node(Op::MoneyNeg, t, e, a);
        case TypeKind::Duration: return node(Op::DurNeg, t, e, a);
        case TypeKind::Error: return poison(e);
        default: err(e, Code::InvalidOperands, fmt::format("cannot negate `{}`", show(t))); return poison(e);
      }
    }
  }
  return poison(e);
}

NodeId ExprChecker::binary(const ast::Expr& e, const Type* hint) {
  using B = ast::BinaryOp;
  B op = e.binary_op;
  if (op == B::And || op == B::Or) {
    NodeId l = checker_.check_as(*e.lhs, scope_, Type::of(TypeKind::Bool),
                                 fmt::format("the left side of `{}`", op_word(op)), Code::ConditionNotBool);
    NodeId r = with_facts(facts(l, op == B::And), *e.rhs, nullptr);
    r = checker_.coerce(r, Type::of(TypeKind::Bool), scope_.file, e.rhs->span,
                        fmt::format("the right side of `{}`", op_word(op)), Code::ConditionNotBool);
    return node(op == B::And ? Op::And : Op::Or, Type::of(TypeKind::Bool), e, l, r);
  }
  if (op == B::Coalesce) {
    NodeId l = check(*e.lhs, hint);
    Type lt = checker_.type_of(l);
    if (lt.is_error()) return poison(e);
    if (!lt.optional) {
      err(*e.lhs, Code::NeverAbsent,
          fmt::format("`{}` is never absent, so `??` has no effect", checker_.program_->node_text(l)));
      return l;
    }
    Type want = lt.as_required();
    NodeId r = check(*e.rhs, &want);
    Type rt_ = checker_.type_of(r);
    if (rt_.is_error()) return poison(e);
    std::vector<NodeId> ids = {l, r};
    Type u = unify(ids, {e.lhs.get(), e.rhs.get()}, e);
    Type result = u;
    result.optional = checker_.type_of(ids[1]).optional || checker_.type_of(ids[1]).kind == TypeKind::None;
    return node(Op::Coalesce, result, e, ids[0], ids[1]);
  }
  if (op == B::In || op == B::NotIn) {
    // `T + D in CALENDAR` is calendar addition; anything else is membership.
    NodeId checked_rhs = ir::kNoNode;  // the right side when already checked without a hint
    if (op == B::In) {
      const ast::Expr& rhs = strip_parens(*e.rhs);
      bool rhs_is_calendar = false;
      if (rhs.kind == ast::ExprKind::Literal && rhs.lit == ast::LitKind::Always) rhs_is_calendar = true;
      if (rhs.kind == ast::ExprKind::Pausing) rhs_is_calendar = true;
      if (rhs.kind == ast::ExprKind::Name) {
        Symbol* sym = checker_.find_symbol(rhs.name.text, scope_.file);
        if (sym && sym->kind == SymKind::Calendar) rhs_is_calendar = true;
        if (sym && sym->kind == SymKind::Value) {
          checker_.ensure_value(*sym);
          if (sym->index >= 0 && checker_.program_->values[sym->index].type.kind == TypeKind::Calendar)
            rhs_is_calendar = true;
        }
      }
      const ast::Expr& lhs = strip_parens(*e.lhs);
      if (!rhs_is_calendar && rhs.kind != ast::ExprKind::List && lhs.kind == ast::ExprKind::Binary &&
          (lhs.binary_op == B::Add || lhs.binary_op == B::Sub)) {
        // A sum before `in` may be a calendar addition with a calendar-valued expression (a
        // match) or a membership test (`(a - b) in x.ns`): the right side's type says which.
        checked_rhs = present(check(*e.rhs, nullptr), *e.rhs);
        if (checker_.type_of(checked_rhs).kind == TypeKind::Calendar) return calendar_add(e, lhs, checked_rhs);
      }
      if (rhs_is_calendar) {
        NodeId cal = checker_.check_as(*e.rhs, scope_, Type::of(TypeKind::Calendar), "the calendar after `in`",
                                       Code::TypeMismatch);
        return calendar_add(e, lhs, cal);
      }
    }
    NodeId l, r;
    if (checked_rhs != ir::kNoNode) {
      l = present(check(*e.lhs, nullptr), *e.lhs);
      r = checked_rhs;
    } else if (is_unresolved_bare_name(*e.lhs)) {
      r = present(check(*e.rhs, nullptr), *e.rhs);
      Type rt_ = checker_.type_of(r);
      Type elem = rt_.kind == TypeKind::List && rt_.elem ? *rt_.elem : Type::error();
      l = present(check(*e.lhs, &elem), *e.lhs);
    } else {
      l = present(check(*e.lhs, nullptr), *e.lhs);
      Type lt = checker_.type_of(l);
      Type want = Type::list_of(lt);
      r = present(check(*e.rhs, &want), *e.rhs);
    }
    Type lt = checker_.type_of(l), rt_ = checker_.type_of(r);
    if (lt.is_error() || rt_.is_error()) return poison(e);
    if (rt_.kind != TypeKind::List || !rt_.elem) {
      err(*e.rhs, Code::NotAList, fmt::format("`{}` needs a list on its right, not `{}`", op_word(op), show(rt_)));
      return poison(e);
    }
    Type elem = *rt_.elem;
    if (lt.kind == TypeKind::Schedule) {  // like `==`: a schedule is used, not compared
      err(e, Code::InvalidComparison, fmt::format("values of type `{}` cannot be compared", show(lt)));
      return poison(e);
    }
    if (lt.kind == TypeKind::Integer && elem.kind == TypeKind::Decimal) {
      l = to_dec(l, *e.lhs);
    } else if (!ir::same_shape(lt, elem.as_required())) {
      err(e, Code::InvalidComparison, fmt::format("cannot look for `{}` in `{}`", show(lt), show(rt_)));
      return poison(e);
    }
    NodeId in = node(Op::In, Type::of(TypeKind::Bool), e, l, r);
    return op == B::NotIn ? node(Op::Not, Type::of(TypeKind::Bool), e, in) : in;
  }
  bool cmp = op == B::Eq || op == B::Ne || op == B::Lt || op == B::Le || op == B::Gt || op == B::Ge;
  NodeId l, r;
  if (cmp && is_unresolved_bare_name(*e.lhs) && !is_unresolved_bare_name(*e.rhs)) {
    r = check(*e.rhs, nullptr);
    Type rt_ = checker_.type_of(r).as_required();
    l = check(*e.lhs, &rt_);
  } else {
    l = check(*e.lhs, cmp ? nullptr : hint);
    Type lt = checker_.type_of(l).as_required();
    r = check(*e.rhs, cmp || lt.kind == TypeKind::Holidays ? &lt : nullptr);
  }
  if (checker_.type_of(l).is_error() || checker_.type_of(r).is_error()) return poison(e);
  if (cmp && (checker_.type_of(r).kind == TypeKind::None || checker_.type_of(l).kind == TypeKind::None)) {
    err(e, Code::CompareWithNone, "compare with `none` using `is none` or `is present`");
    return poison(e);
  }
  l = present(l, *e.lhs);
  r = present(r, *e.rhs);
  if (checker_.type_of(l).is_error() || checker_.type_of(r).is_error()) return poison(e);
  return cmp ? comparison(e, l, r) : arithmetic(e, l, r);
}

NodeId ExprChecker::comparison(const ast::Expr& e, NodeId l, NodeId r) {
  using B = ast::BinaryOp;
  Type lt = checker_.type_of(l), rt_ = checker_.type_of(r);
  if (lt.is_numeric() && rt_.is_numeric() && lt.kind != rt_.kind) {
    l = to_dec(l, *e.lhs);
    r = to_dec(r, *e.rhs);
    lt = rt_ = Type::of(TypeKind::Decimal);
  }
  if (!ir::same_shape(lt, rt_)) {
    err(e, Code::InvalidComparison, fmt::format("cannot compare `{}` with `{}`", show(lt), show(rt_)));
    return poison(e);
  }
  bool ordered_op = e.binary_op != B::Eq && e.binary_op != B::Ne;
  if (ordered_op && !is_ordered(lt.kind)) {
    err(e, Code::InvalidComparison,
        fmt::format("`{}` does not apply to `{}`: only `==` and `!=` do", op_word(e.binary_op), show(lt)));
    return poison(e);
  }
  if (lt.kind == TypeKind::List || lt.kind == TypeKind::Record || lt.kind == TypeKind::Calendar ||
      lt.kind == TypeKind::Schedule || lt.kind == TypeKind::Holidays || lt.kind == TypeKind::BusinessDuration ||
      lt.kind == TypeKind::Period) {
    err(e, Code::InvalidComparison, fmt::format("values of type `{}` cannot be compared", show(lt)));
    return poison(e);
  }
  if (lt.kind == TypeKind::Money && !lt.currency.empty() && !rt_.currency.empty() && lt.currency != rt_.currency) {
    err(e, Code::CurrencyMismatch, fmt::format("cannot compare {} with {}", lt.currency, rt_.currency));
    return poison(e);
  }
  ir::CmpOp op = ir::CmpOp::Eq;
  switch (e.binary_op) {
    case B::Eq: op = ir::CmpOp::Eq; break;
    case B::Ne: op = ir::CmpOp::Ne; break;
    case B::Lt: op = ir::CmpOp::Lt; break;
    case B::Le: op = ir::CmpOp::Le; break;
    case B::Gt: op = ir::CmpOp::Gt; break;
    case B::Ge: op = ir::CmpOp::Ge; break;
    default: break;
  }
  ir::Node n;
  n.op = Op::Cmp;
  n.type = Type::of(TypeKind::Bool);
  n.a = l;
  n.b = r;
  n.aux = static_cast<int32_t>(op);
  return checker_.emit(std::move(n), scope_.file, e.span);
}

NodeId ExprChecker::arithmetic(const ast::Expr& e, NodeId l, NodeId r) {
  using B = ast::BinaryOp;
  B op = e.binary_op;
  Type lt = checker_.type_of(l), rt_ = checker_.type_of(r);
  TypeKind L = lt.kind, R = rt_.kind;
  auto T = [](TypeKind k) { return Type::of(k); };
  auto money_type = [&](const Type& a, const Type& b) {
    Type t = T(TypeKind::Money);
    t.currency = !a.currency.empty() ? a.currency : b.currency;
    return t;
  };
  auto mismatch = [&]() {
    const char* verb = op == B::Add ? "add" : op == B::Sub ? "subtract" : op == B::Mul ? "multiply" : "divide";
    auto& d = err(e, Code::InvalidOperands,
                  op == B::Sub  ? fmt::format("cannot subtract `{}` from `{}`", show(rt_), show(lt))
                  : op == B::Of ? fmt::format("cannot take `{}` of `{}`", show(rt_), show(lt))
                                : fmt::format("cannot {} `{}` and `{}`", verb, show(lt), show(rt_)));
    if ((L == TypeKind::DateTime || R == TypeKind::DateTime) &&
        (L == TypeKind::BusinessDuration || R == TypeKind::BusinessDuration)) {
      d.help = "business time needs a calendar: write `... in CALENDAR`";
    }
    return poison(e);
  };
  if (op == B::Add || op == B::Sub) {
    bool add = op == B::Add;
    if (L == TypeKind::Integer && R == TypeKind::Integer)
      return node(add ? Op::IntAdd : Op::IntSub, T(TypeKind::Integer), e, l, r);
    if (lt.is_numeric() && rt_.is_numeric())
      return node(add ? Op::DecAdd : Op::DecSub, T(TypeKind::Decimal), e, to_dec(l, *e.lhs), to_dec(r, *e.rhs));
    if (L == TypeKind::Percent && R == TypeKind::Percent)
      return node(add ? Op::DecAdd : Op::DecSub, T(TypeKind::Percent), e, l, r);
    if (L == TypeKind::Money && R == TypeKind::Money) {
      if (!lt.currency.empty() && !rt_.currency.empty() && lt.currency != rt_.currency) {
        err(e, Code::CurrencyMismatch,
            fmt::format("cannot {} {} and {}: the currencies differ", add ? "add" : "subtract", lt.currency,
                        rt_.currency));
        return poison(e);
      }
      return node(add ? Op::MoneyAdd : Op::MoneySub, money_type(lt, rt_), e, l, r);
    }
    if (L == TypeKind::Duration && R == TypeKind::Duration)
      return node(add ? Op::DurAdd : Op::DurSub, T(TypeKind::Duration), e, l, r);
    if (add && L == TypeKind::BusinessDuration && R == TypeKind::BusinessDuration)
      return node(Op::BDurAdd, lt, e, l, r);
    if (add && L == TypeKind::BusinessDuration && R == TypeKind::Duration) {
      checker_.refuse_plain_days(scope_.file, *e.rhs);
      return node(Op::BDurAdd, lt, e, l, node(Op::DurToBDur, lt, *e.rhs, r));
    }
    if (add && L == TypeKind::Duration && R == TypeKind::BusinessDuration) {
      checker_.refuse_plain_days(scope_.file, *e.lhs);
      return node(Op::BDurAdd, rt_, e, node(Op::DurToBDur, rt_, *e.lhs, l), r);
    }
    if (L == TypeKind::DateTime && R == TypeKind::Duration)
      return node(add ? Op::DateTimeAdd : Op::DateTimeSub, lt, e, l, r);
    if (add && L == TypeKind::Duration && R == TypeKind::DateTime) return node(Op::DateTimeAdd, rt_, e, r, l);
    if (!add && L == TypeKind::DateTime && R == TypeKind::DateTime)
      return node(Op::DateTimeDiff, T(TypeKind::Duration), e, l, r);
    if (L == TypeKind::Date && R == TypeKind::Period)
      return node(add ? Op::DateAddPeriod : Op::DateSubPeriod, lt, e, l, r);
    if (add && L == TypeKind::Period && R == TypeKind::Date) return node(Op::DateAddPeriod, rt_, e, r, l);
    if (L == TypeKind::Date && R == TypeKind::Duration) return node(add ? Op::DateAddDur : Op::DateSubDur, lt, e, l, r);
    if (!add && L == TypeKind::Date && R == TypeKind::Date) return node(Op::DateDiff, T(TypeKind::Duration), e, l, r);
    if (add && L == TypeKind::Period && R == TypeKind::Period) return node(Op::IntAdd, lt, e, l, r);
    if (L == TypeKind::Holidays && R == TypeKind::Holidays && add) return node(Op::HolidaysUnion, lt, e, l, r);
    if (L == TypeKind::Holidays && R == TypeKind::List && rt_.elem && rt_.elem->kind == TypeKind::Date &&
        !rt_.elem->optional)
      return node(add ? Op::HolidaysAdd : Op::HolidaysRemove, lt, e, l, r);
    return mismatch();
  }
  if (op == B::Mul) {
    if (L == TypeKind::Integer && R == TypeKind::Integer) return node(Op::IntMul, T(TypeKind::Integer), e, l, r);
    if (lt.is_numeric() && rt_.is_numeric())
      return node(Op::DecMul, T(TypeKind::Decimal), e, to_dec(l, *e.lhs), to_dec(r, *e.rhs));
    if (L == TypeKind::Money && (rt_.is_numeric() || R == TypeKind::Percent))
      return node(Op::MoneyMul, lt, e, l, to_dec(r, *e.rhs));
    if (R == TypeKind::Money && (lt.is_numeric() || L == TypeKind::Percent))
      return node(Op::MoneyMul, rt_, e, r, to_dec(l, *e.lhs));
    if ((L == TypeKind::Percent && (rt_.is_numeric() || R == TypeKind::Percent)) ||
        (R == TypeKind::Percent && lt.is_numeric()))
      return percent_product(e, L == TypeKind::Percent);
    if (L == TypeKind::Duration && R == TypeKind::Integer) return node(Op::DurMul, lt, e, l, r);
    if (L == TypeKind::Integer && R == TypeKind::Duration) return node(Op::DurMul, rt_, e, r, l);
    if (L == TypeKind::BusinessDuration && R == TypeKind::Integer) return node(Op::BDurMul, lt, e, l, r);
    if (L == TypeKind::Integer && R == TypeKind::BusinessDuration) return node(Op::BDurMul, rt_, e, r, l);
    if (L == TypeKind::Period && R == TypeKind::Integer) return node(Op::PeriodMul, lt, e, l, r);
    if (L == TypeKind::Integer && R == TypeKind::Period) return node(Op::PeriodMul, rt_, e, r, l);
    return mismatch();
  }
  if (op == B::Div) {
    if (lt.is_numeric() && rt_.is_numeric())
      return node(Op::DecDiv, T(TypeKind::Decimal), e, to_dec(l, *e.lhs), to_dec(r, *e.rhs));
    if (L == TypeKind::Money && rt_.is_numeric()) return node(Op::MoneyDiv, lt, e, l, to_dec(r, *e.rhs));
    if (L == TypeKind::Money && R == TypeKind::Money) {
      if (!lt.currency.empty() && !rt_.currency.empty() && lt.currency != rt_.currency) {
        err(e, Code::CurrencyMismatch,
            fmt::format("cannot divide {} by {}: the currencies differ", lt.currency, rt_.currency));
        return poison(e);
      }
      return node(Op::MoneyRatio, T(TypeKind::Decimal), e, l, r);
    }
    if (L == TypeKind::Percent && rt_.is_numeric()) return node(Op::DecDiv, lt, e, l, to_dec(r, *e.rhs));
    if (L == TypeKind::Duration && R == TypeKind::Duration) {
      // A ratio of two durations, as decimals of their seconds: `downtime / total`.
      auto seconds = [&](NodeId d, const ast::Expr& x) {
        return node(Op::IntToDec, T(TypeKind::Decimal), x, node(Op::DurSeconds, T(TypeKind::Integer), x, d));
      };
      return node(Op::DecDiv, T(TypeKind::Decimal), e, seconds(l, *e.lhs), seconds(r, *e.rhs));
    }
    return mismatch();
  }
  if (op == B::Of) {
    if (L != TypeKind::Percent) {
      err(*e.lhs, Code::InvalidOperands, fmt::format("`of` takes a percent on its left, not `{}`", show(lt))).help =
          "write `25% of amount`";
      return poison(e);
    }
    if (R == TypeKind::Money) return node(Op::MoneyMul, rt_, e, r, l);
    if (rt_.is_numeric()) return node(Op::DecMul, T(TypeKind::Decimal), e, to_dec(r, *e.rhs), l);
    if (R == TypeKind::Percent) return node(Op::DecMul, rt_, e, r, l);
    return mismatch();
  }
  return mismatch();
}

// `25% * 29` once meant 725%, and `25% * 50%` 12.5%: a lawyer reads neither product
// reliably, so both are refused with `25% of 29` (7.25, a number) or `25% of 50%` (12.5%) as
// the machine-applicable replacement.
NodeId ExprChecker::percent_product(const ast::Expr& e, bool percent_on_left) {
  const ast::Expr& pct = percent_on_left ? *e.lhs : *e.rhs;
  const ast::Expr& other = percent_on_left ? *e.rhs : *e.lhs;
  std::string_view text = checker_.program_->files[scope_.file]->text();
  auto slice = [&](Span s) { return s.end <= text.size() ? text.substr(s.begin, s.size()) : std::string_view(); };
  // `of` binds as `*` does, left to right: an operand that is itself an operation keeps its
  // grouping in parentheses (`x * y * 25%` becomes `25% of (x * y)`).
  auto operand = [&](const ast::Expr& x) {
    return x.kind == ast::ExprKind::Binary ? fmt::format("({})", slice(x.span)) : std::string(slice(x.span));
  };
  std::string replacement = fmt::format("{} of {}", operand(pct), operand(other));
  auto& d = err(e, Code::PercentProduct,
                fmt::format("`{}` multiplies a percent, which reads two ways: write it with `of`", slice(e.span)));
  d.help = fmt::format("write `{}`: a percent of a number is a number, of money is money, of a percent is a percent",
                       replacement);
  d.fixes.push_back({e.span, replacement});
  return poison(e);
}

NodeId ExprChecker::calendar_add(const ast::Expr& e, const ast::Expr& sum, NodeId cal) {
  if (sum.kind != ast::ExprKind::Binary || sum.binary_op != ast::BinaryOp::Add) {
    err(sum, Code::InvalidCalendarAddition, "a calendar applies to an addition: `START + DURATION in CALENDAR`");
    return poison(e);
  }
  NodeId start = present(check(*sum.lhs, nullptr), *sum.lhs);
  NodeId amount = present(check(*sum.rhs, nullptr), *sum.rhs);
  Type st = checker_.type_of(start), at = checker_.type_of(amount);
  if (st.is_error() || at.is_error() || checker_.type_of(cal).is_error()) return poison(e);
  const ast::Expr* amount_expr = sum.rhs.get();
  if (st.kind != TypeKind::DateTime && at.kind == TypeKind::DateTime) {
    std::swap(start, amount);
    std::swap(st, at);
    amount_expr = sum.lhs.get();
  }
  if (st.kind != TypeKind::DateTime) {
    err(*sum.lhs, Code::InvalidCalendarAddition,
        fmt::format("working time is added to a `datetime`, not `{}`", show(st)));
    return poison(e);
  }
  if (at.kind == TypeKind::Duration) {
    checker_.refuse_plain_days(scope_.file, *amount_expr);
    amount = node(Op::DurToBDur, Type::of(TypeKind::BusinessDuration), *amount_expr, amount);
  } else if (at.kind != TypeKind::BusinessDuration) {
    err(*amount_expr, Code::InvalidCalendarAddition,
        fmt::format("only a duration can be added in a calendar, not `{}`", show(at)));
    return poison(e);
  }
  return node(Op::CalAdd, Type::of(TypeKind::DateTime), e, start, amount, cal);
}

}  // namespace proviso::sema::detail

// Built-in functions, lists, records, aggregation and collect.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <proviso/rt/money.h>
#include <proviso/rt/time.h>

#include "compiler/sema/expr_checker.h"

namespace proviso::sema::detail {

// ---- calls ----

NodeId ExprChecker::call(const ast::Expr& e, const Type* hint) {
  const std::string& f = e.name.text;
  static const std::vector<std::string> builtins = {"min",     "max",          "abs",      "ceil",         "floor",
                                                    "round",   "count",        "is_empty", "first",        "blank",
                                                    "date_of", "working_time", "is_open",  "next_opening", "text"};
  auto arity = [&](size_t lo, size_t hi) {
    if (e.args.size() < lo || e.args.size() > hi) {
      std::string want = lo == hi ? std::to_string(lo) : fmt::format("{} to {}", lo, hi);
      err(e, Code::WrongArgumentCount,
          fmt::format("`{}` takes {} argument{}, not {}", f, want, hi == 1 ? "" : "s", e.args.size()));
      return false;
    }
    return true;
  };
  auto arg = [&](size_t i, const Type* h = nullptr) { return present(check(*e.args[i], h), *e.args[i]); };
  auto arg_as = [&](size_t i, TypeKind k, const char* what) {
    return c_.check_as(*e.args[i], s_, Type::of(k), fmt::format("the {} argument of `{}`", what, f),
                       Code::TypeMismatch);
  };
  if (f == "min" || f == "max") {
    if (e.args.size() < 2) {
      err(e, Code::WrongArgumentCount,
          fmt::format("`{}` takes two or more arguments; for a list write `{} x in LIST: x`", f, f));
      return poison(e);
    }
    std::vector<NodeId> ids;
    std::vector<const ast::Expr*> exprs;
    for (size_t i = 0; i < e.args.size(); ++i) {
      ids.push_back(arg(i, hint));
      exprs.push_back(e.args[i].get());
    }
    Type t = unify(ids, exprs, e);
    if (t.is_error()) return poison(e);
    if (!is_ordered(t.kind)) {
      err(e, Code::InvalidArgument, fmt::format("`{}` needs ordered values, not `{}`", f, show(t)));
      return poison(e);
    }
    ir::Node n;
    n.op = f == "min" ? Op::MinOf : Op::MaxOf;
    n.type = t;
    n.args = std::move(ids);
    return c_.emit(std::move(n), s_.file, e.span);
  }
  if (f == "abs") {
    if (!arity(1, 1)) return poison(e);
    NodeId a = arg(0, hint);
    Type t = c_.type_of(a);
    if (t.is_error()) return poison(e);
    if (!t.is_numeric() && t.kind != TypeKind::Money && t.kind != TypeKind::Percent && t.kind != TypeKind::Duration) {
      err(e, Code::InvalidArgument, fmt::format("`abs` needs a number, money, percent or duration, not `{}`", show(t)));
      return poison(e);
    }
    return node(Op::Abs, t.without_range(), e, a);
  }
  if (f == "ceil" || f == "floor") {
    if (!arity(1, 1)) return poison(e);
    NodeId a = arg(0);
    Type t = c_.type_of(a);
    if (t.is_error()) return poison(e);
    if (t.kind == TypeKind::Integer) return a;
    if (t.kind != TypeKind::Decimal) {
      err(e, Code::InvalidArgument, fmt::format("`{}` needs a decimal, not `{}`", f, show(t)));
      return poison(e);
    }
    return node(f == "ceil" ? Op::Ceil : Op::Floor, Type::of(TypeKind::Integer), e, a);
  }
  if (f == "round") {
    if (!arity(1, 3)) return poison(e);
    NodeId a = arg(0);
    Type t = c_.type_of(a);
    if (t.is_error()) return poison(e);
    int places = -1;
    rt::RoundingMode mode = rt::RoundingMode::HalfAwayFromZero;
    for (size_t i = 1; i < e.args.size(); ++i) {
      const ast::Expr& x = strip_parens(*e.args[i]);
      if (x.kind == ast::ExprKind::Literal && x.lit == ast::LitKind::Integer) {
        int64_t p = -1;
        std::from_chars(x.text.data(), x.text.data() + x.text.size(), p);
        if (p < 0 || p > rt::Decimal::kMaxScale) {
          err(x, Code::InvalidRounding, fmt::format("round to 0 to {} places, not {}", rt::Decimal::kMaxScale, x.text));
          return poison(e);
        }
        places = static_cast<int>(p);
      } else if (x.kind == ast::ExprKind::Name) {
        static const std::map<std::string, rt::RoundingMode> modes = {{"half_away", rt::RoundingMode::HalfAwayFromZero},
                                                                      {"half_even", rt::RoundingMode::HalfEven},
                                                                      {"up", rt::RoundingMode::Up},
                                                                      {"down", rt::RoundingMode::Down},
                                                                      {"ceiling", rt::RoundingMode::Ceiling},
                                                                      {"floor", rt::RoundingMode::Floor}};
        auto it = modes.find(x.name.text);
        if (it == modes.end()) {
          err(x, Code::InvalidRounding, fmt::format("unknown rounding mode `{}`", x.name.text)).help =
              "the modes are half_away, half_even, up, down, ceiling, floor";
          return poison(e);
        }
        mode = it->second;
      } else {
        err(x, Code::InvalidRounding, "`round` takes a number of places (an integer literal) and a rounding mode name");
        return poison(e);
      }
    }
    Type result;
    if (t.kind == TypeKind::Money) {
      result = t;
    } else if (t.kind == TypeKind::Decimal || t.kind == TypeKind::Percent) {
      result = places < 0 && t.kind == TypeKind::Decimal ? Type::of(TypeKind::Integer) : t;
    } else if (t.kind == TypeKind::Integer) {
      return a;
    } else {
      err(e, Code::InvalidArgument, fmt::format("`round` needs money or a decimal, not `{}`", show(t)));
      return poison(e);
    }
    ir::Node n;
    n.op = Op::Round;
    n.type = result;
    n.a = a;
    n.aux = places;
    n.aux2 = static_cast<int32_t>(mode);
    return c_.emit(std::move(n), s_.file, e.span);
  }
  if (f == "count" || f == "is_empty" || f == "first") {
    if (!arity(1, 1)) return poison(e);
    NodeId a = arg(0);
    Type t = c_.type_of(a);
    if (t.is_error()) return poison(e);
    if (t.kind != TypeKind::List || !t.elem) {
      err(e, Code::NotAList, fmt::format("`{}` needs a list, not `{}`", f, show(t)));
      return poison(e);
    }
    if (f == "count") return node(Op::ListCount, Type::of(TypeKind::Integer), e, a);
    if (f == "is_empty") return node(Op::ListIsEmpty, Type::of(TypeKind::Bool), e, a);
    return node(Op::ListFirst, t.elem->as_optional(), e, a);
  }
  if (f == "blank") {
    if (!arity(1, 1)) return poison(e);
    NodeId a = check(*e.args[0], nullptr);
    Type t = c_.type_of(a);
    if (t.is_error()) return poison(e);
    if (t.kind != TypeKind::Text) {
      err(e, Code::InvalidArgument, fmt::format("`blank` needs a text, not `{}`", show(t)));
      return poison(e);
    }
    return node(Op::Blank, Type::of(TypeKind::Bool), e, a);
  }
  if (f == "date_of") {
    if (!arity(2, 2)) return poison(e);
    NodeId a = arg_as(0, TypeKind::DateTime, "first");
    NodeId b = arg_as(1, TypeKind::Zone, "second");
    return node(Op::DateOf, Type::of(TypeKind::Date), e, a, b);
  }
  if (f == "working_time") {
    if (!arity(3, 3)) return poison(e);
    NodeId a = arg_as(0, TypeKind::DateTime, "first");
    NodeId b = arg_as(1, TypeKind::DateTime, "second");
    NodeId cal = arg_as(2, TypeKind::Calendar, "third");
    return node(Op::WorkingTime, Type::of(TypeKind::Duration), e, a, b, cal);
  }
  if (f == "is_open" || f == "next_opening") {
    if (!arity(2, 2)) return poison(e);
    NodeId a = arg_as(0, TypeKind::DateTime, "first");
    NodeId cal = arg_as(1, TypeKind::Calendar, "second");
    return node(f == "is_open" ? Op::IsOpen : Op::NextOpening,
                Type::of(f == "is_open" ? TypeKind::Bool : TypeKind::DateTime), e, a, ir::kNoNode, cal);
  }
  if (f == "text") {
    if (!arity(1, 1)) return poison(e);
    NodeId a = arg(0);
    if (c_.type_of(a).is_error()) return poison(e);
    return node(Op::ToText, Type::of(TypeKind::Text), e, a);
  }
  auto& d = err(e, Code::UnknownFunction, fmt::format("unknown function `{}`", f));
  std::string best = closest_name(f, builtins);
  if (!best.empty()) {
    d.help = fmt::format("did you mean `{}`?", best);
    d.fixes.push_back({e.name.span, best});
  }
  return poison(e);
}

// ---- lists and records ----

NodeId ExprChecker::list(const ast::Expr& e, const Type* hint) {
  const Type* elem_hint = hint && hint->kind == TypeKind::List && hint->elem ? hint->elem.get() : nullptr;
  std::vector<NodeId> ids;
  std::vector<const ast::Expr*> exprs;
  for (const auto& x : e.args) {
    ids.push_back(check(*x, elem_hint));
    exprs.push_back(x.get());
  }
  Type elem = elem_hint ? *elem_hint : Type::of(TypeKind::None);
  if (!ids.empty()) {
    elem = unify(ids, exprs, e);
    if (elem.is_error()) return poison(e);
  } else if (!elem_hint) {
    err(e, Code::TypeNotKnown, "the type of an empty list is not known here");
    return poison(e);
  }
  if (elem_hint && elem.kind == TypeKind::Integer && elem_hint->kind == TypeKind::Decimal) {
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = to_dec(ids[i], *exprs[i]);
    elem = *elem_hint;
  }
  ir::Node n;
  n.op = Op::MakeList;
  n.type = Type::list_of(elem);
  n.args = std::move(ids);
  return c_.emit(std::move(n), s_.file, e.span);
}

NodeId ExprChecker::record(const ast::Expr& e, const Type* hint) {
  if (!hint || hint->kind != TypeKind::Record || hint->id < 0) {
    err(e, Code::TypeNotKnown, "the record type of `{ ... }` is not known here");
    return poison(e);
  }
  const ir::RecordDef& rec = c_.program_->schema.records[hint->id];
  std::vector<NodeId> args(rec.fields.size(), ir::kNoNode);
  std::vector<bool> seen(rec.fields.size(), false);
  std::vector<Span> seen_at(rec.fields.size());
  for (const ast::FieldInit& fi : e.fields) {
    int f = rec.find(fi.name.text);
    if (f < 0) {
      std::vector<std::string> names;
      for (const auto& fd : rec.fields) names.push_back(fd.name);
      auto& d = c_.error(s_.file, fi.name.span, Code::UnknownField,
                         fmt::format("`{}` has no field `{}`", rec.name, fi.name.text));
      std::string best = closest_name(fi.name.text, names);
      if (!best.empty()) {
        d.help = fmt::format("did you mean `{}`?", best);
        d.fixes.push_back({fi.name.span, best});
      }
      continue;
    }
    if (seen[f]) {
      c_.error(s_.file, fi.name.span, Code::DuplicateField, fmt::format("the field `{}` is given twice", fi.name.text))
          .related.push_back({seen_at[f], "first given here"});
      continue;
    }
    seen[f] = true;
    seen_at[f] = fi.name.span;
    args[f] =
        c_.check_as(*fi.value, s_, rec.fields[f].type, fmt::format("the field `{}`", fi.name.text), Code::TypeMismatch);
  }
  std::vector<std::string> missing;
  for (size_t i = 0; i < rec.fields.size(); ++i)
    if (!seen[i] && !rec.fields[i].type.optional) missing.push_back("`" + rec.fields[i].name + "`");
  if (!missing.empty()) {
    err(e, Code::MissingField,
        fmt::format("`{}` needs the field{} {}", rec.name, missing.size() > 1 ? "s" : "", fmt::join(missing, ", ")));
  }
  ir::Node n;
  n.op = Op::MakeRecord;
  n.type = hint->as_required();
  n.aux = hint->id;
  n.args = std::move(args);
  return c_.emit(std::move(n), s_.file, e.span);
}

NodeId ExprChecker::with(const ast::Expr& e, const Type* hint) {
  Type want = hint ? hint->as_required() : Type::error();
  NodeId base = check(*e.operand, hint ? &want : nullptr);
  Type bt = c_.type_of(base);
  if (bt.is_error()) return poison(e);
  if (bt.kind != TypeKind::Record) {
    err(*e.operand, Code::NotARecord, fmt::format("`with` needs a record, not `{}`", show(bt)));
    return poison(e);
  }
  const ir::RecordDef& rec = c_.program_->schema.records[bt.id];
  ir::Node n;
  n.op = Op::WithRecord;
  n.type = bt.as_required();
  n.a = base;
  for (const ast::FieldInit& fi : e.fields) {
    int f = rec.find(fi.name.text);
    if (f < 0) {
      std::vector<std::string> names;
      for (const auto& fd : rec.fields) names.push_back(fd.name);
      auto& d = c_.error(s_.file, fi.name.span, Code::UnknownField,
                         fmt::format("`{}` has no field `{}`", rec.name, fi.name.text));
      std::string best = closest_name(fi.name.text, names);
      if (!best.empty()) {
        d.help = fmt::format("did you mean `{}`?", best);
        d.fixes.push_back({fi.name.span, best});
      }
      continue;
    }
    n.ints.push_back(f);
    n.args.push_back(c_.check_as(*fi.value, s_, rec.fields[f].type, fmt::format("the field `{}`", fi.name.text),
                                 Code::TypeMismatch));
  }
  return c_.emit(std::move(n), s_.file, e.span);
}

NodeId ExprChecker::aggregate(const ast::Expr& e, const Type* hint) {
  const std::string& agg = e.name.text;
  NodeId lst = present(check(*e.operand, nullptr), *e.operand);
  Type lt = c_.type_of(lst);
  if (lt.is_error()) return poison(e);
  if (lt.kind != TypeKind::List || !lt.elem) {
    err(*e.operand, Code::NotAList, fmt::format("`{}` ranges over a list, not `{}`", agg, show(lt)));
    return poison(e);
  }
  int slot = c_.program_->local_slots++;
  s_.locals.push_back({e.var.text, {slot, *lt.elem}});
  bool boolean = agg == "any" || agg == "all" || agg == "count";
  NodeId body = boolean ? c_.check_as(*e.body, s_, Type::of(TypeKind::Bool), fmt::format("the condition of `{}`", agg),
                                      Code::ConditionNotBool)
                        : present(check(*e.body, hint), *e.body);
  s_.locals.pop_back();
  Type bt = c_.type_of(body);
  if (bt.is_error()) return poison(e);
  ir::Node n;
  n.a = lst;
  n.b = body;
  n.aux = slot;
  if (agg == "any") {
    n.op = Op::AggAny;
    n.type = Type::of(TypeKind::Bool);
  } else if (agg == "all") {
    n.op = Op::AggAll;
    n.type = Type::of(TypeKind::Bool);
  } else if (agg == "count") {
    n.op = Op::AggCount;
    n.type = Type::of(TypeKind::Integer);
  } else if (agg == "sum") {
    if (!bt.is_numeric() && bt.kind != TypeKind::Money && bt.kind != TypeKind::Duration &&
        bt.kind != TypeKind::Percent) {
      err(*e.body, Code::InvalidArgument,
          fmt::format("`sum` adds numbers, money, percents or durations, not `{}`", show(bt)));
      return poison(e);
    }
    if (bt.kind == TypeKind::Money) {
      err(*e.body, Code::MoneySumUnsupported,
          "`sum` of money needs a currency when the list is empty: write `sum x in L: x.amount` inside `if count(L) > "
          "0`")
          .help = "money sums are not supported yet";
      return poison(e);
    }
    n.op = Op::AggSum;
    n.type = bt.as_required().without_range();
  } else if (agg == "min" || agg == "max") {
    if (!is_ordered(bt.kind)) {
      err(*e.body, Code::InvalidArgument, fmt::format("`{}` needs ordered values, not `{}`", agg, show(bt)));
      return poison(e);
    }
    n.op = agg == "min" ? Op::AggMin : Op::AggMax;
    n.type = bt.as_required().without_range().as_optional();
  } else {
    err(e, Code::UnknownFunction, fmt::format("unknown aggregation `{}`", agg)).help =
        "use any, all, count, sum, min or max";
    return poison(e);
  }
  return c_.emit(std::move(n), s_.file, e.span);
}

NodeId ExprChecker::collect(const ast::Expr& e, const Type* hint) {
  const Type* elem_hint = hint && hint->kind == TypeKind::List && hint->elem ? hint->elem.get() : nullptr;
  std::vector<NodeId> values, conds;
  std::vector<const ast::Expr*> exprs;
  for (const ast::CollectItem& item : e.items) {
    values.push_back(present(check(*item.value, elem_hint), *item.value));
    exprs.push_back(item.value.get());
    conds.push_back(
        c_.check_as(*item.when, s_, Type::of(TypeKind::Bool), "the condition after `when`", Code::ConditionNotBool));
  }
  Type elem = elem_hint ? elem_hint->as_required() : Type::error();
  if (!values.empty()) {
    elem = unify(values, exprs, e);
    if (elem.is_error()) return poison(e);
  } else if (!elem_hint) {
    err(e, Code::TypeNotKnown, "the type of an empty `collect` is not known here");
    return poison(e);
  }
  ir::Node n;
  n.op = Op::Collect;
  n.type = Type::list_of(elem);
  for (size_t i = 0; i < values.size(); ++i) {
    n.args.push_back(values[i]);
    n.args.push_back(conds[i]);
  }
  return c_.emit(std::move(n), s_.file, e.span);
}

}  // namespace proviso::sema::detail

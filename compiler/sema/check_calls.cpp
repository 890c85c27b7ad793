// Built-in functions, lists, records, aggregation and collect.
#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>
#include <proviso/rt/money.h>
#include <proviso/rt/time.h>

#include "compiler/sema/expr_checker.h"

namespace proviso::sema::detail {

// ---- the built-in functions (builtins.h) ----

std::span<const Builtin> builtins() {
  using X = ExprChecker;
  static const Builtin table[] = {
      {"min", "min(A, B, ...)", 2, kVariadic, "`{0}` takes two or more arguments; for a list write `{0} x in LIST: x`",
       Op::MinOf, &X::min_max},
      {"max", "max(A, B, ...)", 2, kVariadic, "`{0}` takes two or more arguments; for a list write `{0} x in LIST: x`",
       Op::MaxOf, &X::min_max},
      {"abs", "abs(X)", 1, 1, "", Op::Abs, &X::abs},
      {"ceil", "ceil(X)", 1, 1, "", Op::Ceil, &X::to_integer},
      {"floor", "floor(X)", 1, 1, "", Op::Floor, &X::to_integer},
      {"round", "round(X)", 1, 3, "", Op::Round, &X::round},
      {"count", "count(L)", 1, 1, "", Op::ListCount, &X::list_query},
      {"is_empty", "is_empty(L)", 1, 1, "", Op::ListIsEmpty, &X::list_query},
      {"first", "first(L)", 1, 1, "", Op::ListFirst, &X::list_query},
      {"last", "last(L)", 1, 1, "", Op::ListLast, &X::list_query},
      {"blank", "blank(T)", 1, 1, "", Op::Blank, &X::blank},
      {"date_of", "date_of(T, ZONE)", 2, 2, "", Op::DateOf, &X::date_of},
      {"working_time", "working_time(A, B, C)", 3, 3, "", Op::WorkingTime, &X::working_time},
      {"is_open", "is_open(T, C)", 2, 2, "", Op::IsOpen, &X::calendar_query},
      {"next_opening", "next_opening(T, C)", 2, 2, "", Op::NextOpening, &X::calendar_query},
      {"text", "text(X)", 1, 1, "", Op::ToText, &X::to_text},
      {"hours", "hours(D)", 1, 1, "", Op::DurSeconds, &X::duration_in},
      {"minutes", "minutes(D)", 1, 1, "", Op::DurSeconds, &X::duration_in},
      {"seconds", "seconds(D)", 1, 1, "", Op::DurSeconds, &X::duration_in},
      {"year", "year(D)", 1, 1, "", Op::DatePart, &X::date_part},
      {"month", "month(D)", 1, 1, "", Op::DatePart, &X::date_part},
      {"day", "day(D)", 1, 1, "", Op::DatePart, &X::date_part},
      {"weekday", "weekday(D)", 1, 1, "", Op::DatePart, &X::date_part},
      {"days_in_month", "days_in_month(D)", 1, 1, "", Op::DatePart, &X::date_part},
      {"first_day_of_month", "first_day_of_month(D)", 1, 1, "", Op::DatePart, &X::date_part},
      {"last_day_of_month", "last_day_of_month(D)", 1, 1, "", Op::DatePart, &X::date_part},
      {"start_of_week", "start_of_week(D)", 1, 1, "", Op::DatePart, &X::date_part},
      {"as_percent", "as_percent(X)", 1, 1, "", Op::AsPercent, &X::as_percent},
      {"remaining", "remaining(START, TARGET, NOW, C)", 4, 4, "", Op::BDurLength, &X::sla_progress},
      {"share_used", "share_used(START, TARGET, NOW, C)", 4, 4, "", Op::BDurLength, &X::sla_progress},
  };
  return table;
}

const Builtin* find_builtin(std::string_view name) {
  for (const Builtin& b : builtins())
    if (b.name == name) return &b;
  return nullptr;
}

// ---- calls ----

NodeId ExprChecker::call(const ast::Expr& e, const Type* hint) {
  const std::string& f = e.name.text;
  const Builtin* b = find_builtin(f);
  if (!b) {
    auto& d = err(e, Code::UnknownFunction, fmt::format("unknown function `{}`", f));
    std::vector<std::string> names;
    for (const Builtin& x : builtins()) names.emplace_back(x.name);
    std::string best = closest_name(f, names);
    if (!best.empty()) {
      d.help = fmt::format("did you mean `{}`?", best);
      d.fixes.push_back({e.name.span, best});
    }
    return poison(e);
  }
  size_t n = e.args.size();
  if (n < b->min_args || (b->max_args != kVariadic && n > b->max_args)) {
    std::string msg;
    if (!b->arity_message.empty()) {
      msg = fmt::format(fmt::runtime(b->arity_message), f);
    } else {
      std::string want =
          b->min_args == b->max_args ? std::to_string(b->min_args) : fmt::format("{} to {}", b->min_args, b->max_args);
      msg = fmt::format("`{}` takes {} argument{}, not {}", f, want, b->max_args == 1 ? "" : "s", n);
    }
    err(e, Code::WrongArgumentCount, std::move(msg));
    return poison(e);
  }
  return (this->*(b->rule))(e, *b, hint);
}

NodeId ExprChecker::argument_as(const ast::Expr& e, const Builtin& b, size_t i, TypeKind k) {
  static constexpr const char* kOrdinal[] = {"first", "second", "third", "fourth"};
  return checker_.check_as(*e.args[i], scope_, Type::of(k), fmt::format("the {} argument of `{}`", kOrdinal[i], b.name),
                           Code::TypeMismatch);
}

NodeId ExprChecker::min_max(const ast::Expr& e, const Builtin& b, const Type* hint) {
  std::vector<NodeId> ids;
  std::vector<const ast::Expr*> exprs;
  for (size_t i = 0; i < e.args.size(); ++i) {
    ids.push_back(argument(e, i, hint));
    exprs.push_back(e.args[i].get());
  }
  Type t = unify(ids, exprs, e);
  if (t.is_error()) return poison(e);
  if (!is_ordered(t.kind)) {
    err(e, Code::InvalidArgument, fmt::format("`{}` needs ordered values, not `{}`", b.name, show(t)));
    return poison(e);
  }
  ir::Node n;
  n.op = b.op;
  n.type = t;
  n.args = std::move(ids);
  return checker_.emit(std::move(n), scope_.file, e.span);
}

NodeId ExprChecker::abs(const ast::Expr& e, const Builtin& b, const Type* hint) {
  NodeId a = argument(e, 0, hint);
  Type t = checker_.type_of(a);
  if (t.is_error()) return poison(e);
  if (!t.is_numeric() && t.kind != TypeKind::Money && t.kind != TypeKind::Percent && t.kind != TypeKind::Duration) {
    err(e, Code::InvalidArgument, fmt::format("`abs` needs a number, money, percent or duration, not `{}`", show(t)));
    return poison(e);
  }
  return node(b.op, t.without_range(), e, a);
}

// ceil, floor: a decimal to an integer (an integer is already one).
NodeId ExprChecker::to_integer(const ast::Expr& e, const Builtin& b, const Type*) {
  NodeId a = argument(e, 0);
  Type t = checker_.type_of(a);
  if (t.is_error()) return poison(e);
  if (t.kind == TypeKind::Integer) return a;
  if (t.kind != TypeKind::Decimal) {
    err(e, Code::InvalidArgument, fmt::format("`{}` needs a decimal, not `{}`", b.name, show(t)));
    return poison(e);
  }
  return node(b.op, Type::of(TypeKind::Integer), e, a);
}

NodeId ExprChecker::round(const ast::Expr& e, const Builtin& b, const Type*) {
  NodeId a = argument(e, 0);
  Type t = checker_.type_of(a);
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
  n.op = b.op;
  n.type = result;
  n.a = a;
  n.aux = places;
  n.aux2 = static_cast<int32_t>(mode);
  return checker_.emit(std::move(n), scope_.file, e.span);
}

// count, is_empty, first.
NodeId ExprChecker::list_query(const ast::Expr& e, const Builtin& b, const Type*) {
  NodeId a = argument(e, 0);
  Type t = checker_.type_of(a);
  if (t.is_error()) return poison(e);
  if (t.kind != TypeKind::List || !t.elem) {
    err(e, Code::NotAList, fmt::format("`{}` needs a list, not `{}`", b.name, show(t)));
    return poison(e);
  }
  Type result = b.op == Op::ListCount     ? Type::of(TypeKind::Integer)
                : b.op == Op::ListIsEmpty ? Type::of(TypeKind::Bool)
                                          : t.elem->as_optional();
  return node(b.op, std::move(result), e, a);
}

NodeId ExprChecker::blank(const ast::Expr& e, const Builtin& b, const Type*) {
  NodeId a = check(*e.args[0], nullptr);  // an absent text is blank
  Type t = checker_.type_of(a);
  if (t.is_error()) return poison(e);
  if (t.kind != TypeKind::Text) {
    err(e, Code::InvalidArgument, fmt::format("`blank` needs a text, not `{}`", show(t)));
    return poison(e);
  }
  return node(b.op, Type::of(TypeKind::Bool), e, a);
}

NodeId ExprChecker::date_of(const ast::Expr& e, const Builtin& b, const Type*) {
  NodeId a = argument_as(e, b, 0, TypeKind::DateTime);
  NodeId zone = argument_as(e, b, 1, TypeKind::Zone);
  return node(b.op, Type::of(TypeKind::Date), e, a, zone);
}

NodeId ExprChecker::working_time(const ast::Expr& e, const Builtin& b, const Type*) {
  NodeId from = argument_as(e, b, 0, TypeKind::DateTime);
  NodeId to = argument_as(e, b, 1, TypeKind::DateTime);
  NodeId cal = argument_as(e, b, 2, TypeKind::Calendar);
  return node(b.op, Type::of(TypeKind::Duration), e, from, to, cal);
}

// `C pausing P [as of X]`: P is a list of records with a `from: datetime` and an `until:
// datetime` that may be optional (a pause still open) only when `as of X` says how long an
// open pause lasts.
NodeId ExprChecker::pausing(const ast::Expr& e) {
  if (!e.operand || e.args.empty()) return poison(e);
  NodeId cal = checker_.check_as(*e.operand, scope_, Type::of(TypeKind::Calendar), "the calendar before `pausing`",
                                 Code::TypeMismatch);
  const ast::Expr& list_expr = *e.args[0];
  NodeId pauses = present(check(list_expr, nullptr), list_expr);
  NodeId as_of = ir::kNoNode;
  if (e.args.size() > 1)
    as_of = present(checker_.check_as(*e.args[1], scope_, Type::of(TypeKind::DateTime), "the instant after `as of`",
                                      Code::TypeMismatch),
                    *e.args[1]);
  Type lt = checker_.type_of(pauses);
  if (lt.is_error() || checker_.type_of(cal).is_error() || (as_of >= 0 && checker_.type_of(as_of).is_error()))
    return poison(e);
  const char* shape = "a list of records with `from: datetime` and `until: datetime` (or `datetime?` with `as of`)";
  const ir::RecordDef* rec = nullptr;
  if (lt.kind == TypeKind::List && lt.elem && lt.elem->kind == TypeKind::Record && !lt.elem->optional)
    rec = &checker_.program_->schema.records[static_cast<size_t>(lt.elem->id)];
  if (!rec) {
    err(list_expr, Code::InvalidPauses, fmt::format("the pauses must be {}, not `{}`", shape, show(lt)));
    return poison(e);
  }
  ir::Node n;
  n.op = Op::CalPause;
  n.type = Type::of(TypeKind::Calendar);
  n.a = cal;
  n.b = pauses;
  n.c = as_of;
  for (const char* field : {"from", "until"}) {
    int f = rec->find(field);
    if (f < 0 || rec->fields[static_cast<size_t>(f)].type.kind != TypeKind::DateTime ||
        (rec->fields[static_cast<size_t>(f)].type.optional && field[0] == 'f')) {
      std::string got =
          f < 0 ? "has no such field" : fmt::format("has it as `{}`", show(rec->fields[static_cast<size_t>(f)].type));
      auto& d = err(list_expr, Code::InvalidPauses,
                    fmt::format("a pause needs {} `{}: datetime` field, but `{}` {}", field[0] == 'u' ? "an" : "a",
                                field, show(*lt.elem), got));
      d.help = fmt::format("the pauses must be {}", shape);
      return poison(e);
    }
    n.ints.push_back(f);
  }
  if (rec->fields[static_cast<size_t>(n.ints[1])].type.optional && as_of < 0) {
    auto& d = err(e, Code::OpenPauseNeedsInstant,
                  fmt::format("a pause of `{}` may have no `until`: say how long an open pause lasts",
                              checker_.program_->node_text(pauses)));
    d.help =
        "add the instant the case is evaluated at, such as `as of case.evaluated_at`: the clock stays stopped "
        "until then";
    return poison(e);
  }
  return checker_.emit(std::move(n), scope_.file, e.span);
}

// hours(d), minutes(d): decimals (`90 minutes` is 1.5 hours); seconds(d): an integer.
NodeId ExprChecker::duration_in(const ast::Expr& e, const Builtin& b, const Type*) {
  NodeId d = argument_as(e, b, 0, TypeKind::Duration);
  if (checker_.type_of(d).is_error()) return poison(e);
  NodeId secs = node(Op::DurSeconds, Type::of(TypeKind::Integer), e, d);
  if (b.name == "seconds") return secs;
  NodeId unit = checker_.emit_const(ir::Value(rt::Decimal::from_int(b.name == "hours" ? 3600 : 60)),
                                    Type::of(TypeKind::Decimal), scope_.file, e.span);
  return node(Op::DecDiv, Type::of(TypeKind::Decimal), e, to_dec(secs, e), unit);
}

// as_percent(x): a ratio as a percent, `as_percent(0.999)` is 99.9%; the one way from a
// number to a percent, so that `(total - down) / total` can be an uptime percentage.
NodeId ExprChecker::as_percent(const ast::Expr& e, const Builtin& b, const Type*) {
  NodeId x = argument(e, 0);
  Type t = checker_.type_of(x);
  if (t.is_error()) return poison(e);
  if (t.kind != TypeKind::Integer && t.kind != TypeKind::Decimal) {
    err(e, Code::InvalidArgument, fmt::format("`as_percent` needs a number, not `{}`", show(t)));
    return poison(e);
  }
  return node(b.op, Type::of(TypeKind::Percent), e, to_dec(x, e));
}

// year(d) .. start_of_week(d): rt::DatePart, in the order of the builtins table.
NodeId ExprChecker::date_part(const ast::Expr& e, const Builtin& b, const Type*) {
  static constexpr struct {
    std::string_view name;
    rt::DatePart part;
    int64_t lo, hi;  // the integer's range; lo > hi for a date
  } kParts[] = {
      {"year", rt::DatePart::Year, rt::kMinYear, rt::kMaxYear},
      {"month", rt::DatePart::Month, 1, 12},
      {"day", rt::DatePart::Day, 1, 31},
      {"weekday", rt::DatePart::Weekday, 1, 7},
      {"days_in_month", rt::DatePart::DaysInMonth, 28, 31},
      {"first_day_of_month", rt::DatePart::FirstOfMonth, 1, 0},
      {"last_day_of_month", rt::DatePart::LastOfMonth, 1, 0},
      {"start_of_week", rt::DatePart::StartOfWeek, 1, 0},
  };
  NodeId d = argument_as(e, b, 0, TypeKind::Date);
  if (checker_.type_of(d).is_error()) return poison(e);
  for (const auto& p : kParts) {
    if (p.name != b.name) continue;
    Type t = p.lo > p.hi ? Type::of(TypeKind::Date) : Type::integer_range(p.lo, p.hi);
    NodeId id = node(Op::DatePart, std::move(t), e, d);
    checker_.program_->nodes[static_cast<size_t>(id)].aux = static_cast<int32_t>(p.part);
    return id;
  }
  return poison(e);
}

// remaining(START, TARGET, NOW, C): TARGET's working time less what C counts from START to
// NOW (negative once breached); share_used(...): that count as a share of TARGET.
NodeId ExprChecker::sla_progress(const ast::Expr& e, const Builtin& b, const Type*) {
  NodeId start = argument_as(e, b, 0, TypeKind::DateTime);
  NodeId target = argument_as(e, b, 1, TypeKind::BusinessDuration);
  NodeId now = argument_as(e, b, 2, TypeKind::DateTime);
  NodeId cal = argument_as(e, b, 3, TypeKind::Calendar);
  for (NodeId x : {start, target, now, cal})
    if (checker_.type_of(x).is_error()) return poison(e);
  NodeId length = node(Op::BDurLength, Type::of(TypeKind::Duration), *e.args[1], target, ir::kNoNode, cal);
  NodeId elapsed = node(Op::WorkingTime, Type::of(TypeKind::Duration), e, start, now, cal);
  if (b.name == "remaining") return node(Op::DurSub, Type::of(TypeKind::Duration), e, length, elapsed);
  auto seconds = [&](NodeId x) { return to_dec(node(Op::DurSeconds, Type::of(TypeKind::Integer), e, x), e); };
  return node(Op::DecDiv, Type::of(TypeKind::Percent), e, seconds(elapsed), seconds(length));
}

// is_open, next_opening: an instant and a calendar.
NodeId ExprChecker::calendar_query(const ast::Expr& e, const Builtin& b, const Type*) {
  NodeId at = argument_as(e, b, 0, TypeKind::DateTime);
  NodeId cal = argument_as(e, b, 1, TypeKind::Calendar);
  Type result = Type::of(b.op == Op::IsOpen ? TypeKind::Bool : TypeKind::DateTime);
  return node(b.op, std::move(result), e, at, ir::kNoNode, cal);
}

NodeId ExprChecker::to_text(const ast::Expr& e, const Builtin& b, const Type*) {
  NodeId a = argument(e, 0);
  if (checker_.type_of(a).is_error()) return poison(e);
  return node(b.op, Type::of(TypeKind::Text), e, a);
}

// ---- lists and records ----

void ExprChecker::unknown_field(const ir::RecordDef& rec, const ast::FieldInit& fi) {
  std::vector<std::string> names;
  for (const auto& fd : rec.fields) names.push_back(fd.name);
  auto& d = checker_.error(scope_.file, fi.name.span, Code::UnknownField,
                           fmt::format("`{}` has no field `{}`", rec.name, fi.name.text));
  std::string best = closest_name(fi.name.text, names);
  if (!best.empty()) {
    d.help = fmt::format("did you mean `{}`?", best);
    d.fixes.push_back({fi.name.span, best});
  }
}

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
  return checker_.emit(std::move(n), scope_.file, e.span);
}

NodeId ExprChecker::record(const ast::Expr& e, const Type* hint) {
  if (!hint || hint->kind != TypeKind::Record || hint->id < 0) {
    err(e, Code::TypeNotKnown, "the record type of `{ ... }` is not known here");
    return poison(e);
  }
  const ir::RecordDef& rec = checker_.program_->schema.records[hint->id];
  std::vector<NodeId> args(rec.fields.size(), ir::kNoNode);
  std::vector<bool> seen(rec.fields.size(), false);
  std::vector<Span> seen_at(rec.fields.size());
  for (const ast::FieldInit& fi : e.fields) {
    int f = rec.find(fi.name.text);
    if (f < 0) {
      unknown_field(rec, fi);
      continue;
    }
    if (seen[f]) {
      checker_
          .error(scope_.file, fi.name.span, Code::DuplicateField,
                 fmt::format("the field `{}` is given twice", fi.name.text))
          .related.push_back({seen_at[f], "first given here"});
      continue;
    }
    seen[f] = true;
    seen_at[f] = fi.name.span;
    checker_.note_use(Entity{EntityKind::Field, fi.name.text, rec.name}, scope_.file, fi.name.span);
    args[f] = checker_.check_as(*fi.value, scope_, rec.fields[f].type, fmt::format("the field `{}`", fi.name.text),
                                Code::TypeMismatch);
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
  return checker_.emit(std::move(n), scope_.file, e.span);
}

NodeId ExprChecker::with(const ast::Expr& e, const Type* hint) {
  Type want = hint ? hint->as_required() : Type::error();
  NodeId base = check(*e.operand, hint ? &want : nullptr);
  Type bt = checker_.type_of(base);
  if (bt.is_error()) return poison(e);
  if (bt.kind != TypeKind::Record) {
    err(*e.operand, Code::NotARecord, fmt::format("`with` needs a record, not `{}`", show(bt)));
    return poison(e);
  }
  const ir::RecordDef& rec = checker_.program_->schema.records[bt.id];
  ir::Node n;
  n.op = Op::WithRecord;
  n.type = bt.as_required();
  n.a = base;
  for (const ast::FieldInit& fi : e.fields) {
    int f = rec.find(fi.name.text);
    if (f < 0) {
      unknown_field(rec, fi);
      continue;
    }
    n.ints.push_back(f);
    checker_.note_use(Entity{EntityKind::Field, fi.name.text, rec.name}, scope_.file, fi.name.span);
    n.args.push_back(checker_.check_as(*fi.value, scope_, rec.fields[f].type,
                                       fmt::format("the field `{}`", fi.name.text), Code::TypeMismatch));
  }
  return checker_.emit(std::move(n), scope_.file, e.span);
}

NodeId ExprChecker::aggregate(const ast::Expr& e, const Type* hint) {
  const std::string& agg = e.name.text;
  NodeId lst = present(check(*e.operand, nullptr), *e.operand);
  Type lt = checker_.type_of(lst);
  if (lt.is_error()) return poison(e);
  if (lt.kind != TypeKind::List || !lt.elem) {
    err(*e.operand, Code::NotAList, fmt::format("`{}` ranges over a list, not `{}`", agg, show(lt)));
    return poison(e);
  }
  int slot = checker_.program_->local_slots++;
  scope_.locals.push_back({e.var.text, {slot, *lt.elem}});
  checker_.note_declaration(
      Entity{EntityKind::Local, e.var.text, std::to_string(slot), scope_.file, e.var.span, show(*lt.elem)});
  std::vector<NodeId> exclusions = excluding(e);
  bool boolean = agg == "any" || agg == "all" || agg == "count" || agg == "filter";
  NodeId body = ir::kNoNode;
  if (!e.body) {
    // `count x in L excluding ...` and `filter ...`: every item not excluded.
    if (agg == "count" || agg == "filter") {
      body = checker_.emit_const(ir::Value(true), Type::of(TypeKind::Bool), scope_.file, e.span);
    } else {
      err(e, Code::Syntax, fmt::format("`{}` needs `: EXPRESSION` after its exclusions", agg)).help =
          fmt::format("write what `{}` works on after a colon: `{} {} in LIST excluding ...: {}.FIELD`", agg, agg,
                      e.var.text, e.var.text);
      scope_.locals.pop_back();
      return poison(e);
    }
  } else {
    body = boolean ? checker_.check_as(*e.body, scope_, Type::of(TypeKind::Bool),
                                       fmt::format("the condition of `{}`", agg), Code::ConditionNotBool)
                   : present(check(*e.body, hint), *e.body);
  }
  scope_.locals.pop_back();
  Type bt = checker_.type_of(body);
  if (bt.is_error()) return poison(e);
  ir::Node n;
  n.a = lst;
  n.b = body;
  n.aux = slot;
  n.args = std::move(exclusions);
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
  } else if (agg == "filter") {
    n.op = Op::AggFilter;
    n.type = lt.as_required();
  } else if (agg == "min_by" || agg == "max_by") {
    if (!is_ordered(bt.kind)) {
      err(*e.body, Code::InvalidArgument, fmt::format("`{}` compares ordered values, not `{}`", agg, show(bt))).help =
          fmt::format("write what to compare the items by: `{} x in LIST: x.at`", agg);
      return poison(e);
    }
    n.op = agg == "min_by" ? Op::AggMinBy : Op::AggMaxBy;
    n.type = lt.elem->as_optional();
  } else {
    err(e, Code::UnknownFunction, fmt::format("unknown aggregation `{}`", agg)).help =
        "use any, all, count, sum, min, max, filter, min_by or max_by";
    return poison(e);
  }
  return checker_.emit(std::move(n), scope_.file, e.span);
}

// An aggregation's `excluding "CLAUSE" when COND, ...` (its variable in scope): the clause
// constants and conditions, in pairs, as ir::Args::Exclusions.
std::vector<NodeId> ExprChecker::excluding(const ast::Expr& e) {
  std::vector<NodeId> out;
  std::map<std::string, Span> seen;
  for (const ast::CollectItem& item : e.items) {
    if (!item.value || !item.when) continue;
    NodeId clause = check(*item.value, nullptr);
    const ir::Node& c = checker_.program_->nodes[static_cast<size_t>(clause)];
    if (c.op != Op::Const || c.type.kind != TypeKind::Text) {
      err(*item.value, Code::TypeMismatch, "an exclusion starts with its clause in quotes, such as `\"4(a)\"`");
      continue;
    }
    const std::string& text = checker_.program_->consts[static_cast<size_t>(c.aux)].as_text();
    if (auto [first, fresh] = seen.emplace(text, item.value->span); !fresh) {
      err(*item.value, Code::DuplicateExclusion, fmt::format("the exclusion \"{}\" is listed twice", text))
          .related.push_back({first->second, "first listed here"});
    }
    out.push_back(clause);
    out.push_back(checker_.check_as(*item.when, scope_, Type::of(TypeKind::Bool),
                                    fmt::format("the condition of exclusion \"{}\"", text), Code::ConditionNotBool));
  }
  return out;
}

NodeId ExprChecker::collect(const ast::Expr& e, const Type* hint) {
  const Type* elem_hint = hint && hint->kind == TypeKind::List && hint->elem ? hint->elem.get() : nullptr;
  std::vector<NodeId> values, conds;
  std::vector<const ast::Expr*> exprs;
  for (const ast::CollectItem& item : e.items) {
    values.push_back(present(check(*item.value, elem_hint), *item.value));
    exprs.push_back(item.value.get());
    conds.push_back(checker_.check_as(*item.when, scope_, Type::of(TypeKind::Bool), "the condition after `when`",
                                      Code::ConditionNotBool));
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
  return checker_.emit(std::move(n), scope_.file, e.span);
}

}  // namespace proviso::sema::detail

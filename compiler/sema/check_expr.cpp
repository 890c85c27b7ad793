// Expressions: dispatch over the forms, literals, names and field access, and the
// Checker entry points (check_expr, check_as, coerce, require_present).
#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <proviso/rt/money.h>
#include <proviso/rt/time.h>

#include "compiler/sema/expr_checker.h"

namespace proviso::sema::detail {

NodeId ExprChecker::check(const ast::Expr& e, const Type* hint) {
  if (++depth_ > kMaxExprDepth) {
    --depth_;
    err(e, Code::NestingTooDeep, fmt::format("expressions nest too deeply (limit {})", kMaxExprDepth));
    return poison(e);
  }
  if (checker_.nesting_ >= kMaxTotalNesting) {
    --depth_;
    err(e, Code::NestingTooDeep,
        fmt::format("expressions nest too deeply through the declarations they use (limit {} levels)",
                    kMaxTotalNesting));
    return poison(e);
  }
  ++checker_.nesting_;
  NodeId id = ir::kNoNode;
  switch (e.kind) {
    case ast::ExprKind::Literal: id = literal(e, hint); break;
    case ast::ExprKind::Name: id = name(e, hint); break;
    case ast::ExprKind::Field: id = field(e, hint); break;
    case ast::ExprKind::Unary: id = unary(e, hint); break;
    case ast::ExprKind::Binary: id = binary(e, hint); break;
    case ast::ExprKind::Call: id = call(e, hint); break;
    case ast::ExprKind::If: id = if_expr(e, hint); break;
    case ast::ExprKind::Match: id = match(e, hint); break;
    case ast::ExprKind::List: id = list(e, hint); break;
    case ast::ExprKind::Record: id = record(e, hint); break;
    case ast::ExprKind::With: id = with(e, hint); break;
    case ast::ExprKind::Aggregate: id = aggregate(e, hint); break;
    case ast::ExprKind::Collect: id = collect(e, hint); break;
    case ast::ExprKind::Paren: id = e.operand ? check(*e.operand, hint) : poison(e); break;
    case ast::ExprKind::Pausing: id = pausing(e); break;
  }
  if (checker_.indexing() && e.kind != ast::ExprKind::Paren)
    checker_.note_type(scope_.file, e.span, checker_.type_of(id));
  --checker_.nesting_;
  --depth_;
  return id;
}

// ---- literals ----

NodeId ExprChecker::literal(const ast::Expr& e, const Type* hint) {
  auto konst = [&](ir::Value v, Type t) {
    return checker_.emit_const(std::move(v), std::move(t), scope_.file, e.span);
  };
  // A number the runtime cannot hold is too large; any other refusal is a malformed literal.
  auto refused = [](const rt::Error& error) {
    return error.code == rt::ErrorCode::Overflow ? Code::NumberTooLarge : Code::InvalidLiteral;
  };
  auto parse_quantity = [&](int64_t unit, int64_t* out) -> bool {
    auto d = rt::Decimal::parse(e.text);
    if (!d) {
      err(e, Code::InvalidLiteral, fmt::format("`{}` is not a number", e.text));
      return false;
    }
    auto scaled = rt::mul(*d, rt::Decimal::from_int(unit));
    if (!scaled || !scaled->is_integer()) {
      err(e, Code::InvalidLiteral, fmt::format("`{} {}` is not a whole number of seconds", e.text, e.unit));
      return false;
    }
    auto v = scaled->to_int64();
    if (!v) {
      err(e, Code::NumberTooLarge, fmt::format("`{} {}` is too large", e.text, e.unit));
      return false;
    }
    *out = *v;
    return true;
  };
  switch (e.lit) {
    case ast::LitKind::Integer: {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(e.text.data(), e.text.data() + e.text.size(), v);
      if (ec != std::errc() || p != e.text.data() + e.text.size()) {
        err(e, Code::NumberTooLarge, fmt::format("the integer `{}` is too large", e.text));
        return poison(e);
      }
      return konst(ir::Value(v), Type::of(TypeKind::Integer));
    }
    case ast::LitKind::Decimal: {
      auto d = rt::Decimal::parse(e.text);
      if (!d) {
        err(e, refused(d.error()), d.error().message);
        return poison(e);
      }
      return konst(ir::Value(*d), Type::of(TypeKind::Decimal));
    }
    case ast::LitKind::Percent: {
      auto d = rt::Decimal::parse(e.text);
      rt::Expected<rt::Decimal> frac = d ? rt::div(*d, rt::Decimal::from_int(100)) : d;
      if (!frac) {
        err(e, refused(frac.error()), frac.error().message);
        return poison(e);
      }
      return konst(ir::Value(*frac), Type::of(TypeKind::Percent));
    }
    case ast::LitKind::Money: {
      auto m = rt::parse_money(e.text + " " + e.unit);
      if (!m) {
        err(e, refused(m.error()), m.error().message);
        return poison(e);
      }
      Type t = Type::of(TypeKind::Money);
      t.currency = e.unit;
      return konst(ir::Value(*m), t);
    }
    case ast::LitKind::Text: return konst(ir::Value(e.text), Type::of(TypeKind::Text));
    case ast::LitKind::Bool: return konst(ir::Value(e.text == "true"), Type::of(TypeKind::Bool));
    case ast::LitKind::None: {
      Type t = hint && hint->optional ? *hint : Type::of(TypeKind::None);
      return konst(ir::Value::none(), t);
    }
    case ast::LitKind::Date: {
      auto d = rt::parse_date(e.text);
      if (!d) {
        err(e, Code::InvalidDate, d.error().message);
        return poison(e);
      }
      return konst(ir::Value(ir::DateValue{*d}), Type::of(TypeKind::Date));
    }
    case ast::LitKind::DateTime: {
      auto t = rt::parse_datetime(e.text);
      if (!t) {
        err(e, Code::InvalidDate, t.error().message);
        return poison(e);
      }
      return konst(ir::Value(ir::DateTimeValue{*t}), Type::of(TypeKind::DateTime));
    }
    case ast::LitKind::Duration: {
      static const std::map<std::string, int64_t> units = {
          {"seconds", 1}, {"minutes", 60}, {"hours", 3600}, {"days", 86400}, {"weeks", 604800}};
      auto u = units.find(e.unit);
      int64_t secs = 0;
      if (u == units.end() || !parse_quantity(u->second, &secs)) {
        if (u == units.end()) err(e, Code::InvalidLiteral, fmt::format("unknown duration unit `{}`", e.unit));
        return poison(e);
      }
      return konst(ir::Value(ir::DurationValue{secs}), Type::of(TypeKind::Duration));
    }
    case ast::LitKind::BusinessDuration: {
      ir::BusinessDurationValue v;
      if (e.unit == "days") {
        if (!parse_quantity(1, &v.days)) return poison(e);
      } else if (e.unit == "hours" || e.unit == "minutes" || e.unit == "seconds") {
        int64_t unit = e.unit == "hours" ? 3600 : e.unit == "minutes" ? 60 : 1;
        if (!parse_quantity(unit, &v.seconds)) return poison(e);
      } else {
        err(e, Code::InvalidLiteral, fmt::format("unknown business duration unit `{}`", e.unit));
        return poison(e);
      }
      return konst(ir::Value(v), Type::of(TypeKind::BusinessDuration));
    }
    case ast::LitKind::Period: {
      int64_t months = 0;
      if (e.unit != "months" && e.unit != "years") {
        err(e, Code::InvalidLiteral, fmt::format("unknown period unit `{}`", e.unit));
        return poison(e);
      }
      if (!parse_quantity(e.unit == "years" ? 12 : 1, &months)) return poison(e);
      return konst(ir::Value(ir::PeriodValue{months}), Type::of(TypeKind::Period));
    }
    case ast::LitKind::Zone: {
      auto z = rt::Zone::lookup(e.text);
      if (!z) {
        err(e, Code::UnknownZone, fmt::format("unknown time zone \"{}\"", e.text)).help =
            "use an IANA time zone name such as \"America/New_York\" or \"Europe/London\"";
        return poison(e);
      }
      return konst(ir::Value(ir::ZoneValue{*z}), Type::of(TypeKind::Zone));
    }
    case ast::LitKind::Always:
      return konst(ir::Value(ir::CalendarValue{rt::Calendar::always()}), Type::of(TypeKind::Calendar));
  }
  return poison(e);
}

// ---- names ----

std::optional<int32_t> ExprChecker::enum_member(const std::string& n, const Type* hint, int* enum_id) const {
  const auto& enums = checker_.program_->schema.enums;
  if (hint && hint->kind == TypeKind::Enum && hint->id >= 0) {
    int m = enums[hint->id].find(n);
    if (m >= 0) {
      *enum_id = hint->id;
      return m;
    }
  }
  std::optional<int32_t> found;
  int count = 0;
  for (size_t i = 0; i < enums.size(); ++i) {
    if (!checker_.sees_enum(scope_.file, static_cast<int>(i))) continue;
    int m = enums[i].find(n);
    if (m >= 0) {
      ++count;
      found = m;
      *enum_id = static_cast<int>(i);
    }
  }
  if (count == 1) return found;
  if (count > 1) *enum_id = -2;  // ambiguous
  return std::nullopt;
}

bool ExprChecker::is_unresolved_bare_name(const ast::Expr& e) const {
  const ast::Expr& x = strip_parens(e);
  if (x.kind != ast::ExprKind::Name) return false;
  for (const auto& l : scope_.locals)
    if (l.first == x.name.text) return false;
  return checker_.find_symbol(x.name.text, scope_.file) == nullptr;
}

NodeId ExprChecker::narrow(NodeId id, const ast::Expr& e) {
  Type t = checker_.type_of(id);
  if (!t.optional) return id;
  std::string key = checker_.path_key(id);
  if (key.empty() || !scope_.present.contains(key)) return id;
  return node(Op::Unwrap, t.as_required(), e, id);
}

NodeId ExprChecker::name(const ast::Expr& e, const Type* hint) {
  const std::string& n = e.name.text;
  for (auto it = scope_.locals.rbegin(); it != scope_.locals.rend(); ++it) {
    if (it->first == n) {
      checker_.note_use(Entity{EntityKind::Local, n, std::to_string(it->second.first)}, scope_.file, e.name.span);
      ir::Node l;
      l.op = Op::Local;
      l.type = it->second.second;
      l.aux = it->second.first;
      return narrow(checker_.emit(std::move(l), scope_.file, e.span), e);
    }
  }
  if (Symbol* sym = checker_.find_symbol(n, scope_.file)) {
    sym->used = true;
    checker_.note_use(*sym, scope_.file, e.name.span);
    switch (sym->kind) {
      case SymKind::Input: {
        if (scope_.constant) {
          err(e, Code::ConstantReadsInput,
              fmt::format("`{}` is an input: a constant or test value cannot read inputs", n));
          return poison(e);
        }
        const ir::InputDef& in = checker_.program_->inputs[sym->index];
        ir::Node x;
        x.op = Op::Input;
        x.type = in.optional ? in.type.as_optional() : in.type;
        x.aux = sym->index;
        return narrow(checker_.emit(std::move(x), scope_.file, e.span), e);
      }
      case SymKind::Value: {
        checker_.ensure_value(*sym);
        if (sym->index < 0) return poison(e);
        const ir::ValueDef& v = checker_.program_->values[sym->index];
        if (scope_.constant && v.kind != ir::ValueKind::Const) {
          err(e, Code::ConstantReadsInput,
              fmt::format("`{}` depends on the inputs: a constant or test value cannot use it", n));
          return poison(e);
        }
        ir::Node x;
        x.op = Op::ValueRef;
        x.type = v.type;
        x.aux = sym->index;
        return narrow(checker_.emit(std::move(x), scope_.file, e.span), e);
      }
      case SymKind::Calendar: {
        checker_.ensure_calendar(*sym);
        if (sym->index < 0) return poison(e);
        if (scope_.constant) {
          err(e, Code::ConstantReadsInput, fmt::format("the calendar `{}` depends on the inputs", n));
          return poison(e);
        }
        ir::Node x;
        x.op = Op::CalendarRef;
        x.type = Type::of(TypeKind::Calendar);
        x.aux = sym->index;
        return checker_.emit(std::move(x), scope_.file, e.span);
      }
      case SymKind::Schedule: {
        // A schedule depends on no input: constants and tests may name one too.
        checker_.ensure_schedule(*sym);
        if (sym->index < 0) return poison(e);
        ir::Node x;
        x.op = Op::ScheduleRef;
        x.type = Type::of(TypeKind::Schedule);
        x.aux = sym->index;
        return checker_.emit(std::move(x), scope_.file, e.span);
      }
      case SymKind::Holidays: {
        checker_.ensure_holidays(*sym);
        if (sym->index < 0) return poison(e);
        // INVARIANT: a holiday set's symbol index is the node of its constant.
        const ir::Node& k = checker_.node(sym->index);
        return checker_.emit_const(checker_.program_->consts[k.aux], k.type, scope_.file, e.span);
      }
      case SymKind::Fixture: {
        if (sym->state == Symbol::State::Checking) {
          err(e, Code::Cycle, fmt::format("the fixture `{}` uses itself", n));
          return poison(e);
        }
        if (!scope_.constant) {
          err(e, Code::FixtureOutsideTest, fmt::format("the fixture `{}` can only be used in tests", n));
          return poison(e);
        }
        // A fixture's value depends only on the type it is wanted at, unless aggregate
        // variables or known-present optionals are in scope: then it is checked afresh.
        // Otherwise the nodes of its first check at that type are shared (the IR is a graph),
        // so that tests naming the same fixtures do not each add a copy of them.
        const bool shareable = scope_.locals.empty() && scope_.present.empty();
        if (shareable) {
          for (const Checker::CheckedFixture& f : checker_.checked_fixtures_)
            if (f.symbol == sym && (hint ? f.hint && *f.hint == *hint : !f.hint)) return f.id;
        }
        sym->state = Symbol::State::Checking;
        NodeId id = check(*sym->decl->fixture_decl()->value, hint);
        sym->state = Symbol::State::Fresh;
        // A `none` is retyped in place by the coercion that follows (Checker::coerce): never shared.
        if (shareable && checker_.type_of(id).kind != TypeKind::None)
          checker_.checked_fixtures_.push_back({sym, hint ? std::optional<Type>(*hint) : std::nullopt, id});
        return id;
      }
      case SymKind::Table:
        err(e, Code::TableUsedAsValue, fmt::format("the table `{}` is read through one of its columns", n)).help =
            fmt::format("write `{}.COLUMN`", n);
        return poison(e);
      case SymKind::Enum:
      case SymKind::Record:
        err(e, Code::TypeUsedAsValue, fmt::format("`{}` is a type, not a value", n));
        return poison(e);
    }
  }
  int enum_id = -1;
  if (auto m = enum_member(n, hint, &enum_id)) {
    checker_.note_use(Entity{EntityKind::Member, n, checker_.program_->schema.enums[enum_id].name}, scope_.file,
                      e.name.span);
    return checker_.emit_const(ir::Value(ir::EnumValue{*m}), Type::enum_type(enum_id), scope_.file, e.span);
  }
  if (enum_id == -2) {
    err(e, Code::AmbiguousMember, fmt::format("`{}` is a member of several enums", n)).help =
        "qualify it with its enum, as in `Enum.Member`";
    return poison(e);
  }
  if (hint && hint->kind == TypeKind::Enum && hint->id >= 0) {
    const ir::EnumDef& en = checker_.program_->schema.enums[hint->id];
    auto& d = err(e, Code::UnknownMember, fmt::format("`{}` is not a member of `{}`", n, en.name));
    checker_.suggest_member(d, en, e.name.text, e.name.span);
    return poison(e);
  }
  std::vector<std::string> candidates = checker_.symbol_names(scope_.file);
  for (const auto& l : scope_.locals) candidates.push_back(l.first);
  const auto& enums = checker_.program_->schema.enums;
  for (size_t i = 0; i < enums.size(); ++i)
    if (checker_.sees_enum(scope_.file, static_cast<int>(i)))
      for (const auto& m : enums[i].members) candidates.push_back(m);
  auto& d = err(e, Code::UnknownName, fmt::format("unknown name `{}`", n));
  std::string best = closest_name(n, candidates);
  if (std::string unseen = checker_.unseen_help(n, scope_.file); !unseen.empty()) {
    d.help = std::move(unseen);
  } else if (!best.empty()) {
    d.help = fmt::format("did you mean `{}`?", best);
    d.fixes.push_back({e.name.span, best});
  }
  return poison(e);
}

NodeId ExprChecker::field(const ast::Expr& e, const Type* hint) {
  const ast::Expr& base = strip_parens(*e.operand);
  // `Enum.Member` and `table.column`
  if (base.kind == ast::ExprKind::Name && !is_unresolved_bare_name(base)) {
    Symbol* sym = checker_.find_symbol(base.name.text, scope_.file);
    bool shadowed = false;
    for (const auto& l : scope_.locals) shadowed |= l.first == base.name.text;
    if (sym && !shadowed && (sym->kind == SymKind::Enum || sym->kind == SymKind::Table))
      checker_.note_use(*sym, scope_.file, base.name.span);
    if (sym && !shadowed && sym->kind == SymKind::Enum) {
      sym->used = true;
      checker_.check_enum(*sym);
      const ir::EnumDef& en = checker_.program_->schema.enums[sym->index];
      int m = en.find(e.name.text);
      if (m < 0) {
        auto& d = checker_.error(scope_.file, e.name.span, Code::UnknownMember,
                                 fmt::format("`{}` is not a member of `{}`", e.name.text, en.name));
        checker_.suggest_member(d, en, e.name.text, e.name.span);
        return poison(e);
      }
      checker_.note_use(Entity{EntityKind::Member, e.name.text, en.name}, scope_.file, e.name.span);
      return checker_.emit_const(ir::Value(ir::EnumValue{m}), Type::enum_type(sym->index), scope_.file, e.span);
    }
    if (sym && !shadowed && sym->kind == SymKind::Table) {
      sym->used = true;
      if (scope_.constant) {
        err(e, Code::ConstantReadsInput, fmt::format("the table `{}` depends on the inputs", base.name.text));
        return poison(e);
      }
      checker_.ensure_table(*sym);
      if (sym->index < 0) return poison(e);
      const ir::TableDef& t = checker_.program_->tables[sym->index];
      for (size_t i = 0; i < t.outputs.size(); ++i) {
        if (t.outputs[i].name == e.name.text) {
          checker_.note_use(Entity{EntityKind::Column, e.name.text, t.name}, scope_.file, e.name.span);
          ir::Node x;
          x.op = Op::TableGet;
          x.type = t.outputs[i].type;
          x.aux = sym->index;
          x.aux2 = static_cast<int32_t>(i);
          return narrow(checker_.emit(std::move(x), scope_.file, e.span), e);
        }
      }
      std::vector<std::string> cols;
      for (const auto& o : t.outputs) cols.push_back(o.name);
      auto& d = checker_.error(scope_.file, e.name.span, Code::UnknownColumn,
                               fmt::format("the table `{}` has no column `{}`", t.name, e.name.text));
      std::string best = closest_name(e.name.text, cols);
      d.help = best.empty() ? fmt::format("its columns are {}", fmt::join(cols, ", "))
                            : fmt::format("did you mean `{}`?", best);
      if (!best.empty()) d.fixes.push_back({e.name.span, best});
      return poison(e);
    }
  }
  NodeId obj = check(*e.operand, nullptr);
  Type t = checker_.type_of(obj);
  if (t.is_error()) return poison(e);
  if (t.kind != TypeKind::Record) {
    err(e, Code::NotARecord,
        fmt::format("`{}` has no fields: its type is `{}`", checker_.program_->node_text(obj), show(t)));
    return poison(e);
  }
  if (t.optional) {
    obj = present(obj, *e.operand);
  }
  const ir::RecordDef& rec = checker_.program_->schema.records[t.id];
  int f = rec.find(e.name.text);
  if (f < 0) {
    std::vector<std::string> names;
    for (const auto& fd : rec.fields) names.push_back(fd.name);
    auto& d = checker_.error(scope_.file, e.name.span, Code::UnknownField,
                             fmt::format("`{}` has no field `{}`", rec.name, e.name.text));
    std::string best = closest_name(e.name.text, names);
    if (!best.empty()) {
      d.help = fmt::format("did you mean `{}`?", best);
      d.fixes.push_back({e.name.span, best});
    }
    return poison(e);
  }
  checker_.note_use(Entity{EntityKind::Field, e.name.text, rec.name}, scope_.file, e.name.span);
  ir::Node x;
  x.op = Op::Field;
  x.type = rec.fields[f].type;
  x.a = obj;
  x.aux = f;
  return narrow(checker_.emit(std::move(x), scope_.file, e.span), e);
}

}  // namespace proviso::sema::detail

namespace proviso::sema {

using detail::ExprChecker;
using ir::NodeId;
using ir::Op;
using ir::Type;
using ir::TypeKind;

// ---- Checker entry points ----

ir::NodeId Checker::check_expr(const ast::Expr& e, Scope& scope, const ir::Type* hint) {
  ExprChecker x(*this, scope);
  return x.check(e, hint);
}

std::string Checker::path_key(ir::NodeId id) const {
  if (id < 0) return "";
  const ir::Node& n = node(id);
  switch (n.op) {
    case Op::Input: return "i" + std::to_string(n.aux);
    case Op::ValueRef: return "v" + std::to_string(n.aux);
    case Op::Local: return "l" + std::to_string(n.aux);
    case Op::TableGet: return "t" + std::to_string(n.aux) + "." + std::to_string(n.aux2);
    case Op::Unwrap: return path_key(n.a);
    case Op::Field: {
      std::string base = path_key(n.a);
      return base.empty() ? "" : base + "." + std::to_string(n.aux);
    }
    default: return "";
  }
}

void Checker::add_default_fix(Diagnostic& d, int file, Span span, std::string_view text) const {
  // Only where the span is exactly the value's text (a value built by the checker has none).
  if (text.empty() || program_->files[file]->slice(span) != text) return;
  d.fixes.push_back({span, fmt::format("({} ?? DEFAULT)", text), Applicability::HasPlaceholders});
}

ir::NodeId Checker::require_present(ir::NodeId id, int file, Span span, const ast::Expr& e) {
  Type t = type_of(id);
  if (t.is_error() || !t.optional) return id;
  std::string_view text = program_->node_text(id);
  auto& d = error(
      file, span, Code::MayBeAbsent,
      fmt::format("`{}` may be absent: its type is `{}`", text.empty() ? "this value" : std::string(text), show(t)));
  d.help = fmt::format("handle the absent case first: `if {} is present then ... else ...`, or `{} ?? DEFAULT`",
                       std::string(text), std::string(text));
  add_default_fix(d, file, span, text);
  ir::Node poison;
  poison.type = Type::error();
  return emit(std::move(poison), file, span);
}

ir::NodeId Checker::coerce(ir::NodeId id, const Type& target, int file, Span span, const std::string& what,
                           Code mismatch) {
  Type t = type_of(id);
  if (t.is_error() || target.is_error()) return id;
  auto wrap = [&](Op op, Type ty) {
    ir::Node n;
    n.op = op;
    n.type = std::move(ty);
    n.a = id;
    return emit(std::move(n), file, span);
  };
  if (t.kind == TypeKind::None) {
    if (target.optional) {
      // retype the `none` constant to the target type
      if (node(id).op == Op::Const) program_->nodes[id].type = target;
      return id;
    }
    error(file, span, Code::NoneNotAllowed, fmt::format("{} cannot be `none`: its type is `{}`", what, show(target)))
        .help = fmt::format("make the type optional (`{}?`) if the value can be absent", show(target));
    return id;
  }
  if (t.optional && !target.optional) {
    std::string_view text = program_->node_text(id);
    auto& d = error(file, span, Code::MayBeAbsent,
                    fmt::format("{} may be absent here, but must be `{}`", what, show(target)));
    d.help = text.empty()
                 ? "handle the absent case with `if ... is present` or `??`"
                 : fmt::format("handle the absent case: `if {} is present then ... else ...`, or `{} ?? DEFAULT`",
                               std::string(text), std::string(text));
    add_default_fix(d, file, span, text);
    return id;
  }
  if (ir::same_shape(t, target)) {
    if (t.kind == TypeKind::Money && !t.currency.empty() && !target.currency.empty() && t.currency != target.currency) {
      error(file, span, Code::CurrencyMismatch,
            fmt::format("{} is in {}, but {} is expected", what, t.currency, target.currency));
    }
    return id;
  }
  if (t.kind == TypeKind::Integer && target.kind == TypeKind::Decimal)
    return wrap(Op::IntToDec, Type::of(TypeKind::Decimal));
  if (t.kind == TypeKind::Duration && target.kind == TypeKind::BusinessDuration)
    return wrap(Op::DurToBDur, Type::of(TypeKind::BusinessDuration));
  if (t.kind == TypeKind::List && target.kind == TypeKind::List && t.elem && target.elem &&
      t.elem->kind == TypeKind::None) {
    return id;  // an empty list literal
  }
  error(file, span, mismatch, fmt::format("{} must be `{}`, but this is `{}`", what, show(target), show(t)));
  return id;
}

namespace {

// The `N days` and `N weeks` literals whose value becomes part of `e`'s value: through
// arithmetic, parentheses, `??` and the branches of `if` and `match`, not through conditions,
// calls or names (their own declarations are checked where they are written).
void day_literals(const ast::Expr& e, std::vector<const ast::Expr*>& out) {
  switch (e.kind) {
    case ast::ExprKind::Literal:
      if (e.lit == ast::LitKind::Duration && (e.unit == "days" || e.unit == "weeks")) out.push_back(&e);
      break;
    case ast::ExprKind::Paren:
      if (e.operand) day_literals(*e.operand, out);
      break;
    case ast::ExprKind::Unary:
      if (e.unary_op == ast::UnaryOp::Neg && e.operand) day_literals(*e.operand, out);
      break;
    case ast::ExprKind::Binary:
      if (e.binary_op == ast::BinaryOp::Add || e.binary_op == ast::BinaryOp::Sub || e.binary_op == ast::BinaryOp::Mul ||
          e.binary_op == ast::BinaryOp::Div || e.binary_op == ast::BinaryOp::Coalesce) {
        if (e.lhs) day_literals(*e.lhs, out);
        if (e.rhs) day_literals(*e.rhs, out);
      }
      break;
    case ast::ExprKind::If:
      if (e.then_branch) day_literals(*e.then_branch, out);
      if (e.else_branch) day_literals(*e.else_branch, out);
      break;
    case ast::ExprKind::Match:
      for (const ast::MatchArm& arm : e.arms)
        if (arm.body) day_literals(*arm.body, out);
      break;
    default: break;
  }
}

}  // namespace

void Checker::refuse_plain_days(int file, const ast::Expr& e) {
  std::vector<const ast::Expr*> found;
  day_literals(e, found);
  for (const ast::Expr* lit : found) {
    const bool weeks = lit->unit == "weeks";
    const bool one = lit->text == "1";
    const std::string written = fmt::format("{} {}", lit->text, one ? (weeks ? "week" : "day") : lit->unit);
    // The working hours it counted as before this was an error: the machine-applicable fix
    // keeps that meaning; the help also names the reading the author more likely meant.
    uint64_t n = 0;
    const char* end = lit->text.data() + lit->text.size();
    auto [stop, ec] = std::from_chars(lit->text.data(), end, n);
    const uint64_t per = weeks ? 7 * 24 : 24;
    if (ec != std::errc() || stop != end || n > UINT64_MAX / per / 5) {
      // INVARIANT: the grammar gives whole numbers, and P0007 refuses literals too large to
      // be a duration; this stays a clear error should either change.
      error(file, lit->span, Code::DaysAsWorkingTime,
            fmt::format("`{}` is a plain duration: as working time it counts 24 working hours a day", written))
          .help = fmt::format("write `{} business {}` for business days or weeks of the calendar", lit->text,
                              weeks ? "weeks" : "days");
      continue;
    }
    const std::string hours = fmt::format("{} business hour{}", n * per, n * per == 1 ? "" : "s");
    auto& d =
        error(file, lit->span, Code::DaysAsWorkingTime,
              fmt::format("`{}` is a plain duration: as working time it counts as {} working hours", written, n * per));
    const std::string days =
        weeks ? fmt::format("`{} business days` for {} working week{} of 5 days", n * 5, n, one ? "" : "s")
              : fmt::format("`{} business day{}`", n, one ? "" : "s");
    d.help = fmt::format(
        "write {} to count business days of the calendar's `business day` each, or `{}` to keep "
        "{} working hours",
        days, hours, n * per);
    d.fixes.push_back({lit->span, hours});
  }
}

ir::NodeId Checker::check_as(const ast::Expr& e, Scope& scope, const Type& target, const std::string& what,
                             Code mismatch) {
  NodeId id = check_expr(e, scope, &target);
  if (target.kind == TypeKind::BusinessDuration && type_of(id).kind == TypeKind::Duration)
    refuse_plain_days(scope.file, e);
  return coerce(id, target, scope.file, e.span, what, mismatch);
}

}  // namespace proviso::sema

// Expressions: name resolution, types and units, optional narrowing, and lowering to typed
// IR operations (ir::Op). One function per expression form.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <proviso/rt/money.h>
#include <proviso/rt/time.h>

#include "compiler/sema/checker.h"

namespace proviso::sema {

using ir::NodeId;
using ir::Op;
using ir::Type;
using ir::TypeKind;

namespace {

constexpr int kMaxExprDepth = 256;

bool is_ordered(TypeKind k) {
  switch (k) {
    case TypeKind::Integer: case TypeKind::Decimal: case TypeKind::Money: case TypeKind::Percent:
    case TypeKind::Date: case TypeKind::DateTime: case TypeKind::Duration: return true;
    default: return false;
  }
}

const char* op_word(ast::BinaryOp op) {
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

const ast::Expr& strip_parens(const ast::Expr& e) {
  const ast::Expr* p = &e;
  while (p->kind == ast::ExprKind::Paren && p->operand) p = p->operand.get();
  return *p;
}

// Checks one expression tree; holds the Checker for emitting nodes and diagnostics.
class ExprChecker {
 public:
  ExprChecker(Checker& c, Scope& s) : c_(c), s_(s) {}

  NodeId check(const ast::Expr& e, const Type* hint);

 private:
  NodeId literal(const ast::Expr& e, const Type* hint);
  NodeId name(const ast::Expr& e, const Type* hint);
  NodeId field(const ast::Expr& e, const Type* hint);
  NodeId unary(const ast::Expr& e, const Type* hint);
  NodeId binary(const ast::Expr& e, const Type* hint);
  NodeId arithmetic(const ast::Expr& e, NodeId l, NodeId r);
  NodeId comparison(const ast::Expr& e, NodeId l, NodeId r);
  NodeId calendar_add(const ast::Expr& e, const ast::Expr& sum, NodeId cal);
  NodeId call(const ast::Expr& e, const Type* hint);
  NodeId if_expr(const ast::Expr& e, const Type* hint);
  NodeId match(const ast::Expr& e, const Type* hint);
  NodeId list(const ast::Expr& e, const Type* hint);
  NodeId record(const ast::Expr& e, const Type* hint);
  NodeId with(const ast::Expr& e, const Type* hint);
  NodeId aggregate(const ast::Expr& e, const Type* hint);
  NodeId collect(const ast::Expr& e, const Type* hint);

  // A required (non-optional) operand: reports "may be absent" and gives its value type.
  NodeId present(NodeId id, const ast::Expr& e) { return c_.require_present(id, s_.file, e.span, e); }
  NodeId node(Op op, Type t, const ast::Expr& e, NodeId a = ir::kNoNode, NodeId b = ir::kNoNode, NodeId cc = ir::kNoNode) {
    ir::Node n;
    n.op = op;
    n.type = std::move(t);
    n.a = a;
    n.b = b;
    n.c = cc;
    return c_.emit(std::move(n), s_.file, e.span);
  }
  NodeId to_dec(NodeId id, const ast::Expr& e) {
    if (c_.type_of(id).kind != TypeKind::Integer) return id;
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
  Diagnostic& err(const ast::Expr& e, std::string code, std::string msg) { return c_.error(s_.file, e.span, std::move(code), std::move(msg)); }
  std::string show(const Type& t) const { return c_.show(t); }

  Checker& c_;
  Scope& s_;
  int depth_ = 0;
};

NodeId ExprChecker::check(const ast::Expr& e, const Type* hint) {
  if (++depth_ > kMaxExprDepth) {
    --depth_;
    err(e, "limit", fmt::format("expressions nest too deeply (limit {})", kMaxExprDepth));
    return poison(e);
  }
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
  }
  --depth_;
  return id;
}

// ---- literals ----

NodeId ExprChecker::literal(const ast::Expr& e, const Type* hint) {
  auto konst = [&](ir::Value v, Type t) { return c_.emit_const(std::move(v), std::move(t), s_.file, e.span); };
  auto parse_quantity = [&](int64_t unit, int64_t* out) -> bool {
    auto d = rt::Decimal::parse(e.text);
    if (!d) {
      err(e, "literal", fmt::format("`{}` is not a number", e.text));
      return false;
    }
    auto scaled = rt::mul(*d, rt::Decimal::from_int(unit));
    if (!scaled || !scaled->is_integer()) {
      err(e, "literal", fmt::format("`{} {}` is not a whole number of seconds", e.text, e.unit));
      return false;
    }
    auto v = scaled->to_int64();
    if (!v) {
      err(e, "literal", fmt::format("`{} {}` is too large", e.text, e.unit));
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
        err(e, "literal", fmt::format("the integer `{}` is too large", e.text));
        return poison(e);
      }
      return konst(ir::Value(v), Type::of(TypeKind::Integer));
    }
    case ast::LitKind::Decimal: {
      auto d = rt::Decimal::parse(e.text);
      if (!d) {
        err(e, "literal", d.error().message);
        return poison(e);
      }
      return konst(ir::Value(*d), Type::of(TypeKind::Decimal));
    }
    case ast::LitKind::Percent: {
      auto d = rt::Decimal::parse(e.text);
      rt::Expected<rt::Decimal> frac = d ? rt::div(*d, rt::Decimal::from_int(100)) : d;
      if (!frac) {
        err(e, "literal", frac.error().message);
        return poison(e);
      }
      return konst(ir::Value(*frac), Type::of(TypeKind::Percent));
    }
    case ast::LitKind::Money: {
      auto m = rt::parse_money(e.text + " " + e.unit);
      if (!m) {
        err(e, "literal", m.error().message);
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
        err(e, "date", d.error().message);
        return poison(e);
      }
      return konst(ir::Value(ir::DateValue{*d}), Type::of(TypeKind::Date));
    }
    case ast::LitKind::DateTime: {
      auto t = rt::parse_datetime(e.text);
      if (!t) {
        err(e, "date", t.error().message);
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
        if (u == units.end()) err(e, "literal", fmt::format("unknown duration unit `{}`", e.unit));
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
        err(e, "literal", fmt::format("unknown business duration unit `{}`", e.unit));
        return poison(e);
      }
      return konst(ir::Value(v), Type::of(TypeKind::BusinessDuration));
    }
    case ast::LitKind::Period: {
      int64_t months = 0;
      if (e.unit != "months" && e.unit != "years") {
        err(e, "literal", fmt::format("unknown period unit `{}`", e.unit));
        return poison(e);
      }
      if (!parse_quantity(e.unit == "years" ? 12 : 1, &months)) return poison(e);
      return konst(ir::Value(ir::PeriodValue{months}), Type::of(TypeKind::Period));
    }
    case ast::LitKind::Zone: {
      auto z = rt::Zone::lookup(e.text);
      if (!z) {
        err(e, "zone", fmt::format("unknown time zone \"{}\"", e.text)).help =
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
  const auto& enums = c_.program_->schema.enums;
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
  for (const auto& l : s_.locals)
    if (l.first == x.name.text) return false;
  return c_.find_symbol(x.name.text) == nullptr;
}

NodeId ExprChecker::narrow(NodeId id, const ast::Expr& e) {
  Type t = c_.type_of(id);
  if (!t.optional) return id;
  std::string key = c_.path_key(id);
  if (key.empty() || !s_.present.count(key)) return id;
  return node(Op::Unwrap, t.as_required(), e, id);
}

NodeId ExprChecker::name(const ast::Expr& e, const Type* hint) {
  const std::string& n = e.name.text;
  for (auto it = s_.locals.rbegin(); it != s_.locals.rend(); ++it) {
    if (it->first == n) {
      ir::Node l;
      l.op = Op::Local;
      l.type = it->second.second;
      l.aux = it->second.first;
      return narrow(c_.emit(std::move(l), s_.file, e.span), e);
    }
  }
  if (Symbol* sym = c_.find_symbol(n)) {
    sym->used = true;
    switch (sym->kind) {
      case SymKind::Input: {
        if (s_.constant) {
          err(e, "constant", fmt::format("`{}` is an input: a constant or test value cannot read inputs", n));
          return poison(e);
        }
        const ir::InputDef& in = c_.program_->inputs[sym->index];
        ir::Node x;
        x.op = Op::Input;
        x.type = in.optional ? in.type.as_optional() : in.type;
        x.aux = sym->index;
        return narrow(c_.emit(std::move(x), s_.file, e.span), e);
      }
      case SymKind::Value: {
        c_.ensure_value(*sym);
        if (sym->index < 0) return poison(e);
        const ir::ValueDef& v = c_.program_->values[sym->index];
        if (s_.constant && v.kind != ir::ValueKind::Const) {
          err(e, "constant", fmt::format("`{}` depends on the inputs: a constant or test value cannot use it", n));
          return poison(e);
        }
        ir::Node x;
        x.op = Op::ValueRef;
        x.type = v.type;
        x.aux = sym->index;
        return narrow(c_.emit(std::move(x), s_.file, e.span), e);
      }
      case SymKind::Calendar: {
        c_.ensure_calendar(*sym);
        if (sym->index < 0) return poison(e);
        if (s_.constant) {
          err(e, "constant", fmt::format("the calendar `{}` depends on the inputs", n));
          return poison(e);
        }
        ir::Node x;
        x.op = Op::CalendarRef;
        x.type = Type::of(TypeKind::Calendar);
        x.aux = sym->index;
        return c_.emit(std::move(x), s_.file, e.span);
      }
      case SymKind::Holidays: {
        c_.ensure_holidays(*sym);
        if (sym->index < 0) return poison(e);
        // INVARIANT: a holiday set's symbol index is the node of its constant.
        const ir::Node& k = c_.node(sym->index);
        return c_.emit_const(c_.program_->consts[k.aux], k.type, s_.file, e.span);
      }
      case SymKind::Fixture: {
        if (sym->state == Symbol::State::Checking) {
          err(e, "cycle", fmt::format("the fixture `{}` uses itself", n));
          return poison(e);
        }
        if (!s_.constant) {
          err(e, "fixture", fmt::format("the fixture `{}` can only be used in tests", n));
          return poison(e);
        }
        sym->state = Symbol::State::Checking;
        NodeId id = check(*sym->decl->fixture_decl->value, hint);
        sym->state = Symbol::State::Fresh;
        return id;
      }
      case SymKind::Table:
        err(e, "table", fmt::format("the table `{}` is read through one of its columns", n)).help =
            fmt::format("write `{}.COLUMN`", n);
        return poison(e);
      case SymKind::Enum:
      case SymKind::Record:
        err(e, "type-as-value", fmt::format("`{}` is a type, not a value", n));
        return poison(e);
    }
  }
  int enum_id = -1;
  if (auto m = enum_member(n, hint, &enum_id)) {
    return c_.emit_const(ir::Value(ir::EnumValue{*m}), Type::enum_type(enum_id), s_.file, e.span);
  }
  if (enum_id == -2) {
    err(e, "ambiguous", fmt::format("`{}` is a member of several enums", n)).help =
        "qualify it with its enum, as in `Enum.Member`";
    return poison(e);
  }
  std::vector<std::string> candidates = c_.symbol_names();
  for (const auto& l : s_.locals) candidates.push_back(l.first);
  for (const auto& en : c_.program_->schema.enums)
    for (const auto& m : en.members) candidates.push_back(m);
  auto& d = err(e, "unknown-name", fmt::format("unknown name `{}`", n));
  std::string best = closest_name(n, candidates);
  if (!best.empty()) d.help = fmt::format("did you mean `{}`?", best);
  return poison(e);
}

NodeId ExprChecker::field(const ast::Expr& e, const Type* hint) {
  const ast::Expr& base = strip_parens(*e.operand);
  // `Enum.Member` and `table.column`
  if (base.kind == ast::ExprKind::Name && is_unresolved_bare_name(base) == false) {
    Symbol* sym = c_.find_symbol(base.name.text);
    bool shadowed = false;
    for (const auto& l : s_.locals) shadowed |= l.first == base.name.text;
    if (sym && !shadowed && sym->kind == SymKind::Enum) {
      sym->used = true;
      c_.check_enum(*sym);
      const ir::EnumDef& en = c_.program_->schema.enums[sym->index];
      int m = en.find(e.name.text);
      if (m < 0) {
        auto& d = c_.error(s_.file, e.name.span, "unknown-member",
                           fmt::format("`{}` is not a member of `{}`", e.name.text, en.name));
        d.help = fmt::format("the members are {}", fmt::join(en.members, ", "));
        return poison(e);
      }
      return c_.emit_const(ir::Value(ir::EnumValue{m}), Type::enum_type(sym->index), s_.file, e.span);
    }
    if (sym && !shadowed && sym->kind == SymKind::Table) {
      sym->used = true;
      if (s_.constant) {
        err(e, "constant", fmt::format("the table `{}` depends on the inputs", base.name.text));
        return poison(e);
      }
      c_.ensure_table(*sym);
      if (sym->index < 0) return poison(e);
      const ir::TableDef& t = c_.program_->tables[sym->index];
      for (size_t i = 0; i < t.outputs.size(); ++i) {
        if (t.outputs[i].name == e.name.text) {
          ir::Node x;
          x.op = Op::TableGet;
          x.type = t.outputs[i].type;
          x.aux = sym->index;
          x.aux2 = static_cast<int32_t>(i);
          return narrow(c_.emit(std::move(x), s_.file, e.span), e);
        }
      }
      std::vector<std::string> cols;
      for (const auto& o : t.outputs) cols.push_back(o.name);
      auto& d = c_.error(s_.file, e.name.span, "unknown-field",
                         fmt::format("the table `{}` has no column `{}`", t.name, e.name.text));
      std::string best = closest_name(e.name.text, cols);
      d.help = best.empty() ? fmt::format("its columns are {}", fmt::join(cols, ", ")) : fmt::format("did you mean `{}`?", best);
      return poison(e);
    }
  }
  NodeId obj = check(*e.operand, nullptr);
  Type t = c_.type_of(obj);
  if (t.is_error()) return poison(e);
  if (t.kind != TypeKind::Record) {
    err(e, "type", fmt::format("`{}` has no fields: it is a `{}`", c_.program_->node_text(obj), show(t)));
    return poison(e);
  }
  if (t.optional) {
    obj = present(obj, *e.operand);
  }
  const ir::RecordDef& rec = c_.program_->schema.records[t.id];
  int f = rec.find(e.name.text);
  if (f < 0) {
    std::vector<std::string> names;
    for (const auto& fd : rec.fields) names.push_back(fd.name);
    auto& d = c_.error(s_.file, e.name.span, "unknown-field",
                       fmt::format("`{}` has no field `{}`", rec.name, e.name.text));
    std::string best = closest_name(e.name.text, names);
    if (!best.empty()) d.help = fmt::format("did you mean `{}`?", best);
    return poison(e);
  }
  ir::Node x;
  x.op = Op::Field;
  x.type = rec.fields[f].type;
  x.a = obj;
  x.aux = f;
  return narrow(c_.emit(std::move(x), s_.file, e.span), e);
}

// ---- operators ----

std::vector<std::string> ExprChecker::facts(NodeId cond, bool when_true) const {
  std::vector<std::string> out;
  if (cond < 0) return out;
  const ir::Node& n = c_.node(cond);
  switch (n.op) {
    case Op::IsPresent:
      if (when_true) {
        std::string k = c_.path_key(n.a);
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
  std::set<std::string> saved = s_.present;
  s_.present.insert(f.begin(), f.end());
  NodeId id = check(e, hint);
  s_.present = std::move(saved);
  return id;
}

NodeId ExprChecker::unary(const ast::Expr& e, const Type* hint) {
  switch (e.unary_op) {
    case ast::UnaryOp::Not: {
      NodeId a = c_.check_as(*e.operand, s_, Type::of(TypeKind::Bool), "the operand of `not`");
      return node(Op::Not, Type::of(TypeKind::Bool), e, a);
    }
    case ast::UnaryOp::IsPresent:
    case ast::UnaryOp::IsNone: {
      NodeId a = check(*e.operand, nullptr);
      Type t = c_.type_of(a);
      if (!t.is_error() && !t.optional && t.kind != TypeKind::None) {
        err(e, "never-absent", fmt::format("`{}` is never absent: its type is `{}`", c_.program_->node_text(a), show(t)));
      }
      NodeId p = node(Op::IsPresent, Type::of(TypeKind::Bool), e, a);
      if (e.unary_op == ast::UnaryOp::IsNone) return node(Op::Not, Type::of(TypeKind::Bool), e, p);
      return p;
    }
    case ast::UnaryOp::Neg: {
      NodeId a = present(check(*e.operand, hint), *e.operand);
      Type t = c_.type_of(a).as_required();
      switch (t.kind) {
        case TypeKind::Integer: return node(Op::IntNeg, t.without_range(), e, a);
        case TypeKind::Decimal: case TypeKind::Percent: return node(Op::DecNeg, t, e, a);
        case TypeKind::Money: return node(Op::MoneyNeg, t, e, a);
        case TypeKind::Duration: return node(Op::DurNeg, t, e, a);
        case TypeKind::Error: return poison(e);
        default:
          err(e, "type", fmt::format("cannot negate a `{}`", show(t)));
          return poison(e);
      }
    }
  }
  return poison(e);
}

NodeId ExprChecker::binary(const ast::Expr& e, const Type* hint) {
  using B = ast::BinaryOp;
  B op = e.binary_op;
  if (op == B::And || op == B::Or) {
    NodeId l = c_.check_as(*e.lhs, s_, Type::of(TypeKind::Bool), fmt::format("the left side of `{}`", op_word(op)));
    NodeId r = with_facts(facts(l, op == B::And), *e.rhs, nullptr);
    r = c_.coerce(r, Type::of(TypeKind::Bool), s_.file, e.rhs->span, fmt::format("the right side of `{}`", op_word(op)));
    return node(op == B::And ? Op::And : Op::Or, Type::of(TypeKind::Bool), e, l, r);
  }
  if (op == B::Coalesce) {
    NodeId l = check(*e.lhs, hint);
    Type lt = c_.type_of(l);
    if (lt.is_error()) return poison(e);
    if (!lt.optional) {
      err(*e.lhs, "never-absent", fmt::format("`{}` is never absent, so `??` has no effect", c_.program_->node_text(l)));
      return l;
    }
    Type want = lt.as_required();
    NodeId r = check(*e.rhs, &want);
    Type rt_ = c_.type_of(r);
    if (rt_.is_error()) return poison(e);
    std::vector<NodeId> ids = {l, r};
    Type u = unify(ids, {e.lhs.get(), e.rhs.get()}, e);
    Type result = u;
    result.optional = c_.type_of(ids[1]).optional || c_.type_of(ids[1]).kind == TypeKind::None;
    return node(Op::Coalesce, result, e, ids[0], ids[1]);
  }
  if (op == B::In || op == B::NotIn) {
    // `T + D in CALENDAR` is calendar addition; anything else is membership.
    if (op == B::In) {
      const ast::Expr& rhs = strip_parens(*e.rhs);
      bool rhs_is_calendar = false;
      if (rhs.kind == ast::ExprKind::Literal && rhs.lit == ast::LitKind::Always) rhs_is_calendar = true;
      if (rhs.kind == ast::ExprKind::Name) {
        Symbol* sym = c_.find_symbol(rhs.name.text);
        if (sym && sym->kind == SymKind::Calendar) rhs_is_calendar = true;
        if (sym && sym->kind == SymKind::Value) {
          c_.ensure_value(*sym);
          if (sym->index >= 0 && c_.program_->values[sym->index].type.kind == TypeKind::Calendar) rhs_is_calendar = true;
        }
      }
      const ast::Expr& lhs = strip_parens(*e.lhs);
      if (!rhs_is_calendar && rhs.kind != ast::ExprKind::List && lhs.kind == ast::ExprKind::Binary &&
          (lhs.binary_op == B::Add || lhs.binary_op == B::Sub)) {
        rhs_is_calendar = true;  // a calendar-valued expression such as a match
      }
      if (rhs_is_calendar) {
        NodeId cal = c_.check_as(*e.rhs, s_, Type::of(TypeKind::Calendar), "the calendar after `in`");
        return calendar_add(e, lhs, cal);
      }
    }
    NodeId l, r;
    if (is_unresolved_bare_name(*e.lhs)) {
      r = present(check(*e.rhs, nullptr), *e.rhs);
      Type rt_ = c_.type_of(r);
      Type elem = rt_.kind == TypeKind::List && rt_.elem ? *rt_.elem : Type::error();
      l = present(check(*e.lhs, &elem), *e.lhs);
    } else {
      l = present(check(*e.lhs, nullptr), *e.lhs);
      Type lt = c_.type_of(l);
      Type want = Type::list_of(lt);
      r = present(check(*e.rhs, &want), *e.rhs);
    }
    Type lt = c_.type_of(l), rt_ = c_.type_of(r);
    if (lt.is_error() || rt_.is_error()) return poison(e);
    if (rt_.kind != TypeKind::List || !rt_.elem) {
      err(*e.rhs, "type", fmt::format("`{}` needs a list on its right, not a `{}`", op_word(op), show(rt_)));
      return poison(e);
    }
    Type elem = *rt_.elem;
    if (lt.kind == TypeKind::Integer && elem.kind == TypeKind::Decimal) {
      l = to_dec(l, *e.lhs);
    } else if (!ir::same_shape(lt, elem.as_required())) {
      err(e, "type", fmt::format("cannot look for a `{}` in a `{}`", show(lt), show(rt_)));
      return poison(e);
    }
    NodeId in = node(Op::In, Type::of(TypeKind::Bool), e, l, r);
    return op == B::NotIn ? node(Op::Not, Type::of(TypeKind::Bool), e, in) : in;
  }
  bool cmp = op == B::Eq || op == B::Ne || op == B::Lt || op == B::Le || op == B::Gt || op == B::Ge;
  NodeId l, r;
  if (cmp && is_unresolved_bare_name(*e.lhs) && !is_unresolved_bare_name(*e.rhs)) {
    r = check(*e.rhs, nullptr);
    Type rt_ = c_.type_of(r).as_required();
    l = check(*e.lhs, &rt_);
  } else {
    l = check(*e.lhs, cmp ? nullptr : hint);
    Type lt = c_.type_of(l).as_required();
    r = check(*e.rhs, cmp || lt.kind == TypeKind::Holidays ? &lt : nullptr);
  }
  if (c_.type_of(l).is_error() || c_.type_of(r).is_error()) return poison(e);
  if (cmp && (c_.type_of(r).kind == TypeKind::None || c_.type_of(l).kind == TypeKind::None)) {
    err(e, "type", "compare with `none` using `is none` or `is present`");
    return poison(e);
  }
  l = present(l, *e.lhs);
  r = present(r, *e.rhs);
  if (c_.type_of(l).is_error() || c_.type_of(r).is_error()) return poison(e);
  return cmp ? comparison(e, l, r) : arithmetic(e, l, r);
}

NodeId ExprChecker::comparison(const ast::Expr& e, NodeId l, NodeId r) {
  using B = ast::BinaryOp;
  Type lt = c_.type_of(l), rt_ = c_.type_of(r);
  if (lt.is_numeric() && rt_.is_numeric() && lt.kind != rt_.kind) {
    l = to_dec(l, *e.lhs);
    r = to_dec(r, *e.rhs);
    lt = rt_ = Type::of(TypeKind::Decimal);
  }
  if (!ir::same_shape(lt, rt_)) {
    err(e, "type", fmt::format("cannot compare a `{}` with a `{}`", show(lt), show(rt_)));
    return poison(e);
  }
  bool ordered_op = e.binary_op != B::Eq && e.binary_op != B::Ne;
  if (ordered_op && !is_ordered(lt.kind)) {
    err(e, "type", fmt::format("`{}` does not apply to `{}`: only `==` and `!=` do", op_word(e.binary_op), show(lt)));
    return poison(e);
  }
  if (lt.kind == TypeKind::List || lt.kind == TypeKind::Record || lt.kind == TypeKind::Calendar ||
      lt.kind == TypeKind::Holidays || lt.kind == TypeKind::BusinessDuration || lt.kind == TypeKind::Period) {
    err(e, "type", fmt::format("values of type `{}` cannot be compared", show(lt)));
    return poison(e);
  }
  if (lt.kind == TypeKind::Money && !lt.currency.empty() && !rt_.currency.empty() && lt.currency != rt_.currency) {
    err(e, "currency", fmt::format("cannot compare {} with {}", lt.currency, rt_.currency));
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
  return c_.emit(std::move(n), s_.file, e.span);
}

NodeId ExprChecker::arithmetic(const ast::Expr& e, NodeId l, NodeId r) {
  using B = ast::BinaryOp;
  B op = e.binary_op;
  Type lt = c_.type_of(l), rt_ = c_.type_of(r);
  TypeKind L = lt.kind, R = rt_.kind;
  auto T = [](TypeKind k) { return Type::of(k); };
  auto money_type = [&](const Type& a, const Type& b) {
    Type t = T(TypeKind::Money);
    t.currency = !a.currency.empty() ? a.currency : b.currency;
    return t;
  };
  auto mismatch = [&]() {
    const char* verb = op == B::Add ? "add" : op == B::Sub ? "subtract" : op == B::Mul ? "multiply" : "divide";
    auto& d = err(e, "type", op == B::Sub ? fmt::format("cannot subtract a `{}` from a `{}`", show(rt_), show(lt))
                                          : op == B::Of ? fmt::format("cannot take `of` a `{}` by a `{}`", show(rt_), show(lt))
                                                        : fmt::format("cannot {} a `{}` and a `{}`", verb, show(lt), show(rt_)));
    if ((L == TypeKind::DateTime || R == TypeKind::DateTime) &&
        (L == TypeKind::BusinessDuration || R == TypeKind::BusinessDuration)) {
      d.help = "business time needs a calendar: write `... in CALENDAR`";
    }
    return poison(e);
  };
  if (op == B::Add || op == B::Sub) {
    bool add = op == B::Add;
    if (L == TypeKind::Integer && R == TypeKind::Integer) return node(add ? Op::IntAdd : Op::IntSub, T(TypeKind::Integer), e, l, r);
    if (lt.is_numeric() && rt_.is_numeric())
      return node(add ? Op::DecAdd : Op::DecSub, T(TypeKind::Decimal), e, to_dec(l, *e.lhs), to_dec(r, *e.rhs));
    if (L == TypeKind::Percent && R == TypeKind::Percent) return node(add ? Op::DecAdd : Op::DecSub, T(TypeKind::Percent), e, l, r);
    if (L == TypeKind::Money && R == TypeKind::Money) {
      if (!lt.currency.empty() && !rt_.currency.empty() && lt.currency != rt_.currency) {
        err(e, "currency", fmt::format("cannot {} {} and {}: the currencies differ", add ? "add" : "subtract", lt.currency, rt_.currency));
        return poison(e);
      }
      return node(add ? Op::MoneyAdd : Op::MoneySub, money_type(lt, rt_), e, l, r);
    }
    if (L == TypeKind::Duration && R == TypeKind::Duration) return node(add ? Op::DurAdd : Op::DurSub, T(TypeKind::Duration), e, l, r);
    if (add && L == TypeKind::BusinessDuration && R == TypeKind::BusinessDuration) return node(Op::BDurAdd, lt, e, l, r);
    if (add && L == TypeKind::BusinessDuration && R == TypeKind::Duration)
      return node(Op::BDurAdd, lt, e, l, node(Op::DurToBDur, lt, *e.rhs, r));
    if (add && L == TypeKind::Duration && R == TypeKind::BusinessDuration)
      return node(Op::BDurAdd, rt_, e, node(Op::DurToBDur, rt_, *e.lhs, l), r);
    if (L == TypeKind::DateTime && R == TypeKind::Duration) return node(add ? Op::DateTimeAdd : Op::DateTimeSub, lt, e, l, r);
    if (add && L == TypeKind::Duration && R == TypeKind::DateTime) return node(Op::DateTimeAdd, rt_, e, r, l);
    if (!add && L == TypeKind::DateTime && R == TypeKind::DateTime) return node(Op::DateTimeDiff, T(TypeKind::Duration), e, l, r);
    if (L == TypeKind::Date && R == TypeKind::Period) return node(add ? Op::DateAddPeriod : Op::DateSubPeriod, lt, e, l, r);
    if (add && L == TypeKind::Period && R == TypeKind::Date) return node(Op::DateAddPeriod, rt_, e, r, l);
    if (L == TypeKind::Date && R == TypeKind::Duration) return node(add ? Op::DateAddDur : Op::DateSubDur, lt, e, l, r);
    if (!add && L == TypeKind::Date && R == TypeKind::Date) return node(Op::DateDiff, T(TypeKind::Duration), e, l, r);
    if (add && L == TypeKind::Period && R == TypeKind::Period) return node(Op::IntAdd, lt, e, l, r);
    if (L == TypeKind::Holidays && R == TypeKind::Holidays && add) return node(Op::HolidaysUnion, lt, e, l, r);
    if (L == TypeKind::Holidays && R == TypeKind::List && rt_.elem && rt_.elem->kind == TypeKind::Date && !rt_.elem->optional)
      return node(add ? Op::HolidaysAdd : Op::HolidaysRemove, lt, e, l, r);
    return mismatch();
  }
  if (op == B::Mul) {
    if (L == TypeKind::Integer && R == TypeKind::Integer) return node(Op::IntMul, T(TypeKind::Integer), e, l, r);
    if (lt.is_numeric() && rt_.is_numeric()) return node(Op::DecMul, T(TypeKind::Decimal), e, to_dec(l, *e.lhs), to_dec(r, *e.rhs));
    if (L == TypeKind::Money && (rt_.is_numeric() || R == TypeKind::Percent)) return node(Op::MoneyMul, lt, e, l, to_dec(r, *e.rhs));
    if (R == TypeKind::Money && (lt.is_numeric() || L == TypeKind::Percent)) return node(Op::MoneyMul, rt_, e, r, to_dec(l, *e.lhs));
    if (L == TypeKind::Percent && rt_.is_numeric()) return node(Op::DecMul, lt, e, l, to_dec(r, *e.rhs));
    if (R == TypeKind::Percent && lt.is_numeric()) return node(Op::DecMul, rt_, e, to_dec(l, *e.lhs), r);
    if (L == TypeKind::Percent && R == TypeKind::Percent) return node(Op::DecMul, lt, e, l, r);
    if (L == TypeKind::Duration && R == TypeKind::Integer) return node(Op::DurMul, lt, e, l, r);
    if (L == TypeKind::Integer && R == TypeKind::Duration) return node(Op::DurMul, rt_, e, r, l);
    if (L == TypeKind::BusinessDuration && R == TypeKind::Integer) return node(Op::BDurMul, lt, e, l, r);
    if (L == TypeKind::Integer && R == TypeKind::BusinessDuration) return node(Op::BDurMul, rt_, e, r, l);
    if (L == TypeKind::Period && R == TypeKind::Integer) return node(Op::PeriodMul, lt, e, l, r);
    if (L == TypeKind::Integer && R == TypeKind::Period) return node(Op::PeriodMul, rt_, e, r, l);
    return mismatch();
  }
  if (op == B::Div) {
    if (lt.is_numeric() && rt_.is_numeric()) return node(Op::DecDiv, T(TypeKind::Decimal), e, to_dec(l, *e.lhs), to_dec(r, *e.rhs));
    if (L == TypeKind::Money && rt_.is_numeric()) return node(Op::MoneyDiv, lt, e, l, to_dec(r, *e.rhs));
    if (L == TypeKind::Money && R == TypeKind::Money) {
      if (!lt.currency.empty() && !rt_.currency.empty() && lt.currency != rt_.currency) {
        err(e, "currency", fmt::format("cannot divide {} by {}: the currencies differ", lt.currency, rt_.currency));
        return poison(e);
      }
      return node(Op::MoneyRatio, T(TypeKind::Decimal), e, l, r);
    }
    if (L == TypeKind::Percent && rt_.is_numeric()) return node(Op::DecDiv, lt, e, l, to_dec(r, *e.rhs));
    return mismatch();
  }
  if (op == B::Of) {
    if (L != TypeKind::Percent) {
      err(*e.lhs, "type", fmt::format("`of` takes a percent on its left, not a `{}`", show(lt))).help = "write `25% of amount`";
      return poison(e);
    }
    if (R == TypeKind::Money) return node(Op::MoneyMul, rt_, e, r, l);
    if (rt_.is_numeric()) return node(Op::DecMul, T(TypeKind::Decimal), e, to_dec(r, *e.rhs), l);
    if (R == TypeKind::Percent) return node(Op::DecMul, rt_, e, r, l);
    return mismatch();
  }
  return mismatch();
}

NodeId ExprChecker::calendar_add(const ast::Expr& e, const ast::Expr& sum, NodeId cal) {
  if (sum.kind != ast::ExprKind::Binary || sum.binary_op != ast::BinaryOp::Add) {
    err(sum, "calendar", "a calendar applies to an addition: `START + DURATION in CALENDAR`");
    return poison(e);
  }
  NodeId start = present(check(*sum.lhs, nullptr), *sum.lhs);
  NodeId amount = present(check(*sum.rhs, nullptr), *sum.rhs);
  Type st = c_.type_of(start), at = c_.type_of(amount);
  if (st.is_error() || at.is_error() || c_.type_of(cal).is_error()) return poison(e);
  if (st.kind != TypeKind::DateTime && at.kind == TypeKind::DateTime) {
    std::swap(start, amount);
    std::swap(st, at);
  }
  if (st.kind != TypeKind::DateTime) {
    err(*sum.lhs, "type", fmt::format("working time is added to a `datetime`, not a `{}`", show(st)));
    return poison(e);
  }
  if (at.kind == TypeKind::Duration) {
    amount = node(Op::DurToBDur, Type::of(TypeKind::BusinessDuration), *sum.rhs, amount);
  } else if (at.kind != TypeKind::BusinessDuration) {
    err(*sum.rhs, "type", fmt::format("only a duration can be added in a calendar, not a `{}`", show(at)));
    return poison(e);
  }
  return node(Op::CalAdd, Type::of(TypeKind::DateTime), e, start, amount, cal);
}

// ---- control ----

Type ExprChecker::unify(std::vector<NodeId>& ids, const std::vector<const ast::Expr*>& exprs, const ast::Expr& whole) {
  Type result = Type::of(TypeKind::None);
  bool optional = false;
  bool any_decimal = false;
  for (NodeId id : ids) {
    Type t = c_.type_of(id);
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
    err(whole, "type", fmt::format("the branches give different types: `{}` and `{}`", show(result), show(t)));
    return Type::error();
  }
  if (result.kind == TypeKind::None) return result;
  (void)any_decimal;
  for (size_t i = 0; i < ids.size(); ++i) {
    Type target = result;
    target.optional = true;  // conversion targets below never reject optionals
    Type t = c_.type_of(ids[i]);
    if (t.kind == TypeKind::Integer && result.kind == TypeKind::Decimal) ids[i] = to_dec(ids[i], *exprs[i]);
    if (t.kind == TypeKind::Duration && result.kind == TypeKind::BusinessDuration)
      ids[i] = node(Op::DurToBDur, Type::of(TypeKind::BusinessDuration), *exprs[i], ids[i]);
  }
  result.optional = optional;
  return result;
}

NodeId ExprChecker::if_expr(const ast::Expr& e, const Type* hint) {
  NodeId cond = c_.check_as(*e.cond, s_, Type::of(TypeKind::Bool), "the condition of `if`");
  NodeId a = with_facts(facts(cond, true), *e.then_branch, hint);
  NodeId b = with_facts(facts(cond, false), *e.else_branch, hint);
  std::vector<NodeId> ids = {a, b};
  Type t = unify(ids, {e.then_branch.get(), e.else_branch.get()}, e);
  if (t.is_error()) return poison(e);
  return node(Op::If, t, e, cond, ids[0], ids[1]);
}

NodeId ExprChecker::match(const ast::Expr& e, const Type* hint) {
  NodeId scrut = present(check(*e.operand, nullptr), *e.operand);
  Type st = c_.type_of(scrut);
  if (st.is_error()) return poison(e);
  if (st.kind != TypeKind::Enum && st.kind != TypeKind::Bool && st.kind != TypeKind::Integer) {
    err(*e.operand, "type", fmt::format("`match` works on enums, bools and integers, not `{}`", show(st)));
    return poison(e);
  }
  std::vector<ir::Pattern> pats;
  std::vector<Span> spans;
  std::vector<NodeId> bodies;
  std::vector<const ast::Expr*> exprs;
  for (const ast::MatchArm& arm : e.arms) {
    pats.push_back(c_.check_pattern(arm.pattern, st, s_, false));
    spans.push_back(arm.pattern.span);
    bodies.push_back(check(*arm.body, hint));
    exprs.push_back(arm.body.get());
  }
  c_.check_match_coverage(pats, spans, st, s_.file, e.span);
  Type t = unify(bodies, exprs, e);
  if (t.is_error()) return poison(e);
  ir::Node n;
  n.op = Op::Switch;
  n.type = t;
  n.a = scrut;
  n.args = std::move(bodies);
  n.pats = std::move(pats);
  return c_.emit(std::move(n), s_.file, e.span);
}

// ---- calls ----

NodeId ExprChecker::call(const ast::Expr& e, const Type* hint) {
  const std::string& f = e.name.text;
  static const std::vector<std::string> builtins = {
      "min", "max", "abs", "ceil", "floor", "round", "count", "is_empty", "first", "blank",
      "date_of", "working_time", "is_open", "next_opening", "text"};
  auto arity = [&](size_t lo, size_t hi) {
    if (e.args.size() < lo || e.args.size() > hi) {
      std::string want = lo == hi ? std::to_string(lo) : fmt::format("{} to {}", lo, hi);
      err(e, "arity", fmt::format("`{}` takes {} argument{}, not {}", f, want, hi == 1 ? "" : "s", e.args.size()));
      return false;
    }
    return true;
  };
  auto arg = [&](size_t i, const Type* h = nullptr) { return present(check(*e.args[i], h), *e.args[i]); };
  auto arg_as = [&](size_t i, TypeKind k, const char* what) {
    return c_.check_as(*e.args[i], s_, Type::of(k), fmt::format("the {} argument of `{}`", what, f));
  };
  if (f == "min" || f == "max") {
    if (e.args.size() < 2) {
      err(e, "arity", fmt::format("`{}` takes two or more arguments; for a list write `{} x in LIST: x`", f, f));
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
      err(e, "type", fmt::format("`{}` needs ordered values, not `{}`", f, show(t)));
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
      err(e, "type", fmt::format("`abs` needs a number, money, percent or duration, not `{}`", show(t)));
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
      err(e, "type", fmt::format("`{}` needs a decimal, not `{}`", f, show(t)));
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
          err(x, "round", fmt::format("round to 0 to {} places, not {}", rt::Decimal::kMaxScale, x.text));
          return poison(e);
        }
        places = static_cast<int>(p);
      } else if (x.kind == ast::ExprKind::Name) {
        static const std::map<std::string, rt::RoundingMode> modes = {
            {"half_away", rt::RoundingMode::HalfAwayFromZero}, {"half_even", rt::RoundingMode::HalfEven},
            {"up", rt::RoundingMode::Up}, {"down", rt::RoundingMode::Down},
            {"ceiling", rt::RoundingMode::Ceiling}, {"floor", rt::RoundingMode::Floor}};
        auto it = modes.find(x.name.text);
        if (it == modes.end()) {
          err(x, "round", fmt::format("unknown rounding mode `{}`", x.name.text)).help =
              "the modes are half_away, half_even, up, down, ceiling, floor";
          return poison(e);
        }
        mode = it->second;
      } else {
        err(x, "round", "`round` takes a number of places (an integer literal) and a rounding mode name");
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
      err(e, "type", fmt::format("`round` needs money or a decimal, not `{}`", show(t)));
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
      err(e, "type", fmt::format("`{}` needs a list, not `{}`", f, show(t)));
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
      err(e, "type", fmt::format("`blank` needs a text, not `{}`", show(t)));
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
  auto& d = err(e, "unknown-function", fmt::format("unknown function `{}`", f));
  std::string best = closest_name(f, builtins);
  if (!best.empty()) d.help = fmt::format("did you mean `{}`?", best);
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
    err(e, "type", "the type of an empty list is not known here");
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
    err(e, "type", "the record type of `{ ... }` is not known here");
    return poison(e);
  }
  const ir::RecordDef& rec = c_.program_->schema.records[hint->id];
  std::vector<NodeId> args(rec.fields.size(), ir::kNoNode);
  std::vector<bool> seen(rec.fields.size(), false);
  for (const ast::FieldInit& fi : e.fields) {
    int f = rec.find(fi.name.text);
    if (f < 0) {
      std::vector<std::string> names;
      for (const auto& fd : rec.fields) names.push_back(fd.name);
      auto& d = c_.error(s_.file, fi.name.span, "unknown-field", fmt::format("`{}` has no field `{}`", rec.name, fi.name.text));
      std::string best = closest_name(fi.name.text, names);
      if (!best.empty()) d.help = fmt::format("did you mean `{}`?", best);
      continue;
    }
    if (seen[f]) {
      c_.error(s_.file, fi.name.span, "duplicate", fmt::format("the field `{}` is given twice", fi.name.text));
      continue;
    }
    seen[f] = true;
    args[f] = c_.check_as(*fi.value, s_, rec.fields[f].type, fmt::format("the field `{}`", fi.name.text));
  }
  std::vector<std::string> missing;
  for (size_t i = 0; i < rec.fields.size(); ++i)
    if (!seen[i] && !rec.fields[i].type.optional) missing.push_back("`" + rec.fields[i].name + "`");
  if (!missing.empty()) {
    err(e, "missing-field", fmt::format("`{}` needs the field{} {}", rec.name, missing.size() > 1 ? "s" : "",
                                        fmt::join(missing, ", ")));
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
    err(*e.operand, "type", fmt::format("`with` needs a record, not `{}`", show(bt)));
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
      auto& d = c_.error(s_.file, fi.name.span, "unknown-field", fmt::format("`{}` has no field `{}`", rec.name, fi.name.text));
      std::string best = closest_name(fi.name.text, names);
      if (!best.empty()) d.help = fmt::format("did you mean `{}`?", best);
      continue;
    }
    n.ints.push_back(f);
    n.args.push_back(c_.check_as(*fi.value, s_, rec.fields[f].type, fmt::format("the field `{}`", fi.name.text)));
  }
  return c_.emit(std::move(n), s_.file, e.span);
}

NodeId ExprChecker::aggregate(const ast::Expr& e, const Type* hint) {
  const std::string& agg = e.name.text;
  NodeId lst = present(check(*e.operand, nullptr), *e.operand);
  Type lt = c_.type_of(lst);
  if (lt.is_error()) return poison(e);
  if (lt.kind != TypeKind::List || !lt.elem) {
    err(*e.operand, "type", fmt::format("`{}` ranges over a list, not a `{}`", agg, show(lt)));
    return poison(e);
  }
  int slot = c_.program_->local_slots++;
  s_.locals.push_back({e.var.text, {slot, *lt.elem}});
  bool boolean = agg == "any" || agg == "all" || agg == "count";
  NodeId body = boolean ? c_.check_as(*e.body, s_, Type::of(TypeKind::Bool), fmt::format("the condition of `{}`", agg))
                        : present(check(*e.body, hint), *e.body);
  s_.locals.pop_back();
  Type bt = c_.type_of(body);
  if (bt.is_error()) return poison(e);
  ir::Node n;
  n.a = lst;
  n.b = body;
  n.aux = slot;
  if (agg == "any") { n.op = Op::AggAny; n.type = Type::of(TypeKind::Bool); }
  else if (agg == "all") { n.op = Op::AggAll; n.type = Type::of(TypeKind::Bool); }
  else if (agg == "count") { n.op = Op::AggCount; n.type = Type::of(TypeKind::Integer); }
  else if (agg == "sum") {
    if (!bt.is_numeric() && bt.kind != TypeKind::Money && bt.kind != TypeKind::Duration && bt.kind != TypeKind::Percent) {
      err(*e.body, "type", fmt::format("`sum` adds numbers, money, percents or durations, not `{}`", show(bt)));
      return poison(e);
    }
    if (bt.kind == TypeKind::Money) {
      err(*e.body, "type", "`sum` of money needs a currency when the list is empty: write `sum x in L: x.amount` inside `if count(L) > 0`")
          .help = "money sums are not supported yet";
      return poison(e);
    }
    n.op = Op::AggSum;
    n.type = bt.as_required().without_range();
  } else if (agg == "min" || agg == "max") {
    if (!is_ordered(bt.kind)) {
      err(*e.body, "type", fmt::format("`{}` needs ordered values, not `{}`", agg, show(bt)));
      return poison(e);
    }
    n.op = agg == "min" ? Op::AggMin : Op::AggMax;
    n.type = bt.as_required().without_range().as_optional();
  } else {
    err(e, "unknown-function", fmt::format("unknown aggregation `{}`", agg)).help = "use any, all, count, sum, min or max";
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
    conds.push_back(c_.check_as(*item.when, s_, Type::of(TypeKind::Bool), "the condition after `when`"));
  }
  Type elem = elem_hint ? elem_hint->as_required() : Type::error();
  if (!values.empty()) {
    elem = unify(values, exprs, e);
    if (elem.is_error()) return poison(e);
  } else if (!elem_hint) {
    err(e, "type", "the type of an empty `collect` is not known here");
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

}  // namespace

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

ir::NodeId Checker::require_present(ir::NodeId id, int file, Span span, const ast::Expr& e) {
  Type t = type_of(id);
  if (t.is_error() || !t.optional) return id;
  std::string_view text = program_->node_text(id);
  auto& d = error(file, span, "optional",
                  fmt::format("`{}` may be absent: it is a `{}`", text.empty() ? "this value" : std::string(text), show(t)));
  d.help = fmt::format("handle the absent case first: `if {} is present then ... else ...`, or `{} ?? DEFAULT`",
                       std::string(text), std::string(text));
  ir::Node poison;
  poison.type = Type::error();
  return emit(std::move(poison), file, span);
}

ir::NodeId Checker::coerce(ir::NodeId id, const Type& target, int file, Span span, const std::string& what) {
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
    error(file, span, "type", fmt::format("{} cannot be `none`: it is a `{}`", what, show(target)))
        .help = fmt::format("make the type optional (`{}?`) if the value can be absent", show(target));
    return id;
  }
  if (t.optional && !target.optional) {
    std::string_view text = program_->node_text(id);
    auto& d = error(file, span, "optional",
                    fmt::format("{} may be absent here, but must be a `{}`", what, show(target)));
    d.help = text.empty() ? "handle the absent case with `if ... is present` or `??`"
                          : fmt::format("handle the absent case: `if {} is present then ... else ...`, or `{} ?? DEFAULT`",
                                        std::string(text), std::string(text));
    return id;
  }
  if (ir::same_shape(t, target)) {
    if (t.kind == TypeKind::Money && !t.currency.empty() && !target.currency.empty() && t.currency != target.currency) {
      error(file, span, "currency", fmt::format("{} is in {}, but {} is expected", what, t.currency, target.currency));
    }
    return id;
  }
  if (t.kind == TypeKind::Integer && target.kind == TypeKind::Decimal) return wrap(Op::IntToDec, Type::of(TypeKind::Decimal));
  if (t.kind == TypeKind::Duration && target.kind == TypeKind::BusinessDuration)
    return wrap(Op::DurToBDur, Type::of(TypeKind::BusinessDuration));
  if (t.kind == TypeKind::List && target.kind == TypeKind::List && t.elem && target.elem &&
      t.elem->kind == TypeKind::None) {
    return id;  // an empty list literal
  }
  error(file, span, "type", fmt::format("{} must be a `{}`, but this is a `{}`", what, show(target), show(t)));
  return id;
}

ir::NodeId Checker::check_as(const ast::Expr& e, Scope& scope, const Type& target, const std::string& what) {
  NodeId id = check_expr(e, scope, &target);
  return coerce(id, target, scope.file, e.span, what);
}

}  // namespace proviso::sema

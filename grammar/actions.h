// Actions that build expressions, conditions and types from the rules of grammar.h. Each
// action pops what its rule's parts pushed on the builder's stacks and pushes the node it
// makes; the control unwinds the stacks of rules that fail. Declarations: decl_actions.h.
#pragma once
#include <memory>
#include <string>

#include "grammar/builder.h"
#include "grammar/grammar.h"
#include "grammar/lexical.h"

namespace proviso::syntax {

template <typename Rule>
struct action : tao::pegtl::nothing<Rule> {};

namespace detail {

template <typename In>
Span span_of(const In& in, const Builder& b) {
  return b.trimmed(in.begin(), in.end());
}

inline ast::ExprPtr make_expr(ast::ExprKind kind, Span span) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = kind;
  e->span = span;
  return e;
}

inline ast::ExprPtr make_literal(ast::LitKind lit, std::string text, Span span) {
  auto e = make_expr(ast::ExprKind::Literal, span);
  e->lit = lit;
  e->text = std::move(text);
  return e;
}

inline ast::Ident ident_of(Span span, const Builder& b) { return {std::string(b.text(span)), span}; }

// The top expression, with its kind checked: a guard against grammar mistakes.
inline ast::Expr& top(Builder& b) {
  if (b.exprs.empty()) b.fail(0u, Code::Internal, "internal parser error: missing expression");
  return *b.exprs.back();
}

// Replaces the top expression by `op` applied to it.
inline void wrap_unary(Builder& b, ast::UnaryOp op, Span span) {
  auto e = make_expr(ast::ExprKind::Unary, span);
  e->unary_op = op;
  e->operand = b.pop_expr();
  b.push_expr(std::move(e));
}

// Values of a pattern or cell: a range pushed by `range_tail`, or the listed values.
inline void finish_values(Builder& b, Span span) {
  if (!b.conds.empty() && b.conds.back().span.begin >= span.begin) return;  // range_tail made it
  ast::Condition c;
  c.kind = ast::Condition::Kind::OneOf;
  c.values = b.take_exprs(span.begin);
  c.span = span;
  b.conds.push_back(std::move(c));
}

template <ast::BinaryOp Op>
struct binary {
  template <typename In>
  static void apply(const In&, Builder& b) {
    ast::ExprPtr rhs = b.pop_expr();
    ast::ExprPtr lhs = b.pop_expr();
    auto e = make_expr(ast::ExprKind::Binary, Span::cover(lhs->span, rhs->span));
    e->binary_op = Op;
    e->lhs = std::move(lhs);
    e->rhs = std::move(rhs);
    b.push_expr(std::move(e));
  }
};

// `< 5` in a table cell.
template <ast::BinaryOp Op>
struct compare_cell {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::Condition c;
    c.kind = ast::Condition::Kind::Compare;
    c.op = Op;
    c.values.push_back(b.pop_expr());
    c.span = span_of(in, b);
    b.conds.push_back(std::move(c));
  }
};

template <ast::LitKind Lit>
struct unit_of {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::Expr& e = top(b);
    std::string_view word = in.string_view();
    size_t space = word.find_last_of(" \t");
    if (space != std::string_view::npos) word = word.substr(space + 1);
    if (e.lit == ast::LitKind::Decimal) {
      b.error(Span::cover(e.span, {b.offset(in.begin()), b.offset(in.end())}), Code::InvalidLiteral,
              "a duration or period is a whole number of units, such as `90 minutes`");
    }
    e.lit = Lit;
    e.unit = plural_unit(word);
    e.span.end = b.offset(in.end());
  }
};

template <ast::LitKind Lit, const char* Text>
struct fixed_literal {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.push_expr(make_literal(Lit, Text, span_of(in, b)));
  }
};

inline constexpr char kTrue[] = "true";
inline constexpr char kFalse[] = "false";
inline constexpr char kNone[] = "none";
inline constexpr char kAlways[] = "24x7";

// Pushes the rule's text as a name.
struct push_ident {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.idents.push_back(ident_of(span_of(in, b), b));
  }
};

}  // namespace detail

// ---- literals ----

template <>
struct action<grammar::text_open> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.text_open = b.offset(in.begin());
  }
};

template <>
struct action<grammar::text_literal> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    std::string_view body = b.text({s.begin + 1, s.end - 1});
    b.texts.push_back({unescape(body), s, 0});
  }
};

template <>
struct action<grammar::lit_text> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    TextToken t = b.pop_text();
    b.push_expr(detail::make_literal(ast::LitKind::Text, std::move(t.text), t.span));
  }
};

template <>
struct action<grammar::lit_zone> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    TextToken t = b.pop_text();
    b.push_expr(detail::make_literal(ast::LitKind::Zone, std::move(t.text), detail::span_of(in, b)));
  }
};

template <>
struct action<grammar::number_text> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    std::string text = in.string();
    ast::LitKind lit = text.find('.') == std::string::npos ? ast::LitKind::Integer : ast::LitKind::Decimal;
    b.push_expr(detail::make_literal(lit, std::move(text), {b.offset(in.begin()), b.offset(in.end())}));
  }
};

template <>
struct action<grammar::percent_sign> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::Expr& e = detail::top(b);
    e.lit = ast::LitKind::Percent;
    e.span.end = b.offset(in.end());
  }
};

template <>
struct action<grammar::currency_code> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::Expr& e = detail::top(b);
    e.lit = ast::LitKind::Money;
    e.unit = in.string();
    e.span.end = b.offset(in.end());
  }
};

template <>
struct action<grammar::duration_unit> : detail::unit_of<ast::LitKind::Duration> {};
template <>
struct action<grammar::business_unit> : detail::unit_of<ast::LitKind::BusinessDuration> {};
template <>
struct action<grammar::period_unit> : detail::unit_of<ast::LitKind::Period> {};

template <>
struct action<grammar::lit_date> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    if (auto problem = check_date(b.text(s))) b.error(s, Code::InvalidDate, *problem);
    b.push_expr(detail::make_literal(ast::LitKind::Date, std::string(b.text(s)), s));
  }
};

template <>
struct action<grammar::lit_datetime> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    if (auto problem = check_datetime(b.text(s))) b.error(s, Code::InvalidDate, *problem);
    b.push_expr(detail::make_literal(ast::LitKind::DateTime, std::string(b.text(s)), s));
  }
};

template <>
struct action<grammar::lit_always> : detail::fixed_literal<ast::LitKind::Always, detail::kAlways> {};
template <>
struct action<grammar::lit_true> : detail::fixed_literal<ast::LitKind::Bool, detail::kTrue> {};
template <>
struct action<grammar::lit_false> : detail::fixed_literal<ast::LitKind::Bool, detail::kFalse> {};
template <>
struct action<grammar::lit_none> : detail::fixed_literal<ast::LitKind::None, detail::kNone> {};

// ---- primaries ----

template <>
struct action<grammar::name_expr> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    auto e = detail::make_expr(ast::ExprKind::Name, s);
    e->name = detail::ident_of(s, b);
    b.push_expr(std::move(e));
  }
};

template <>
struct action<grammar::call_name> : detail::push_ident {};

template <>
struct action<grammar::call_expr> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    auto e = detail::make_expr(ast::ExprKind::Call, s);
    e->args = b.take_exprs(s.begin);
    e->name = b.pop_ident();
    b.push_expr(std::move(e));
  }
};

template <>
struct action<grammar::paren_expr> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    auto e = detail::make_expr(ast::ExprKind::Paren, detail::span_of(in, b));
    e->operand = b.pop_expr();
    b.push_expr(std::move(e));
  }
};

template <>
struct action<grammar::list_expr> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    auto e = detail::make_expr(ast::ExprKind::List, s);
    e->args = b.take_exprs(s.begin);
    b.push_expr(std::move(e));
  }
};

template <>
struct action<grammar::field_init_name> : detail::push_ident {};

template <>
struct action<grammar::field_init> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    ast::FieldInit f;
    f.value = b.pop_expr();
    f.name = b.pop_ident();
    b.inits.push_back(std::move(f));
  }
};

inline std::vector<ast::FieldInit> take_inits(Builder& b, uint32_t from) {
  return Builder::take_from(b.inits, from, [](const ast::FieldInit& f) { return f.name.span.begin; });
}

template <>
struct action<grammar::record_expr> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    auto e = detail::make_expr(ast::ExprKind::Record, s);
    e->fields = take_inits(b, s.begin);
    b.push_expr(std::move(e));
  }
};

template <>
struct action<grammar::if_expr> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    auto e = detail::make_expr(ast::ExprKind::If, detail::span_of(in, b));
    e->else_branch = b.pop_expr();
    e->then_branch = b.pop_expr();
    e->cond = b.pop_expr();
    b.push_expr(std::move(e));
  }
};

// ---- conditions: match patterns and table cells ----

template <>
struct action<grammar::range_tail> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::Condition c;
    c.kind = ast::Condition::Kind::Range;
    std::string_view text = in.string_view();
    size_t dots = text.find("..");
    c.half_open = dots != std::string_view::npos && dots + 2 < text.size() && text[dots + 2] == '<';
    ast::ExprPtr hi = b.pop_expr();
    ast::ExprPtr lo = b.pop_expr();
    c.span = Span::cover(lo->span, hi->span);
    c.values.push_back(std::move(lo));
    c.values.push_back(std::move(hi));
    b.conds.push_back(std::move(c));
  }
};

template <>
struct action<grammar::pattern_else> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::Condition c;
    c.kind = ast::Condition::Kind::Any;
    c.span = detail::span_of(in, b);
    b.conds.push_back(std::move(c));
  }
};
template <>
struct action<grammar::cell_any> : action<grammar::pattern_else> {};

template <>
struct action<grammar::pattern_values> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    detail::finish_values(b, detail::span_of(in, b));
  }
};
template <>
struct action<grammar::cell_values> : action<grammar::pattern_values> {};

template <>
struct action<grammar::cell_not> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    if (b.conds.empty()) b.fail(0u, Code::Internal, "internal parser error: missing condition");
    ast::Condition& c = b.conds.back();
    if (c.kind == ast::Condition::Kind::Range)
      b.error(c.span, Code::InvalidPattern, "`not` applies to values, not to a range: write `< A` or `> B`");
    c.kind = ast::Condition::Kind::Not;
    c.span = detail::span_of(in, b);
  }
};

template <>
struct action<grammar::cell_le> : detail::compare_cell<ast::BinaryOp::Le> {};
template <>
struct action<grammar::cell_lt> : detail::compare_cell<ast::BinaryOp::Lt> {};
template <>
struct action<grammar::cell_ge> : detail::compare_cell<ast::BinaryOp::Ge> {};
template <>
struct action<grammar::cell_gt> : detail::compare_cell<ast::BinaryOp::Gt> {};
template <>
struct action<grammar::cell_ne> : detail::compare_cell<ast::BinaryOp::Ne> {};
template <>
struct action<grammar::cell_eq> : detail::compare_cell<ast::BinaryOp::Eq> {};

template <>
struct action<grammar::match_arm> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::MatchArm arm;
    arm.body = b.pop_expr();
    if (b.conds.empty()) b.fail(0u, Code::Internal, "internal parser error: missing pattern");
    arm.pattern = std::move(b.conds.back());
    b.conds.pop_back();
    arm.span = detail::span_of(in, b);
    b.arms.push_back(std::move(arm));
  }
};

template <>
struct action<grammar::match_expr> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    auto e = detail::make_expr(ast::ExprKind::Match, s);
    e->arms = Builder::take_from(b.arms, s.begin, [](const ast::MatchArm& a) { return a.span.begin; });
    e->operand = b.pop_expr();
    b.push_expr(std::move(e));
  }
};

template <>
struct action<grammar::collect_item> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::CollectItem item;
    item.when = b.pop_expr();
    item.value = b.pop_expr();
    item.span = detail::span_of(in, b);
    b.items.push_back(std::move(item));
  }
};

template <>
struct action<grammar::collect_expr> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    auto e = detail::make_expr(ast::ExprKind::Collect, s);
    e->items = Builder::take_from(b.items, s.begin, [](const ast::CollectItem& i) { return i.span.begin; });
    b.push_expr(std::move(e));
  }
};

template <>
struct action<grammar::agg_word> : detail::push_ident {};
template <>
struct action<grammar::agg_var> : detail::push_ident {};

// `"4(a)" when COND` in an aggregation: built as a collect's `VALUE when COND`.
template <>
struct action<grammar::agg_exclusion> : action<grammar::collect_item> {};

template <>
struct action<grammar::aggregate_expr> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    auto e = detail::make_expr(ast::ExprKind::Aggregate, s);
    e->items = Builder::take_from(b.items, s.begin, [](const ast::CollectItem& i) { return i.span.begin; });
    // Without a body (`count x in L excluding ...`) the expression on top is the list, which
    // starts before the exclusions; a body starts after them.
    if (e->items.empty() || b.top_expr_begin() > e->items.back().span.begin) e->body = b.pop_expr();
    e->operand = b.pop_expr();
    e->var = b.pop_ident();
    e->name = b.pop_ident();
    b.push_expr(std::move(e));
  }
};

// ---- postfix and prefix operators ----

template <>
struct action<grammar::field_name> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    ast::ExprPtr operand = b.pop_expr();
    auto e = detail::make_expr(ast::ExprKind::Field, Span::cover(operand->span, s));
    e->name = detail::ident_of(s, b);
    e->operand = std::move(operand);
    b.push_expr(std::move(e));
  }
};

template <>
struct action<grammar::with_op> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    std::vector<ast::FieldInit> fields = take_inits(b, s.begin);
    ast::ExprPtr operand = b.pop_expr();
    auto e = detail::make_expr(ast::ExprKind::With, Span::cover(operand->span, s));
    e->operand = std::move(operand);
    e->fields = std::move(fields);
    b.push_expr(std::move(e));
  }
};

template <>
struct action<grammar::neg_sign> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.prefixes.push_back({detail::span_of(in, b), ast::UnaryOp::Neg});
  }
};
template <>
struct action<grammar::not_prefix> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.prefixes.push_back({detail::span_of(in, b), ast::UnaryOp::Not});
  }
};

// Applies the prefix operators written before the operand, innermost first.
struct apply_prefixes {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    std::vector<PrefixOp> ops = Builder::take_from(b.prefixes, s.begin, [](const PrefixOp& p) { return p.span.begin; });
    for (size_t i = ops.size(); i-- > 0;) {
      uint32_t end = detail::top(b).span.end;
      detail::wrap_unary(b, ops[i].op, {ops[i].span.begin, end});
    }
  }
};
template <>
struct action<grammar::neg_expr> : apply_prefixes {};
template <>
struct action<grammar::not_expr> : apply_prefixes {};

template <>
struct action<grammar::is_present> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    detail::wrap_unary(b, ast::UnaryOp::IsPresent, {detail::top(b).span.begin, b.offset(in.end())});
  }
};
template <>
struct action<grammar::is_none> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    detail::wrap_unary(b, ast::UnaryOp::IsNone, {detail::top(b).span.begin, b.offset(in.end())});
  }
};

template <>
struct action<grammar::times_tail> : detail::binary<ast::BinaryOp::Mul> {};
template <>
struct action<grammar::divide_tail> : detail::binary<ast::BinaryOp::Div> {};
template <>
struct action<grammar::of_tail> : detail::binary<ast::BinaryOp::Of> {};
template <>
struct action<grammar::plus_tail> : detail::binary<ast::BinaryOp::Add> {};
template <>
struct action<grammar::minus_tail> : detail::binary<ast::BinaryOp::Sub> {};
template <>
struct action<grammar::eq_tail> : detail::binary<ast::BinaryOp::Eq> {};
template <>
struct action<grammar::ne_tail> : detail::binary<ast::BinaryOp::Ne> {};
template <>
struct action<grammar::le_tail> : detail::binary<ast::BinaryOp::Le> {};
template <>
struct action<grammar::lt_tail> : detail::binary<ast::BinaryOp::Lt> {};
template <>
struct action<grammar::ge_tail> : detail::binary<ast::BinaryOp::Ge> {};
template <>
struct action<grammar::gt_tail> : detail::binary<ast::BinaryOp::Gt> {};
template <>
struct action<grammar::in_tail> : detail::binary<ast::BinaryOp::In> {};
template <>
struct action<grammar::not_in_tail> : detail::binary<ast::BinaryOp::NotIn> {};
template <>
struct action<grammar::and_tail> : detail::binary<ast::BinaryOp::And> {};

// `C pausing P [as of X]`: the pauses and the instant were pushed after the calendar, inside
// the tail's own span.
template <>
struct action<grammar::pausing_tail> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    std::vector<ast::ExprPtr> parts = b.take_exprs(detail::span_of(in, b).begin);
    ast::ExprPtr calendar = b.pop_expr();
    auto e = detail::make_expr(ast::ExprKind::Pausing, Span::cover(calendar->span, parts.back()->span));
    e->operand = std::move(calendar);
    e->args = std::move(parts);
    b.push_expr(std::move(e));
  }
};
template <>
struct action<grammar::or_tail> : detail::binary<ast::BinaryOp::Or> {};
template <>
struct action<grammar::coalesce_tail> : detail::binary<ast::BinaryOp::Coalesce> {};

// ---- types ----

namespace detail {
inline ast::TypeExprPtr make_type(ast::TypeExpr::Kind kind, Span span) {
  auto t = std::make_unique<ast::TypeExpr>();
  t->kind = kind;
  t->span = span;
  return t;
}
}  // namespace detail

template <>
struct action<grammar::type_named> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    auto t = detail::make_type(ast::TypeExpr::Kind::Named, s);
    t->name = detail::ident_of(s, b);
    b.types.push_back(std::move(t));
  }
};

template <>
struct action<grammar::type_business> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    auto t = detail::make_type(ast::TypeExpr::Kind::Named, s);
    t->name = {"business duration", s};
    b.types.push_back(std::move(t));
  }
};

template <>
struct action<grammar::int_lo> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    b.texts.push_back({std::string(b.text(s)), s, 1});
  }
};
template <>
struct action<grammar::int_hi> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    b.texts.push_back({std::string(b.text(s)), s, 2});
  }
};

template <>
struct action<grammar::type_integer> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    auto t = detail::make_type(ast::TypeExpr::Kind::Named, s);
    t->name = {"integer", {s.begin, s.begin + 7}};
    for (TextToken& bound : Builder::take_from(b.texts, s.begin, [](const TextToken& x) { return x.span.begin; })) {
      (bound.tag == 1 ? t->range_lo : t->range_hi) = std::move(bound.text);
    }
    t->has_range = s.size() > 7;
    b.types.push_back(std::move(t));
  }
};

template <>
struct action<grammar::type_list> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    auto t = detail::make_type(ast::TypeExpr::Kind::List, detail::span_of(in, b));
    t->elem = b.pop_type();
    b.types.push_back(std::move(t));
  }
};

template <>
struct action<grammar::type_question> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::TypeExprPtr elem = b.pop_type();
    auto t = detail::make_type(ast::TypeExpr::Kind::Optional, {elem->span.begin, b.offset(in.end())});
    t->elem = std::move(elem);
    b.types.push_back(std::move(t));
  }
};

template <>
struct action<grammar::field_decl_name> : detail::push_ident {};

template <>
struct action<grammar::field_decl> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::FieldDecl f;
    f.type = b.pop_type();
    f.name = b.pop_ident();
    f.span = detail::span_of(in, b);
    b.fields.push_back(std::move(f));
  }
};

inline std::vector<ast::FieldDecl> take_fields(Builder& b, uint32_t from) {
  return Builder::take_from(b.fields, from, [](const ast::FieldDecl& f) { return f.span.begin; });
}

}  // namespace proviso::syntax

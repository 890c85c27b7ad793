// Printing expressions flat or over several lines, with the precedence of LANGUAGE.md.
#include "compiler/format/expr_printer.h"

#include <algorithm>

namespace proviso::format {

namespace {

using ast::BinaryOp;
using ast::ExprKind;
using ast::UnaryOp;

// Precedence levels, loosest first (LANGUAGE.md "Expressions").
enum Level { kCoalesce = 1, kOr, kAnd, kNot, kCompare, kPausing, kAdd, kMul, kNeg, kPostfix, kPrimary };

int level(const ast::Expr& e) {
  switch (e.kind) {
    case ExprKind::Binary:
      switch (e.binary_op) {
        case BinaryOp::Coalesce: return kCoalesce;
        case BinaryOp::Or: return kOr;
        case BinaryOp::And: return kAnd;
        case BinaryOp::Add:
        case BinaryOp::Sub: return kAdd;
        case BinaryOp::Mul:
        case BinaryOp::Div:
        case BinaryOp::Of: return kMul;
        default: return kCompare;
      }
    case ExprKind::Unary:
      switch (e.unary_op) {
        case UnaryOp::Not: return kNot;
        case UnaryOp::Neg: return kNeg;
        default: return kCompare;
      }
    case ExprKind::Field:
    case ExprKind::With: return kPostfix;
    case ExprKind::Pausing: return kPausing;
    default: return kPrimary;
  }
}

// `if` and aggregations have no closing token: whatever follows them would join their last part.
bool open_ended(const ast::Expr& e) { return e.kind == ExprKind::If || e.kind == ExprKind::Aggregate; }

bool needs_parens(const ast::Expr& e, Context ctx) {
  return level(e) < ctx.min_level || (open_ended(e) && !ctx.right_open);
}

bool is_chain(const ast::Expr& e) {
  return e.kind == ExprKind::Binary &&
         (e.binary_op == BinaryOp::And || e.binary_op == BinaryOp::Or || e.binary_op == BinaryOp::Coalesce);
}

const char* op_text(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::Of: return "of";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::And: return "and";
    case BinaryOp::Or: return "or";
    case BinaryOp::In: return "in";
    case BinaryOp::NotIn: return "not in";
    case BinaryOp::Coalesce: return "??";
  }
  return "?";
}

// `1 hour`, `2 hours`: the AST keeps units plural.
std::string unit_word(const std::string& count, const std::string& unit) {
  if (count == "1" && !unit.empty() && unit.back() == 's') return unit.substr(0, unit.size() - 1);
  return unit;
}

// Prefixes after which a broken `if` or `and` chain stays on the same line.
// An operation other than `and`/`or`/`??` (arithmetic, `of`, a comparison): broken, when too
// long, before its operators, several operands to a line.
bool is_operation(const ast::Expr& e) { return e.kind == ExprKind::Binary && !is_chain(e) && e.lhs && e.rhs; }

bool keyword_prefix(const std::string& p) {
  return p.empty() || p == "if " || p == "then " || p == "else " || p == "else if " || p == "and " || p == "or " ||
         p == "?? ";
}

std::string rstrip(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

std::string ExprPrinter::quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out.push_back(c);
    }
  }
  return out + "\"";
}

std::string ExprPrinter::literal(const ast::Expr& e) {
  switch (e.lit) {
    case ast::LitKind::Integer:
    case ast::LitKind::Decimal:
    case ast::LitKind::Date:
    case ast::LitKind::DateTime: return e.text;
    case ast::LitKind::Percent: return e.text + "%";
    case ast::LitKind::Money: return e.text + " " + e.unit;
    case ast::LitKind::Text: return quote(e.text);
    case ast::LitKind::Bool: return e.text == "true" ? "true" : "false";
    case ast::LitKind::None: return "none";
    case ast::LitKind::Duration:
    case ast::LitKind::Period: return e.text + " " + unit_word(e.text, e.unit);
    case ast::LitKind::BusinessDuration: return e.text + " business " + unit_word(e.text, e.unit);
    case ast::LitKind::Zone: return "zone " + quote(e.text);
    case ast::LitKind::Always: return "24x7";
  }
  return e.text;
}

std::string ExprPrinter::fields_flat(const std::vector<ast::FieldInit>& fields) {
  if (fields.empty()) return "{}";
  std::string s = "{ ";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) s += ", ";
    s += fields[i].name.text + ": " + (fields[i].value ? flat(*fields[i].value) : (broken_ = true, ""));
  }
  return s + " }";
}

std::string ExprPrinter::condition(const ast::Condition& c, bool in_table) {
  auto values = [&](const char* separator) {
    std::string s;
    for (size_t i = 0; i < c.values.size(); ++i) {
      if (i) s += separator;
      if (c.values[i]) {
        s += flat(*c.values[i]);
      } else {
        broken_ = true;
      }
    }
    return s;
  };
  switch (c.kind) {
    case ast::Condition::Kind::Any: return in_table ? "-" : "else";
    case ast::Condition::Kind::OneOf: return values(in_table ? ", " : " | ");
    case ast::Condition::Kind::Range:
      if (c.values.size() != 2) broken_ = true;
      return values(c.half_open ? "..<" : "..");
    case ast::Condition::Kind::Compare: return std::string(op_text(c.op)) + " " + values(", ");
    case ast::Condition::Kind::Not: return "not " + values(", ");
  }
  return "";
}

std::string ExprPrinter::type(const ast::TypeExpr& t) {
  auto sub = [&](const ast::TypeExprPtr& p) { return p ? type(*p) : (broken_ = true, std::string()); };
  switch (t.kind) {
    case ast::TypeExpr::Kind::Named: {
      std::string s = t.name.text;
      if (t.has_range) s += " " + t.range_lo.value_or("") + ".." + t.range_hi.value_or("");
      return s;
    }
    case ast::TypeExpr::Kind::List:
      if (t.elem && t.elem->kind == ast::TypeExpr::Kind::Optional) return "list of (" + sub(t.elem) + ")";
      return "list of " + sub(t.elem);
    case ast::TypeExpr::Kind::Optional:
      // `(list of T)?` although `list of T?` means the same: the reader need not know that.
      if (t.elem && (t.elem->kind == ast::TypeExpr::Kind::Optional || t.elem->kind == ast::TypeExpr::Kind::List)) {
        return "(" + sub(t.elem) + ")?";
      }
      return sub(t.elem) + "?";
    case ast::TypeExpr::Kind::Record: {
      std::string s = "{ ";
      for (size_t i = 0; i < t.fields.size(); ++i)
        s += (i ? ", " : "") + t.fields[i].name.text + ": " + sub(t.fields[i].type);
      return s + " }";
    }
  }
  return "";
}

std::string ExprPrinter::flat(const ast::Expr& e, Context ctx) {
  const bool parens = needs_parens(e, ctx);
  const bool ro = parens ? true : ctx.right_open;
  auto sub = [&](const ast::ExprPtr& p, Context c) { return p ? flat(*p, c) : (broken_ = true, std::string()); };
  auto list = [&](const std::vector<ast::ExprPtr>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + sub(v[i], {});
    return s;
  };
  std::string s;
  switch (e.kind) {
    case ExprKind::Literal: s = literal(e); break;
    case ExprKind::Name: s = e.name.text; break;
    case ExprKind::Field: s = sub(e.operand, {kPostfix, false}) + "." + e.name.text; break;
    case ExprKind::Unary:
      switch (e.unary_op) {
        case UnaryOp::Not: s = "not " + sub(e.operand, {kNot, ro}); break;
        case UnaryOp::Neg: {
          std::string operand = sub(e.operand, {kNeg, ro});
          s = (!operand.empty() && operand[0] == '-' ? "- " : "-") + operand;  // `--` would start a comment
          break;
        }
        case UnaryOp::IsPresent: s = sub(e.operand, {kCompare, false}) + " is present"; break;
        case UnaryOp::IsNone: s = sub(e.operand, {kCompare, false}) + " is none"; break;
      }
      break;
    case ExprKind::Binary: {
      int l = level(e);
      s = sub(e.lhs, {l, false}) + " " + op_text(e.binary_op) + " " + sub(e.rhs, {l + 1, ro});
      break;
    }
    case ExprKind::Call: s = e.name.text + "(" + list(e.args) + ")"; break;
    case ExprKind::If:
      s = "if " + sub(e.cond, {}) + " then " + sub(e.then_branch, {}) + " else " + sub(e.else_branch, {0, ro});
      break;
    case ExprKind::Match: {
      s = "match " + sub(e.operand, {}) + " {";
      for (size_t i = 0; i < e.arms.size(); ++i) {
        s += (i ? ", " : " ") + condition(e.arms[i].pattern, false) + " => " + sub(e.arms[i].body, {});
      }
      s += e.arms.empty() ? "}" : " }";
      break;
    }
    case ExprKind::List: s = "[" + list(e.args) + "]"; break;
    case ExprKind::Record: s = fields_flat(e.fields); break;
    case ExprKind::With: s = sub(e.operand, {kPostfix, false}) + " with " + fields_flat(e.fields); break;
    case ExprKind::Aggregate:
      s = e.name.text + " " + e.var.text + " in " + sub(e.operand, {});
      for (size_t i = 0; i < e.items.size(); ++i) {
        // A condition is followed by `,` or `:`: an open-ended one (`if`, an aggregation) needs
        // parentheses except at the very end of a bodiless aggregation.
        const bool end = i + 1 == e.items.size() && !e.body;
        s += (i ? ", " : " excluding ") + sub(e.items[i].value, {}) + " when " + sub(e.items[i].when, {0, end && ro});
      }
      if (e.body || e.items.empty()) s += ": " + sub(e.body, {0, ro});
      break;
    case ExprKind::Collect: {
      s = "collect {";
      for (size_t i = 0; i < e.items.size(); ++i) {
        s += (i ? ", " : " ") + sub(e.items[i].value, {}) + " when " + sub(e.items[i].when, {});
      }
      s += e.items.empty() ? "}" : " }";
      break;
    }
    case ExprKind::Paren: s = "(" + sub(e.operand, {}) + ")"; break;
    case ExprKind::Pausing:
      s = sub(e.operand, {kAdd, false}) + " pausing " + (e.args.empty() ? "" : sub(e.args[0], {kAdd, false}));
      if (e.args.size() > 1) s += " as of " + sub(e.args[1], {kAdd, ro});
      break;
  }
  return parens ? "(" + s + ")" : s;
}

bool ExprPrinter::bracketed(const ast::Expr& e) {
  switch (e.kind) {
    case ExprKind::Match:
    case ExprKind::Record:
    case ExprKind::With:
    case ExprKind::List:
    case ExprKind::Collect: return true;
    case ExprKind::Paren:
      return e.operand && (e.operand->kind == ExprKind::If || is_chain(*e.operand) || is_operation(*e.operand) ||
                           bracketed(*e.operand));
    default: return false;
  }
}

void ExprPrinter::emit(const ast::Expr& e, int indent, const std::string& prefix, const std::string& suffix,
                       int64_t first, Context ctx, int cont) {
  const int64_t anchor = first != kNoAnchor ? first : e.span.begin;
  const std::string f = flat(e, ctx);
  const bool always_break = e.kind == ExprKind::Match && !e.arms.empty();
  // A call is broken inside its parentheses only when even its own line is too short, so it
  // does not open on the line of a `decision ... =` as the bracketed kinds do.
  const bool call = e.kind == ExprKind::Call && !e.args.empty();
  const bool excluding = e.kind == ExprKind::Aggregate && !e.items.empty();
  const bool breakable = e.kind == ExprKind::If || is_chain(e) || is_operation(e) || call || excluding || bracketed(e);
  if (needs_parens(e, ctx) || !breakable ||
      (!always_break && fits(indent, prefix.size() + f.size() + suffix.size()) && !has_comment(e.span))) {
    out_->add(indent, prefix + f + suffix, anchor, e.span.end);
    return;
  }
  if ((e.kind == ExprKind::If || is_chain(e)) && !keyword_prefix(prefix)) {
    // `NAME =>` or `field:` on its own line, the broken expression below it.
    out_->add(indent, rstrip(prefix), anchor, kNoAnchor);
    emit(e, indent + 2, "", suffix, kNoAnchor, ctx);
    return;
  }
  if (e.kind == ExprKind::If) {
    emit_if(e, indent, prefix, suffix, anchor, ctx);
  } else if (excluding) {
    emit_excluding(e, indent, prefix, suffix, anchor, ctx);
  } else if (is_chain(e)) {
    emit_chain(e, indent, prefix, suffix, anchor, ctx, cont);
  } else if (is_operation(e)) {
    emit_operation(e, indent, prefix, suffix, anchor, ctx, cont);
  } else {
    emit_bracketed(e, indent, prefix, suffix, anchor);
  }
}

void ExprPrinter::emit_if(const ast::Expr& e, int indent, const std::string& prefix, const std::string& suffix,
                          int64_t first, Context ctx) {
  const ast::Expr* cur = &e;
  std::string kw = prefix + "if ";
  int64_t anchor = first;
  while (true) {
    if (!cur->cond || !cur->then_branch || !cur->else_branch) {
      broken_ = true;
      return;
    }
    const ast::Expr& cond = *cur->cond;
    const ast::Expr& then = *cur->then_branch;
    const std::string head = kw + flat(cond) + " then ";
    const std::string tf = flat(then);
    const bool quiet = !has_comment({cond.span.begin, then.span.end});
    if (quiet && fits(indent, head.size() + tf.size()) && then.kind != ExprKind::Match) {
      out_->add(indent, head + tf, anchor, then.span.end);
    } else if (bracketed(then) && !has_comment(cond.span) && fits(indent, head.size() + 1)) {
      emit(then, indent, head, "", anchor);
    } else {
      emit(cond, indent, kw, "", anchor, {}, indent + static_cast<int>(kw.size()));
      emit(then, indent, "then ", "", then.span.begin, {}, indent + 5);
    }
    const ast::Expr& other = *cur->else_branch;
    if (other.kind == ExprKind::If) {
      cur = &other;
      kw = "else if ";
      anchor = other.span.begin;
      continue;
    }
    emit(other, indent, "else ", suffix, other.span.begin, {0, ctx.right_open}, indent + 5);
    return;
  }
}

// An aggregation with exclusions, too long for one line: the head, then the exclusions
// aligned under each other, then the body:
//   sum i in month.incidents
//     excluding "2(a)" when i.cause == ScheduledMaintenance,
//               "2(b)" when i.cause == CustomerAction:
//     i.until - i.from
void ExprPrinter::emit_excluding(const ast::Expr& e, int indent, const std::string& prefix, const std::string& suffix,
                                 int64_t first, Context ctx) {
  if (!e.operand) {
    broken_ = true;
    return;
  }
  const int inner = indent + 2;
  emit(*e.operand, indent, prefix + e.name.text + " " + e.var.text + " in ", "", first, {}, indent);
  size_t width = 0;
  for (const ast::CollectItem& item : e.items) width = std::max(width, item.value ? flat(*item.value).size() : 0);
  for (size_t i = 0; i < e.items.size(); ++i) {
    const ast::CollectItem& item = e.items[i];
    if (!item.value || !item.when) {
      broken_ = true;
      continue;
    }
    const bool last = i + 1 == e.items.size();
    std::string clause = flat(*item.value);
    clause.resize(std::max(clause.size(), width), ' ');
    const std::string lead = (i == 0 ? "excluding " : "          ") + clause + " when ";
    const std::string end = !last ? "," : e.body ? ":" : suffix;
    emit(*item.when, inner, lead, end, item.span.begin, {0, last && !e.body && ctx.right_open},
         inner + static_cast<int>(lead.size()));
  }
  if (e.body) emit(*e.body, inner, "", suffix, e.body->span.begin, {0, ctx.right_open}, inner);
}

void ExprPrinter::emit_chain(const ast::Expr& e, int indent, const std::string& prefix, const std::string& suffix,
                             int64_t first, Context ctx, int cont) {
  std::vector<const ast::Expr*> operands;
  const ast::Expr* cur = &e;
  while (cur->kind == ExprKind::Binary && cur->binary_op == e.binary_op && cur->lhs && cur->rhs) {
    operands.push_back(cur->rhs.get());
    cur = cur->lhs.get();
  }
  operands.push_back(cur);
  std::reverse(operands.begin(), operands.end());
  const int l = level(e);
  const int c = cont >= 0 ? cont : indent;
  const std::string op = std::string(op_text(e.binary_op)) + " ";
  emit(*operands[0], indent, prefix, "", first, {l, false}, c);
  for (size_t i = 1; i < operands.size(); ++i) {
    const bool last = i + 1 == operands.size();
    emit(*operands[i], c, op, last ? suffix : "", operands[i]->span.begin, {l + 1, last && ctx.right_open}, c);
  }
}

void ExprPrinter::emit_operation(const ast::Expr& e, int indent, const std::string& prefix, const std::string& suffix,
                                 int64_t first, Context ctx, int cont) {
  // The operands of the operators of e's level, left to right (`a + b - c` is a, + b, - c).
  const int l = level(e);
  std::vector<std::pair<const char*, const ast::Expr*>> parts;
  const ast::Expr* cur = &e;
  while (is_operation(*cur) && level(*cur) == l && !needs_parens(*cur, {l, false})) {
    parts.push_back({op_text(cur->binary_op), cur->rhs.get()});
    cur = cur->lhs.get();
  }
  parts.push_back({nullptr, cur});
  std::reverse(parts.begin(), parts.end());
  // Continuation lines start with the operator, indented under the first operand.
  const int c = (cont >= 0 ? cont : indent) + 2;
  const bool commented = has_comment(e.span);  // then one operand per line, so comments keep their place
  std::string line = prefix;
  int line_indent = indent;
  int64_t line_first = first, line_last = kNoAnchor;
  auto flush = [&] {
    if (line_last != kNoAnchor) out_->add(line_indent, line, line_first, line_last);
    line_last = kNoAnchor;
  };
  for (size_t i = 0; i < parts.size(); ++i) {
    const ast::Expr& operand = *parts[i].second;
    const bool last = i + 1 == parts.size();
    const Context octx = i == 0 ? Context{l, false} : Context{l + 1, last && ctx.right_open};
    const std::string op = parts[i].first ? std::string(parts[i].first) + " " : std::string();
    const std::string text = flat(operand, octx);
    const std::string end = last ? suffix : "";
    if (i == 0) {
      if (fits(indent, line.size() + text.size() + end.size()) && !has_comment(operand.span)) {
        line += text + end;
        line_last = operand.span.end;
      } else {
        emit(operand, indent, prefix, end, first, octx, cont);  // too long on its own: broken
      }
      continue;
    }
    if (line_last != kNoAnchor && !commented &&
        fits(line_indent, line.size() + 1 + op.size() + text.size() + end.size())) {
      line += " " + op + text + end;
      line_last = operand.span.end;
      continue;
    }
    flush();
    if (!fits(c, op.size() + text.size() + end.size()) || has_comment(operand.span)) {
      emit(operand, c, op, end, operand.span.begin, octx, c);
      continue;
    }
    line = op + text + end;
    line_indent = c;
    line_first = operand.span.begin;
    line_last = operand.span.end;
  }
  flush();
}

void ExprPrinter::emit_bracketed(const ast::Expr& e, int indent, const std::string& prefix, const std::string& suffix,
                                 int64_t first) {
  const int inner = indent + 2;
  const int64_t close_first = e.span.end > 0 ? e.span.end - 1 : kNoAnchor;
  auto close = [&](const char* bracket) { out_->add(indent, bracket + suffix, close_first, e.span.end); };
  auto fields = [&](const std::vector<ast::FieldInit>& fs) {
    for (const ast::FieldInit& f : fs) {
      if (!f.value) {
        broken_ = true;
        continue;
      }
      emit(*f.value, inner, f.name.text + ": ", ",", f.name.span.begin);
    }
  };
  switch (e.kind) {
    case ExprKind::Match:
      out_->add(indent, prefix + "match " + (e.operand ? flat(*e.operand) : "") + " {", first,
                e.operand ? int64_t{e.operand->span.end} : kNoAnchor);
      for (const ast::MatchArm& arm : e.arms) {
        if (!arm.body) {
          broken_ = true;
          continue;
        }
        emit(*arm.body, inner, condition(arm.pattern, false) + " => ", ",", arm.span.begin);
      }
      close("}");
      return;
    case ExprKind::Record:
      out_->add(indent, prefix + "{", first, e.span.begin + 1);
      fields(e.fields);
      close("}");
      return;
    case ExprKind::With:
      out_->add(indent, prefix + (e.operand ? flat(*e.operand, {kPostfix, false}) : "") + " with {", first,
                e.operand ? int64_t{e.operand->span.end} : kNoAnchor);
      fields(e.fields);
      close("}");
      return;
    case ExprKind::List:
      out_->add(indent, prefix + "[", first, e.span.begin + 1);
      for (const ast::ExprPtr& item : e.args) {
        if (item) emit(*item, inner, "", ",", item->span.begin);
      }
      close("]");
      return;
    case ExprKind::Collect: {
      out_->add(indent, prefix + "collect {", first, kNoAnchor);
      size_t width = 0;
      for (const ast::CollectItem& item : e.items) width = std::max(width, item.value ? flat(*item.value).size() : 0);
      for (const ast::CollectItem& item : e.items) {
        if (!item.value || !item.when) {
          broken_ = true;
          continue;
        }
        std::string value = flat(*item.value);
        value.resize(std::max(value.size(), width), ' ');
        emit(*item.when, inner, value + "  when ", ",", item.span.begin);
      }
      close("}");
      return;
    }
    case ExprKind::Paren:
      out_->add(indent, prefix + "(", first, e.span.begin + 1);
      emit(*e.operand, inner, "", "", e.operand->span.begin);
      close(")");
      return;
    case ExprKind::Call:  // `name(`, one argument per line, `)`
      out_->add(indent, prefix + e.name.text + "(", first, e.name.span.end + 1);
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (e.args[i]) emit(*e.args[i], inner, "", i + 1 < e.args.size() ? "," : "", e.args[i]->span.begin);
      }
      close(")");
      return;
    default: out_->add(indent, prefix + flat(e) + suffix, first, e.span.end); return;
  }
}

}  // namespace proviso::format

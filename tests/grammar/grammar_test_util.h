// Helpers of the grammar and formatter tests: parsing a text, reading test data, and printing
// expressions as s-expressions so that tables of cases can state the tree they expect.
#pragma once
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "compiler/ast/ast.h"
#include "compiler/ast/diagnostic.h"
#include "grammar/parser.h"

namespace proviso::testing {

inline const char* kHeader = "policy t.t \"T\"\n";

inline syntax::ParseResult parse_text(const std::string& text, const std::string& path = "test.policy") {
  return syntax::parse(std::make_shared<SourceFile>(path, text));
}

inline std::string read_file(const std::string& relative) {
  std::ifstream in(std::string(PROVISO_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "line:column: message" of every error, one per line.
inline std::string errors(const syntax::ParseResult& r) {
  std::string out;
  for (const Diagnostic& d : r.diagnostics.items()) {
    if (d.severity != Severity::Error) continue;
    LineCol lc = d.source->line_col(d.span.begin);
    out += std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + d.message + "\n";
  }
  return out;
}

std::string sexpr(const ast::Expr& e);

inline std::string sexpr(const ast::ExprPtr& e) { return e ? sexpr(*e) : "<null>"; }

inline std::string sexpr(const ast::Condition& c) {
  std::string values;
  for (const auto& v : c.values) values += " " + sexpr(v);
  switch (c.kind) {
    case ast::Condition::Kind::Any: return "-";
    case ast::Condition::Kind::OneOf: return "(oneof" + values + ")";
    case ast::Condition::Kind::Range: return "(range" + values + ")";
    case ast::Condition::Kind::Not: return "(notof" + values + ")";
    case ast::Condition::Kind::Compare: {
      static const char* const ops[] = {"+",  "-", "*",  "/",   "of", "==", "!=",     "<",
                                        "<=", ">", ">=", "and", "or", "in", "not in", "??"};
      return std::string("(") + ops[static_cast<int>(c.op)] + values + ")";
    }
  }
  return "?";
}

inline std::string sexpr(const ast::Expr& e) {
  using K = ast::ExprKind;
  static const char* const ops[] = {"+",  "-", "*",  "/",   "of", "==", "!=",     "<",
                                    "<=", ">", ">=", "and", "or", "in", "not in", "??"};
  auto fields = [](const std::vector<ast::FieldInit>& fs) {
    std::string s = "{";
    for (size_t i = 0; i < fs.size(); ++i) s += (i ? ", " : "") + fs[i].name.text + ": " + sexpr(fs[i].value);
    return s + "}";
  };
  switch (e.kind) {
    case K::Literal:
      switch (e.lit) {
        case ast::LitKind::Integer:
        case ast::LitKind::Decimal:
        case ast::LitKind::Bool:
        case ast::LitKind::None: return e.text;
        case ast::LitKind::Percent: return e.text + "%";
        case ast::LitKind::Money: return "money(" + e.text + " " + e.unit + ")";
        case ast::LitKind::Text: return "text(" + e.text + ")";
        case ast::LitKind::Date: return "date(" + e.text + ")";
        case ast::LitKind::DateTime: return "datetime(" + e.text + ")";
        case ast::LitKind::Duration: return "duration(" + e.text + " " + e.unit + ")";
        case ast::LitKind::BusinessDuration: return "business(" + e.text + " " + e.unit + ")";
        case ast::LitKind::Period: return "period(" + e.text + " " + e.unit + ")";
        case ast::LitKind::Zone: return "zone(" + e.text + ")";
        case ast::LitKind::Always: return "24x7";
      }
      return "?";
    case K::Name: return e.name.text;
    case K::Field: return "(. " + sexpr(e.operand) + " " + e.name.text + ")";
    case K::Unary: {
      static const char* const names[] = {"neg", "not", "present", "isnone"};
      return std::string("(") + names[static_cast<int>(e.unary_op)] + " " + sexpr(e.operand) + ")";
    }
    case K::Binary:
      return std::string("(") + ops[static_cast<int>(e.binary_op)] + " " + sexpr(e.lhs) + " " + sexpr(e.rhs) + ")";
    case K::Call: {
      std::string s = "(call " + e.name.text;
      for (const auto& a : e.args) s += " " + sexpr(a);
      return s + ")";
    }
    case K::If: return "(if " + sexpr(e.cond) + " " + sexpr(e.then_branch) + " " + sexpr(e.else_branch) + ")";
    case K::Match: {
      std::string s = "(match " + sexpr(e.operand);
      for (const auto& arm : e.arms) s += " [" + sexpr(arm.pattern) + " => " + sexpr(arm.body) + "]";
      return s + ")";
    }
    case K::List: {
      std::string s = "[";
      for (size_t i = 0; i < e.args.size(); ++i) s += (i ? " " : "") + sexpr(e.args[i]);
      return s + "]";
    }
    case K::Record: return fields(e.fields);
    case K::With: return "(with " + sexpr(e.operand) + " " + fields(e.fields) + ")";
    case K::Aggregate: return "(" + e.name.text + " " + e.var.text + " " + sexpr(e.operand) + " " + sexpr(e.body) + ")";
    case K::Collect: {
      std::string s = "(collect";
      for (const auto& item : e.items) s += " [" + sexpr(item.value) + " when " + sexpr(item.when) + "]";
      return s + ")";
    }
    case K::Paren: return "(paren " + sexpr(e.operand) + ")";
    case K::Pausing: {
      std::string s = "(pausing " + sexpr(e.operand);
      for (const auto& a : e.args) s += " " + sexpr(a);
      return s + ")";
    }
  }
  return "?";
}

// The value of `decision x: integer = <expr>` as an s-expression, or the errors.
inline std::string parse_expr(const std::string& expr) {
  auto r = parse_text(std::string(kHeader) + "decision x: integer = " + expr + "\n");
  if (r.diagnostics.has_errors() || r.module.decls.size() != 1 || !r.module.decls[0].value_decl())
    return "ERROR " + errors(r);
  return sexpr(r.module.decls[0].value_decl()->value);
}

}  // namespace proviso::testing

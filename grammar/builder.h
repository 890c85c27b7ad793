// The parser's state while PEGTL runs the grammar: stacks of partly built nodes (unwound by
// the control when a rule fails, so backtracking leaves nothing behind), the declaration under
// construction, and the diagnostics found so far. No PEGTL types here.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/ast/diagnostic.h"

namespace proviso::syntax {

inline constexpr int kMaxNesting = 200;
inline constexpr size_t kMaxSourceBytes = size_t{8} << 20;
inline constexpr size_t kMaxErrors = 50;

// A syntax error that ends the current declaration (thrown by the control, caught by the
// driver in parser.cpp; never leaves parse()).
struct SyntaxError {
  uint32_t offset = 0;  // where the offending token starts (after white space)
  std::string message;
  bool has_span = false;  // use `span` rather than the token at `offset`
  Span span;
};

// A text literal or a number as written, waiting for the rule that uses it.
struct TextToken {
  std::string text;
  Span span;
  int tag = 0;
};

struct PrefixOp {
  Span span;
  ast::UnaryOp op;
};

class Builder {
 public:
  Builder(const SourcePtr& source, ast::Module* module, Diagnostics* diags);

  // ---- positions ----
  uint32_t offset(const char* p) const { return static_cast<uint32_t>(p - base_); }
  // The span of [b, e) without the white space and comments it starts with.
  Span trimmed(const char* b, const char* e) const;
  std::string_view text(Span s) const { return {base_ + s.begin, s.size()}; }
  const char* base() const { return base_; }
  const char* end() const { return end_; }

  // ---- stacks ----
  std::vector<ast::ExprPtr> exprs;
  std::vector<ast::TypeExprPtr> types;
  std::vector<ast::Condition> conds;
  std::vector<ast::MatchArm> arms;
  std::vector<ast::FieldInit> inits;
  std::vector<ast::CollectItem> items;
  std::vector<ast::FieldDecl> fields;
  std::vector<ast::Ident> idents;
  std::vector<TextToken> texts;
  std::vector<PrefixOp> prefixes;

  void push_mark();
  void pop_mark();
  void restore_mark();
  void reset();  // before each declaration: empty stacks, no marks, depth 0

  ast::ExprPtr pop_expr();
  ast::TypeExprPtr pop_type();
  ast::Ident pop_ident();
  TextToken pop_text();
  void push_expr(ast::ExprPtr e) { exprs.push_back(std::move(e)); }

  // The trailing elements of `v` that start at or after `from`: what the current rule built.
  template <typename T, typename Begin>
  static std::vector<T> take_from(std::vector<T>& v, uint32_t from, Begin begin_of) {
    size_t k = v.size();
    while (k > 0 && begin_of(v[k - 1]) >= from) --k;
    std::vector<T> out(std::make_move_iterator(v.begin() + k), std::make_move_iterator(v.end()));
    v.erase(v.begin() + k, v.end());
    return out;
  }
  std::vector<ast::ExprPtr> take_exprs(uint32_t from);

  int depth = 0;           // nesting of expressions and types
  uint32_t text_open = 0;  // where the last text literal opened

  // ---- the header and the declaration under construction ----
  ast::Module& module() { return *module_; }
  ast::Header& header() { return module_->header; }
  void start_decl(ast::DeclKind kind, uint32_t begin);
  ast::Decl& decl() { return decl_; }
  void set_decl_name(ast::Ident name);
  void set_clause(ast::Clause clause);
  void finish_decl(uint32_t end);
  ast::HoursLine line;           // calendar line under construction
  int32_t range_from = 0;        // start of the working-hours range being read
  ast::HolidayRuleDecl rule;     // holiday rule under construction
  int easter_sign = 1;

  // ---- diagnostics ----
  void error(Span span, std::string message);
  [[noreturn]] void fail(uint32_t offset, std::string message) const;
  [[noreturn]] void fail(Span span, std::string message) const;
  const SourcePtr& source() const { return source_; }

 private:
  struct Mark {
    uint32_t exprs, types, conds, arms, inits, items, fields, idents, texts, prefixes;
  };
  SourcePtr source_;
  const char* base_;
  const char* end_;
  ast::Module* module_;
  Diagnostics* diags_;
  std::vector<Mark> marks_;
  ast::Decl decl_{};
};

}  // namespace proviso::syntax

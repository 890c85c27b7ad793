// The parser's state while PEGTL runs the grammar: stacks of partly built nodes (unwound by
// the control when a rule fails, so backtracking leaves nothing behind), the declaration under
// construction, and the diagnostics found so far. No PEGTL types here.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/ast/diagnostic.h"

namespace proviso::syntax {

inline constexpr int kMaxNesting = 200;
inline constexpr size_t kMaxSourceBytes = size_t{8} << 20;
inline constexpr size_t kMaxErrors = 50;
// Limits on the trees themselves, so that the passes after the parser (which recurse, and
// destroy trees recursively) never meet a tree deeper or larger than these.
inline constexpr uint32_t kMaxTreeDepth = 1000;
inline constexpr size_t kMaxExpressions = 500000;

// A syntax error that ends the current declaration (thrown by the control, caught by the
// driver in parser.cpp; never leaves parse()).
struct SyntaxError {
  uint32_t offset = 0;  // where the offending token starts (after white space)
  Code code = Code::Syntax;
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

  // Called by the control around every rule; inline because they run for each rule tried.
  // A mark is the version of the stacks when its rule started; their sizes then are noted
  // only when an action is about to change them (touch()), since most rules end before any
  // action runs: the sizes of every mark pushed since the last action are the current ones.
  // The marks are marks_[0, open_marks_): a stack that keeps its storage, grown rarely.
  void push_mark() {
    if (open_marks_ == marks_.size()) marks_.resize(marks_.size() * 2 + 64);
    marks_[open_marks_++] = version_;
  }
  void pop_mark() {
    if (open_marks_ == 0) return;
    --open_marks_;
    noted_ = std::min(noted_, open_marks_);
  }
  void restore_mark() {
    if (open_marks_ == 0) return;
    const uint32_t version = marks_[--open_marks_];
    noted_ = std::min(noted_, open_marks_);
    // Something was pushed or popped since: then touch() noted the sizes of this mark.
    if (version != version_) truncate(sizes_at_[open_marks_]);
  }
  // INVARIANT: called before every action (the control does).
  void touch() {
    if (noted_ < open_marks_) note_sizes();
    ++version_;
  }
  void reset();  // before each declaration: empty stacks, no marks, depth 0

  ast::ExprPtr pop_expr();
  // Where the expression on top of the stack starts (0 when the stack is empty).
  uint32_t top_expr_begin() const { return exprs.empty() || !exprs.back() ? 0 : exprs.back()->span.begin; }
  ast::TypeExprPtr pop_type();
  ast::Ident pop_ident();
  TextToken pop_text();
  // Pushes a finished node; fails when the tree gets too deep or the file too large.
  void push_expr(ast::ExprPtr e);

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
  const ast::Module& module() const { return *module_; }
  ast::Header& header() { return module_->header; }
  void start_decl(ast::DeclKind kind, uint32_t begin);
  ast::Decl& decl() { return decl_; }
  void set_decl_name(ast::Ident name);
  void set_clause(ast::Clause clause);
  void finish_decl(uint32_t end);
  ast::HoursLine line;        // calendar line under construction
  int32_t range_from = 0;     // start of the working-hours range being read
  ast::HolidayRuleDecl rule;  // holiday rule under construction
  int easter_sign = 1;
  bool sunday_only = false;                       // `substitute next weekday if Sunday`
  std::vector<std::pair<int32_t, int32_t>> open;  // `open HH:MM-HH:MM` of a partial day
  Span open_span;

  // ---- diagnostics ----
  Diagnostic& error(Span span, Code code, std::string message);
  [[noreturn]] void fail(uint32_t offset, Code code, std::string message) const;
  [[noreturn]] void fail(Span span, Code code, std::string message) const;
  const SourcePtr& source() const { return source_; }

 private:
  using Sizes = std::array<uint32_t, 10>;
  Sizes sizes() const {
    return {static_cast<uint32_t>(exprs.size()),  static_cast<uint32_t>(types.size()),
            static_cast<uint32_t>(conds.size()),  static_cast<uint32_t>(arms.size()),
            static_cast<uint32_t>(inits.size()),  static_cast<uint32_t>(items.size()),
            static_cast<uint32_t>(fields.size()), static_cast<uint32_t>(idents.size()),
            static_cast<uint32_t>(texts.size()),  static_cast<uint32_t>(prefixes.size())};
  }
  void truncate(const Sizes& sizes);
  void note_sizes();
  uint32_t version_ = 0;
  SourcePtr source_;
  const char* base_;
  const char* end_;
  ast::Module* module_;
  Diagnostics* diags_;
  std::vector<uint32_t> marks_;  // the version of the stacks at each open mark: marks_[0, open_marks_)
  size_t open_marks_ = 0;        // (not `depth`, the nesting of expressions)
  std::vector<Sizes> sizes_at_;  // their sizes at marks_[i], for i < noted_
  size_t noted_ = 0;
  std::unordered_map<const ast::Expr*, uint32_t> tree_depth_;  // of every node pushed so far
  size_t expressions_ = 0;
  ast::Decl decl_{};
};

}  // namespace proviso::syntax

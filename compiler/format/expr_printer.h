// Printing expressions, types and conditions: on one line with the fewest parentheses that keep
// the tree (the user's own parentheses are `Paren` nodes and always kept), or laid out over
// several lines: `if`/`then`/`else` lines, one `and`/`or` operand per line, other operations
// broken before an operator with as many operands on a line as fit, one match arm, record
// field, list element, call argument or collected item per line.
#pragma once
#include <string>

#include "compiler/ast/ast.h"
#include "compiler/format/lines.h"

namespace proviso::format {

inline constexpr size_t kWidth = 96;  // the longest line fmt writes, indentation included

// Where an expression stands: the loosest operator it may show without parentheses, and
// whether nothing follows it that an open-ended `if`/aggregation would swallow.
struct Context {
  int min_level = 0;
  bool right_open = true;
};

class ExprPrinter {
 public:
  ExprPrinter(Lines* out, const CommentIndex& comments) : out_(out), comments_(comments) {}
  void set_output(Lines* out) { out_ = out; }

  std::string flat(const ast::Expr& e, Context ctx = {});
  std::string type(const ast::TypeExpr& t);
  std::string condition(const ast::Condition& c, bool in_table);  // a table cell or a match pattern
  static std::string quote(const std::string& text);

  // Emits `prefix` + e + `suffix` starting a new line at `indent`; continuation lines of
  // `and`/`or` chains go to `cont` (or indent when negative). `first` anchors the first line
  // (the code of `prefix`), or e's own start when kNoAnchor.
  void emit(const ast::Expr& e, int indent, const std::string& prefix, const std::string& suffix, int64_t first,
            Context ctx = {}, int cont = -1);

  // Kinds that open with a bracket on the current line and close at its indentation.
  static bool bracketed(const ast::Expr& e);
  bool fits(int indent, size_t width) const { return indent + width <= kWidth; }
  bool has_comment(Span span) const { return comments_.inside(span); }
  // Whether the printer met a tree it cannot print (a missing child).
  bool broken() const { return broken_; }

 private:
  void emit_if(const ast::Expr& e, int indent, const std::string& prefix, const std::string& suffix, int64_t first,
               Context ctx);
  void emit_excluding(const ast::Expr& e, int indent, const std::string& prefix, const std::string& suffix,
                      int64_t first, Context ctx);
  void emit_chain(const ast::Expr& e, int indent, const std::string& prefix, const std::string& suffix, int64_t first,
                  Context ctx, int cont);
  void emit_operation(const ast::Expr& e, int indent, const std::string& prefix, const std::string& suffix,
                      int64_t first, Context ctx, int cont);
  void emit_bracketed(const ast::Expr& e, int indent, const std::string& prefix, const std::string& suffix,
                      int64_t first);
  std::string literal(const ast::Expr& e);
  std::string fields_flat(const std::vector<ast::FieldInit>& fields);

  Lines* out_;
  const CommentIndex& comments_;
  bool broken_ = false;
};

}  // namespace proviso::format

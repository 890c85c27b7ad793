// The parser's stacks, marks and declaration bookkeeping.
#include "grammar/builder.h"

#include "grammar/lexical.h"

#include <algorithm>

namespace proviso::syntax {

Builder::Builder(const SourcePtr& source, ast::Module* module, Diagnostics* diags)
    : source_(source), base_(source->text().data()), end_(source->text().data() + source->text().size()),
      module_(module), diags_(diags) {}

Span Builder::trimmed(const char* b, const char* e) const {
  const char* p = skip_blank_and_comments(b, e);
  return {offset(p), offset(e)};
}

namespace {
template <typename T>
void cut(std::vector<T>& v, uint32_t n) {
  if (v.size() > n) v.erase(v.begin() + n, v.end());
}
}  // namespace

void Builder::truncate(const Sizes& m) {
  cut(exprs, m[0]);
  cut(types, m[1]);
  cut(conds, m[2]);
  cut(arms, m[3]);
  cut(inits, m[4]);
  cut(items, m[5]);
  cut(fields, m[6]);
  cut(idents, m[7]);
  cut(texts, m[8]);
  cut(prefixes, m[9]);
}

void Builder::note_sizes() {
  if (sizes_at_.size() < open_marks_) sizes_at_.resize(marks_.size());
  std::fill(sizes_at_.begin() + static_cast<std::ptrdiff_t>(noted_),
            sizes_at_.begin() + static_cast<std::ptrdiff_t>(open_marks_), sizes());
  noted_ = open_marks_;
}

void Builder::reset() {
  exprs.clear();
  types.clear();
  conds.clear();
  arms.clear();
  inits.clear();
  items.clear();
  fields.clear();
  idents.clear();
  texts.clear();
  prefixes.clear();
  open_marks_ = 0;
  noted_ = 0;
  depth = 0;
  decl_ = ast::Decl{};
}

// The pops below are guarded: a grammar rule that forgot to push would otherwise be
// undefined behaviour. INVARIANT: with a correct grammar the guards never fire.
ast::ExprPtr Builder::pop_expr() {
  if (exprs.empty()) fail(0u, Code::Internal, "internal parser error: missing expression");
  ast::ExprPtr e = std::move(exprs.back());
  exprs.pop_back();
  return e;
}

ast::TypeExprPtr Builder::pop_type() {
  if (types.empty()) fail(0u, Code::Internal, "internal parser error: missing type");
  ast::TypeExprPtr t = std::move(types.back());
  types.pop_back();
  return t;
}

ast::Ident Builder::pop_ident() {
  if (idents.empty()) fail(0u, Code::Internal, "internal parser error: missing name");
  ast::Ident i = std::move(idents.back());
  idents.pop_back();
  return i;
}

TextToken Builder::pop_text() {
  if (texts.empty()) fail(0u, Code::Internal, "internal parser error: missing text");
  TextToken t = std::move(texts.back());
  texts.pop_back();
  return t;
}

void Builder::push_expr(ast::ExprPtr e) {
  if (++expressions_ > kMaxExpressions) {
    fail(e->span.begin, Code::FileTooLarge,
         "the file has too many expressions (limit " + std::to_string(kMaxExpressions) + ")");
  }
  uint32_t deepest = 0;
  auto see = [&](const ast::ExprPtr& child) {
    if (!child) return;
    auto it = tree_depth_.find(child.get());
    deepest = std::max(deepest, it == tree_depth_.end() ? 1u : it->second);
  };
  see(e->operand);
  see(e->lhs);
  see(e->rhs);
  see(e->cond);
  see(e->then_branch);
  see(e->else_branch);
  see(e->body);
  for (const auto& a : e->args) see(a);
  for (const auto& arm : e->arms) {
    see(arm.body);
    for (const auto& v : arm.pattern.values) see(v);
  }
  for (const auto& f : e->fields) see(f.value);
  for (const auto& item : e->items) {
    see(item.value);
    see(item.when);
  }
  if (deepest + 1 > kMaxTreeDepth) {
    fail(e->span.begin, Code::NestingTooDeep,
         "the expression is too long or too deeply nested (limit " + std::to_string(kMaxTreeDepth) +
             " levels): split it with `let`");
  }
  tree_depth_[e.get()] = deepest + 1;
  exprs.push_back(std::move(e));
}

std::vector<ast::ExprPtr> Builder::take_exprs(uint32_t from) {
  return take_from(exprs, from, [](const ast::ExprPtr& e) { return e->span.begin; });
}

void Builder::start_decl(ast::DeclKind kind, uint32_t begin) { decl_ = ast::Decl::of_kind(kind, {begin, begin}); }

void Builder::set_decl_name(ast::Ident name) {
  switch (decl_.kind()) {
    case ast::DeclKind::Enum: decl_.enum_decl()->name = std::move(name); break;
    case ast::DeclKind::Record: decl_.record_decl()->name = std::move(name); break;
    case ast::DeclKind::Input: decl_.input_decl()->name = std::move(name); break;
    case ast::DeclKind::Value: decl_.value_decl()->name = std::move(name); break;
    case ast::DeclKind::Calendar: decl_.calendar_decl()->name = std::move(name); break;
    case ast::DeclKind::Schedule: decl_.schedule_decl()->name = std::move(name); break;
    case ast::DeclKind::Holidays: decl_.holidays_decl()->name = std::move(name); break;
    case ast::DeclKind::Table: decl_.table_decl()->name = std::move(name); break;
    case ast::DeclKind::Exclusions: decl_.exclusions_decl()->name = std::move(name); break;
    case ast::DeclKind::Fixture: decl_.fixture_decl()->name = std::move(name); break;
    case ast::DeclKind::Import:
    case ast::DeclKind::Test: break;
  }
}

void Builder::set_clause(ast::Clause clause) {
  switch (decl_.kind()) {
    case ast::DeclKind::Value: decl_.value_decl()->clause = std::move(clause); break;
    case ast::DeclKind::Calendar: decl_.calendar_decl()->clause = std::move(clause); break;
    case ast::DeclKind::Schedule: decl_.schedule_decl()->clause = std::move(clause); break;
    case ast::DeclKind::Holidays: decl_.holidays_decl()->clause = std::move(clause); break;
    case ast::DeclKind::Table: decl_.table_decl()->clause = std::move(clause); break;
    case ast::DeclKind::Exclusions: decl_.exclusions_decl()->clause = std::move(clause); break;
    default: break;
  }
}

void Builder::finish_decl(uint32_t end) {
  decl_.span.end = end;
  module_->decls.push_back(std::move(decl_));
  decl_ = ast::Decl{};
}

Diagnostic& Builder::error(Span span, Code code, std::string message) {
  return diags_->error(source_, span, code, std::move(message));
}

void Builder::fail(uint32_t offset, Code code, std::string message) const {
  SyntaxError e;
  e.offset = offset;
  e.code = code;
  e.message = std::move(message);
  throw e;
}

void Builder::fail(Span span, Code code, std::string message) const {
  SyntaxError e;
  e.offset = span.begin;
  e.code = code;
  e.message = std::move(message);
  e.has_span = true;
  e.span = span;
  throw e;
}

}  // namespace proviso::syntax

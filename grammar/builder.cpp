// The parser's stacks, marks and declaration bookkeeping.
#include "grammar/builder.h"

#include "grammar/lexical.h"

namespace proviso::syntax {

Builder::Builder(const SourcePtr& source, ast::Module* module, Diagnostics* diags)
    : source_(source),
      base_(source->text().data()),
      end_(source->text().data() + source->text().size()),
      module_(module),
      diags_(diags) {}

Span Builder::trimmed(const char* b, const char* e) const {
  const char* p = skip_blank_and_comments(b, e);
  return {offset(p), offset(e)};
}

void Builder::push_mark() {
  marks_.push_back({static_cast<uint32_t>(exprs.size()), static_cast<uint32_t>(types.size()),
                    static_cast<uint32_t>(conds.size()), static_cast<uint32_t>(arms.size()),
                    static_cast<uint32_t>(inits.size()), static_cast<uint32_t>(items.size()),
                    static_cast<uint32_t>(fields.size()), static_cast<uint32_t>(idents.size()),
                    static_cast<uint32_t>(texts.size()), static_cast<uint32_t>(prefixes.size())});
}

void Builder::pop_mark() {
  if (!marks_.empty()) marks_.pop_back();
}

namespace {
template <typename T>
void cut(std::vector<T>& v, uint32_t n) {
  if (v.size() > n) v.erase(v.begin() + n, v.end());
}
}  // namespace

void Builder::restore_mark() {
  if (marks_.empty()) return;
  const Mark m = marks_.back();
  marks_.pop_back();
  cut(exprs, m.exprs);
  cut(types, m.types);
  cut(conds, m.conds);
  cut(arms, m.arms);
  cut(inits, m.inits);
  cut(items, m.items);
  cut(fields, m.fields);
  cut(idents, m.idents);
  cut(texts, m.texts);
  cut(prefixes, m.prefixes);
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
  marks_.clear();
  depth = 0;
  decl_ = ast::Decl{};
}

// The pops below are guarded: a grammar rule that forgot to push would otherwise be
// undefined behaviour. INVARIANT: with a correct grammar the guards never fire.
ast::ExprPtr Builder::pop_expr() {
  if (exprs.empty()) fail(0u, "internal parser error: missing expression");
  ast::ExprPtr e = std::move(exprs.back());
  exprs.pop_back();
  return e;
}

ast::TypeExprPtr Builder::pop_type() {
  if (types.empty()) fail(0u, "internal parser error: missing type");
  ast::TypeExprPtr t = std::move(types.back());
  types.pop_back();
  return t;
}

ast::Ident Builder::pop_ident() {
  if (idents.empty()) fail(0u, "internal parser error: missing name");
  ast::Ident i = std::move(idents.back());
  idents.pop_back();
  return i;
}

TextToken Builder::pop_text() {
  if (texts.empty()) fail(0u, "internal parser error: missing text");
  TextToken t = std::move(texts.back());
  texts.pop_back();
  return t;
}

std::vector<ast::ExprPtr> Builder::take_exprs(uint32_t from) {
  return take_from(exprs, from, [](const ast::ExprPtr& e) { return e->span.begin; });
}

void Builder::start_decl(ast::DeclKind kind, uint32_t begin) {
  decl_ = ast::Decl{};
  decl_.kind = kind;
  decl_.span = {begin, begin};
  switch (kind) {
    case ast::DeclKind::Import: decl_.import_decl = std::make_unique<ast::ImportDecl>(); break;
    case ast::DeclKind::Enum: decl_.enum_decl = std::make_unique<ast::EnumDecl>(); break;
    case ast::DeclKind::Record: decl_.record_decl = std::make_unique<ast::RecordDecl>(); break;
    case ast::DeclKind::Input: decl_.input_decl = std::make_unique<ast::InputDecl>(); break;
    case ast::DeclKind::Value: decl_.value_decl = std::make_unique<ast::ValueDecl>(); break;
    case ast::DeclKind::Calendar: decl_.calendar_decl = std::make_unique<ast::CalendarDecl>(); break;
    case ast::DeclKind::Holidays: decl_.holidays_decl = std::make_unique<ast::HolidaysDecl>(); break;
    case ast::DeclKind::Table: decl_.table_decl = std::make_unique<ast::TableDecl>(); break;
    case ast::DeclKind::Exclusions: decl_.exclusions_decl = std::make_unique<ast::ExclusionsDecl>(); break;
    case ast::DeclKind::Fixture: decl_.fixture_decl = std::make_unique<ast::FixtureDecl>(); break;
    case ast::DeclKind::Test: decl_.test_decl = std::make_unique<ast::TestDecl>(); break;
  }
}

void Builder::set_decl_name(ast::Ident name) {
  switch (decl_.kind) {
    case ast::DeclKind::Enum: decl_.enum_decl->name = std::move(name); break;
    case ast::DeclKind::Record: decl_.record_decl->name = std::move(name); break;
    case ast::DeclKind::Input: decl_.input_decl->name = std::move(name); break;
    case ast::DeclKind::Value: decl_.value_decl->name = std::move(name); break;
    case ast::DeclKind::Calendar: decl_.calendar_decl->name = std::move(name); break;
    case ast::DeclKind::Holidays: decl_.holidays_decl->name = std::move(name); break;
    case ast::DeclKind::Table: decl_.table_decl->name = std::move(name); break;
    case ast::DeclKind::Exclusions: decl_.exclusions_decl->name = std::move(name); break;
    case ast::DeclKind::Fixture: decl_.fixture_decl->name = std::move(name); break;
    case ast::DeclKind::Import:
    case ast::DeclKind::Test: break;
  }
}

void Builder::set_clause(ast::Clause clause) {
  switch (decl_.kind) {
    case ast::DeclKind::Value: decl_.value_decl->clause = std::move(clause); break;
    case ast::DeclKind::Calendar: decl_.calendar_decl->clause = std::move(clause); break;
    case ast::DeclKind::Holidays: decl_.holidays_decl->clause = std::move(clause); break;
    case ast::DeclKind::Table: decl_.table_decl->clause = std::move(clause); break;
    case ast::DeclKind::Exclusions: decl_.exclusions_decl->clause = std::move(clause); break;
    default: break;
  }
}

void Builder::finish_decl(uint32_t end) {
  decl_.span.end = end;
  module_->decls.push_back(std::move(decl_));
  decl_ = ast::Decl{};
}

void Builder::error(Span span, std::string message) { diags_->error(source_, span, "syntax", std::move(message)); }

void Builder::fail(uint32_t offset, std::string message) const {
  SyntaxError e;
  e.offset = offset;
  e.message = std::move(message);
  throw e;
}

void Builder::fail(Span span, std::string message) const {
  SyntaxError e;
  e.offset = span.begin;
  e.message = std::move(message);
  e.has_span = true;
  e.span = span;
  throw e;
}

}  // namespace proviso::syntax

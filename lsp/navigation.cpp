// Names: go to definition, references, highlights, rename, and the outline (features.h).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "grammar/parser.h"
#include "lsp/features.h"

namespace proviso::lsp {

namespace {

Json location(const Analysis& a, const LineMap& map, int file, Span span) {
  std::string uri = file_uri(a, file);
  if (uri.empty()) return nullptr;
  if (file == 0) return Json{{"uri", uri}, {"range", map.range(span)}};
  // A module's positions come from its own text.
  LineMap other(a.index.files[static_cast<size_t>(file)]->text(), Encoding::Utf16);
  return Json{{"uri", uri}, {"range", other.range(span)}};
}

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Top-level names share one namespace; inputs have their own, and members, fields, columns
// and locals belong to their owner.
bool is_top_level(sema::EntityKind k) {
  using K = sema::EntityKind;
  return k != K::Member && k != K::Field && k != K::Column && k != K::Local && k != K::Input;
}

}  // namespace

Json definition(const Analysis& a, const LineMap& map, uint32_t offset) {
  int32_t e = a.entity_at(offset);
  if (e < 0) return nullptr;
  const sema::Entity& entity = a.index.entities[static_cast<size_t>(e)];
  if (entity.span.size() == 0) return nullptr;
  return location(a, map, entity.file, entity.span);
}

Json references(const Analysis& a, const LineMap& map, uint32_t offset, bool include_declaration) {
  int32_t e = a.entity_at(offset);
  Json out = Json::array();
  if (e < 0) return out;
  std::set<std::tuple<int, uint32_t, uint32_t>> seen;  // a name checked twice (a fixture per test) once
  for (const sema::Occurrence& o : a.index.occurrences) {
    if (o.entity != e || (o.declaration && !include_declaration)) continue;
    if (!seen.insert({o.file, o.span.begin, o.span.end}).second) continue;
    Json loc = location(a, map, o.file, o.span);
    if (!loc.is_null()) out.push_back(std::move(loc));
  }
  return out;
}

Json document_highlight(const Analysis& a, const LineMap& map, uint32_t offset) {
  int32_t e = a.entity_at(offset);
  Json out = Json::array();
  if (e < 0) return out;
  std::set<uint32_t> seen;
  for (const sema::Occurrence& o : a.index.occurrences) {
    if (o.entity != e || o.file != 0 || !seen.insert(o.span.begin).second) continue;
    out.push_back(Json{{"range", map.range(o.span)}, {"kind", o.declaration ? 3 : 2}});
  }
  return out;
}

Json prepare_rename(const Analysis& a, const LineMap& map, uint32_t offset) {
  Span where;
  int32_t e = a.entity_at(offset, &where);
  if (e < 0) throw RequestError("there is no name here to rename");
  const sema::Entity& entity = a.index.entities[static_cast<size_t>(e)];
  if (entity.file != 0 && file_uri(a, entity.file).empty())
    throw RequestError(fmt::format("`{}` is declared in a standard module and cannot be renamed", entity.name));
  return Json{{"range", map.range(where)}, {"placeholder", entity.name}};
}

Json rename(const Analysis& a, const LineMap& map, uint32_t offset, const std::string& new_name) {
  prepare_rename(a, map, offset);
  int32_t e = a.entity_at(offset);
  const sema::Entity& entity = a.index.entities[static_cast<size_t>(e)];
  if (!is_identifier(new_name) || syntax::is_reserved_word(new_name))
    throw RequestError(
        fmt::format("`{}` is not a name: a name is letters, digits and `_`, not a reserved word", new_name));
  // The new name must not be taken where the old one lives: top-level names share one
  // namespace (inputs have their own), members their enum, fields their record, columns their table.
  for (const sema::Entity& other : a.index.entities) {
    if (other.name != new_name || &other == &entity) continue;
    bool clash = (is_top_level(entity.kind) && is_top_level(other.kind)) ||
                 (other.kind == entity.kind && other.owner == entity.owner && entity.kind != sema::EntityKind::Local);
    if (clash)
      throw RequestError(fmt::format("`{}` is already the name of the {} declared at line {}", new_name,
                                     sema::entity_kind_word(other.kind),
                                     other.file == 0 ? map.position(other.span.begin)["line"].get<int>() + 1 : 0));
  }
  std::map<std::string, Json> edits;
  std::set<std::tuple<int, uint32_t>> seen;
  for (const sema::Occurrence& o : a.index.occurrences) {
    if (o.entity != e || !seen.insert({o.file, o.span.begin}).second) continue;
    Json loc = location(a, map, o.file, o.span);
    if (loc.is_null()) continue;
    edits[loc["uri"].get<std::string>()].push_back(Json{{"range", loc["range"]}, {"newText", new_name}});
  }
  Json changes = Json::object();
  for (auto& [uri, list] : edits) changes[uri] = std::move(list);
  return Json{{"changes", changes}};
}

namespace {

// LSP SymbolKind values.
enum SymbolKind {
  kNamespace = 3,
  kClass = 5,
  kField = 8,
  kEnum = 10,
  kFunction = 12,
  kVariable = 13,
  kConstant = 14,
  kObject = 19,
  kEnumMember = 22,
  kStruct = 23,
  kEvent = 24,
};

Json symbol(const LineMap& map, const std::string& name, const std::string& detail, int kind, Span whole,
            Span selection) {
  if (selection.begin < whole.begin || selection.end > whole.end) selection = {whole.begin, whole.begin};
  return Json{{"name", name.empty() ? std::string("?") : name},
              {"detail", detail},
              {"kind", kind},
              {"range", map.range(whole)},
              {"selectionRange", map.range(selection)},
              {"children", Json::array()}};
}

}  // namespace

Json document_symbols(const Analysis& a, const LineMap& map) {
  Json out = Json::array();
  const ast::Module& m = a.parsed.module;
  std::map<std::string, std::string> types;  // declaration name -> type, from the index
  for (const sema::Entity& e : a.index.entities)
    if (e.file == 0 && e.kind != sema::EntityKind::Member && e.kind != sema::EntityKind::Field &&
        e.kind != sema::EntityKind::Column && e.kind != sema::EntityKind::Local)
      types[e.name] = e.type;
  for (const ast::Decl& d : m.decls) {
    const ast::Ident* name = ast::decl_name(d);
    std::string n = name ? name->text : "";
    Span sel = name ? name->span : Span{d.span.begin, d.span.begin};
    switch (d.kind()) {
      case ast::DeclKind::Import:
        out.push_back(
            symbol(map, d.import_decl()->path.text, "import", kNamespace, d.span, d.import_decl()->path.span));
        break;
      case ast::DeclKind::Enum: {
        Json s = symbol(map, n, "enum", kEnum, d.span, sel);
        for (const ast::Ident& mem : d.enum_decl()->members)
          s["children"].push_back(symbol(map, mem.text, "", kEnumMember, mem.span, mem.span));
        out.push_back(std::move(s));
        break;
      }
      case ast::DeclKind::Record:
      case ast::DeclKind::Input: {
        bool input = d.kind() == ast::DeclKind::Input;
        Json s = symbol(map, n, input ? "input" : "record", kStruct, d.span, sel);
        const std::vector<ast::FieldDecl>* fields = nullptr;
        if (input && d.input_decl()->type && d.input_decl()->type->kind == ast::TypeExpr::Kind::Record)
          fields = &d.input_decl()->type->fields;
        if (!input) fields = &d.record_decl()->fields;
        if (fields)
          for (const ast::FieldDecl& f : *fields) {
            std::string type = f.type ? std::string(a.source->slice(f.type->span)) : "";
            s["children"].push_back(symbol(map, f.name.text, type, kField, f.span, f.name.span));
          }
        out.push_back(std::move(s));
        break;
      }
      case ast::DeclKind::Value: {
        const ast::ValueDecl& v = *d.value_decl();
        int kind = v.kind == ast::ValueDecl::Kind::Decision ? kFunction
                   : v.kind == ast::ValueDecl::Kind::Let    ? kVariable
                                                            : kConstant;
        const char* word = v.kind == ast::ValueDecl::Kind::Decision ? "decision"
                           : v.kind == ast::ValueDecl::Kind::Let    ? "let"
                                                                    : "const";
        std::string detail = word;
        if (auto it = types.find(n); it != types.end() && !it->second.empty()) detail += ": " + it->second;
        out.push_back(symbol(map, n, detail, kind, d.span, sel));
        break;
      }
      case ast::DeclKind::Table: {
        Json s = symbol(map, n, "table", kClass, d.span, sel);
        for (const ast::FieldDecl& g : d.table_decl()->gives) {
          std::string type = g.type ? std::string(a.source->slice(g.type->span)) : "";
          s["children"].push_back(symbol(map, g.name.text, type, kField, g.span, g.name.span));
        }
        out.push_back(std::move(s));
        break;
      }
      case ast::DeclKind::Calendar: out.push_back(symbol(map, n, "calendar", kObject, d.span, sel)); break;
      case ast::DeclKind::Schedule: out.push_back(symbol(map, n, "schedule", kObject, d.span, sel)); break;
      case ast::DeclKind::Holidays: out.push_back(symbol(map, n, "holidays", kObject, d.span, sel)); break;
      case ast::DeclKind::Exclusions: out.push_back(symbol(map, n, "exclusions", kFunction, d.span, sel)); break;
      case ast::DeclKind::Fixture: out.push_back(symbol(map, n, "fixture", kConstant, d.span, sel)); break;
      case ast::DeclKind::Test:
        out.push_back(symbol(map, d.test_decl()->name, "test", kEvent, d.span, d.test_decl()->name_span));
        break;
    }
  }
  return out;
}

}  // namespace proviso::lsp

// The semantic index (index.h): entities by key, occurrences and expression types.
#include "compiler/sema/index.h"

namespace proviso::sema {

const char* entity_kind_word(EntityKind kind) {
  switch (kind) {
    case EntityKind::Input: return "input";
    case EntityKind::Const: return "const";
    case EntityKind::Let: return "let";
    case EntityKind::Decision: return "decision";
    case EntityKind::Exclusions: return "exclusions";
    case EntityKind::Table: return "table";
    case EntityKind::Column: return "table column";
    case EntityKind::Calendar: return "calendar";
    case EntityKind::Schedule: return "schedule";
    case EntityKind::Holidays: return "holidays";
    case EntityKind::Enum: return "enum";
    case EntityKind::Member: return "enum member";
    case EntityKind::Record: return "record";
    case EntityKind::Field: return "field";
    case EntityKind::Fixture: return "fixture";
    case EntityKind::Local: return "variable";
  }
  return "name";
}

namespace {

// Inputs have their own namespace (a decision may share an input's name); every other
// top-level declaration shares one. Members, fields and columns belong to their owner.
std::string key_of(const Entity& e) {
  switch (e.kind) {
    case EntityKind::Input: return "i:" + e.name;
    case EntityKind::Member: return "m:" + e.owner + "." + e.name;
    case EntityKind::Field: return "f:" + e.owner + "." + e.name;
    case EntityKind::Column: return "c:" + e.owner + "." + e.name;
    case EntityKind::Local: return "l:" + e.owner;
    default: return "d:" + e.name;
  }
}

}  // namespace

int32_t SemanticIndex::entity(const Entity& e) {
  auto [it, fresh] = keys_.emplace(key_of(e), static_cast<int32_t>(entities.size()));
  if (fresh) entities.push_back(e);
  return it->second;
}

void SemanticIndex::occurs(int32_t entity, int file, Span span, bool declaration) {
  if (entity < 0 || span.end <= span.begin) return;
  occurrences.push_back({file, span, entity, declaration});
}

int32_t SemanticIndex::declare(const Entity& e) {
  auto [it, fresh] = keys_.emplace(key_of(e), static_cast<int32_t>(entities.size()));
  if (fresh) {
    entities.push_back(e);
  } else {
    Entity& known = entities[static_cast<size_t>(it->second)];
    known.file = e.file;
    known.span = e.span;
    known.decl_span = e.decl_span;
    if (!e.type.empty()) known.type = e.type;
    if (!e.clause.empty()) known.clause = e.clause;
  }
  occurs(it->second, e.file, e.span, true);
  return it->second;
}

}  // namespace proviso::sema

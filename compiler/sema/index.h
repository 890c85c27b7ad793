// What the checker learns about names while it checks, kept for editors (`proviso lsp`): every
// declared entity, every place a name in the source refers to one, and the type of every
// expression checked. Recorded only when a caller asks for it (sema::check with an index), so a
// compilation for evaluation pays nothing. It is filled even when the policy has errors: what
// was resolved before and around an error is still there.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ast/ast.h"

namespace proviso::sema {

// A thing a name can refer to.
enum class EntityKind {
  Input,
  Const,
  Let,
  Decision,
  Exclusions,  // an `exclusions` declaration: a decision too
  Table,
  Column,  // a table's `gives` column, read as `table.column`
  Calendar,
  Schedule,
  Holidays,
  Enum,
  Member,  // an enum's member
  Record,
  Field,  // a field of a record type, declared or inline (an input's)
  Fixture,
  Local,  // an aggregation's variable (`any x in list: ...`)
};

// The word a user knows the kind by: "decision", "enum member", "table column".
const char* entity_kind_word(EntityKind kind);

struct Entity {
  Entity() = default;
  Entity(EntityKind k, std::string n, std::string o, int f = 0, Span s = {}, std::string t = {})
      : kind(k), name(std::move(n)), owner(std::move(o)), file(f), span(s), type(std::move(t)) {}

  EntityKind kind = EntityKind::Const;
  std::string name;    // as written in the source: `case`, `Severity.P1` is "P1" with owner "Severity"
  std::string owner;   // Member: the enum; Field: the record (for inline records, the input's path); Column: the table
  int file = 0;        // the file declaring it (index into Program::files)
  Span span;           // its name where it is declared
  std::string type;    // its type as messages write it, "" when it has none (enums, records, tables)
  Span decl_span;      // the whole top-level declaration it is, or belongs to
  std::string clause;  // the declaration's `clause "..."`, when it has one
};

// A place in the source that names an entity: its declaration or a use.
struct Occurrence {
  int file = 0;
  Span span;
  int32_t entity = -1;  // index into SemanticIndex::entities
  bool declaration = false;
};

// The type of an expression as written at `span`.
struct TypedSpan {
  int file = 0;
  Span span;
  std::string type;
};

class SemanticIndex {
 public:
  std::vector<SourcePtr> files;  // as Program::files: the policy, then the modules it imports
  std::vector<Entity> entities;
  std::vector<Occurrence> occurrences;
  std::vector<TypedSpan> types;

  // The entity `e` names (one per kind, owner and name; a local's owner is its slot), added on
  // first sight.
  int32_t entity(const Entity& e);
  // Records that `span` of `file` names `entity` (ignored for a negative entity or an empty span).
  void occurs(int32_t entity, int file, Span span, bool declaration = false);
  // Declares `e` at its file and span (filling in an entity seen before its declaration) and
  // records the declaration's occurrence.
  int32_t declare(const Entity& e);

 private:
  std::map<std::string, int32_t> keys_;
};

}  // namespace proviso::sema

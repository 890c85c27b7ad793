// Completion (features.h): from the text before the cursor, what may come next. Names and
// types come from the last analysis that parsed (`good`), since the text being typed rarely
// parses; positions in it are used only where the text before them is unchanged.
#include <regex>
#include <set>

#include "lsp/features.h"

namespace proviso::lsp {

namespace {

// LSP CompletionItemKind values.
enum ItemKind {
  kFunction = 3,
  kField = 5,
  kVariable = 6,
  kClass = 7,
  kUnit = 11,
  kEnum = 13,
  kKeyword = 14,
  kEnumMember = 20,
  kConstant = 21,
  kStruct = 22,
  kEvent = 23,
};

int item_kind(sema::EntityKind k) {
  using K = sema::EntityKind;
  switch (k) {
    case K::Decision:
    case K::Exclusions: return kFunction;
    case K::Let:
    case K::Input:
    case K::Local: return kVariable;
    case K::Const:
    case K::Fixture:
    case K::Holidays: return kConstant;
    case K::Table: return kClass;
    case K::Column:
    case K::Field: return kField;
    case K::Calendar:
    case K::Schedule: return kEvent;
    case K::Enum: return kEnum;
    case K::Member: return kEnumMember;
    case K::Record: return kStruct;
  }
  return kVariable;
}

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// "list of X?" -> "X": the record or enum a value of this type has fields or members of.
std::string base_type(std::string t) {
  while (!t.empty() && t.back() == '?') t.pop_back();
  if (t.rfind("list of ", 0) == 0) t = t.substr(8);
  while (!t.empty() && t.back() == '?') t.pop_back();
  return t;
}

class Items {
 public:
  void add(const std::string& label, int kind, const std::string& detail = "") {
    if (label.empty() || !seen_.insert(label).second) return;
    Json item{{"label", label}, {"kind", kind}, {"sortText", rank_ + label}};
    if (!detail.empty()) item["detail"] = detail;
    list_.push_back(std::move(item));
  }
  void entity(const sema::Entity& e) {
    add(e.name, item_kind(e.kind), e.type.empty() ? sema::entity_kind_word(e.kind) : e.type);
  }
  size_t size() const { return list_.size(); }
  // Items added from now on sort after those before (what the context expects comes first).
  void lower_rank() { rank_ = "1"; }
  Json result() { return Json{{"isIncomplete", false}, {"items", std::move(list_)}}; }

 private:
  Json list_ = Json::array();
  std::set<std::string> seen_;
  std::string rank_ = "0";
};

const sema::Entity* top_level(const Analysis& a, const std::string& name, bool input_first) {
  const sema::Entity* found = nullptr;
  for (const sema::Entity& e : a.index.entities) {
    if (e.name != name) continue;
    using K = sema::EntityKind;
    if (e.kind == K::Member || e.kind == K::Field || e.kind == K::Column || e.kind == K::Local) continue;
    if (e.kind == K::Input && input_first) return &e;
    if (!found || (found->kind == K::Input && !input_first)) found = &e;
  }
  return found;
}

void members_of(const Analysis& a, const std::string& enum_name, Items& items) {
  for (const sema::Entity& e : a.index.entities)
    if (e.kind == sema::EntityKind::Member && e.owner == enum_name) items.add(e.name, kEnumMember, enum_name);
}

std::vector<std::string> split_chain(std::string_view chain) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= chain.size(); ++i)
    if (i == chain.size() || chain[i] == '.') {
      parts.emplace_back(chain.substr(start, i - start));
      start = i + 1;
    }
  return parts;
}

// The type of the name chain `case.contract.tier` by the names alone (the text being typed has
// no analysis of its own): the input or value, then each field's type. "" when unknown.
std::string chain_type(const Analysis& a, std::string_view chain) {
  std::vector<std::string> parts = split_chain(chain);
  if (parts.empty() || parts[0].empty()) return "";
  using K = sema::EntityKind;
  std::string type;
  if (const sema::Entity* first = top_level(a, parts[0], true)) {
    if (first->kind == K::Table && parts.size() == 2) {
      for (const sema::Entity& e : a.index.entities)
        if (e.kind == K::Column && e.owner == first->name && e.name == parts[1]) return e.type;
      return "";
    }
    if (first->kind == K::Enum) return parts.size() == 2 ? first->name : "";
    type = first->type;
  }
  for (size_t i = 1; i < parts.size() && !type.empty(); ++i) {
    std::string owner = base_type(type);
    type.clear();
    for (const sema::Entity& e : a.index.entities)
      if (e.kind == K::Field && e.owner == owner && e.name == parts[i]) type = e.type;
  }
  return type;
}

// After `A.B.`: the fields, columns or members the chain leads to.
bool after_dot(const Analysis& a, std::string_view chain, Items& items) {
  std::vector<std::string> parts = split_chain(chain);
  if (parts.empty() || parts[0].empty()) return false;
  using K = sema::EntityKind;
  std::string owner;
  const sema::Entity* first = top_level(a, parts[0], true);
  if (!first) {
    // A local variable (`any x in ...: x.`): its type.
    for (const sema::Entity& e : a.index.entities)
      if (e.kind == K::Local && e.name == parts[0]) owner = base_type(e.type);
    if (owner.empty()) return false;
  } else if (first->kind == K::Enum && parts.size() == 1) {
    members_of(a, first->name, items);
    return true;
  } else if (first->kind == K::Table && parts.size() == 1) {
    for (const sema::Entity& e : a.index.entities)
      if (e.kind == K::Column && e.owner == first->name) items.add(e.name, kField, e.type);
    return true;
  } else {
    owner = base_type(first->type);
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string next;
    for (const sema::Entity& e : a.index.entities)
      if (e.kind == K::Field && e.owner == owner && e.name == parts[i]) next = base_type(e.type);
    if (next.empty()) return false;
    owner = next;
  }
  bool any = false;
  for (const sema::Entity& e : a.index.entities)
    if (e.kind == K::Field && e.owner == owner) {
      items.add(e.name, kField, e.type);
      any = true;
    }
  return any;
}

// The type of the expression of `good` that ends at `end` (text before it unchanged).
std::string type_ending_at(const Analysis& good, const std::string& text, uint32_t begin_hint, uint32_t end) {
  if (end > good.doc.text.size() || good.doc.text.compare(0, end, text, 0, end) != 0) return "";
  const sema::TypedSpan* best = nullptr;
  for (const sema::TypedSpan& t : good.index.types)
    if (t.file == 0 && t.span.end == end && t.span.begin >= begin_hint && (!best || t.span.size() > best->span.size()))
      best = &t;
  return best ? best->type : "";
}

const char* const kKeywords[] = {
    "policy",  "module",   "import",   "enum",     "record",     "input", "optional", "const",  "let",   "decision",
    "table",   "calendar", "schedule", "holidays", "exclusions", "test",  "fixture",  "given",  "gives", "expect",
    "clause",  "if",       "then",     "else",     "match",      "and",   "or",       "not",    "in",    "is",
    "present", "none",     "true",     "false",    "of",         "with",  "hit",      "unique", "first", "collect",
    "when",    "except",   "business", "any",      "all",        "count", "sum",      "min",    "max",   "excluding"};

}  // namespace

Json completion(const Analysis& a, const Analysis& good, const LineMap& map, uint32_t offset) {
  (void)map;
  const std::string& text = a.doc.text;
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  uint32_t word = offset;
  while (word > 0 && is_word(text[word - 1])) --word;
  uint32_t line_start = word;
  while (line_start > 0 && text[line_start - 1] != '\n') --line_start;
  std::string before(text.substr(line_start, word - line_start));
  Items items;
  using K = sema::EntityKind;

  // `case.`, `Severity.`, `response.`
  if (!before.empty() && before.back() == '.') {
    uint32_t c = word - 1;
    while (c > 0 && (is_word(text[c - 1]) || text[c - 1] == '.')) --c;
    if (after_dot(good, std::string_view(text).substr(c, word - 1 - c), items)) return items.result();
    return items.result();
  }
  std::smatch m;
  // A number: the unit words.
  static const std::regex number(R"((^|[^\w.])\d+(\.\d+)?\s+$)");
  if (std::regex_search(before, m, number)) {
    for (const char* u : {"minutes", "hours", "days", "weeks", "seconds", "months", "years"}) items.add(u, kUnit);
    for (const char* u : {"business minutes", "business hours", "business days"}) items.add(u, kUnit);
    items.add("%", kUnit, "percent");
    return items.result();
  }
  // `... in CALENDAR`, `except HOLIDAYS`.
  static const std::regex in_word(R"((^|\W)(in|except)\s+$)");
  if (std::regex_search(before, m, in_word)) {
    bool except = m[2] == "except";
    for (const sema::Entity& e : good.index.entities)
      if ((except && e.kind == K::Holidays) || (!except && (e.kind == K::Calendar))) items.entity(e);
    if (!except)  // `x in [..]`, `any x in list`: any value may follow too
      for (const sema::Entity& e : good.index.entities)
        if (e.kind == K::Let || e.kind == K::Const || e.kind == K::Input || e.kind == K::Decision) items.entity(e);
    return items.result();
  }
  // Where the expected type is an enum: after `X =`, `X !=`, `X ==`, `expect D =`, `field:`
  // and in a table cell of an enum column.
  std::string expected;
  static const std::regex expect_re(R"(^\s*expect\s+(\w+)\s*=\s*$)");
  static const std::regex declared_re(R"(^\s*(decision|let|const)\s+\w+\s*:\s*(\w+)\??\s.*=\s*$)");
  static const std::regex chain_compare_re(R"(([A-Za-z_][\w.]*)\s*(!=|==|=)\s*$)");
  static const std::regex field_re(R"((\w+)\s*:\s*$)");
  static const std::regex compare_re(R"((!=|==|=)\s*$)");
  if (std::regex_search(before, m, expect_re)) {
    if (const sema::Entity* d = top_level(good, m[1].str(), false)) expected = base_type(d->type);
  } else if (std::regex_search(before, m, chain_compare_re) && !chain_type(good, m[1].str()).empty()) {
    expected = base_type(chain_type(good, m[1].str()));
  } else if (std::regex_search(before, m, declared_re)) {
    expected = m[2].str();
  } else if (std::regex_search(before, m, field_re)) {
    for (const sema::Entity& e : good.index.entities)
      if (e.kind == K::Field && e.name == m[1].str()) expected = base_type(e.type);
  } else if (std::regex_search(before, m, compare_re)) {
    uint32_t end = line_start + static_cast<uint32_t>(m.position(0));
    while (end > line_start && text[end - 1] == ' ') --end;
    expected = base_type(type_ending_at(good, text, line_start, end));
  } else if (before.find_first_not_of(" \t") != std::string::npos && before[before.find_first_not_of(" \t")] == '|') {
    // A table cell: the column is the number of bars before the cursor.
    size_t column = static_cast<size_t>(std::count(before.begin(), before.end(), '|')) - 1;
    for (const ast::Decl& d : good.parsed.module.decls) {
      const ast::TableDecl* t = d.table_decl();
      if (!t || d.span.begin > word || column >= t->given.size() || !t->given[column].expr) continue;
      if (d.span.end + 2 < line_start) continue;  // the table must reach this line (or just before it)
      Span g = t->given[column].expr->span;
      expected = base_type(type_ending_at(good, text, g.begin, g.end));
    }
  }
  // What the type expects comes first; any other name may still start an expression there.
  if (!expected.empty()) {
    members_of(good, expected, items);
    if (expected == "bool") {
      items.add("true", kKeyword);
      items.add("false", kKeyword);
    }
    items.lower_rank();
  }
  // Anything: the names declared, then the keywords.
  for (const sema::Entity& e : good.index.entities)
    if (e.kind != K::Member && e.kind != K::Field && e.kind != K::Column && e.kind != K::Local) items.entity(e);
  for (const sema::Entity& e : good.index.entities)
    if (e.kind == K::Local && e.file == 0 && e.span.begin <= word) items.entity(e);
  for (const char* k : kKeywords) items.add(k, kKeyword);
  return items.result();
}

}  // namespace proviso::lsp

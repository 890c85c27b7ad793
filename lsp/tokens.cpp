// Semantic tokens (features.h): each token coloured as what it is. Literals are classified
// by a scan of the text (clause strings apart from other strings, units, money, dates); names
// by the checker's semantic index (a decision, a field, an enum member, ...), so a name is
// coloured by what it refers to, not by where it stands.
#include <map>
#include <set>

#include "lsp/features.h"

namespace proviso::lsp {

namespace {

// The legend: indices into these lists are what the tokens carry.
const char* const kTypes[] = {"namespace", "type",    "enum",    "enumMember", "property", "variable", "parameter",
                              "function",  "keyword", "comment", "string",     "number",   "operator", "class",
                              "event",     "clause",  "unit",    "money",      "date"};
enum Type {
  kNamespace,
  kType,
  kEnum,
  kEnumMember,
  kProperty,
  kVariable,
  kParameter,
  kFunction,
  kKeyword,
  kComment,
  kString,
  kNumber,
  kOperator,
  kClass,
  kEvent,
  kClause,
  kUnit,
  kMoney,
  kDate,
};
const char* const kModifiers[] = {"declaration", "readonly"};
constexpr int kDeclaration = 1, kReadonly = 2;

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

const std::set<std::string_view>& keywords() {
  static const std::set<std::string_view> words = {
      "policy",   "module",  "import",   "enum",     "record",   "input",      "optional", "const",   "let",
      "decision", "table",   "calendar", "schedule", "holidays", "exclusions", "test",     "fixture", "given",
      "gives",    "expect",  "clause",   "if",       "then",     "else",       "match",    "and",     "or",
      "not",      "in",      "is",       "present",  "none",     "true",       "false",    "of",      "with",
      "hit",      "unique",  "first",    "collect",  "when",     "except",     "source",   "version", "effective",
      "home",     "zone",    "business", "day",      "valid",    "from",       "to",       "on",      "add",
      "remove",   "move",    "open",     "error",    "every",    "excluding",  "as",       "list",    "integer",
      "decimal",  "money",   "percent",  "date",     "datetime", "duration",   "period",   "text",    "bool",
      "calendar", "pausing", "observed", "nearest",  "weekday",  "substitute", "next",     "before",  "after",
      "last",     "second",  "third",    "fourth",   "fifth",    "Easter",     "until",    "any",     "all",
      "count",    "sum",     "min",      "max",      "filter",   "min_by",     "max_by",   "24x7"};
  return words;
}

bool is_unit(std::string_view w) {
  static const std::set<std::string_view> units = {"second", "seconds", "minute", "minutes", "hour",
                                                   "hours",  "day",     "days",   "week",    "weeks",
                                                   "month",  "months",  "year",   "years"};
  return units.contains(w);
}

int entity_type(sema::EntityKind k, int* modifiers) {
  using K = sema::EntityKind;
  switch (k) {
    case K::Input: return kVariable;
    case K::Const:
    case K::Fixture: *modifiers |= kReadonly; return kVariable;
    case K::Let: return kVariable;
    case K::Decision:
    case K::Exclusions: return kFunction;
    case K::Table: return kClass;
    case K::Column:
    case K::Field: return kProperty;
    case K::Calendar:
    case K::Schedule:
    case K::Holidays: return kEvent;
    case K::Enum: return kEnum;
    case K::Member: return kEnumMember;
    case K::Record: return kType;
    case K::Local: return kParameter;
  }
  return kVariable;
}

struct Token {
  uint32_t begin, end;
  int type, modifiers;
};

}  // namespace

Json semantic_token_legend() {
  Json types = Json::array(), mods = Json::array();
  for (const char* t : kTypes) types.push_back(t);
  for (const char* m : kModifiers) mods.push_back(m);
  return Json{{"tokenTypes", types}, {"tokenModifiers", mods}};
}

Json semantic_tokens(const Analysis& a, const LineMap& map) {
  const std::string& text = a.doc.text;
  std::map<uint32_t, const sema::Occurrence*> names;  // by start, in the document
  for (const sema::Occurrence& o : a.index.occurrences)
    if (o.file == 0) {
      auto [it, fresh] = names.emplace(o.span.begin, &o);
      if (!fresh && o.declaration) it->second = &o;
    }
  std::vector<Token> tokens;
  std::string_view previous_word;
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    char c = text[i];
    if (c == '-' && i + 1 < n && text[i + 1] == '-') {
      size_t end = text.find('\n', i);
      if (end == std::string::npos) end = n;
      tokens.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(end), kComment, 0});
      i = end;
      continue;
    }
    if (c == '"') {
      size_t j = i + 1;
      while (j < n && text[j] != '"' && text[j] != '\n') j += text[j] == '\\' && j + 1 < n ? 2 : 1;
      if (j < n && text[j] == '"') ++j;
      tokens.push_back(
          {static_cast<uint32_t>(i), static_cast<uint32_t>(j), previous_word == "clause" ? kClause : kString, 0});
      previous_word = {};
      i = j;
      continue;
    }
    if (is_digit(c) && (i == 0 || !is_word(text[i - 1]))) {
      size_t j = i;
      while (j < n && (is_digit(text[j]) || text[j] == '.' || text[j] == '_')) {
        if (text[j] == '.' && j + 1 < n && text[j + 1] == '.') break;  // a range `1..3`
        ++j;
      }
      // A date or a datetime: 2026-11-27, 2026-11-27T16:00:00-05:00.
      if (j - i == 4 && j + 5 < n && text[j] == '-' && is_digit(text[j + 1])) {
        size_t k = j;
        while (k < n && (is_digit(text[k]) || text[k] == '-' || text[k] == ':' || text[k] == 'T' || text[k] == 'Z' ||
                         text[k] == '+'))
          ++k;
        tokens.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(k), kDate, 0});
        i = k;
        continue;
      }
      if (j - i == 2 && j < n && text[j] == ':') {  // a time of day, 08:00
        size_t k = j + 1;
        while (k < n && is_digit(text[k])) ++k;
        tokens.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(k), kNumber, 0});
        i = k;
        continue;
      }
      if (j < n && text[j] == '%') {
        tokens.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(j + 1), kNumber, 0});
        i = j + 1;
        continue;
      }
      // Money: `12000.00 USD`, the number and its currency as one token.
      if (j + 4 <= n && text[j] == ' ' && std::isupper(static_cast<unsigned char>(text[j + 1])) &&
          std::isupper(static_cast<unsigned char>(text[j + 2])) &&
          std::isupper(static_cast<unsigned char>(text[j + 3])) && (j + 4 == n || !is_word(text[j + 4]))) {
        tokens.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(j + 4), kMoney, 0});
        i = j + 4;
        continue;
      }
      tokens.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(j), kNumber, 0});
      // A unit after the number: `30 minutes`, `4 business hours`.
      size_t k = j;
      while (k < n && text[k] == ' ') ++k;
      size_t w = k;
      while (w < n && is_word(text[w])) ++w;
      std::string_view unit(text.data() + k, w - k);
      if (unit == "business") {
        size_t k2 = w;
        while (k2 < n && text[k2] == ' ') ++k2;
        size_t w2 = k2;
        while (w2 < n && is_word(text[w2])) ++w2;
        if (is_unit(std::string_view(text.data() + k2, w2 - k2))) w = w2;
      }
      if (w > k && (unit == "business" ? w != k + 8 : is_unit(unit))) {
        tokens.push_back({static_cast<uint32_t>(k), static_cast<uint32_t>(w), kUnit, 0});
        i = w;
      } else {
        i = j;
      }
      previous_word = {};
      continue;
    }
    if (is_word(c)) {
      size_t j = i;
      while (j < n && is_word(text[j])) ++j;
      std::string_view w(text.data() + i, j - i);
      auto it = names.find(static_cast<uint32_t>(i));
      if (it != names.end() && it->second->span.end == j) {
        int mods = it->second->declaration ? kDeclaration : 0;
        int type = entity_type(a.index.entities[static_cast<size_t>(it->second->entity)].kind, &mods);
        tokens.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(j), type, mods});
      } else if (keywords().contains(w)) {
        tokens.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(j), kKeyword, 0});
      }
      previous_word = w;
      i = j;
      continue;
    }
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') previous_word = {};
    ++i;
  }
  // Relative encoding, one line per token (a token never spans lines here).
  Json data = Json::array();
  int64_t last_line = 0, last_char = 0;
  for (const Token& t : tokens) {
    Json start = map.position(t.begin), end = map.position(t.end);
    int64_t line = start["line"], ch = start["character"];
    int64_t length = end["line"] == start["line"] ? end["character"].get<int64_t>() - ch : 0;
    if (length <= 0) continue;
    data.push_back(line - last_line);
    data.push_back(line == last_line ? ch - last_char : ch);
    data.push_back(length);
    data.push_back(t.type);
    data.push_back(t.modifiers);
    last_line = line;
    last_char = ch;
  }
  return Json{{"data", data}};
}

}  // namespace proviso::lsp

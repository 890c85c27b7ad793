// Lexical helpers shared by the grammar's actions and the parser's error recovery.
#include "grammar/lexical.h"

#include <array>
#include <cstring>

namespace proviso::syntax {

namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

int two(std::string_view s, size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// The length of the UTF-8 sequence starting with `c` (1 for an invalid lead byte).
size_t utf8_length(unsigned char c) {
  if (c >= 0xF0 && c <= 0xF4) return 4;
  if (c >= 0xE0) return c <= 0xEF ? 3 : 1;
  if (c >= 0xC2) return 2;
  return 1;
}

constexpr std::array<const char*, 17> kDeclarationWords = {
    "import",   "enum",     "record",   "input",      "optional", "const",   "let",    "decision", "table",
    "calendar", "schedule", "holidays", "exclusions", "test",     "fixture", "policy", "module"};

}  // namespace

const char* skip_blank_and_comments(const char* p, const char* end) {
  while (p < end) {
    if (is_space(*p)) {
      ++p;
    } else if (*p == '-' && p + 1 < end && p[1] == '-') {
      while (p < end && *p != '\n') ++p;
    } else {
      break;
    }
  }
  return p;
}

Span token_at(std::string_view text, uint32_t offset) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  const char* p = skip_blank_and_comments(begin + std::min<size_t>(offset, text.size()), end);
  const char* q = p;
  if (q < end) {
    if (is_word_char(*q)) {
      while (q < end && is_word_char(*q)) ++q;
    } else if (*q == '"') {
      ++q;
      while (q < end && *q != '"' && *q != '\n' && *q != '\r') q += (*q == '\\' && q + 1 < end && q[1] != '\n') ? 2 : 1;
      if (q < end && *q == '"') ++q;
    } else {
      q += std::min<size_t>(utf8_length(static_cast<unsigned char>(*q)), end - q);
    }
  }
  return {static_cast<uint32_t>(p - begin), static_cast<uint32_t>(q - begin)};
}

std::vector<ast::Comment> scan_comments(std::string_view text) {
  std::vector<ast::Comment> out;
  size_t i = 0;
  const size_t n = text.size();
  bool in_text = false;
  while (i < n) {
    char c = text[i];
    if (in_text) {
      if (c == '\\' && i + 1 < n && text[i + 1] != '\n') {
        i += 2;
        continue;
      }
      if (c == '"' || c == '\n') in_text = false;
      ++i;
      continue;
    }
    if (c == '"') {
      in_text = true;
      ++i;
    } else if (c == '-' && i + 1 < n && text[i + 1] == '-') {
      size_t e = i;
      while (e < n && text[e] != '\n') ++e;
      size_t stop = e;
      if (stop > i && text[stop - 1] == '\r') --stop;
      out.push_back({{static_cast<uint32_t>(i), static_cast<uint32_t>(stop)}, std::string(text.substr(i, stop - i))});
      i = e;
    } else {
      ++i;
    }
  }
  return out;
}

std::string unescape(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size()) {
      char c = body[++i];
      out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
    } else {
      out.push_back(body[i]);
    }
  }
  return out;
}

bool starts_declaration(std::string_view text, uint32_t pos) {
  for (const char* w : kDeclarationWords) {
    size_t len = std::strlen(w);
    if (text.size() - pos >= len && text.compare(pos, len, w) == 0 &&
        (pos + len == text.size() || !is_word_char(text[pos + len]))) {
      return true;
    }
  }
  return false;
}

uint32_t next_declaration_line(std::string_view text, uint32_t after) {
  size_t i = std::min<size_t>(after, text.size());
  while (true) {
    size_t nl = text.find('\n', i);
    if (nl == std::string_view::npos) return static_cast<uint32_t>(text.size());
    size_t p = nl + 1;
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
    // An indented `schedule EXPR` is a calendar's line, not the start of a schedule.
    bool calendar_line = p > nl + 1 && text.compare(p, 8, "schedule") == 0;
    if (p < text.size() && !calendar_line && starts_declaration(text, static_cast<uint32_t>(p)))
      return static_cast<uint32_t>(p);
    i = nl + 1;
  }
}

std::optional<std::string> check_date(std::string_view t) {
  int y = std::stoi(std::string(t.substr(0, 4)));
  int m = two(t, 5);
  int d = two(t, 8);
  if (m < 1 || m > 12) return "invalid date: the month must be from 01 to 12";
  int last = m == 2 ? (leap(y) ? 29 : 28) : days_in_month(m);
  if (d < 1 || d > last)
    return "invalid date: " + std::string(ast::month_name(m)) + " " + std::to_string(y) + " has no day " +
           std::to_string(d);
  return std::nullopt;
}

std::optional<std::string> check_datetime(std::string_view t) {
  if (auto e = check_date(t.substr(0, 10))) return e;
  std::string_view clock = t.substr(11);
  if (two(clock, 0) > 23) return "invalid datetime: the hour must be from 00 to 23";
  if (two(clock, 3) > 59) return "invalid datetime: the minutes must be from 00 to 59";
  size_t k = 5;
  if (clock.size() > 5 && clock[5] == ':') {
    if (two(clock, 6) > 59) return "invalid datetime: the seconds must be from 00 to 59";
    k = 8;
  }
  if (clock[k] != 'Z') {
    if (two(clock, k + 1) > 14 || two(clock, k + 4) > 59)
      return "invalid datetime: the offset must be from -14:00 to +14:00";
  }
  return std::nullopt;
}

std::optional<std::string> check_clock(std::string_view t, bool is_end, int32_t* seconds) {
  int h = two(t, 0);
  int m = two(t, 3);
  *seconds = h * 3600 + m * 60;
  if (h > 24 || m > 59 || (h == 24 && m != 0))
    return "invalid time of day `" + std::string(t) + "`: expected `00:00` to `24:00`";
  if (h == 24 && !is_end) return "`24:00` can only end a range of working hours";
  return std::nullopt;
}

int weekday_index(std::string_view w) {
  for (int i = 0; i < 7; ++i)
    if (w == ast::weekday_name(i)) return i;
  return -1;
}

int month_index(std::string_view w) {
  for (int i = 1; i <= 12; ++i)
    if (w == ast::month_name(i)) return i;
  return 0;
}

int ordinal_index(std::string_view w) {
  static const char* const words[] = {"first", "second", "third", "fourth", "fifth"};
  for (int i = 0; i < 5; ++i)
    if (w == words[i]) return i + 1;
  return w == "last" ? -1 : 0;
}

int days_in_month(int month) {
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month >= 1 && month <= 12 ? days[month - 1] : 0;
}

std::string plural_unit(std::string_view w) {
  std::string s(w);
  if (!s.empty() && s.back() != 's') s.push_back('s');
  return s;
}

}  // namespace proviso::syntax

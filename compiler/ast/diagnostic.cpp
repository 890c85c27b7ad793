// Collecting, sorting and rendering diagnostics (text and JSON).
#include "compiler/ast/diagnostic.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

#include <fmt/format.h>

namespace proviso {

Diagnostic& Diagnostics::error(SourcePtr source, Span span, Code code, std::string message) {
  items_.push_back(Diagnostic{Severity::Error, std::move(source), span, std::move(message), code, {}, {}, {}});
  return items_.back();
}

Diagnostic& Diagnostics::warning(SourcePtr source, Span span, Code code, std::string message) {
  items_.push_back(Diagnostic{Severity::Warning, std::move(source), span, std::move(message), code, {}, {}, {}});
  return items_.back();
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
  return std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

size_t Diagnostics::warning_count() const {
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Warning; });
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const std::string empty;
    const std::string& pa = a.source ? a.source->path() : empty;
    const std::string& pb = b.source ? b.source->path() : empty;
    if (pa != pb) return pa < pb;
    return a.span.begin < b.span.begin;
  });
}

void Diagnostics::drop_repeats() {
  std::set<std::tuple<std::string, uint32_t, uint32_t, Code, std::string, std::string>> seen;
  std::erase_if(items_, [&](const Diagnostic& d) {
    return !seen.emplace(d.source ? d.source->path() : std::string(), d.span.begin, d.span.end, d.code, d.message,
                         d.help)
                .second;
  });
}

namespace {

// Appends the source line of `offset` and a caret underline of `span` (clipped to the line).
void append_snippet(std::string& out, const SourceFile& src, Span span) {
  LineCol lc = src.line_col(span.begin);
  std::string_view line = src.line_text(lc.line);
  constexpr size_t kMaxShown = 160;  // very long lines are cut around the caret
  size_t col0 = lc.column - 1;
  size_t start = 0;
  if (line.size() > kMaxShown && col0 > kMaxShown / 2) start = col0 - kMaxShown / 2;
  std::string_view shown = line.substr(std::min(start, line.size()), kMaxShown);
  std::string text;
  for (char c : shown) {
    unsigned char u = static_cast<unsigned char>(c);
    text.push_back(u < 0x20 && c != '\t' ? '?' : (c == '\t' ? ' ' : c));
  }
  std::string gutter = fmt::format("{:>5} | ", lc.line);
  out += gutter + (start > 0 ? "..." : "") + text + "\n";
  size_t width = span.end > span.begin ? span.end - span.begin : 1;
  size_t caret_col = col0 - start + (start > 0 ? 3 : 0);
  size_t avail = text.size() + (start > 0 ? 3 : 0) > caret_col ? text.size() + (start > 0 ? 3 : 0) - caret_col : 1;
  width = std::max<size_t>(1, std::min(width, avail));
  out += std::string(gutter.size() - 2, ' ') + "| " + std::string(caret_col, ' ') + "^" + std::string(width - 1, '~') +
         "\n";
}

}  // namespace

std::string render(const Diagnostic& d) {
  std::string out;
  if (d.source) {
    LineCol lc = d.source->line_col(d.span.begin);
    out = fmt::format("{}:{}:{}: {}: {}", d.source->path(), lc.line, lc.column, severity_word(d.severity), d.message);
  } else {
    out = fmt::format("proviso: {}: {}", severity_word(d.severity), d.message);
  }
  out += " " + code_tag(d.code) + "\n";
  if (d.source) append_snippet(out, *d.source, d.span);
  for (const Related& r : d.related) {
    if (d.source) {
      LineCol lc = d.source->line_col(r.span.begin);
      out += fmt::format("{}:{}:{}: note: {}\n", d.source->path(), lc.line, lc.column, r.message);
      append_snippet(out, *d.source, r.span);
    }
  }
  if (!d.help.empty()) out += fmt::format("  help: {}\n", d.help);
  return out;
}

std::string render_all(const Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds.items()) out += render(d);
  return out;
}

std::string code_tag(Code code) {
  // The identifier is what `proviso explain` and searches take; the name says what the
  // problem is without looking it up (docs/DIAGNOSTICS.md, "Reading a diagnostic").
  return fmt::format("[{} {}]", code_id(code), code_info(code).name);
}

namespace {

// A JSON string literal of `s`. Bytes that are not UTF-8 become U+FFFD, so the output is
// always valid JSON whatever a message quotes.
std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
          if (c < 0x20 || c == 0x7f)
            out += fmt::format("\\u{:04x}", c);
          else
            out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    if (ok && len == 3) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);  // overlong, surrogates
    }
    if (ok && len == 4) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);  // overlong, past U+10FFFF
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  out += '"';
  return out;
}

// `"line":L,"column":C,"end":{"line":L,"column":C}`: 1-based lines, 1-based byte columns,
// the end just past the last byte of the span.
std::string json_position(const SourceFile& src, Span span) {
  LineCol b = src.line_col(span.begin);
  LineCol e = src.line_col(span.end > span.begin ? span.end : span.begin);
  return fmt::format(R"("line":{},"column":{},"end":{{"line":{},"column":{}}})", b.line, b.column, e.line, e.column);
}

}  // namespace

std::string render_json(const Diagnostic& d) {
  std::string out = "{";
  out += "\"file\":" + (d.source ? json_string(d.source->path()) : std::string("null"));
  if (d.source) out += "," + json_position(*d.source, d.span);
  out += fmt::format(R"(,"severity":"{}","code":"{}","name":"{}","message":{})", severity_word(d.severity),
                     code_id(d.code), code_info(d.code).name, json_string(d.message));
  out += ",\"help\":" + (d.help.empty() ? std::string("null") : json_string(d.help));
  out += ",\"related\":[";
  bool first = true;
  for (const Related& r : d.related) {
    if (!d.source) break;
    out += first ? "{" : ",{";
    first = false;
    out += json_position(*d.source, r.span) + ",\"message\":" + json_string(r.message) + "}";
  }
  out += "],\"fixes\":[";
  first = true;
  for (const Fix& f : d.fixes) {
    if (!d.source) break;
    out += first ? "{" : ",{";
    first = false;
    out += json_position(*d.source, f.span) + ",\"replacement\":" + json_string(f.replacement) + ",\"applicability\":" +
           (f.applicability == Applicability::MachineApplicable ? "\"machine-applicable\"" : "\"has-placeholders\"") +
           "}";
  }
  out += "]}";
  return out;
}

std::string apply_fixes(std::string text, std::vector<Fix> fixes, int* applied) {
  std::sort(fixes.begin(), fixes.end(), [](const Fix& a, const Fix& b) { return a.span.begin > b.span.begin; });
  size_t limit = text.size();
  int n = 0;
  for (const Fix& f : fixes) {
    if (f.span.begin > f.span.end || f.span.end > limit) continue;
    text.replace(f.span.begin, f.span.size(), f.replacement);
    limit = f.span.begin;
    ++n;
  }
  if (applied) *applied = n;
  return text;
}

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    if (c == name) continue;
    size_t d = edit_distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace proviso

// Collecting, sorting and rendering diagnostics.
#include "compiler/ast/diagnostic.h"

#include <algorithm>

#include <fmt/format.h>

namespace proviso {

Diagnostic& Diagnostics::error(SourcePtr source, Span span, std::string code, std::string message) {
  items_.push_back(Diagnostic{Severity::Error, std::move(source), span, std::move(message), std::move(code), {}, {}});
  return items_.back();
}

Diagnostic& Diagnostics::warning(SourcePtr source, Span span, std::string code, std::string message) {
  items_.push_back(Diagnostic{Severity::Warning, std::move(source), span, std::move(message), std::move(code), {}, {}});
  return items_.back();
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
  return std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

size_t Diagnostics::warning_count() const {
  return std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::Warning; });
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

namespace {

const char* severity_word(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

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
  out += std::string(gutter.size() - 2, ' ') + "| " + std::string(caret_col, ' ') + "^" + std::string(width - 1, '~') + "\n";
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
  if (!d.code.empty()) out += fmt::format(" [{}]", d.code);
  out += "\n";
  if (d.source) append_snippet(out, *d.source, d.span);
  for (const auto& [span, text] : d.notes) {
    if (d.source) {
      LineCol lc = d.source->line_col(span.begin);
      out += fmt::format("{}:{}:{}: note: {}\n", d.source->path(), lc.line, lc.column, text);
      append_snippet(out, *d.source, span);
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

}  // namespace proviso

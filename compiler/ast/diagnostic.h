// Diagnostics: problems in a user's policy, as values with a location (never thrown), and
// their rendering in GNU form with the source line and a caret underline.
#pragma once
#include <string>
#include <vector>

#include "compiler/ast/source.h"

namespace proviso {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  SourcePtr source;   // may be null for diagnostics about no file (a missing file)
  Span span;
  std::string message;  // lower case, no final period, user names in backticks
  std::string code;     // stable identifier, e.g. "syntax", "unknown-name", "table-gap"
  std::string help;     // optional advice, printed on its own `help:` line
  std::vector<std::pair<Span, std::string>> notes;  // secondary locations in the same file
};

class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  Diagnostic& error(SourcePtr source, Span span, std::string code, std::string message);
  Diagnostic& warning(SourcePtr source, Span span, std::string code, std::string message);

  bool has_errors() const;
  size_t error_count() const;
  size_t warning_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic>& items() { return items_; }
  void append(const Diagnostics& other);
  // Sorts by file, then position; stable for equal positions.
  void sort();

 private:
  std::vector<Diagnostic> items_;
};

// `file:line:col: error: message [code]`, the source line, a caret underline, then `help:`
// and note lines.
std::string render(const Diagnostic& d);
std::string render_all(const Diagnostics& ds);

}  // namespace proviso

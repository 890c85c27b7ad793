// Diagnostics: problems in a user's policy, as values with a location (never thrown), and
// their rendering: GNU form with the source line and a caret underline, or one JSON object.
#pragma once
#include <string>
#include <vector>

#include "compiler/ast/diagnostic_codes.h"
#include "compiler/ast/source.h"

namespace proviso {

// Another place in the same file that the problem involves: the other row of an overlap, the
// first declaration of a duplicate. Rendered as a `note:` line with its own snippet.
struct Related {
  Span span;
  std::string message;  // lower case, as a diagnostic's message: "row 1 is here"
};

// Whether an editor may apply a fix as it is, or the user must fill in a placeholder first
// (as rustc's suggestions say).
enum class Applicability { MachineApplicable, HasPlaceholders };

// One edit of the `help:` line's suggestion: replace `span` (empty to insert) with `replacement`.
struct Fix {
  Span span;
  std::string replacement;
  Applicability applicability = Applicability::MachineApplicable;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  SourcePtr source;  // may be null for diagnostics about no file (a missing file)
  Span span;
  std::string message;  // lower case, no final period, user names in backticks
  Code code = Code::Internal;
  std::string help;              // optional advice, printed on its own `help:` line
  std::vector<Related> related;  // secondary locations in the same file
  // The edits that carry out the advice (of `help`, or of the message: "remove the second `?`")
  // when it is mechanical; applied together, all or none.
  std::vector<Fix> fixes;
};

class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  Diagnostic& error(SourcePtr source, Span span, Code code, std::string message);
  Diagnostic& warning(SourcePtr source, Span span, Code code, std::string message);

  bool has_errors() const;
  size_t error_count() const;
  size_t warning_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic>& items() { return items_; }
  void append(const Diagnostics& other);
  // Sorts by file, then position; stable for equal positions.
  void sort();
  // Keeps the first of diagnostics that say the same thing at the same place (a fixture is
  // checked once per test that uses it, and says its mistakes once).
  void drop_repeats();

 private:
  std::vector<Diagnostic> items_;
};

// `file:line:col: error: message [P0017 unknown-name]`, the source line, a caret underline,
// then a `note:` line and snippet per related location, then `help:`.
std::string render(const Diagnostic& d);
std::string render_all(const Diagnostics& ds);
// `[P0017 unknown-name]`: how a code is printed after a message.
std::string code_tag(Code code);

// One line of JSON (no line break) with the file, 1-based line and byte column of the start
// and end, severity, code, name, message, help, related locations and fixes; the form that
// `proviso check --format json` prints for editors.
std::string render_json(const Diagnostic& d);

// Applies `fixes` to `text`, last edit first so that earlier offsets stay valid. An edit that
// overlaps one already applied, or that reaches past the end of `text`, is skipped; `*applied`
// (when given) counts the edits made.
std::string apply_fixes(std::string text, std::vector<Fix> fixes, int* applied = nullptr);

// "did you mean" support: the candidate closest to `name` by edit distance (ignoring case),
// or "" when none is close enough (more than a third of the letters, at least 2, differ).
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace proviso

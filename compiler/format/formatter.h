// The canonical layout of `.policy` files (`proviso fmt`): 2-space indentation, header clauses
// in a fixed order, declarations separated by a blank line, table columns aligned, long
// expressions broken before `and`/`or`/`then`/`else`, every comment kept. Idempotent:
// format(parse(format(x))) == format(x).
#pragma once
#include <string>

#include "compiler/ast/ast.h"
#include "compiler/ast/source.h"

namespace proviso::format {

struct FormatResult {
  bool ok = false;
  std::string text;   // the formatted file when ok
  std::string error;  // why not, when !ok
};

// Formats a syntax tree; its comments (module.comments, placed by their spans in
// module.source) are kept. Fails only on an incomplete tree (a missing child).
FormatResult format(const ast::Module& module);

// Re-parses `formatted` and returns it (ok) only if it is the same program as `original`
// (ast::equal) with the same comments; otherwise a refusal. format_source's last step.
FormatResult verify(const ast::Module& original, std::string formatted);

// Parses, formats, then re-parses its own output and refuses (ok = false) unless the result
// is the same program (ast::equal) with the same comments: it never writes a changed program.
FormatResult format_source(SourcePtr source);

}  // namespace proviso::format

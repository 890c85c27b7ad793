// The front end's entry point: the text of a `.policy` file in, its syntax tree and syntax
// errors out. Takes any bytes (up to 8 MiB); never throws, never crashes. Syntax errors are
// diagnostics with Code::Syntax, or a closer code for a malformed token (an impossible date, an
// unterminated text); after an error the parser resumes at the next line that starts a
// declaration, so one run reports up to 50 errors. PEGTL stays behind this header.
#pragma once
#include "compiler/ast/ast.h"
#include "compiler/ast/diagnostic.h"
#include "compiler/ast/source.h"

namespace proviso::syntax {

struct ParseResult {
  ast::Module module;  // the declarations that parsed; module.source is the source given
  Diagnostics diagnostics;
};

// INVARIANT of the result: when diagnostics has no errors, every node the grammar requires is
// set (a decision's type and value, a calendar's zone and business day, ...), and
// module.comments holds every `--` comment in source order.
ParseResult parse(SourcePtr source);

// Whether `word` is one of the grammar's reserved words, which cannot name a declaration (the
// grammar's own rule decides: editors ask it before a rename).
bool is_reserved_word(std::string_view word);

}  // namespace proviso::syntax

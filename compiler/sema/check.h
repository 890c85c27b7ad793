// Semantic analysis: from the AST of a policy (and the stdlib modules it imports) to the
// typed IR. Takes: parsed modules. Gives: an ir::Program when there are no errors, and
// every diagnostic (errors and warnings), sorted by position.
// Checks: names (with "did you mean" hints), types and units, integer ranges, optionals
// handled before use, match exhaustiveness, table gaps and overlaps with an example row,
// cycles between decisions, unused declarations and decisions without a clause (warnings).
#pragma once
#include <memory>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/ast/diagnostic.h"
#include "compiler/ir/program.h"

namespace proviso::sema {

struct CheckResult {
  std::shared_ptr<ir::Program> program;  // null when there were errors
  Diagnostics diagnostics;
};

// `imports` are the parsed library modules the main module imports, in import order.
CheckResult check(const ast::Module& main, const std::vector<const ast::Module*>& imports);

// "did you mean" support (shared with the parser): see compiler/ast/diagnostic.h.
using proviso::closest_name;

}  // namespace proviso::sema

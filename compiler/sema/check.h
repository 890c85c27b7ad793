// Semantic analysis: from the AST of a policy (and the modules it imports) to the
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
#include "compiler/sema/index.h"

namespace proviso::sema {

struct CheckResult {
  std::shared_ptr<ir::Program> program;  // null when there were errors
  Diagnostics diagnostics;
};

// A module that the main module imports, directly or through other modules.
struct ImportedModule {
  const ast::Module* module = nullptr;
  std::vector<int> imports;  // positions in the same list of the modules this one imports
};

// `imports` in the order of compiler/driver/modules.h (Program::files[1..]). The policy sees
// every declaration of every module, in one namespace (a name declared twice is an error); a
// module sees its own and those of the modules it imports, directly or through others.
// With `index`, also records every entity, every use of a name and every expression's type
// there (compiler/sema/index.h), errors or not.
CheckResult check(const ast::Module& main, const std::vector<ImportedModule>& imports, SemanticIndex* index = nullptr);

// "did you mean" support (shared with the parser): see compiler/ast/diagnostic.h.
using proviso::closest_name;

}  // namespace proviso::sema

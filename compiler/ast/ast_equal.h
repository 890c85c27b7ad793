// Structural equality of syntax trees, ignoring spans, comments and the source: two modules
// are equal when they differ by layout only. The formatter uses it to check its own output.
#pragma once
#include "compiler/ast/ast.h"

namespace proviso::ast {

bool equal(const Module& a, const Module& b);
bool equal(const Expr& a, const Expr& b);
bool equal(const TypeExpr& a, const TypeExpr& b);
bool equal(const Decl& a, const Decl& b);

}  // namespace proviso::ast

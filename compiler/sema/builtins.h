// The built-in functions, one row each: the name, the signature as docs/LANGUAGE.md writes
// it, how many arguments a call takes, the IR operation a call lowers to and the rule that
// types the arguments and emits that operation. The interpreter and the JIT implement the
// operation (ir/ops.cpp names it; interp/scalar.cpp and jit/codegen_*.cpp evaluate it), and
// an explanation shows the call's source text with its value, so a new builtin is a row
// here, a rule in check_calls.cpp and, if no operation fits, a new operation.
// Internal to sema.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "compiler/ast/ast.h"
#include "compiler/ir/program.h"

namespace proviso::sema::detail {

class ExprChecker;
struct Builtin;

// Checks a call `e` to `b` (its argument count is already checked) and emits its IR.
using BuiltinRule = ir::NodeId (ExprChecker::*)(const ast::Expr& e, const Builtin& b, const ir::Type* hint);

inline constexpr uint8_t kVariadic = UINT8_MAX;

struct Builtin {
  std::string_view name;
  std::string_view signature;  // as docs/LANGUAGE.md shows it, e.g. "working_time(A, B, C)"
  uint8_t min_args = 0;
  uint8_t max_args = 0;  // kVariadic: no upper bound
  // Replaces the usual "takes N arguments" message when the count is wrong; `{0}` is the name.
  std::string_view arity_message;
  ir::Op op = ir::Op::Const;  // the operation a call lowers to (the rule may fold it away)
  BuiltinRule rule = nullptr;
};

// Every built-in function, in the order the docs list them.
std::span<const Builtin> builtins();

// The row named `name`, or nullptr.
const Builtin* find_builtin(std::string_view name);

}  // namespace proviso::sema::detail

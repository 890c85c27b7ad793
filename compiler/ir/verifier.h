// The IR verifier: the invariants every pass after lowering relies on, checked on a whole
// Program (as LLVM verifies a module after each pass). compile_source runs it in builds with
// PROVISO_VERIFY_IR (debug and sanitizer builds) and the tests run it on every program they
// compile; `proviso ir` prints its findings. Each finding is one line naming the node, value,
// table or calendar and what is wrong; no finding means the program is well formed:
// - every operand slot, aux, aux2, args, ints and pats of a node is what the op table
//   (ir/ops.h) says for its op, and every index it holds is in range;
// - operand and result types have the kinds the op table says, and no node has the error type;
// - value bodies, decisions, the home zone, tables, calendars and tests refer to valid nodes,
//   tables have one condition per given column and one output per output column, with the
//   columns' kinds; the location tables have one entry per node and per value;
// - values do not depend on themselves.
#pragma once
#include <string>
#include <vector>

#include "compiler/ir/program.h"

namespace proviso::ir {

std::vector<std::string> verify(const Program& program);

}  // namespace proviso::ir

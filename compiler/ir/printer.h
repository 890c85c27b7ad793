// The IR as text (`proviso ir FILE`): the header, schema, inputs, calendars, tables and
// values of a Program, each expression as an indented tree of operations (names from the op
// table, ir/ops.h) with their types. Stable for goldens: no node numbers unless asked for
// (the verifier names nodes by number), no source locations.
#pragma once
#include <string>

#include "compiler/ir/program.h"

namespace proviso::ir {

struct PrintOptions {
  bool node_ids = false;  // prefix every node with `%N`
  bool tests = false;     // also print the test cases
};

std::string print(const Program& program, const PrintOptions& options = {});

}  // namespace proviso::ir

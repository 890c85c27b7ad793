// A Markdown reference of a policy (`proviso doc`): header, inputs with their field types,
// decisions with types and clauses, decision tables, calendars and exclusions.
// Takes: a checked Program. Gives: Markdown text.
#pragma once
#include <string>

#include "compiler/ir/program.h"

namespace proviso::driver {

std::string policy_markdown(const ir::Program& program);

}  // namespace proviso::driver

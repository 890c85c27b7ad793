// A Markdown reference of a policy (`proviso doc`), for reading beside the contract: header
// and the policy's description, inputs with their field types, enums, decisions with their
// clauses and expressions, `let`s and constants, decision tables, calendars, holiday sets (their
// rules and their dates in the `effective` year and the next, as evaluations compute them) and
// exclusions. Expressions, table columns and cells are printed as the author wrote them, and the
// comment lines above a declaration (usually a quote of the contract) as a block quote under it;
// comments on a field, row or entry go in a `note` column.
// Takes: a checked Program; its source files (Program::files) are parsed again for the text as
// written and the comments. Without them (a program built by hand) the text comes from the IR.
// Gives: Markdown text, the same for the same policy whatever the date.
#pragma once
#include <string>

#include "compiler/ir/program.h"

namespace proviso::driver {

std::string policy_markdown(const ir::Program& program);

}  // namespace proviso::driver

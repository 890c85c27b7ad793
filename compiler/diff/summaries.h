// What a reviewer reads beside the decisions: input schema changes (each breaking or not) and
// declaration-level summaries (table rows, calendars, holiday sets, exclusions, clauses).
#pragma once
#include <vector>

#include "compiler/diff/diff.h"

namespace proviso::diff {

std::vector<SchemaChange> schema_changes(const ir::Program& a, const ir::Program& b);
std::vector<DeclarationChange> declaration_changes(const ir::Program& a, const ir::Program& b);

}  // namespace proviso::diff

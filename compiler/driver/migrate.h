// `proviso fmt --fix`: rewrites the constructs that earlier versions of the language accepted
// and this one refuses, with the edit each refusal's diagnostic carries (`1 day` as working
// time becomes `24 business hours`, its old meaning; `25% * x` becomes `25% of x`).
#pragma once
#include <string>

#include "compiler/ast/source.h"
#include "compiler/driver/modules.h"

namespace proviso::driver {

struct MigrateResult {
  std::string text;  // the source with every migration edit applied (unchanged when none)
  int edits = 0;     // how many edits were applied
};

// Checks `source`, applies the fixes of its P0084 and P0085 diagnostics,
// and repeats on the result until none is left (a rewrite can expose another), at most a few
// rounds. Other diagnostics are left for the author; the text is not formatted here. The
// modules it imports are read as `imports` says (they are checked with it, not rewritten).
MigrateResult migrate(SourcePtr source, const ImportOptions& imports = {});

}  // namespace proviso::driver

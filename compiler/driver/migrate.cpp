#include "compiler/driver/migrate.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "compiler/driver/compile.h"

namespace proviso::driver {

bool is_migration(Code code) { return code == Code::DaysAsWorkingTime || code == Code::PercentProduct; }

MigrateResult migrate(SourcePtr source) {
  MigrateResult out;
  out.text = std::string(source->text());
  // Each round fixes what the checker reports; a fix never creates a migration diagnostic of
  // its own text, so a second round only finds those a poisoned expression hid in the first.
  constexpr int kRounds = 4;
  for (int round = 0; round < kRounds; ++round) {
    CompileResult r = compile_source(std::make_shared<const SourceFile>(source->path(), out.text));
    std::vector<Fix> fixes;
    for (const Diagnostic& d : r.diagnostics.items()) {
      if (!is_migration(d.code) || d.source.get() == nullptr || d.source->path() != source->path()) continue;
      for (const Fix& f : d.fixes)
        if (f.applicability == Applicability::MachineApplicable && f.span.end <= out.text.size()) fixes.push_back(f);
    }
    if (fixes.empty()) break;
    // Last edit first, so that earlier offsets stay valid; an edit overlapping one already
    // applied waits for the next round.
    std::sort(fixes.begin(), fixes.end(), [](const Fix& a, const Fix& b) { return a.span.begin > b.span.begin; });
    uint32_t limit = UINT32_MAX;
    for (const Fix& f : fixes) {
      if (f.span.end > limit) continue;
      out.text.replace(f.span.begin, f.span.size(), f.replacement);
      limit = f.span.begin;
      ++out.edits;
    }
  }
  return out;
}

}  // namespace proviso::driver

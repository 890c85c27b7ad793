#include "compiler/driver/migrate.h"

#include <memory>
#include <vector>

#include "compiler/driver/compile.h"

namespace proviso::driver {

namespace {

// The codes whose fixes `migrate` applies: forms that earlier versions accepted.
bool is_migration(Code code) { return code == Code::DaysAsWorkingTime || code == Code::PercentProduct; }

}  // namespace

MigrateResult migrate(SourcePtr source, const ImportOptions& imports) {
  MigrateResult out;
  out.text = std::string(source->text());
  // Each round fixes what the checker reports; a fix never creates a migration diagnostic of
  // its own text, so a second round only finds those a poisoned expression hid in the first.
  constexpr int kRounds = 4;
  for (int round = 0; round < kRounds; ++round) {
    CompileResult r = compile_source(std::make_shared<const SourceFile>(source->path(), out.text), imports);
    std::vector<Fix> fixes;
    for (const Diagnostic& d : r.diagnostics.items()) {
      if (!is_migration(d.code) || d.source.get() == nullptr || d.source->path() != source->path()) continue;
      for (const Fix& f : d.fixes)
        if (f.applicability == Applicability::MachineApplicable) fixes.push_back(f);
    }
    if (fixes.empty()) break;
    // An edit overlapping another of the same round waits for the next one.
    int applied = 0;
    out.text = apply_fixes(std::move(out.text), std::move(fixes), &applied);
    out.edits += applied;
    if (applied == 0) break;
  }
  return out;
}

}  // namespace proviso::driver

// Engine options from the command line and the environment, and the wording of notes.
#include "tools/engine.h"

#include <charconv>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "tools/cli.h"

namespace proviso::cli {

bool cache_max_bytes_from_environment(uint64_t* bytes) {
  const char* v = std::getenv("PROVISO_CACHE_MAX_MIB");
  if (!v || !*v) return true;
  std::string_view s(v);
  uint64_t mib = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), mib);
  if (ec != std::errc() || end != s.data() + s.size() || mib > (uint64_t{1} << 40)) {
    print_error(fmt::format("PROVISO_CACHE_MAX_MIB must be a whole number of MiB, got `{}`", s));
    return false;
  }
  *bytes = mib << 20;
  return true;
}

bool engine_options(const EngineFlags& f, EngineOptions* out) {
  EngineOptions o;
  if (!cache_max_bytes_from_environment(&o.cache_max_bytes)) return false;
  o.engine = f.engine == "interp" ? EngineKind::Interpreter : f.chosen ? EngineKind::Jit : EngineKind::Auto;
#if PROVISO_ENABLE_JIT
  o.compile_budget_ms = jit::kDefaultCompileBudgetMs;
#else
  if (o.engine == EngineKind::Jit) {
    print_error(kNoJit);
    return false;
  }
#endif
  o.use_cache = f.use_cache;
  o.cache_notes = f.verbose;
  // Every command destroys its policies before it returns from main (EngineOptions::tiered).
  o.tiered = true;
  std::string label = f.label.empty() ? "" : f.label + ": ";
  o.on_note = [label, fallback = f.fallback, force = f.force_flag, cached = f.use_cache](const Note& n) {
    switch (n.kind) {
      case Note::Kind::Cache: std::cerr << "proviso: cache: " << n.message << "\n"; break;
      case Note::Kind::CompilingLong:
        std::cerr << fmt::format("proviso: note: {}{}{}\n", label, n.message,
                                 cached ? "; the object cache keeps it for the next run" : "");
        break;
      case Note::Kind::Interpreter:
        if (n.over_budget)
          std::cerr << fmt::format("proviso: note: {}{}: {}; `{}` compiles it once and caches it\n", label, fallback,
                                   n.message, force);
        else
          std::cerr << fmt::format("proviso: note: {}{}; {}\n", label, n.message, fallback);
        break;
    }
  };
  *out = std::move(o);
  return true;
}

#if PROVISO_ENABLE_JIT
void report_cache(const jit::CompileInfo& info, bool verbose) {
  if (verbose && !info.cache_note.empty()) std::cerr << "proviso: cache: " << info.cache_note << "\n";
}
#endif

}  // namespace proviso::cli

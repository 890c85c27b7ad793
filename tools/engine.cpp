// The evaluator choice of eval, test and bench.
#include "tools/engine.h"

#include <charconv>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "tools/cli.h"

namespace proviso::cli {

bool jit_options_from_environment(jit::JitOptions* options) {
  const char* v = std::getenv("PROVISO_CACHE_MAX_MIB");
  if (!v || !*v) return true;
  std::string_view s(v);
  uint64_t mib = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), mib);
  if (ec != std::errc() || end != s.data() + s.size() || mib > (uint64_t{1} << 40)) {
    print_error(fmt::format("PROVISO_CACHE_MAX_MIB must be a whole number of MiB, got `{}`", s));
    return false;
  }
  options->cache_max_bytes = mib << 20;
  return true;
}

void report_cache(const jit::CompileInfo& info, bool verbose) {
  if (verbose && !info.cache_note.empty()) std::cerr << "proviso: cache: " << info.cache_note << "\n";
}

PreparedEngine prepare_engine(const ir::Program& p, const EngineRequest& r) {
  PreparedEngine out;
  if (r.engine != "jit") return out;
  std::string label = r.label.empty() ? "" : r.label + ": ";
  jit::JitOptions options;
  if (!jit_options_from_environment(&options)) {
    out.exit_code = kUsage;
    return out;
  }
  options.use_cache = r.use_cache;
  // First without compiling anything costly: a cached or small policy starts at once.
  options.compile_budget_ms = jit::kDefaultCompileBudgetMs;
  auto created = jit::CompiledPolicy::create(p, options);
  if (!created.ok() && created.status.code == jit::Status::Code::OverBudget && r.chosen) {
    std::cerr << fmt::format("proviso: note: {}compiling a large policy to native code: about {:.1f} s (estimated){}\n",
                             label, jit::estimate_compile_ms(p) / 1000,
                             r.use_cache ? "; the object cache keeps it for the next run" : "");
    options.compile_budget_ms = 0;
    created = jit::CompiledPolicy::create(p, options);
  }
  if (created.ok()) {
    report_cache(created.policy->info(), r.verbose);
    out.jit = std::move(created.policy);
    return out;
  }
  if (r.required) {
    print_error(label + created.status.message);
    out.exit_code = kFailed;
    return out;
  }
  // The default engine: the reference interpreter answers what the JIT cannot, or cannot
  // start quickly.
  if (created.status.code == jit::Status::Code::OverBudget)
    std::cerr << fmt::format(
        "proviso: note: {}{}: compiling this policy would take about {:.1f} s (estimated); `{}` compiles it once "
        "and caches it\n",
        label, r.fallback, jit::estimate_compile_ms(p) / 1000, r.force_flag);
  else
    std::cerr << "proviso: note: " << label << created.status.message << "; " << r.fallback << "\n";
  return out;
}

}  // namespace proviso::cli

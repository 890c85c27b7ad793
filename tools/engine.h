// Which evaluator a command uses, shared by `eval`, `test` and `bench`: the JIT when it can
// start quickly (its code is cached, or it compiles within the budget), else the reference
// interpreter with a note; an explicit `--engine jit` always compiles, saying so when that
// will take long. Also the cache settings every compiling command shares.
#pragma once
#include <memory>
#include <string>

#include "compiler/jit/jit.h"

namespace proviso::cli {

struct EngineRequest {
  std::string engine = "jit";  // "jit" or "interp"
  bool chosen = false;         // --engine was given: compile even a large policy
  bool required = false;       // a JIT that cannot be used is an error (else: the interpreter, with a note)
  bool use_cache = true;       // not --no-cache
  bool verbose = false;        // --verbose: say what the cache did
  std::string label;           // prefixed to notes ("FILE: "), may be ""
  // How notes name the fallback and the flag that forces compiling.
  std::string fallback = "evaluating with the interpreter";
  std::string force_flag = "--engine jit";
};

struct PreparedEngine {
  std::unique_ptr<const jit::CompiledPolicy> jit;  // null: use the interpreter
  int exit_code = 0;                               // non-zero: stop (the message was printed)
};

// The JIT options every command uses: the cache directory and size
// (PROVISO_CACHE_MAX_MIB, default 256). False, with a message printed, when the environment
// holds a bad value.
bool jit_options_from_environment(jit::JitOptions* options);

PreparedEngine prepare_engine(const ir::Program& program, const EngineRequest& request);

// `proviso: cache: NOTE` on stderr when `verbose` and there is a note.
void report_cache(const jit::CompileInfo& info, bool verbose);

}  // namespace proviso::cli

// The command line's side of choosing an engine (the rules are the library's: include/
// proviso/proviso.hpp): EngineOptions from `--engine`, `--no-cache`, `--verbose` and the
// environment, with notes worded for the command line on stderr.
#pragma once
#include <string>

#include <proviso/proviso.hpp>

#include "compiler/jit/jit.h"

namespace proviso::cli {

struct EngineFlags {
  std::string engine = "jit";  // "jit" or "interp" (`test`'s "both" means jit here)
  bool chosen = false;         // --engine was given
  bool use_cache = true;       // not --no-cache
  bool verbose = false;        // --verbose: say what the cache did
  std::string label;           // prefixed to notes ("FILE: "), may be ""
  // How notes name the fallback and the flag that forces compiling.
  std::string fallback = "evaluating with the interpreter";
  std::string force_flag = "--engine jit";
};

// PROVISO_CACHE_MAX_MIB (default 256). False, with a message printed, for a bad value.
bool cache_max_bytes_from_environment(uint64_t* bytes);

// The options for the library. False (a message printed) when the environment is bad.
bool engine_options(const EngineFlags& flags, EngineOptions* out);

// `proviso: cache: NOTE` on stderr when `verbose` and there is a note (bench, which measures
// the JIT directly).
void report_cache(const jit::CompileInfo& info, bool verbose);

}  // namespace proviso::cli

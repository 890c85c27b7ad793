// The command line's side of choosing an engine (the rules are the library's: include/
// proviso/proviso.hpp): EngineOptions from `--engine`, `--no-cache`, `--verbose` and the
// environment, with notes worded for the command line on stderr. In a build without the JIT
// (PROVISO_ENABLE_JIT=0, from CMake's PROVISO_ENABLE_JIT=OFF) every policy runs on the
// interpreter and asking for the JIT is an error.
#pragma once
#include <string>

#include <proviso/proviso.hpp>

#if PROVISO_ENABLE_JIT
#include "compiler/jit/jit.h"
#endif

namespace proviso::cli {

// The error for `--engine jit` in a build without the JIT, in the library's words.
inline constexpr const char* kNoJit = "this build of Proviso has no JIT (PROVISO_ENABLE_JIT=OFF)";

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

// The options for the library. False (a message printed) when the environment is bad, or
// when --engine asks for the JIT in a build without it.
bool engine_options(const EngineFlags& flags, EngineOptions* out);

#if PROVISO_ENABLE_JIT
// `proviso: cache: NOTE` on stderr when `verbose` and there is a note (bench, which measures
// the JIT directly).
void report_cache(const jit::CompileInfo& info, bool verbose);
#endif

}  // namespace proviso::cli

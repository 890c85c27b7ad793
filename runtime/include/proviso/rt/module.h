// Parts of the `proviso` command kept in shared libraries of their own (modules), loaded on
// first use so that a command that does not need them never loads their libraries: the JIT's
// LLVM part, libproviso-llvm.so (compiler/jit/backend_loader.cpp), and the Z3 part of
// `proviso diff`, libproviso-diff.so (compiler/diff/module_loader.cpp). A module uses the
// program's own code and types, so it must come from the same build: each carries a hash of
// the sources it shares with the program, which is compared before anything else is called.
#pragma once

#include <string>
#include <string_view>

namespace proviso::rt {

struct ModuleSpec {
  std::string_view file;         // "libproviso-llvm.so"
  std::string_view dirs;         // where to look, relative to the program's directory, ':' between
  std::string_view name;         // for messages: "the JIT's LLVM module"
  const char* entry;             // the module's extern "C" function to call
  const char* hash_function;     // the module's extern "C" function that gives its source hash
  std::string_view source_hash;  // the program's
};

// Loads the module (RTLD_NOW: a symbol it needs and the program lacks is an error here, not a
// crash later) from the first directory that holds it, and checks its source hash. The
// address of its entry, or null with `error` set: "cannot load `PATH`: REASON", "`PATH` is
// not NAME", "`PATH` was built from other sources than this program", or "NAME FILE is not
// installed with this program (looked for PATHS)".
void* load_module(const ModuleSpec& spec, std::string* error);

}  // namespace proviso::rt

// backend() for a program that loads the JIT's LLVM part as the module libproviso-llvm.so
// (backend.h; the `proviso` command): the module is looked for next to the program and loaded
// on the first call (rt::load_module). No LLVM here. (backend_linked.cpp is the other
// backend(), for programs that link it.)
#include "compiler/jit/backend.h"
#include "compiler/jit/jit.h"

#include <mutex>

#include <proviso/rt/module.h>

// Where the module is looked for, relative to the directory of the running program, separated
// by ':' (given by CMake: the build tree's layout, then the installed one).
#ifndef PROVISO_LLVM_MODULE_DIRS
#define PROVISO_LLVM_MODULE_DIRS "../lib/proviso"
#endif

namespace proviso::jit {

Backend* backend(std::string* error) {
  static std::once_flag once;
  static Backend* b = nullptr;
  static std::string failure;
  std::call_once(once, [] {
    using Entry = Backend* (*)(std::string*);
    const rt::ModuleSpec spec{"libproviso-llvm.so",       PROVISO_LLVM_MODULE_DIRS,       "the JIT's LLVM module",
                              "proviso_jit_llvm_backend", "proviso_jit_llvm_source_hash", jit_source_hash()};
    if (void* entry = rt::load_module(spec, &failure)) b = reinterpret_cast<Entry>(entry)(&failure);
  });
  if (!b) *error = failure;
  return b;
}

}  // namespace proviso::jit

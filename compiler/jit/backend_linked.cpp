// backend() for a program that links the JIT's LLVM part (backend.h): libproviso.so, the
// tests. (backend_loader.cpp is the other backend(), for the `proviso` command.)
#include <mutex>

#include "compiler/jit/backend.h"

namespace proviso::jit {

Backend* backend(std::string* error) {
  static std::once_flag once;
  static Backend* b = nullptr;
  static std::string failure;
  std::call_once(once, [] { b = proviso_jit_llvm_backend(&failure); });
  if (!b) *error = failure;
  return b;
}

}  // namespace proviso::jit

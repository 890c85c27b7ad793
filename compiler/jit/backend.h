// The part of the JIT that needs LLVM (no LLVM types here): compiling a policy part to object
// code, and linking the objects Proviso's own loader declines (elf_object.h). It is
// llvm_backend.cpp and codegen*.cpp, the only sources that include LLVM headers.
//
// Most programs link it (libproviso.so, the tests). The `proviso` command does not: it loads it
// as a module, libproviso-llvm.so, the first time it compiles a policy or links an object its
// own loader declines, so that a command whose policies come from the cache (and every command
// that evaluates nothing, such as `check` or `fmt`) never loads libLLVM, whose loading alone
// costs more CPU time than everything else at start-up (docs/DEPLOY.md, "The JIT's module").
#pragma once
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/jit/elf_object.h"
#include "compiler/jit/host.h"

namespace proviso::jit {

// The two parts a policy compiles to (codegen.h says what each defines).
enum class Part { Main, Subset };

// Which code a compilation produces. The order matters: a later tier replaces an earlier one.
enum class Tier { Quick = 0, Optimised = 1 };

// PROVISO_JIT_TIMING=1: both sides of the JIT print the time of each stage on stderr.
inline bool jit_timing() { return std::getenv("PROVISO_JIT_TIMING") != nullptr; }
using Clock = std::chrono::steady_clock;
inline double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// A policy part compiled to a relocatable object, with its error-site table.
struct ObjectCode {
  std::string object;
  std::vector<ErrorSite> sites;
  std::string error;  // "" or why: "the JIT does not support ..." or "LLVM could not ..."
};

class Backend {
 public:
  virtual ~Backend() = default;
  // This machine as LLVM compiles for it ("triple cpu features"), for the cache key where
  // Proviso cannot tell it without LLVM (host_fingerprint() in jit.cpp).
  virtual std::string target() const = 0;
  // Generates, optimises and compiles one part. Thread-safe: tiers and policies compile on
  // several threads at once.
  virtual ObjectCode compile(const Host& host, Part part, Tier tier, int opt_level) const = 0;
  // Links `object` with LLVM's linker; null, with `error` set, when it cannot.
  virtual std::unique_ptr<LinkedCode> link(std::string_view object, const std::vector<std::string_view>& entries,
                                           const std::string& name, std::string* error) = 0;
};

// The process's backend, set up or loaded on the first call (thread-safe); null, with `error`
// set ("cannot load `PATH`: ..."), when it cannot be had. Defined twice, and each program links
// one: backend_linked.cpp (in proviso_jit_llvm) or backend_loader.cpp (proviso_jit_loader).
Backend* backend(std::string* error);

}  // namespace proviso::jit

// Defined by llvm_backend.cpp: the backend, set up on the first call; null, with `error` set,
// when LLVM cannot target this machine. The name the module is looked up by.
extern "C" proviso::jit::Backend* proviso_jit_llvm_backend(std::string* error);

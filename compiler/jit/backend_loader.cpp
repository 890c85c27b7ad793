// backend() for a program that loads the JIT's LLVM part as the module libproviso-llvm.so
// (backend.h; the `proviso` command): the module is looked for next to the program and loaded
// on the first call. No LLVM here. (backend_linked.cpp is the other backend(), for programs
// that link it.)
#include "compiler/jit/backend.h"
#include "compiler/jit/jit.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <mutex>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

// Where the module is looked for, relative to the directory of the running program, separated
// by ':' (given by CMake: the build tree's layout, then the installed one).
#ifndef PROVISO_LLVM_MODULE_DIRS
#define PROVISO_LLVM_MODULE_DIRS "../lib/proviso"
#endif

namespace proviso::jit {

namespace {

constexpr const char* kModule = "libproviso-llvm.so";

// The directory of the running program ("" when /proc cannot tell).
std::string program_dir() {
  char path[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return "";
  std::string_view p(path, static_cast<size_t>(n));
  size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(p.substr(0, slash));
}

Backend* load_module(std::string* error) {
  using Entry = Backend* (*)(std::string*);
  const std::string dir = program_dir();
  std::vector<std::string> looked;
  std::string_view dirs = PROVISO_LLVM_MODULE_DIRS;
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::string_view rel = dirs.substr(0, colon);
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    std::string path = fmt::format("{}/{}/{}", dir, rel, kModule);
    // The build's and the install's layouts may be the same.
    if (std::find(looked.begin(), looked.end(), path) != looked.end()) continue;
    looked.push_back(path);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) continue;
    // RTLD_NOW: a symbol the module needs and this program lacks is an error here, not a
    // crash later.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = ::dlerror();
      *error = fmt::format("cannot load `{}`: {}", path, why ? why : "unknown error");
      return nullptr;
    }
    auto entry = reinterpret_cast<Entry>(::dlsym(handle, "proviso_jit_llvm_backend"));
    auto hash = reinterpret_cast<const char* (*)()>(::dlsym(handle, "proviso_jit_llvm_source_hash"));
    if (!entry || !hash) {
      *error = fmt::format("`{}` is not Proviso's LLVM module", path);
      return nullptr;
    }
    // Its code uses this program's types and layouts: it must come from the same sources.
    if (std::string_view(hash()) != jit_source_hash()) {
      *error = fmt::format("`{}` was built from other sources than this program", path);
      return nullptr;
    }
    return entry(error);
  }
  *error = fmt::format("the JIT's LLVM module {} is not installed with this program (looked for {})", kModule,
                       fmt::join(looked, ", "));
  return nullptr;
}

}  // namespace

Backend* backend(std::string* error) {
  static std::once_flag once;
  static Backend* b = nullptr;
  static std::string failure;
  std::call_once(once, [] { b = load_module(&failure); });
  if (!b) *error = failure;
  return b;
}

}  // namespace proviso::jit

// Shared by the fuzz targets: a check that aborts with a message (so libFuzzer and the replay
// driver both report the input), and the path of the source tree for targets that load a policy.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

// Not assert(): the targets are built with NDEBUG in RelWithDebInfo, and the properties they
// check must hold in every build.
#define FUZZ_CHECK(cond, ...)                                                              \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "fuzz check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      ::proviso::fuzz::print_detail(__VA_ARGS__);                                          \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)

namespace proviso::fuzz {

inline void print_detail() {}
inline void print_detail(const std::string& detail) { std::fprintf(stderr, "%s\n", detail.c_str()); }

// PROVISO_SOURCE_DIR from the environment (ctest sets it), else the directory the target was
// configured from.
inline std::string source_dir() {
  if (const char* env = std::getenv("PROVISO_SOURCE_DIR"); env && *env) return env;
#ifdef PROVISO_SOURCE_DIR
  return PROVISO_SOURCE_DIR;
#else
  return ".";
#endif
}

}  // namespace proviso::fuzz

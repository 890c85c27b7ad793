#include <proviso/rt/module.h>

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace proviso::rt {

namespace {

// The directory of the running program ("" when /proc cannot tell).
std::string program_dir() {
  char path[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return "";
  std::string_view p(path, static_cast<size_t>(n));
  size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(p.substr(0, slash));
}

}  // namespace

void* load_module(const ModuleSpec& spec, std::string* error) {
  const std::string dir = program_dir();
  std::vector<std::string> looked;
  std::string_view dirs = spec.dirs;
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::string_view rel = dirs.substr(0, colon);
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    std::string path = fmt::format("{}/{}/{}", dir, rel, spec.file);
    // The build's and the install's layouts may be the same.
    if (std::find(looked.begin(), looked.end(), path) != looked.end()) continue;
    looked.push_back(path);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) continue;
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = ::dlerror();
      *error = fmt::format("cannot load `{}`: {}", path, why ? why : "unknown error");
      return nullptr;
    }
    void* entry = ::dlsym(handle, spec.entry);
    auto hash = reinterpret_cast<const char* (*)()>(::dlsym(handle, spec.hash_function));
    if (!entry || !hash) {
      *error = fmt::format("`{}` is not {}", path, spec.name);
      return nullptr;
    }
    // Its code uses this program's types and layouts: it must come from the same sources.
    if (std::string_view(hash()) != spec.source_hash) {
      *error = fmt::format("`{}` was built from other sources than this program", path);
      return nullptr;
    }
    return entry;
  }
  *error = fmt::format("{} {} is not installed with this program (looked for {})", spec.name, spec.file,
                       fmt::join(looked, ", "));
  return nullptr;
}

}  // namespace proviso::rt

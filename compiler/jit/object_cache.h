// Entries of the compiled-object cache on disk (no LLVM here): one file per compiled policy,
// `<dir>/<key hex>.pjo`, holding a header (magic, format, the 32-byte key, sizes and a
// checksum), the error-site table and the object file. Writes go to a temporary file renamed
// into place, so readers never see half an entry; damaged and stale entries are detected.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace proviso::jit {

using CacheKey = std::array<uint8_t, 32>;

enum class EntryState {
  Missing,
  Damaged,  // truncated, wrong magic, wrong sizes or checksum
  Stale,    // another format or key (a hash collision in the name, an old JIT)
  Ok,
};

bool write_entry(const std::string& path, const CacheKey& key, std::string_view meta, std::string_view object,
                 std::string* why);
EntryState read_entry(const std::string& path, const CacheKey& key, std::string* meta, std::string* object);

// `dir` when given, else $XDG_CACHE_HOME/proviso, else $HOME/.cache/proviso, else "".
std::string cache_directory(const std::string& dir);

}  // namespace proviso::jit

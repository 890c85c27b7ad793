// The compiled-object cache on disk (no LLVM here): one file per compiled policy part,
// `<dir>/<key hex>.pjo`, holding a header (magic, format, the 32-byte key, sizes, and an
// HMAC-SHA256 of everything else under the user's own secret key), the error-site table and
// the object file. Native code is only ever loaded from a directory that nobody but the user
// (and root) can write, and only when its MAC verifies: see docs/SECURITY.md.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace proviso::jit {

using CacheKey = std::array<uint8_t, 32>;

enum class EntryState {
  Missing,
  Damaged,    // truncated, wrong magic or sizes, not a regular file, too large, unreadable
  Stale,      // another format or key (a hash collision in the name, an old JIT)
  Forged,     // the MAC does not verify: not written by this user's proviso, or altered since
  Untrusted,  // owned by someone else, or writable by group or others
  Ok,
};

// The default bound on the bytes of all entries of one cache directory; the oldest entries
// (by last use) are removed past it.
inline constexpr uint64_t kDefaultCacheMaxBytes = uint64_t{256} << 20;
// No entry larger than this is read (a compiled policy is far smaller).
inline constexpr uint64_t kMaxEntryBytes = uint64_t{64} << 20;

// Where the cache lives: `dir` when given (then only that directory is checked), else
// $XDG_CACHE_HOME/proviso (checked up to $XDG_CACHE_HOME), else $HOME/.cache/proviso (checked up
// to $HOME). `boundary` is the last directory whose ownership and mode are checked.
struct CacheLocation {
  std::string dir;       // "" when no directory can be found ($HOME unset)
  std::string boundary;  // an ancestor of dir, or dir itself
};
CacheLocation cache_location(const std::string& dir);

// "" when `dir` may hold code that will be run: it and every directory above it up to
// `boundary` are owned by the effective user (or root) and writable by nobody else, except
// that a root-owned directory with the sticky bit (such as /tmp) is accepted above `dir` (and
// as `dir` itself when `dir_is_parent`: it is then an ancestor of the cache directory).
// Otherwise why not, naming the directory.
std::string untrusted_directory(const std::string& dir, const std::string& boundary, bool dir_is_parent = false);

// One opened cache directory. Opening creates the directory (mode 0700) when missing, checks
// it, and reads the user's MAC key (`<dir>/mac.key`, 32 random bytes, mode 0600), creating it
// on first use. A cache that fails any of this is not usable; entries are then neither read
// nor written.
class ObjectCache {
 public:
  static ObjectCache open(const CacheLocation& where, uint64_t max_bytes = kDefaultCacheMaxBytes);

  bool usable() const { return why_.empty(); }
  // Why the cache is not usable (one line, lower case), else "".
  const std::string& why() const { return why_; }
  const std::string& dir() const { return dir_; }
  uint64_t max_bytes() const { return max_bytes_; }
  std::string key_path() const { return dir_ + "/mac.key"; }
  std::string entry_path(const CacheKey& key) const;

  // Reads the entry for `key`: a regular file owned by the user, not writable by others, no
  // larger than kMaxEntryBytes, opened without following links or blocking; its MAC, key and
  // sizes must match. `why` says what was wrong when the state is not Ok or Missing. A hit
  // marks the entry as recently used.
  EntryState read(const CacheKey& key, std::string* meta, std::string* object, std::string* why) const;

  // Writes the entry through a fresh temporary file (mkstemp, mode 0600) renamed into place,
  // then removes the least recently used entries while the cache holds more than max_bytes().
  bool write(const CacheKey& key, std::string_view meta, std::string_view object, std::string* why) const;

  struct Stats {
    size_t entries = 0;
    uint64_t bytes = 0;
    size_t temporary = 0;  // leftovers of interrupted writes
  };
  Stats stats() const;
  // Removes every entry and leftover temporary file (the key stays). Gives what was removed.
  bool clean(Stats* removed, std::string* why) const;

 private:
  std::string dir_;
  std::string why_;
  uint64_t max_bytes_ = kDefaultCacheMaxBytes;
  std::array<uint8_t, 32> mac_key_{};
};

// The key of an entry: the SHA-256 of everything its object code depends on (Nettle's, which
// uses the CPU's SHA instructions where it has them).
CacheKey cache_key(std::string_view material);

// HMAC-SHA256 (RFC 2104) of the concatenation of `parts` under `key`.
std::array<uint8_t, 32> hmac_sha256(std::string_view key, std::initializer_list<std::string_view> parts);

}  // namespace proviso::jit

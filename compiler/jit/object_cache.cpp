// The cache entry format, the trust checks on its directory, reading with every check,
// writing through unpredictable temporary files, and eviction.
#include <proviso/rt/error.h>

#include "compiler/jit/object_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include <fmt/format.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>

namespace proviso::jit {

namespace {

constexpr char kMagic[8] = {'P', 'V', 'J', 'I', 'T', 'O', 'B', 'J'};
constexpr uint32_t kFormat = 2;  // 2: HMAC-SHA256 instead of an unkeyed checksum
constexpr std::string_view kEntrySuffix = ".pjo";
constexpr std::string_view kTempPrefix = ".tmp-";
constexpr char kKeyFile[] = "mac.key";
constexpr size_t kKeyBytes = 32;

struct EntryHeader {
  char magic[8];
  uint32_t format;
  uint32_t reserved;
  uint8_t key[32];
  uint64_t meta_size;
  uint64_t object_size;
  uint8_t mac[32];  // of the header up to here, then meta, then object
};
constexpr size_t kMacCovered = offsetof(EntryHeader, mac);

// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool read_all(int fd, char* out, size_t size) {
  while (size > 0) {
    ssize_t n = ::read(fd, out, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    out += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Why a file or directory owned as `st` may not hold code, or "".
std::string untrusted_owner_or_mode(const std::string& path, const struct stat& st, bool sticky_parent_ok) {
  uid_t me = ::geteuid();
  if (st.st_uid != me && st.st_uid != 0)
    return fmt::format("`{}` is owned by user {}, not by you (user {})", path, st.st_uid, me);
  bool shared = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  if (shared && !(sticky_parent_ok && st.st_uid == 0 && (st.st_mode & S_ISVTX)))
    return fmt::format("`{}` is writable by group or others (mode {:04o})", path, st.st_mode & 07777);
  return "";
}

std::string parent_of(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// mkdir -p with mode 0700 for the directories it creates.
bool make_private_directories(const std::string& dir, std::string* why) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    *why = fmt::format("`{}` is not a directory", dir);
    return false;
  }
  std::string parent = parent_of(dir);
  if (parent != dir && !make_private_directories(parent, why)) return false;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *why = fmt::format("cannot create `{}`: {}", dir, rt::system_reason(errno));
    return false;
  }
  return true;
}

// A temporary file in `dir` with an unpredictable name, created exclusively (mode 0600).
int make_temp(const std::string& dir, std::string* path) {
  std::string templ = dir + "/" + std::string(kTempPrefix) + "XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd >= 0) {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    *path = buf.data();
  }
  return fd;
}

enum class Opened { Ok, Missing, Untrusted, Unusable };

// Opens a file for reading the way every cache file is read: no links followed, no blocking
// on a FIFO, and only a regular file that the user owns and nobody else can write, of at most
// `max_size` bytes. Gives Ok with the descriptor in `*fd`, or why not.
Opened open_private_file(const std::string& path, uint64_t max_size, int* fd, struct stat* st, std::string* why) {
  *fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (*fd < 0) {
    int e = errno;
    if (e == ENOENT) return Opened::Missing;
    *why = fmt::format("cannot open `{}`: {}", path, e == ELOOP ? "it is a symbolic link" : rt::system_reason(e));
    return Opened::Unusable;
  }
  auto refuse = [&](Opened kind, std::string message) {
    ::close(*fd);
    *fd = -1;
    *why = std::move(message);
    return kind;
  };
  if (::fstat(*fd, st) != 0)
    return refuse(Opened::Unusable, fmt::format("cannot read `{}`: {}", path, rt::system_reason(errno)));
  if (!S_ISREG(st->st_mode)) return refuse(Opened::Unusable, fmt::format("`{}` is not a regular file", path));
  if (st->st_uid != ::geteuid())
    return refuse(Opened::Untrusted,
                  fmt::format("`{}` is owned by user {}, not by you (user {})", path, st->st_uid, ::geteuid()));
  if (st->st_mode & (S_IWGRP | S_IWOTH))
    return refuse(Opened::Untrusted,
                  fmt::format("`{}` is writable by group or others (mode {:04o})", path, st->st_mode & 07777));
  if (static_cast<uint64_t>(st->st_size) > max_size)
    return refuse(Opened::Unusable, fmt::format("`{}` is larger than {} MiB", path, max_size >> 20));
  // The reads that follow may block again: regular files never do.
  ::fcntl(*fd, F_SETFL, ::fcntl(*fd, F_GETFL) & ~O_NONBLOCK);
  return Opened::Ok;
}

// The user's MAC key: read when present and private, else created (32 bytes from the
// kernel's random source, written to a temporary file and linked into place, so that two
// processes creating it at once agree on one key).
bool load_or_create_key(const std::string& dir, std::array<uint8_t, 32>* key, std::string* why) {
  std::string path = dir + "/" + kKeyFile;
  for (int attempt = 0; attempt < 2; ++attempt) {
    struct stat st;
    int fd = -1;
    Opened opened = open_private_file(path, 4096, &fd, &st, why);
    if (opened == Opened::Ok) {
      Fd guard(fd);
      if (st.st_mode & (S_IRGRP | S_IROTH)) {
        *why = fmt::format("the cache key `{}` is readable by others (mode {:04o})", path, st.st_mode & 07777);
        return false;
      }
      if (st.st_size != static_cast<off_t>(kKeyBytes) ||
          !read_all(fd, reinterpret_cast<char*>(key->data()), kKeyBytes)) {
        *why = fmt::format("the cache key `{}` is not {} bytes long", path, kKeyBytes);
        return false;
      }
      return true;
    }
    if (opened != Opened::Missing) return false;
    // Create it.
    std::array<uint8_t, kKeyBytes> fresh;
    size_t got = 0;
    while (got < fresh.size()) {
      ssize_t n = ::getrandom(fresh.data() + got, fresh.size() - got, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        *why = "cannot read random bytes for the cache key: " + rt::system_reason(errno);
        return false;
      }
      got += static_cast<size_t>(n);
    }
    std::string tmp;
    int tfd = make_temp(dir, &tmp);
    if (tfd < 0) {
      *why = fmt::format("cannot create the cache key in `{}`: {}", dir, rt::system_reason(errno));
      return false;
    }
    bool ok = write_all(tfd, std::string_view(reinterpret_cast<const char*>(fresh.data()), fresh.size())) &&
              ::fsync(tfd) == 0;
    ::close(tfd);
    if (ok && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
      // No hard links on this file system: a rename (a concurrent creator may win; its
      // entries then fail our MAC once and are rebuilt).
      ok = ::rename(tmp.c_str(), path.c_str()) == 0;
    }
    ::unlink(tmp.c_str());
    if (!ok) {
      *why = fmt::format("cannot create the cache key `{}`: {}", path, rt::system_reason(errno));
      return false;
    }
  }
  *why = fmt::format("cannot read the cache key `{}`", path);
  return false;
}

std::string hex_of(const CacheKey& key) {
  std::string hex;
  hex.reserve(64);
  for (uint8_t b : key) hex += fmt::format("{:02x}", b);
  return hex;
}

struct Listed {
  std::string path;
  uint64_t bytes = 0;
  struct timespec used {};
  bool temporary = false;
};

// The entries and temporary files of a cache directory.
std::vector<Listed> list_directory(const std::string& dir) {
  std::vector<Listed> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    bool temp = name.substr(0, kTempPrefix.size()) == kTempPrefix;
    if (!temp && !ends_with(name, kEntrySuffix)) continue;
    struct stat st;
    if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) continue;
    out.push_back({dir + "/" + std::string(name), static_cast<uint64_t>(st.st_size), st.st_mtim, temp});
  }
  ::closedir(d);
  return out;
}

bool older(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec != b.tv_sec ? a.tv_sec < b.tv_sec : a.tv_nsec < b.tv_nsec;
}

}  // namespace

CacheKey cache_key(std::string_view material) {
  static_assert(std::tuple_size_v<CacheKey> == SHA256_DIGEST_SIZE);
  CacheKey out{};
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, material.size(), reinterpret_cast<const uint8_t*>(material.data()));
  sha256_digest(&ctx, out.size(), out.data());
  return out;
}

std::array<uint8_t, 32> hmac_sha256(std::string_view key, std::initializer_list<std::string_view> parts) {
  std::array<uint8_t, SHA256_DIGEST_SIZE> out{};
  hmac_sha256_ctx ctx;
  hmac_sha256_set_key(&ctx, key.size(), reinterpret_cast<const uint8_t*>(key.data()));
  for (std::string_view part : parts)
    hmac_sha256_update(&ctx, part.size(), reinterpret_cast<const uint8_t*>(part.data()));
  hmac_sha256_digest(&ctx, out.size(), out.data());
  return out;
}

CacheLocation cache_location(const std::string& dir) {
  auto strip = [](std::string s) {
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
  };
  if (!dir.empty()) return {strip(dir), strip(dir)};
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x == '/') return {strip(x) + "/proviso", strip(x)};
  if (const char* h = std::getenv("HOME"); h && *h == '/') return {strip(h) + "/.cache/proviso", strip(h)};
  return {};
}

std::string untrusted_directory(const std::string& dir, const std::string& boundary, bool dir_is_parent) {
  char* real = ::realpath(dir.c_str(), nullptr);
  if (!real) return fmt::format("cannot resolve `{}`: {}", dir, rt::system_reason(errno));
  std::string path = real;
  std::free(real);
  std::string stop;
  if (char* b = ::realpath(boundary.c_str(), nullptr)) {
    stop = b;
    std::free(b);
  }
  // The boundary must be where the walk ends: a directory reached through a link to
  // elsewhere is checked all the way up to the root instead.
  for (bool first = true;; first = false) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return fmt::format("cannot inspect `{}`: {}", path, rt::system_reason(errno));
    if (!S_ISDIR(st.st_mode)) return fmt::format("`{}` is not a directory", path);
    std::string why = untrusted_owner_or_mode(path, st, /*sticky_parent_ok=*/!first || dir_is_parent);
    if (!why.empty()) return why;
    if (path == stop || path == "/") return "";
    path = parent_of(path);
  }
}

ObjectCache ObjectCache::open(const CacheLocation& where, uint64_t max_bytes) {
  ObjectCache c;
  c.dir_ = where.dir;
  c.max_bytes_ = max_bytes;
  if (where.dir.empty()) {
    c.why_ = "no cache directory: neither XDG_CACHE_HOME nor HOME is an absolute path";
    return c;
  }
  // The directories that exist already are checked before anything is created in them.
  std::string existing = where.dir;
  struct stat st;
  while (existing != "/" && existing != where.boundary && ::stat(existing.c_str(), &st) != 0)
    existing = parent_of(existing);
  if (existing != where.dir && ::stat(existing.c_str(), &st) == 0) {
    c.why_ = untrusted_directory(existing, where.boundary, /*dir_is_parent=*/true);
    if (!c.why_.empty()) {
      c.why_ = "not using the cache: " + c.why_;
      return c;
    }
  }
  if (!make_private_directories(where.dir, &c.why_)) return c;
  c.why_ = untrusted_directory(where.dir, where.boundary);
  if (!c.why_.empty()) {
    c.why_ = "not using the cache: " + c.why_;
    return c;
  }
  std::string why;
  if (!load_or_create_key(where.dir, &c.mac_key_, &why)) c.why_ = "not using the cache: " + why;
  return c;
}

std::string ObjectCache::entry_path(const CacheKey& key) const {
  return dir_ + "/" + hex_of(key) + std::string(kEntrySuffix);
}

EntryState ObjectCache::read(const CacheKey& key, std::string* meta, std::string* object, std::string* why) const {
  if (!usable()) return EntryState::Missing;
  std::string path = entry_path(key);
  struct stat st;
  int fd = -1;
  switch (open_private_file(path, kMaxEntryBytes, &fd, &st, why)) {
    case Opened::Ok: break;
    case Opened::Missing: return EntryState::Missing;
    case Opened::Untrusted: return EntryState::Untrusted;
    case Opened::Unusable: return EntryState::Damaged;
  }
  Fd guard(fd);
  auto size = static_cast<uint64_t>(st.st_size);
  EntryHeader h;
  if (size < sizeof h) {
    *why = fmt::format("`{}` is truncated", path);
    return EntryState::Damaged;
  }
  std::string bytes(size, '\0');
  if (!read_all(fd, bytes.data(), size)) {
    *why = fmt::format("cannot read `{}`", path);
    return EntryState::Damaged;
  }
  std::memcpy(&h, bytes.data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) {
    *why = fmt::format("`{}` is not a cache entry", path);
    return EntryState::Damaged;
  }
  if (h.format != kFormat || std::memcmp(h.key, key.data(), key.size()) != 0) {
    *why = fmt::format("`{}` was made for another compiler or policy", path);
    return EntryState::Stale;
  }
  if (h.meta_size > size || h.object_size > size || sizeof h + h.meta_size + h.object_size != size) {
    *why = fmt::format("`{}` is truncated or has wrong sizes", path);
    return EntryState::Damaged;
  }
  std::string_view m(bytes.data() + sizeof h, h.meta_size);
  std::string_view o(bytes.data() + sizeof h + h.meta_size, h.object_size);
  auto mac = hmac_sha256(std::string_view(reinterpret_cast<const char*>(mac_key_.data()), mac_key_.size()),
                         {std::string_view(bytes.data(), kMacCovered), m, o});
  if (memeql_sec(mac.data(), h.mac, mac.size()) == 0) {  // in constant time
    *why = fmt::format("`{}` was not written by your proviso (its MAC does not verify)", path);
    return EntryState::Forged;
  }
  *meta = std::string(m);
  *object = std::string(o);
  ::futimens(fd, nullptr);  // recently used: evicted last
  return EntryState::Ok;
}

bool ObjectCache::write(const CacheKey& key, std::string_view meta, std::string_view object, std::string* why) const {
  if (!usable()) {
    *why = why_;
    return false;
  }
  if (sizeof(EntryHeader) + meta.size() + object.size() > std::min(kMaxEntryBytes, max_bytes_)) {
    *why = fmt::format("the compiled policy ({} bytes) is larger than the cache allows", object.size());
    return false;
  }
  EntryHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format = kFormat;
  std::memcpy(h.key, key.data(), key.size());
  h.meta_size = meta.size();
  h.object_size = object.size();
  std::string_view head(reinterpret_cast<const char*>(&h), kMacCovered);
  auto mac = hmac_sha256(std::string_view(reinterpret_cast<const char*>(mac_key_.data()), mac_key_.size()),
                         {head, meta, object});
  std::memcpy(h.mac, mac.data(), mac.size());

  std::string tmp;
  int fd = make_temp(dir_, &tmp);
  if (fd < 0) {
    *why = fmt::format("cannot create a file in `{}`: {}", dir_, rt::system_reason(errno));
    return false;
  }
  bool ok = write_all(fd, std::string_view(reinterpret_cast<const char*>(&h), sizeof h)) && write_all(fd, meta) &&
            write_all(fd, object);
  int e = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    e = errno;
  }
  std::string path = entry_path(key);
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    e = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    *why = fmt::format("cannot write the cache entry `{}`: {}", path, rt::system_reason(e));
    return false;
  }

  // Eviction: least recently used first, never the entry just written; temporary files of
  // writes interrupted more than an hour ago go too.
  std::vector<Listed> all = list_directory(dir_);
  uint64_t total = 0;
  time_t now = ::time(nullptr);
  for (auto it = all.begin(); it != all.end();) {
    if (it->temporary) {
      if (it->used.tv_sec < now - 3600) ::unlink(it->path.c_str());
      it = all.erase(it);
      continue;
    }
    total += it->bytes;
    ++it;
  }
  if (total <= max_bytes_) return true;
  std::sort(all.begin(), all.end(), [](const Listed& a, const Listed& b) { return older(a.used, b.used); });
  for (const Listed& l : all) {
    if (total <= max_bytes_) break;
    if (l.path == path) continue;
    if (::unlink(l.path.c_str()) == 0) total -= l.bytes;
  }
  return true;
}

ObjectCache::Stats ObjectCache::stats() const {
  Stats s;
  for (const Listed& l : list_directory(dir_)) {
    if (l.temporary) {
      ++s.temporary;
    } else {
      ++s.entries;
      s.bytes += l.bytes;
    }
  }
  return s;
}

bool ObjectCache::clean(Stats* removed, std::string* why) const {
  *removed = {};
  for (const Listed& l : list_directory(dir_)) {
    if (::unlink(l.path.c_str()) != 0) {
      *why = fmt::format("cannot remove `{}`: {}", l.path, rt::system_reason(errno));
      return false;
    }
    if (l.temporary) {
      ++removed->temporary;
    } else {
      ++removed->entries;
      removed->bytes += l.bytes;
    }
  }
  return true;
}

}  // namespace proviso::jit

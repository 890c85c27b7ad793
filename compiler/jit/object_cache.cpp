// The cache entry format: reading with every check, writing atomically.
#include "compiler/jit/object_cache.h"

#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace proviso::jit {

namespace {

constexpr char kMagic[8] = {'P', 'V', 'J', 'I', 'T', 'O', 'B', 'J'};
constexpr uint32_t kFormat = 1;

struct EntryHeader {
  char magic[8];
  uint32_t format;
  uint32_t reserved;
  uint8_t key[32];
  uint64_t meta_size;
  uint64_t object_size;
  uint64_t checksum;  // of meta + object
};

// FNV-1a, 64 bits: detects damage (not an adversary; the key is a SHA-256).
uint64_t checksum_of(std::string_view meta, std::string_view object) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (std::string_view part : {meta, object})
    for (unsigned char c : part) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

}  // namespace

bool write_entry(const std::string& path, const CacheKey& key, std::string_view meta, std::string_view object,
                 std::string* why) {
  EntryHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format = kFormat;
  std::memcpy(h.key, key.data(), key.size());
  h.meta_size = meta.size();
  h.object_size = object.size();
  h.checksum = checksum_of(meta, object);
  static std::atomic<uint64_t> counter{0};
  std::string tmp = fmt::format("{}.tmp.{}.{}", path, ::getpid(), counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(&h), sizeof h);
    out.write(meta.data(), static_cast<std::streamsize>(meta.size()));
    out.write(object.data(), static_cast<std::streamsize>(object.size()));
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      *why = fmt::format("cannot write the cache entry `{}`", tmp);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    *why = fmt::format("cannot write the cache entry `{}`", path);
    return false;
  }
  return true;
}

EntryState read_entry(const std::string& path, const CacheKey& key, std::string* meta, std::string* object) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return EntryState::Missing;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EntryHeader h;
  if (bytes.size() < sizeof h) return EntryState::Damaged;
  std::memcpy(&h, bytes.data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return EntryState::Damaged;
  if (h.format != kFormat || std::memcmp(h.key, key.data(), key.size()) != 0) return EntryState::Stale;
  if (h.meta_size > bytes.size() || h.object_size > bytes.size() ||
      sizeof h + h.meta_size + h.object_size != bytes.size())
    return EntryState::Damaged;
  std::string_view m(bytes.data() + sizeof h, h.meta_size);
  std::string_view o(bytes.data() + sizeof h + h.meta_size, h.object_size);
  if (checksum_of(m, o) != h.checksum) return EntryState::Damaged;
  *meta = std::string(m);
  *object = std::string(o);
  return EntryState::Ok;
}

std::string cache_directory(const std::string& dir) {
  if (!dir.empty()) return dir;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/proviso";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/proviso";
  return "";
}

}  // namespace proviso::jit

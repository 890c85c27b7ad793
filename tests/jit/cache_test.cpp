// The compiled-object cache as a security boundary (compiler/jit/object_cache.h,
// docs/SECURITY.md): only private directories are trusted, entries are authenticated with the
// user's key, files are opened without following links or blocking, temporary files are
// unpredictable, the cache is bounded, and a loaded object may import runtime shims only.
// The checks that need a second user run in tests/cli/cache_second_user.sh.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"
#include "compiler/jit/jit.h"
#include "compiler/jit/object_cache.h"
#include "tests/jit/diff_support.h"

using namespace proviso;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static int n = 0;
    path = fs::temp_directory_path() / fmt::format("proviso-cache-test-{}-{}", ::getpid(), n++);
    fs::remove_all(path);
    fs::create_directories(path);
    fs::permissions(path, fs::perms::owner_all);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, ec);
    fs::remove_all(path, ec);
  }
  std::string str() const { return path.string(); }
};

jit::CacheKey key_of(uint8_t b) {
  jit::CacheKey k{};
  k.fill(b);
  return k;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string hex(const std::array<uint8_t, 32>& a) {
  std::string s;
  for (uint8_t b : a) s += fmt::format("{:02x}", b);
  return s;
}

// Runs `f` with a time limit: a read that blocks (a FIFO) must not hang the test run.
template <class F>
auto within_seconds(int seconds, F f) {
  auto fut = std::async(std::launch::async, f);
  REQUIRE(fut.wait_for(std::chrono::seconds(seconds)) == std::future_status::ready);
  return fut.get();
}

}  // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231") {
  // Test case 1: key = 20 bytes of 0x0b, data = "Hi There".
  std::string key1(20, '\x0b');
  CHECK(hex(jit::hmac_sha256(key1, {"Hi ", "There"})) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: key = "Jefe".
  CHECK(hex(jit::hmac_sha256("Jefe", {"what do ya want ", "for nothing?"})) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("cache keys are the SHA-256 of their material (FIPS 180-2)") {
  CHECK(hex(jit::cache_key("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex(jit::cache_key("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hex(jit::cache_key(std::string(1000000, 'a'))) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("cache directories: only private ones are trusted") {
  TempDir t;
  fs::path dir = t.path / "cache";
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  CHECK(jit::untrusted_directory(dir.string(), t.str()) == "");

  SECTION("writable by others") {
    fs::permissions(dir, fs::perms::all, fs::perm_options::replace);
    std::string why = jit::untrusted_directory(dir.string(), t.str());
    CHECK(why.find("is writable by group or others (mode 0777)") != std::string::npos);
    jit::ObjectCache c = jit::ObjectCache::open({dir.string(), t.str()});
    CHECK_FALSE(c.usable());
    CHECK(c.why().find("not using the cache: ") == 0);
  }
  SECTION("writable by the group") {
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_write, fs::perm_options::replace);
    CHECK(jit::untrusted_directory(dir.string(), t.str()).find("mode 0720") != std::string::npos);
  }
  SECTION("a parent up to the boundary that others can write") {
    fs::permissions(t.path, fs::perms::all, fs::perm_options::replace);
    std::string why = jit::untrusted_directory(dir.string(), t.str());
    CHECK(why.find(t.str()) != std::string::npos);
    // Above the boundary nothing is checked.
    CHECK(jit::untrusted_directory(dir.string(), dir.string()) == "");
  }
  SECTION("a root-owned sticky parent such as /tmp is accepted, but not as the cache itself") {
    if (::geteuid() != 0) {
      WARN("not root: a root-owned sticky directory cannot be made here");
      return;
    }
    fs::permissions(t.path, fs::perms::all | fs::perms::sticky_bit, fs::perm_options::replace);
    CHECK(jit::untrusted_directory(dir.string(), t.str()) == "");
    CHECK(jit::untrusted_directory(t.str(), t.str()) != "");
  }
  SECTION("owned by another user") {
    if (::geteuid() != 0) {
      WARN("not root: cannot give a directory to another user");
      return;
    }
    REQUIRE(::chown(dir.c_str(), 65534, 65534) == 0);
    CHECK(jit::untrusted_directory(dir.string(), t.str()).find("is owned by user 65534") != std::string::npos);
  }
  SECTION("a symbolic link is resolved and its target checked up to the root") {
    fs::path link = t.path / "link";
    fs::create_directory_symlink(dir, link);
    CHECK(jit::untrusted_directory(link.string(), link.string()) == "");
    fs::permissions(dir, fs::perms::all, fs::perm_options::replace);
    CHECK(jit::untrusted_directory(link.string(), link.string()) != "");
  }
}

TEST_CASE("cache directories are created private, with a private key") {
  TempDir t;
  fs::path dir = t.path / "a" / "b" / "proviso";
  jit::ObjectCache c = jit::ObjectCache::open({dir.string(), t.str()});
  REQUIRE(c.usable());
  for (const fs::path& p : {t.path / "a", t.path / "a" / "b", dir})
    CHECK((fs::status(p).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
  struct stat st;
  REQUIRE(::stat(c.key_path().c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(st.st_size == 32);
  std::string key = slurp(c.key_path());
  // A second open reads the same key.
  jit::ObjectCache again = jit::ObjectCache::open({dir.string(), t.str()});
  REQUIRE(again.usable());
  CHECK(slurp(again.key_path()) == key);

  SECTION("a key others can read makes the cache unusable") {
    fs::permissions(c.key_path(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read,
                    fs::perm_options::replace);
    jit::ObjectCache bad = jit::ObjectCache::open({dir.string(), t.str()});
    CHECK_FALSE(bad.usable());
    CHECK(bad.why().find("is readable by others (mode 0640)") != std::string::npos);
  }
  SECTION("a key of the wrong size makes the cache unusable") {
    { std::ofstream(c.key_path(), std::ios::binary | std::ios::trunc) << "short"; }
    CHECK(jit::ObjectCache::open({dir.string(), t.str()}).why().find("is not 32 bytes long") != std::string::npos);
  }
  SECTION("a key that is a link is refused") {
    fs::remove(c.key_path());
    fs::create_symlink("/dev/zero", c.key_path());
    CHECK(jit::ObjectCache::open({dir.string(), t.str()}).why().find("symbolic link") != std::string::npos);
  }
}

TEST_CASE("cache entries: written, read, and refused when not authentic") {
  TempDir t;
  jit::ObjectCache c = jit::ObjectCache::open({t.str(), t.str()});
  REQUIRE(c.usable());
  std::string why;
  REQUIRE(c.write(key_of(1), "meta", "object bytes", &why));
  std::string path = c.entry_path(key_of(1));
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  std::string meta, object;
  REQUIRE(c.read(key_of(1), &meta, &object, &why) == jit::EntryState::Ok);
  CHECK(meta == "meta");
  CHECK(object == "object bytes");
  CHECK(c.read(key_of(2), &meta, &object, &why) == jit::EntryState::Missing);

  SECTION("an entry made under another user's key is forged") {
    TempDir other;
    jit::ObjectCache o = jit::ObjectCache::open({other.str(), other.str()});
    REQUIRE(o.usable());
    fs::copy_file(path, o.entry_path(key_of(1)));
    CHECK(o.read(key_of(1), &meta, &object, &why) == jit::EntryState::Forged);
    CHECK(why.find("its MAC does not verify") != std::string::npos);
  }
  SECTION("any changed byte makes it forged, damaged or stale, never loaded") {
    std::string bytes = slurp(path);
    for (size_t i = 0; i < bytes.size(); ++i) {
      std::string changed = bytes;
      changed[i] = static_cast<char>(changed[i] ^ 0x20);
      { std::ofstream(path, std::ios::binary | std::ios::trunc) << changed; }
      INFO("byte " << i);
      CHECK(c.read(key_of(1), &meta, &object, &why) != jit::EntryState::Ok);
    }
  }
  SECTION("an entry others can write is untrusted") {
    fs::permissions(path, fs::perms::all, fs::perm_options::replace);
    CHECK(c.read(key_of(1), &meta, &object, &why) == jit::EntryState::Untrusted);
    CHECK(why.find("writable by group or others") != std::string::npos);
  }
  SECTION("a FIFO at the entry path is refused at once") {
    fs::remove(path);
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    auto state = within_seconds(10, [&] { return c.read(key_of(1), &meta, &object, &why); });
    CHECK(state == jit::EntryState::Damaged);
    CHECK(why.find("is not a regular file") != std::string::npos);
  }
  SECTION("a link to /dev/zero is not followed") {
    fs::remove(path);
    fs::create_symlink("/dev/zero", path);
    auto state = within_seconds(10, [&] { return c.read(key_of(1), &meta, &object, &why); });
    CHECK(state == jit::EntryState::Damaged);
    CHECK(why.find("symbolic link") != std::string::npos);
  }
  SECTION("a directory at the entry path is refused") {
    fs::remove(path);
    fs::create_directory(path);
    CHECK(c.read(key_of(1), &meta, &object, &why) == jit::EntryState::Damaged);
    CHECK(why.find("is not a regular file") != std::string::npos);
  }
  SECTION("an entry larger than the cap is not read") {
    fs::resize_file(path, jit::kMaxEntryBytes + 1);  // sparse
    CHECK(c.read(key_of(1), &meta, &object, &why) == jit::EntryState::Damaged);
    CHECK(why.find("is larger than 64 MiB") != std::string::npos);
  }
  SECTION("writing replaces a planted link instead of writing through it") {
    fs::path victim = t.path / "victim";
    { std::ofstream(victim) << "precious"; }
    fs::remove(path);
    fs::create_symlink(victim, path);
    REQUIRE(c.write(key_of(1), "m", "o", &why));
    CHECK(slurp(victim) == "precious");
    CHECK(fs::is_regular_file(fs::symlink_status(path)));
  }
  SECTION("temporary files have unpredictable names and are cleaned") {
    for (const auto& e : fs::directory_iterator(t.path))
      CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
    jit::ObjectCache::Stats removed;
    REQUIRE(c.clean(&removed, &why));
    CHECK(removed.entries == 1);
    CHECK(c.stats().entries == 0);
    CHECK(fs::exists(c.key_path()));
  }
}

TEST_CASE("the cache is bounded: least recently used entries go first") {
  TempDir t;
  jit::ObjectCache c = jit::ObjectCache::open({t.str(), t.str()}, 2500);
  REQUIRE(c.usable());
  std::string why, meta, object;
  std::string blob(900, 'x');
  auto age = [&](uint8_t k, int seconds_ago) {
    struct timespec times[2];
    times[0].tv_sec = times[1].tv_sec = ::time(nullptr) - seconds_ago;
    times[0].tv_nsec = times[1].tv_nsec = 0;
    REQUIRE(::utimensat(AT_FDCWD, c.entry_path(key_of(k)).c_str(), times, 0) == 0);
  };
  REQUIRE(c.write(key_of(1), "", blob, &why));
  age(1, 300);
  REQUIRE(c.write(key_of(2), "", blob, &why));
  age(2, 200);
  // Reading entry 1 makes it the most recently used.
  REQUIRE(c.read(key_of(1), &meta, &object, &why) == jit::EntryState::Ok);
  REQUIRE(c.write(key_of(3), "", blob, &why));
  age(3, 100);
  CHECK(c.stats().entries == 2);
  CHECK(c.read(key_of(2), &meta, &object, &why) == jit::EntryState::Missing);
  CHECK(c.read(key_of(1), &meta, &object, &why) == jit::EntryState::Ok);
  // An entry larger than the whole cache is not written.
  CHECK_FALSE(c.write(key_of(4), "", std::string(4000, 'y'), &why));
  CHECK(why.find("larger than the cache allows") != std::string::npos);
}

TEST_CASE("compiled policies: forged and altered objects are never loaded") {
  auto r = driver::compile_file(jit_test::source_dir() + "/policies/qlik/oem_maintenance.policy");
  REQUIRE(r.ok());
  const ir::Program& p = *r.program;
  TempDir t;
  jit::JitOptions options;
  options.cache_dir = t.str();
  auto first = jit::CompiledPolicy::create(p, options);
  REQUIRE(first.ok());
  CHECK(first.policy->info().cache_note.find("compiled; wrote `") == 0);
  std::string path = first.policy->info().cache_path;
  REQUIRE(fs::exists(path));
  auto hit = jit::CompiledPolicy::create(p, options);
  REQUIRE(hit.ok());
  CHECK(hit.policy->info().cache_hit);
  CHECK(hit.policy->info().cache_note == fmt::format("loaded `{}`", path));

  SECTION("an object whose MAC is right but that imports a function outside the runtime") {
    // What a stolen key would allow: rewrite an import's name and sign the entry again.
    jit::ObjectCache c = jit::ObjectCache::open({t.str(), t.str()});
    std::string bytes = slurp(path);
    size_t at = bytes.find("proviso_rt_");
    REQUIRE(at != std::string::npos);
    bytes.replace(at, 11, "proviso_xx_");
    // Header: magic 8, format 4, reserved 4, key 32, sizes 16, then the MAC (32).
    constexpr size_t kCovered = 64, kHeader = 96;
    uint64_t meta_size = 0;
    std::memcpy(&meta_size, bytes.data() + 48, 8);
    std::string key = slurp(c.key_path());
    auto mac = jit::hmac_sha256(
        key, {std::string_view(bytes).substr(0, kCovered), std::string_view(bytes).substr(kHeader, meta_size),
              std::string_view(bytes).substr(kHeader + meta_size)});
    std::memcpy(bytes.data() + kCovered, mac.data(), mac.size());
    { std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes; }
    auto again = jit::CompiledPolicy::create(p, options);
    REQUIRE(again.ok());
    CHECK_FALSE(again.policy->info().cache_hit);
    INFO(again.policy->info().cache_note);
    CHECK(again.policy->info().cache_note.find("which is not a runtime function); rebuilt it") != std::string::npos);
  }
  SECTION("an entry written under another key is rebuilt, and evaluation is unaffected") {
    fs::remove(t.path / "mac.key");
    auto again = jit::CompiledPolicy::create(p, options);
    REQUIRE(again.ok());
    CHECK_FALSE(again.policy->info().cache_hit);
    CHECK(again.policy->info().cache_note.find("the cache entry was forged or altered") == 0);
    jit_test::InputGenerator gen(p, 7);
    for (int i = 0; i < 20; ++i) {
      auto in = gen.next();
      CHECK(jit_test::difference(p, first.policy->evaluate(in), again.policy->evaluate(in)).empty());
    }
  }
  SECTION("an untrusted directory is not used at all") {
    fs::permissions(t.path, fs::perms::all, fs::perm_options::replace);
    auto again = jit::CompiledPolicy::create(p, options);
    REQUIRE(again.ok());
    CHECK_FALSE(again.policy->info().cache_hit);
    CHECK(again.policy->info().cache_path.empty());
    CHECK(again.policy->info().cache_note.find("is writable by group or others") != std::string::npos);
  }
}

TEST_CASE("the cache key follows the module files a policy imports") {
  // The key holds the serialized program (jit::serialize_program), which holds what the
  // modules contribute: a module edit that changes the code is a new entry, one that changes
  // only comments is the same entry.
  TempDir sources, cache;
  fs::create_directories(sources.path / "lib");
  auto write_module = [&](const std::string& limit, const std::string& comment) {
    std::ofstream(sources.path / "lib" / "limits.policy", std::ios::binary | std::ios::trunc)
        << "module t.limits \"Limits\"\n\n-- " << comment << "\nconst limit = " << limit << "\n";
  };
  std::ofstream(sources.path / "p.policy", std::ios::binary)
      << "policy t.p \"P\"\n\nimport \"lib/limits.policy\"\n\ninput x { n: integer 1..3 }\n\n"
         "decision over: bool  clause \"1\" = x.n > limit\n";
  jit::JitOptions options;
  options.cache_dir = cache.str();
  auto create = [&] {
    auto r = driver::compile_file((sources.path / "p.policy").string());
    INFO(render_all(r.diagnostics));
    REQUIRE(r.ok());
    auto created = jit::CompiledPolicy::create(*r.program, options);
    REQUIRE(created.ok());
    return std::make_pair(created.policy->info().cache_hit, created.policy->info().cache_path);
  };
  write_module("2", "two");
  auto [first_hit, first_path] = create();
  CHECK_FALSE(first_hit);
  write_module("2", "still two, reworded");
  auto [comment_hit, comment_path] = create();
  CHECK(comment_hit);
  CHECK(comment_path == first_path);
  write_module("1", "one");
  auto [edit_hit, edit_path] = create();
  CHECK_FALSE(edit_hit);
  CHECK(edit_path != first_path);
  write_module("2", "two");
  auto [back_hit, back_path] = create();
  CHECK(back_hit);
  CHECK(back_path == first_path);
}

TEST_CASE("the cache key changes with the JIT's sources") {
  // The hash is generated at build time from compiler/jit, compiler/ir and runtime sources
  // (compiler/jit/source_hash.cmake); tests/cli/source_hash.sh checks the build dependency.
  std::string h = jit::jit_source_hash();
  CHECK(h.size() == 64);
  CHECK(h.find_first_not_of("0123456789abcdef") == std::string::npos);
}

// `proviso cache info|clean`: the compiled-object cache of the JIT (compiler/jit/object_cache.h):
// where it is, whether it is used and why not, its entries, and removing them. A build without
// the JIT has no cache: both say so and succeed.
#include <fmt/format.h>

#if PROVISO_ENABLE_JIT
#include "compiler/jit/object_cache.h"
#endif
#include "tools/cli.h"
#include "tools/engine.h"
#include "tools/output.h"

namespace proviso::cli {

#if PROVISO_ENABLE_JIT
namespace {

std::string mib(uint64_t bytes) {
  if (bytes < (1 << 20)) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
}

}  // namespace
#endif

Command add_cache(CLI::App& app) {
  auto action = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("cache", "Show or clear the JIT's compiled-object cache");
  sub->add_option("ACTION", *action,
                  "info: where the cache is, whether it is used, its size; clean: remove its entries")
      ->required()
      ->check(CLI::IsMember({"info", "clean"}));
  sub->footer(
      "The cache is $XDG_CACHE_HOME/proviso, else ~/.cache/proviso. It is used only when it and the\n"
      "directories above it (up to $XDG_CACHE_HOME or $HOME) belong to you and no one else can write\n"
      "them; entries carry an HMAC under the key in mac.key. PROVISO_CACHE_MAX_MIB bounds its size\n"
      "(default 256). Exit status: 0 ok, 1 when entries cannot be removed, 2 for a bad command line.");
#if !PROVISO_ENABLE_JIT
  return {sub, [] {
            Output::standard().write(fmt::format("no object cache: {}\n", kNoJit));
            return kOk;
          }};
#else
  return {
      sub, [action] {
        jit::JitOptions options;
        if (!cache_max_bytes_from_environment(&options.cache_max_bytes)) return kUsage;
        jit::CacheLocation where = jit::cache_location(options.cache_dir);
        if (where.dir.empty()) {
          print_error("no cache directory: neither XDG_CACHE_HOME nor HOME is an absolute path");
          return kFailed;
        }
        Output& out = Output::standard();
        if (*action == "clean") {
          jit::ObjectCache cache = jit::ObjectCache::open(where, options.cache_max_bytes);
          jit::ObjectCache::Stats removed;
          std::string why;
          bool ok = cache.clean(&removed, &why);
          out.write(fmt::format("removed {} entries ({}) and {} temporary files from {}\n", removed.entries,
                                mib(removed.bytes), removed.temporary, where.dir));
          if (!ok) {
            print_error(why);
            return kFailed;
          }
          return kOk;
        }
        jit::ObjectCache cache = jit::ObjectCache::open(where, options.cache_max_bytes);
        jit::ObjectCache::Stats s = cache.stats();
        out.write(fmt::format("directory  {}\n", where.dir));
        out.write(fmt::format("status     {}\n", cache.usable() ? "used" : cache.why()));
        out.write(fmt::format("key        {}\n", cache.key_path()));
        out.write(fmt::format("entries    {} ({} of at most {})\n", s.entries, mib(s.bytes), mib(cache.max_bytes())));
        if (s.temporary) out.write(fmt::format("temporary  {} files left by interrupted writes\n", s.temporary));
        return kOk;
      }};
#endif
}

}  // namespace proviso::cli

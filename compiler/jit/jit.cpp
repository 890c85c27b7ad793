// CompiledPolicy: the quick and optimised tiers, the on-disk object cache, and linking (by
// elf_object.h, or by LLVM's linker through the backend). No LLVM here: compiling and LLVM's
// linker are the backend's (backend.h), had only when a policy part must be compiled or an
// object is one Proviso's own loader declines.
#include "compiler/jit/jit.h"

#include <unistd.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "compiler/interp/interpreter.h"
#include "compiler/jit/backend.h"
#include "compiler/jit/elf_object.h"
#include "compiler/jit/host.h"
#include "compiler/jit/object_cache.h"

// Generated code has no -fsanitize=function type prefix in front of its entry points, and
// that check reads the bytes before a callee: calls into generated code are exempt from it.
#if defined(__clang__)
#define PROVISO_CALLS_GENERATED_CODE __attribute__((no_sanitize("function")))
#else
#define PROVISO_CALLS_GENERATED_CODE
#endif

namespace proviso::jit {

// Bump with any change to generated code, the flat layout or the shim ABI.
const char* jit_version() { return "proviso-jit-2"; }

namespace {

using EvalFn = int32_t (*)(const uint8_t* const*, uint8_t*, proviso_ctx*);
using EvalSomeFn = int32_t (*)(const uint8_t* const*, uint8_t*, proviso_ctx*, const int32_t*, uint64_t);
using BatchFn = int32_t (*)(const uint8_t* const* const*, uint64_t, uint8_t*, uint64_t, proviso_ctx*, int32_t*);

// The global functions an object of `part` defines.
const std::vector<std::string_view>& entries_of(Part part) {
  static const std::vector<std::string_view> main = {"proviso_eval", "proviso_eval_batch"};
  static const std::vector<std::string_view> subset = {"proviso_eval_some"};
  return part == Part::Main ? main : subset;
}

// This machine as the code generator sees it, for the cache key, without LLVM where that can
// be done: on x86-64, whole, the CPUID leaves LLVM's host detection reads (vendor and the
// highest leaves 0 and 0x80000000; family, model and features 1, 7.0, 7.1, 0xD.1, 0x14,
// 0x19, 0x24, 0x80000001, 0x80000008; LLVM 19's Host.cpp) and a few feature leaves it may
// read next (7.2, 0x1D, 0x1E, 0x80000021), with the extended state the OS enables (XCR0);
// leaf 1's EBX, which holds this core's APIC ID, is left out. Two machines LLVM would compile
// differently for differ here. Read once: CPUID traps to the hypervisor in a virtual machine.
// Elsewhere, LLVM's own answer.
std::string host_target(std::string* error) {
#if defined(__x86_64__)
  (void)error;
  static const std::string target = [] {
    std::string out = "x86_64";
    const unsigned max = __get_cpuid_max(0, nullptr), ext = __get_cpuid_max(0x80000000u, nullptr);
    auto add = [&](unsigned leaf, unsigned sub) {
      if (leaf > (leaf >= 0x80000000u ? ext : max)) return;
      unsigned a = 0, b = 0, c = 0, d = 0;
      __cpuid_count(leaf, sub, a, b, c, d);
      out += fmt::format(" {:x}.{:x}:{:08x}{:08x}{:08x}{:08x}", leaf, sub, a, leaf == 1 ? 0 : b, c, d);
    };
    for (auto [leaf, sub] : {std::pair{0x0u, 0u},
                             {0x1u, 0u},
                             {0x7u, 0u},
                             {0x7u, 1u},
                             {0x7u, 2u},
                             {0xDu, 1u},
                             {0x14u, 0u},
                             {0x19u, 0u},
                             {0x1Du, 0u},
                             {0x1Eu, 0u},
                             {0x24u, 0u},
                             {0x80000000u, 0u},
                             {0x80000001u, 0u},
                             {0x80000008u, 0u},
                             {0x80000021u, 0u}})
      add(leaf, sub);
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE)) {
      uint32_t lo = 0, hi = 0;
      __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
      out += fmt::format(" xcr0:{:08x}{:08x}", hi, lo);
    }
    return out;
  }();
  return target;
#else
  Backend* b = backend(error);
  return b ? b->target() : std::string();
#endif
}

// Whether objects are linked by LLVM's linker even where Proviso's own loader could
// (PROVISO_JIT_LINKER=llvm; the tests run both).
bool llvm_linker_only() {
  static const bool on = [] {
    const char* v = std::getenv("PROVISO_JIT_LINKER");
    return v && std::string_view(v) == "llvm";
  }();
  return on;
}

// The home zone an interpreter's failed result carries: UTC, or the policy's home zone when
// the failure came after it was computed (then generated code stored it in `out`).
const rt::Zone* home_zone_of_failure(const Layout& layout, const uint8_t* out, const proviso_ctx& ctx) {
  if (ctx.error_decision < 0) return rt::utc_zone();
  const rt::Zone* zone = nullptr;
  const void* raw = nullptr;
  std::memcpy(static_cast<void*>(&raw), out + layout.home_zone_offset(), sizeof raw);
  zone = static_cast<const rt::Zone*>(raw);
  return zone ? zone : rt::utc_zone();
}

struct AlignedBuffer {
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data;
  size_t size = 0;
  void resize(size_t n) {
    if (n <= size && data) return;
    size_t bytes = align_up(static_cast<uint32_t>(std::max<size_t>(n, 16)), 16);
    data.reset(static_cast<uint8_t*>(std::aligned_alloc(16, bytes)));
    std::memset(data.get(), 0, bytes);
    size = bytes;
  }
  uint8_t* get() const { return data.get(); }
};

}  // namespace

// "" when two results of one evaluation agree (decisions and values, or the error), else
// what differs.
static std::string disagreement(const ir::Program& p, const ir::EvalResult& a, const ir::EvalResult& b) {
  if (a.ok != b.ok) return "whether the evaluation fails";
  if (!a.ok) {
    if (a.error.message != b.error.message || a.error.path != b.error.path || a.error.loc != b.error.loc)
      return "the error";
    return "";
  }
  if (a.decisions.size() != b.decisions.size()) return "the decisions";
  for (size_t i = 0; i < a.decisions.size(); ++i) {
    const auto& [va, xa] = a.decisions[i];
    const auto& [vb, xb] = b.decisions[i];
    if (va != vb || !ir::equal(xa, xb))
      return fmt::format("`{}`", va >= 0 && static_cast<size_t>(va) < p.values.size() ? p.values[va].name : "?");
  }
  return "";
}

// ---- CompiledPolicy ----

struct CompiledPolicy::Impl {
  explicit Impl(const ir::Program& program) : host(program), interp(program) {}
  ~Impl() {
    // The optimised tiers' threads work on this policy: each is told that no quick tier will
    // come (if none did) and finishes before anything is removed.
    {
      std::lock_guard lock(tier_mu);
      for (PartTiers& t : tiers)
        if (t.quick_state == QuickState::Pending) t.quick_state = QuickState::Failed;
    }
    tier_cv.notify_all();
    for (PartTiers& t : tiers)
      if (t.optimiser.joinable()) t.optimiser.join();
    std::lock_guard lock(code_mu);
    code.clear();
  }

  Host host;
  interp::Interpreter interp;  // explanations only
  // The code of every tier and part, kept until the end (an evaluation may still be in a tier
  // replaced since), linked by Proviso's own loader or by LLVM's.
  std::vector<std::unique_ptr<LinkedCode>> code;
  std::mutex code_mu;
  // The entry points in use. Tiered, the quick tier's until the optimised tier replaces them
  // (publish()); the quick tier's code stays linked, since an evaluation may still be in it.
  std::atomic<EvalFn> eval{nullptr};
  std::atomic<BatchFn> batch{nullptr};
  std::vector<int32_t> position_of;  // value index -> position in decisions, or -1

  // What compiling a part again needs: the key material and the cache (null = none).
  std::string key_material;
  std::unique_ptr<const jit::ObjectCache> cache;
  // False when the estimated compile time is over the caller's budget: parts are then only
  // loaded from the cache, and a subset that is not there is answered by the interpreter.
  bool compile_allowed = true;
  double estimated_ms = 0, budget_ms = 0;
  int opt_level = 2;
  JitOptions::Tiering tiering = JitOptions::Tiering::Optimised;

  // The tiers of each part (indexed by Part; all under tier_mu). A part's optimiser thread
  // links its code only after the quick tier is linked (their entry points must not be
  // published in the wrong order, and the error sites it compares against must be set), and
  // not at all if the quick tier failed.
  enum class QuickState { Pending, Linked, Failed };
  struct PartTiers {
    std::thread optimiser;
    QuickState quick_state = QuickState::Pending;
    int published = -1;   // the Tier whose entry points are in use
    bool done = false;    // the optimiser thread has finished, either way
    CompileInfo outcome;  // what it did, for wait_optimised()
  };
  std::array<PartTiers, 2> tiers;
  mutable std::mutex tier_mu;
  mutable std::condition_variable tier_cv;

  // The subset entry point (some decisions only) is a second module, compiled or loaded from
  // the cache on first use, so that creating a policy does not pay for it.
  std::once_flag subset_once;
  std::atomic<EvalSomeFn> eval_some{nullptr};
  std::string subset_error;

  // Makes `part` executable: from the cache when a valid entry exists, else compiled (and
  // written to the cache), tiered as `tiering` says. Gives "" or why it failed; `info` says
  // which way it went.
  std::string load(Part part, CompileInfo* info);
  // Links `object` (of `part`, compiled at `tier`) and takes its entry points: by Proviso's own
  // loader when it takes the object, else by LLVM's linker.
  std::string link(Part part, Tier tier, std::string_view object, const std::string& name);
  // Compiles `part` at `tier` with the backend (had on first use).
  ObjectCode compile(Part part, Tier tier) const;
  // Makes the entry points of `part` at `tier` those in use, unless a later tier's already are
  // (Main: eval and batch; Subset: some).
  void publish(Part part, Tier tier, EvalFn e, BatchFn b, EvalSomeFn some);
  // A part's optimiser thread: compiles the optimised tier, waits for the quick tier, links,
  // swaps the entry points, and writes the cache entry. `started` is when the part was asked for.
  void optimise_in_background(Part part, const CacheKey& key, const std::string& name, const std::string& note,
                              Clock::time_point started);
  // The subset entry point, compiled on the first call (thread-safe); null when that failed
  // (subset_error says why).
  EvalSomeFn subset();

  PROVISO_CALLS_GENERATED_CODE
  int32_t run(const FlatRecord& record, rt::jit::EvalState& state, Host::Owners& owners, proviso_ctx& ctx, uint8_t* out,
              EvalSomeFn some, const std::vector<int32_t>* positions) const {
    if (!state.arena.clean()) state.arena.reset();
    if (!state.error.empty()) state.error.clear();
    owners.host = &host;
    owners.record = &record;
    ctx = host.context(state, &owners);
    if (some) return some(record.pointers(), out, &ctx, positions->data(), positions->size());
    return eval.load(std::memory_order_acquire)(record.pointers(), out, &ctx);
  }
};

void CompiledPolicy::Impl::publish(Part part, Tier tier, EvalFn e, BatchFn b, EvalSomeFn some) {
  std::lock_guard lock(tier_mu);
  int& published = tiers[static_cast<size_t>(part)].published;
  if (static_cast<int>(tier) <= published) return;
  published = static_cast<int>(tier);
  if (part == Part::Subset) {
    eval_some.store(some, std::memory_order_release);
    return;
  }
  batch.store(b, std::memory_order_release);
  eval.store(e, std::memory_order_release);
}

std::string CompiledPolicy::Impl::link(Part part, Tier tier, std::string_view object, const std::string& name) {
  std::unique_ptr<LinkedCode> linked;
  if (!llvm_linker_only()) {
    std::string declined;
    linked = load_object(object, entries_of(part), &declined);
    if (!linked && jit_timing())
      std::fprintf(stderr, "proviso-jit: LLVM links `%s`: %s\n", name.c_str(), declined.c_str());
  }
  if (!linked) {
    std::string why;
    Backend* b = backend(&why);
    if (b) linked = b->link(object, entries_of(part), name, &why);
    if (!linked) return "LLVM could not link the policy: " + why;
  }
  auto entry = [&](const char* symbol) { return const_cast<void*>(linked->symbol(symbol)); };
  if (part == Part::Subset) {
    auto* some = reinterpret_cast<EvalSomeFn>(entry("proviso_eval_some"));
    if (!some) return "LLVM could not link the policy: proviso_eval_some is missing";
    {
      std::lock_guard lock(code_mu);
      code.push_back(std::move(linked));
    }
    publish(part, tier, nullptr, nullptr, some);
    return "";
  }
  auto* e = reinterpret_cast<EvalFn>(entry("proviso_eval"));
  auto* b = reinterpret_cast<BatchFn>(entry("proviso_eval_batch"));
  if (!e || !b) return "LLVM could not link the policy: an entry point is missing";
  {
    std::lock_guard lock(code_mu);
    code.push_back(std::move(linked));
  }
  publish(part, tier, e, b, nullptr);
  return "";
}

ObjectCode CompiledPolicy::Impl::compile(Part part, Tier tier) const {
  std::string why;
  Backend* b = backend(&why);
  if (!b) {
    ObjectCode none;
    none.error = "LLVM is not available: " + why;
    return none;
  }
  return b->compile(host, part, tier, opt_level);
}

std::string CompiledPolicy::Impl::load(Part part, CompileInfo* info) {
  const char* part_name = part == Part::Main ? "main" : "subset";
  std::string material = key_material + part_name;
  CacheKey key = cache_key(material);
  std::string hex;
  for (uint8_t b : key) hex += fmt::format("{:02x}", b);
  auto& sites = host.sites();
  bool quick_only = tiering == JitOptions::Tiering::Quick;

  if (cache) {
    auto t = Clock::now();
    std::string meta, object, why;
    std::vector<ErrorSite> cached_sites;
    EntryState st = cache->read(key, &meta, &object, &why);
    // The subset part was cut from the same generation as the main part: its sites must be
    // the ones already loaded.
    bool sites_ok = st == EntryState::Ok && deserialize_sites(meta, &cached_sites) &&
                    (part == Part::Main || serialize_sites(cached_sites) == serialize_sites(sites));
    std::string path = cache->entry_path(key);
    if (sites_ok) {
      // Defence in depth: the object may define only the entry points and use only the
      // runtime's shims (the MAC already says this user's proviso wrote it).
      std::string bad = check_object(object, host_elf_machine(), entries_of(part));
      if (bad.empty()) {
        // The sites first: an evaluation may start as soon as the entry points are published.
        std::vector<ErrorSite> before;
        if (part == Part::Main) before = std::exchange(sites, std::move(cached_sites));
        std::string lerr = link(part, Tier::Optimised, object, hex);
        if (lerr.empty()) {
          info->cache_hit = true;
          info->cache_load_ms = ms_since(t);
          info->object_bytes = object.size();
          info->cache_path = path;
          info->cache_note = fmt::format("loaded `{}`", path);
          return "";
        }
        if (part == Part::Main) sites = std::move(before);
        info->cache_note = fmt::format("`{}` could not be linked; rebuilt it", path);
      } else {
        info->cache_note = fmt::format("`{}` was refused ({}); rebuilt it", path, bad);
      }
    } else if (st == EntryState::Ok) {
      info->cache_note = fmt::format("`{}` has a damaged error-site table; rebuilt it", path);
    } else if (st != EntryState::Missing) {
      const char* what = st == EntryState::Stale       ? "stale"
                         : st == EntryState::Forged    ? "forged or altered"
                         : st == EntryState::Untrusted ? "untrusted"
                                                       : "damaged";
      info->cache_note = fmt::format("the cache entry was {}: {}; rebuilt it", what, why);
    }
  }

  if (!compile_allowed)
    return fmt::format("compiling this policy would take about {:.1f} s (estimated), more than the {:.1f} s allowed",
                       estimated_ms / 1000, budget_ms / 1000);
  auto t = Clock::now();
  bool tiered = tiering == JitOptions::Tiering::Tiered && opt_level > 0;
  Tier tier = tiered || quick_only ? Tier::Quick : Tier::Optimised;
  PartTiers& tiers_of_part = tiers[static_cast<size_t>(part)];
  if (tiered) {
    info->tiered = true;
    std::string note = info->cache_note;
    tiers_of_part.optimiser =
        std::thread([this, part, key, hex, note, t] { optimise_in_background(part, key, hex, note, t); });
  }
  ObjectCode code = compile(part, tier);
  std::string why = code.error;
  if (why.empty() && part == Part::Subset && serialize_sites(code.sites) != serialize_sites(sites))
    why = "internal error: the subset part's error sites differ";
  if (why.empty()) {
    std::vector<ErrorSite> before;
    if (part == Part::Main) before = std::exchange(sites, code.sites);
    why = link(part, tier, code.object, hex);
    if (!why.empty() && part == Part::Main) sites = std::move(before);
  }
  if (tiered) {
    std::lock_guard lock(tier_mu);
    tiers_of_part.quick_state = why.empty() ? QuickState::Linked : QuickState::Failed;
  }
  if (tiered) tier_cv.notify_all();
  if (!why.empty()) return why;
  info->compile_ms = ms_since(t);
  if (jit_timing())
    std::fprintf(stderr, "proviso-jit: compile total (%s%s) %.2f ms\n", part_name,
                 tier == Tier::Quick ? ", quick tier" : "", info->compile_ms);
  if (quick_only) return "";
  info->cache_path = cache ? cache->entry_path(key) : "";
  if (tiered) {
    std::string pending = cache ? fmt::format("the optimised code goes to `{}` when compiled", info->cache_path)
                                : "the optimised code is compiled in the background";
    info->cache_note = (info->cache_note.empty() ? "" : info->cache_note + "; ") + "compiled a quick tier; " + pending;
    return "";
  }
  info->object_bytes = code.object.size();
  if (cache) {
    std::string not_written;
    std::string done = cache->write(key, serialize_sites(sites), code.object, &not_written)
                           ? fmt::format("wrote `{}`", info->cache_path)
                           : "not cached: " + not_written;
    info->cache_note = info->cache_note.empty() ? "compiled; " + done : info->cache_note + "; " + done;
  }
  return "";
}

void CompiledPolicy::Impl::optimise_in_background(Part part, const CacheKey& key, const std::string& name,
                                                  const std::string& note, Clock::time_point started) {
  const char* part_name = part == Part::Main ? "main" : "subset";
  PartTiers& mine = tiers[static_cast<size_t>(part)];
  auto t = Clock::now();
  ObjectCode code = compile(part, Tier::Optimised);
  std::unique_lock lock(tier_mu);
  tier_cv.wait(lock, [&mine] { return mine.quick_state != QuickState::Pending; });
  bool quick_linked = mine.quick_state == QuickState::Linked;
  lock.unlock();

  CompileInfo out;
  std::string why = code.error;
  if (quick_linked) {
    // The quick tier's sites are set (it is linked), and no one changes them any more.
    if (why.empty() && serialize_sites(code.sites) != serialize_sites(host.sites()))
      why = "internal error: the optimised tier's error sites differ from the quick tier's";
    if (why.empty()) why = link(part, Tier::Optimised, code.object, name + ".optimised");
    if (why.empty()) {
      out.optimised_ms = ms_since(started);
      out.object_bytes = code.object.size();
      if (jit_timing())
        std::fprintf(stderr, "proviso-jit: compile total (%s) %.2f ms; the optimised code in use after %.2f ms\n",
                     part_name, ms_since(t), out.optimised_ms);
      if (cache) {
        std::string not_written;
        std::string done = cache->write(key, serialize_sites(host.sites()), code.object, &not_written)
                               ? fmt::format("wrote `{}`", cache->entry_path(key))
                               : "not cached: " + not_written;
        out.cache_note = note.empty() ? "compiled; " + done : note + "; " + done;
      }
    }
    out.optimised_error = why;
  } else {
    out.optimised_error = "the quick tier failed";
  }
  lock.lock();
  mine.outcome = std::move(out);
  mine.done = true;
  lock.unlock();
  tier_cv.notify_all();
}

EvalSomeFn CompiledPolicy::Impl::subset() {
  std::call_once(subset_once, [this] {
    CompileInfo ignored;
    subset_error = load(Part::Subset, &ignored);
  });
  return subset_error.empty() ? eval_some.load(std::memory_order_acquire) : nullptr;
}

CompiledPolicy::CompiledPolicy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledPolicy::~CompiledPolicy() = default;

const ir::Program& CompiledPolicy::program() const { return impl_->host.program(); }
const Layout& CompiledPolicy::layout() const { return impl_->host.layout(); }

CompileInfo CompiledPolicy::wait_optimised() const {
  CompileInfo info = info_;
  if (!info.tiered) return info;
  std::unique_lock lock(impl_->tier_mu);
  const Impl::PartTiers& main = impl_->tiers[static_cast<size_t>(Part::Main)];
  impl_->tier_cv.wait(lock, [&main] { return main.done; });
  const CompileInfo& o = main.outcome;
  info.optimised_ms = o.optimised_ms;
  info.optimised_error = o.optimised_error;
  info.object_bytes = o.object_bytes;
  if (!o.cache_note.empty()) info.cache_note = o.cache_note;
  return info;
}

CompiledPolicy::Result CompiledPolicy::create(const ir::Program& program, const JitOptions& options) {
  Result result;
  auto fail = [&](Status::Code code, std::string message) {
    result.status = {code, std::move(message)};
    return std::move(result);
  };
  auto t0 = Clock::now();
  if (jit_timing()) std::fprintf(stderr, "proviso-jit: estimated compile time %.0f ms\n", estimate_compile_ms(program));
  auto impl = std::make_unique<Impl>(program);
  if (!impl->host.layout().unsupported().empty())
    return fail(Status::Code::Unsupported,
                fmt::format("the JIT does not support {} yet", impl->host.layout().unsupported()));
  if (!impl->host.pool().error().empty())
    return fail(Status::Code::Internal, "internal error: " + impl->host.pool().error());
  std::string why;
  const std::string target = host_target(&why);
  if (target.empty()) return fail(Status::Code::Llvm, "cannot start the LLVM JIT: " + why);

  CompileInfo info;
  impl->opt_level = std::clamp(options.opt_level, 0, 3);
  impl->tiering = options.tiering;

  // The cache key: everything the object code depends on (each part adds its name).
  impl->key_material = fmt::format("{}\n{}\n{}\n{}\n{}\n", jit_version(), jit_source_hash(), PROVISO_LLVM_VERSION,
                                   target, impl->opt_level);
  impl->key_material += serialize_program(program);
  if (options.tiering == JitOptions::Tiering::Quick) {
    info.cache_note = "the quick tier is never cached";
  } else if (options.use_cache) {
    auto cache = std::make_unique<jit::ObjectCache>(
        jit::ObjectCache::open(cache_location(options.cache_dir), options.cache_max_bytes));
    if (cache->usable())
      impl->cache = std::move(cache);
    else
      info.cache_note = cache->why();
  } else {
    info.cache_note = "the cache is off";
  }
  impl->estimated_ms = estimate_compile_ms(program);
  impl->budget_ms = options.compile_budget_ms;
  impl->compile_allowed = options.compile_budget_ms <= 0 || impl->estimated_ms <= options.compile_budget_ms;
  info.estimated_compile_ms = impl->estimated_ms;
  why = impl->load(Part::Main, &info);
  if (!why.empty()) {
    Status::Code code = why.rfind("LLVM", 0) == 0             ? Status::Code::Llvm
                        : why.rfind("internal", 0) == 0       ? Status::Code::Internal
                        : why.rfind("compiling this", 0) == 0 ? Status::Code::OverBudget
                                                              : Status::Code::Unsupported;
    return fail(code, why);
  }

  impl->position_of.assign(program.values.size(), -1);
  for (size_t i = 0; i < program.decisions.size(); ++i)
    impl->position_of[program.decisions[i]] = static_cast<int32_t>(i);
  info.total_ms = ms_since(t0);
  auto policy = std::unique_ptr<CompiledPolicy>(new CompiledPolicy(std::move(impl)));
  policy->info_ = std::move(info);
  result.policy = std::move(policy);
  return result;
}

bool CompiledPolicy::flatten(const std::vector<ir::Value>& inputs, FlatRecord* out, std::string* error) const {
  return flatten_inputs(impl_->host.layout(), inputs, out, error);
}

ir::EvalResult CompiledPolicy::evaluate(const std::vector<ir::Value>& inputs, const ir::EvalOptions& options) const {
  if (options.explain) {
    // The explanation is the interpreter's; the decisions it explains must be the JIT's, so
    // both run and must agree (a disagreement is a bug in one of them, reported as such).
    ir::EvalResult explained = impl_->interp.evaluate(inputs, options);
    ir::EvalOptions plain = options;
    plain.explain = false;
    ir::EvalResult mine = evaluate(inputs, plain);
    std::string differs = disagreement(program(), mine, explained);
    if (!differs.empty()) {
      ir::EvalResult bad;
      bad.ok = false;
      bad.error.message = "internal error: the JIT and the interpreter disagree on " + differs +
                          "; please report this policy and input";
      return bad;
    }
    mine.explanations = std::move(explained.explanations);
    return mine;
  }
  ir::EvalResult result;
  const ir::Program& p = program();
  if (inputs.size() != p.inputs.size()) {
    result.ok = false;
    result.error.message = fmt::format("expected {} inputs, got {}", p.inputs.size(), inputs.size());
    return result;
  }
  std::vector<int32_t> positions;
  for (int32_t v : options.decisions) {
    if (v < 0 || static_cast<size_t>(v) >= impl_->position_of.size() || impl_->position_of[v] < 0)
      return impl_->interp.evaluate(inputs, options);  // not a decision: the interpreter answers
    positions.push_back(impl_->position_of[v]);
  }
  FlatRecord record;
  std::string why, path;
  if (!flatten_inputs(impl_->host.layout(), inputs, &record, &why, &path)) {
    result.ok = false;
    result.error.message = why;
    result.error.path = path;
    return result;
  }
  rt::jit::EvalState state;
  Host::Owners owners;
  proviso_ctx ctx{};
  AlignedBuffer out;
  out.resize(layout().output_slot().size);
  EvalSomeFn some = nullptr;
  if (!options.decisions.empty()) {
    some = impl_->subset();
    if (!some && !impl_->compile_allowed) return impl_->interp.evaluate(inputs, options);
    if (!some) {
      result.ok = false;
      result.error.message = "the JIT could not compile the decision subset: " + impl_->subset_error;
      return result;
    }
  }
  int32_t status = impl_->run(record, state, owners, ctx, out.get(), some, &positions);
  if (status != 0 && impl_->host.too_deep(status)) return impl_->interp.evaluate(inputs, options);
  if (status != 0) {
    result.ok = false;
    result.error = impl_->host.error(status, ctx);
    result.home_zone = home_zone_of_failure(layout(), out.get(), ctx);
    return result;
  }
  impl_->host.decode(out.get(), state, owners, &result, options.decisions.empty() ? nullptr : &positions);
  return result;
}

// ---- Session ----

// The interpreter's form of a flattened record.
static std::vector<ir::Value> unflatten(const Host& host, const FlatRecord& record) {
  const Layout& layout = host.layout();
  const ir::Program& p = host.program();
  OwnerLookup owners = [&record](const void* raw) { return record.owner_of(raw); };
  std::vector<ir::Value> inputs;
  for (size_t i = 0; i < p.inputs.size(); ++i) {
    const uint8_t* data = record.pointers()[i];
    inputs.push_back(data ? read_flat(layout, p.inputs[i].type.as_required(), data, owners) : ir::Value::none());
  }
  return inputs;
}

struct Session::Impl {
  explicit Impl(const CompiledPolicy& p) : policy(*p.impl_) {
    const Layout& layout = policy.host.layout();
    out.resize(layout.output_slot().size);
    owners.host = &policy.host;
    ctx = policy.host.context(state, &owners);
    const std::vector<int32_t>& all = policy.host.program().decisions;
    for (size_t i = 0; i < all.size(); ++i) decisions.push_back({all[i], out.get() + layout.decision_offset(i)});
  }
  const CompiledPolicy::Impl& policy;
  rt::jit::EvalState state, batch_state;
  Host::Owners owners, batch_owners;
  proviso_ctx ctx{}, batch_ctx{};
  AlignedBuffer out, outs;
  int32_t status = 0;
  std::optional<ir::EvalResult> fallback;  // the interpreter's answer (TooDeep)
  std::vector<int32_t> statuses;
  size_t stride = 0;
  FlatRecord record;  // evaluate_input()'s, written by `sink`
  FlatSink sink{policy.host.layout(), record};
  FlatSource source{policy.host.layout()};
  std::vector<ir::DecisionRef> decisions;  // every decision, in `out`: what run_input() hands out
};

Session::Session(const CompiledPolicy& policy) : impl_(std::make_unique<Impl>(policy)) {}
Session::~Session() = default;

PROVISO_CALLS_GENERATED_CODE bool Session::run(const FlatRecord& record) {
  // The context was prepared once; only what an evaluation may have changed is reset.
  Impl& s = *impl_;
  if (!s.state.arena.clean()) s.state.arena.reset();
  if (s.status != 0) {
    s.state.error.clear();
    s.ctx.error_value = -1;
    s.ctx.error_decision = -1;
  }
  s.owners.record = &record;
  s.status = s.policy.eval.load(std::memory_order_acquire)(record.pointers(), s.out.get(), &s.ctx);
  if (s.fallback) s.fallback.reset();
  if (s.status != 0 && s.policy.host.too_deep(s.status)) {
    // Nested too deeply for generated code to know the interpreter's answer: ask it.
    s.fallback = s.policy.interp.evaluate(unflatten(s.policy.host, record));
    return s.fallback->ok;
  }
  return s.status == 0;
}

ir::EvalResult Session::result(const FlatRecord& record) const {
  const Impl& s = *impl_;
  ir::EvalResult r;
  if (s.fallback) return *s.fallback;
  if (s.status != 0) {
    r.ok = false;
    r.error = s.policy.host.error(s.status, s.ctx);
    r.home_zone = home_zone_of_failure(s.policy.host.layout(), s.out.get(), s.ctx);
    return r;
  }
  Host::Owners owners{&s.policy.host, &record};
  s.policy.host.decode(s.out.get(), s.state, owners, &r);
  return r;
}

FlatSink& Session::input_sink() { return impl_->sink; }

ir::EvalResult Session::evaluate_input() {
  run(impl_->record);
  return result(impl_->record);
}

bool Session::run_input(Output* out) { return run_record(impl_->record, out); }

bool Session::run_record(const FlatRecord& record, Output* out) {
  Impl& s = *impl_;
  if (!run(record) || s.fallback) return false;
  const void* zone = nullptr;
  std::memcpy(static_cast<void*>(&zone), s.out.get() + s.policy.host.layout().home_zone_offset(), sizeof zone);
  out->source = &s.source;
  out->decisions = s.decisions;
  out->home_zone = zone ? static_cast<const rt::Zone*>(zone) : rt::utc_zone();
  return true;
}

ir::EvalResult Session::input_result() const { return result(impl_->record); }

const uint8_t* Session::output() const { return impl_->out.get(); }

PROVISO_CALLS_GENERATED_CODE size_t Session::run_batch(const uint8_t* const* const* records, size_t n) {
  Impl& s = *impl_;
  s.stride = align_up(s.policy.host.layout().output_slot().size, 16);
  s.outs.resize(s.stride * std::max<size_t>(n, 1));
  s.statuses.assign(n, 0);
  s.batch_state.arena.reset();
  s.batch_state.error.clear();
  s.batch_owners = {&s.policy.host, nullptr};
  s.batch_ctx = s.policy.host.context(s.batch_state, &s.batch_owners);
  BatchFn batch = s.policy.batch.load(std::memory_order_acquire);
  return static_cast<size_t>(batch(records, n, s.outs.get(), s.stride, &s.batch_ctx, s.statuses.data()));
}

int32_t Session::batch_status(size_t i) const { return impl_->statuses.at(i); }

ir::EvalResult Session::batch_result(size_t i, const FlatRecord& record) {
  Impl& s = *impl_;
  if (s.statuses.at(i) != 0) {
    run(record);  // recovers the message, value and decision of the failure
    return result(record);
  }
  ir::EvalResult r;
  Host::Owners owners{&s.policy.host, &record};
  s.policy.host.decode(s.outs.get() + i * s.stride, s.batch_state, owners, &r);
  return r;
}

}  // namespace proviso::jit

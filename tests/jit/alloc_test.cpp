// The JIT's evaluation hot path allocates nothing per record: once a Session has run over a
// workload (warm calendars, arena blocks of the right size), evaluating it again, one record
// per call or as a batch, makes no heap allocation. Counted by replacing the global
// operator new of this test binary (only while `counting` is set).
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <new>

#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"
#include "compiler/jit/jit.h"
#include "compiler/records/decode.h"
#include "tests/jit/diff_support.h"

// Under AddressSanitizer the allocator is the sanitizer's (and LLVM's own nothrow and aligned
// forms would mix with a replacement): the counting is left to the ordinary build.
#if defined(__SANITIZE_ADDRESS__)
#define PROVISO_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PROVISO_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef PROVISO_COUNT_ALLOCATIONS
#define PROVISO_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<bool> counting{false};
std::atomic<size_t> allocations{0};
}  // namespace

#if PROVISO_COUNT_ALLOCATIONS

void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif

using namespace proviso;

namespace {

struct Workload {
  std::shared_ptr<const ir::Program> program;
  std::unique_ptr<const jit::CompiledPolicy> policy;
  std::vector<jit::FlatRecord> flat;
  std::vector<const uint8_t* const*> pointers;
};

Workload load(const std::string& policy, const std::string& ndjson) {
  Workload w;
  auto compiled = driver::compile_file(jit_test::source_dir() + "/" + policy);
  REQUIRE(compiled.ok());
  w.program = compiled.program;
  jit::JitOptions options;
  options.use_cache = false;
  auto created = jit::CompiledPolicy::create(*w.program, options);
  REQUIRE(created.ok());
  w.policy = std::move(created.policy);
  std::ifstream in(jit_test::source_dir() + "/" + ndjson);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  records::Decoder decoder(*w.program);
  for (const auto& part : records::split_json_inputs(text)) {
    auto r = decoder.decode_json(part.text);
    REQUIRE(r.ok());
    w.flat.emplace_back();
    std::string why;
    REQUIRE(w.policy->flatten(r.values, &w.flat.back(), &why));
  }
  for (const auto& f : w.flat) w.pointers.push_back(f.pointers());
  REQUIRE(w.flat.size() >= 1000);
  return w;
}

size_t allocations_during(const std::function<void()>& f) {
  allocations = 0;
  counting = true;
  f();
  counting = false;
  return allocations.load();
}

void check_no_allocation(const std::string& policy, const std::string& ndjson) {
  Workload w = load(policy, ndjson);
  jit::Session session(*w.policy);
  size_t failed = 0;
  auto one_by_one = [&] {
    for (const auto& f : w.flat) failed += session.run(f) ? 0 : 1;
  };
  auto batch = [&] { failed += session.run_batch(w.pointers.data(), w.pointers.size()); };
  one_by_one();  // warm-up: calendars built, arena blocks sized
  batch();
  batch();
  INFO(policy);
  if (!PROVISO_COUNT_ALLOCATIONS) {
    WARN("allocations are not counted under AddressSanitizer");
    return;
  }
  // The counter sees allocations made through the library (here: a vector's buffer).
  REQUIRE(allocations_during([] {
            std::vector<int> v(100);
            (void)v;
          }) == 1);
  CHECK(allocations_during(one_by_one) == 0);
  CHECK(allocations_during(batch) == 0);
  CHECK(failed == 0);
}

}  // namespace

TEST_CASE("the hot path allocates nothing per record: triage") {
  check_no_allocation("policies/bench/triage.policy", "policies/bench/triage.ndjson");
}

TEST_CASE("the hot path allocates nothing per record: Qlik OEM deadlines") {
  check_no_allocation("policies/qlik/oem_maintenance.policy", "policies/qlik/deadlines.ndjson");
}

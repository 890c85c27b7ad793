// Proviso's own checker and loader of object code (compiler/jit/elf_object.h): the objects the
// JIT writes are taken; damaged ones are refused or declined without a read out of bounds (the
// sanitizer build runs this too); what the loader does not know goes to LLVM's linker.
#include <elf.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"
#include "compiler/jit/elf_object.h"
#include "compiler/jit/jit.h"
#include "tests/jit/diff_support.h"

using namespace proviso;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string_view> kMain = {"proviso_eval", "proviso_eval_batch"};

// The object code of a seed policy's main part, as the JIT writes it to its cache.
std::string object_of(const std::string& policy) {
  auto r = driver::compile_file(jit_test::source_dir() + "/policies/" + policy);
  REQUIRE(r.ok());
  static int n = 0;
  fs::path dir = fs::temp_directory_path() / fmt::format("proviso-elf-test-{}-{}", ::getpid(), n++);
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all);
  jit::JitOptions options;
  options.cache_dir = dir.string();
  auto compiled = jit::CompiledPolicy::create(*r.program, options);
  REQUIRE(compiled.ok());
  std::ifstream in(compiled.policy->info().cache_path, std::ios::binary);
  std::string entry{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  fs::remove_all(dir);
  // Header: magic 8, format 4, reserved 4, key 32, meta size 8, object size 8, MAC 32.
  REQUIRE(entry.size() > 96);
  uint64_t meta = 0, object = 0;
  std::memcpy(&meta, entry.data() + 48, 8);
  std::memcpy(&object, entry.data() + 56, 8);
  REQUIRE(96 + meta + object == entry.size());
  return entry.substr(96 + meta);
}

template <class T>
T get(const std::string& b, uint64_t at) {
  T v;
  REQUIRE(at + sizeof v <= b.size());
  std::memcpy(&v, b.data() + at, sizeof v);
  return v;
}

// The offset of the first relocation of the object's first SHT_RELA section.
uint64_t first_relocation(const std::string& b) {
  auto eh = get<Elf64_Ehdr>(b, 0);
  for (uint16_t i = 0; i < eh.e_shnum; ++i) {
    auto sh = get<Elf64_Shdr>(b, eh.e_shoff + i * sizeof(Elf64_Shdr));
    if (sh.sh_type == SHT_RELA && sh.sh_size >= sizeof(Elf64_Rela)) return sh.sh_offset;
  }
  FAIL("no relocation section");
  return 0;
}

}  // namespace

TEST_CASE("Proviso's loader takes the object code of every seed policy") {
  for (const char* policy : {"bench/triage.policy", "qlik/oem_maintenance.policy", "ciq/eula_sla.policy",
                             "portrait/support.policy", "examples/uptime_credit.policy"}) {
    INFO(policy);
    std::string object = object_of(policy);
    CHECK(jit::check_object(object, jit::host_elf_machine(), kMain).empty());
#if defined(__x86_64__)
    std::string why;
    auto loaded = jit::load_object(object, kMain, &why);
    INFO(why);
    REQUIRE(loaded);
    CHECK(loaded->symbol("proviso_eval") != nullptr);
    CHECK(loaded->symbol("proviso_eval_batch") != nullptr);
    CHECK(loaded->symbol("proviso_eval_some") == nullptr);
#endif
  }
}

TEST_CASE("objects that break the rules are refused with the reason") {
  const std::string object = object_of("qlik/oem_maintenance.policy");
  SECTION("an import outside the runtime") {
    std::string b = object;
    size_t at = b.find("proviso_rt_");
    REQUIRE(at != std::string::npos);
    b.replace(at, 11, "proviso_xx_");
    CHECK_THAT(jit::check_object(b, jit::host_elf_machine(), kMain),
               Catch::StartsWith("it imports `proviso_xx_") && Catch::EndsWith("which is not a runtime function"));
  }
  SECTION("a global function that is not an entry point") {
    std::string b = object;
    size_t at = b.find(std::string_view("proviso_eval_batch\0", 19));
    REQUIRE(at != std::string::npos);
    b[at + 14] = 'x';
    CHECK(jit::check_object(b, jit::host_elf_machine(), kMain) ==
          "it defines `proviso_eval_bxtch`, which is not an entry point");
    CHECK_FALSE(jit::check_object(object, jit::host_elf_machine(), {"proviso_eval"}).empty());
  }
  SECTION("another machine's object, or not a relocatable object") {
    std::string b = object;
    auto eh = get<Elf64_Ehdr>(b, 0);
    eh.e_machine = eh.e_machine == EM_AARCH64 ? EM_X86_64 : EM_AARCH64;
    std::memcpy(b.data(), &eh, sizeof eh);
    CHECK(jit::check_object(b, jit::host_elf_machine(), kMain) == "made for another architecture");
    eh = get<Elf64_Ehdr>(object, 0);
    eh.e_type = ET_DYN;
    std::memcpy(b.data(), &eh, sizeof eh);
    CHECK(jit::check_object(b, jit::host_elf_machine(), kMain) == "not a relocatable object");
    CHECK(jit::check_object("not an object", jit::host_elf_machine(), kMain) == "not an object file");
  }
}

#if defined(__x86_64__)
TEST_CASE("what the loader does not know is declined, for LLVM's linker to take") {
  std::string b = object_of("qlik/oem_maintenance.policy");
  uint64_t at = first_relocation(b);
  auto rel = get<Elf64_Rela>(b, at);
  rel.r_info = ELF64_R_INFO(ELF64_R_SYM(rel.r_info), R_X86_64_GOTPCREL);
  std::memcpy(b.data() + at, &rel, sizeof rel);
  CHECK(jit::check_object(b, jit::host_elf_machine(), kMain).empty());  // nothing forbidden
  std::string why;
  CHECK_FALSE(jit::load_object(b, kMain, &why));
  CHECK(why == fmt::format("relocation type {}", R_X86_64_GOTPCREL));
}
#endif

TEST_CASE("damaged objects are refused or declined without reading out of bounds") {
  const std::string object = object_of("bench/triage.policy");
  auto try_all = [](const std::string& b) {
    std::string why;
    if (jit::check_object(b, jit::host_elf_machine(), kMain).empty()) (void)jit::load_object(b, kMain, &why);
  };
  // Every cut: the section table is at the end, so a cut object is not an object file.
  for (size_t n = 0; n < object.size(); n += n < 128 ? 1 : 61) {
    INFO(n);
    std::string cut = object.substr(0, n);
    CHECK(jit::check_object(cut, jit::host_elf_machine(), kMain) == "not an object file");
    try_all(cut);
  }
  // Random bytes changed: whatever the checks say, nothing is read outside the object (the
  // sanitizer build runs this), and what is loaded is unmapped again.
  std::mt19937_64 rng(20261205);
  for (int i = 0; i < 3000; ++i) {
    std::string b = object;
    for (int k = 1 + static_cast<int>(rng() % 4); k > 0; --k)
      b[rng() % b.size()] = static_cast<char>(rng() % 4 == 0 ? 0xFF : rng());
    try_all(b);
  }
}

// Proviso's own checker and loader of object code (compiler/jit/elf_object.h): the objects the
// JIT writes are taken; damaged ones are refused or declined without a read out of bounds (the
// sanitizer build runs this too); what the loader does not know goes to LLVM's linker.
#include <elf.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <random>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"
#include "compiler/jit/elf_object.h"
#include "compiler/jit/jit.h"
#include "compiler/jit/object_cache.h"
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
  // The entry's name is its key in hex; the cache reads it back (and checks its MAC).
  const std::string name = fs::path(compiled.policy->info().cache_path).stem().string();
  REQUIRE(name.size() == 64);
  jit::CacheKey key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(std::stoi(name.substr(2 * i, 2), nullptr, 16));
  jit::ObjectCache cache = jit::ObjectCache::open({dir.string(), dir.string()});
  std::string meta, object, why;
  REQUIRE(cache.read(key, &meta, &object, &why) == jit::EntryState::Ok);
  fs::remove_all(dir);
  return object;
}

template <class T>
T get(const std::string& b, uint64_t at) {
  T v;
  REQUIRE(at + sizeof v <= b.size());
  std::memcpy(&v, b.data() + at, sizeof v);
  return v;
}

// The offset of the first relocation, in the object's SHT_RELA sections, whose symbol is
// undefined (a shim: `to_shim`) or defined in the object; 0 when there is none.
uint64_t first_relocation(const std::string& b, bool to_shim) {
  auto eh = get<Elf64_Ehdr>(b, 0);
  for (uint16_t i = 0; i < eh.e_shnum; ++i) {
    auto sh = get<Elf64_Shdr>(b, eh.e_shoff + i * sizeof(Elf64_Shdr));
    if (sh.sh_type != SHT_RELA) continue;
    auto symtab = get<Elf64_Shdr>(b, eh.e_shoff + sh.sh_link * sizeof(Elf64_Shdr));
    for (uint64_t k = 0; k < sh.sh_size / sizeof(Elf64_Rela); ++k) {
      auto rel = get<Elf64_Rela>(b, sh.sh_offset + k * sizeof(Elf64_Rela));
      auto sym = get<Elf64_Sym>(b, symtab.sh_offset + ELF64_R_SYM(rel.r_info) * sizeof(Elf64_Sym));
      if ((sym.st_shndx == SHN_UNDEF) == to_shim) return sh.sh_offset + k * sizeof(Elf64_Rela);
    }
  }
  return 0;
}

// The object with the relocation at `at` changed by `change`.
template <class F>
std::string with_relocation(std::string b, uint64_t at, F change) {
  REQUIRE(at != 0);
  auto rel = get<Elf64_Rela>(b, at);
  change(rel);
  std::memcpy(b.data() + at, &rel, sizeof rel);
  return b;
}

std::string declined(const std::string& object) {
  std::string why;
  CHECK_FALSE(jit::load_object(object, kMain, &why));
  return why;
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
  const std::string object = object_of("qlik/oem_maintenance.policy");
  const uint64_t to_shim = first_relocation(object, true), inside = first_relocation(object, false);
  SECTION("a relocation kind it does not apply") {
    std::string b = with_relocation(
        object, inside, [](Elf64_Rela& r) { r.r_info = ELF64_R_INFO(ELF64_R_SYM(r.r_info), R_X86_64_GOTPCREL); });
    CHECK(jit::check_object(b, jit::host_elf_machine(), kMain).empty());  // nothing forbidden
    CHECK(declined(b) == fmt::format("relocation type {}", R_X86_64_GOTPCREL));
  }
  SECTION("a 32-bit PC-relative call to a shim, which is in the program, gigabytes away") {
    std::string b = with_relocation(
        object, to_shim, [](Elf64_Rela& r) { r.r_info = ELF64_R_INFO(ELF64_R_SYM(r.r_info), R_X86_64_PLT32); });
    CHECK(declined(b) == "a 32-bit relocation out of range");
  }
  SECTION("a relocation past the end of its section") {
    std::string b = with_relocation(object, inside, [](Elf64_Rela& r) { r.r_offset = uint64_t{1} << 40; });
    CHECK(declined(b) == "a relocation outside its section");
    b = with_relocation(object, inside, [](Elf64_Rela& r) { r.r_info = ELF64_R_INFO(1u << 30, R_X86_64_64); });
    CHECK(declined(b) == "a relocation against an unknown symbol");
  }
  SECTION("within range, a PC-relative relocation inside the object is applied") {
    std::string b = with_relocation(
        object, inside, [](Elf64_Rela& r) { r.r_info = ELF64_R_INFO(ELF64_R_SYM(r.r_info), R_X86_64_PC64); });
    std::string why;
    CHECK(jit::load_object(b, kMain, &why));
    INFO(why);
  }
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

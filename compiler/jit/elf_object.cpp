// Checking and loading relocatable ELF objects (elf_object.h). Every offset, size and index
// read from the object is checked before use: an object that fails a check is refused
// (check_object) or declined (load_object), never read out of bounds.
#include "compiler/jit/elf_object.h"

#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <unordered_map>

#include <fmt/format.h>

#include "compiler/jit/host.h"

namespace proviso::jit {

const std::vector<rt::jit::ShimSymbol>& all_shims() {
  static const std::vector<rt::jit::ShimSymbol> shims = [] {
    std::vector<rt::jit::ShimSymbol> all = rt::jit::runtime_shims();
    for (const auto& s : host_shims()) all.push_back(s);
    all.push_back({"memcpy", reinterpret_cast<const void*>(&std::memcpy)});
    all.push_back({"memset", reinterpret_cast<const void*>(&std::memset)});
    all.push_back({"memmove", reinterpret_cast<const void*>(&std::memmove)});
    return all;
  }();
  return shims;
}

const void* shim_address(std::string_view name) {
  static const std::unordered_map<std::string_view, const void*> addresses = [] {
    std::unordered_map<std::string_view, const void*> m;
    for (const auto& s : all_shims()) m.emplace(s.name, s.address);
    return m;
  }();
  auto it = addresses.find(name);
  return it == addresses.end() ? nullptr : it->second;
}

uint16_t host_elf_machine() {
#if defined(__x86_64__)
  return EM_X86_64;
#elif defined(__aarch64__)
  return EM_AARCH64;
#else
  return EM_NONE;
#endif
}

namespace {

// The object's bytes, read field by field with bounds checks (memcpy: the text need not be
// aligned).
class Elf {
 public:
  explicit Elf(std::string_view bytes) : b_(bytes) {}

  template <class T>
  bool read(uint64_t offset, T* out) const {
    if (offset > b_.size() || b_.size() - offset < sizeof(T)) return false;
    std::memcpy(out, b_.data() + offset, sizeof(T));
    return true;
  }
  bool contains(uint64_t offset, uint64_t size) const { return offset <= b_.size() && size <= b_.size() - offset; }
  const char* at(uint64_t offset) const { return b_.data() + offset; }

  // Reads the header, the section table and the symbol table; false when any is malformed.
  bool parse() {
    if (!read(0, &eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_shentsize != sizeof(Elf64_Shdr))
      return false;
    sections.resize(eh.e_shnum);
    for (size_t i = 0; i < sections.size(); ++i)
      if (!read(eh.e_shoff + i * sizeof(Elf64_Shdr), &sections[i])) return false;
    for (size_t i = 0; i < sections.size(); ++i) {
      const Elf64_Shdr& s = sections[i];
      if (s.sh_type != SHT_NOBITS && s.sh_size > 0 && !contains(s.sh_offset, s.sh_size)) return false;
      if (s.sh_type != SHT_SYMTAB) continue;
      if (symtab >= 0 || s.sh_entsize != sizeof(Elf64_Sym) || s.sh_link >= sections.size()) return false;
      symtab = static_cast<int>(i);
    }
    if (symtab < 0) return true;  // no symbols at all
    const Elf64_Shdr& st = sections[static_cast<size_t>(symtab)];
    strtab = &sections[st.sh_link];
    if (strtab->sh_type != SHT_STRTAB) return false;
    symbols.resize(st.sh_size / sizeof(Elf64_Sym));
    for (size_t i = 0; i < symbols.size(); ++i)
      if (!read(st.sh_offset + i * sizeof(Elf64_Sym), &symbols[i])) return false;
    return true;
  }

  // A symbol's name, or false when it does not end inside the string table.
  bool name(const Elf64_Sym& sym, std::string_view* out) const {
    if (sym.st_name == 0) {
      *out = {};
      return true;
    }
    if (!strtab || sym.st_name >= strtab->sh_size) return false;
    const char* s = at(strtab->sh_offset + sym.st_name);
    const void* nul = std::memchr(s, '\0', strtab->sh_size - sym.st_name);
    if (!nul) return false;
    *out = std::string_view(s, static_cast<size_t>(static_cast<const char*>(nul) - s));
    return true;
  }

  Elf64_Ehdr eh{};
  std::vector<Elf64_Shdr> sections;
  int symtab = -1;
  const Elf64_Shdr* strtab = nullptr;
  std::vector<Elf64_Sym> symbols;  // [0] is the null symbol

 private:
  std::string_view b_;
};

bool is_entry(std::string_view name, const std::vector<std::string_view>& entries) {
  for (std::string_view e : entries)
    if (name == e) return true;
  return false;
}

}  // namespace

std::string check_object(std::string_view bytes, uint16_t machine, const std::vector<std::string_view>& entries) {
  Elf elf(bytes);
  if (!elf.parse()) return "not an object file";
  if (elf.eh.e_type != ET_REL) return "not a relocatable object";
  if (elf.eh.e_machine != machine) return "made for another architecture";
  for (size_t i = 1; i < elf.symbols.size(); ++i) {
    const Elf64_Sym& sym = elf.symbols[i];
    std::string_view name;
    if (!elf.name(sym, &name)) return "an unreadable symbol";
    if (sym.st_shndx == SHN_UNDEF) {
      if (name.empty()) continue;
      if (!shim_address(name)) return fmt::format("it imports `{}`, which is not a runtime function", name);
      continue;
    }
    if (ELF64_ST_BIND(sym.st_info) == STB_LOCAL) continue;
    if (!is_entry(name, entries)) return fmt::format("it defines `{}`, which is not an entry point", name);
  }
  return "";
}

LoadedObject::~LoadedObject() {
  if (base_) ::munmap(base_, size_);
}

const void* LoadedObject::symbol(std::string_view name) const {
  for (const auto& [n, address] : symbols_)
    if (n == name) return address;
  return nullptr;
}

std::unique_ptr<LoadedObject> load_object(std::string_view bytes, const std::vector<std::string_view>& entries,
                                          std::string* why) {
#if !defined(__x86_64__)
  (void)bytes;
  (void)entries;
  *why = "Proviso's own loader handles x86-64 code only";
  return nullptr;
#else
  auto decline = [&](std::string reason) -> std::unique_ptr<LoadedObject> {
    *why = std::move(reason);
    return nullptr;
  };
  Elf elf(bytes);
  if (!elf.parse() || elf.eh.e_type != ET_REL || elf.eh.e_machine != EM_X86_64) return decline("not an x86-64 object");
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));

  // Where each allocated section goes: executable sections first, then read-only ones, then
  // writable ones, each group starting on a page of its own so that it gets its own protection.
  const size_t n = elf.sections.size();
  constexpr uint64_t kNotPlaced = UINT64_MAX;
  std::vector<uint64_t> place(n, kNotPlaced);
  std::array<uint64_t, 4> group_start{};  // and [3]: the end
  uint64_t end = 0;
  for (int group = 0; group < 3; ++group) {
    end = (end + page - 1) / page * page;
    group_start[static_cast<size_t>(group)] = end;
    for (size_t i = 0; i < n; ++i) {
      const Elf64_Shdr& s = elf.sections[i];
      if (!(s.sh_flags & SHF_ALLOC)) continue;
      const int g = (s.sh_flags & SHF_EXECINSTR) ? 0 : (s.sh_flags & SHF_WRITE) ? 2 : 1;
      if (g != group) continue;
      if (s.sh_type != SHT_PROGBITS && s.sh_type != SHT_NOBITS)
        return decline(fmt::format("a section of type {:#x}", s.sh_type));
      if (s.sh_flags & SHF_TLS) return decline("a thread-local section");
      const uint64_t align = s.sh_addralign == 0 ? 1 : s.sh_addralign;
      if ((align & (align - 1)) != 0 || align > page) return decline("a section aligned beyond a page");
      if (s.sh_size > (uint64_t{1} << 30)) return decline("a section over 1 GiB");
      end = (end + align - 1) / align * align;
      place[i] = end;
      end += s.sh_size;
    }
  }
  end = (end + page - 1) / page * page;
  group_start[3] = end;
  if (end == 0) return decline("no code");

  void* mem = ::mmap(nullptr, end, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return decline("no memory for the code");
  std::unique_ptr<LoadedObject> loaded(new LoadedObject());
  loaded->base_ = mem;
  loaded->size_ = end;
  auto* base = static_cast<uint8_t*>(mem);
  for (size_t i = 0; i < n; ++i)
    if (place[i] != kNotPlaced && elf.sections[i].sh_type == SHT_PROGBITS && elf.sections[i].sh_size > 0)
      std::memcpy(base + place[i], elf.at(elf.sections[i].sh_offset), elf.sections[i].sh_size);

  // A symbol's address: a shim's, or a place in a loaded section; false when it has neither.
  auto address_of = [&](const Elf64_Sym& sym, uint64_t* out) {
    if (sym.st_shndx == SHN_UNDEF) {
      std::string_view name;
      if (!elf.name(sym, &name)) return false;
      const void* shim = shim_address(name);
      if (!shim) return false;
      *out = reinterpret_cast<uint64_t>(shim);
      return true;
    }
    if (sym.st_shndx == SHN_ABS) {
      *out = sym.st_value;
      return true;
    }
    if (sym.st_shndx >= n || place[sym.st_shndx] == kNotPlaced || sym.st_value > elf.sections[sym.st_shndx].sh_size)
      return false;
    *out = reinterpret_cast<uint64_t>(base + place[sym.st_shndx]) + sym.st_value;
    return true;
  };

  for (size_t r = 0; r < n; ++r) {
    const Elf64_Shdr& rs = elf.sections[r];
    if (rs.sh_type == SHT_REL) {
      if (rs.sh_info < n && place[rs.sh_info] != kNotPlaced) return decline("relocations without addends");
      continue;
    }
    if (rs.sh_type != SHT_RELA || rs.sh_info >= n || place[rs.sh_info] == kNotPlaced) continue;
    if (rs.sh_entsize != sizeof(Elf64_Rela) || static_cast<int>(rs.sh_link) != elf.symtab)
      return decline("a malformed relocation section");
    const Elf64_Shdr& target = elf.sections[rs.sh_info];
    if (target.sh_type == SHT_NOBITS) return decline("relocations in a section without contents");
    uint8_t* section = base + place[rs.sh_info];
    for (uint64_t k = 0; k < rs.sh_size / sizeof(Elf64_Rela); ++k) {
      Elf64_Rela rel;
      if (!elf.read(rs.sh_offset + k * sizeof(Elf64_Rela), &rel)) return decline("a malformed relocation");
      const uint32_t type = ELF64_R_TYPE(rel.r_info);
      const uint64_t index = ELF64_R_SYM(rel.r_info);
      if (type == R_X86_64_NONE) continue;
      const uint64_t width = type == R_X86_64_64 || type == R_X86_64_PC64 ? 8 : 4;
      if (rel.r_offset > target.sh_size || target.sh_size - rel.r_offset < width)
        return decline("a relocation outside its section");
      uint64_t s = 0;
      if (index >= elf.symbols.size() || !address_of(elf.symbols[index], &s))
        return decline("a relocation against an unknown symbol");
      uint8_t* at = section + rel.r_offset;
      const uint64_t p = reinterpret_cast<uint64_t>(at);
      const uint64_t value = s + static_cast<uint64_t>(rel.r_addend);
      switch (type) {
        case R_X86_64_64: std::memcpy(at, &value, 8); break;
        case R_X86_64_PC64: {
          const uint64_t v = value - p;
          std::memcpy(at, &v, 8);
          break;
        }
        case R_X86_64_PC32:
        case R_X86_64_PLT32:
        case R_X86_64_32S:
        case R_X86_64_32: {
          const bool relative = type == R_X86_64_PC32 || type == R_X86_64_PLT32;
          const auto v = static_cast<int64_t>(relative ? value - p : value);
          const bool fits = type == R_X86_64_32 ? v >= 0 && v <= int64_t{UINT32_MAX}
                                                : v >= int64_t{INT32_MIN} && v <= int64_t{INT32_MAX};
          if (!fits) return decline("a 32-bit relocation out of range");
          const auto v32 = static_cast<uint32_t>(v);
          std::memcpy(at, &v32, 4);
          break;
        }
        default: return decline(fmt::format("relocation type {}", type));
      }
    }
  }

  // Executable code, read-only data and writable data: never writable and executable at once.
  const std::array<int, 3> protection = {PROT_READ | PROT_EXEC, PROT_READ, PROT_READ | PROT_WRITE};
  for (size_t g = 0; g < 3; ++g) {
    const uint64_t from = group_start[g], to = g + 1 < 3 ? group_start[g + 1] : end;
    if (to > from && ::mprotect(base + from, to - from, protection[g]) != 0) return decline("mprotect failed");
  }

  for (size_t i = 1; i < elf.symbols.size(); ++i) {
    const Elf64_Sym& sym = elf.symbols[i];
    std::string_view name;
    if (ELF64_ST_BIND(sym.st_info) == STB_LOCAL || sym.st_shndx == SHN_UNDEF || !elf.name(sym, &name) ||
        !is_entry(name, entries))
      continue;
    uint64_t address = 0;
    if (sym.st_shndx >= n || !(elf.sections[sym.st_shndx].sh_flags & SHF_EXECINSTR) || !address_of(sym, &address))
      return decline(fmt::format("the entry point `{}` is not code", name));
    loaded->symbols_.emplace_back(std::string(name), base + place[sym.st_shndx] + sym.st_value);
  }
  return loaded;
#endif
}

}  // namespace proviso::jit

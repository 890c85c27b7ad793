// Object code linked without LLVM (no LLVM here): a relocatable ELF object of the kind the
// JIT's code generator writes for x86-64 (the large code model: absolute 64-bit relocations
// only) is checked, copied into fresh pages, relocated against the runtime's shims and made
// executable, as LLVM's linker would; anything else it meets it declines, and the caller
// links with LLVM instead. Used for objects read from the cache (after their MAC verified)
// and for those just compiled, so that a policy whose code is cached runs without LLVM's
// linker ever being set up.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <proviso/rt/jit_abi.h>

namespace proviso::jit {

// Every function generated code may import, by name: the runtime's and the host's shims and
// the three C library functions code generation may call (memcpy, memset, memmove).
const std::vector<rt::jit::ShimSymbol>& all_shims();
// The address of the shim of that name, or null when generated code may not import it.
const void* shim_address(std::string_view name);

// Why an object file must not be loaded at all, or "": it must be a relocatable object for
// this machine (`machine`, an ELF e_machine) that defines, as globals, only the functions named
// in `entries`, and whose undefined symbols (the only targets its relocations can have
// outside itself) are shims.
std::string check_object(std::string_view bytes, uint16_t machine, const std::vector<std::string_view>& entries);

// The ELF machine of this build (EM_X86_64, EM_AARCH64, ...).
uint16_t host_elf_machine();

// Linked object code, by this loader or by LLVM's linker: executable until destroyed.
class LinkedCode {
 public:
  virtual ~LinkedCode() = default;
  // The address of a global function the object defines, or null.
  virtual const void* symbol(std::string_view name) const = 0;
};

// An object's code and data in memory of its own, executable; unmapped when destroyed.
class LoadedObject final : public LinkedCode {
 public:
  ~LoadedObject() override;
  LoadedObject(const LoadedObject&) = delete;
  LoadedObject& operator=(const LoadedObject&) = delete;
  const void* symbol(std::string_view name) const override;

 private:
  friend std::unique_ptr<LoadedObject> load_object(std::string_view, const std::vector<std::string_view>&,
                                                   std::string*);
  LoadedObject() = default;
  void* base_ = nullptr;
  size_t size_ = 0;
  std::vector<std::pair<std::string, const void*>> symbols_;
};

// Loads an object check_object accepted, with `entries` its global functions. Null, with
// `why` set, when this loader does not handle something in it (another machine than x86-64,
// a relocation or section kind it does not know, a 32-bit relocation out of range): LLVM's
// linker may still.
std::unique_ptr<LoadedObject> load_object(std::string_view bytes, const std::vector<std::string_view>& entries,
                                          std::string* why);

}  // namespace proviso::jit

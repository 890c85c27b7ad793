// Code generation: the LLVM form of the IR's values, and their flat memory. FlatCode knows the
// LLVM type of every IR type (repr) and loads and stores values by the layout of layout.h;
// the code generator (Gen, codegen_impl.h) emits everything else through it.
#pragma once
#include <string>

#include <llvm/IR/IRBuilder.h>

#include "compiler/ir/program.h"
#include "compiler/jit/layout.h"

namespace proviso::jit::detail {

// Thrown when a policy uses something the JIT cannot compile; the engine then interprets it.
struct Unsupported {
  std::string what;  // "the JIT does not support X yet"
};

// A value in generated code. `v` is the value in its SSA form (records: a pointer to flat
// memory that is always readable); `present` is an i1 for values that may be absent, or null
// when the value is known to be present.
struct CV {
  llvm::Value* v = nullptr;
  llvm::Value* present = nullptr;
};

// The LLVM types the generated code uses.
struct LlvmTypes {
  llvm::IntegerType *i1, *i8, *i16, *i32, *i64, *i128;
  llvm::PointerType* ptr;
  llvm::StructType *dec, *money, *span, *bdur;  // decimal {i128, i32}, money {dec, i16}, {ptr, i64}, {i64, i64}
};

class FlatCode {
 public:
  FlatCode(llvm::LLVMContext& context, llvm::IRBuilder<>& builder, const Layout& layout);

  LlvmTypes types() const { return {i1_, i8_, i16_, i32_, i64_, i128_, ptr_, dec_, money_, span_, bdur_}; }
  // The SSA type of a present value of type t.
  llvm::Type* repr(const ir::Type& t);
  // The zero of t's SSA form; for records, a pointer to zero bytes (the global of set_zero).
  llvm::Value* zero_of(const ir::Type& t);
  void set_zero(llvm::GlobalVariable* zero) { zero_ = zero; }
  llvm::GlobalVariable* zero() const { return zero_; }
  CV absent(const ir::Type& t) { return {zero_of(t), builder_.getFalse()}; }
  llvm::Value* presence(const CV& x) { return x.present ? x.present : builder_.getTrue(); }

  // The address `offset` bytes past `base`.
  llvm::Value* at(llvm::Value* base, uint64_t offset);
  llvm::Value* at(llvm::Value* base, llvm::Value* offset);
  // A present value of type t at p (without the presence tag), and its store.
  llvm::Value* load_value(const ir::Type& t, llvm::Value* p);
  void store_value(const ir::Type& t, llvm::Value* v, llvm::Value* p);
  // A value of type t at p, presence tag included for optional types.
  CV load(const ir::Type& t, llvm::Value* p);
  void store(const ir::Type& t, CV x, llvm::Value* p);

 private:
  llvm::IRBuilder<>& builder_;
  const Layout& layout_;
  llvm::IntegerType *i1_, *i8_, *i16_, *i32_, *i64_, *i128_;
  llvm::PointerType* ptr_;
  llvm::StructType *dec_, *money_, *span_, *bdur_;
  llvm::GlobalVariable* zero_ = nullptr;
};

}  // namespace proviso::jit::detail

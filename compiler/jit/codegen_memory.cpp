// Code generation, part 2: constant arrays, temporaries, coercions and merges of values
// (their types, loads and stores are FlatCode's: codegen_flat.h).
#include <fmt/format.h>

#include <llvm/IR/MDBuilder.h>

#include "compiler/jit/codegen_impl.h"

namespace proviso::jit::detail {

using ir::Type;
using ir::TypeKind;

llvm::Value* Gen::load_constant_element(llvm::Constant* array, llvm::Value* index, const std::string& name) {
  auto* gv = new llvm::GlobalVariable(*module_, array->getType(), true, llvm::GlobalValue::PrivateLinkage, array, name);
  gv->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  llvm::Type* element = llvm::cast<llvm::ArrayType>(array->getType())->getElementType();
  llvm::LoadInst* load =
      builder_.CreateLoad(element, builder_.CreateInBoundsGEP(array->getType(), gv, {builder_.getInt64(0), index}));
  // The load yields one of the array's integers: their range lets the optimiser drop masks
  // (a bool column needs no `and 1`) and comparisons that cannot fail.
  if (auto* ints = llvm::dyn_cast<llvm::ConstantDataSequential>(array); ints && element->isIntegerTy()) {
    unsigned bits = element->getIntegerBitWidth();
    llvm::APInt lo = ints->getElementAsAPInt(0), hi = lo;
    for (unsigned i = 1; i < ints->getNumElements(); ++i) {
      llvm::APInt x = ints->getElementAsAPInt(i);
      if (x.slt(lo)) lo = x;
      if (x.sgt(hi)) hi = x;
    }
    if (!hi.isMaxSignedValue()) {  // [lo, hi + 1) is not the full set
      llvm::MDBuilder md(context_);
      load->setMetadata(llvm::LLVMContext::MD_range, md.createRange(lo, hi + llvm::APInt(bits, 1)));
    }
  }
  return load;
}

llvm::Value* Gen::temp(uint32_t size, uint32_t align) {
  llvm::BasicBlock& entry = fn_.f->getEntryBlock();
  llvm::IRBuilder<> eb(&entry, entry.begin());
  llvm::AllocaInst* a = eb.CreateAlloca(llvm::ArrayType::get(i8_, std::max<uint32_t>(size, 1)));
  a->setAlignment(llvm::Align(std::max<uint32_t>(align, 1)));
  return a;
}

llvm::Value* Gen::spill(const Type& t, llvm::Value* v) {
  if (t.kind == TypeKind::Record) return v;
  Slot s = layout_.value_slot(t);
  llvm::Value* p = temp(s.size, s.align);
  flat_.store_value(t, v, p);
  return p;
}

CV Gen::coerce(CV x, const Type& from, const Type& to) {
  if (to.kind == TypeKind::None) return flat_.absent(to);
  if (from.kind == TypeKind::None) return flat_.absent(to);
  if (from.kind != to.kind && !((from.kind == TypeKind::Decimal || from.kind == TypeKind::Percent) &&
                                (to.kind == TypeKind::Decimal || to.kind == TypeKind::Percent)))
    unsupported(
        fmt::format("a `{}` used as a `{}`", ir::to_string(from, program_.schema), ir::to_string(to, program_.schema)));
  if (!to.optional) x.present = nullptr;
  return x;
}

CV Gen::merge(const Type& t, const std::vector<std::pair<llvm::BasicBlock*, CV>>& in) {
  if (in.empty()) {
    builder_.CreateUnreachable();
    builder_.SetInsertPoint(block("dead"));
    return flat_.absent(t);
  }
  bool optional = false;
  for (const auto& [bb, x] : in) optional |= x.present != nullptr;
  llvm::PHINode* v = builder_.CreatePHI(flat_.repr(t), static_cast<unsigned>(in.size()));
  llvm::PHINode* present = optional ? builder_.CreatePHI(i1_, static_cast<unsigned>(in.size())) : nullptr;
  for (const auto& [bb, x] : in) {
    v->addIncoming(x.v ? x.v : flat_.zero_of(t), bb);
    if (present) present->addIncoming(x.present ? x.present : builder_.getTrue(), bb);
  }
  return {v, present};
}

}  // namespace proviso::jit::detail

// Code generation, part 2: values in flat memory (loads and stores by the layout of
// layout.h), temporaries, SSA representations, coercions and merges of values.
#include <fmt/format.h>

#include <llvm/IR/MDBuilder.h>

#include "compiler/jit/codegen_impl.h"

namespace proviso::jit::detail {

using ir::Type;
using ir::TypeKind;

llvm::Value* Gen::at(llvm::Value* base, uint64_t offset) {
  return offset ? builder_.CreateConstInBoundsGEP1_64(i8_, base, offset) : base;
}

llvm::Value* Gen::at(llvm::Value* base, llvm::Value* offset) { return builder_.CreateInBoundsGEP(i8_, base, offset); }

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

llvm::Type* Gen::repr(const Type& t) {
  switch (t.kind) {
    case TypeKind::Bool: return i1_;
    case TypeKind::Integer:
    case TypeKind::DateTime:
    case TypeKind::Duration:
    case TypeKind::Period: return i64_;
    case TypeKind::Enum:
    case TypeKind::Date: return i32_;
    case TypeKind::BusinessDuration: return bdur_;
    case TypeKind::Decimal:
    case TypeKind::Percent: return dec_;
    case TypeKind::Money: return money_;
    case TypeKind::Text:
    case TypeKind::List: return span_;
    case TypeKind::Zone:
    case TypeKind::Calendar:
    case TypeKind::Holidays:
    case TypeKind::Record: return ptr_;
    case TypeKind::None: return i1_;
    case TypeKind::Error: break;
  }
  unsupported("values of an unknown type");
}

llvm::Value* Gen::zero_of(const Type& t) {
  if (t.kind == TypeKind::Record) return zero_;
  return llvm::Constant::getNullValue(repr(t));
}

llvm::Value* Gen::load_value(const Type& t, llvm::Value* p) {
  auto ld = [&](llvm::Type* ty, uint64_t off, unsigned align) {
    return builder_.CreateAlignedLoad(ty, at(p, off), llvm::Align(align));
  };
  switch (t.kind) {
    case TypeKind::Bool: return builder_.CreateICmpNE(ld(i8_, 0, 1), builder_.getInt8(0));
    case TypeKind::Integer:
    case TypeKind::DateTime:
    case TypeKind::Duration:
    case TypeKind::Period: return ld(i64_, 0, 8);
    case TypeKind::Enum:
    case TypeKind::Date: return ld(i32_, 0, 4);
    case TypeKind::BusinessDuration: {
      llvm::Value* v = llvm::UndefValue::get(bdur_);
      v = builder_.CreateInsertValue(v, ld(i64_, 0, 8), 0);
      return builder_.CreateInsertValue(v, ld(i64_, 8, 8), 1);
    }
    case TypeKind::Decimal:
    case TypeKind::Percent: {
      llvm::Value* v = llvm::UndefValue::get(dec_);
      v = builder_.CreateInsertValue(v, ld(i128_, 0, 16), 0);
      return builder_.CreateInsertValue(v, ld(i32_, 16, 4), 1);
    }
    case TypeKind::Money: {
      llvm::Value* d = llvm::UndefValue::get(dec_);
      d = builder_.CreateInsertValue(d, ld(i128_, 0, 16), 0);
      d = builder_.CreateInsertValue(d, ld(i32_, 16, 4), 1);
      llvm::Value* v = llvm::UndefValue::get(money_);
      v = builder_.CreateInsertValue(v, d, 0);
      return builder_.CreateInsertValue(v, ld(i16_, 32, 2), 1);
    }
    case TypeKind::Text:
    case TypeKind::List: {
      llvm::Value* v = llvm::UndefValue::get(span_);
      v = builder_.CreateInsertValue(v, ld(ptr_, 0, 8), 0);
      return builder_.CreateInsertValue(v, ld(i64_, 8, 8), 1);
    }
    case TypeKind::Zone:
    case TypeKind::Calendar:
    case TypeKind::Holidays: return ld(ptr_, 0, 8);
    case TypeKind::Record: return p;
    case TypeKind::None: return builder_.getFalse();
    case TypeKind::Error: break;
  }
  unsupported("values of an unknown type");
}

void Gen::store_value(const Type& t, llvm::Value* v, llvm::Value* p) {
  auto st = [&](llvm::Value* x, uint64_t off, unsigned align) {
    builder_.CreateAlignedStore(x, at(p, off), llvm::Align(align));
  };
  switch (t.kind) {
    case TypeKind::Bool: st(builder_.CreateZExt(v, i8_), 0, 1); return;
    case TypeKind::Integer:
    case TypeKind::DateTime:
    case TypeKind::Duration:
    case TypeKind::Period: st(v, 0, 8); return;
    case TypeKind::Enum:
    case TypeKind::Date: st(v, 0, 4); return;
    case TypeKind::BusinessDuration:
    case TypeKind::Text:
    case TypeKind::List:
      st(builder_.CreateExtractValue(v, 0), 0, 8);
      st(builder_.CreateExtractValue(v, 1), 8, 8);
      return;
    case TypeKind::Decimal:
    case TypeKind::Percent:
      st(builder_.CreateExtractValue(v, 0), 0, 16);
      st(builder_.CreateExtractValue(v, 1), 16, 4);
      return;
    case TypeKind::Money: {
      llvm::Value* d = builder_.CreateExtractValue(v, 0);
      st(builder_.CreateExtractValue(d, 0), 0, 16);
      st(builder_.CreateExtractValue(d, 1), 16, 4);
      st(builder_.CreateExtractValue(v, 1), 32, 2);
      return;
    }
    case TypeKind::Zone:
    case TypeKind::Calendar:
    case TypeKind::Holidays: st(v, 0, 8); return;
    case TypeKind::Record: {
      Slot s = layout_.record_slot(t.id);
      if (v != p) builder_.CreateMemCpy(p, llvm::MaybeAlign(s.align), v, llvm::MaybeAlign(s.align), s.size);
      return;
    }
    case TypeKind::None: return;
    case TypeKind::Error: break;
  }
  unsupported("values of an unknown type");
}

CV Gen::load(const Type& t, llvm::Value* p) {
  if (!Layout::has_tag(t)) return {load_value(t, p), nullptr};
  if (t.kind == TypeKind::None) return absent(t);
  llvm::Value* present = builder_.CreateICmpNE(builder_.CreateLoad(i8_, p), builder_.getInt8(0));
  return {load_value(t, at(p, layout_.value_offset(t))), present};
}

void Gen::store(const Type& t, CV x, llvm::Value* p) {
  if (Layout::has_tag(t)) {
    if (t.kind == TypeKind::None) {
      builder_.CreateStore(builder_.getInt8(0), p);
      return;
    }
    builder_.CreateStore(x.present ? builder_.CreateZExt(x.present, i8_) : builder_.getInt8(1), p);
    if (auto* c = llvm::dyn_cast_or_null<llvm::ConstantInt>(x.present); c && c->isZero()) return;
    p = at(p, layout_.value_offset(t));
  }
  store_value(t, x.v, p);
}

llvm::Value* Gen::spill(const Type& t, llvm::Value* v) {
  if (t.kind == TypeKind::Record) return v;
  Slot s = layout_.value_slot(t);
  llvm::Value* p = temp(s.size, s.align);
  store_value(t, v, p);
  return p;
}

CV Gen::coerce(CV x, const Type& from, const Type& to) {
  if (to.kind == TypeKind::None) return absent(to);
  if (from.kind == TypeKind::None) return absent(to);
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
    return absent(t);
  }
  bool optional = false;
  for (const auto& [bb, x] : in) optional |= x.present != nullptr;
  llvm::PHINode* v = builder_.CreatePHI(repr(t), static_cast<unsigned>(in.size()));
  llvm::PHINode* present = optional ? builder_.CreatePHI(i1_, static_cast<unsigned>(in.size())) : nullptr;
  for (const auto& [bb, x] : in) {
    v->addIncoming(x.v ? x.v : zero_of(t), bb);
    if (present) present->addIncoming(x.present ? x.present : builder_.getTrue(), bb);
  }
  return {v, present};
}

}  // namespace proviso::jit::detail

// Code generation: the LLVM form of the IR's values and their flat memory (loads and stores
// by the layout of layout.h). See codegen_flat.h.
#include "compiler/jit/codegen_flat.h"

namespace proviso::jit::detail {

using ir::Type;
using ir::TypeKind;

FlatCode::FlatCode(llvm::LLVMContext& context, llvm::IRBuilder<>& builder, const Layout& layout)
    : builder_(builder), layout_(layout) {
  i1_ = builder_.getInt1Ty();
  i8_ = builder_.getInt8Ty();
  i16_ = builder_.getInt16Ty();
  i32_ = builder_.getInt32Ty();
  i64_ = builder_.getInt64Ty();
  i128_ = builder_.getInt128Ty();
  ptr_ = builder_.getPtrTy();
  dec_ = llvm::StructType::create(context, {i128_, i32_}, "proviso.dec");
  money_ = llvm::StructType::create(context, {dec_, i16_}, "proviso.money");
  span_ = llvm::StructType::create(context, {ptr_, i64_}, "proviso.span");
  bdur_ = llvm::StructType::create(context, {i64_, i64_}, "proviso.bdur");
}

llvm::Value* FlatCode::at(llvm::Value* base, uint64_t offset) {
  return offset ? builder_.CreateConstInBoundsGEP1_64(i8_, base, offset) : base;
}

llvm::Value* FlatCode::at(llvm::Value* base, llvm::Value* offset) {
  return builder_.CreateInBoundsGEP(i8_, base, offset);
}

llvm::Type* FlatCode::repr(const Type& t) {
  switch (t.kind) {
    case TypeKind::Bool: return i1_;
    case TypeKind::Integer:
    case TypeKind::DateTime:
    case TypeKind::Duration:
    case TypeKind::Period: return i64_;
    case TypeKind::Enum:
    case TypeKind::Schedule:
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
  throw Unsupported{"the JIT does not support values of an unknown type yet"};
}

llvm::Value* FlatCode::zero_of(const Type& t) {
  if (t.kind == TypeKind::Record) return zero_;
  return llvm::Constant::getNullValue(repr(t));
}

llvm::Value* FlatCode::load_value(const Type& t, llvm::Value* p) {
  auto ld = [&](llvm::Type* ty, uint64_t off, unsigned align) {
    return builder_.CreateAlignedLoad(ty, at(p, off), llvm::Align(align));
  };
  switch (t.kind) {
    case TypeKind::Bool: return builder_.CreateICmpNE(ld(i8_, 0, 1), builder_.getInt8(0));
    case TypeKind::Integer:
    case TypeKind::DateTime:
    case TypeKind::Duration:
    case TypeKind::Period: return ld(i64_, 0, 8);
    case TypeKind::Enum: {
      // In memory as narrow as its members allow (Layout::enum_bytes), an i32 in registers.
      uint32_t bytes = layout_.enum_bytes(t);
      if (bytes == 4) return ld(i32_, 0, 4);
      return builder_.CreateZExt(ld(bytes == 1 ? i8_ : i16_, 0, bytes), i32_);
    }
    case TypeKind::Schedule:
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
  throw Unsupported{"the JIT does not support values of an unknown type yet"};
}

void FlatCode::store_value(const Type& t, llvm::Value* v, llvm::Value* p) {
  auto st = [&](llvm::Value* x, uint64_t off, unsigned align) {
    builder_.CreateAlignedStore(x, at(p, off), llvm::Align(align));
  };
  switch (t.kind) {
    case TypeKind::Bool: st(builder_.CreateZExt(v, i8_), 0, 1); return;
    case TypeKind::Integer:
    case TypeKind::DateTime:
    case TypeKind::Duration:
    case TypeKind::Period: st(v, 0, 8); return;
    case TypeKind::Enum: {
      uint32_t bytes = layout_.enum_bytes(t);
      st(bytes == 4 ? v : builder_.CreateTrunc(v, bytes == 1 ? i8_ : i16_), 0, bytes);
      return;
    }
    case TypeKind::Schedule:
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
  throw Unsupported{"the JIT does not support values of an unknown type yet"};
}

CV FlatCode::load(const Type& t, llvm::Value* p) {
  if (!Layout::has_tag(t)) return {load_value(t, p), nullptr};
  if (t.kind == TypeKind::None) return absent(t);
  llvm::Value* present = builder_.CreateICmpNE(builder_.CreateLoad(i8_, p), builder_.getInt8(0));
  return {load_value(t, at(p, layout_.value_offset(t))), present};
}

void FlatCode::store(const Type& t, CV x, llvm::Value* p) {
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

}  // namespace proviso::jit::detail

// Code generation, part 4: arithmetic with the interpreter's overflow checks, decimals and
// money through runtime shims, dates, datetimes and calendars, lists and aggregations, and
// the built-in functions.
#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>

#include "compiler/ir/eval_messages.h"
#include "compiler/jit/codegen_impl.h"

namespace proviso::jit::detail {

using ir::NodeId;
using ir::Op;
using ir::Type;
using ir::TypeKind;

// ---- arithmetic ----

llvm::Value* Gen::checked(llvm::Intrinsic::ID op, llvm::Value* a, llvm::Value* b, int site_index) {
  llvm::Value* r = builder_.CreateBinaryIntrinsic(op, a, b);
  fail_if(builder_.CreateExtractValue(r, 1), site_index);
  return builder_.CreateExtractValue(r, 0);
}

CV Gen::gen_int(const ir::Node& n, NodeId id) {
  llvm::Value* a = gen(n.a).v;
  auto stat = [&](const char* msg) { return site(ErrorSite::Kind::Static, id, msg); };
  switch (n.op) {
    case Op::IntNeg:
      fail_if(builder_.CreateICmpEQ(a, builder_.getInt64(static_cast<uint64_t>(INT64_MIN))),
              stat(ir::msg::kNegationOverflows));
      return {builder_.CreateNeg(a), nullptr};
    case Op::IntToDec: {
      llvm::Value* d = llvm::UndefValue::get(dec_);
      d = builder_.CreateInsertValue(d, builder_.CreateSExt(a, i128_), 0);
      return {builder_.CreateInsertValue(d, builder_.getInt32(0), 1), nullptr};
    }
    default: break;
  }
  llvm::Value* b = gen(n.b).v;
  switch (n.op) {
    case Op::IntAdd:
      return {checked(llvm::Intrinsic::sadd_with_overflow, a, b, stat(ir::msg::kIntegerAdditionOverflows)), nullptr};
    case Op::IntSub:
      return {checked(llvm::Intrinsic::ssub_with_overflow, a, b, stat(ir::msg::kIntegerSubtractionOverflows)), nullptr};
    default:
      return {checked(llvm::Intrinsic::smul_with_overflow, a, b, stat(ir::msg::kIntegerMultiplicationOverflows)),
              nullptr};
  }
}

CV Gen::gen_decimal(const ir::Node& n, NodeId id) {
  Type dt = Type::of(TypeKind::Decimal);
  llvm::Value* a = spill(dt, gen(n.a).v);
  llvm::Value* out = temp(32, 16);
  if (n.op == Op::DecNeg) {
    call_shim("proviso_rt_dec_neg", builder_.getVoidTy(), {a, out});
    return {flat_.load_value(dt, out), nullptr};
  }
  llvm::Value* b = spill(dt, gen(n.b).v);
  const char* name = n.op == Op::DecAdd   ? "proviso_rt_dec_add"
                     : n.op == Op::DecSub ? "proviso_rt_dec_sub"
                     : n.op == Op::DecMul ? "proviso_rt_dec_mul"
                                          : "proviso_rt_dec_div";
  llvm::Value* st = call_shim(name, i32_, {fn_.ctx, a, b, out});
  fail_if(builder_.CreateICmpNE(st, builder_.getInt32(0)), site(ErrorSite::Kind::Shim, id));
  return {flat_.load_value(dt, out), nullptr};
}

CV Gen::gen_money(const ir::Node& n, NodeId id) {
  Type mt = Type::of(TypeKind::Money), dt = Type::of(TypeKind::Decimal);
  llvm::Value* a = spill(mt, gen(n.a).v);
  if (n.op == Op::MoneyNeg) {
    llvm::Value* out = temp(48, 16);
    call_shim("proviso_rt_money_neg", builder_.getVoidTy(), {a, out});
    return {flat_.load_value(mt, out), nullptr};
  }
  bool by_decimal = n.op == Op::MoneyMul || n.op == Op::MoneyDiv;
  llvm::Value* b = spill(by_decimal ? dt : mt, gen(n.b).v);
  bool ratio = n.op == Op::MoneyRatio;
  llvm::Value* out = ratio ? temp(32, 16) : temp(48, 16);
  const char* name = n.op == Op::MoneyAdd   ? "proviso_rt_money_add"
                     : n.op == Op::MoneySub ? "proviso_rt_money_sub"
                     : n.op == Op::MoneyMul ? "proviso_rt_money_mul"
                     : n.op == Op::MoneyDiv ? "proviso_rt_money_div"
                                            : "proviso_rt_money_ratio";
  llvm::Value* st = call_shim(name, i32_, {fn_.ctx, a, b, out});
  fail_if(builder_.CreateICmpNE(st, builder_.getInt32(0)), site(ErrorSite::Kind::Shim, id));
  return {flat_.load_value(ratio ? dt : mt, out), nullptr};
}

CV Gen::gen_duration(const ir::Node& n, NodeId id) {
  auto stat = [&](const char* msg) { return site(ErrorSite::Kind::Static, id, msg); };
  llvm::Value* a = gen(n.a).v;
  switch (n.op) {
    case Op::DurNeg:
      fail_if(builder_.CreateICmpEQ(a, builder_.getInt64(static_cast<uint64_t>(INT64_MIN))),
              stat(ir::msg::kNegationOverflows));
      return {builder_.CreateNeg(a), nullptr};
    case Op::DurToBDur: {
      llvm::Value* r = llvm::UndefValue::get(bdur_);
      r = builder_.CreateInsertValue(r, builder_.getInt64(0), 0);
      return {builder_.CreateInsertValue(r, a, 1), nullptr};
    }
    default: break;
  }
  llvm::Value* b = gen(n.b).v;
  switch (n.op) {
    case Op::DurAdd:
      return {checked(llvm::Intrinsic::sadd_with_overflow, a, b, stat(ir::msg::kDurationOverflows)), nullptr};
    case Op::DurSub:
      return {checked(llvm::Intrinsic::ssub_with_overflow, a, b, stat(ir::msg::kDurationOverflows)), nullptr};
    case Op::DurMul:
      return {checked(llvm::Intrinsic::smul_with_overflow, a, b, stat(ir::msg::kDurationOverflows)), nullptr};
    case Op::PeriodMul:
      return {checked(llvm::Intrinsic::smul_with_overflow, a, b, stat(ir::msg::kPeriodOverflows)), nullptr};
    case Op::BDurAdd:
    case Op::BDurMul: {
      int s = stat(ir::msg::kBusinessDurationOverflows);
      auto op = n.op == Op::BDurAdd ? llvm::Intrinsic::sadd_with_overflow : llvm::Intrinsic::smul_with_overflow;
      llvm::Value* bd = n.op == Op::BDurAdd ? builder_.CreateExtractValue(b, 0) : b;
      llvm::Value* bs = n.op == Op::BDurAdd ? builder_.CreateExtractValue(b, 1) : b;
      llvm::Value* days = checked(op, builder_.CreateExtractValue(a, 0), bd, s);
      llvm::Value* secs = checked(op, builder_.CreateExtractValue(a, 1), bs, s);
      llvm::Value* r = llvm::UndefValue::get(bdur_);
      r = builder_.CreateInsertValue(r, days, 0);
      return {builder_.CreateInsertValue(r, secs, 1), nullptr};
    }
    default: break;
  }
  unsupported("this duration operation");
}

CV Gen::gen_time(const ir::Node& n, NodeId id) {
  auto stat = [&](const char* msg) { return site(ErrorSite::Kind::Static, id, msg); };
  llvm::Value* a = gen(n.a).v;
  llvm::Value* b = gen(n.b).v;
  auto via = [&](const char* name, llvm::Value* x, llvm::Value* y, llvm::Type* rt, unsigned size) -> CV {
    llvm::Value* out = temp(size, size);
    llvm::Value* st = call_shim(name, i32_, {fn_.ctx, x, y, out});
    fail_if(builder_.CreateICmpNE(st, builder_.getInt32(0)), site(ErrorSite::Kind::Shim, id));
    return {builder_.CreateAlignedLoad(rt, out, llvm::Align(size)), nullptr};
  };
  llvm::Value* min64 = builder_.getInt64(static_cast<uint64_t>(INT64_MIN));
  switch (n.op) {
    case Op::DateTimeAdd: return via("proviso_rt_datetime_add", a, b, i64_, 8);
    case Op::DateTimeSub:
      fail_if(builder_.CreateICmpEQ(b, min64), stat(ir::msg::kDatetimeOverflows));
      return via("proviso_rt_datetime_add", a, builder_.CreateNeg(b), i64_, 8);
    case Op::DateTimeDiff:
      return {checked(llvm::Intrinsic::ssub_with_overflow, a, b, stat(ir::msg::kDurationOverflows)), nullptr};
    case Op::DateAddPeriod: return via("proviso_rt_date_add_months", a, b, i32_, 4);
    case Op::DateSubPeriod:
      fail_if(builder_.CreateICmpEQ(b, min64), stat(ir::msg::kPeriodOverflows));
      return via("proviso_rt_date_add_months", a, builder_.CreateNeg(b), i32_, 4);
    case Op::DateAddDur:
    case Op::DateSubDur: {
      fail_if(builder_.CreateICmpNE(builder_.CreateSRem(b, builder_.getInt64(86400)), builder_.getInt64(0)),
              stat(ir::msg::kWholeDaysOnly));
      llvm::Value* days = builder_.CreateSDiv(b, builder_.getInt64(86400));
      if (n.op == Op::DateSubDur) days = builder_.CreateNeg(days);
      return via("proviso_rt_date_add_days", a, days, i32_, 4);
    }
    case Op::DateDiff:
      return {builder_.CreateMul(builder_.CreateSub(builder_.CreateSExt(a, i64_), builder_.CreateSExt(b, i64_)),
                                 builder_.getInt64(86400)),
              nullptr};
    case Op::DateOf: return via("proviso_rt_zone_local_date", b, a, i32_, 4);
    default: break;
  }
  unsupported("this date operation");
}

CV Gen::gen_calendar_op(const ir::Node& n, NodeId id) {
  llvm::Value* a = gen(n.a).v;
  llvm::Value* b = n.op == Op::CalAdd || n.op == Op::WorkingTime ? gen(n.b).v : nullptr;
  llvm::Value* cal = gen(n.c).v;
  llvm::Value* out = temp(8, 8);
  llvm::Value* st = nullptr;
  llvm::Type* rt = i64_;
  switch (n.op) {
    case Op::CalAdd:
      st = call_shim("proviso_rt_cal_add", i32_,
                     {fn_.ctx, cal, a, builder_.CreateExtractValue(b, 0), builder_.CreateExtractValue(b, 1), out});
      break;
    case Op::WorkingTime: st = call_shim("proviso_rt_cal_working", i32_, {fn_.ctx, cal, a, b, out}); break;
    case Op::IsOpen:
      st = call_shim("proviso_rt_cal_is_open", i32_, {fn_.ctx, cal, a, out});
      rt = i8_;
      break;
    default: st = call_shim("proviso_rt_cal_next_opening", i32_, {fn_.ctx, cal, a, out}); break;
  }
  fail_if(builder_.CreateICmpNE(st, builder_.getInt32(0)), site(ErrorSite::Kind::Shim, id));
  llvm::Value* r = builder_.CreateLoad(rt, out);
  if (rt == i8_) r = builder_.CreateICmpNE(r, builder_.getInt8(0));
  return {r, nullptr};
}

// `C pausing P [as of X]`: the host builds the calendar as the interpreter does.
CV Gen::gen_pausing(const ir::Node& n, NodeId id) {
  llvm::Value* cal = gen(n.a).v;
  llvm::Value* pauses = spill(program_.nodes[n.b].type, gen(n.b).v);
  llvm::Value* has_as_of = builder_.getInt32(0);
  llvm::Value* as_of = builder_.getInt64(0);
  if (n.c >= 0) {
    has_as_of = builder_.getInt32(1);
    as_of = gen(n.c).v;
  }
  llvm::Value* out = temp(8, 8);
  llvm::Value* st =
      call_shim("proviso_host_pausing", i32_, {fn_.ctx, builder_.getInt32(id), cal, pauses, has_as_of, as_of, out});
  // The interpreter names the pauses as the failing node (compiler/interp/scalar.cpp).
  fail_if(builder_.CreateICmpNE(st, builder_.getInt32(0)), site(ErrorSite::Kind::Shim, n.b));
  return {builder_.CreateLoad(ptr_, out), nullptr};
}

// ---- lists ----

// A collect that analysis_ found may stop at its first true condition (analysis.h).
CV Gen::gen_early_exit_collect(const ir::Node& n, NodeId id) {
  const Type& et = *n.type.elem;
  size_t items = n.args.size() / 2;
  std::vector<llvm::Constant*> cells;
  for (size_t i = 0; i < items; ++i) {
    NodeId a = n.args[2 * i];
    CV e = coerce(gen(a), program_.nodes[a].type, et);
    auto* c = llvm::dyn_cast<llvm::Constant>(e.v);
    // find_early_exit_collects admits only element types that gen_const gives as constants.
    if (!c || c->getType() == i1_) unsupported("internal error: an early-exit collect of a non-constant element");
    cells.push_back(c);
  }
  cells.push_back(llvm::Constant::getNullValue(cells[0]->getType()));  // no true condition
  llvm::BasicBlock* found = block("collect.found");
  llvm::BasicBlock* test = block("collect.test");
  builder_.CreateBr(test);
  builder_.SetInsertPoint(test);
  std::vector<std::pair<llvm::BasicBlock*, uint64_t>> from;
  for (size_t i = 0; i < items; ++i) {
    llvm::Value* cond = gen(n.args[2 * i + 1]).v;
    llvm::BasicBlock* next = block("collect.test");
    from.push_back({builder_.GetInsertBlock(), i});
    builder_.CreateCondBr(cond, found, next);
    builder_.SetInsertPoint(next);
  }
  from.push_back({builder_.GetInsertBlock(), items});
  builder_.CreateBr(found);
  builder_.SetInsertPoint(found);
  llvm::PHINode* k = builder_.CreatePHI(i64_, static_cast<unsigned>(from.size()));
  for (auto& [bb, i] : from) k->addIncoming(builder_.getInt64(i), bb);
  auto* type = llvm::ArrayType::get(cells[0]->getType(), cells.size());
  CV first = {load_constant_element(llvm::ConstantArray::get(type, cells), k, "proviso.collect"), nullptr};
  llvm::Value* data = store_at(node_store_[id]);
  flat_.store(et, first, flat_.at(data, uint64_t{0}));
  // Only first() and is_empty() read this list: a length of 0 or 1 tells them all they see.
  llvm::Value* r = llvm::UndefValue::get(span_);
  r = builder_.CreateInsertValue(r, data, 0);
  return {
      builder_.CreateInsertValue(r, builder_.CreateZExt(builder_.CreateICmpNE(k, builder_.getInt64(items)), i64_), 1),
      nullptr};
}

CV Gen::gen_list(const ir::Node& n, NodeId id) {
  if (n.op == Op::Collect && analysis_.is_early_exit_list(id)) return gen_early_exit_collect(n, id);
  if (n.op == Op::MakeList || n.op == Op::Collect) {
    const Type& et = *n.type.elem;
    uint32_t stride = layout_.slot(et).size;
    llvm::Value* data = store_at(node_store_[id]);
    llvm::Value* r = llvm::UndefValue::get(span_);
    if (n.op == Op::MakeList) {
      for (size_t i = 0; i < n.args.size(); ++i) {
        NodeId a = n.args[i];
        flat_.store(et, coerce(gen(a), program_.nodes[a].type, et), flat_.at(data, i * stride));
      }
      r = builder_.CreateInsertValue(r, n.args.empty() ? llvm::ConstantPointerNull::get(ptr_) : data, 0);
      return {builder_.CreateInsertValue(r, builder_.getInt64(n.args.size()), 1), nullptr};
    }
    // Every element a literal (up to 8): branch-free. The conditions form a bit mask; the
    // count is its population and the first element is read from a constant array at the
    // mask's lowest set bit. Slot j > 0 holds the element whose condition is the (j+1)-th
    // true one, chosen by selects over prefix counts (dead unless something reads past the
    // first element). Every slot is written at a fixed address, so the optimiser can keep
    // the list in registers.
    constexpr size_t kMaxSelectElements = 8;
    size_t items = n.args.size() / 2;
    bool literals = items > 0 && items <= kMaxSelectElements;
    for (size_t i = 0; literals && i < items; ++i) literals = program_.nodes[n.args[2 * i]].op == Op::Const;
    if (literals) {
      std::vector<llvm::Value*> conds, before;  // before[i]: how many conditions before i hold
      std::vector<CV> elems;
      llvm::Value* mask = builder_.getInt64(0);
      llvm::Value* k = builder_.getInt64(0);
      for (size_t i = 0; i < items; ++i) {
        conds.push_back(gen(n.args[2 * i + 1]).v);
        before.push_back(k);
        llvm::Value* bit = builder_.CreateZExt(conds.back(), i64_);
        k = builder_.CreateAdd(k, bit);
        mask = builder_.CreateOr(mask, builder_.CreateShl(bit, builder_.getInt64(i)));
      }
      for (size_t i = 0; i < items; ++i) {
        NodeId a = n.args[2 * i];
        elems.push_back(coerce(gen(a), program_.nodes[a].type, et));
      }
      auto slot_by_selects = [&](size_t j) {
        CV slot = {flat_.zero_of(et), Layout::has_tag(et) ? builder_.getFalse() : nullptr};
        for (size_t i = items; i-- > j;) {
          llvm::Value* here = builder_.CreateAnd(conds[i], builder_.CreateICmpEQ(before[i], builder_.getInt64(j)));
          slot.v = builder_.CreateSelect(here, elems[i].v, slot.v);
          if (slot.present) slot.present = builder_.CreateSelect(here, flat_.presence(elems[i]), slot.present);
        }
        return slot;
      };
      // Slot 0 from a constant array when every element is a constant of a memory type.
      std::vector<llvm::Constant*> cells;
      for (const CV& e : elems) {
        auto* c = llvm::dyn_cast<llvm::Constant>(e.v);
        bool plain = c && c->getType() != i1_ && (!e.present || llvm::isa<llvm::ConstantInt>(e.present));
        if (!plain || (e.present && !llvm::cast<llvm::ConstantInt>(e.present)->isOne())) break;
        cells.push_back(c);
      }
      CV first;
      if (cells.size() == items) {
        cells.push_back(llvm::Constant::getNullValue(cells[0]->getType()));  // the empty list's slot
        auto* type = llvm::ArrayType::get(cells[0]->getType(), cells.size());
        llvm::Value* lowest = builder_.CreateBinaryIntrinsic(
            llvm::Intrinsic::cttz, builder_.CreateOr(mask, builder_.getInt64(uint64_t{1} << items)),
            builder_.getTrue());
        first.v = load_constant_element(llvm::ConstantArray::get(type, cells), lowest, "proviso.collect");
        if (Layout::has_tag(et)) first.present = builder_.getTrue();
      } else {
        first = slot_by_selects(0);
      }
      flat_.store(et, first, flat_.at(data, uint64_t{0}));
      for (size_t j = 1; j < items; ++j) flat_.store(et, slot_by_selects(j), flat_.at(data, j * stride));
      r = builder_.CreateInsertValue(r, data, 0);
      // The length as popcount(mask), not the running sum: `is_empty` then folds to mask == 0.
      llvm::Value* length = builder_.CreateUnaryIntrinsic(llvm::Intrinsic::ctpop, mask);
      return {builder_.CreateInsertValue(r, length, 1), nullptr};
    }
    llvm::Value* count = temp(8, 8);
    builder_.CreateStore(builder_.getInt64(0), count);
    for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
      llvm::Value* cond = gen(n.args[i + 1]).v;
      llvm::BasicBlock* take = block("collect.take");
      llvm::BasicBlock* next = block("collect.next");
      builder_.CreateCondBr(cond, take, next);
      builder_.SetInsertPoint(take);
      NodeId a = n.args[i];
      CV x = coerce(gen(a), program_.nodes[a].type, et);
      llvm::Value* k = builder_.CreateLoad(i64_, count);
      flat_.store(et, x, flat_.at(data, builder_.CreateMul(k, builder_.getInt64(stride))));
      builder_.CreateStore(builder_.CreateAdd(k, builder_.getInt64(1)), count);
      builder_.CreateBr(next);
      builder_.SetInsertPoint(next);
    }
    r = builder_.CreateInsertValue(r, data, 0);
    return {builder_.CreateInsertValue(r, builder_.CreateLoad(i64_, count), 1), nullptr};
  }
  CV list = gen(n.a);
  if (list.present) unsupported("an operation on a list that may be absent");
  llvm::Value* count = builder_.CreateExtractValue(list.v, 1);
  switch (n.op) {
    case Op::ListCount: return {count, nullptr};
    case Op::ListIsEmpty: return {builder_.CreateICmpEQ(count, builder_.getInt64(0)), nullptr};
    default: break;
  }
  const Type& et = *program_.nodes[n.a].type.elem;
  llvm::Value* some = builder_.CreateICmpNE(count, builder_.getInt64(0));
  if (n.op == Op::ListLast) {
    llvm::Value* offset =
        builder_.CreateMul(builder_.CreateSub(count, builder_.getInt64(1)), builder_.getInt64(layout_.slot(et).size));
    llvm::Value* at = flat_.at(builder_.CreateExtractValue(list.v, 0), offset);
    CV last = flat_.load(et, builder_.CreateSelect(some, at, flat_.zero()));
    llvm::Value* present = last.present ? builder_.CreateAnd(some, last.present) : some;
    return coerce({last.v, present}, et.as_optional(), n.type);
  }
  // ListFirst
  // An early-exit collect always writes its first slot (the zero cell when no condition
  // holds), so it is read without choosing between the list and the zero buffer.
  llvm::Value* p = analysis_.is_early_exit_list(n.a)
                       ? builder_.CreateExtractValue(list.v, 0)
                       : builder_.CreateSelect(some, builder_.CreateExtractValue(list.v, 0), flat_.zero());
  CV first = flat_.load(et, p);
  llvm::Value* present = first.present ? builder_.CreateAnd(some, first.present) : some;
  return coerce({first.v, present}, et.as_optional(), n.type);
}

// `filter x in L: COND`: the elements kept are copied to an arena array as long as L.
CV Gen::gen_filter(const ir::Node& n) {
  CV list = gen(n.a);
  const Type& lt = program_.nodes[n.a].type;
  if (list.present || lt.kind != TypeKind::List || !lt.elem) unsupported("a filter over a list that may be absent");
  if (n.aux < 0 || static_cast<size_t>(n.aux) >= locals_.size()) unsupported("an aggregation variable out of range");
  const Type& et = *lt.elem;
  const uint64_t stride = layout_.slot(et).size, align = layout_.slot(et).align;
  llvm::Value* bytes = builder_.CreateMul(builder_.CreateExtractValue(list.v, 1), builder_.getInt64(stride));
  llvm::Value* data = call_shim("proviso_rt_alloc", ptr_, {fn_.ctx, bytes, builder_.getInt64(align)});
  llvm::Value* kept = temp(8, 8);
  builder_.CreateStore(builder_.getInt64(0), kept);
  CV saved = locals_[n.aux];
  bool saved_set = local_set_[n.aux];
  for_each(list.v, et, [&](llvm::Value* p, llvm::BasicBlock*) {
    locals_[n.aux] = flat_.load(et, p);
    local_set_[n.aux] = true;
    unless_excluded(n, [&] {
      llvm::Value* keep = gen(n.b).v;
      llvm::BasicBlock* take = block("filter.take");
      llvm::BasicBlock* next = block("filter.next");
      builder_.CreateCondBr(keep, take, next);
      builder_.SetInsertPoint(take);
      llvm::Value* k = builder_.CreateLoad(i64_, kept);
      builder_.CreateMemCpy(flat_.at(data, builder_.CreateMul(k, builder_.getInt64(stride))), llvm::MaybeAlign(align),
                            p, llvm::MaybeAlign(align), stride);
      builder_.CreateStore(builder_.CreateAdd(k, builder_.getInt64(1)), kept);
      builder_.CreateBr(next);
      builder_.SetInsertPoint(next);
    });
  });
  locals_[n.aux] = saved;
  local_set_[n.aux] = saved_set;
  llvm::Value* r = llvm::UndefValue::get(span_);
  r = builder_.CreateInsertValue(r, data, 0);
  return {builder_.CreateInsertValue(r, builder_.CreateLoad(i64_, kept), 1), nullptr};
}

// `min_by x in L: KEY`, `max_by ...`: the first element whose key is least (greatest), as
// the interpreter chooses it: a later element replaces it only when strictly better.
CV Gen::gen_pick(const ir::Node& n, NodeId id) {
  CV list = gen(n.a);
  const Type& lt = program_.nodes[n.a].type;
  if (list.present || lt.kind != TypeKind::List || !lt.elem)
    unsupported("an aggregation over a list that may be absent");
  if (n.aux < 0 || static_cast<size_t>(n.aux) >= locals_.size()) unsupported("an aggregation variable out of range");
  const Type& et = *lt.elem;
  const Type kt = program_.nodes[n.b].type.as_required();
  llvm::Value* best_key = temp(layout_.value_slot(kt).size, layout_.value_slot(kt).align);
  llvm::Value* best = temp(8, 8);  // the chosen element's address; the zero buffer while none
  builder_.CreateStore(flat_.zero(), best);
  llvm::Value* have = temp(1, 1);
  builder_.CreateStore(builder_.getInt8(0), have);
  CV saved = locals_[n.aux];
  bool saved_set = local_set_[n.aux];
  for_each(list.v, et, [&](llvm::Value* p, llvm::BasicBlock*) {
    locals_[n.aux] = flat_.load(et, p);
    local_set_[n.aux] = true;
    unless_excluded(n, [&] {
      CV key = coerce(gen(n.b), program_.nodes[n.b].type, kt);
      llvm::BasicBlock* first = block("pick.first");
      llvm::BasicBlock* more = block("pick.more");
      llvm::BasicBlock* take = block("pick.take");
      llvm::BasicBlock* next = block("pick.next");
      builder_.CreateCondBr(builder_.CreateICmpEQ(builder_.CreateLoad(i8_, have), builder_.getInt8(0)), first, more);
      builder_.SetInsertPoint(first);
      builder_.CreateStore(builder_.getInt8(1), have);
      builder_.CreateBr(take);
      builder_.SetInsertPoint(more);
      llvm::Value* c = compare3(key, {flat_.load_value(kt, best_key), nullptr}, kt, id, n.b);
      llvm::Value* better = n.op == Op::AggMinBy ? builder_.CreateICmpSLT(c, builder_.getInt32(0))
                                                 : builder_.CreateICmpSGT(c, builder_.getInt32(0));
      builder_.CreateCondBr(better, take, next);
      builder_.SetInsertPoint(take);
      flat_.store_value(kt, key.v, best_key);
      builder_.CreateStore(p, best);
      builder_.CreateBr(next);
      builder_.SetInsertPoint(next);
    });
  });
  locals_[n.aux] = saved;
  local_set_[n.aux] = saved_set;
  llvm::Value* some = builder_.CreateICmpNE(builder_.CreateLoad(i8_, have), builder_.getInt8(0));
  CV chosen = flat_.load(et, builder_.CreateLoad(ptr_, best));
  llvm::Value* present = chosen.present ? builder_.CreateAnd(some, chosen.present) : some;
  return coerce({chosen.v, present}, et.as_optional(), n.type);
}

void Gen::unless_excluded(const ir::Node& n, const std::function<void()>& keep) {
  if (n.args.empty()) {
    keep();
    return;
  }
  // The exclusions in order, as the interpreter tests them: the first that holds skips the item.
  llvm::BasicBlock* skip = block("agg.excluded");
  for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
    llvm::Value* holds = gen(n.args[i + 1]).v;
    llvm::BasicBlock* next = block("agg.not_excluded");
    builder_.CreateCondBr(holds, skip, next);
    builder_.SetInsertPoint(next);
  }
  keep();
  builder_.CreateBr(skip);
  builder_.SetInsertPoint(skip);
}

CV Gen::gen_aggregate(const ir::Node& n, NodeId id) {
  CV list = gen(n.a);
  const Type& lt = program_.nodes[n.a].type;
  if (list.present || lt.kind != TypeKind::List || !lt.elem)
    unsupported("an aggregation over a list that may be absent");
  if (n.aux < 0 || static_cast<size_t>(n.aux) >= locals_.size()) unsupported("an aggregation variable out of range");
  const Type& et = *lt.elem;
  const Type& bt = program_.nodes[n.b].type;
  Type at_ = n.type.as_required();  // accumulator type
  bool boolean = n.op == Op::AggAny || n.op == Op::AggAll || n.op == Op::AggCount;
  llvm::Value* acc = boolean ? temp(8, 8) : temp(layout_.value_slot(at_).size, layout_.value_slot(at_).align);
  llvm::Value* have = temp(1, 1);
  llvm::Value* result = temp(1, 1);  // any/all: the early answer
  builder_.CreateStore(builder_.getInt8(0), have);
  builder_.CreateStore(builder_.getInt8(n.op == Op::AggAll ? 1 : 0), result);
  if (n.op == Op::AggCount) builder_.CreateStore(builder_.getInt64(0), acc);
  int overflow = -1;
  if (n.op == Op::AggSum) {
    if (at_.kind == TypeKind::Integer)
      overflow = site(ErrorSite::Kind::Static, id, ir::msg::kIntegerAdditionOverflows);
    else if (at_.kind == TypeKind::Duration)
      overflow = site(ErrorSite::Kind::Static, id, ir::msg::kDurationOverflows);
    else if (at_.kind == TypeKind::Decimal || at_.kind == TypeKind::Percent)
      overflow = site(ErrorSite::Kind::Shim, id);
    else
      unsupported(fmt::format("`sum` of `{}`", ir::to_string(at_, program_.schema)));
  }
  CV saved = locals_[n.aux];
  bool saved_set = local_set_[n.aux];
  auto item = [&](llvm::BasicBlock* exit) {
    CV v = gen(n.b);
    if (n.op == Op::AggAny || n.op == Op::AggAll) {
      llvm::BasicBlock* stop = block("agg.stop");
      llvm::BasicBlock* go = block("agg.go");
      if (n.op == Op::AggAny)
        builder_.CreateCondBr(v.v, stop, go);
      else
        builder_.CreateCondBr(v.v, go, stop);
      builder_.SetInsertPoint(stop);
      builder_.CreateStore(builder_.getInt8(n.op == Op::AggAny ? 1 : 0), result);
      builder_.CreateBr(exit);
      builder_.SetInsertPoint(go);
      return;
    }
    if (n.op == Op::AggCount) {
      builder_.CreateStore(builder_.CreateAdd(builder_.CreateLoad(i64_, acc), builder_.CreateZExt(v.v, i64_)), acc);
      return;
    }
    CV x = coerce(v, bt, at_);
    llvm::BasicBlock* first = block("agg.first");
    llvm::BasicBlock* more = block("agg.more");
    llvm::BasicBlock* next = block("agg.next");
    builder_.CreateCondBr(builder_.CreateICmpEQ(builder_.CreateLoad(i8_, have), builder_.getInt8(0)), first, more);
    builder_.SetInsertPoint(first);
    flat_.store_value(at_, x.v, acc);
    builder_.CreateStore(builder_.getInt8(1), have);
    builder_.CreateBr(next);
    builder_.SetInsertPoint(more);
    llvm::Value* cur = flat_.load_value(at_, acc);
    if (n.op == Op::AggSum) {
      if (at_.kind == TypeKind::Integer || at_.kind == TypeKind::Duration) {
        flat_.store_value(at_, checked(llvm::Intrinsic::sadd_with_overflow, cur, x.v, overflow), acc);
      } else {
        Type dt = Type::of(TypeKind::Decimal);
        llvm::Value* out = temp(32, 16);
        llvm::Value* st = call_shim("proviso_rt_dec_add", i32_, {fn_.ctx, spill(dt, cur), spill(dt, x.v), out});
        fail_if(builder_.CreateICmpNE(st, builder_.getInt32(0)), overflow);
        flat_.store_value(at_, flat_.load_value(dt, out), acc);
      }
    } else {
      llvm::Value* c = compare3(x, {cur, nullptr}, at_, id, n.b);
      llvm::Value* better = n.op == Op::AggMin ? builder_.CreateICmpSLT(c, builder_.getInt32(0))
                                               : builder_.CreateICmpSGT(c, builder_.getInt32(0));
      flat_.store_value(at_, builder_.CreateSelect(better, x.v, cur), acc);
    }
    builder_.CreateBr(next);
    builder_.SetInsertPoint(next);
  };
  for_each(list.v, et, [&](llvm::Value* p, llvm::BasicBlock* exit) {
    locals_[n.aux] = flat_.load(et, p);
    local_set_[n.aux] = true;
    unless_excluded(n, [&] { item(exit); });
  });
  locals_[n.aux] = saved;
  local_set_[n.aux] = saved_set;
  switch (n.op) {
    case Op::AggAny:
    case Op::AggAll: return {builder_.CreateICmpNE(builder_.CreateLoad(i8_, result), builder_.getInt8(0)), nullptr};
    case Op::AggCount: return {builder_.CreateLoad(i64_, acc), nullptr};
    case Op::AggSum: {
      llvm::Value* h = builder_.CreateICmpNE(builder_.CreateLoad(i8_, have), builder_.getInt8(0));
      return {builder_.CreateSelect(h, flat_.load_value(at_, acc), flat_.zero_of(at_)), nullptr};
    }
    default: {
      llvm::Value* h = builder_.CreateICmpNE(builder_.CreateLoad(i8_, have), builder_.getInt8(0));
      return coerce({flat_.load_value(at_, acc), h}, n.type, n.type);
    }
  }
}

// ---- functions ----

CV Gen::gen_function(const ir::Node& n, NodeId id) {
  auto stat = [&](const char* msg) { return site(ErrorSite::Kind::Static, id, msg); };
  Type dt = Type::of(TypeKind::Decimal);
  switch (n.op) {
    case Op::MinOf:
    case Op::MaxOf: {
      if (n.args.empty()) unsupported("`min` or `max` of nothing");
      Type t = n.type.as_required();
      CV best = coerce(gen(n.args[0]), program_.nodes[n.args[0]].type, t);
      for (size_t i = 1; i < n.args.size(); ++i) {
        CV v = coerce(gen(n.args[i]), program_.nodes[n.args[i]].type, t);
        if (v.present || best.present) unsupported("`min` or `max` of values that may be absent");
        llvm::Value* c = compare3(v, best, t, id, n.args[0]);
        llvm::Value* better = n.op == Op::MinOf ? builder_.CreateICmpSLT(c, builder_.getInt32(0))
                                                : builder_.CreateICmpSGT(c, builder_.getInt32(0));
        best = {builder_.CreateSelect(better, v.v, best.v), nullptr};
      }
      return best;
    }
    default: break;
  }
  CV a = gen(n.a);
  const Type& at_ = program_.nodes[n.a].type;
  switch (n.op) {
    case Op::Abs:
      switch (at_.kind) {
        case TypeKind::Integer:
        case TypeKind::Duration:
          fail_if(builder_.CreateICmpEQ(a.v, builder_.getInt64(static_cast<uint64_t>(INT64_MIN))),
                  stat(ir::msg::kAbsoluteValueOverflows));
          return {
              builder_.CreateSelect(builder_.CreateICmpSLT(a.v, builder_.getInt64(0)), builder_.CreateNeg(a.v), a.v),
              nullptr};
        case TypeKind::Decimal:
        case TypeKind::Percent: {
          llvm::Value* out = temp(32, 16);
          call_shim("proviso_rt_dec_abs", builder_.getVoidTy(), {spill(dt, a.v), out});
          return {flat_.load_value(dt, out), nullptr};
        }
        case TypeKind::Money: {
          Type mt = Type::of(TypeKind::Money);
          llvm::Value* out = temp(48, 16);
          call_shim("proviso_rt_money_abs", builder_.getVoidTy(), {spill(mt, a.v), out});
          return {flat_.load_value(mt, out), nullptr};
        }
        default: unsupported("`abs` of this type");
      }
    case Op::Ceil:
    case Op::Floor: {
      llvm::Value* out = temp(8, 8);
      llvm::Value* st = call_shim(n.op == Op::Ceil ? "proviso_rt_dec_ceil" : "proviso_rt_dec_floor", i32_,
                                  {fn_.ctx, spill(dt, a.v), out});
      fail_if(builder_.CreateICmpNE(st, builder_.getInt32(0)), site(ErrorSite::Kind::Shim, id));
      return {builder_.CreateLoad(i64_, out), nullptr};
    }
    case Op::Round: {
      llvm::Value* mode = builder_.getInt32(static_cast<uint32_t>(n.aux2));
      llvm::Value* st = nullptr;
      llvm::Value* out = nullptr;
      Type rt = dt;
      if (at_.kind == TypeKind::Money) {
        rt = Type::of(TypeKind::Money);
        out = temp(48, 16);
        st = call_shim(
            "proviso_rt_money_round", i32_,
            {fn_.ctx, spill(rt, a.v), builder_.getInt32(static_cast<uint32_t>(n.aux < 0 ? -1 : n.aux)), mode, out});
      } else if (n.type.kind == TypeKind::Integer) {
        rt = Type::of(TypeKind::Integer);
        out = temp(8, 8);
        st = call_shim("proviso_rt_dec_round_int", i32_, {fn_.ctx, spill(dt, a.v), mode, out});
      } else {
        out = temp(32, 16);
        st = call_shim(
            "proviso_rt_dec_round", i32_,
            {fn_.ctx, spill(dt, a.v), builder_.getInt32(static_cast<uint32_t>(n.aux < 0 ? 0 : n.aux)), mode, out});
      }
      fail_if(builder_.CreateICmpNE(st, builder_.getInt32(0)), site(ErrorSite::Kind::Shim, id));
      return {flat_.load_value(rt, out), nullptr};
    }
    case Op::Blank: {
      if (at_.kind == TypeKind::None) return {builder_.getTrue(), nullptr};
      llvm::Value* r = call_shim("proviso_rt_text_blank", i32_, {spill(Type::of(TypeKind::Text), a.v)});
      llvm::Value* blank = builder_.CreateICmpNE(r, builder_.getInt32(0));
      if (a.present) blank = builder_.CreateOr(builder_.CreateNot(a.present), blank);
      return {blank, nullptr};
    }
    case Op::ToText: {
      Slot s = layout_.slot(at_);
      llvm::Value* v = temp(std::max<uint32_t>(s.size, 1), s.align);
      flat_.store(at_, a, v);
      llvm::Value* out = temp(16, 8);
      call_shim("proviso_host_to_text", builder_.getVoidTy(), {fn_.ctx, builder_.getInt32(n.a), v, out});
      return {flat_.load_value(Type::of(TypeKind::Text), out), nullptr};
    }
    default: break;
  }
  unsupported("this function");
}

CV Gen::gen_holidays(const ir::Node& n, NodeId id) {
  llvm::Value* a = gen(n.a).v;
  CV b = gen(n.b);
  if (n.op == Op::HolidaysUnion) return {call_shim("proviso_rt_holidays_union", ptr_, {fn_.ctx, a, b.v}), nullptr};
  const Type& lt = program_.nodes[n.b].type;
  if (b.present || lt.kind != TypeKind::List || !lt.elem || lt.elem->kind != TypeKind::Date ||
      Layout::has_tag(*lt.elem))
    unsupported("changing a holiday set by this list");
  return {call_shim("proviso_rt_holidays_change", ptr_,
                    {fn_.ctx, a, builder_.CreateExtractValue(b.v, 0), builder_.CreateExtractValue(b.v, 1),
                     builder_.getInt32(n.op == Op::HolidaysRemove ? 1 : 0)}),
          nullptr};
}

}  // namespace proviso::jit::detail

// Code generation, part 3: the dispatch over ir::Op (in the order and with the checks and error
// messages of the reference interpreter, compiler/interp/ and compiler/ir/eval_messages.h), leaves, control,
// records, comparison and membership; arithmetic and the rest: codegen_values.cpp.
#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>

#include "compiler/ir/eval_messages.h"
#include "compiler/ir/ops.h"
#include "compiler/jit/codegen_impl.h"

namespace proviso::jit::detail {

using ir::NodeId;
using ir::Op;
using ir::Type;
using ir::TypeKind;
using ir::Value;

namespace {

constexpr int kMaxDepth = 400;  // codegen recursion; the checker bounds nesting far below

}  // namespace

CV Gen::gen(NodeId id) {
  if (id < 0) return flat_.absent(Type::of(TypeKind::None));
  if (static_cast<size_t>(id) >= program_.nodes.size()) unsupported("a reference to a missing node");
  Nesting nesting(depth_);
  if (depth_ > kMaxDepth) unsupported("expressions nested this deeply");
  fn_.max_depth = std::max(fn_.max_depth, depth_);
  const ir::Node& n = program_.nodes[id];
  if (n.type.kind == TypeKind::Error) unsupported("an expression with a type error");
  switch (n.op) {
    case Op::Const: return gen_const(n, id);
    case Op::Input: return gen_input(n);
    case Op::Local:
      if (n.aux < 0 || static_cast<size_t>(n.aux) >= locals_.size() || !local_set_[n.aux])
        unsupported("a variable outside its aggregation");
      return locals_[n.aux];
    case Op::ValueRef: {
      if (n.aux < 0 || static_cast<size_t>(n.aux) >= program_.values.size())
        unsupported("a reference to a missing value");
      ensure_value(n.aux, true);
      const Type& vt = program_.values[n.aux].type;
      return coerce(flat_.load(vt, frame_at(memo_[n.aux])), vt, n.type);
    }
    case Op::TableGet: return gen_table_get(n);
    case Op::CalendarRef: return {ensure_calendar(n.aux, id), nullptr};
    case Op::ScheduleRef: return {builder_.getInt32(static_cast<uint32_t>(n.aux)), nullptr};  // its index
    case Op::Field: return gen_field(n, id);
    case Op::Unwrap: {
      CV x = gen(n.a);
      if (program_.nodes[n.a].type.kind == TypeKind::None) {
        fail_now(site(ErrorSite::Kind::Static, id, ir::msg::kAbsentValue));
        return {flat_.zero_of(n.type), nullptr};
      }
      if (x.present) fail_if(builder_.CreateNot(x.present), site(ErrorSite::Kind::Static, id, ir::msg::kAbsentValue));
      return {x.v, nullptr};
    }
    case Op::IsPresent: {
      CV x = gen(n.a);
      if (program_.nodes[n.a].type.kind == TypeKind::None) return {builder_.getFalse(), nullptr};
      return {flat_.presence(x), nullptr};
    }
    case Op::Coalesce: return gen_coalesce(n);
    case Op::MakeRecord:
    case Op::WithRecord: return gen_record(n, id);
    case Op::Not: return {builder_.CreateNot(gen(n.a).v), nullptr};
    case Op::And:
    case Op::Or: return gen_logic(n);
    case Op::If: return gen_if(n);
    case Op::Switch: return gen_switch(n, id);
    case Op::IntAdd:
    case Op::IntSub:
    case Op::IntMul:
    case Op::IntNeg:
    case Op::IntToDec: return gen_int(n, id);
    case Op::DecAdd:
    case Op::DecSub:
    case Op::DecMul:
    case Op::DecDiv:
    case Op::DecNeg: return gen_decimal(n, id);
    case Op::MoneyAdd:
    case Op::MoneySub:
    case Op::MoneyMul:
    case Op::MoneyDiv:
    case Op::MoneyRatio:
    case Op::MoneyNeg: return gen_money(n, id);
    case Op::DurAdd:
    case Op::DurSub:
    case Op::DurNeg:
    case Op::DurMul:
    case Op::DurToBDur:
    case Op::BDurAdd:
    case Op::BDurMul:
    case Op::PeriodMul: return gen_duration(n, id);
    case Op::DateTimeAdd:
    case Op::DateTimeSub:
    case Op::DateTimeDiff:
    case Op::DateAddPeriod:
    case Op::DateSubPeriod:
    case Op::DateAddDur:
    case Op::DateSubDur:
    case Op::DateDiff:
    case Op::DateOf: return gen_time(n, id);
    case Op::CalAdd:
    case Op::WorkingTime:
    case Op::IsOpen:
    case Op::NextOpening: return gen_calendar_op(n, id);
    case Op::CalPause: return gen_pausing(n, id);
    case Op::BDurLength: {
      llvm::Value* bd = gen(n.a).v;
      llvm::Value* cal = gen(n.c).v;
      llvm::Value* out = temp(8, 8);
      llvm::Value* st =
          call_shim("proviso_rt_cal_length", i32_,
                    {fn_.ctx, cal, builder_.CreateExtractValue(bd, 0), builder_.CreateExtractValue(bd, 1), out});
      fail_if(builder_.CreateICmpNE(st, builder_.getInt32(0)), site(ErrorSite::Kind::Shim, id));
      return {builder_.CreateLoad(i64_, out), nullptr};
    }
    case Op::DurSeconds:
    case Op::AsPercent: return {gen(n.a).v, nullptr};
    case Op::Rank: {
      // As the interpreter: 2 per boundary below the value, 1 for one equal to it.
      CV v = gen(n.a);
      const Type& t = program_.nodes[n.a].type;
      llvm::Value* key = builder_.getInt64(0);
      for (NodeId boundary : n.args) {
        llvm::Value* c = compare3(v, gen(boundary), t, id, n.a);
        llvm::Value* step =
            builder_.CreateSelect(builder_.CreateICmpSGT(c, builder_.getInt32(0)), builder_.getInt64(2),
                                  builder_.CreateZExt(builder_.CreateICmpEQ(c, builder_.getInt32(0)), i64_));
        key = builder_.CreateAdd(key, step);
      }
      return {key, nullptr};
    }
    case Op::DatePart: {
      llvm::Value* part =
          call_shim("proviso_rt_date_part", i64_, {gen(n.a).v, builder_.getInt32(static_cast<uint32_t>(n.aux))});
      return {n.type.kind == TypeKind::Date ? builder_.CreateTrunc(part, i32_) : part, nullptr};
    }
    case Op::Cmp: return gen_cmp(n, id);
    case Op::In: return gen_in(n, id);
    case Op::MakeList:
    case Op::Collect:
    case Op::ListCount:
    case Op::ListIsEmpty:
    case Op::ListFirst:
    case Op::ListLast: return gen_list(n, id);
    case Op::AggAny:
    case Op::AggAll:
    case Op::AggCount:
    case Op::AggSum:
    case Op::AggMin:
    case Op::AggMax: return gen_aggregate(n, id);
    case Op::AggFilter: return gen_filter(n);
    case Op::AggMinBy:
    case Op::AggMaxBy: return gen_pick(n, id);
    case Op::MinOf:
    case Op::MaxOf:
    case Op::Abs:
    case Op::Ceil:
    case Op::Floor:
    case Op::Round:
    case Op::Blank:
    case Op::ToText: return gen_function(n, id);
    case Op::HolidaysUnion:
    case Op::HolidaysAdd:
    case Op::HolidaysRemove: return gen_holidays(n, id);
  }
  unsupported(fmt::format("the operation `{}`", ir::op_name(n.op)));
}

// ---- leaves ----

CV Gen::gen_const(const ir::Node& n, NodeId id) {
  if (n.aux < 0 || static_cast<size_t>(n.aux) >= program_.consts.size()) unsupported("a missing constant");
  const Value& v = program_.consts[n.aux];
  if (n.type.kind == TypeKind::None || v.is_none()) {
    if (!Layout::has_tag(n.type)) unsupported("an absent constant of a required type");
    return flat_.absent(n.type);
  }
  if (n.type.kind == TypeKind::Text && v.kind() == Value::Kind::Text) {
    // Text constants are module globals: the optimiser sees them, and the object stays
    // position-independent for the cache.
    llvm::Constant*& g = texts_[v.as_text()];
    if (!g) {
      auto* data = llvm::ConstantDataArray::getString(context_, v.as_text(), false);
      auto* gv = new llvm::GlobalVariable(*module_, data->getType(), true, llvm::GlobalValue::PrivateLinkage, data,
                                          "proviso.text");
      gv->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
      g = llvm::ConstantStruct::get(span_, {gv, builder_.getInt64(v.as_text().size())});
    }
    return {g, Layout::has_tag(n.type) ? builder_.getTrue() : nullptr};
  }
  if (consts_.node_offset[id] >= 0)
    return flat_.load(n.type, flat_.at(fn_.consts, static_cast<uint64_t>(consts_.node_offset[id])));
  auto i64c = [&](int64_t x) { return builder_.getInt64(static_cast<uint64_t>(x)); };
  auto dec = [&](const rt::Decimal& d) -> llvm::Constant* {
    unsigned __int128 c = static_cast<unsigned __int128>(d.coefficient());
    uint64_t words[2] = {static_cast<uint64_t>(c), static_cast<uint64_t>(c >> 64)};
    return llvm::ConstantStruct::get(dec_, {llvm::ConstantInt::get(context_, llvm::APInt(128, words)),
                                            builder_.getInt32(static_cast<uint32_t>(d.scale()))});
  };
  llvm::Value* x = nullptr;
  switch (n.type.kind) {
    case TypeKind::Bool:
      if (v.kind() == Value::Kind::Bool) x = builder_.getInt1(v.as_bool());
      break;
    case TypeKind::Integer:
      if (v.kind() == Value::Kind::Int) x = i64c(v.as_int());
      break;
    case TypeKind::Enum:
      if (v.kind() == Value::Kind::Enum) x = builder_.getInt32(static_cast<uint32_t>(v.as_enum()));
      break;
    case TypeKind::Date:
      if (v.kind() == Value::Kind::Date) x = builder_.getInt32(static_cast<uint32_t>(v.as_date()));
      break;
    case TypeKind::DateTime:
      if (v.kind() == Value::Kind::DateTime) x = i64c(v.as_datetime());
      break;
    case TypeKind::Duration:
      if (v.kind() == Value::Kind::Duration) x = i64c(v.as_duration());
      break;
    case TypeKind::Period:
      if (v.kind() == Value::Kind::Period) x = i64c(v.as_period());
      break;
    case TypeKind::BusinessDuration:
      if (v.kind() == Value::Kind::BusinessDuration)
        x = llvm::ConstantStruct::get(bdur_,
                                      {i64c(v.as_business_duration().days), i64c(v.as_business_duration().seconds)});
      break;
    case TypeKind::Decimal:
    case TypeKind::Percent:
      if (v.kind() == Value::Kind::Decimal) x = dec(v.as_decimal());
      break;
    case TypeKind::Money:
      if (v.kind() == Value::Kind::Money)
        x = llvm::ConstantStruct::get(money_, {dec(v.as_money().amount), builder_.getInt16(v.as_money().currency)});
      break;
    default: break;
  }
  if (!x)
    unsupported(
        fmt::format("a constant of type `{}` holding another kind of value", ir::to_string(n.type, program_.schema)));
  return {x, Layout::has_tag(n.type) ? builder_.getTrue() : nullptr};
}

CV Gen::gen_input(const ir::Node& n) {
  if (n.aux < 0 || static_cast<size_t>(n.aux) >= program_.inputs.size()) unsupported("a missing input");
  const ir::InputDef& def = program_.inputs[n.aux];
  llvm::LoadInst* p =
      builder_.CreateAlignedLoad(ptr_, builder_.CreateConstInBoundsGEP1_64(ptr_, fn_.inputs, n.aux), llvm::Align(8));
  Type t = def.type.as_required();
  if (!def.optional && t.kind == TypeKind::Record) {
    // A required record is always there, whole: its fields may be read speculatively (so
    // `a or b` over two fields needs no branch).
    auto* bytes = llvm::ConstantAsMetadata::get(builder_.getInt64(layout_.record_slot(t.id).size));
    p->setMetadata(llvm::LLVMContext::MD_dereferenceable, llvm::MDNode::get(context_, {bytes}));
    p->setMetadata(llvm::LLVMContext::MD_nonnull, llvm::MDNode::get(context_, {}));
  }
  llvm::Value* present = nullptr;
  if (def.optional) {
    present = builder_.CreateICmpNE(p, llvm::ConstantPointerNull::get(ptr_));
    return {flat_.load_value(t, builder_.CreateSelect(present, p, flat_.zero())), present};  // readable when absent
  }
  return {flat_.load_value(t, p), present};
}

CV Gen::gen_field(const ir::Node& n, NodeId id) {
  CV rec = gen(n.a);
  const Type& rt_ = program_.nodes[n.a].type;
  if (rt_.kind != TypeKind::Record) unsupported("a field of something that is not a record");
  if (rec.present)
    fail_if(builder_.CreateNot(rec.present), site(ErrorSite::Kind::Static, id, ir::msg::kAbsentRecordField));
  const ir::RecordDef& def = program_.schema.records[rt_.id];
  if (n.aux < 0 || static_cast<size_t>(n.aux) >= def.fields.size()) unsupported("a missing field");
  const Type& ft = def.fields[n.aux].type;
  CV x = flat_.load(ft, flat_.at(rec.v, layout_.field_offset(rt_.id, n.aux)));
  if (analysis_.required_input_path(id)) assume_declared_range(ft, x.v);
  return coerce(x, ft, n.type);
}

// Tells the optimiser what the checks on inputs guarantee: a bool byte is 0 or 1, an enum one
// of its members, a ranged integer inside its range. Table lookups on such keys then need no
// bounds test. (LLVM drops the metadata if it hoists the load above a check.)
void Gen::assume_declared_range(const Type& t, llvm::Value* loaded) {
  if (t.kind == TypeKind::Bool)
    if (auto* c = llvm::dyn_cast<llvm::ICmpInst>(loaded)) loaded = c->getOperand(0);
  auto* ld = llvm::dyn_cast<llvm::LoadInst>(loaded);
  if (!ld) return;
  llvm::MDBuilder md(context_);
  switch (t.kind) {
    case TypeKind::Bool:
      ld->setMetadata(llvm::LLVMContext::MD_range, md.createRange(llvm::APInt(8, 0), llvm::APInt(8, 2)));
      return;
    case TypeKind::Enum: {
      if (t.id < 0 || static_cast<size_t>(t.id) >= program_.schema.enums.size()) return;
      uint64_t members = program_.schema.enums[t.id].members.size();
      if (members == 0 || members > INT32_MAX) return;
      ld->setMetadata(llvm::LLVMContext::MD_range, md.createRange(llvm::APInt(32, 0), llvm::APInt(32, members)));
      return;
    }
    case TypeKind::Integer: {
      if (!t.has_range()) return;
      llvm::APInt lo(64, static_cast<uint64_t>(t.lo.value_or(INT64_MIN)));
      llvm::APInt end(64, static_cast<uint64_t>(t.hi.value_or(INT64_MAX)));
      ++end;  // half-open, wrapping: [lo, INT64_MIN) when there is no upper bound
      if (lo == end || (t.hi && t.lo && *t.hi < *t.lo)) return;
      ld->setMetadata(llvm::LLVMContext::MD_range, md.createRange(lo, end));
      return;
    }
    default: return;
  }
}

CV Gen::gen_table_get(const ir::Node& n) {
  const ir::TableDef& def = program_.tables[n.aux];
  ensure_table(n.aux);
  llvm::Value* row = builder_.CreateAlignedLoad(i32_, frame_at(table_row_[n.aux]), llvm::Align(4));
  if (CV x = table_column_lookup(def, n, row); x.v) return x;
  llvm::BasicBlock* merge_bb = block("table.get");
  llvm::BasicBlock* none = block("table.none");
  llvm::SwitchInst* sw = builder_.CreateSwitch(row, none, static_cast<unsigned>(def.rows.size()));
  std::vector<std::pair<llvm::BasicBlock*, CV>> in;
  for (size_t r = 0; r < def.rows.size(); ++r) {
    llvm::BasicBlock* bb = block("table.row");
    sw->addCase(builder_.getInt32(static_cast<int32_t>(r)), bb);
    builder_.SetInsertPoint(bb);
    NodeId o = def.rows[r].outputs[n.aux2];
    CV x = coerce(gen(o), o >= 0 ? program_.nodes[o].type : Type::of(TypeKind::None), n.type);
    in.push_back({builder_.GetInsertBlock(), x});
    builder_.CreateBr(merge_bb);
  }
  builder_.SetInsertPoint(none);
  builder_.CreateUnreachable();  // INVARIANT: the table function stored a matching row
  builder_.SetInsertPoint(merge_bb);
  return merge(n.type, in);
}

// A column whose cells are all scalar literals (or `none`) is a constant array indexed by the
// row: a load instead of a jump through the rows. Gives {} when the column does not qualify.
CV Gen::table_column_lookup(const ir::TableDef& def, const ir::Node& n, llvm::Value* row) {
  switch (n.type.kind) {
    case TypeKind::Bool:
    case TypeKind::Integer:
    case TypeKind::Enum:
    case TypeKind::Date:
    case TypeKind::DateTime:
    case TypeKind::Duration:
    case TypeKind::Period: break;
    default: return {};
  }
  std::vector<llvm::Constant*> values, present;
  for (const ir::TableRow& r : def.rows) {
    NodeId o = n.aux2 >= 0 && static_cast<size_t>(n.aux2) < r.outputs.size() ? r.outputs[n.aux2] : ir::kNoNode;
    if (o < 0 || program_.nodes[o].op != Op::Const || consts_.node_offset[o] >= 0) return {};
    CV x = coerce(gen_const(program_.nodes[o], o), program_.nodes[o].type, n.type);
    auto* v = llvm::dyn_cast<llvm::Constant>(x.v);
    auto* p = x.present ? llvm::dyn_cast<llvm::Constant>(x.present) : builder_.getTrue();
    if (!v || !p) return {};
    // i1 is stored as i8 in memory.
    auto widen = [&](llvm::Constant* c) -> llvm::Constant* {
      auto* ci = llvm::dyn_cast<llvm::ConstantInt>(c);
      return ci ? builder_.getInt8(ci->isOne() ? 1 : 0) : nullptr;
    };
    if (v->getType() == i1_ && !(v = widen(v))) return {};
    llvm::Constant* p8 = widen(p);
    if (!p8) return {};
    values.push_back(v);
    present.push_back(p8);
  }
  if (values.empty()) return {};
  auto array = [&](const std::vector<llvm::Constant*>& cells, const char* what) {
    auto* type = llvm::ArrayType::get(cells[0]->getType(), cells.size());
    return load_constant_element(llvm::ConstantArray::get(type, cells), builder_.CreateZExt(row, i64_),
                                 fmt::format("proviso.column.{}", what));
  };
  CV out;
  out.v = array(values, "value");
  if (flat_.repr(n.type) == i1_) out.v = builder_.CreateTrunc(out.v, i1_);
  if (n.type.optional) out.present = builder_.CreateTrunc(array(present, "present"), i1_);
  return out;
}

// ---- control ----

llvm::Value* Gen::pattern_key(CV x, const Type& t) {
  llvm::Value* k = nullptr;
  switch (t.kind) {
    case TypeKind::Bool: k = builder_.CreateZExt(x.v, i64_); break;
    case TypeKind::Enum: k = builder_.CreateSExt(x.v, i64_); break;
    case TypeKind::Integer: k = x.v; break;
    case TypeKind::None: return builder_.getInt64(0);
    default: unsupported(fmt::format("a table or match over a `{}`", ir::to_string(t, program_.schema)));
  }
  if (x.present) k = builder_.CreateSelect(x.present, k, builder_.getInt64(0));
  return k;
}

llvm::Value* Gen::matches(const ir::Pattern& pat, llvm::Value* key) {
  switch (pat.kind) {
    case ir::Pattern::Kind::Any: return builder_.getTrue();
    case ir::Pattern::Kind::OneOf: {
      llvm::Value* m = builder_.getFalse();
      for (int64_t v : pat.values)
        m = builder_.CreateOr(m, builder_.CreateICmpEQ(key, builder_.getInt64(static_cast<uint64_t>(v))));
      return m;
    }
    case ir::Pattern::Kind::NoneOf: {
      llvm::Value* m = builder_.getTrue();
      for (int64_t v : pat.values)
        m = builder_.CreateAnd(m, builder_.CreateICmpNE(key, builder_.getInt64(static_cast<uint64_t>(v))));
      return m;
    }
    case ir::Pattern::Kind::Range: {
      llvm::Value* m = builder_.getTrue();
      if (pat.lo)
        m = builder_.CreateAnd(m, builder_.CreateICmpSGE(key, builder_.getInt64(static_cast<uint64_t>(*pat.lo))));
      if (pat.hi)
        m = builder_.CreateAnd(m, builder_.CreateICmpSLE(key, builder_.getInt64(static_cast<uint64_t>(*pat.hi))));
      return m;
    }
  }
  return builder_.getFalse();
}

CV Gen::gen_switch(const ir::Node& n, NodeId id) {
  llvm::Value* key = pattern_key(gen(n.a), program_.nodes[n.a].type);
  llvm::BasicBlock* merge_bb = block("match.end");
  std::vector<std::pair<llvm::BasicBlock*, CV>> in;
  for (size_t i = 0; i < n.pats.size() && i < n.args.size(); ++i) {
    llvm::BasicBlock* arm = block("match.arm");
    llvm::BasicBlock* next = block("match.next");
    builder_.CreateCondBr(matches(n.pats[i], key), arm, next);
    builder_.SetInsertPoint(arm);
    NodeId a = n.args[i];
    CV x = coerce(gen(a), program_.nodes[a].type, n.type);
    in.push_back({builder_.GetInsertBlock(), x});
    builder_.CreateBr(merge_bb);
    builder_.SetInsertPoint(next);
  }
  fail_now(site(ErrorSite::Kind::Static, id, ir::msg::kNoMatchArm));
  builder_.CreateUnreachable();
  builder_.SetInsertPoint(merge_bb);
  return merge(n.type, in);
}

CV Gen::gen_logic(const ir::Node& n) {
  llvm::Value* a = gen(n.a).v;
  llvm::BasicBlock* from = builder_.GetInsertBlock();
  llvm::BasicBlock* rhs = block(n.op == Op::And ? "and.rhs" : "or.rhs");
  llvm::BasicBlock* end = block("logic.end");
  if (n.op == Op::And)
    builder_.CreateCondBr(a, rhs, end);
  else
    builder_.CreateCondBr(a, end, rhs);
  builder_.SetInsertPoint(rhs);
  llvm::Value* b = gen(n.b).v;
  llvm::BasicBlock* rhs_end = builder_.GetInsertBlock();
  builder_.CreateBr(end);
  builder_.SetInsertPoint(end);
  llvm::PHINode* r = builder_.CreatePHI(i1_, 2);
  r->addIncoming(n.op == Op::And ? builder_.getFalse() : builder_.getTrue(), from);
  r->addIncoming(b, rhs_end);
  return {r, nullptr};
}

CV Gen::gen_if(const ir::Node& n) {
  llvm::Value* c = gen(n.a).v;
  llvm::BasicBlock* then_bb = block("if.then");
  llvm::BasicBlock* else_bb = block("if.else");
  llvm::BasicBlock* end = block("if.end");
  builder_.CreateCondBr(c, then_bb, else_bb);
  std::vector<std::pair<llvm::BasicBlock*, CV>> in;
  for (auto [bb, node] : {std::pair{then_bb, n.b}, std::pair{else_bb, n.c}}) {
    builder_.SetInsertPoint(bb);
    CV x = coerce(gen(node), node >= 0 ? program_.nodes[node].type : Type::of(TypeKind::None), n.type);
    in.push_back({builder_.GetInsertBlock(), x});
    builder_.CreateBr(end);
  }
  builder_.SetInsertPoint(end);
  return merge(n.type, in);
}

CV Gen::gen_coalesce(const ir::Node& n) {
  const Type& at_ = program_.nodes[n.a].type;
  CV a = gen(n.a);
  if (at_.kind == TypeKind::None) return coerce(gen(n.b), program_.nodes[n.b].type, n.type);
  if (!a.present) return coerce(a, at_, n.type);
  llvm::BasicBlock* from = builder_.GetInsertBlock();
  llvm::BasicBlock* rhs = block("coalesce.rhs");
  llvm::BasicBlock* end = block("coalesce.end");
  builder_.CreateCondBr(a.present, end, rhs);
  builder_.SetInsertPoint(rhs);
  CV b = coerce(gen(n.b), program_.nodes[n.b].type, n.type);
  llvm::BasicBlock* rhs_end = builder_.GetInsertBlock();
  builder_.CreateBr(end);
  builder_.SetInsertPoint(end);
  CV left{a.v, n.type.optional ? builder_.getTrue() : nullptr};
  return merge(n.type, {{from, left}, {rhs_end, b}});
}

CV Gen::gen_record(const ir::Node& n, NodeId id) {
  int rid = n.type.id;
  const ir::RecordDef& def = program_.schema.records[rid];
  llvm::Value* dst = store_at(node_store_[id]);
  Slot rs = layout_.record_slot(rid);
  if (n.op == Op::WithRecord) {
    CV base = gen(n.a);
    builder_.CreateMemCpy(dst, llvm::MaybeAlign(rs.align), base.v, llvm::MaybeAlign(rs.align), rs.size);
    for (size_t i = 0; i < n.args.size(); ++i) {
      int f = n.ints[i];
      const Type& ft = def.fields[f].type;
      NodeId a = n.args[i];
      CV x = a >= 0 ? coerce(gen(a), program_.nodes[a].type, ft) : flat_.absent(ft);
      flat_.store(ft, x, flat_.at(dst, layout_.field_offset(rid, f)));
    }
  } else {
    if (n.args.size() != def.fields.size()) unsupported("a record with missing fields");
    builder_.CreateMemSet(dst, builder_.getInt8(0), rs.size, llvm::MaybeAlign(rs.align));
    for (size_t i = 0; i < n.args.size(); ++i) {
      const Type& ft = def.fields[i].type;
      NodeId a = n.args[i];
      CV x = a >= 0 ? coerce(gen(a), program_.nodes[a].type, ft) : flat_.absent(ft);
      flat_.store(ft, x, flat_.at(dst, layout_.field_offset(rid, static_cast<int>(i))));
    }
  }
  return {dst, nullptr};
}

// ---- comparison ----

llvm::Value* Gen::equal(CV a, CV b, const Type& t, NodeId type_node) {
  switch (t.kind) {
    case TypeKind::Bool:
    case TypeKind::Integer:
    case TypeKind::Enum:
    case TypeKind::Date:
    case TypeKind::DateTime:
    case TypeKind::Duration:
    case TypeKind::Period:
    case TypeKind::Zone:
    case TypeKind::Calendar:
    case TypeKind::Schedule:
    case TypeKind::Holidays: return builder_.CreateICmpEQ(a.v, b.v);
    case TypeKind::BusinessDuration:
      return builder_.CreateAnd(
          builder_.CreateICmpEQ(builder_.CreateExtractValue(a.v, 0), builder_.CreateExtractValue(b.v, 0)),
          builder_.CreateICmpEQ(builder_.CreateExtractValue(a.v, 1), builder_.CreateExtractValue(b.v, 1)));
    case TypeKind::Decimal:
    case TypeKind::Percent: {
      Type dt = Type::of(TypeKind::Decimal);
      llvm::Value* c = call_shim("proviso_rt_dec_cmp", i32_, {spill(dt, a.v), spill(dt, b.v)});
      return builder_.CreateICmpEQ(c, builder_.getInt32(0));
    }
    case TypeKind::Money: {
      Type dt = Type::of(TypeKind::Decimal);
      llvm::Value* same =
          builder_.CreateICmpEQ(builder_.CreateExtractValue(a.v, 1), builder_.CreateExtractValue(b.v, 1));
      llvm::Value* c =
          call_shim("proviso_rt_dec_cmp", i32_,
                    {spill(dt, builder_.CreateExtractValue(a.v, 0)), spill(dt, builder_.CreateExtractValue(b.v, 0))});
      return builder_.CreateAnd(same, builder_.CreateICmpEQ(c, builder_.getInt32(0)));
    }
    case TypeKind::Text: {
      llvm::Value* r = call_shim("proviso_rt_text_eq", i32_, {spill(t, a.v), spill(t, b.v)});
      return builder_.CreateICmpNE(r, builder_.getInt32(0));
    }
    case TypeKind::Record:
    case TypeKind::List: {
      llvm::Value* r =
          call_shim("proviso_host_equal", i32_, {fn_.ctx, builder_.getInt32(type_node), spill(t, a.v), spill(t, b.v)});
      return builder_.CreateICmpNE(r, builder_.getInt32(0));
    }
    case TypeKind::None: return builder_.getTrue();
    case TypeKind::Error: break;
  }
  unsupported("comparing values of an unknown type");
}

llvm::Value* Gen::compare3(CV a, CV b, const Type& t, NodeId id, NodeId type_node) {
  auto three = [&](llvm::Value* lt, llvm::Value* gt) {
    return builder_.CreateSelect(lt, builder_.getInt32(-1), builder_.CreateZExt(gt, i32_));
  };
  switch (t.kind) {
    case TypeKind::Integer:
    case TypeKind::Date:
    case TypeKind::DateTime:
    case TypeKind::Duration: return three(builder_.CreateICmpSLT(a.v, b.v), builder_.CreateICmpSGT(a.v, b.v));
    case TypeKind::Decimal:
    case TypeKind::Percent: {
      Type dt = Type::of(TypeKind::Decimal);
      return call_shim("proviso_rt_dec_cmp", i32_, {spill(dt, a.v), spill(dt, b.v)});
    }
    case TypeKind::Money: {
      llvm::Value* out = temp(4, 4);
      llvm::Value* st = call_shim("proviso_rt_money_cmp", i32_, {fn_.ctx, spill(t, a.v), spill(t, b.v), out});
      fail_if(builder_.CreateICmpNE(st, builder_.getInt32(0)), site(ErrorSite::Kind::Shim, id));
      return builder_.CreateLoad(i32_, out);
    }
    default:
      // The interpreter's default: equal or not (ordering such values is rejected by the checker).
      return builder_.CreateZExt(builder_.CreateNot(equal(a, b, t, type_node)), i32_);
  }
}

CV Gen::gen_cmp(const ir::Node& n, NodeId id) {
  const Type& t = program_.nodes[n.a].type;
  CV a = gen(n.a);
  CV b = gen(n.b);
  if (a.present || b.present || t.kind == TypeKind::None || program_.nodes[n.b].type.kind == TypeKind::None)
    unsupported("comparing values that may be absent");
  llvm::Value* c = compare3(a, b, t, id, n.a);
  llvm::Value* zero = builder_.getInt32(0);
  llvm::Value* r = nullptr;
  switch (static_cast<ir::CmpOp>(n.aux)) {
    case ir::CmpOp::Eq: r = builder_.CreateICmpEQ(c, zero); break;
    case ir::CmpOp::Ne: r = builder_.CreateICmpNE(c, zero); break;
    case ir::CmpOp::Lt: r = builder_.CreateICmpSLT(c, zero); break;
    case ir::CmpOp::Le: r = builder_.CreateICmpSLE(c, zero); break;
    case ir::CmpOp::Gt: r = builder_.CreateICmpSGT(c, zero); break;
    case ir::CmpOp::Ge: r = builder_.CreateICmpSGE(c, zero); break;
  }
  return {r, nullptr};
}

void Gen::for_each(llvm::Value* list, const Type& elem,
                   const std::function<void(llvm::Value*, llvm::BasicBlock*)>& body) {
  llvm::Value* data = builder_.CreateExtractValue(list, 0);
  llvm::Value* count = builder_.CreateExtractValue(list, 1);
  uint32_t stride = layout_.slot(elem).size;
  llvm::Value* i = temp(8, 8);
  builder_.CreateStore(builder_.getInt64(0), i);
  llvm::BasicBlock* head = block("loop.head");
  llvm::BasicBlock* bb = block("loop.body");
  llvm::BasicBlock* exit = block("loop.exit");
  builder_.CreateBr(head);
  builder_.SetInsertPoint(head);
  llvm::Value* iv = builder_.CreateLoad(i64_, i);
  builder_.CreateCondBr(builder_.CreateICmpULT(iv, count), bb, exit);
  builder_.SetInsertPoint(bb);
  llvm::Value* p = flat_.at(data, builder_.CreateMul(iv, builder_.getInt64(stride)));
  body(p, exit);
  builder_.CreateStore(builder_.CreateAdd(iv, builder_.getInt64(1)), i);
  builder_.CreateBr(head);
  builder_.SetInsertPoint(exit);
}

CV Gen::gen_in(const ir::Node& n, NodeId id) {
  CV x = gen(n.a);
  CV list = gen(n.b);
  const Type& lt = program_.nodes[n.b].type;
  if (lt.kind != TypeKind::List || !lt.elem || x.present) unsupported("`in` over this list");
  const Type& et = *lt.elem;
  const Type xt = program_.nodes[n.a].type.as_required();
  llvm::Value* found = temp(1, 1);
  builder_.CreateStore(builder_.getInt8(0), found);
  int mismatch = xt.kind == TypeKind::Money ? site(ErrorSite::Kind::Shim, id) : -1;
  for_each(list.v, et, [&](llvm::Value* p, llvm::BasicBlock* exit) {
    CV item = flat_.load(et, p);
    llvm::BasicBlock* check = block("in.check");
    llvm::BasicBlock* next = block("in.next");
    if (item.present)
      builder_.CreateCondBr(item.present, check, next);
    else
      builder_.CreateBr(check);
    builder_.SetInsertPoint(check);
    if (mismatch >= 0) {
      llvm::BasicBlock* bad = block("in.mismatch");
      llvm::BasicBlock* same = block("in.same");
      builder_.CreateCondBr(
          builder_.CreateICmpNE(builder_.CreateExtractValue(x.v, 1), builder_.CreateExtractValue(item.v, 1)), bad,
          same);
      builder_.SetInsertPoint(bad);
      call_shim("proviso_rt_money_in_mismatch", i32_, {fn_.ctx, spill(xt, x.v), spill(xt, item.v)});
      fail_now(mismatch);
      builder_.CreateUnreachable();
      builder_.SetInsertPoint(same);
    }
    llvm::Value* eq = equal(x, {item.v, nullptr}, xt, n.a);
    llvm::BasicBlock* hit = block("in.hit");
    builder_.CreateCondBr(eq, hit, next);
    builder_.SetInsertPoint(hit);
    builder_.CreateStore(builder_.getInt8(1), found);
    builder_.CreateBr(exit);
    builder_.SetInsertPoint(next);
  });
  return {builder_.CreateICmpNE(builder_.CreateLoad(i8_, found), builder_.getInt8(0)), nullptr};
}

}  // namespace proviso::jit::detail

// Code generation, part 1: the frame, the functions of values, tables and calendars, error
// sites and the entry points. Values in memory: codegen_flat.cpp; temporaries, coercions and
// merges: codegen_memory.cpp; the ops: codegen_ops.cpp and codegen_values.cpp.
#include "compiler/jit/codegen.h"

#include <cstdlib>

#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "compiler/ir/eval_messages.h"
#include "compiler/jit/codegen_impl.h"

namespace proviso::jit {

namespace detail {

using ir::NodeId;
using ir::Op;
using ir::Type;
using ir::TypeKind;

Gen::Gen(const ir::Program& program, const Layout& layout, const ConstPlan& plan, llvm::LLVMContext& context)
    : program_(program), layout_(layout), consts_(plan), context_(context),
      module_(std::make_unique<llvm::Module>("proviso.policy", context)), builder_(context),
      flat_(context, builder_, layout), analysis_(program) {
  const LlvmTypes types = flat_.types();
  i1_ = types.i1;
  i8_ = types.i8;
  i16_ = types.i16;
  i32_ = types.i32;
  i64_ = types.i64;
  i128_ = types.i128;
  ptr_ = types.ptr;
  dec_ = types.dec;
  money_ = types.money;
  span_ = types.span;
  bdur_ = types.bdur;
  locals_.resize(static_cast<size_t>(std::max(0, program_.local_slots)));
  local_set_.assign(locals_.size(), false);
}

void Gen::unsupported(const std::string& what) {
  throw Unsupported{fmt::format("the JIT does not support {} yet", what)};
}

// ---- frame ----

void Gen::layout_frame() {
  uint32_t at = kStates;
  state_value_ = at;
  at += static_cast<uint32_t>(program_.values.size());
  state_table_ = at;
  at += static_cast<uint32_t>(program_.tables.size());
  state_calendar_ = at;
  at += static_cast<uint32_t>(program_.calendars.size());
  states_end_ = at;
  auto place = [&](Slot s) {
    at = align_up(at, std::max<uint32_t>(s.align, 1));
    uint32_t off = at;
    at += s.size;
    return off;
  };
  for (const auto& v : program_.values) memo_.push_back(place(layout_.slot(v.type)));
  for (size_t t = 0; t < program_.tables.size(); ++t) table_row_.push_back(place({4, 4}));
  for (size_t c = 0; c < program_.calendars.size(); ++c) calendar_ptr_.push_back(place({8, 8}));
  frame_size_ = align_up(std::max<uint32_t>(at, 16), 16);
  // Records and lists built by nodes live in a second area: list values point into it, and
  // keeping such pointers out of the frame lets the optimiser split the frame into registers.
  at = 0;
  node_store_.assign(program_.nodes.size(), -1);
  // Only nodes an evaluation can reach get storage (not the constant inputs of test cases).
  std::vector<bool> reached(program_.nodes.size(), false);
  std::vector<NodeId> todo;
  auto reach = [&](NodeId id) {
    if (id >= 0 && static_cast<size_t>(id) < reached.size() && !reached[id]) {
      reached[id] = true;
      todo.push_back(id);
    }
  };
  for (const auto& v : program_.values) reach(v.body);
  for (const auto& t : program_.tables) {
    for (NodeId g : t.given) reach(g);
    for (const auto& r : t.rows)
      for (NodeId o : r.outputs) reach(o);
  }
  for (const auto& c : program_.calendars) {
    reach(c.schedule);
    reach(c.zone);
    reach(c.holidays);
  }
  reach(program_.home_zone);
  while (!todo.empty()) {
    const ir::Node& n = program_.nodes[todo.back()];
    todo.pop_back();
    for (NodeId c : {n.a, n.b, n.c}) reach(c);
    for (NodeId c : n.args) reach(c);
  }
  for (size_t i = 0; i < program_.nodes.size(); ++i) {
    if (!reached[i]) continue;
    const ir::Node& n = program_.nodes[i];
    switch (n.op) {
      case Op::MakeRecord:
      case Op::WithRecord:
        if (n.type.kind != TypeKind::Record) unsupported("a record of an unknown type");
        node_store_[i] = place(layout_.record_slot(n.type.id));
        break;
      case Op::MakeList:
      case Op::Collect: {
        if (n.type.kind != TypeKind::List || !n.type.elem) unsupported("a list of an unknown type");
        Slot es = layout_.slot(*n.type.elem);
        size_t count = n.op == Op::MakeList ? n.args.size() : n.args.size() / 2;
        node_store_[i] = place({static_cast<uint32_t>(es.size * count), es.align});
        break;
      }
      default: break;
    }
  }
  store_size_ = align_up(std::max<uint32_t>(at, 16), 16);
  for (size_t r = 0; r < program_.schema.records.size(); ++r)
    zero_size_ = std::max(zero_size_, layout_.record_slot(static_cast<int>(r)).size);
  zero_size_ = align_up(zero_size_, 16);
}

// ---- functions ----

llvm::Function* Gen::make_function(const std::string& name, llvm::FunctionType* type, bool internal) {
  auto* f = llvm::Function::Create(type, internal ? llvm::Function::InternalLinkage : llvm::Function::ExternalLinkage,
                                   name, module_.get());
  f->addFnAttr(llvm::Attribute::NoUnwind);
  return f;
}

void Gen::begin_function(llvm::Function* f, llvm::Value* frame, bool entry) {
  fn_ = Fn{};
  fn_.f = f;
  fn_.entry = entry;
  if (f->empty()) llvm::BasicBlock::Create(context_, "entry", f);
  builder_.SetInsertPoint(&f->getEntryBlock());
  if (!frame) frame = f->getArg(0);
  fn_.frame = frame;
  fn_.inputs = builder_.CreateAlignedLoad(ptr_, frame_at(kInputs), llvm::Align(8), "inputs");
  fn_.ctx = builder_.CreateAlignedLoad(ptr_, frame_at(kCtx), llvm::Align(8), "ctx");
  fn_.consts = builder_.CreateAlignedLoad(ptr_, frame_at(kConsts), llvm::Align(8), "consts");
  fn_.store = builder_.CreateAlignedLoad(ptr_, frame_at(kStore), llvm::Align(8), "store");
  fn_.fail = llvm::BasicBlock::Create(context_, "fail", f);
  llvm::IRBuilder<> fb(fn_.fail);
  fn_.fail_phi = fb.CreatePHI(i32_, 4, "status");
  if (entry || !depth_checks_) {
    fn_.depth = builder_.getInt32(0);  // decisions start at the interpreter's depth 0
  } else {
    // The interpreter fails "the evaluation nests too deeply" past kInterpreterMaxDepth nested
    // node evaluations. If this body could go past it, the record goes to the interpreter.
    fn_.depth = builder_.CreateAlignedLoad(i32_, frame_at(kDepth), llvm::Align(4), "depth");
    fn_.deepest = llvm::cast<llvm::BinaryOperator>(builder_.CreateAdd(fn_.depth, builder_.getInt32(1)));
    fail_if(builder_.CreateICmpSGT(fn_.deepest, builder_.getInt32(kInterpreterMaxDepth)),
            site(ErrorSite::Kind::TooDeep, ir::kNoNode));
  }
}

llvm::Value* Gen::depth_here() { return builder_.CreateAdd(fn_.depth, builder_.getInt32(depth_)); }

llvm::CallInst* Gen::call_nested(llvm::Function* f) {
  if (depth_checks_) builder_.CreateAlignedStore(depth_here(), frame_at(kDepth), llvm::Align(4));
  return builder_.CreateCall(f, {fn_.frame});
}

void Gen::finish_function() {
  if (fn_.deepest) fn_.deepest->setOperand(1, builder_.getInt32(std::max(fn_.max_depth, 1)));
  llvm::IRBuilder<> fb(fn_.fail);
  if (fn_.entry) {
    // Tell the host which value and decision were being computed.
    llvm::Value* cur =
        fb.CreateAlignedLoad(i32_, fb.CreateConstInBoundsGEP1_64(i8_, fn_.frame, kCurrent), llvm::Align(4));
    llvm::Value* dec =
        fb.CreateAlignedLoad(i32_, fb.CreateConstInBoundsGEP1_64(i8_, fn_.frame, kDecision), llvm::Align(4));
    llvm::Value* ctx = fn_.f->getArg(2);
    fb.CreateAlignedStore(cur, fb.CreateConstInBoundsGEP1_64(i8_, ctx, 24), llvm::Align(4));
    fb.CreateAlignedStore(dec, fb.CreateConstInBoundsGEP1_64(i8_, ctx, 28), llvm::Align(4));
  }
  fb.CreateRet(fn_.fail_phi);
  if (fn_.fail_phi->getNumIncomingValues() == 0) fn_.fail->eraseFromParent();
}

llvm::BasicBlock* Gen::block(const char* name) { return llvm::BasicBlock::Create(context_, name, fn_.f); }

llvm::FunctionCallee Gen::shim(const char* name, llvm::Type* ret, const std::vector<llvm::Type*>& params) {
  auto callee = module_->getOrInsertFunction(name, llvm::FunctionType::get(ret, params, false));
  if (auto* f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) f->addFnAttr(llvm::Attribute::NoUnwind);
  return callee;
}

llvm::Value* Gen::call_shim(const char* name, llvm::Type* ret, const std::vector<llvm::Value*>& args) {
  std::vector<llvm::Type*> types;
  for (llvm::Value* a : args) types.push_back(a->getType());
  return builder_.CreateCall(shim(name, ret, types), args);
}

llvm::Function* Gen::value_fn(int32_t v) {
  if (value_fns_.empty()) value_fns_.assign(program_.values.size(), nullptr);
  if (!value_fns_[v]) {
    value_fns_[v] =
        make_function(fmt::format("proviso.value.{}", v), llvm::FunctionType::get(i32_, {ptr_}, false), true);
    // Inlining a value inlines what it references: a long chain of lets would become one
    // huge function, and the optimiser's time grows much faster than its size. A value whose
    // inlined tree would be large stays a function of its own.
    constexpr int64_t kInlineBudget = 1000;  // IR nodes
    constexpr int64_t kInlineDepth = 12;     // lets referencing lets
    bool alone = analysis_.inline_size(v) > kInlineBudget || analysis_.inline_depth(v) > kInlineDepth;
    value_fns_[v]->addFnAttr(alone ? llvm::Attribute::NoInline : llvm::Attribute::InlineHint);
    worklist_.push_back({0, v});
  }
  return value_fns_[v];
}

llvm::Function* Gen::table_fn(int32_t t) {
  if (table_fns_.empty()) table_fns_.assign(program_.tables.size(), nullptr);
  if (!table_fns_[t]) {
    table_fns_[t] =
        make_function(fmt::format("proviso.table.{}", t), llvm::FunctionType::get(i32_, {ptr_}, false), true);
    table_fns_[t]->addFnAttr(llvm::Attribute::InlineHint);
    worklist_.push_back({1, t});
  }
  return table_fns_[t];
}

llvm::Function* Gen::calendar_fn(int32_t c) {
  if (calendar_fns_.empty()) calendar_fns_.assign(program_.calendars.size(), nullptr);
  if (!calendar_fns_[c]) {
    calendar_fns_[c] =
        make_function(fmt::format("proviso.calendar.{}", c), llvm::FunctionType::get(i32_, {ptr_}, false), true);
    worklist_.push_back({2, c});
  }
  return calendar_fns_[c];
}

void Gen::ensure_value(int32_t v, bool check_cycle) {
  llvm::Value* sp = frame_at(state_value_ + v);
  llvm::Value* s = builder_.CreateLoad(i8_, sp);
  llvm::BasicBlock* done = block("value.done");
  llvm::BasicBlock* need = block("value.need");
  builder_.CreateCondBr(builder_.CreateICmpEQ(s, builder_.getInt8(2)), done, need);
  builder_.SetInsertPoint(need);
  if (check_cycle) {
    const ir::ValueDef& def = program_.values[v];
    fail_if(builder_.CreateICmpEQ(s, builder_.getInt8(1)),
            site(ErrorSite::Kind::Static, def.body, ir::msg::depends_on_itself(def.name)));
  }
  llvm::CallInst* st = call_nested(value_fn(v));
  // The subset entry point calls the functions; only proviso_eval gets inlined copies.
  if (fn_.entry && fn_.f->getName() == "proviso_eval_some") st->setIsNoInline();
  fail_status(st);
  builder_.CreateBr(done);
  builder_.SetInsertPoint(done);
}

void Gen::ensure_table(int32_t t) {
  llvm::Value* sp = frame_at(state_table_ + t);
  llvm::Value* s = builder_.CreateLoad(i8_, sp);
  llvm::BasicBlock* done = block("table.done");
  llvm::BasicBlock* need = block("table.need");
  builder_.CreateCondBr(builder_.CreateICmpEQ(s, builder_.getInt8(2)), done, need);
  builder_.SetInsertPoint(need);
  fail_status(call_nested(table_fn(t)));
  builder_.CreateBr(done);
  builder_.SetInsertPoint(done);
}

llvm::Value* Gen::ensure_calendar(int32_t c, NodeId id) {
  llvm::Value* sp = frame_at(state_calendar_ + c);
  llvm::Value* s = builder_.CreateLoad(i8_, sp);
  llvm::BasicBlock* done = block("calendar.done");
  llvm::BasicBlock* need = block("calendar.need");
  builder_.CreateCondBr(builder_.CreateICmpEQ(s, builder_.getInt8(2)), done, need);
  builder_.SetInsertPoint(need);
  llvm::Value* st = call_nested(calendar_fn(c));
  // -1: building the calendar failed; the error belongs to this reference.
  fail_if(builder_.CreateICmpEQ(st, builder_.getInt32(-1)), site(ErrorSite::Kind::Shim, id));
  fail_status(st);
  builder_.CreateBr(done);
  builder_.SetInsertPoint(done);
  return builder_.CreateAlignedLoad(ptr_, frame_at(calendar_ptr_[c]), llvm::Align(8));
}

void Gen::emit_value_body(int32_t v) {
  const ir::ValueDef& def = program_.values[v];
  llvm::Function* f = value_fns_[v];
  begin_function(f, nullptr, false);
  llvm::Value* saved = builder_.CreateAlignedLoad(i32_, frame_at(kCurrent), llvm::Align(4));
  builder_.CreateAlignedStore(builder_.getInt32(v), frame_at(kCurrent), llvm::Align(4));
  builder_.CreateStore(builder_.getInt8(1), frame_at(state_value_ + v));
  if (def.body < 0) unsupported(fmt::format("the value `{}` without a body", def.name));
  CV r = coerce(gen(def.body), program_.nodes[def.body].type, def.type);
  if (def.type.kind == TypeKind::Integer && def.type.has_range()) {
    llvm::Value* bad = builder_.getFalse();
    if (def.type.lo) bad = builder_.CreateOr(bad, builder_.CreateICmpSLT(r.v, builder_.getInt64(*def.type.lo)));
    if (def.type.hi) bad = builder_.CreateOr(bad, builder_.CreateICmpSGT(r.v, builder_.getInt64(*def.type.hi)));
    if (r.present) bad = builder_.CreateAnd(bad, r.present);
    fail_range(bad, r.v, site(ErrorSite::Kind::Range, def.body, {}, v));
  }
  flat_.store(def.type, r, frame_at(memo_[v]));
  builder_.CreateStore(builder_.getInt8(2), frame_at(state_value_ + v));
  builder_.CreateAlignedStore(saved, frame_at(kCurrent), llvm::Align(4));
  builder_.CreateRet(builder_.getInt32(0));
  finish_function();
}

// The domain of a table key whose every value can be listed: bool, enum, integer with a small
// closed range. Empty (size 0) otherwise.
struct KeyDomain {
  int64_t lo = 0;
  int64_t size = 0;
  bool checked = false;  // values outside the domain are possible (integers): test first
};

static KeyDomain key_domain(const Type& t, const ir::Schema& schema) {
  constexpr int64_t kMaxKeyValues = 64;
  if (t.optional) return {};
  switch (t.kind) {
    case TypeKind::Bool: return {0, 2, false};
    case TypeKind::Enum:
      if (t.id < 0 || static_cast<size_t>(t.id) >= schema.enums.size()) return {};
      return {0, static_cast<int64_t>(schema.enums[t.id].members.size()), false};
    case TypeKind::Integer:
      if (!t.lo || !t.hi || *t.hi < *t.lo || *t.hi - *t.lo >= kMaxKeyValues) return {};
      return {*t.lo, *t.hi - *t.lo + 1, true};
    default: return {};
  }
}

void Gen::emit_table_body(int32_t t) {
  const ir::TableDef& def = program_.tables[t];
  begin_function(table_fns_[t], nullptr, false);
  std::vector<llvm::Value*> keys;
  for (NodeId g : def.given) keys.push_back(pattern_key(gen(g), program_.nodes[g].type));
  // The first matching row, as selects from the last row up (branch-free).
  auto first_row_by_selects = [&] {
    llvm::Value* row = builder_.getInt32(-1);
    for (size_t r = def.rows.size(); r-- > 0;) {
      llvm::Value* m = builder_.getTrue();
      for (size_t c = 0; c < keys.size() && c < def.rows[r].conds.size(); ++c)
        m = builder_.CreateAnd(m, matches(def.rows[r].conds[c], keys[c]));
      row = builder_.CreateSelect(m, builder_.getInt32(static_cast<int32_t>(r)), row);
    }
    return row;
  };
  // When every key has a small listed domain, the first matching row of each combination is
  // worked out now (with the IR's own Pattern::matches) and read from a constant array at run
  // time; integer keys outside their declared range take the select chain.
  constexpr int64_t kMaxCombinations = 4096;
  std::vector<KeyDomain> domains;
  int64_t combinations = 1;
  for (NodeId g : def.given) {
    domains.push_back(key_domain(program_.nodes[g].type, program_.schema));
    combinations = domains.back().size > 0 ? combinations * domains.back().size : 0;
    if (combinations == 0 || combinations > kMaxCombinations) break;
  }
  llvm::Value* row = nullptr;
  if (keys.empty() || combinations == 0 || combinations > kMaxCombinations || def.rows.size() > 127) {
    row = first_row_by_selects();
  } else {
    std::vector<int8_t> first(static_cast<size_t>(combinations), -1);
    std::vector<int64_t> key(domains.size());
    for (int64_t i = 0; i < combinations; ++i) {
      int64_t rest = i;
      for (size_t c = domains.size(); c-- > 0;) {
        key[c] = domains[c].lo + rest % domains[c].size;
        rest /= domains[c].size;
      }
      for (size_t r = 0; r < def.rows.size(); ++r) {
        bool all = true;
        for (size_t c = 0; c < key.size() && c < def.rows[r].conds.size(); ++c)
          all = all && def.rows[r].conds[c].matches(key[c]);
        if (all) {
          first[static_cast<size_t>(i)] = static_cast<int8_t>(r);
          break;
        }
      }
    }
    auto* rows = llvm::ConstantDataArray::get(context_, llvm::ArrayRef<int8_t>(first.data(), first.size()));
    llvm::Value* index = builder_.getInt64(0);
    llvm::Value* inside = builder_.getTrue();
    for (size_t c = 0; c < keys.size(); ++c) {
      llvm::Value* k = builder_.CreateSub(keys[c], builder_.getInt64(static_cast<uint64_t>(domains[c].lo)));
      if (domains[c].checked)
        inside = builder_.CreateAnd(
            inside, builder_.CreateICmpULT(k, builder_.getInt64(static_cast<uint64_t>(domains[c].size))));
      index =
          builder_.CreateAdd(builder_.CreateMul(index, builder_.getInt64(static_cast<uint64_t>(domains[c].size))), k);
    }
    auto lookup = [&] {
      return builder_.CreateSExt(load_constant_element(rows, index, fmt::format("proviso.table.{}.rows", t)), i32_);
    };
    if (llvm::isa<llvm::Constant>(inside)) {
      row = lookup();
    } else {
      llvm::BasicBlock* dense = block("table.dense");
      llvm::BasicBlock* sparse = block("table.sparse");
      llvm::BasicBlock* found = block("table.found");
      llvm::MDBuilder md(context_);
      builder_.CreateCondBr(inside, dense, sparse, md.createBranchWeights(1u << 20, 1));
      builder_.SetInsertPoint(dense);
      llvm::Value* a = lookup();
      builder_.CreateBr(found);
      builder_.SetInsertPoint(sparse);
      llvm::Value* b = first_row_by_selects();
      builder_.CreateBr(found);
      builder_.SetInsertPoint(found);
      llvm::PHINode* phi = builder_.CreatePHI(i32_, 2);
      phi->addIncoming(a, dense);
      phi->addIncoming(b, sparse);
      row = phi;
    }
  }
  fail_if(
      builder_.CreateICmpEQ(row, builder_.getInt32(-1)),
      site(ErrorSite::Kind::Static, def.given.empty() ? ir::kNoNode : def.given[0], ir::msg::no_table_row(def.name)));
  builder_.CreateAlignedStore(row, frame_at(table_row_[t]), llvm::Align(4));
  builder_.CreateStore(builder_.getInt8(2), frame_at(state_table_ + t));
  builder_.CreateRet(builder_.getInt32(0));
  finish_function();
}

void Gen::emit_calendar_body(int32_t c) {
  const ir::CalendarDef& def = program_.calendars[c];
  begin_function(calendar_fns_[c], nullptr, false);
  if (def.zone < 0) unsupported(fmt::format("the calendar `{}` without a zone", def.name));
  // The schedule first, as the interpreter: its index, or -1 for the calendar's own hours.
  llvm::Value* schedule = builder_.getInt32(static_cast<uint32_t>(-1));
  if (def.schedule >= 0) {
    const Type& t = program_.nodes[def.schedule].type;
    if (t.kind != TypeKind::Schedule || t.optional) unsupported("a calendar with an optional schedule");
    schedule = gen(def.schedule).v;
  }
  llvm::Value* zone = gen(def.zone).v;
  llvm::Value* hol = llvm::ConstantPointerNull::get(ptr_);
  if (def.holidays >= 0) {
    if (program_.nodes[def.holidays].type.kind != TypeKind::Holidays) unsupported("a calendar with optional holidays");
    hol = gen(def.holidays).v;
  }
  llvm::Value* out = temp(8, 8);
  llvm::Value* st = call_shim("proviso_host_calendar", i32_, {fn_.ctx, builder_.getInt32(c), schedule, zone, hol, out});
  llvm::BasicBlock* bad = block("calendar.bad");
  llvm::BasicBlock* ok = block("calendar.ok");
  builder_.CreateCondBr(builder_.CreateICmpNE(st, builder_.getInt32(0)), bad, ok);
  builder_.SetInsertPoint(bad);
  builder_.CreateRet(builder_.getInt32(-1));
  builder_.SetInsertPoint(ok);
  builder_.CreateAlignedStore(builder_.CreateAlignedLoad(ptr_, out, llvm::Align(8)), frame_at(calendar_ptr_[c]),
                              llvm::Align(8));
  builder_.CreateStore(builder_.getInt8(2), frame_at(state_calendar_ + c));
  builder_.CreateRet(builder_.getInt32(0));
  finish_function();
}

void Gen::store_decision(size_t position, llvm::Value* out) {
  int32_t v = program_.decisions[position];
  const Type& t = program_.values[v].type;
  llvm::Value* dst = flat_.at(out, layout_.decision_offset(position));
  flat_.store(t, flat_.load(t, frame_at(memo_[v])), dst);
  if (!contains_list(t, program_.schema)) return;
  // The host copies list storage out of the frame; an absent or empty list has none (the
  // common case for lists of exclusions), so the call is skipped.
  llvm::BasicBlock* copy = nullptr;
  llvm::BasicBlock* done = nullptr;
  if (t.kind == TypeKind::List) {
    llvm::Value* items = flat_.at(dst, Layout::has_tag(t) ? layout_.value_offset(t) + 8 : 8);
    llvm::Value* any =
        builder_.CreateICmpNE(builder_.CreateAlignedLoad(i64_, items, llvm::Align(8)), builder_.getInt64(0));
    if (Layout::has_tag(t))
      any = builder_.CreateAnd(any, builder_.CreateICmpNE(builder_.CreateLoad(i8_, dst), builder_.getInt8(0)));
    copy = block("persist.copy");
    done = block("persist.done");
    builder_.CreateCondBr(any, copy, done);
    builder_.SetInsertPoint(copy);
  }
  call_shim("proviso_host_persist", builder_.getVoidTy(), {fn_.ctx, builder_.getInt32(v), dst});
  if (done) {
    builder_.CreateBr(done);
    builder_.SetInsertPoint(done);
  }
}

llvm::Function* Gen::emit_entry(bool some) {
  std::vector<llvm::Type*> params = {ptr_, ptr_, ptr_};
  if (some) {
    params.push_back(ptr_);
    params.push_back(i64_);
  }
  llvm::Function* f =
      make_function(some ? "proviso_eval_some" : "proviso_eval", llvm::FunctionType::get(i32_, params, false), false);
  for (unsigned i = 0; i < 3; ++i) f->addParamAttr(i, llvm::Attribute::NoAlias);
  llvm::BasicBlock* entry = llvm::BasicBlock::Create(context_, "entry", f);
  builder_.SetInsertPoint(entry);
  llvm::Value* inputs = f->getArg(0);
  llvm::Value* out = f->getArg(1);
  llvm::Value* ctx = f->getArg(2);
  llvm::AllocaInst* frame = builder_.CreateAlloca(llvm::ArrayType::get(i8_, frame_size_), nullptr, "frame");
  frame->setAlignment(llvm::Align(16));
  llvm::AllocaInst* store = builder_.CreateAlloca(llvm::ArrayType::get(i8_, store_size_), nullptr, "store");
  store->setAlignment(llvm::Align(16));
  builder_.CreateAlignedStore(store, flat_.at(frame, kStore), llvm::Align(8));
  if (states_end_ > kStates)
    builder_.CreateMemSet(flat_.at(frame, kStates), builder_.getInt8(0), states_end_ - kStates, llvm::MaybeAlign(1));
  builder_.CreateAlignedStore(inputs, flat_.at(frame, kInputs), llvm::Align(8));
  builder_.CreateAlignedStore(ctx, flat_.at(frame, kCtx), llvm::Align(8));
  builder_.CreateAlignedStore(builder_.CreateAlignedLoad(ptr_, ctx, llvm::Align(8)), flat_.at(frame, kConsts),
                              llvm::Align(8));
  builder_.CreateAlignedStore(builder_.getInt32(-1), flat_.at(frame, kCurrent), llvm::Align(4));
  builder_.CreateAlignedStore(builder_.getInt32(-1), flat_.at(frame, kDecision), llvm::Align(4));
  begin_function(f, frame, true);

  llvm::Value* zone = llvm::ConstantPointerNull::get(ptr_);
  if (program_.home_zone >= 0) {
    if (program_.nodes[program_.home_zone].type.kind != TypeKind::Zone) unsupported("an optional home zone");
    zone = gen(program_.home_zone).v;
  }
  builder_.CreateAlignedStore(zone, flat_.at(out, layout_.home_zone_offset()), llvm::Align(8));

  if (!some) {
    for (size_t i = 0; i < program_.decisions.size(); ++i) {
      builder_.CreateAlignedStore(builder_.getInt32(static_cast<int32_t>(i)), frame_at(kDecision), llvm::Align(4));
      ensure_value(program_.decisions[i], false);
      store_decision(i, out);
    }
    builder_.CreateRet(builder_.getInt32(0));
  } else {
    llvm::Value* which = f->getArg(3);
    llvm::Value* count = f->getArg(4);
    llvm::Value* k = temp(8, 8);
    builder_.CreateStore(builder_.getInt64(0), k);
    llvm::BasicBlock* head = block("some.head");
    llvm::BasicBlock* body = block("some.body");
    llvm::BasicBlock* next = block("some.next");
    llvm::BasicBlock* end = block("some.end");
    builder_.CreateBr(head);
    builder_.SetInsertPoint(head);
    llvm::Value* kv = builder_.CreateLoad(i64_, k);
    builder_.CreateCondBr(builder_.CreateICmpULT(kv, count), body, end);
    builder_.SetInsertPoint(body);
    llvm::Value* pos = builder_.CreateAlignedLoad(i32_, builder_.CreateInBoundsGEP(i32_, which, kv), llvm::Align(4));
    builder_.CreateAlignedStore(pos, frame_at(kDecision), llvm::Align(4));
    llvm::SwitchInst* sw = builder_.CreateSwitch(pos, next, static_cast<unsigned>(program_.decisions.size()));
    for (size_t i = 0; i < program_.decisions.size(); ++i) {
      llvm::BasicBlock* c = block("some.case");
      sw->addCase(builder_.getInt32(static_cast<int32_t>(i)), c);
      builder_.SetInsertPoint(c);
      ensure_value(program_.decisions[i], false);
      store_decision(i, out);
      builder_.CreateBr(next);
    }
    builder_.SetInsertPoint(next);
    builder_.CreateStore(builder_.CreateAdd(kv, builder_.getInt64(1)), k);
    builder_.CreateBr(head);
    builder_.SetInsertPoint(end);
    builder_.CreateRet(builder_.getInt32(0));
  }
  finish_function();
  return f;
}

llvm::Function* Gen::emit_batch(llvm::Function* eval) {
  llvm::Function* f = make_function("proviso_eval_batch",
                                    llvm::FunctionType::get(i32_, {ptr_, i64_, ptr_, i64_, ptr_, ptr_}, false), false);
  for (unsigned a : {0u, 2u, 4u, 5u}) f->addParamAttr(a, llvm::Attribute::NoAlias);
  llvm::Value* records = f->getArg(0);
  llvm::Value* n = f->getArg(1);
  llvm::Value* outs = f->getArg(2);
  llvm::Value* stride = f->getArg(3);
  llvm::Value* ctx = f->getArg(4);
  llvm::Value* statuses = f->getArg(5);
  llvm::BasicBlock* entry = llvm::BasicBlock::Create(context_, "entry", f);
  llvm::BasicBlock* head = llvm::BasicBlock::Create(context_, "head", f);
  llvm::BasicBlock* body = llvm::BasicBlock::Create(context_, "body", f);
  llvm::BasicBlock* end = llvm::BasicBlock::Create(context_, "end", f);
  builder_.SetInsertPoint(entry);
  builder_.CreateBr(head);
  builder_.SetInsertPoint(head);
  llvm::PHINode* i = builder_.CreatePHI(i64_, 2, "i");
  llvm::PHINode* fails = builder_.CreatePHI(i64_, 2, "fails");
  i->addIncoming(builder_.getInt64(0), entry);
  fails->addIncoming(builder_.getInt64(0), entry);
  builder_.CreateCondBr(builder_.CreateICmpULT(i, n), body, end);
  builder_.SetInsertPoint(body);
  llvm::Value* rec = builder_.CreateAlignedLoad(ptr_, builder_.CreateInBoundsGEP(ptr_, records, i), llvm::Align(8));
  llvm::Value* out = builder_.CreateInBoundsGEP(i8_, outs, builder_.CreateMul(i, stride));
  llvm::CallInst* st = builder_.CreateCall(eval, {rec, out, ctx});
  // A small policy is inlined into the loop (no call, the context's loads hoisted); a large
  // one is called, so that it is compiled once (compile time).
  constexpr size_t kInlineIntoBatch = 400;  // IR nodes
  if (program_.nodes.size() <= kInlineIntoBatch)
    st->addFnAttr(llvm::Attribute::AlwaysInline);
  else
    st->setIsNoInline();
  builder_.CreateAlignedStore(st, builder_.CreateInBoundsGEP(i32_, statuses, i), llvm::Align(4));
  llvm::Value* nf =
      builder_.CreateAdd(fails, builder_.CreateZExt(builder_.CreateICmpNE(st, builder_.getInt32(0)), i64_));
  llvm::Value* ni = builder_.CreateAdd(i, builder_.getInt64(1));
  i->addIncoming(ni, body);
  fails->addIncoming(nf, body);
  builder_.CreateBr(head);
  builder_.SetInsertPoint(end);
  llvm::Value* capped = builder_.CreateSelect(builder_.CreateICmpUGT(fails, builder_.getInt64(INT32_MAX)),
                                              builder_.getInt64(INT32_MAX), fails);
  builder_.CreateRet(builder_.CreateTrunc(capped, i32_));
  return f;
}

// ---- error sites ----

int Gen::site(ErrorSite::Kind kind, NodeId node, std::string message, int32_t value) {
  sites_.push_back({kind, node, value, std::move(message)});
  return static_cast<int>(sites_.size() - 1);
}

void Gen::fail_if(llvm::Value* bad, int site_index) {
  llvm::BasicBlock* here = builder_.GetInsertBlock();
  llvm::BasicBlock* cont = block("ok");
  llvm::MDBuilder md(context_);
  builder_.CreateCondBr(bad, fn_.fail, cont, md.createBranchWeights(1, 1u << 20));
  fn_.fail_phi->addIncoming(builder_.getInt32(site_index + 1), here);
  builder_.SetInsertPoint(cont);
}

void Gen::fail_status(llvm::Value* status) {
  llvm::BasicBlock* here = builder_.GetInsertBlock();
  llvm::BasicBlock* cont = block("ok");
  llvm::MDBuilder md(context_);
  builder_.CreateCondBr(builder_.CreateICmpNE(status, builder_.getInt32(0)), fn_.fail, cont,
                        md.createBranchWeights(1, 1u << 20));
  fn_.fail_phi->addIncoming(status, here);
  builder_.SetInsertPoint(cont);
}

void Gen::fail_now(int site_index) {
  fn_.fail_phi->addIncoming(builder_.getInt32(site_index + 1), builder_.GetInsertBlock());
  builder_.CreateBr(fn_.fail);
  builder_.SetInsertPoint(block("dead"));
}

void Gen::fail_range(llvm::Value* bad, llvm::Value* v, int site_index) {
  llvm::BasicBlock* err = block("range.bad");
  llvm::BasicBlock* cont = block("range.ok");
  llvm::MDBuilder md(context_);
  builder_.CreateCondBr(bad, err, cont, md.createBranchWeights(1, 1u << 20));
  builder_.SetInsertPoint(err);
  call_shim("proviso_rt_range_error", builder_.getVoidTy(), {fn_.ctx, v});
  fail_now(site_index);
  builder_.CreateUnreachable();
  builder_.SetInsertPoint(cont);
}

// ---- the module ----

// Removes the entry points of the other part and the internal functions only they called.
void Gen::keep_only(Part part) {
  auto drop = [&](const char* name) {
    if (llvm::Function* f = module_->getFunction(name)) f->eraseFromParent();
  };
  if (part == Part::Main) {
    drop("proviso_eval_some");
  } else {
    drop("proviso_eval_batch");  // calls proviso_eval: first
    drop("proviso_eval");
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = module_->begin(); it != module_->end();) {
      llvm::Function& f = *it++;
      if (f.hasLocalLinkage() && f.use_empty()) {
        f.eraseFromParent();
        changed = true;
      }
    }
  }
}

CodegenResult Gen::run(const llvm::DataLayout& data_layout, const std::string& triple, Part part) {
  CodegenResult result;
  module_->setDataLayout(data_layout);
  module_->setTargetTriple(triple);
  try {
    if (!layout_.unsupported().empty()) unsupported(layout_.unsupported());
    layout_frame();
    // Typical policies nest a few dozen evaluations: no depth bookkeeping at all.
    depth_checks_ = analysis_.deepest_evaluation() > kInterpreterMaxDepth;
    analysis_.find_early_exit_collects(depth_checks_);
    auto* zt = llvm::ArrayType::get(i8_, zero_size_);
    auto* zero = new llvm::GlobalVariable(*module_, zt, true, llvm::GlobalValue::InternalLinkage,
                                          llvm::ConstantAggregateZero::get(zt), "proviso.zero");
    zero->setAlignment(llvm::Align(16));
    flat_.set_zero(zero);
    llvm::Function* eval = emit_entry(false);
    emit_entry(true);
    emit_batch(eval);
    while (!worklist_.empty()) {
      auto [kind, index] = worklist_.back();
      worklist_.pop_back();
      if (kind == 0)
        emit_value_body(index);
      else if (kind == 1)
        emit_table_body(index);
      else
        emit_calendar_body(index);
    }
    keep_only(part);
  } catch (const Unsupported& u) {
    result.unsupported = u.what;
    return result;
  }
  std::string errors;
  llvm::raw_string_ostream os(errors);
  if (std::getenv("PROVISO_JIT_DUMP")) module_->print(llvm::errs(), nullptr);
  if (llvm::verifyModule(*module_, &os)) {
    result.unsupported = "internal error: the generated module is invalid: " + os.str().substr(0, 2000);
    return result;
  }
  result.module = std::move(module_);
  result.sites = std::move(sites_);
  return result;
}

}  // namespace detail

CodegenResult generate(const ir::Program& program, const Layout& layout, const ConstPlan& plan,
                       llvm::LLVMContext& context, const llvm::DataLayout& data_layout, const std::string& triple,
                       Part part) {
  detail::Gen gen(program, layout, plan, context);
  return gen.run(data_layout, triple, part);
}

}  // namespace proviso::jit

// The code generator's private state, shared by codegen.cpp (functions, frame, entry points),
// codegen_ops.cpp (one case per ir::Op), codegen_values.cpp (the operations on values) and
// codegen_memory.cpp (temporaries, coercions, merges); values are loaded and stored through
// FlatCode (codegen_flat.h).
//
// Every evaluation has a frame (an alloca of the entry point): pointers to the inputs, context
// and constants; the value being computed and decision being evaluated (for error paths);
// one state byte per value, table and calendar (0 fresh, 1 computing, 2 done); memo slots; and
// storage for records and lists built by nodes. Lets, decisions, tables and calendars are
// internal functions over the frame, called on first use exactly as the interpreter computes
// them lazily; errors return 1 + an error-site index through every caller.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include "compiler/ir/evaluation.h"
#include "compiler/jit/analysis.h"
#include "compiler/jit/codegen.h"
#include "compiler/jit/codegen_flat.h"

namespace proviso::jit::detail {

using ir::Nesting;

// Generates the native code of a policy (one LLVM module); see the top of this file.
class Gen {
 public:
  Gen(const ir::Program& program, const Layout& layout, const ConstPlan& plan, llvm::LLVMContext& context);
  CodegenResult run(const llvm::DataLayout& data_layout, const std::string& triple, Part part);

 private:
  // ---- codegen.cpp ----
  void layout_frame();
  llvm::Function* make_function(const std::string& name, llvm::FunctionType* type, bool internal);
  void begin_function(llvm::Function* f, llvm::Value* frame, bool entry);
  void finish_function();
  llvm::Function* emit_entry(bool some);
  llvm::Function* emit_batch(llvm::Function* eval);
  void emit_value_body(int32_t v);
  void emit_table_body(int32_t t);
  void emit_calendar_body(int32_t c);
  llvm::Function* value_fn(int32_t v);
  llvm::Function* table_fn(int32_t t);
  llvm::Function* calendar_fn(int32_t c);
  void ensure_value(int32_t v, bool check_cycle);
  void ensure_table(int32_t t);
  llvm::Value* ensure_calendar(int32_t c, ir::NodeId id);
  void store_decision(size_t position, llvm::Value* out);
  void keep_only(Part part);

  int site(ErrorSite::Kind kind, ir::NodeId node, std::string message = {}, int32_t value = -1);
  void fail_if(llvm::Value* bad, int site_index);
  void fail_status(llvm::Value* status);  // propagates a non-zero callee status
  void fail_now(int site_index);
  void fail_range(llvm::Value* bad, llvm::Value* v, int site_index);

  // memory
  llvm::Value* frame_at(uint64_t offset) { return flat_.at(fn_.frame, offset); }
  llvm::Value* store_at(int64_t offset) { return flat_.at(fn_.store, static_cast<uint64_t>(offset)); }
  std::map<std::string, llvm::Constant*> texts_;  // text constants as module globals
  llvm::Value* temp(uint32_t size, uint32_t align);
  // Element `index` of a constant array, kept as a private global of the module.
  llvm::Value* load_constant_element(llvm::Constant* array, llvm::Value* index, const std::string& name);
  // Calls a value, table or calendar function, telling it the evaluation depth (kDepth).
  llvm::CallInst* call_nested(llvm::Function* f);
  llvm::Value* spill(const ir::Type& t, llvm::Value* v);  // required value to temp memory
  CV coerce(CV x, const ir::Type& from, const ir::Type& to);
  CV merge(const ir::Type& t, const std::vector<std::pair<llvm::BasicBlock*, CV>>& in);
  llvm::BasicBlock* block(const char* name);
  llvm::FunctionCallee shim(const char* name, llvm::Type* ret, const std::vector<llvm::Type*>& params);
  llvm::Value* call_shim(const char* name, llvm::Type* ret, const std::vector<llvm::Value*>& args);

  // ---- codegen_ops.cpp ----
  CV gen(ir::NodeId id);
  CV gen_const(const ir::Node& n, ir::NodeId id);
  CV gen_input(const ir::Node& n);
  CV gen_field(const ir::Node& n, ir::NodeId id);
  void assume_declared_range(const ir::Type& t, llvm::Value* loaded);
  CV gen_table_get(const ir::Node& n);
  CV table_column_lookup(const ir::TableDef& def, const ir::Node& n, llvm::Value* row);
  CV gen_switch(const ir::Node& n, ir::NodeId id);
  CV gen_logic(const ir::Node& n);
  CV gen_if(const ir::Node& n);
  CV gen_coalesce(const ir::Node& n);
  CV gen_record(const ir::Node& n, ir::NodeId id);
  CV gen_int(const ir::Node& n, ir::NodeId id);
  CV gen_decimal(const ir::Node& n, ir::NodeId id);
  CV gen_money(const ir::Node& n, ir::NodeId id);
  CV gen_duration(const ir::Node& n, ir::NodeId id);
  CV gen_time(const ir::Node& n, ir::NodeId id);
  CV gen_cmp(const ir::Node& n, ir::NodeId id);
  CV gen_in(const ir::Node& n, ir::NodeId id);
  CV gen_list(const ir::Node& n, ir::NodeId id);
  CV gen_aggregate(const ir::Node& n, ir::NodeId id);
  CV gen_filter(const ir::Node& n);
  CV gen_pick(const ir::Node& n, ir::NodeId id);
  // Inside an aggregation's loop, with its variable bound: `keep` generates the item's code,
  // run only when none of the aggregation's exclusions holds.
  void unless_excluded(const ir::Node& n, const std::function<void()>& keep);
  CV gen_function(const ir::Node& n, ir::NodeId id);
  CV gen_calendar_op(const ir::Node& n, ir::NodeId id);
  CV gen_pausing(const ir::Node& n, ir::NodeId id);
  CV gen_holidays(const ir::Node& n, ir::NodeId id);

  llvm::Value* pattern_key(CV x, const ir::Type& t);
  llvm::Value* matches(const ir::Pattern& p, llvm::Value* key);
  // -1, 0 or 1 as the interpreter's compare() gives for two present values of type t.
  llvm::Value* compare3(CV a, CV b, const ir::Type& t, ir::NodeId id, ir::NodeId type_node);
  llvm::Value* equal(CV a, CV b, const ir::Type& t, ir::NodeId type_node);
  llvm::Value* checked(llvm::Intrinsic::ID op, llvm::Value* a, llvm::Value* b, int site_index);
  // A loop over the elements of a list: body(element pointer, index); returns after the loop.
  void for_each(llvm::Value* list, const ir::Type& elem,
                const std::function<void(llvm::Value*, llvm::BasicBlock* exit)>& body);

  [[noreturn]] void unsupported(const std::string& what);

  const ir::Program& program_;
  const Layout& layout_;
  const ConstPlan& consts_;
  llvm::LLVMContext& context_;
  std::unique_ptr<llvm::Module> module_;
  llvm::IRBuilder<> builder_;
  FlatCode flat_;  // types, loads and stores of values (codegen_flat.h)
  std::vector<ErrorSite> sites_;

  // flat_.types(), copied once in the constructor: short names for the hundreds of uses.
  llvm::IntegerType *i1_, *i8_, *i16_, *i32_, *i64_, *i128_;
  llvm::PointerType* ptr_;
  llvm::StructType *dec_, *money_, *span_, *bdur_;
  uint32_t zero_size_ = 64;

  // frame
  static constexpr uint32_t kInputs = 0, kCtx = 8, kConsts = 16, kCurrent = 24, kDecision = 28, kStore = 32,
                            kDepth = 40, kStates = 44;
  // The interpreter's depth limit, less a margin for evaluations it nests that have no node of
  // their own here (a record sent to the interpreter by mistake only costs time).
  static constexpr int kInterpreterMaxDepth = ir::kMaxEvalDepth - 4;
  uint32_t state_value_ = 0, state_table_ = 0, state_calendar_ = 0, states_end_ = 0, frame_size_ = 0, store_size_ = 0;
  std::vector<uint32_t> memo_, table_row_, calendar_ptr_;
  std::vector<int64_t> node_store_;  // offsets into the node storage

  // functions
  std::vector<llvm::Function*> value_fns_, table_fns_, calendar_fns_;
  std::vector<std::pair<int, int32_t>> worklist_;  // (0 value | 1 table | 2 calendar, index)

  struct Fn {
    llvm::Function* f = nullptr;
    llvm::Value* frame = nullptr;
    llvm::Value* ctx = nullptr;
    llvm::Value* inputs = nullptr;
    llvm::Value* consts = nullptr;
    llvm::Value* store = nullptr;  // node storage: records and list elements built by nodes
    llvm::BasicBlock* fail = nullptr;
    llvm::PHINode* fail_phi = nullptr;
    bool entry = false;
    // The interpreter's evaluation depth when this function's body starts (its root node is
    // one deeper), and the deepest node of the body relative to it: the entry compares their
    // sum with the interpreter's limit (the constant is patched in by finish_function).
    llvm::Value* depth = nullptr;
    llvm::BinaryOperator* deepest = nullptr;
    int max_depth = 0;
  } fn_;
  // The evaluation depth of the node being generated, for a callee's frame (kDepth).
  llvm::Value* depth_here();
  // Whether the interpreter can nest past its limit: depth checks are generated only then.
  bool depth_checks_ = false;
  Analysis analysis_;  // the IR analyses code generation decides by (analysis.h)
  CV gen_early_exit_collect(const ir::Node& n, ir::NodeId id);

  std::vector<CV> locals_;
  std::vector<bool> local_set_;
  int depth_ = 0;
};

}  // namespace proviso::jit::detail

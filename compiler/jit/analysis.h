// Internal to compiler/jit: the analyses of the IR that the code generator decides by (no
// LLVM here): how deep the interpreter can nest (whether generated code needs depth checks),
// how much a value brings into its callers when inlined, and which collects may stop at their
// first true condition.
#pragma once
#include <map>
#include <vector>

#include "compiler/ir/program.h"

namespace proviso::jit::detail {

class Analysis {
 public:
  explicit Analysis(const ir::Program& program) : program_(program) {}

  // The deepest the interpreter can nest evaluating the program (a cycle counts as
  // unbounded), and below one value (kind 0), table (1) or calendar (2), not counting its root.
  int64_t deepest_evaluation();
  int64_t deepest_in(int kind, int32_t index);

  // IR nodes value `v` brings into its caller when inlined with everything it references, and
  // the longest chain of values it references.
  int64_t inline_size(int32_t v);
  int64_t inline_depth(int32_t v) {
    inline_size(v);
    return inline_depth_[static_cast<size_t>(v)];
  }

  // Whether node `id` reads a required input field through required records only.
  bool required_input_path(ir::NodeId id) const;
  // Collects of literals read only by first() and is_empty() (directly, or through a let that
  // is not a decision) whose conditions cannot fail: the conditions after the first true one
  // are unobservable, so the list may be a chain of tests that stops there. None when the
  // program needs depth checks.
  void find_early_exit_collects(bool depth_checks);
  bool is_early_exit_list(ir::NodeId list) const;  // that collect, or a let whose body it is
  bool is_early_exit(ir::NodeId collect) const {
    return collect >= 0 && static_cast<size_t>(collect) < early_exit_.size() && early_exit_[collect];
  }

 private:
  int64_t deepest_below(ir::NodeId id, int64_t depth);
  int64_t tree_size(ir::NodeId id, int depth, int64_t* refs);
  bool cannot_fail(ir::NodeId id, int depth) const;

  const ir::Program& program_;
  std::map<std::pair<int, int32_t>, int64_t> deepest_;  // -1 while being computed
  std::vector<int64_t> inline_size_;                    // per value: -1 unknown, -2 being computed
  std::vector<int64_t> inline_depth_;
  std::vector<bool> early_exit_;
  int walk_depth_ = 0;  // recursion of the walks above
};

}  // namespace proviso::jit::detail

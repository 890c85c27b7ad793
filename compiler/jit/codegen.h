// ir::Program -> llvm::Module. Only files of compiler/jit/ include this header.
// Takes: a checked program with its layout and constant plan. Gives: a module defining
//   Part::Main:
//   int32_t proviso_eval(const uint8_t* const* inputs, uint8_t* out, proviso_ctx* ctx)
//   int32_t proviso_eval_batch(const uint8_t* const* const* records, uint64_t n, uint8_t* outs,
//                              uint64_t out_stride, proviso_ctx* ctx, int32_t* statuses)
//   Part::Subset (some decisions only, `eval --decision`; compiled on first use):
//   int32_t proviso_eval_some(const uint8_t* const* inputs, uint8_t* out, proviso_ctx* ctx,
//                             const int32_t* positions, uint64_t count)
// returning 0, or 1 + an index into `sites` (proviso_eval_batch: the number of failures),
// and the error-site table; or, for a construct the JIT does not compile, no module and a
// message "the JIT does not support X yet".
// INVARIANT: the module depends only on the program (names, offsets and site numbers are
// deterministic), so its object code can be cached under a hash of the program. Both parts
// are cut from one generation of every entry point, so their site tables are the same.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <llvm/IR/DataLayout.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "compiler/jit/backend.h"
#include "compiler/jit/host.h"
#include "compiler/jit/layout.h"

namespace proviso::jit {

struct CodegenResult {
  std::unique_ptr<llvm::Module> module;  // null when unsupported
  std::vector<ErrorSite> sites;
  std::string unsupported;
};

CodegenResult generate(const ir::Program& program, const Layout& layout, const ConstPlan& plan,
                       llvm::LLVMContext& context, const llvm::DataLayout& data_layout, const std::string& triple,
                       Part part);

}  // namespace proviso::jit

// Policies compiled to native evaluators with LLVM ORC (no LLVM types in this header).
// Takes: a checked ir::Program (kept by reference: it must outlive the CompiledPolicy).
// Gives: a CompiledPolicy whose evaluate() agrees with interp::Interpreter::evaluate on every
// input, errors included (same message, path and location index), plus a fast path over
// records flattened once (FlatRecord) for benchmarks and bulk evaluation.
// A compiled policy is immutable and thread-safe; a Session is per thread.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "compiler/ir/evaluation.h"
#include "compiler/jit/layout.h"

namespace proviso::jit {

// Infrastructure failures of compiling a policy (never problems of one evaluation).
struct Status {
  enum class Code {
    Ok,
    Unsupported,  // the policy uses something the JIT does not compile yet: use the interpreter
    Llvm,         // LLVM failed (target, codegen, linking)
    OverBudget,   // compiling would take longer than JitOptions::compile_budget_ms, and the
                  // compiled code is not in the cache: use the interpreter
    Internal,
  };
  Code code = Code::Ok;
  std::string message;  // lower case, one line: "the JIT does not support X yet"
  bool ok() const { return code == Code::Ok; }
};

struct JitOptions {
  // Read and write the compiled-object cache on disk. A hit loads the object file directly,
  // without running the optimiser or code generator.
  bool use_cache = true;
  // "" = $XDG_CACHE_HOME/proviso, else $HOME/.cache/proviso (object_cache.h says which
  // directories must be private for the cache to be used).
  std::string cache_dir;
  // The bound on the cache's size; the least recently used entries are removed past it.
  uint64_t cache_max_bytes = uint64_t{256} << 20;
  // Level of the IR optimisation pipeline, 0..3; part of the cache key. The code generator
  // runs at its default level (the quick tier's at none).
  int opt_level = 2;
  // How a policy part whose code is not in the cache is compiled (compiler/jit/README.md,
  // "Tiers"); the subset part (CompiledPolicy::evaluate with decisions) the same way, on first use:
  // - Optimised: at opt_level, on the calling thread, before create() returns;
  // - Tiered: a quick tier (a light IR pipeline, LLVM's fast instruction selector) on the
  //   calling thread, which evaluates from the moment create() returns, while the optimised
  //   tier compiles on a thread of its own; evaluations switch to it once it is linked, and only
  //   it is written to the cache. The policy's destructor waits for that thread, and the
  //   program must destroy the policy before it exits (exit() would run static destructors
  //   while LLVM compiles on that thread). With opt_level 0 there is one tier;
  // - Quick: the quick tier only, neither read from nor written to the cache (for tests).
  enum class Tiering { Optimised, Tiered, Quick };
  Tiering tiering = Tiering::Optimised;
  // When > 0: a policy whose estimated compile time (estimate_compile_ms) is above this is
  // only loaded from the cache, never compiled (Status::Code::OverBudget).
  double compile_budget_ms = 0;
};

// How the policy came to be executable.
struct CompileInfo {
  bool cache_hit = false;
  double compile_ms = 0;            // IR generation + optimisation + codegen + link (0 on a hit);
                                    // tiered: of the quick tier, what create() waited for
  double cache_load_ms = 0;         // reading, checking and linking a cached object (0 on a miss)
  double total_ms = 0;              // the whole of create()
  double estimated_compile_ms = 0;  // estimate_compile_ms() of the program
  size_t object_bytes = 0;
  // Tiered (a miss under Tiering::Tiered): the quick tier answered first. What became of the
  // optimised tier is known once CompiledPolicy::wait_optimised() returns: the milliseconds from
  // the start of compiling (as for compile_ms) until it was in use, or why it could not be used
  // (the quick tier then stays; this is a bug, never a problem of the policy).
  bool tiered = false;
  double optimised_ms = 0;
  std::string optimised_error;
  std::string cache_path;  // "" when the cache was not used
  // What happened with the cache, for `--verbose`: "loaded `PATH`", "compiled; wrote `PATH`",
  // or why an entry was not used or not written.
  std::string cache_note;
};

class Session;

class CompiledPolicy {
 public:
  struct Result {
    std::unique_ptr<const CompiledPolicy> policy;  // null when !status.ok()
    Status status;
    bool ok() const { return status.ok(); }
  };

  static Result create(const ir::Program& program, const JitOptions& options = {});
  ~CompiledPolicy();
  CompiledPolicy(const CompiledPolicy&) = delete;
  CompiledPolicy& operator=(const CompiledPolicy&) = delete;

  // The same contract as interp::Interpreter::evaluate. Explanations are the interpreter's
  // business: with options.explain set the call is answered by the reference interpreter.
  ir::EvalResult evaluate(const std::vector<ir::Value>& inputs, const ir::EvalOptions& options = {}) const;

  // Flattens decoded inputs once (outside timed loops). False, with a message, when the
  // values do not fit the policy's inputs.
  bool flatten(const std::vector<ir::Value>& inputs, FlatRecord* out, std::string* error) const;

  const ir::Program& program() const;
  const Layout& layout() const;
  // How create() went (tiered: the optimised tier's outcome is not in it yet).
  const CompileInfo& info() const { return info_; }
  // Tiered: blocks until the optimised tier is in use or has failed, and gives info() with its
  // outcome (optimised_ms, optimised_error, and the cache's note, path and object size).
  // Otherwise gives info() at once. Any thread.
  CompileInfo wait_optimised() const;

  struct Impl;

 private:
  friend class Session;
  explicit CompiledPolicy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  CompileInfo info_;
};

// Per-thread evaluation state over one compiled policy: output buffers and the arena that
// texts and lists computed by an evaluation live in. Not thread-safe; cheap to create.
class Session {
 public:
  explicit Session(const CompiledPolicy& policy);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // CompiledPolicy::evaluate for every decision, without explanations, and without ir::Value
  // inputs: a decoder writes one record straight into this session's flat record through
  // input_sink() (records::Decoder::decode_json_as with a sink), then evaluate_input() evaluates
  // it, reusing the session's record, frame, output and arena.
  FlatSink& input_sink();
  ir::EvalResult evaluate_input();

  // evaluate_input() without building the result's ir::Values. True when generated code
  // evaluated every decision: `decisions` (in declaration order) are then read in place from
  // `source` until the next evaluation on this session, datetimes written in `home_zone`.
  // False for a failure, or a record answered by the interpreter: input_result() gives it.
  struct Output {
    const ir::ValueSource* source = nullptr;
    std::span<const ir::DecisionRef> decisions;
    const rt::Zone* home_zone = nullptr;
  };
  bool run_input(Output* out);
  // run_input() of another record (decoded through a FlatSink of its own): `out` then reads
  // this session's output, valid until its next evaluation and while `record` lives.
  bool run_record(const FlatRecord& record, Output* out);
  ir::EvalResult input_result() const;

  // Evaluates every decision of one record; true when it succeeded. (A record that could nest
  // past the interpreter's depth limit is evaluated by the interpreter; output() is then stale.)
  bool run(const FlatRecord& record);
  // The last run() as the interpreter would report it (the record must still be alive).
  ir::EvalResult result(const FlatRecord& record) const;
  // Raw output struct of the last run() (Layout::output_slot, decision_offset).
  const uint8_t* output() const;

  // Evaluates records[0..n) in one call into generated code; `records` holds
  // FlatRecord::pointers() of each record. Returns the number of failed records.
  size_t run_batch(const uint8_t* const* const* records, size_t n);
  // Status of record i of the last batch: 0 ok, else failed, or (only in policies that nest
  // evaluations near the interpreter's depth limit) to be answered by the interpreter:
  // batch_result() gives the answer either way.
  int32_t batch_status(size_t i) const;
  // Record i of the last batch in interpreter form; a failed record is evaluated again to
  // recover its error message.
  ir::EvalResult batch_result(size_t i, const FlatRecord& record);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// An estimate of the milliseconds LLVM needs to compile `program` (compile_cost.cpp): the
// default engine evaluates policies above kDefaultCompileBudgetMs with the interpreter unless
// their compiled code is already in the cache.
double estimate_compile_ms(const ir::Program& program);
inline constexpr double kDefaultCompileBudgetMs = 1000;

// The version of the code generator and ABI; part of every cache key.
const char* jit_version();
// A hash of the sources of the JIT, the IR and the runtime, made at build time; part of every
// cache key, so that an edit to any of them never loads code compiled by the old build.
const char* jit_source_hash();

}  // namespace proviso::jit

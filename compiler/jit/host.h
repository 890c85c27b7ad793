// The host side of a compiled policy (no LLVM here): the data generated code reaches through
// proviso_ctx::host, the shims that need the compiler's types (calendars of the policy, text
// of values, structural equality), the error-site table that turns a status code back into
// the interpreter's EvalError, and decoding of the output struct.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <proviso/rt/calendar.h>
#include <proviso/rt/jit_abi.h>

#include "compiler/ir/evaluation.h"
#include "compiler/jit/layout.h"

namespace proviso::jit {

// Where generated code may fail. A failed evaluation returns 1 + the site's index.
struct ErrorSite {
  enum class Kind : uint8_t {
    Static,  // `message` is the whole message
    Shim,    // the failed shim wrote the message into the context
    Range,   // an integer outside its value's range: built from `value` and the integer
    // The evaluation may nest deeper than the interpreter's limit ("the evaluation nests too
    // deeply"): the record is evaluated by the interpreter, which gives the exact answer.
    TooDeep,
  };
  Kind kind = Kind::Static;
  int32_t node = -1;   // the node the interpreter names (its location is the error's)
  int32_t value = -1;  // Range: the value whose type was violated
  std::string message;
};

// Site tables travel with cached objects.
std::string serialize_sites(const std::vector<ErrorSite>& sites);
bool deserialize_sites(std::string_view bytes, std::vector<ErrorSite>* out);

// A deterministic serialisation of everything in a program that compiled code depends on
// (nodes, types, values, tables, calendars, constants, schema), for the object cache key.
std::string serialize_program(const ir::Program& program);

class Host {
 public:
  explicit Host(const ir::Program& program);

  const ir::Program& program() const { return program_; }
  const Layout& layout() const { return layout_; }
  const ConstPlan& plan() const { return plan_; }
  const ConstPool& pool() const { return pool_; }
  std::vector<ErrorSite>& sites() { return sites_; }
  const std::vector<ErrorSite>& sites() const { return sites_; }

  // Where the owners of calendar and holiday set pointers are found: the constants, the
  // input record (may be null), then the evaluation's arena.
  struct Owners {
    const Host* host = nullptr;
    const FlatRecord* record = nullptr;
  };
  // A context for one evaluation (or batch) over `state`; `owners` must outlive its use.
  proviso_ctx context(rt::jit::EvalState& state, const Owners* owners) const;

  // The interpreter's error for a failed status.
  // The status says the interpreter must evaluate this record (ErrorSite::Kind::TooDeep).
  bool too_deep(int32_t status) const;
  ir::EvalError error(int32_t status, const proviso_ctx& ctx) const;
  // Decisions (and home zone) of a successful evaluation in interpreter form.
  void decode(const uint8_t* out, const rt::jit::EvalState& state, const Owners& owners, ir::EvalResult* result,
              const std::vector<int32_t>* positions = nullptr) const;

  // Host shims' work.
  // Calendar `index` in `zone` with `holidays`, and the hours of schedule `schedule` (-1: its own).
  int32_t calendar(proviso_ctx* ctx, int32_t index, int32_t schedule, const void* zone, const void* holidays,
                   const void** out) const;

 private:
  const ir::Program& program_;
  Layout layout_;
  ConstPlan plan_;
  ConstPool pool_;
  std::vector<ErrorSite> sites_;
  std::shared_ptr<rt::CalendarCache> calendars_;
  // Calendars built from constant zones and holiday sets, by (calendar, schedule, zone, holidays).
  // Entries are written once, under memo_mu_, then published by memo_count_ (release); readers
  // scan the published prefix without a lock. The Host owns these calendars for its lifetime,
  // so generated code gets their raw pointers (calendar_owner() finds the owner again).
  struct MemoEntry {
    int32_t index = -1;
    int32_t schedule = -1;
    const void* zone = nullptr;
    const void* holidays = nullptr;
    std::shared_ptr<const rt::Calendar> calendar;
  };
  static constexpr size_t kMemoCapacity = 256;
  mutable std::mutex memo_mu_;
  mutable std::array<MemoEntry, kMemoCapacity> memo_;
  mutable std::atomic<size_t> memo_count_{0};

 public:
  // The owner of a calendar the memo handed out, or null.
  std::shared_ptr<const void> calendar_owner(const void* raw) const;
};

// The shims of this folder (they need compiler types), for registering with the JIT.
const std::vector<rt::jit::ShimSymbol>& host_shims();

}  // namespace proviso::jit

extern "C" {
// Calendar `index` of the policy, with the hours of schedule `schedule` (-1: the calendar's own
// day lines); 1 with the message on an error.
int32_t proviso_host_calendar(proviso_ctx* ctx, int32_t index, int32_t schedule, const void* zone, const void* holidays,
                              const void** out);
// `text(x)` of the flat value `value` of the type of node `node`.
void proviso_host_to_text(proviso_ctx* ctx, int32_t node, const void* value, proviso_span* out);
// Structural equality of two flat values of the (required) type of node `node`.
int32_t proviso_host_equal(proviso_ctx* ctx, int32_t node, const void* a, const void* b);
// Copies the lists of the flat value of values[value] at `slot` out of the frame.
void proviso_host_persist(proviso_ctx* ctx, int32_t value, uint8_t* slot);
// The calendar of the CalPause node `node`: `calendar` with the pauses of the flat list at
// `pauses`, open ones lasting until `as_of` when `has_as_of`; 1 with the message on an error.
int32_t proviso_host_pausing(proviso_ctx* ctx, int32_t node, const void* calendar, const uint8_t* pauses,
                             int32_t has_as_of, int64_t as_of, const void** out);
}

// The parts of the language's evaluation semantics that more than one executor needs, written
// once: the interpreter (compiler/interp) and the JIT's host (compiler/jit) both call these,
// so a change here changes every engine. Evaluation-error messages are in eval_messages.h.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <proviso/rt/calendar.h>

#include "compiler/ir/program.h"

namespace proviso::ir {

// `text(x)`: a value as a person writes it in a policy ("25%", "2 business days", "[a, b]").
std::string plain_text(const Value& value, const Type& type, const Schema& schema);

// A calendar as values show it: its name, and how many (merged) pauses stop its clock:
// "desk", "desk pausing 2 pauses"; "?" for none.
std::string calendar_text(const rt::Calendar* calendar);

// "1 business day + 2 working hours", "0 working hours": a business duration as explanations
// and `text(x)` show it.
std::string business_amount(const BusinessDurationValue& value);
// A plain duration as the language writes it, for people: "4 hours", "1 hour 30 minutes",
// "2 days", "90 seconds" (explanations, and the checker's messages).
std::string duration_words(int64_t seconds);

// "case.severity" when `node` reads an input field (through unwraps), else "".
std::string input_path(const Program& program, NodeId node);

// The input an evaluation error names: the common prefix, by whole path components, of the
// input paths that the failing node reads ("case.reported_at", "reinstatement"), not looking
// through values and tables; "" when it reads none (the caller then names the value being
// computed).
std::string error_input_path(const Program& program, NodeId failing);

// One record of the list after `pausing`: `until` absent for a pause still open.
struct PauseRecord {
  rt::Instant from = 0;
  std::optional<rt::Instant> until;
};

// `CALENDAR pausing PAUSES [as of AS_OF]`: an open pause lasts until `as_of` (nothing when
// `as_of` is before it starts); a pause that ends before it starts is an error naming it by
// its 1-based place in the list. The checker guarantees `as_of` when an `until` may be absent.
rt::Expected<std::shared_ptr<const rt::Calendar>> pause_calendar(std::shared_ptr<const rt::Calendar> base,
                                                                 const std::vector<PauseRecord>& pauses,
                                                                 std::optional<rt::Instant> as_of);

}  // namespace proviso::ir

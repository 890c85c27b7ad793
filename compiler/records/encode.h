// Encoding of evaluation results: decision values as JSON (the output line of `proviso eval`)
// and as plain text for people (explanations, test diffs).
// JSON forms: the README ("JSON forms of values"); compiler/records/forms.h
// (duration "PT4H", period "P12M", percent "25%", business duration "2 business days") and
// decimals as exact strings ("0.125"): a JSON number would pass through binary floating point.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/ir/evaluation.h"
#include "compiler/ir/program.h"
#include "compiler/ir/value_source.h"

namespace proviso::records {

using Json = nlohmann::ordered_json;

// One value of static type `type`. Datetimes are written in `home_zone` (UTC when null) with
// its offset at that instant; money rounded half away from zero to the minor unit.
Json encode(const ir::Value& value, const ir::Type& type, const ir::Schema& schema, const rt::Zone* home_zone);

// {"decisions": {NAME: VALUE, ...}} in the order given (declaration order); or, when a
// datetime would be written with a year outside 0001..9999 in the home zone (which nothing
// could read back), {"error": {"path": "NAME", "message": ...}}.
Json encode_decisions(const ir::Program& program, const std::vector<std::pair<int32_t, ir::Value>>& decisions,
                      const rt::Zone* home_zone);

// Why the decisions cannot be written (the check of encode_decisions): the path and message of
// a datetime whose year in the home zone is outside 0001..9999, or nullopt.
std::optional<std::pair<std::string, std::string>> unwritable_decision(
    const ir::Program& program, const std::vector<std::pair<int32_t, ir::Value>>& decisions, const rt::Zone* home_zone);

// {"error": {"path": PATH, "message": MESSAGE}}.
Json encode_error(std::string_view path, std::string_view message);

// The same lines as text, appended to `out` without building a Json first: byte for byte
// what encode_decisions(...) and encode_error(...) give when dumped compactly
// (`dump(-1, ' ', false, error_handler_t::replace)`, as `proviso eval` writes them).
// write_decisions_line reads the values from `source` (compiler/ir/value_source.h: the
// interpreter's ir::Values, or the JIT's output struct read in place). When a decision cannot
// be written (unwritable_decision), it stops and gives that decision's path and message; `out`
// then holds a partial line. `location` is the error's "location" key ("" for none).
// What write_decisions_line writes alike on every line of one program, written once: each
// decision's key (`"name":`) and each enum member as a JSON string, by the same writer. Give
// one to write_decisions_line where many lines of one program are written.
class LinePlan {
 public:
  explicit LinePlan(const ir::Program& program);
  // Null where the plan has nothing (not a decision, not a member): written as usual then.
  const std::string* key(int32_t value) const {
    if (value < 0 || static_cast<size_t>(value) >= keys_.size() || keys_[static_cast<size_t>(value)].empty())
      return nullptr;
    return &keys_[static_cast<size_t>(value)];
  }
  const std::string* member(int32_t enum_id, int32_t member) const {
    if (enum_id < 0 || static_cast<size_t>(enum_id) >= members_.size()) return nullptr;
    const auto& ms = members_[static_cast<size_t>(enum_id)];
    if (member < 0 || static_cast<size_t>(member) >= ms.size()) return nullptr;
    return &ms[static_cast<size_t>(member)];
  }

 private:
  std::vector<std::string> keys_;                  // by value index; "" when not a decision
  std::vector<std::vector<std::string>> members_;  // by enum id and member
};

std::optional<std::pair<std::string, std::string>> write_decisions_line(std::string& out, const ir::Program& program,
                                                                        const ir::ValueSource& source,
                                                                        std::span<const ir::DecisionRef> decisions,
                                                                        const rt::Zone* home_zone,
                                                                        const LinePlan* plan = nullptr);
std::optional<std::pair<std::string, std::string>> write_decisions_line(
    std::string& out, const ir::Program& program, const std::vector<std::pair<int32_t, ir::Value>>& decisions,
    const rt::Zone* home_zone, const LinePlan* plan = nullptr);
void write_error_line(std::string& out, std::string_view path, std::string_view message,
                      std::string_view location = "");
// One value of a line, as write_decisions_line writes a decision's: the JSON of the value of
// static type `type` at `ref` in `source`. When it cannot be written, the place of the
// unwritable value below the decision (".field", "[2]", "" for the value itself) and the
// message; `out` then holds a part of the value. For writers of lines of their own
// (compiler/jit/line_writer.h), which write the commonest values themselves.
std::optional<std::pair<std::string, std::string>> write_value_json(std::string& out, const ir::ValueSource& source,
                                                                    ir::ValueSource::Ref ref, const ir::Type& type,
                                                                    const ir::Schema& schema, const rt::Zone& zone,
                                                                    const LinePlan* plan);
// Whether a JSON string holds the text `s` as it is between quotes (no byte that needs an
// escape or a UTF-8 check): the line writers then copy it, and the JSON fast path compares
// field names and enum members in their quoted form.
bool plain_json_text(std::string_view s);

// A decision that failed while the others evaluated: the line's "errors" key, beside
// "decisions", has {NAME: {"path": ..., "message": ..., "location": "file:line:col"}} for each.
struct DecisionFailure {
  int32_t value = -1;  // index into Program::values
  std::string path, message, location;
};
// The failure of decision `value` from the evaluation's error (its location, or the
// decision's own when the error has none).
DecisionFailure decision_failure(const ir::Program& program, int32_t value, const ir::EvalError& error);
// Moves the decisions that cannot be written (unwritable_decision) from `decisions` to
// `failed`, keeping both in output order.
void split_unwritable(const ir::Program& program, std::vector<std::pair<int32_t, ir::Value>>& decisions,
                      std::vector<DecisionFailure>& failed, const rt::Zone* home_zone);
// {NAME: {"path", "message", "location"}, ...} in the order given.
Json encode_failures(const ir::Program& program, std::span<const DecisionFailure> failed);
// Ends a line written by write_decisions_line with the "errors" key: `line` must hold a
// complete `{"decisions":{...}}`; it becomes `{"decisions":{...},"errors":{...}}`, byte for
// byte the compact dump of the Json with both keys.
void append_failures(std::string& line, const ir::Program& program, std::span<const DecisionFailure> failed);

// Plain text in the language's own notation: `2026-11-27T09:00:00-05:00`, `12.50 USD`, `25%`,
// `4 hours`, `2 business hours`, `12 months`, `"text"`, `Enterprise`, `[1, 2]`,
// `{ name: "A", phone: none }`, `none`.
//
// Money, by `money`:
// - Exact (intermediate values): the digits the amount has, but never fewer than the minor
//   unit and without trailing zeros beyond it: `3000.00 USD`, `3000.0025 USD`, so nothing
//   is hidden from an explanation and nothing is padded;
// - Output (a decision's value): rounded to the minor unit as the JSON line writes it, so the
//   text and the JSON say the same amount.
enum class MoneyDigits { Exact, Output };
std::string format_value(const ir::Value& value, const ir::Type& type, const ir::Schema& schema, const rt::Zone* zone,
                         MoneyDigits money = MoneyDigits::Exact);

}  // namespace proviso::records

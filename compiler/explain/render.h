// Explanations of an evaluation, rendered from the interpreter's steps: as text for a person
// (`proviso eval --explain` on stderr) and as JSON (the "explain" key of the output line).
// Takes: the Program and an EvalResult evaluated with EvalOptions::explain.
// Gives: per decision its value, clause and the facts that produced it, in evaluation order.
#pragma once
#include <span>
#include <string>

#include "compiler/ir/evaluation.h"
#include "compiler/records/encode.h"

namespace proviso::explain {

// One block per decision:
//   initial_response_due = 2026-11-27T09:00:00-05:00 (clause 6.2) because:
//     - contract.support = Basic
//     - table `response` row 3 (clause 5.2, 6.2): | Basic | - | 2 business hours | none |
//     - 2026-11-25T16:00:00-05:00 + 2 business hours in standard_hours (America/New_York)
//       = 2026-11-27T09:00:00-05:00
//     - Thursday 26 November 2026 is a holiday (Thanksgiving Day)
// Repeated facts are shown once; blocks are separated by a blank line. A decision in `failed`
// (in declaration order) gets its block in its place:
//   reinstatement_fee failed (clause 2.3):
//     - division by zero
//     - at policy.policy:176:8
std::string render_text(const ir::Program& program, const ir::EvalResult& result,
                        std::span<const records::DecisionFailure> failed = {});

// {DECISION: {"value": ..., "clause": ... | null, "steps": [STEP, ...]}, ...} where STEP is one of
//   {"kind": "input", "path": P, "value": V}
//   {"kind": "uses", "name": N, "value": V, "clause": C?}
//   {"kind": "branch", "condition": TEXT, "taken": B}   a condition tested: an `if` condition, each
//                                                       operand of `and`/`or` evaluated, or what
//                                                       gives a bool value its value
//   {"kind": "match", "subject": TEXT, "value": V}
//   {"kind": "table_row", "table": N, "row": R, "clause": C, "text": ROW?}
//   {"kind": "exclusion", "entry": CLAUSE_ID, "clause": C, "condition": TEXT}
//   {"kind": "calendar", "calendar": N, "zone": Z|null, "start": T, "amount": A, "result": T,
//    "holidays": [{"date": D, "weekday": W, "name": NAME}, ...],
//    "partial_days": [{"date": D, "weekday": W, "name": NAME, "working_hours": ["09:00-13:00"]}]
//                                        (only when a partial day cut the span's working time),
//    "pauses": [{"from": T, "until": T, "working": DURATION}, ...] (only when a pause moved it)}
//   {"kind": "holiday", "date": D, "weekday": W, "name": NAME}
//   {"kind": "aggregate", "operation": sum|count|min|max|any|all, "expression": TEXT, "value": V,
//    "of": N, "items": [{"index": I, "value": V}, ...], "decided": K}   the K items (of N) that
//                                        decided the value, the first 20 listed: for sum those
//                                        whose term is not 0, for count those counted, for any
//                                        the true one, for all the false one, for min/max the one
//                                        chosen
records::Json render_json(const ir::Program& program, const ir::EvalResult& result);

// "Thursday 26 November 2026".
std::string long_date(rt::Date date);
// Source text with each run of white space (line breaks included) made one space, and none at
// either end, for one-line display.
std::string one_line(std::string_view s);

}  // namespace proviso::explain

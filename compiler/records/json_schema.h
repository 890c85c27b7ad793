// The JSON Schema (draft 2020-12) of a policy's input document: what `proviso eval` reads, so
// that callers can generate client types and check a record before they send it.
// Takes: a checked ir::Program. Gives: a schema whose structure (inputs, fields, required and
// optional ones, no unknown fields, enum members, integer ranges, list sizes) is the decoder's,
// and whose string forms are patterns of the forms the decoder reads (README, "JSON forms of
// values"). Limits a pattern cannot say (36 significant digits, dates in the supported years,
// known currencies and zones, `1.0` given for an integer) are left to the decoder.
#pragma once
#include "compiler/ir/program.h"
#include "compiler/records/encode.h"

namespace proviso::records {

Json input_json_schema(const ir::Program& program);

}  // namespace proviso::records

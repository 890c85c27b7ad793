// Where a decoder puts the inputs it decodes. compiler/records walks a JSON or YAML document
// against the policy's schema and checks every value; a ValueSink receives the checked values
// in document order and builds whatever its evaluator reads: the interpreter's value tree
// (records::TreeSink) or the JIT's flat frame (jit::FlatSink, compiler/jit/layout.h), with no
// tree in between. The decoder owns every check and every message, so both evaluators see the
// same errors with the same paths.
//
// Protocol, for one document: begin(n); then, for each input present, input(i, type) gives
// the slot of its value (an absent or null optional input gets no call). A value is written
// into its slot by none() (null, for an optional type), scalar(), or a begin_record() /
// field()... / end_record() or begin_list() / element()... / end_list() pair, nested. The
// decoder always calls end_record() / end_list() for a begin, also when it stops on an error
// (`ok` is then false). A slot handed out by field() or element() is valid only until the
// next call on the same record or list. A decoder may give up on a document part-way (its fast
// path, compiler/records/fast_json.h, meets something it does not read) and decode it again
// from begin(): begin() discards whatever was written since the previous begin().
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/ir/program.h"

namespace proviso::ir {

class ValueSink {
 public:
  using Slot = void*;
  // A record or list being filled: what its sink needs to find the next slot.
  struct Nested {
    Slot at = nullptr;
    size_t level = 0;
    const void* plan = nullptr;  // the sink's own, looked up once per record (FlatSink: its field offsets)
  };

  virtual ~ValueSink() = default;
  // A new document with `inputs` inputs (all absent until input() is called).
  virtual void begin(size_t inputs) = 0;
  // The slot of input `index`, of the required type `type`.
  virtual Slot input(size_t index, const Type& type) = 0;
  // `type` is optional and the value is absent.
  virtual void none(Slot slot, const Type& type) = 0;
  // A scalar (anything but a record or list), already checked against `type`. False, with
  // `error` set, when this sink cannot represent it; the decoder then reports the first such
  // value with its path unless the document has an error of its own.
  virtual bool scalar(Slot slot, const Type& type, Value&& value, std::string* error) = 0;
  // The commonest scalars without an ir::Value (a sink may write them directly): a bool, an
  // integer, an enum member's index, a date (days), a datetime (seconds), money. By default,
  // scalar().
  virtual bool boolean(Slot slot, const Type& type, bool value, std::string* error) {
    return scalar(slot, type, Value(value), error);
  }
  virtual bool integer(Slot slot, const Type& type, int64_t value, std::string* error) {
    return scalar(slot, type, Value(value), error);
  }
  virtual bool enumeration(Slot slot, const Type& type, int32_t member, std::string* error) {
    return scalar(slot, type, Value(EnumValue{member}), error);
  }
  virtual bool date(Slot slot, const Type& type, rt::Date days, std::string* error) {
    return scalar(slot, type, Value(DateValue{days}), error);
  }
  virtual bool datetime(Slot slot, const Type& type, rt::Instant seconds, std::string* error) {
    return scalar(slot, type, Value(DateTimeValue{seconds}), error);
  }
  virtual bool money(Slot slot, const Type& type, const rt::Money& amount, std::string* error) {
    return scalar(slot, type, Value(amount), error);
  }
  virtual Nested begin_record(Slot slot, const Type& type) = 0;
  // The slot of field `index` of the record `type` being filled.
  virtual Slot field(Nested& record, const Type& type, size_t index) = 0;
  virtual void end_record(Slot slot, const Type& type, Nested& record, bool ok) = 0;
  virtual Nested begin_list(Slot slot, const Type& type) = 0;
  // The slot of the next element of the list `type` being filled.
  virtual Slot element(Nested& list, const Type& type) = 0;
  virtual void end_list(Slot slot, const Type& type, Nested& list, bool ok) = 0;
};

}  // namespace proviso::ir

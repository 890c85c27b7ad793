// Where an encoder reads the decisions it writes: the mirror of ir::ValueSink. An evaluator
// keeps its results in its own form (the interpreter as ir::Values, the JIT in its flat output
// struct); a ValueSource lets compiler/records write them as JSON, walking the static types,
// with no ir::Value tree built in between. The encoder owns every JSON form and every check,
// so both evaluators' lines are the same bytes.
//
// A Ref designates one value of a known static type: the type says what may be asked of it.
// present() first (for any type: an optional value may be absent); then, by the type's kind,
// text(), length()/element() for a list, field() for a record, or scalar() for the rest.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "compiler/ir/program.h"

namespace proviso::ir {

class ValueSource {
 public:
  using Ref = const void*;

  virtual ~ValueSource() = default;
  // The value itself, or null when it is absent (`none`).
  virtual Ref present(Ref ref, const Type& type) const = 0;
  // Any present value but a text, a list or a record, as an ir::Value (no allocation: a
  // calendar or holiday set is lent, valid while the source's values are).
  virtual Value scalar(Ref ref, const Type& type) const = 0;
  // The commonest scalars without an ir::Value: what scalar(ref, type).as_bool(), .as_int() or
  // .as_enum() gives, for a present value of type Bool, Integer or Enum.
  virtual bool boolean(Ref ref, const Type& type) const { return scalar(ref, type).as_bool(); }
  virtual int64_t integer(Ref ref, const Type& type) const { return scalar(ref, type).as_int(); }
  virtual int32_t member(Ref ref, const Type& type) const { return scalar(ref, type).as_enum(); }
  virtual std::string_view text(Ref ref) const = 0;
  virtual size_t length(Ref list) const = 0;
  // Element `index` of the list `type`; field `index` of the record `type`.
  virtual Ref element(Ref list, const Type& type, size_t index) const = 0;
  virtual Ref field(Ref record, const Type& type, size_t index) const = 0;
};

// One decision to write: the ValueDef index of the decision and its value in the source.
struct DecisionRef {
  int32_t value = -1;
  ValueSource::Ref ref = nullptr;
};

// The interpreter's form: a Ref is a `const ir::Value*`.
class TreeSource final : public ValueSource {
 public:
  Ref present(Ref ref, const Type&) const override {
    return static_cast<const Value*>(ref)->kind() == Value::Kind::None ? nullptr : ref;
  }
  Value scalar(Ref ref, const Type&) const override { return *static_cast<const Value*>(ref); }
  bool boolean(Ref ref, const Type&) const override { return static_cast<const Value*>(ref)->as_bool(); }
  int64_t integer(Ref ref, const Type&) const override { return static_cast<const Value*>(ref)->as_int(); }
  int32_t member(Ref ref, const Type&) const override { return static_cast<const Value*>(ref)->as_enum(); }
  std::string_view text(Ref ref) const override { return static_cast<const Value*>(ref)->as_text(); }
  size_t length(Ref list) const override { return static_cast<const Value*>(list)->as_list().size(); }
  Ref element(Ref list, const Type&, size_t index) const override {
    return &static_cast<const Value*>(list)->as_list()[index];
  }
  Ref field(Ref record, const Type&, size_t index) const override {
    return &static_cast<const Value*>(record)->as_record()[index];
  }
};

}  // namespace proviso::ir

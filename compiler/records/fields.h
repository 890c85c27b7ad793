// Inputs built field by field instead of read from JSON (the typed records of the C++ and C
// APIs): the fields a caller can name by path, the values set on them, and their decoding
// through the same schema walk as JSON (walker.h), so that every check, message and error
// path is the one a JSON input with the same values would get.
//
// A path names a field through records: "case.severity", "contract.centre.zone". Fields inside
// lists have no path (a list is given whole, as JSON, or not at all). A record is present when
// one of its fields is set; setting a record's own path to null makes an optional record (or
// input) absent.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/records/decode.h"

namespace proviso::records {

// The addressable fields of a program's inputs, resolved once per program.
class FieldTable {
 public:
  struct Slot {
    std::string path;               // "case.severity"
    std::string name;               // "severity"; for an input, the input's name
    int32_t parent = -1;            // -1 for an input
    ir::Type type;                  // as declared (an input's own optionality is in InputDef)
    std::vector<int32_t> children;  // a record's fields, in declaration order
  };

  explicit FieldTable(const ir::Program& program);

  // The slot of `path`, or -1 with why in *why ("no field `sevrity` in `case` (fields: ...)").
  int32_t find(std::string_view path, std::string* why) const;
  const Slot& slot(int32_t i) const { return slots_[static_cast<size_t>(i)]; }
  size_t size() const { return slots_.size(); }
  const std::vector<int32_t>& inputs() const { return inputs_; }  // one slot per InputDef

 private:
  void add_children(int32_t slot, const ir::Schema& schema, size_t depth);

  std::vector<Slot> slots_;
  std::vector<int32_t> inputs_;
};

// What was set on each slot of a FieldTable. Reusable: clear() keeps the buffers.
class FieldValues {
 public:
  enum class Kind : uint8_t { Unset, Null, Bool, Number, String };
  struct Value {
    Kind kind = Kind::Unset;
    bool boolean = false;
    std::string text;  // Number: a JSON number token; String: the text
  };

  explicit FieldValues(const FieldTable& table);

  void set_null(int32_t slot) { set(slot, Kind::Null).text.clear(); }
  void set_bool(int32_t slot, bool b) { set(slot, Kind::Bool).boolean = b; }
  void set_int(int32_t slot, int64_t n);
  void set_number(int32_t slot, std::string_view token) { set(slot, Kind::Number).text.assign(token); }
  void set_text(int32_t slot, std::string_view text) { set(slot, Kind::String).text.assign(text); }
  void clear();

  const Value& value(int32_t slot) const { return values_[static_cast<size_t>(slot)]; }
  // Set itself or through one of its fields.
  bool present(int32_t slot) const { return present_[static_cast<size_t>(slot)] != 0; }
  // Has one of its fields set.
  bool has_fields(int32_t slot) const { return fields_set_[static_cast<size_t>(slot)] != 0; }

 private:
  Value& set(int32_t slot, Kind kind);

  const FieldTable* table_;
  std::vector<Value> values_;
  std::vector<uint8_t> present_, fields_set_;
  std::vector<int32_t> touched_;  // slots to reset on clear()
};

// Decodes what was set as an input: exactly what decoding the JSON object with those values
// would give, values or the first error with its path.
DecodeResult decode_fields(const FieldTable& table, const FieldValues& values, const ir::Schema& schema,
                           const std::vector<ir::InputDef>& inputs, const Limits& limits = {});
// The same, into `sink` (compiler/ir/value_sink.h): the first error, or nullopt.
std::optional<DecodeError> decode_fields(const FieldTable& table, const FieldValues& values, const ir::Schema& schema,
                                         const std::vector<ir::InputDef>& inputs, const Limits& limits,
                                         ir::ValueSink& sink);

}  // namespace proviso::records

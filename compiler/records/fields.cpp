// Inputs built field by field: the field table, the values set, and their decoding through the
// JSON decoder's walk (walker.h) with a source that presents the set fields as an object tree.
#include "compiler/records/fields.h"

#include <charconv>

#include <fmt/format.h>
#include <simdjson.h>

#include "compiler/records/walker.h"

namespace proviso::records {

namespace {

constexpr size_t kMaxPathDepth = 32;  // records within records; the language has no recursive records

std::string names_of(const std::vector<int32_t>& slots, const FieldTable& table) {
  std::string out;
  for (int32_t s : slots) out += (out.empty() ? "" : ", ") + table.slot(s).name;
  return out;
}

}  // namespace

FieldTable::FieldTable(const ir::Program& program) {
  for (const ir::InputDef& in : program.inputs) {
    auto slot = static_cast<int32_t>(slots_.size());
    slots_.push_back({in.name, in.name, -1, in.type, {}});
    inputs_.push_back(slot);
    add_children(slot, program.schema, 1);
  }
}

void FieldTable::add_children(int32_t slot, const ir::Schema& schema, size_t depth) {
  const ir::Type type = slots_[static_cast<size_t>(slot)].type;
  if (type.kind != ir::TypeKind::Record || depth >= kMaxPathDepth) return;
  for (const ir::FieldDef& f : schema.records[static_cast<size_t>(type.id)].fields) {
    auto child = static_cast<int32_t>(slots_.size());
    slots_.push_back({slots_[static_cast<size_t>(slot)].path + "." + f.name, f.name, slot, f.type, {}});
    slots_[static_cast<size_t>(slot)].children.push_back(child);
    add_children(child, schema, depth + 1);
  }
}

int32_t FieldTable::find(std::string_view path, std::string* why) const {
  const std::vector<int32_t>* level = &inputs_;
  int32_t at = -1;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string_view segment = path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    int32_t found = -1;
    for (int32_t s : *level)
      if (slot(s).name == segment) found = s;
    if (found < 0) {
      if (at < 0)
        *why = fmt::format("no input `{}` (the inputs are: {})", segment, names_of(inputs_, *this));
      else
        *why =
            fmt::format("no field `{}` in `{}` (its fields are: {})", segment, slot(at).path, names_of(*level, *this));
      return -1;
    }
    at = found;
    if (dot == std::string_view::npos) return at;
    const ir::Type& t = slot(at).type;
    if (t.kind == ir::TypeKind::List) {
      *why = fmt::format("`{}` is a list: fields inside lists cannot be set by path (give the input as JSON)",
                         slot(at).path);
      return -1;
    }
    if (t.kind != ir::TypeKind::Record) {
      *why = fmt::format("`{}` is not a record: it has no field `{}`", slot(at).path,
                         path.substr(dot + 1, path.find('.', dot + 1) - dot - 1));
      return -1;
    }
    level = &slot(at).children;
    start = dot + 1;
  }
}

FieldValues::FieldValues(const FieldTable& table)
    : table_(&table), values_(table.size()), present_(table.size()), fields_set_(table.size()) {}

void FieldValues::set_int(int32_t slot, int64_t n) {
  std::string& text = set(slot, Kind::Number).text;
  char buffer[24];
  const char* end = std::to_chars(buffer, buffer + sizeof buffer, n).ptr;
  text.assign(buffer, static_cast<size_t>(end - buffer));
}

FieldValues::Value& FieldValues::set(int32_t slot, Kind kind) {
  auto i = static_cast<size_t>(slot);
  if (!present_[i]) touched_.push_back(slot);
  present_[i] = 1;
  // Every record above it is present, and has a field set.
  for (int32_t p = table_->slot(slot).parent; p >= 0; p = table_->slot(p).parent) {
    auto pi = static_cast<size_t>(p);
    if (fields_set_[pi]) break;
    if (!present_[pi]) touched_.push_back(p);
    present_[pi] = 1;
    fields_set_[pi] = 1;
  }
  values_[i].kind = kind;
  return values_[i];
}

void FieldValues::clear() {
  for (int32_t s : touched_) {
    auto i = static_cast<size_t>(s);
    values_[i].kind = Kind::Unset;
    present_[i] = 0;
    fields_set_[i] = 0;
  }
  touched_.clear();
}

namespace {

using detail::NodeKind;

// The walker's view of a FieldValues: slot -1 is the top-level object (keys: input names).
struct FieldSource {
  const FieldTable& table;
  const FieldValues& values;
  std::string error;

  struct Node {
    int32_t slot = -1;
  };

  std::string syntax_error() const { return error; }

  NodeKind kind(Node& n) {
    if (n.slot < 0) return NodeKind::Object;
    const FieldValues::Value& v = values.value(n.slot);
    switch (v.kind) {
      case FieldValues::Kind::Null:
        if (!values.has_fields(n.slot)) return NodeKind::Null;
        error = "set to null, and fields of it are set too";
        return NodeKind::Invalid;
      case FieldValues::Kind::Bool: return NodeKind::Bool;
      case FieldValues::Kind::Number: return NodeKind::Number;
      case FieldValues::Kind::String: return NodeKind::String;
      case FieldValues::Kind::Unset: return NodeKind::Object;  // present through its fields
    }
    return NodeKind::Invalid;
  }
  static bool null(Node&) { return true; }
  bool boolean(Node& n, bool& b) const {
    b = values.value(n.slot).boolean;
    return true;
  }
  bool number(Node& n, std::string_view& text) const {
    text = values.value(n.slot).text;
    return true;
  }
  bool string(Node& n, std::string_view& text) {
    text = values.value(n.slot).text;
    if (simdjson::validate_utf8(text.data(), text.size())) return true;
    error = "the text is not valid UTF-8";  // what JSON text could not hold either
    return false;
  }
  template <class F>
  bool fields(Node& n, F&& f) {
    const std::vector<int32_t>& children = n.slot < 0 ? table.inputs() : table.slot(n.slot).children;
    for (int32_t c : children) {
      if (!values.present(c)) continue;
      Node child{c};
      if (!f(std::string_view(table.slot(c).name), child)) return false;
    }
    return true;
  }
  template <class F>
  bool elements(Node&, F&&) {  // never reached: no slot is ever an array
    error = "a list cannot be set field by field";
    return false;
  }
};

}  // namespace

DecodeResult decode_fields(const FieldTable& table, const FieldValues& values, const ir::Schema& schema,
                           const std::vector<ir::InputDef>& inputs, const Limits& limits) {
  return decode_values(schema,
                       [&](ir::ValueSink& sink) { return decode_fields(table, values, schema, inputs, limits, sink); });
}

std::optional<DecodeError> decode_fields(const FieldTable& table, const FieldValues& values, const ir::Schema& schema,
                                         const std::vector<ir::InputDef>& inputs, const Limits& limits,
                                         ir::ValueSink& sink) {
  FieldSource source{table, values, {}};
  detail::Walker<FieldSource> walker(source, schema, limits);
  FieldSource::Node root;
  return walker.decode_inputs(root, inputs, sink);
}

}  // namespace proviso::records

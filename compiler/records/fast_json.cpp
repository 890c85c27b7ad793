#include "compiler/records/fast_json.h"

#include <cstring>

#include "compiler/records/encode.h"
#include "compiler/records/fast_json_impl.h"

namespace proviso::records::detail {

namespace {

// `name` in quotes, when a JSON string holds it as it is; else "" (the name is then compared
// by the general decoder only).
std::string quoted_name(std::string_view name) { return plain_json_text(name) ? "\"" + std::string(name) + "\"" : ""; }

}  // namespace

FastJson::FastJson(const ir::Schema& schema, const std::vector<ir::InputDef>& inputs, const Limits& limits)
    : schema_(schema), inputs_(inputs), limits_(limits) {
  required_.reserve(inputs.size());
  for (const ir::InputDef& in : inputs) {
    required_.push_back(in.type.as_required());
    quoted_inputs_.push_back(quoted_name(in.name));
  }
  for (const ir::RecordDef& rd : schema.records) {
    uint64_t required = 0;
    for (size_t i = 0; i < rd.fields.size() && i < 64; ++i)
      if (!rd.fields[i].type.optional) required |= uint64_t{1} << i;
    required_fields_.push_back(required);
    quoted_fields_.emplace_back();
    keyed_fields_.emplace_back();
    keys_.emplace_back();
    comma_keys_.emplace_back();
    for (const ir::FieldDef& f : rd.fields) {
      quoted_fields_.back().push_back(quoted_name(f.name));
      keyed_fields_.back().push_back(quoted_fields_.back().back().empty() ? "" : quoted_fields_.back().back() + ":");
      keys_.back().emplace_back(keyed_fields_.back().back());
      const std::string& keyed = keyed_fields_.back().back();
      comma_keys_.back().emplace_back(keyed.empty() ? keyed : "," + keyed);
    }
  }
  for (const ir::EnumDef& ed : schema.enums) {
    quoted_members_.emplace_back();
    for (const std::string& m : ed.members) quoted_members_.back().push_back(quoted_name(m));
    // The letters after the opening quote: the second is the closing quote of a one-letter name.
    Letters letters(256, -1);
    bool unique = ed.members.size() <= 64;
    for (size_t m = 0; m < ed.members.size() && unique; ++m) {
      const std::string& q = quoted_members_.back()[m];
      if (q.size() < 3) {  // a name that needs escaping: tried in turn
        unique = false;
        break;
      }
      int16_t& slot = letters[letters_index(q[1], q[2])];
      unique = slot < 0;
      slot = static_cast<int16_t>(m);
    }
    Enum& e = enums_.emplace_back();
    if (unique) e.letters = std::move(letters);
    for (const std::string& q : quoted_members_.back()) e.members.emplace_back(q);
  }
}

template <size_t W>
FastJson::Words<W>::Words(std::string_view quoted) {
  if (quoted.empty() || quoted.size() > sizeof word) return;
  size = static_cast<uint32_t>(quoted.size());
  std::memcpy(word, quoted.data(), quoted.size());
  std::memset(mask, 0xff, quoted.size());
}

template struct FastJson::Words<2>;
template struct FastJson::Words<4>;

bool FastJson::decode(std::string_view text, ir::ValueSink& sink) const { return decode_as(text, sink); }

}  // namespace proviso::records::detail

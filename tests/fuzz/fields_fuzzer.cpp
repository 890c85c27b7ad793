// Fuzz target `fields`: typed records (compiler/records/fields.h) against JSON. The bytes are a
// program of settings on the input fields of policies/qlik/oem_maintenance.policy (compiled
// once): starting from the fields of a valid case (the first record of its deadlines workload),
// each setting picks a field, a kind (null, bool, integer, number token, text) and a value. The same settings are
// written as the JSON object they stand for, fields in declaration order, and both are decoded: the results must be the
// same, values (by ir::equal) or the first error's path and message. Settings that JSON cannot express (a field set
// besides its record's own value, a number token that is not JSON, text that is not UTF-8) are still decoded, without
// crashing, but not compared.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "compiler/driver/compile.h"
#include "compiler/records/decode.h"
#include "compiler/records/fields.h"
#include "compiler/records/forms.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace proviso;

struct State {
  std::shared_ptr<const ir::Program> program;
  std::unique_ptr<records::FieldTable> table;
  std::unique_ptr<records::Decoder> decoder;
  std::vector<std::pair<int32_t, nlohmann::json>> valid;  // a valid case's scalars, by slot
};

void collect(const nlohmann::json& j, const std::string& path, State& s) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) collect(v, path.empty() ? k : path + "." + k, s);
    return;
  }
  std::string why;
  int32_t slot = s.table->find(path, &why);
  FUZZ_CHECK(slot >= 0, why);
  s.valid.emplace_back(slot, j);
}

State* state = nullptr;

// Values that reach the interesting checks: enum members, dates and datetimes, durations,
// money, percents, and near misses of each.
const char* const kTexts[] = {
    "Basic",      "Enterprise", "Phone", "Portal",    "NewYork",  "2026-03-02", "2026-03-02T09:00:00Z",
    "2026-13-40", "PT4H",       "P1Y",   "12.50 USD", "12.5 EUR", "25%",        "",
    "none",       "true",       "1",     "Severity 1"};
const char* const kNumbers[] = {"0", "1", "3", "4", "-1", "1.5", "1e2", "12.50", "99999999999999999999", "1e999"};

std::string json_of(const records::FieldTable& t, const records::FieldValues& v, int32_t slot, bool* expressible) {
  using K = records::FieldValues::Kind;
  const records::FieldValues::Value& x = v.value(slot);
  if (x.kind != K::Unset && v.has_fields(slot)) *expressible = false;
  switch (x.kind) {
    case K::Null: return "null";
    case K::Bool: return x.boolean ? "true" : "false";
    case K::Number:
      if (!records::is_json_number(x.text)) *expressible = false;
      return x.text;
    case K::String:
      if (!simdjson::validate_utf8(x.text.data(), x.text.size())) {
        *expressible = false;
        return "\"\"";
      }
      return nlohmann::json(x.text).dump();
    case K::Unset: break;
  }
  std::string out = "{";
  for (int32_t c : t.slot(slot).children) {
    if (!v.present(c)) continue;
    if (out.size() > 1) out += ",";
    out += nlohmann::json(t.slot(c).name).dump() + ":" + json_of(t, v, c, expressible);
  }
  return out + "}";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!state) {
    auto compiled = driver::compile_file(fuzz::source_dir() + "/policies/qlik/oem_maintenance.policy");
    FUZZ_CHECK(compiled.ok(), "the Qlik policy must compile");
    state = new State{compiled.program, std::make_unique<records::FieldTable>(*compiled.program), nullptr, {}};
    state->decoder = std::make_unique<records::Decoder>(*state->program);
    std::string workload = fuzz::source_dir() + "/policies/qlik/deadlines.ndjson";
    std::FILE* f = std::fopen(workload.c_str(), "r");
    FUZZ_CHECK(f != nullptr, workload);
    std::string line;
    for (int c = std::fgetc(f); c != EOF && c != '\n'; c = std::fgetc(f)) line += static_cast<char>(c);
    std::fclose(f);
    collect(nlohmann::json::parse(line), "", *state);
  }
  const ir::Program& p = *state->program;
  const records::FieldTable& table = *state->table;
  records::FieldValues values(table);
  for (const auto& [slot, j] : state->valid) {
    if (j.is_boolean())
      values.set_bool(slot, j.get<bool>());
    else if (j.is_number_integer())
      values.set_int(slot, j.get<int64_t>());
    else if (j.is_string())
      values.set_text(slot, j.get<std::string>());
    else
      values.set_null(slot);
  }
  size_t i = 0;
  auto next = [&]() -> uint8_t { return i < size ? data[i++] : 0; };
  while (i + 2 <= size) {
    auto slot = static_cast<int32_t>(next() % table.size());
    uint8_t kind = next();
    switch (kind % 6) {
      case 0: values.set_null(slot); break;
      case 1: values.set_bool(slot, (kind & 8) != 0); break;
      case 2: values.set_int(slot, static_cast<int8_t>(next())); break;
      case 3: values.set_number(slot, kNumbers[next() % std::size(kNumbers)]); break;
      case 4: values.set_text(slot, kTexts[next() % std::size(kTexts)]); break;
      case 5: {  // raw text from the input: any bytes, UTF-8 or not
        size_t n = next() % 16;
        std::string_view raw(reinterpret_cast<const char*>(data) + i, std::min(n, size - i));
        i += raw.size();
        values.set_text(slot, raw);
        break;
      }
    }
  }
  records::DecodeResult typed = records::decode_fields(table, values, p.schema, p.inputs);
  FUZZ_CHECK(typed.ok() || !typed.error->message.empty());

  bool expressible = true;
  std::string json = "{";
  for (int32_t in : table.inputs()) {
    if (!values.present(in)) continue;
    if (json.size() > 1) json += ",";
    json += nlohmann::json(table.slot(in).name).dump() + ":" + json_of(table, values, in, &expressible);
  }
  json += "}";
  if (!expressible) return 0;
  records::DecodeResult from_json = state->decoder->decode_json(json);
  FUZZ_CHECK(typed.ok() == from_json.ok(), json);
  if (!typed.ok()) {
    FUZZ_CHECK(typed.error->path == from_json.error->path,
               json + "\ntyped: " + typed.error->to_string() + "\njson: " + from_json.error->to_string());
    FUZZ_CHECK(typed.error->message == from_json.error->message,
               json + "\ntyped: " + typed.error->to_string() + "\njson: " + from_json.error->to_string());
    return 0;
  }
  FUZZ_CHECK(typed.values.size() == from_json.values.size(), json);
  for (size_t k = 0; k < typed.values.size(); ++k) FUZZ_CHECK(ir::equal(typed.values[k], from_json.values[k]), json);
  return 0;
}

// Internal to api/: the output line of one evaluation by generated code, written from the
// output struct in place: `{"decisions":{...}}`, byte for byte what
// records::write_decisions_line writes over a FlatSource, faster. What is alike on every line
// (each decision's key, each enum member's JSON string) comes from records::LinePlan; the
// commonest values (bools, integers, enum members, short texts with nothing to escape, dates,
// datetimes, money, lists of such texts, absent optional values) are written here from their slots, one bounds check
// per line; any other value through records::write_value_json, the encoder of every JSON form. It is here, not in
// compiler/jit, because it joins the JIT's layout and compiler/records.
// tests/api/jit_lines_test.cpp compares the two writers.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/ir/value_source.h"
#include "compiler/jit/layout.h"
#include "compiler/records/encode.h"

namespace proviso::api {

class JitLineWriter {
 public:
  // `layout`, `plan` and the program must outlive the writer.
  JitLineWriter(const jit::Layout& layout, const records::LinePlan& plan);

  // Appends the line of `decisions` (read through `source`, a FlatSource of `layout`, datetimes
  // in `home_zone`): as records::write_decisions_line does, with the same result.
  std::optional<std::pair<std::string, std::string>> write(std::string& out, const ir::ValueSource& source,
                                                           std::span<const ir::DecisionRef> decisions,
                                                           const rt::Zone* home_zone) const;

 private:
  enum class Form : uint8_t { Bool, Integer, Enum, Text, TextList, Date, DateTime, Money, Other };
  struct Decision {
    int32_t value = -1;                // ValueDef index
    const ir::Type* type = nullptr;    // its static type
    const std::string* key = nullptr;  // "name":, from the plan
    Form form = Form::Other;
    bool tagged = false;  // an optional slot: a tag byte, the value at value_offset
    uint8_t enum_bytes = 4;
    uint32_t value_offset = 0;
    size_t rest = 0;  // the most the line can take from this decision on, written here
  };
  // Texts of at most this many bytes are written here; longer ones by the encoder.
  static constexpr size_t kShortText = 64;
  // The room a list of texts is given in the line made for it; a longer list makes more.
  static constexpr size_t kListRoom = 128;

  const jit::Layout& layout_;
  const records::LinePlan& plan_;
  std::vector<Decision> decisions_;  // every decision of the program, in order
};

}  // namespace proviso::api

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
#include <cstring>
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
    uint32_t key_at = 0;               // and where pieces_ holds it
    uint32_t members_at = 0;           // an enum's members: their JSON strings, pieces_ from here
    uint32_t members = 0;              // how many
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

  // The texts a line is made of (each decision's key, each enum member's JSON string), one after
  // another with kPad bytes after the last, so that each is copied in whole blocks of kPad
  // bytes: a fixed-size copy, where memcpy of a length known only at run time is a call.
  struct Piece {
    uint32_t at = 0;
    uint32_t size = 0;
  };
  static constexpr size_t kPad = 16;
  static constexpr uint32_t kNoPiece = UINT32_MAX;  // a member the plan has no string for
  uint32_t add_piece(std::string_view text);
  // Copies a piece in blocks of kPad bytes: up to kPad - 1 bytes past its end are written too,
  // into the room the line makes for what follows (write() adds kPad to every room it makes).
  [[gnu::always_inline]] char* put_piece(char* p, uint32_t index) const {
    const Piece& piece = pieces_[index];
    const char* s = texts_.data() + piece.at;
    std::memcpy(p, s, kPad);
    for (size_t i = kPad; i < piece.size; i += kPad) std::memcpy(p + i, s + i, kPad);
    return p + piece.size;
  }

  const jit::Layout& layout_;
  const records::LinePlan& plan_;
  std::vector<Decision> decisions_;  // every decision of the program, in order
  std::string texts_;
  std::vector<Piece> pieces_;
};

}  // namespace proviso::api

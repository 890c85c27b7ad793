// Internal to compiler/records: the fast path of JSON decoding. Most inputs of a stream look
// alike: one object, keys and strings without escapes, ASCII only. FastJson reads exactly
// that subset of JSON in one pass over the bytes, against the schema, and hands the values to
// the sink through the same put_scalar() as the general decoder (walker.h). Anything outside
// the subset, and anything wrong (a syntax error, an unknown, duplicate or missing field, a
// value wrong for its type, a limit reached, a value the sink refuses), is not an error here:
// decode() says no and the general decoder decodes the text again, with its checks, messages
// and paths. So an input FastJson accepts is valid JSON that the general decoder would decode
// to the same values, and every error comes from the general decoder.
#pragma once
#include <cstddef>
#include <string_view>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/ir/value_sink.h"
#include "compiler/records/walker.h"

namespace proviso::records::detail {

class FastJson {
 public:
  FastJson(const ir::Schema& schema, const std::vector<ir::InputDef>& inputs, const Limits& limits);

  // True when `text` (one JSON text, no byte order mark) is in the subset and every value went
  // to `sink`. False otherwise: `sink` is then half-written, and the general decoder, whose
  // first call is sink.begin(), must decode the text.
  bool decode(std::string_view text, ir::ValueSink& sink);

 private:
  struct Cursor {
    const char* p;
    const char* end;
  };
  bool value(Cursor& c, const ir::Type& t, ir::ValueSink::Slot out);
  bool record(Cursor& c, const ir::Type& t, ir::ValueSink::Slot out);
  bool list(Cursor& c, const ir::Type& t, ir::ValueSink::Slot out);
  bool scalar(const Scalar& s, const ir::Type& t, ir::ValueSink::Slot out);
  // An integer of at most 18 digits, or an enum member, read in place: 1 when taken, 0 when
  // the general reading below must decide, -1 when the text is not in the subset.
  int integer(Cursor& c, const ir::Type& t, ir::ValueSink::Slot out);
  int member(Cursor& c, const ir::Type& t, ir::ValueSink::Slot out);

  const ir::Schema& schema_;
  const std::vector<ir::InputDef>& inputs_;
  std::vector<ir::Type> required_;  // each input's type, required (what the sink is given)
  // Per record type, each field's name and per enum, each member's, in quotes ("tier"): what
  // the text holds when the name needs no escape (empty when it would).
  std::vector<std::vector<std::string>> quoted_fields_, quoted_members_;
  std::vector<std::string> quoted_inputs_;
  const Limits& limits_;
  ir::ValueSink* sink_ = nullptr;
  size_t values_ = 0;  // counted as the general decoder counts them (Limits::max_values)
  size_t depth_ = 0;   // names on the path (Limits::max_depth)
};

}  // namespace proviso::records::detail

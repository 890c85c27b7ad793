// Internal to compiler/records: the fast path of JSON decoding. Most inputs of a stream look
// alike: one object, keys and strings without escapes, ASCII only. FastJson reads exactly
// that subset of JSON in one pass over the bytes, against the schema, and hands the values to
// the sink: bools, integers, enum members and dates and datetimes of the usual lengths read
// where they stand (with the runtime's own parsers), any other scalar through the same
// put_scalar() as the general decoder (walker.h). Anything outside
// the subset, and anything wrong (a syntax error, an unknown, duplicate or missing field, a
// value wrong for its type, a limit reached, a value the sink refuses), is not an error here:
// decode() says no and the general decoder decodes the text again, with its checks, messages
// and paths. So an input FastJson accepts is valid JSON that the general decoder would decode
// to the same values, and every error comes from the general decoder.
//
// The reading itself is a template over the sink's type (fast_json_impl.h): decode() reads
// into any ir::ValueSink through its virtual calls, and decode_as<S>() into a sink of the
// final class S with every call to it bound, and inlined where S defines it in its header.
// The JIT's FlatSink is read that way (Decoder::decode_json_as).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
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
  bool decode(std::string_view text, ir::ValueSink& sink) const;
  // The same for a sink of a known type (defined in fast_json_impl.h).
  template <class Sink>
  bool decode_as(std::string_view text, Sink& sink) const;

 private:
  template <class Sink>
  friend class FastReader;

  const ir::Schema& schema_;
  const std::vector<ir::InputDef>& inputs_;
  std::vector<ir::Type> required_;  // each input's type, required (what the sink is given)
  // What the text holds when a name needs no escape (empty when it would), in quotes: per
  // record type, each field's name followed by a colon ("tier":, the form a writer without
  // spaces gives) and without it ("tier"); per enum, each member's ("Basic"); each input's.
  std::vector<std::vector<std::string>> keyed_fields_, quoted_fields_, quoted_members_;
  std::vector<std::string> quoted_inputs_;
  // Per enum, the member named by the first two letters of a quoted name (letters_index), or
  // -1, and each member's quoted name as two words and their masks (size 0 past 16 bytes: then
  // compared as a string); `letters` is empty for an enum two of whose members share an index
  // (its members are tried in turn).
  using Letters = std::vector<int16_t>;
  static size_t letters_index(char a, char b) {
    return (static_cast<unsigned char>(a) * 7u + static_cast<unsigned char>(b)) & 255u;
  }
  // A quoted name of at most 8 * W bytes as W words and their masks, compared with the text in
  // one pass without a branch per word (fast::masked_equal); size 0 when the name is longer or
  // needs escaping.
  template <size_t W>
  struct Words {
    uint64_t word[W] = {};
    uint64_t mask[W] = {};
    uint32_t size = 0;
    explicit Words(std::string_view quoted);
  };
  using Member = Words<2>;
  struct Enum {
    Letters letters;
    std::vector<Member> members;
  };
  std::vector<Enum> enums_;
  // Per record type, each field's keyed name ("tier":) as words: the names of a record differ
  // in length, so comparing them a word at a time would branch on a different count each time.
  // The same with the comma before it (,"tier":), read after a field's value in one comparison
  // with the separator.
  using Key = Words<4>;
  std::vector<std::vector<Key>> keys_, comma_keys_;
  std::vector<uint64_t> required_fields_;  // per record type (of at most 64 fields), a bit per required field
  const Limits& limits_;
};

}  // namespace proviso::records::detail

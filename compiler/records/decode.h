// Schema-driven decoding of evaluation inputs: one JSON (or YAML) object whose top-level keys
// are the policy's input names, checked field by field against the declared types and turned
// into interpreter values.
// Takes: the policy's schema and input declarations (kept by reference: they must outlive the
// Decoder) and the text of one input. Gives: one ir::Value per InputDef (a record or list, or
// none for an absent optional input), or the first error, naming the field path and what was
// expected (`case.severity: expected an integer from 1 to 3, got 7`).
// JSON forms: the README ("JSON forms of values") and compiler/records/forms.h.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/ir/value_sink.h"

namespace proviso::records {

namespace yaml {
class DocumentReader;
}

struct DecodeError {
  std::string path;     // "case.reported_at", "contacts[2].name"; "" for the whole input
  std::string message;  // "expected an RFC 3339 datetime, got \"2026-13-40\""
  // `path: message`, or the message alone when the path is empty.
  std::string to_string() const;
};

struct DecodeResult {
  std::vector<ir::Value> values;     // one per InputDef, when ok
  std::optional<DecodeError> error;  // the first problem found
  bool ok() const { return !error.has_value(); }
};

struct Limits {
  size_t max_depth = 64;               // nested records and lists
  size_t max_string_bytes = 1u << 20;  // 1 MiB per string
  size_t max_list_length = 100000;     // elements per list
  size_t max_input_bytes = 64u << 20;  // 64 MiB per evaluation input (JSON text, YAML document)
  size_t max_line_bytes = 16u << 20;   // 16 MiB per NDJSON line
  size_t max_values = 16u << 20;       // values decoded per input (YAML: aliases count each use)
  size_t max_alias_values = 1u << 20;  // values reached through YAML aliases, per document
};

// Builds interpreter values: one ir::Value per input (none when absent), keeping one list of
// fields or elements per nesting level being filled.
class TreeSink final : public ir::ValueSink {
 public:
  std::vector<ir::Value> values;

  void begin(size_t inputs) override {
    values.assign(inputs, ir::Value::none());
    level_ = 0;
  }
  Slot input(size_t index, const ir::Type&) override { return &values[index]; }
  void none(Slot slot, const ir::Type&) override { *static_cast<ir::Value*>(slot) = ir::Value::none(); }
  bool scalar(Slot slot, const ir::Type&, ir::Value&& value, std::string*) override {
    *static_cast<ir::Value*>(slot) = std::move(value);
    return true;
  }
  Nested begin_record(Slot, const ir::Type& type) override;
  Slot field(Nested& record, const ir::Type&, size_t index) override { return &lists_[record.level][index]; }
  void end_record(Slot slot, const ir::Type&, Nested& record, bool ok) override;
  Nested begin_list(Slot, const ir::Type&) override;
  Slot element(Nested& list, const ir::Type&) override { return &lists_[list.level].emplace_back(); }
  void end_list(Slot slot, const ir::Type&, Nested& list, bool ok) override;

  // The schema the record types refer to (begin_record sizes its fields from it).
  explicit TreeSink(const ir::Schema& schema) : schema_(schema) {}

 private:
  ir::ValueList& push();
  const ir::Schema& schema_;
  std::vector<ir::ValueList> lists_;  // one per nesting level being filled
  size_t level_ = 0;
};

// Runs `decode` (a decoding call given a sink) into a TreeSink: the values, or the error.
template <class Decode>
DecodeResult decode_values(const ir::Schema& schema, Decode&& decode) {
  TreeSink sink(schema);
  DecodeResult result;
  result.error = decode(sink);
  if (!result.error) result.values = std::move(sink.values);
  return result;
}

// Bytes that must be readable after the text for in-place JSON decoding.
inline constexpr size_t kJsonPadding = 64;

namespace detail {
class FastJson;  // fast_json.h
}

// Decodes inputs of one policy. Keeps its JSON parser and its buffers (JSON and YAML) between calls, so reuse one
// Decoder per thread; it is not thread-safe.
class Decoder {
 public:
  Decoder(const ir::Schema& schema, const std::vector<ir::InputDef>& inputs, Limits limits = {});
  explicit Decoder(const ir::Program& program) : Decoder(program.schema, program.inputs) {}
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // One JSON object. Copies the text into a padded buffer first.
  DecodeResult decode_json(std::string_view text);
  std::optional<DecodeError> decode_json(std::string_view text, ir::ValueSink& sink);
  // In place: [text.data(), text.data() + capacity) must be readable and
  // capacity >= text.size() + kJsonPadding.
  DecodeResult decode_json(std::string_view text, size_t capacity);
  // In place, into `sink` instead of ir::Values (compiler/ir/value_sink.h; the JIT decodes
  // straight into its flat frame this way): the first error, or nullopt. The same checks,
  // messages and paths as the other forms.
  std::optional<DecodeError> decode_json(std::string_view text, size_t capacity, ir::ValueSink& sink);
  // The same into a sink of the final class Sink, whose calls the fast path then makes bound
  // (inlined where Sink defines them in its header; the JIT's FlatSink). `capacity` as above,
  // or less: the text is then copied to be decoded in place. Defined in fast_json_impl.h.
  template <class Sink>
  std::optional<DecodeError> decode_json_as(std::string_view text, size_t capacity, Sink& sink);
  // Every document of a YAML stream, one result each, in order: the stream is cut into
  // documents first (YamlSplitter, yaml_stream.h), so a document that fails (invalid YAML,
  // too large) fails alone.
  std::vector<DecodeResult> decode_yaml(std::string_view text);
  // One document (YamlDocument::text) whose first line is line `first_line` of its stream:
  // positions in messages are stream positions. Read with libyaml's event parser into a tree
  // of its own, within limits_: nesting (flow brackets are counted before parsing), values,
  // values reached through aliases (counted without expanding them).
  DecodeResult decode_yaml_document(std::string_view text, size_t first_line = 1);
  std::optional<DecodeError> decode_yaml_document(std::string_view text, size_t first_line, ir::ValueSink& sink);

  const Limits& limits() const { return limits_; }
  // Whether decode_json first tries its fast path (fast_json.h), which reads the commonest
  // shape of input in one pass and leaves everything else to the general decoder. On by
  // default; off, every input takes the general decoder (the tests compare the two).
  void set_fast_path(bool on) { fast_path_ = on; }

 private:
  // decode_json after its fast path: `capacity` as for decode_json_as.
  std::optional<DecodeError> decode_json_general(std::string_view text, size_t capacity, ir::ValueSink& sink);
  // The general decoder on a padded text (capacity >= text.size() + kJsonPadding).
  std::optional<DecodeError> decode_json_in_place(std::string_view text, size_t capacity, ir::ValueSink& sink);

  struct Impl;
  const ir::Schema& schema_;
  const std::vector<ir::InputDef>& inputs_;
  Limits limits_;
  bool fast_path_ = true;
  std::unique_ptr<detail::FastJson> fast_;  // tried first; the general decoder when it says no
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<yaml::DocumentReader> yaml_;  // made on first use
};

// Checks a value built without decoding (a test's input, written in the policy) against the
// integer ranges of its declared type, as decoding checks JSON input: the first value outside
// its range, with its path (`contract.nodes`) and the decoder's message, or nullopt.
std::optional<DecodeError> check_ranges(const ir::Value& value, const ir::Type& type, const ir::Schema& schema,
                                        const std::string& path);

// One evaluation input found in an input file.
struct InputText {
  size_t line = 1;                   // 1-based line where it starts
  std::string_view text;             // the JSON text (a view into the file's buffer)
  std::optional<DecodeError> error;  // set when the line cannot be decoded at all (too long)
};

// Splits the text of a JSON input file: a single JSON object (possibly over several lines),
// or NDJSON (one object per non-empty line; a line longer than limits.max_line_bytes is an
// error for that line only). The text is one document when its first non-blank line is not
// a JSON value on its own but the whole text is; otherwise it is NDJSON.
std::vector<InputText> split_json_inputs(std::string_view text, const Limits& limits = {});

// A file's content with kJsonPadding readable bytes after it, for in-place decoding.
struct PaddedText {
  std::unique_ptr<char[]> data;
  size_t size = 0;
  std::string_view view() const { return {data.get(), size}; }
  // Capacity usable from `at` (a view into this text) to the end of the buffer.
  size_t capacity_from(const char* at) const { return size + kJsonPadding - static_cast<size_t>(at - data.get()); }
  static PaddedText copy_of(std::string_view text);
};

}  // namespace proviso::records

// JSON decoding with simdjson On Demand: one pass over the text, straight into values.
// Numbers are read from their raw tokens so decimals stay exact.
#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include <cstring>

#include "compiler/records/fast_json_impl.h"
#include "compiler/records/json_syntax.h"
#include "compiler/records/walker.h"
#include "compiler/records/yaml_tree.h"  // for ~Decoder

namespace proviso::records {

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

namespace {

using namespace simdjson;
using detail::NodeKind;

std::string simdjson_message(error_code e) {
  if (e == EMPTY) return "invalid JSON: the input is empty";
  std::string m = error_message(e);
  if (!m.empty() && m.back() == '.') m.pop_back();
  // "The JSON element..." -> "the JSON element...", but "JSON document ended early" keeps its
  // acronym: only a capital followed by a lower-case letter is lowered.
  if (m.size() > 1 && std::isupper(static_cast<unsigned char>(m[0])) && std::islower(static_cast<unsigned char>(m[1])))
    m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  return "invalid JSON: " + m;
}

// The message for text that simdjson refused: where the syntax goes wrong, when it does (a
// number too large for simdjson is valid JSON, and keeps simdjson's message).
std::string syntax_message(std::string_view text, error_code e) {
  if (auto bad = check_json_syntax(text)) return bad->to_string();
  return simdjson_message(e);
}

struct JsonSource {
  error_code error = SUCCESS;

  std::string syntax_error() const { return simdjson_message(error == SUCCESS ? TAPE_ERROR : error); }

  NodeKind kind(ondemand::value& v) {
    ondemand::json_type t;
    if (auto e = v.type().get(t)) {
      error = e;
      return NodeKind::Invalid;
    }
    switch (t) {
      case ondemand::json_type::array: return NodeKind::Array;
      case ondemand::json_type::object: return NodeKind::Object;
      case ondemand::json_type::number: return NodeKind::Number;
      case ondemand::json_type::string: return NodeKind::String;
      case ondemand::json_type::boolean: return NodeKind::Bool;
      case ondemand::json_type::null: return NodeKind::Null;
    }
    return NodeKind::Invalid;
  }
  bool null(ondemand::value& v) {
    bool n = false;
    if (auto e = v.is_null().get(n))
      error = e;
    else if (!n)
      error = N_ATOM_ERROR;
    return error == SUCCESS;
  }
  bool boolean(ondemand::value& v, bool& b) {
    if (auto e = v.get_bool().get(b)) {
      error = e;
      return false;
    }
    return true;
  }
  bool number(ondemand::value& v, std::string_view& s) {
    s = v.raw_json_token();
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
      s.remove_suffix(1);
    return true;
  }
  bool string(ondemand::value& v, std::string_view& s) {
    if (auto e = v.get_string().get(s)) {
      error = e;
      return false;
    }
    return true;
  }
  template <class F>
  bool iterate_object(ondemand::object& obj, F&& f) {
    for (auto fr : obj) {
      ondemand::field fld;
      if (auto e = std::move(fr).get(fld)) {
        error = e;
        return false;
      }
      // Keys are read in place: field names are plain identifiers, so only a key with an
      // escape needs unescaping (which copies it into the parser's string buffer).
      std::string_view key;
      const char* raw = reinterpret_cast<const char*>(fld.key().raw());
      const char* end = raw;
      while (*end != '"' && *end != '\\') ++end;
      if (*end == '"') {
        key = std::string_view(raw, static_cast<size_t>(end - raw));
      } else if (auto e = fld.unescaped_key().get(key)) {
        error = e;
        return false;
      }
      if (!f(key, fld.value())) return false;
    }
    return true;
  }
  template <class F>
  bool fields(ondemand::object& obj, F&& f) {
    return iterate_object(obj, f);
  }
  template <class F>
  bool fields(ondemand::value& v, F&& f) {
    ondemand::object obj;
    if (auto e = v.get_object().get(obj)) {
      error = e;
      return false;
    }
    return iterate_object(obj, f);
  }
  template <class F>
  bool elements(ondemand::value& v, F&& f) {
    ondemand::array arr;
    if (auto e = v.get_array().get(arr)) {
      error = e;
      return false;
    }
    for (auto er : arr) {
      ondemand::value item;
      if (auto e = std::move(er).get(item)) {
        error = e;
        return false;
      }
      if (!f(item)) return false;
    }
    return true;
  }
};

std::string input_names(const std::vector<ir::InputDef>& inputs) {
  std::string out;
  for (const auto& in : inputs) {
    if (!out.empty()) out += ", ";
    out += in.name;
  }
  return out;
}

const char* kind_noun(ondemand::json_type t) {
  switch (t) {
    case ondemand::json_type::array: return "a list";
    case ondemand::json_type::object: return "an object";
    case ondemand::json_type::number: return "a number";
    case ondemand::json_type::string: return "a string";
    case ondemand::json_type::boolean: return "a boolean";
    case ondemand::json_type::null: return "null";
  }
  return "a value";
}

}  // namespace

struct Decoder::Impl {
  ondemand::parser parser;
  PaddedText scratch;
  size_t scratch_capacity = 0;
};

Decoder::Decoder(const ir::Schema& schema, const std::vector<ir::InputDef>& inputs, Limits limits)
    : schema_(schema), inputs_(inputs), limits_(limits),
      fast_(std::make_unique<detail::FastJson>(schema, inputs, limits_)), impl_(std::make_unique<Impl>()) {}

Decoder::~Decoder() = default;

DecodeResult Decoder::decode_json(std::string_view text) {
  return decode_values(schema_, [&](ir::ValueSink& sink) { return decode_json(text, sink); });
}

std::optional<DecodeError> Decoder::decode_json(std::string_view text, ir::ValueSink& sink) {
  return decode_json_as(text, 0, sink);
}

std::optional<DecodeError> Decoder::decode_json_general(std::string_view text, size_t capacity, ir::ValueSink& sink) {
  if (capacity >= text.size() + kJsonPadding) return decode_json_in_place(text, capacity, sink);
  if (text.size() > limits_.max_input_bytes)
    return DecodeError{"", fmt::format("input larger than {} MiB", limits_.max_input_bytes >> 20)};
  if (impl_->scratch_capacity < text.size() + kJsonPadding) {
    impl_->scratch = PaddedText::copy_of(text);
    impl_->scratch_capacity = text.size() + kJsonPadding;
  } else {
    std::memcpy(impl_->scratch.data.get(), text.data(), text.size());
    std::memset(impl_->scratch.data.get() + text.size(), 0, kJsonPadding);
    impl_->scratch.size = text.size();
  }
  return decode_json_in_place(std::string_view(impl_->scratch.data.get(), text.size()), impl_->scratch_capacity, sink);
}

DecodeResult Decoder::decode_json(std::string_view text, size_t capacity) {
  return decode_values(schema_, [&](ir::ValueSink& sink) { return decode_json(text, capacity, sink); });
}

std::optional<DecodeError> Decoder::decode_json(std::string_view text, size_t capacity, ir::ValueSink& sink) {
  return decode_json_as(text, capacity, sink);
}

std::optional<DecodeError> Decoder::decode_json_in_place(std::string_view text, size_t capacity, ir::ValueSink& sink) {
  auto fail = [](std::string message) { return DecodeError{"", std::move(message)}; };
  if (text.size() > limits_.max_input_bytes)
    return fail(fmt::format("input larger than {} MiB", limits_.max_input_bytes >> 20));
  if (std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }))
    return fail("invalid JSON: the input is empty");

  // A UTF-8 byte order mark is not part of the text.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
    capacity -= 3;
  }

  ondemand::document doc;
  if (auto e = impl_->parser.iterate(text.data(), text.size(), capacity).get(doc)) return fail(syntax_message(text, e));
  ondemand::json_type t;
  if (auto e = doc.type().get(t)) return fail(syntax_message(text, e));
  if (t != ondemand::json_type::object) {
    if (auto bad = check_json_syntax(text)) return fail(bad->to_string());
    return fail(fmt::format("expected a JSON object with the inputs ({}), got {}", input_names(inputs_), kind_noun(t)));
  }
  ondemand::object root;
  if (auto e = doc.get_object().get(root)) return fail(syntax_message(text, e));

  JsonSource src;
  detail::Walker<JsonSource> w(src, schema_, limits_);
  std::optional<DecodeError> error = w.decode_inputs(root, inputs_, sink);
  if (error) {
    // On Demand reads only as far as the first problem; a syntax error anywhere in the text
    // is the better report, so check the whole text on this (rare) path. A syntax error met
    // while walking keeps the field path it was met at.
    if (auto bad = check_json_syntax(text)) {
      if (error->message.rfind("invalid JSON", 0) != 0) return fail(bad->to_string());
      error->message = bad->to_string();
    }
    return error;
  }
  // Anything after the object is an error ("{...} {...}" on one line).
  auto loc = doc.current_location();
  if (loc.error() != OUT_OF_BOUNDS) {
    if (auto bad = check_json_syntax(text)) return fail(bad->to_string());
    return fail("invalid JSON: unexpected text after the input object");
  }
  return std::nullopt;
}

std::vector<InputText> split_json_inputs(std::string_view text, const Limits& limits) {
  std::vector<InputText> out;
  auto is_blank_line = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
  };
  // Find the first non-blank line and decide between one document and NDJSON.
  size_t pos = 0, line = 1;
  std::string_view first;
  size_t first_line = 1;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view l = text.substr(pos, end - pos);
    if (!is_blank_line(l)) {
      first = l;
      first_line = line;
      break;
    }
    pos = end + 1;
    ++line;
  }
  if (first.empty()) return out;
  // One document when the first line is not a JSON value on its own but the whole text is
  // (a pretty-printed object); otherwise NDJSON, where a bad line is an error for that line.
  std::string_view rest = text.substr(static_cast<size_t>(first.data() - text.data()));
  bool ndjson = (first.size() <= limits.max_line_bytes && is_json(first)) || rest.size() > limits.max_input_bytes ||
                !is_json(rest);
  if (!ndjson) {
    InputText in;
    in.line = first_line;
    in.text = rest;
    out.push_back(in);
    return out;
  }
  pos = static_cast<size_t>(first.data() - text.data());
  line = first_line;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view l = text.substr(pos, end - pos);
    if (!is_blank_line(l)) {
      InputText in;
      in.line = line;
      in.text = l;
      if (l.size() > limits.max_line_bytes) {
        in.error = DecodeError{"", fmt::format("line {} is longer than {} MiB", line, limits.max_line_bytes >> 20)};
      }
      out.push_back(in);
    }
    pos = end + 1;
    ++line;
  }
  return out;
}

}  // namespace proviso::records

// Internal to compiler/records: the schema-driven walk shared by the JSON and YAML decoders.
// A Source adapter exposes one document's values; the walker checks them against ir::Types
// and hands them to an ir::ValueSink (records::TreeSink for ir::Values, or the JIT's flat frame).
//
// Adapter interface (Val is the adapter's value handle):
//   NodeKind kind(Val&)                           NodeKind::Invalid on a syntax error
//   bool null(Val&)                               validates a null token
//   bool boolean(Val&, bool&)
//   bool number(Val&, std::string_view&)          the number's text, validated by the walker
//   bool string(Val&, std::string_view&)          unescaped
//   bool fields(Val&, F)                          F(std::string_view key, Val&) -> bool
//   bool elements(Val&, F)                        F(Val&) -> bool
//   std::string syntax_error()                    after a false return not caused by F
#pragma once
#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <proviso/rt/time.h>

#include "compiler/ir/value_sink.h"
#include "compiler/records/decode.h"
#include "compiler/records/forms.h"

namespace proviso::records::detail {

enum class NodeKind { Invalid, Null, Bool, Number, String, Object, Array };

// "contacts[2].name": segments are schema names (stable storage) or list indices.
// Fixed capacity, no allocation: segments beyond kCapacity (only with a Limits::max_depth
// raised above it) are left out of the rendered path.
class Path {
 public:
  static constexpr size_t kCapacity = 96;
  void push(std::string_view name) { push_seg({name.data(), name.size(), kNoIndex}); }
  void push(size_t index) { push_seg({nullptr, 0, index}); }
  void pop() { --size_; }
  size_t depth() const { return size_; }
  std::string str() const;
  std::string with(std::string_view last) const;

 private:
  static constexpr size_t kNoIndex = static_cast<size_t>(-1);
  struct Seg {         // trivial, so that the array is not initialised for every input
    const char* name;  // when index == kNoIndex
    size_t name_size;
    size_t index;
  };
  void push_seg(Seg s) {
    if (size_ < kCapacity) segs_[size_] = s;
    ++size_;
  }
  std::array<Seg, kCapacity> segs_;
  size_t size_ = 0;
};

// Which fields of a record were seen: a bit mask for the usual small records.
class SeenSet {
 public:
  explicit SeenSet(size_t n) {
    if (n > 64) big_.assign(n, 0);
  }
  // Marks i; false when it was already marked.
  bool mark(size_t i) {
    if (!big_.empty()) {
      if (big_[i]) return false;
      big_[i] = 1;
      return true;
    }
    uint64_t bit = uint64_t{1} << i;
    if (small_ & bit) return false;
    small_ |= bit;
    return true;
  }
  bool has(size_t i) const { return big_.empty() ? (small_ >> i) & 1 : big_[i] != 0; }

 private:
  uint64_t small_ = 0;
  std::vector<char> big_;
};

// JSON-quoted, shortened text for "got ..." parts of messages.
std::string quote_for_message(std::string_view s);
// "an integer from 1 to 3", "one of Phone, Portal, Email", ...
std::string expected_description(const ir::Type& t, const ir::Schema& schema);

// Scalar decoders shared by both sources: given the scalar's kind and text, produce the value
// or the message after the path ("expected ..., got ...").
struct Scalar {
  NodeKind kind = NodeKind::Invalid;
  bool b = false;
  std::string_view text;  // Number: the token; String: the unescaped text
  std::string describe() const;
};
bool decode_scalar(const Scalar& s, const ir::Type& t, const ir::Schema& schema, ir::Value* out, std::string* message);

// The pieces of decode_scalar for the commonest types, which the walker hands to the sink
// without an ir::Value: true with the value when the scalar is one, false when decode_scalar
// is to say what is wrong.
inline bool integer_of(const Scalar& s, const ir::Type& t, int64_t* v) {
  if (s.kind != NodeKind::Number || !is_json_integer(s.text)) return false;
  const char* end = s.text.data() + s.text.size();
  auto [p, ec] = std::from_chars(s.text.data(), end, *v);
  return ec == std::errc() && p == end && !(t.lo && *v < *t.lo) && !(t.hi && *v > *t.hi);
}
inline bool enum_member_of(const Scalar& s, const ir::Type& t, const ir::Schema& schema, int32_t* m) {
  if (s.kind != NodeKind::String || t.id < 0 || static_cast<size_t>(t.id) >= schema.enums.size()) return false;
  *m = schema.enums[t.id].find(s.text);
  return *m >= 0;
}
// Money parsed (rt::parse_money) in the currency `t` may name.
inline bool in_currency(const rt::Money& m, const ir::Type& t) {
  return t.currency.empty() || rt::currency(m.currency).code == t.currency;
}

// Hands a scalar read from a document to the sink: a bool, integer or enum member that is right
// for `t` directly, anything else through decode_scalar. Invalid: the scalar is wrong for `t`
// (`message` says how, to follow the path); Refused: the sink cannot represent it (`message`).
// Every decoder of JSON takes scalars this way, so they agree on what a scalar means. `Sink`:
// ir::ValueSink, or a final sink class whose calls are then bound (fast_json_impl.h).
enum class Put { Ok, Invalid, Refused };
template <class Sink>
inline Put put_scalar(Sink& sink, const Scalar& s, const ir::Type& t, const ir::Schema& schema, ir::ValueSink::Slot out,
                      std::string* message) {
  bool direct = true, accepted = true;
  switch (t.kind) {
    case ir::TypeKind::Bool:
      direct = s.kind == NodeKind::Bool;
      if (direct) accepted = sink.boolean(out, t, s.b, message);
      break;
    case ir::TypeKind::Integer: {
      int64_t v = 0;
      direct = integer_of(s, t, &v);
      if (direct) accepted = sink.integer(out, t, v, message);
      break;
    }
    case ir::TypeKind::Enum: {
      int32_t m = 0;
      direct = enum_member_of(s, t, schema, &m);
      if (direct) accepted = sink.enumeration(out, t, m, message);
      break;
    }
    // What decode_scalar parses, parsed the same way; text it would refuse goes to it, for its
    // message.
    case ir::TypeKind::Date: {
      direct = false;
      if (s.kind != NodeKind::String) break;
      auto d = rt::parse_date(s.text);
      direct = d.ok();
      if (direct) accepted = sink.date(out, t, *d, message);
      break;
    }
    case ir::TypeKind::DateTime: {
      direct = false;
      if (s.kind != NodeKind::String) break;
      auto d = rt::parse_datetime(s.text);
      direct = d.ok();
      if (direct) accepted = sink.datetime(out, t, *d, message);
      break;
    }
    case ir::TypeKind::Money: {
      direct = false;
      if (s.kind != NodeKind::String) break;
      rt::Money m;
      direct = rt::quick_parse_money(s.text, &m) && in_currency(m, t);
      if (direct) accepted = sink.money(out, t, m, message);
      break;
    }
    default: direct = false;
  }
  if (!direct) {
    ir::Value value;
    if (!decode_scalar(s, t, schema, &value, message)) return Put::Invalid;
    accepted = sink.scalar(out, t, std::move(value), message);
  }
  return accepted ? Put::Ok : Put::Refused;
}

template <class Source>
class Walker {
 public:
  Walker(Source& src, const ir::Schema& schema, const Limits& limits) : src_(src), schema_(schema), limits_(limits) {}

  // The top-level object: keys are input names. The first error, or nullopt.
  template <class Val>
  std::optional<DecodeError> decode_inputs(Val& root, const std::vector<ir::InputDef>& inputs, ir::ValueSink& sink) {
    sink_ = &sink;
    sink.begin(inputs.size());
    SeenSet seen(inputs.size());
    bool ok = src_.fields(root, [&](std::string_view key, auto& child) {
      int idx = -1;
      for (size_t i = 0; i < inputs.size(); ++i)
        if (inputs[i].name == key) {
          idx = static_cast<int>(i);
          break;
        }
      if (idx < 0) return fail_named(key, "unknown input");
      if (!seen.mark(static_cast<size_t>(idx))) return fail_named(key, "duplicate input");
      const ir::InputDef& in = inputs[idx];
      path_.push(std::string_view(in.name));
      bool r;
      NodeKind k = src_.kind(child);
      if (k == NodeKind::Null) {
        r = src_.null(child) ? (in.optional || fail("missing required input")) : syntax();
      } else {
        ir::Type type = in.type.as_required();
        r = decode(child, type, sink.input(static_cast<size_t>(idx), type));
      }
      path_.pop();
      return r;
    });
    if (!ok && !error_) syntax();
    if (!error_) {
      for (size_t i = 0; i < inputs.size(); ++i) {
        if (!seen.has(i) && !inputs[i].optional) {
          fail_named(inputs[i].name, "missing required input");
          break;
        }
      }
    }
    if (!error_ && sink_error_) error_ = std::move(sink_error_);
    return std::move(error_);
  }

  bool failed() const { return error_.has_value(); }
  std::optional<DecodeError>& error() { return error_; }
  bool syntax() {
    if (!error_) error_ = DecodeError{path_.str(), src_.syntax_error()};
    return false;
  }

 private:
  bool fail(std::string message) {
    if (!error_) error_ = DecodeError{path_.str(), std::move(message)};
    return false;
  }
  bool fail_named(std::string_view last, std::string message) {
    if (!error_) error_ = DecodeError{path_.with(last), std::move(message)};
    return false;
  }

  template <class Val>
  bool read_scalar(Val& v, NodeKind k, Scalar* s) {
    s->kind = k;
    switch (k) {
      case NodeKind::Null: return src_.null(v) || syntax();
      case NodeKind::Bool: return src_.boolean(v, s->b) || syntax();
      case NodeKind::Number:
        if (!src_.number(v, s->text)) return syntax();
        if (!is_json_number(s->text)) return fail("invalid number " + quote_for_message(s->text));
        return true;
      case NodeKind::String:
        if (!src_.string(v, s->text)) return syntax();
        if (s->text.size() > limits_.max_string_bytes)
          return fail(fmt::format("string longer than {} bytes", limits_.max_string_bytes));
        return true;
      default: return true;
    }
  }

  std::string got(NodeKind k) {
    return k == NodeKind::Object ? "an object" : k == NodeKind::Array ? "a list" : "a value";
  }

  template <class Val>
  bool decode(Val& v, const ir::Type& t, ir::ValueSink::Slot out) {
    if (++values_ > limits_.max_values)
      return fail(fmt::format("input too large: more than {} values", limits_.max_values));
    NodeKind k = src_.kind(v);
    if (k == NodeKind::Invalid) return syntax();
    if (k == NodeKind::Null) {
      if (!src_.null(v)) return syntax();
      if (t.optional) {
        sink_->none(out, t);
        return true;
      }
      return fail("expected " + expected_description(t, schema_) + ", got null");
    }
    if (t.kind == ir::TypeKind::Record) {
      if (k != NodeKind::Object) return mismatch(v, k, t);
      return decode_record(v, t, out);
    }
    if (t.kind == ir::TypeKind::List) {
      if (k != NodeKind::Array) return mismatch(v, k, t);
      return decode_list(v, t, out);
    }
    if (k == NodeKind::Object || k == NodeKind::Array)
      return fail("expected " + expected_description(t, schema_) + ", got " + got(k));
    Scalar s;
    if (!read_scalar(v, k, &s)) return false;
    std::string message;
    switch (put_scalar(*sink_, s, t, schema_, out, &message)) {
      case Put::Ok: return true;
      case Put::Invalid: return fail(std::move(message));
      case Put::Refused: refused(std::move(message)); return true;
    }
    return true;
  }

  // The first value the sink could not represent is reported after the document's own errors.
  void refused(std::string message) {
    if (!sink_error_) sink_error_ = DecodeError{path_.str(), std::move(message)};
  }

  template <class Val>
  bool mismatch(Val& v, NodeKind k, const ir::Type& t) {
    std::string what;
    if (k == NodeKind::Object || k == NodeKind::Array) {
      what = got(k);
    } else {
      Scalar s;
      if (!read_scalar(v, k, &s)) return false;
      what = s.describe();
    }
    return fail("expected " + expected_description(t, schema_) + ", got " + what);
  }

  template <class Val>
  bool decode_record(Val& v, const ir::Type& t, ir::ValueSink::Slot out) {
    if (path_.depth() >= limits_.max_depth)
      return fail(fmt::format("nesting deeper than {} levels", limits_.max_depth));
    const ir::RecordDef& rd = schema_.records[static_cast<size_t>(t.id)];
    ir::ValueSink::Nested record = sink_->begin_record(out, t);
    bool ok = decode_fields(v, t, rd, record);
    sink_->end_record(out, t, record, ok);
    return ok;
  }

  template <class Val>
  bool decode_fields(Val& v, const ir::Type& t, const ir::RecordDef& rd, ir::ValueSink::Nested& record) {
    SeenSet seen(rd.fields.size());
    size_t next = 0;  // writers usually follow declaration order: try the next field first
    bool ok = src_.fields(v, [&](std::string_view key, auto& child) {
      int idx = next < rd.fields.size() && rd.fields[next].name == key ? static_cast<int>(next) : rd.find(key);
      next = static_cast<size_t>(idx) + 1;
      if (idx < 0) return fail_named(key, "unknown field");
      if (!seen.mark(static_cast<size_t>(idx))) return fail_named(key, "duplicate field");
      path_.push(std::string_view(rd.fields[idx].name));
      bool r = decode(child, rd.fields[idx].type, sink_->field(record, t, static_cast<size_t>(idx)));
      path_.pop();
      return r;
    });
    if (!ok) return error_ ? false : syntax();
    for (size_t i = 0; i < rd.fields.size(); ++i) {
      if (!seen.has(i) && !rd.fields[i].type.optional) return fail_named(rd.fields[i].name, "missing required field");
    }
    return true;
  }

  template <class Val>
  bool decode_list(Val& v, const ir::Type& t, ir::ValueSink::Slot out) {
    if (path_.depth() >= limits_.max_depth)
      return fail(fmt::format("nesting deeper than {} levels", limits_.max_depth));
    const ir::Type& elem = *t.elem;
    ir::ValueSink::Nested list = sink_->begin_list(out, t);
    size_t index = 0;
    bool ok = src_.elements(v, [&](auto& child) {
      if (index >= limits_.max_list_length)
        return fail(fmt::format("list longer than {} elements", limits_.max_list_length));
      path_.push(index);
      bool r = decode(child, elem, sink_->element(list, t));
      path_.pop();
      ++index;
      return r;
    });
    if (!ok && !error_) syntax();
    sink_->end_list(out, t, list, ok);
    return ok;
  }

  Source& src_;
  const ir::Schema& schema_;
  const Limits& limits_;
  ir::ValueSink* sink_ = nullptr;
  Path path_;
  std::optional<DecodeError> error_;
  std::optional<DecodeError> sink_error_;  // the first value the sink could not represent
  size_t values_ = 0;
};

}  // namespace proviso::records::detail

// Internal to compiler/records and its callers that decode into a sink of a known type: the
// reading of FastJson (fast_json.h), a template over the sink's type. Include it only where
// FastJson::decode_as or Decoder::decode_json_as is instantiated.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "compiler/records/decode.h"
#include "compiler/records/fast_json.h"

namespace proviso::records::detail {

namespace fast {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

[[gnu::always_inline]] inline void skip_space(const char*& p, const char* end) {
  while (p < end && is_space(*p)) ++p;
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

template <class Word>
[[gnu::always_inline]] inline Word load(const char* p) {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// A string's text between its quotes when it has no escape, no control character and no byte
// outside ASCII (so that it needs neither unescaping nor a UTF-8 check); `p` is at the opening
// quote and moves past the closing one.
inline bool plain_string(const char*& p, const char* end, std::string_view* text) {
  const char* start = ++p;
  for (; p < end; ++p) {
    auto u = static_cast<unsigned char>(*p);
    if (u == '"') {
      *text = std::string_view(start, static_cast<size_t>(p - start));
      ++p;
      return true;
    }
    if (u < 0x20 || u == '\\' || u >= 0x80) return false;
  }
  return false;
}

// Whether the text at `p` starts with `q` (at least 3 bytes: a quoted name): in words of 8 (or
// 4) bytes, the last word overlapping the one before it, since the names compared are short
// and a call to memcmp, or a loop over the last bytes, would cost more than the comparison.
[[gnu::always_inline]] inline bool at(const char* p, const char* end, const std::string& q) {
  const size_t n = q.size();
  if (n < 3 || static_cast<size_t>(end - p) < n) return false;
  const char* b = q.data();
  if (n < 4) return p[0] == b[0] && p[1] == b[1] && p[2] == b[2];
  if (n < 8) return load<uint32_t>(p) == load<uint32_t>(b) && load<uint32_t>(p + n - 4) == load<uint32_t>(b + n - 4);
  for (size_t i = 0; i + 8 < n; i += 8)
    if (load<uint64_t>(p + i) != load<uint64_t>(b + i)) return false;
  return load<uint64_t>(p + n - 8) == load<uint64_t>(b + n - 8);
}

// Whether the 8 * W bytes at `p` (all readable) are `word` where `mask` has ones: a quoted
// name and the bytes after it, every word compared with no branch between them.
template <size_t W>
[[gnu::always_inline]] inline bool masked_equal(const char* p, const uint64_t (&word)[W], const uint64_t (&mask)[W]) {
  uint64_t diff = 0;
  for (size_t i = 0; i < W; ++i) diff |= (load<uint64_t>(p + 8 * i) ^ word[i]) & mask[i];
  return diff == 0;
}

// Whether the text at `p` may follow a scalar: the end, a space, a comma or a closing bracket
// ("truex" and "12a" are not JSON).
[[gnu::always_inline]] inline bool ends_scalar(const char* p, const char* end) {
  return p == end || is_space(*p) || *p == ',' || *p == '}' || *p == ']';
}

// Reads `true`, `false` or `null` at `p` (the word of 4 or 5 letters the first byte announces).
template <size_t N>
[[gnu::always_inline]] inline bool literal(const char*& p, const char* end, const char (&word)[N]) {
  static_assert(N == 5 || N == 6);
  if (static_cast<size_t>(end - p) < N - 1 || load<uint32_t>(p + N - 5) != load<uint32_t>(word + N - 5) ||
      (N == 6 && *p != word[0]))
    return false;
  p += N - 1;
  return true;
}

}  // namespace fast

// One reading of one text by FastJson's tables into a sink of type Sink.
template <class Sink>
class FastReader {
 public:
  FastReader(const FastJson& f, Sink& sink) : f_(f), sink_(sink) {}
  bool decode(std::string_view text);

 private:
  using Slot = ir::ValueSink::Slot;
  struct Cursor {
    const char* p;
    const char* end;
  };
  // One value: counted (Limits::max_values), then read.
  bool value(Cursor& c, const ir::Type& t, Slot out) { return ++values_ <= max_values_ && uncounted(c, t, out); }
  bool uncounted(Cursor& c, const ir::Type& t, Slot out);
  // A bool, an integer or an enum member, read in place and inlined into the loops of records
  // and lists: 1 when taken, 0 when uncounted() must read the value, -1 when the text is not in
  // the subset. The value is counted already.
  [[gnu::always_inline]] int quick(Cursor& c, const ir::Type& t, Slot out);
  bool record(Cursor& c, const ir::Type& t, Slot out);
  // Whether the text at the cursor starts with a field's keyed name (`key` as words, `keyed`
  // as text for a long name or a short rest of the text).
  [[gnu::always_inline]] static bool keyed_at(const Cursor& c, const FastJson::Key& key, const std::string& keyed) {
    if (key.size != 0 && c.end - c.p >= static_cast<ptrdiff_t>(sizeof key.word))
      return fast::masked_equal(c.p, key.word, key.mask);
    return fast::at(c.p, c.end, keyed);
  }
  bool list(Cursor& c, const ir::Type& t, Slot out);
  bool scalar(const Scalar& s, const ir::Type& t, Slot out);
  // An integer of at most 18 digits, or an enum member, read in place: 1 when taken, 0 when
  // the general reading below must decide, -1 when the text is not in the subset.
  int integer(Cursor& c, const ir::Type& t, Slot out);
  int member(Cursor& c, const ir::Type& t, Slot out);
  // A date or datetime string of the commonest lengths, parsed in place (same protocol).
  int date_or_datetime(Cursor& c, const ir::Type& t, Slot out);

  const FastJson& f_;
  Sink& sink_;
  std::string message_;  // what a sink that refuses a value says (unused: the general decoder says it)
  const size_t max_values_ = f_.limits_.max_values;
  size_t values_ = 0;  // counted as the general decoder counts them (Limits::max_values)
  size_t depth_ = 0;   // names on the path (Limits::max_depth)
};

template <class Sink>
int FastReader<Sink>::integer(Cursor& c, const ir::Type& t, Slot out) {
  using fast::is_digit;
  const char* q = c.p;
  bool negative = q < c.end && *q == '-';
  if (negative) ++q;
  if (q == c.end || !is_digit(*q) || (*q == '0' && q + 1 < c.end && is_digit(q[1]))) return 0;
  int64_t v = 0;
  int digits = 0;
  for (; q < c.end && is_digit(*q); ++q) {
    if (++digits > 18) return 0;
    v = v * 10 + (*q - '0');
  }
  if (q < c.end && (*q == '.' || *q == 'e' || *q == 'E')) return 0;
  if (negative) v = -v;
  if ((t.lo && v < *t.lo) || (t.hi && v > *t.hi)) return -1;
  c.p = q;
  return sink_.integer(out, t, v, &message_) ? 1 : -1;
}

template <class Sink>
int FastReader<Sink>::member(Cursor& c, const ir::Type& t, Slot out) {
  if (t.id < 0 || static_cast<size_t>(t.id) >= f_.quoted_members_.size()) return 0;
  const std::vector<std::string>& members = f_.quoted_members_[static_cast<size_t>(t.id)];
  // The member its first two letters name, when they name one (FastJson::enums_), compared in
  // two masked words when 16 bytes are left to read.
  const FastJson::Enum& e = f_.enums_[static_cast<size_t>(t.id)];
  if (!e.letters.empty() && c.end - c.p >= 3) {
    int m = e.letters[FastJson::letters_index(c.p[1], c.p[2])];
    if (m < 0) return 0;
    const FastJson::Member& k = e.members[static_cast<size_t>(m)];
    if (k.size != 0 && c.end - c.p >= 16) {
      if (!fast::masked_equal(c.p, k.word, k.mask)) return 0;
      c.p += k.size;
    } else {
      if (!fast::at(c.p, c.end, members[static_cast<size_t>(m)])) return 0;
      c.p += members[static_cast<size_t>(m)].size();
    }
    return sink_.enumeration(out, t, m, &message_) ? 1 : -1;
  }
  for (size_t m = 0; m < members.size(); ++m) {
    if (!fast::at(c.p, c.end, members[m])) continue;
    c.p += members[m].size();
    return sink_.enumeration(out, t, static_cast<int32_t>(m), &message_) ? 1 : -1;
  }
  return 0;
}

template <class Sink>
bool FastReader<Sink>::decode(std::string_view text) {
  using fast::skip_space;
  const std::vector<ir::InputDef>& inputs = f_.inputs_;
  if (inputs.size() > 64) return false;
  Cursor c{text.data(), text.data() + text.size()};
  sink_.begin(inputs.size());
  skip_space(c.p, c.end);
  if (c.p == c.end || *c.p != '{') return false;
  ++c.p;
  uint64_t seen = 0;
  skip_space(c.p, c.end);
  if (c.p < c.end && *c.p == '}') {
    ++c.p;
  } else {
    while (true) {
      size_t idx = 0;
      while (idx < inputs.size() && !fast::at(c.p, c.end, f_.quoted_inputs_[idx])) ++idx;
      if (idx == inputs.size()) return false;  // not an input, or its name is escaped
      c.p += f_.quoted_inputs_[idx].size();
      if (seen >> idx & 1) return false;
      seen |= uint64_t{1} << idx;
      skip_space(c.p, c.end);
      if (c.p == c.end || *c.p != ':') return false;
      ++c.p;
      skip_space(c.p, c.end);
      if (c.p < c.end && *c.p == 'n') {
        // null: an absent optional input, which the sink is not told of.
        if (!fast::literal(c.p, c.end, "null") || !inputs[idx].optional) return false;
      } else {
        depth_ = 1;
        const ir::Type& t = f_.required_[idx];
        if (!value(c, t, sink_.input(idx, t))) return false;
        depth_ = 0;
      }
      skip_space(c.p, c.end);
      if (c.p == c.end) return false;
      if (*c.p == '}') {
        ++c.p;
        break;
      }
      if (*c.p != ',') return false;
      ++c.p;
      skip_space(c.p, c.end);
    }
  }
  skip_space(c.p, c.end);
  if (c.p != c.end) return false;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!(seen >> i & 1) && !inputs[i].optional) return false;
  return true;
}

template <class Sink>
[[gnu::always_inline]] inline int FastReader<Sink>::quick(Cursor& c, const ir::Type& t, Slot out) {
  int taken = 0;
  switch (t.kind) {
    case ir::TypeKind::Bool: {
      // `true` or `false` with no branch on which: random bools are not predicted.
      if (c.end - c.p < 5) return 0;
      const uint32_t w = fast::load<uint32_t>(c.p);
      const bool is_true = w == fast::load<uint32_t>("true");
      const bool is_false = (w == fast::load<uint32_t>("fals")) & (c.p[4] == 'e');
      if (!(is_true | is_false)) return 0;
      c.p += 5 - static_cast<int>(is_true);
      taken = sink_.boolean(out, t, is_true, &message_) ? 1 : -1;
      break;
    }
    case ir::TypeKind::Integer: taken = c.p < c.end ? integer(c, t, out) : 0; break;
    case ir::TypeKind::Enum: taken = c.p < c.end && *c.p == '"' ? member(c, t, out) : 0; break;
    case ir::TypeKind::Date:
    case ir::TypeKind::DateTime: taken = c.p < c.end && *c.p == '"' ? date_or_datetime(c, t, out) : 0; break;
    default: return 0;
  }
  if (taken != 0 && !fast::ends_scalar(c.p, c.end)) return -1;
  return taken;
}

template <class Sink>
int FastReader<Sink>::date_or_datetime(Cursor& c, const ir::Type& t, Slot out) {
  // The commonest lengths: a date of 10 characters, a datetime of 20 (a Z) or 25 (an offset).
  // Where the closing quote of one stands, the text between is parsed where it stands
  // (rt::quick_parse_date, rt::quick_parse_datetime): text they accept holds nothing to
  // escape, so it is what the string holds; anything else goes to the general reading.
  const size_t left = static_cast<size_t>(c.end - c.p);
  size_t n = 0;
  if (t.kind == ir::TypeKind::Date) {
    if (left > 11 && c.p[11] == '"') n = 10;
  } else if (left > 21 && c.p[21] == '"') {
    n = 20;
  } else if (left > 26 && c.p[26] == '"') {
    n = 25;
  }
  if (n == 0 || n > f_.limits_.max_string_bytes) return 0;
  const std::string_view text(c.p + 1, n);
  if (t.kind == ir::TypeKind::Date) {
    rt::Date d;
    if (!rt::quick_parse_date(text, &d)) return 0;
    c.p += n + 2;
    return sink_.date(out, t, d, &message_) ? 1 : -1;
  }
  rt::Instant d;
  if (!rt::quick_parse_datetime(text, &d)) return 0;
  c.p += n + 2;
  return sink_.datetime(out, t, d, &message_) ? 1 : -1;
}

template <class Sink>
bool FastReader<Sink>::uncounted(Cursor& c, const ir::Type& t, Slot out) {
  using fast::ends_scalar;
  using fast::literal;
  if (c.p == c.end) return false;
  Scalar s;
  // The commonest scalars first, read in place.
  if (int taken = quick(c, t, out)) return taken > 0;
  switch (*c.p) {
    case '{': return t.kind == ir::TypeKind::Record && record(c, t, out);
    case '[': return t.kind == ir::TypeKind::List && list(c, t, out);
    case '"':
      s.kind = NodeKind::String;
      if (!fast::plain_string(c.p, c.end, &s.text) || s.text.size() > f_.limits_.max_string_bytes) return false;
      break;
    case 't':
    case 'f':
      s.kind = NodeKind::Bool;
      s.b = *c.p == 't';
      if (!(s.b ? literal(c.p, c.end, "true") : literal(c.p, c.end, "false"))) return false;
      break;
    case 'n':
      if (!literal(c.p, c.end, "null") || !t.optional) return false;
      sink_.none(out, t);
      return true;
    default: {
      // A number: its token, checked by the JSON grammar as the general decoder checks it.
      const char* start = c.p;
      while (c.p < c.end &&
             ((*c.p >= '0' && *c.p <= '9') || *c.p == '-' || *c.p == '+' || *c.p == '.' || *c.p == 'e' || *c.p == 'E'))
        ++c.p;
      s.kind = NodeKind::Number;
      s.text = std::string_view(start, static_cast<size_t>(c.p - start));
      if (s.text.empty() || !is_json_number(s.text)) return false;
    }
  }
  if (!ends_scalar(c.p, c.end)) return false;
  if (t.kind == ir::TypeKind::Record || t.kind == ir::TypeKind::List) return false;
  return scalar(s, t, out);
}

template <class Sink>
bool FastReader<Sink>::scalar(const Scalar& s, const ir::Type& t, Slot out) {
  return put_scalar(sink_, s, t, f_.schema_, out, &message_) == Put::Ok;
}

template <class Sink>
bool FastReader<Sink>::record(Cursor& c, const ir::Type& t, Slot out) {
  using fast::at;
  using fast::skip_space;
  if (depth_ >= f_.limits_.max_depth) return false;
  const ir::RecordDef& rd = f_.schema_.records[static_cast<size_t>(t.id)];
  if (rd.fields.size() > 64) return false;
  ir::ValueSink::Nested nested = sink_.begin_record(out, t);
  auto done = [&](bool ok) {
    sink_.end_record(out, t, nested, ok);
    return ok;
  };
  const std::vector<std::string>& keyed = f_.keyed_fields_[static_cast<size_t>(t.id)];
  const std::vector<FastJson::Key>& keys = f_.keys_[static_cast<size_t>(t.id)];
  const std::vector<FastJson::Key>& comma_keys = f_.comma_keys_[static_cast<size_t>(t.id)];
  const std::vector<std::string>& names = f_.quoted_fields_[static_cast<size_t>(t.id)];
  ++c.p;  // {
  uint64_t seen = 0;
  size_t next = 0;  // writers usually follow declaration order: try the next field first
  skip_space(c.p, c.end);
  if (c.p < c.end && *c.p == '}') {
    ++c.p;
  } else {
    int idx = -1;  // the field whose key the text after a value gave, with its comma
    while (true) {
      if (idx >= 0) {
        // The key was read with the comma before it, after the last value (below).
      } else if (next < keyed.size() &&
                 keyed_at(c, keys[next], keyed[next])) {  // "name": as a writer without spaces gives it
        idx = static_cast<int>(next);
        c.p += keyed[next].size();
        if (seen >> idx & 1) return done(false);
      } else {
        if (next < names.size() && at(c.p, c.end, names[next])) {
          idx = static_cast<int>(next);
          c.p += names[next].size();
        } else {
          std::string_view key;
          if (c.p == c.end || *c.p != '"' || !fast::plain_string(c.p, c.end, &key)) return done(false);
          idx = rd.find(key);
        }
        if (idx < 0 || (seen >> idx & 1)) return done(false);
        skip_space(c.p, c.end);
        if (c.p == c.end || *c.p != ':') return done(false);
        ++c.p;
      }
      seen |= uint64_t{1} << idx;
      next = static_cast<size_t>(idx) + 1;
      skip_space(c.p, c.end);
      const ir::Type& ft = rd.fields[static_cast<size_t>(idx)].type;
      Slot slot = sink_.field(nested, t, static_cast<size_t>(idx));
      if (++values_ > max_values_) return done(false);
      int taken = quick(c, ft, slot);
      if (taken < 0) return done(false);
      if (taken == 0) {
        ++depth_;
        bool ok = uncounted(c, ft, slot);
        --depth_;
        if (!ok) return done(false);
      }
      // The separator and the next key in one comparison (,"name": as a writer without spaces
      // gives them): no look at the bytes between the value and the key one at a time, each
      // of which would wait for the one before.
      idx = -1;
      if (next < comma_keys.size()) {
        const FastJson::Key& k = comma_keys[next];
        if (k.size != 0 && c.end - c.p >= static_cast<ptrdiff_t>(sizeof k.word) &&
            fast::masked_equal(c.p, k.word, k.mask)) {
          idx = static_cast<int>(next);
          c.p += k.size;
          if (seen >> idx & 1) return done(false);
          continue;
        }
      }
      skip_space(c.p, c.end);
      if (c.p == c.end) return done(false);
      if (*c.p == '}') {
        ++c.p;
        break;
      }
      if (*c.p != ',') return done(false);
      ++c.p;
      skip_space(c.p, c.end);
    }
  }
  const uint64_t required = f_.required_fields_[static_cast<size_t>(t.id)];
  return done((seen & required) == required);
}

template <class Sink>
bool FastReader<Sink>::list(Cursor& c, const ir::Type& t, Slot out) {
  using fast::skip_space;
  if (depth_ >= f_.limits_.max_depth) return false;
  const ir::Type& elem = *t.elem;
  ir::ValueSink::Nested nested = sink_.begin_list(out, t);
  auto done = [&](bool ok) {
    sink_.end_list(out, t, nested, ok);
    return ok;
  };
  ++c.p;  // [
  skip_space(c.p, c.end);
  if (c.p < c.end && *c.p == ']') {
    ++c.p;
    return done(true);
  }
  for (size_t index = 0;; ++index) {
    if (index >= f_.limits_.max_list_length) return done(false);
    ++depth_;
    bool ok = value(c, elem, sink_.element(nested, t));
    --depth_;
    if (!ok) return done(false);
    skip_space(c.p, c.end);
    if (c.p == c.end) return done(false);
    if (*c.p == ']') {
      ++c.p;
      return done(true);
    }
    if (*c.p != ',') return done(false);
    ++c.p;
    skip_space(c.p, c.end);
  }
}

template <class Sink>
bool FastJson::decode_as(std::string_view text, Sink& sink) const {
  return FastReader<Sink>(*this, sink).decode(text);
}

}  // namespace proviso::records::detail

namespace proviso::records {

template <class Sink>
std::optional<DecodeError> Decoder::decode_json_as(std::string_view text, size_t capacity, Sink& sink) {
  if (fast_path_ && text.size() <= limits_.max_input_bytes && fast_->decode_as(text, sink)) return std::nullopt;
  return decode_json_general(text, capacity, sink);
}

}  // namespace proviso::records

#include "compiler/records/fast_json.h"

#include <cstring>

namespace proviso::records::detail {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void skip_space(const char*& p, const char* end) {
  while (p < end && is_space(*p)) ++p;
}

// A string's text between its quotes when it has no escape, no control character and no byte
// outside ASCII (so that it needs neither unescaping nor a UTF-8 check); `p` is at the opening
// quote and moves past the closing one.
bool plain_string(const char*& p, const char* end, std::string_view* text) {
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

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Whether `name` is written in a JSON string as it is: no quote, backslash, control character
// or byte outside ASCII.
bool plain_name(std::string_view name) {
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == '"' || u == '\\' || u >= 0x80) return false;
  }
  return true;
}

std::string quoted(std::string_view name) { return plain_name(name) ? "\"" + std::string(name) + "\"" : ""; }

// Whether the text at `p` starts with `q` (not empty): eight bytes at a time, since the names
// compared are short and a call to memcmp would cost more than the comparison.
[[gnu::always_inline]] inline bool at(const char* p, const char* end, const std::string& q) {
  size_t n = q.size();
  if (n == 0 || static_cast<size_t>(end - p) < n) return false;
  const char* b = q.data();
  for (; n >= 8; n -= 8, p += 8, b += 8) {
    uint64_t x = 0, y = 0;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
  }
  for (; n > 0; --n)
    if (*p++ != *b++) return false;
  return true;
}

// Whether the text at `p` may follow a scalar: the end, a space, a comma or a closing bracket
// ("truex" and "12a" are not JSON).
bool ends_scalar(const char* p, const char* end) {
  return p == end || is_space(*p) || *p == ',' || *p == '}' || *p == ']';
}

bool literal(const char*& p, const char* end, std::string_view word) {
  if (static_cast<size_t>(end - p) < word.size() || std::memcmp(p, word.data(), word.size()) != 0) return false;
  p += word.size();
  return true;
}

}  // namespace

FastJson::FastJson(const ir::Schema& schema, const std::vector<ir::InputDef>& inputs, const Limits& limits)
    : schema_(schema), inputs_(inputs), limits_(limits) {
  required_.reserve(inputs.size());
  for (const ir::InputDef& in : inputs) {
    required_.push_back(in.type.as_required());
    quoted_inputs_.push_back(quoted(in.name));
  }
  for (const ir::RecordDef& rd : schema.records) {
    quoted_fields_.emplace_back();
    for (const ir::FieldDef& f : rd.fields) quoted_fields_.back().push_back(quoted(f.name));
  }
  for (const ir::EnumDef& ed : schema.enums) {
    quoted_members_.emplace_back();
    for (const std::string& m : ed.members) quoted_members_.back().push_back(quoted(m));
  }
}

int FastJson::integer(Cursor& c, const ir::Type& t, ir::ValueSink::Slot out) {
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
  std::string message;
  return sink_->integer(out, t, v, &message) ? 1 : -1;
}

int FastJson::member(Cursor& c, const ir::Type& t, ir::ValueSink::Slot out) {
  if (t.id < 0 || static_cast<size_t>(t.id) >= quoted_members_.size()) return 0;
  const std::vector<std::string>& members = quoted_members_[static_cast<size_t>(t.id)];
  for (size_t m = 0; m < members.size(); ++m) {
    if (!at(c.p, c.end, members[m])) continue;
    c.p += members[m].size();
    std::string message;
    return sink_->enumeration(out, t, static_cast<int32_t>(m), &message) ? 1 : -1;
  }
  return 0;
}

bool FastJson::decode(std::string_view text, ir::ValueSink& sink) {
  if (inputs_.size() > 64) return false;
  Cursor c{text.data(), text.data() + text.size()};
  sink_ = &sink;
  values_ = 0;
  depth_ = 0;
  sink.begin(inputs_.size());
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
      while (idx < inputs_.size() && !at(c.p, c.end, quoted_inputs_[idx])) ++idx;
      if (idx == inputs_.size()) return false;  // not an input, or its name is escaped
      c.p += quoted_inputs_[idx].size();
      if (seen >> idx & 1) return false;
      seen |= uint64_t{1} << idx;
      skip_space(c.p, c.end);
      if (c.p == c.end || *c.p != ':') return false;
      ++c.p;
      skip_space(c.p, c.end);
      if (c.p < c.end && *c.p == 'n') {
        // null: an absent optional input, which the sink is not told of.
        if (!literal(c.p, c.end, "null") || !inputs_[idx].optional) return false;
      } else {
        depth_ = 1;
        if (!value(c, required_[idx], sink.input(idx, required_[idx]))) return false;
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
  for (size_t i = 0; i < inputs_.size(); ++i)
    if (!(seen >> i & 1) && !inputs_[i].optional) return false;
  return true;
}

bool FastJson::value(Cursor& c, const ir::Type& t, ir::ValueSink::Slot out) {
  if (++values_ > limits_.max_values || c.p == c.end) return false;
  Scalar s;
  // The commonest scalars first, read in place.
  if (t.kind == ir::TypeKind::Bool && (*c.p == 't' || *c.p == 'f')) {
    bool b = *c.p == 't';
    std::string message;
    return literal(c.p, c.end, b ? "true" : "false") && ends_scalar(c.p, c.end) && sink_->boolean(out, t, b, &message);
  }
  if (t.kind == ir::TypeKind::Integer || t.kind == ir::TypeKind::Enum) {
    int taken = t.kind == ir::TypeKind::Integer ? integer(c, t, out) : *c.p == '"' ? member(c, t, out) : 0;
    if (taken != 0) return taken > 0 && ends_scalar(c.p, c.end);
  }
  switch (*c.p) {
    case '{': return t.kind == ir::TypeKind::Record && record(c, t, out);
    case '[': return t.kind == ir::TypeKind::List && list(c, t, out);
    case '"':
      s.kind = NodeKind::String;
      if (!plain_string(c.p, c.end, &s.text) || s.text.size() > limits_.max_string_bytes) return false;
      break;
    case 't':
    case 'f':
      s.kind = NodeKind::Bool;
      s.b = *c.p == 't';
      if (!literal(c.p, c.end, s.b ? "true" : "false")) return false;
      break;
    case 'n':
      if (!literal(c.p, c.end, "null") || !t.optional) return false;
      sink_->none(out, t);
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

bool FastJson::scalar(const Scalar& s, const ir::Type& t, ir::ValueSink::Slot out) {
  std::string message;
  return put_scalar(*sink_, s, t, schema_, out, &message) == Put::Ok;
}

bool FastJson::record(Cursor& c, const ir::Type& t, ir::ValueSink::Slot out) {
  if (depth_ >= limits_.max_depth) return false;
  const ir::RecordDef& rd = schema_.records[static_cast<size_t>(t.id)];
  if (rd.fields.size() > 64) return false;
  ir::ValueSink::Nested nested = sink_->begin_record(out, t);
  auto done = [&](bool ok) {
    sink_->end_record(out, t, nested, ok);
    return ok;
  };
  ++c.p;  // {
  uint64_t seen = 0;
  size_t next = 0;  // writers usually follow declaration order: try the next field first
  skip_space(c.p, c.end);
  if (c.p < c.end && *c.p == '}') {
    ++c.p;
  } else {
    while (true) {
      int idx = -1;
      const std::vector<std::string>& names = quoted_fields_[static_cast<size_t>(t.id)];
      if (next < names.size() && at(c.p, c.end, names[next])) {
        idx = static_cast<int>(next);
        c.p += names[next].size();
      } else {
        std::string_view key;
        if (c.p == c.end || *c.p != '"' || !plain_string(c.p, c.end, &key)) return done(false);
        idx = rd.find(key);
      }
      if (idx < 0 || (seen >> idx & 1)) return done(false);
      seen |= uint64_t{1} << idx;
      next = static_cast<size_t>(idx) + 1;
      skip_space(c.p, c.end);
      if (c.p == c.end || *c.p != ':') return done(false);
      ++c.p;
      skip_space(c.p, c.end);
      const ir::Type& ft = rd.fields[static_cast<size_t>(idx)].type;
      ++depth_;
      bool ok = value(c, ft, sink_->field(nested, t, static_cast<size_t>(idx)));
      --depth_;
      if (!ok) return done(false);
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
  for (size_t i = 0; i < rd.fields.size(); ++i)
    if (!(seen >> i & 1) && !rd.fields[i].type.optional) return done(false);
  return done(true);
}

bool FastJson::list(Cursor& c, const ir::Type& t, ir::ValueSink::Slot out) {
  if (depth_ >= limits_.max_depth) return false;
  const ir::Type& elem = *t.elem;
  ir::ValueSink::Nested nested = sink_->begin_list(out, t);
  auto done = [&](bool ok) {
    sink_->end_list(out, t, nested, ok);
    return ok;
  };
  ++c.p;  // [
  skip_space(c.p, c.end);
  if (c.p < c.end && *c.p == ']') {
    ++c.p;
    return done(true);
  }
  for (size_t index = 0;; ++index) {
    if (index >= limits_.max_list_length) return done(false);
    ++depth_;
    bool ok = value(c, elem, sink_->element(nested, t));
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

}  // namespace proviso::records::detail

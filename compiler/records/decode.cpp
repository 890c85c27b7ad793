// Scalar decoding and error wording shared by the JSON and YAML decoders.
#include <cctype>
#include <cstring>

#include "compiler/records/walker.h"

namespace proviso::records {

std::string DecodeError::to_string() const { return path.empty() ? message : path + ": " + message; }

PaddedText PaddedText::copy_of(std::string_view text) {
  PaddedText p;
  p.data = std::make_unique<char[]>(text.size() + kJsonPadding);
  if (!text.empty()) std::memcpy(p.data.get(), text.data(), text.size());
  std::memset(p.data.get() + text.size(), 0, kJsonPadding);
  p.size = text.size();
  return p;
}

namespace detail {

std::string Path::str() const {
  std::string out;
  for (size_t i = 0; i < size_ && i < kCapacity; ++i) {
    const Seg& s = segs_[i];
    if (s.index == kNoIndex) {
      if (!out.empty()) out += '.';
      out.append(s.name, s.name_size);
    } else {
      out += '[';
      out += std::to_string(s.index);
      out += ']';
    }
  }
  return out;
}

std::string Path::with(std::string_view last) const {
  std::string out = str();
  if (!out.empty()) out += '.';
  // Keys come from the input and may be anything: keep the path printable and short.
  if (last.size() > 64) {
    out += last.substr(0, 61);
    out += "...";
  } else {
    out += last;
  }
  return out;
}

std::string quote_for_message(std::string_view s) {
  std::string out = "\"";
  size_t n = 0;
  for (char c : s) {
    if (++n > 60) {
      out += "...";
      break;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        else
          out += c;
    }
  }
  out += '"';
  return out;
}

std::string Scalar::describe() const {
  switch (kind) {
    case NodeKind::Null: return "null";
    case NodeKind::Bool: return b ? "true" : "false";
    case NodeKind::Number: return text.size() > 60 ? std::string(text.substr(0, 60)) + "..." : std::string(text);
    case NodeKind::String: return quote_for_message(text);
    case NodeKind::Object: return "an object";
    case NodeKind::Array: return "a list";
    default: return "an invalid value";
  }
}

std::string expected_description(const ir::Type& t, const ir::Schema& schema) {
  using K = ir::TypeKind;
  switch (t.kind) {
    case K::Bool: return "true or false";
    case K::Integer: return ir::integer_expected(t);
    case K::Decimal: return "a decimal number";
    case K::Money:
      return t.currency.empty() ? "an amount with its currency (\"1234.50 USD\")"
                                : fmt::format("an amount in {} (\"1234.50 {}\")", t.currency, t.currency);
    case K::Percent: return "a percentage (\"25%\" or 25)";
    case K::Date: return "a date (YYYY-MM-DD)";
    case K::DateTime: return "an RFC 3339 datetime";
    case K::Duration: return "an ISO 8601 duration (\"PT4H\")";
    case K::BusinessDuration: return "a business duration (\"4 business hours\")";
    case K::Period: return "an ISO 8601 period (\"P12M\")";
    case K::Text: return "a string";
    case K::Zone: return "an IANA time zone name";
    case K::Enum: {
      std::string out = "one of ";
      if (t.id >= 0 && static_cast<size_t>(t.id) < schema.enums.size()) {
        const auto& members = schema.enums[t.id].members;
        for (size_t i = 0; i < members.size(); ++i) {
          if (i) out += ", ";
          out += members[i];
        }
      }
      return out;
    }
    case K::Record: return "an object";
    case K::List: return "a list";
    default: return "a value of type " + ir::to_string(t.as_required(), schema);
  }
}

namespace {

// `12`, `-0.5`: the form of a decimal, whatever its size.
bool is_plain_decimal(std::string_view text) {
  size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  size_t digits_before = 0, digits_after = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits_before;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits_after;
    if (digits_after == 0) return false;
  }
  return i == text.size() && digits_before > 0;
}

bool expect_fail(const Scalar& s, const ir::Type& t, const ir::Schema& schema, std::string* message) {
  *message = "expected " + expected_description(t, schema) + ", got " + s.describe();
  return false;
}

}  // namespace

bool decode_scalar(const Scalar& s, const ir::Type& t, const ir::Schema& schema, ir::Value* out, std::string* message) {
  using K = ir::TypeKind;
  auto bad = [&] { return expect_fail(s, t, schema, message); };
  switch (t.kind) {
    case K::Bool:
      if (s.kind != NodeKind::Bool) return bad();
      *out = ir::Value(s.b);
      return true;

    case K::Integer: {
      int64_t v = 0;
      if (integer_of(s, t, &v)) {
        *out = ir::Value(v);
        return true;
      }
      if (s.kind != NodeKind::Number || !is_json_integer(s.text)) return bad();
      auto [p, ec] = std::from_chars(s.text.data(), s.text.data() + s.text.size(), v);
      if (ec != std::errc() || p != s.text.data() + s.text.size()) {
        *message = "the number " + s.describe() +
                   " is out of range: integers are from -9223372036854775808 to 9223372036854775807";
        return false;
      }
      return bad();  // outside the type's range
    }

    case K::Decimal: {
      std::optional<std::string> text;
      if (s.kind == NodeKind::Number)
        text = json_number_to_decimal_text(s.text);
      else if (s.kind == NodeKind::String)
        text = std::string(s.text);
      else
        return bad();
      auto out_of_range = [&] {
        *message = "the number " + s.describe() + " is out of range: a decimal has at most 36 digits and 18 decimals";
        return false;
      };
      if (!text) return s.kind == NodeKind::Number ? out_of_range() : bad();
      auto d = rt::Decimal::parse(*text);
      if (!d) {
        rt::ErrorCode why = d.error().code;
        if (why == rt::ErrorCode::Overflow || why == rt::ErrorCode::OutOfRange || s.kind == NodeKind::Number)
          return out_of_range();
        return bad();
      }
      *out = ir::Value(*d);
      return true;
    }

    case K::Percent: {
      std::optional<rt::Decimal> d;
      if (s.kind == NodeKind::Number) {
        if (auto text = json_number_to_decimal_text(s.text)) d = percent_from_text(*text);
        if (!d) {
          *message = "the number " + s.describe() + " is out of range for a percentage";
          return false;
        }
      } else if (s.kind == NodeKind::String && !s.text.empty() && s.text.back() == '%') {
        std::string_view number = s.text.substr(0, s.text.size() - 1);
        d = percent_from_text(number);
        if (!d && is_plain_decimal(number)) {
          *message = "the percentage " + s.describe() + " is out of range: a percentage has at most 16 decimals";
          return false;
        }
      }
      if (!d) return bad();
      *out = ir::Value(*d);
      return true;
    }

    case K::Money: {
      if (s.kind != NodeKind::String) return bad();
      auto m = rt::parse_money(s.text);
      if (!m) {
        if (m.error().code == rt::ErrorCode::UnknownCurrency) {
          size_t sp = s.text.rfind(' ');
          std::string_view code = sp == std::string_view::npos ? s.text : s.text.substr(sp + 1);
          *message = "unknown currency " + quote_for_message(code) + " in " + s.describe();
          return false;
        }
        if (m.error().code == rt::ErrorCode::Overflow || m.error().code == rt::ErrorCode::OutOfRange) {
          *message = "the amount " + s.describe() + " is out of range: an amount has at most 36 digits and 18 decimals";
          return false;
        }
        return bad();
      }
      if (!in_currency(*m, t)) return bad();
      *out = ir::Value(*m);
      return true;
    }

    case K::Date: {
      if (s.kind != NodeKind::String) return bad();
      auto d = rt::parse_date(s.text);
      if (!d) {
        if (d.error().code != rt::ErrorCode::OutOfRange) return bad();
        *message = d.error().message;  // a date, but one outside the supported years
        return false;
      }
      *out = ir::Value(ir::DateValue{*d});
      return true;
    }

    case K::DateTime: {
      if (s.kind != NodeKind::String) return bad();
      auto d = rt::parse_datetime(s.text);
      if (!d) {
        // RFC 3339 text that Proviso does not support says so (the parser's message quotes
        // the text); anything else is "expected an RFC 3339 datetime".
        const std::string& why = d.error().message;
        if (why.rfind("expected ", 0) == 0) return bad();
        *message = why;
        return false;
      }
      *out = ir::Value(ir::DateTimeValue{*d});
      return true;
    }

    case K::Duration: {
      if (s.kind != NodeKind::String) return bad();
      auto d = parse_iso_duration(s.text);
      if (!d) return bad();
      *out = ir::Value(ir::DurationValue{*d});
      return true;
    }

    case K::BusinessDuration: {
      if (s.kind != NodeKind::String) return bad();
      auto d = parse_business_duration(s.text);
      if (!d) return bad();
      *out = ir::Value(*d);
      return true;
    }

    case K::Period: {
      if (s.kind != NodeKind::String) return bad();
      auto d = parse_iso_period(s.text);
      if (!d) return bad();
      *out = ir::Value(ir::PeriodValue{*d});
      return true;
    }

    case K::Text:
      if (s.kind != NodeKind::String) return bad();
      *out = ir::Value(std::string(s.text));
      return true;

    case K::Zone: {
      if (s.kind != NodeKind::String) return bad();
      auto z = rt::Zone::lookup(s.text);
      if (!z) {
        *message = "unknown time zone " + s.describe();
        return false;
      }
      *out = ir::Value(ir::ZoneValue{*z});
      return true;
    }

    case K::Enum: {
      int32_t m = 0;
      if (!enum_member_of(s, t, schema, &m)) return bad();
      *out = ir::Value(ir::EnumValue{m});
      return true;
    }

    default:
      *message = "a value of type " + ir::to_string(t.as_required(), schema) + " cannot be given as input";
      return false;
  }
}

}  // namespace detail

std::optional<DecodeError> check_ranges(const ir::Value& v, const ir::Type& t, const ir::Schema& schema,
                                        const std::string& path) {
  if (v.is_none()) return std::nullopt;
  switch (t.kind) {
    case ir::TypeKind::Integer:
      if (v.kind() == ir::Value::Kind::Int && ((t.lo && v.as_int() < *t.lo) || (t.hi && v.as_int() > *t.hi)))
        return DecodeError{path,
                           fmt::format("expected {}, got {}", detail::expected_description(t, schema), v.as_int())};
      return std::nullopt;
    case ir::TypeKind::Record: {
      if (v.kind() != ir::Value::Kind::Record || t.id < 0 || static_cast<size_t>(t.id) >= schema.records.size())
        return std::nullopt;
      const auto& fields = schema.records[t.id].fields;
      const auto& values = v.as_record();
      for (size_t i = 0; i < fields.size() && i < values.size(); ++i)
        if (auto e = check_ranges(values[i], fields[i].type, schema, path + "." + fields[i].name)) return e;
      return std::nullopt;
    }
    case ir::TypeKind::List: {
      if (v.kind() != ir::Value::Kind::List || !t.elem) return std::nullopt;
      const auto& items = v.as_list();
      for (size_t i = 0; i < items.size(); ++i)
        if (auto e = check_ranges(items[i], *t.elem, schema, fmt::format("{}[{}]", path, i))) return e;
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

ir::ValueList& TreeSink::push() {
  if (lists_.size() <= level_) lists_.emplace_back();
  ir::ValueList& list = lists_[level_++];
  list.clear();
  return list;
}

ir::ValueSink::Nested TreeSink::begin_record(Slot, const ir::Type& type) {
  Nested record{nullptr, level_};
  push().resize(schema_.records[static_cast<size_t>(type.id)].fields.size());
  return record;
}

void TreeSink::end_record(Slot slot, const ir::Type&, Nested& record, bool ok) {
  level_ = record.level;
  if (ok) *static_cast<ir::Value*>(slot) = ir::Value::record(std::move(lists_[record.level]));
}

ir::ValueSink::Nested TreeSink::begin_list(Slot, const ir::Type&) {
  Nested list{nullptr, level_};
  push();
  return list;
}

void TreeSink::end_list(Slot slot, const ir::Type&, Nested& list, bool ok) {
  level_ = list.level;
  if (ok) *static_cast<ir::Value*>(slot) = ir::Value::list(std::move(lists_[list.level]));
}

}  // namespace proviso::records

// JSON and plain-text encoding of values.
#include "compiler/records/encode.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "compiler/ir/eval_rules.h"
#include "compiler/records/forms.h"

namespace proviso::records {

using namespace std::string_view_literals;
namespace {

using K = ir::Value::Kind;

const ir::Type& elem_type(const ir::Type& t) {
  static const ir::Type kError = ir::Type::error();
  return t.kind == ir::TypeKind::List && t.elem ? *t.elem : kError;
}

const ir::RecordDef* record_def(const ir::Type& t, const ir::Schema& schema) {
  if (t.kind != ir::TypeKind::Record || t.id < 0 || static_cast<size_t>(t.id) >= schema.records.size()) return nullptr;
  return &schema.records[t.id];
}

std::string enum_name(const ir::Value& v, const ir::Type& t, const ir::Schema& schema) {
  int32_t m = v.as_enum();
  if (t.kind == ir::TypeKind::Enum && t.id >= 0 && static_cast<size_t>(t.id) < schema.enums.size()) {
    const auto& members = schema.enums[t.id].members;
    if (m >= 0 && static_cast<size_t>(m) < members.size()) return members[m];
  }
  return "#" + std::to_string(m);
}

std::string quote_text(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  out += '"';
  return out;
}

// The exact amount, trailing zeros beyond the minor unit dropped: 3000.0000 -> 3000.00,
// 3000.0025 stays.
std::string money_text(const rt::Money& m) {
  const rt::Currency& c = rt::currency(m.currency);
  if (m.amount.scale() <= c.minor_unit) return rt::format_money(m);
  std::string digits = m.amount.to_string();
  size_t point = digits.find('.');
  size_t keep = point + 1 + static_cast<size_t>(c.minor_unit);  // the point and the minor unit's digits
  if (c.minor_unit == 0) keep = point;                          // 1001.000 JPY -> 1001 JPY
  while (digits.size() > keep && digits.back() == '0') digits.pop_back();
  if (digits.size() == point + 1) digits.pop_back();  // no digits left after the point
  return digits + " " + std::string(c.code);
}

}  // namespace

namespace {

// The JSON string of a value written as a string: every kind but none, bool, int, list, record.
std::string string_form(const ir::Value& v, const ir::Type& t, const ir::Schema& schema, const rt::Zone* zone) {
  switch (v.kind()) {
    case K::Int: return t.kind == ir::TypeKind::Schedule ? ir::schedule_name(v.as_int(), schema) : std::string();
    case K::Decimal:
      if (t.kind == ir::TypeKind::Percent) return format_percent(v.as_decimal());
      return v.as_decimal().to_string();
    case K::Money: return rt::format_money(v.as_money());
    case K::Date: return rt::format_date(v.as_date());
    case K::DateTime: return rt::format_datetime(v.as_datetime(), zone ? *zone : *rt::utc_zone());
    case K::Duration: return format_iso_duration(v.as_duration());
    case K::BusinessDuration: return format_business_duration(v.as_business_duration());
    case K::Period: return format_iso_period(v.as_period());
    case K::Text: return v.as_text();
    case K::Enum: return enum_name(v, t, schema);
    case K::Zone: return v.as_zone() ? std::string(v.as_zone()->name()) : std::string();
    case K::Calendar: return v.as_calendar() ? ir::calendar_text(v.as_calendar().get()) : std::string();
    case K::Holidays: return v.as_holidays() ? std::string(v.as_holidays()->name()) : std::string();
    default: return std::string();
  }
}

}  // namespace

Json encode(const ir::Value& v, const ir::Type& t, const ir::Schema& schema, const rt::Zone* zone) {
  switch (v.kind()) {
    case K::None: return nullptr;
    case K::Bool: return v.as_bool();
    case K::Int:
      if (t.kind == ir::TypeKind::Schedule) return ir::schedule_name(v.as_int(), schema);  // a schedule by its name
      return v.as_int();
    case K::Decimal:
    case K::Money:
    case K::Date:
    case K::DateTime:
    case K::Duration:
    case K::BusinessDuration:
    case K::Period:
    case K::Text:
    case K::Enum:
    case K::Zone:
    case K::Calendar:
    case K::Holidays: return string_form(v, t, schema, zone);
    case K::List: {
      Json arr = Json::array();
      const ir::Type& et = elem_type(t);
      for (const ir::Value& item : v.as_list()) arr.push_back(encode(item, et, schema, zone));
      return arr;
    }
    case K::Record: {
      Json obj = Json::object();
      const ir::RecordDef* rd = record_def(t, schema);
      const ir::ValueList& fields = v.as_record();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (rd && i < rd->fields.size())
          obj[rd->fields[i].name] = encode(fields[i], rd->fields[i].type, schema, zone);
        else
          obj["#" + std::to_string(i)] = encode(fields[i], ir::Type::error(), schema, zone);
      }
      return obj;
    }
  }
  return nullptr;
}

std::optional<std::pair<std::string, std::string>> unwritable_decision(
    const ir::Program& program, const std::vector<std::pair<int32_t, ir::Value>>& decisions, const rt::Zone* zone) {
  std::string scratch;
  return write_decisions_line(scratch, program, decisions, zone);
}

Json encode_decisions(const ir::Program& program, const std::vector<std::pair<int32_t, ir::Value>>& decisions,
                      const rt::Zone* zone) {
  if (auto bad = unwritable_decision(program, decisions, zone)) return encode_error(bad->first, bad->second);
  Json obj = Json::object();
  for (const auto& [index, value] : decisions) {
    const ir::ValueDef& def = program.values[static_cast<size_t>(index)];
    obj[def.name] = encode(value, def.type, program.schema, zone);
  }
  Json line = Json::object();
  line["decisions"] = std::move(obj);
  return line;
}

Json encode_error(std::string_view path, std::string_view message) {
  Json err = Json::object();
  err["path"] = std::string(path);
  err["message"] = std::string(message);
  Json line = Json::object();
  line["error"] = std::move(err);
  return line;
}

bool plain_json_text(std::string_view s) {
  // Eight bytes at a time: a byte of a word is below 0x20, or equal to a quote or a backslash,
  // exactly when the classic "has a byte less than n" test (borrows reach a high bit only
  // from such a byte) is non-zero; bytes from 0x80 are their own high bits.
  constexpr uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
  auto has_below = [](uint64_t w, uint64_t n) { return (w - kOnes * n) & ~w & kHighs; };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof w);
    if ((w & kHighs) | has_below(w, 0x20) | has_below(w ^ (kOnes * '"'), 1) | has_below(w ^ (kOnes * '\\'), 1))
      return false;
  }
  for (; i < s.size(); ++i) {
    auto u = static_cast<unsigned char>(s[i]);
    if (u < 0x20 || u == '"' || u == '\\' || u >= 0x80) return false;
  }
  return true;
}

namespace {

// A JSON string as nlohmann's compact dump writes it (ensure_ascii off): \" \\ \b \f \n \r \t,
// other control characters as \u00xx, everything else as is. Text that is not UTF-8 is
// written by nlohmann itself, whose replacement of bad bytes is then kept exactly.
void write_string(std::string& out, std::string_view s) {
  if (plain_json_text(s)) {  // one append: no per-character capacity checks
    size_t at = out.size();
    out.resize(at + s.size() + 2);
    char* p = out.data() + at;
    p[0] = '"';
    if (!s.empty()) std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    return;
  }
  for (size_t i = 0; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) >= 0x80) {
      out += Json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        else
          out += c;
    }
  }
  out += '"';
}

// A datetime written in `zone` with a year outside 0001..9999 (the first or last hours of the
// supported instants, in a zone far from UTC): its text could not be read back.
struct Unwritable {
  std::string where;  // below the decision: ".field", "[2]", ...
  std::string message;
};

// Writes the value at `ref` of static type `t`; false (with `bad` set, `out` partly written)
// at an unwritable datetime.
bool write_value(std::string& out, const ir::ValueSource& src, ir::ValueSource::Ref ref, const ir::Type& t,
                 const ir::Schema& schema, const rt::Zone& zone, Unwritable* bad, const LinePlan* plan) {
  ref = src.present(ref, t);
  if (!ref) {
    out += "null"sv;
    return true;
  }
  switch (t.kind) {
    case ir::TypeKind::Bool: out += src.boolean(ref, t) ? "true"sv : "false"sv; return true;
    case ir::TypeKind::Integer: {
      char digits[24];
      auto r = std::to_chars(digits, digits + sizeof digits, src.integer(ref, t));
      out.append(digits, r.ptr);
      return true;
    }
    case ir::TypeKind::Text: write_string(out, src.text(ref)); return true;
    case ir::TypeKind::List: {
      out += '[';
      size_t n = src.length(ref);
      for (size_t i = 0; i < n; ++i) {
        if (i) out += ',';
        if (!write_value(out, src, src.element(ref, t, i), elem_type(t), schema, zone, bad, plan)) {
          bad->where = fmt::format("[{}]{}", i, bad->where);
          return false;
        }
      }
      out += ']';
      return true;
    }
    case ir::TypeKind::Record: {
      out += '{';
      const ir::RecordDef* rd = record_def(t, schema);
      for (size_t i = 0; rd && i < rd->fields.size(); ++i) {
        if (i) out += ',';
        const ir::FieldDef& f = rd->fields[i];
        write_string(out, f.name);
        out += ':';
        if (!write_value(out, src, src.field(ref, t, i), f.type, schema, zone, bad, plan)) {
          bad->where = "." + f.name + bad->where;
          return false;
        }
      }
      out += '}';
      return true;
    }
    case ir::TypeKind::DateTime: {
      ir::Value v = src.scalar(ref, t);
      if (!rt::local_year_supported(v.as_datetime(), zone)) {
        bad->message = fmt::format("the datetime {} in the home zone `{}` is outside the supported years 0001..9999",
                                   rt::format_datetime(v.as_datetime(), zone), zone.name());
        return false;
      }
      write_string(out, rt::format_datetime(v.as_datetime(), zone));
      return true;
    }
    case ir::TypeKind::Money: {
      // Digits, a point, a sign, a space and a code: nothing to escape.
      char text[rt::kMoneyChars + 2];
      text[0] = '"';
      char* end = rt::write_money(text + 1, src.scalar(ref, t).as_money());
      *end++ = '"';
      out.append(text, end);
      return true;
    }
    case ir::TypeKind::Enum: {
      const std::string* written = plan ? plan->member(t.id, src.member(ref, t)) : nullptr;
      if (written)
        out += *written;
      else
        write_string(out, string_form(src.scalar(ref, t), t, schema, &zone));
      return true;
    }
    default: write_string(out, string_form(src.scalar(ref, t), t, schema, &zone)); return true;
  }
}

}  // namespace

namespace {

// The line of decisions 0..count, decision i being ref_of(i) (an ir::DecisionRef).
template <class RefOf>
std::optional<std::pair<std::string, std::string>> write_line(std::string& out, const ir::Program& program,
                                                              const ir::ValueSource& source, size_t count,
                                                              RefOf&& ref_of, const rt::Zone* home_zone,
                                                              const LinePlan* plan) {
  const rt::Zone& zone = home_zone ? *home_zone : *rt::utc_zone();
  out += "{\"decisions\":{"sv;
  for (size_t i = 0; i < count; ++i) {
    ir::DecisionRef d = ref_of(i);
    const ir::ValueDef& def = program.values[static_cast<size_t>(d.value)];
    if (i) out += ',';
    if (const std::string* key = plan ? plan->key(d.value) : nullptr) {
      out += *key;
    } else {
      write_string(out, def.name);
      out += ':';
    }
    Unwritable bad;
    if (!write_value(out, source, d.ref, def.type, program.schema, zone, &bad, plan))
      return std::pair{def.name + bad.where, std::move(bad.message)};
  }
  out += "}}"sv;
  return std::nullopt;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> write_decisions_line(std::string& out, const ir::Program& program,
                                                                        const ir::ValueSource& source,
                                                                        std::span<const ir::DecisionRef> decisions,
                                                                        const rt::Zone* home_zone,
                                                                        const LinePlan* plan) {
  return write_line(
      out, program, source, decisions.size(), [&](size_t i) { return decisions[i]; }, home_zone, plan);
}

std::optional<std::pair<std::string, std::string>> write_value_json(std::string& out, const ir::ValueSource& source,
                                                                    ir::ValueSource::Ref ref, const ir::Type& type,
                                                                    const ir::Schema& schema, const rt::Zone& zone,
                                                                    const LinePlan* plan) {
  Unwritable bad;
  if (write_value(out, source, ref, type, schema, zone, &bad, plan)) return std::nullopt;
  return std::pair{std::move(bad.where), std::move(bad.message)};
}

LinePlan::LinePlan(const ir::Program& program) : keys_(program.values.size()) {
  for (int32_t v : program.decisions) {
    if (v < 0 || static_cast<size_t>(v) >= keys_.size()) continue;
    write_string(keys_[static_cast<size_t>(v)], program.values[static_cast<size_t>(v)].name);
    keys_[static_cast<size_t>(v)] += ':';
  }
  for (const ir::EnumDef& e : program.schema.enums) {
    members_.emplace_back();
    for (const std::string& m : e.members) write_string(members_.back().emplace_back(), m);
  }
}

std::optional<std::pair<std::string, std::string>> write_decisions_line(
    std::string& out, const ir::Program& program, const std::vector<std::pair<int32_t, ir::Value>>& decisions,
    const rt::Zone* home_zone, const LinePlan* plan) {
  return write_line(
      out, program, ir::TreeSource(), decisions.size(),
      [&](size_t i) {
        return ir::DecisionRef{decisions[i].first, &decisions[i].second};
      },
      home_zone, plan);
}

void write_error_line(std::string& out, std::string_view path, std::string_view message, std::string_view location) {
  out += "{\"error\":{\"path\":";
  write_string(out, path);
  out += ",\"message\":";
  write_string(out, message);
  if (!location.empty()) {
    out += ",\"location\":";
    write_string(out, location);
  }
  out += "}}";
}

DecisionFailure decision_failure(const ir::Program& program, int32_t value, const ir::EvalError& error) {
  DecisionFailure f;
  f.value = value;
  f.path = error.path.empty() ? program.values[static_cast<size_t>(value)].name : error.path;
  f.message = error.message;
  int32_t loc = error.loc;
  if (loc < 0 && static_cast<size_t>(value) < program.value_locs.size())
    loc = program.value_locs[static_cast<size_t>(value)];
  f.location = program.location_text(loc);
  return f;
}

void split_unwritable(const ir::Program& program, std::vector<std::pair<int32_t, ir::Value>>& decisions,
                      std::vector<DecisionFailure>& failed, const rt::Zone* home_zone) {
  std::vector<std::pair<int32_t, ir::Value>> kept;
  std::vector<std::pair<int32_t, ir::Value>> one(1);
  for (auto& d : decisions) {
    one[0] = d;
    if (auto bad = unwritable_decision(program, one, home_zone)) {
      ir::EvalError e;
      e.path = bad->first;
      e.message = bad->second;
      failed.push_back(decision_failure(program, d.first, e));
    } else {
      kept.push_back(std::move(d));
    }
  }
  decisions = std::move(kept);
  // Back in output order: a decision's place among the others is its place in the policy.
  std::stable_sort(failed.begin(), failed.end(),
                   [](const DecisionFailure& a, const DecisionFailure& b) { return a.value < b.value; });
}

Json encode_failures(const ir::Program& program, std::span<const DecisionFailure> failed) {
  Json obj = Json::object();
  for (const DecisionFailure& f : failed) {
    Json err = Json::object();
    err["path"] = f.path;
    err["message"] = f.message;
    err["location"] = f.location;
    obj[program.values[static_cast<size_t>(f.value)].name] = std::move(err);
  }
  return obj;
}

void append_failures(std::string& line, const ir::Program& program, std::span<const DecisionFailure> failed) {
  if (!line.empty() && line.back() == '}') line.pop_back();
  line += ",\"errors\":{";
  for (size_t i = 0; i < failed.size(); ++i) {
    if (i) line += ',';
    write_string(line, program.values[static_cast<size_t>(failed[i].value)].name);
    line += ":{\"path\":";
    write_string(line, failed[i].path);
    line += ",\"message\":";
    write_string(line, failed[i].message);
    line += ",\"location\":";
    write_string(line, failed[i].location);
    line += '}';
  }
  line += "}}";
}

std::string format_value(const ir::Value& v, const ir::Type& t, const ir::Schema& schema, const rt::Zone* zone,
                         MoneyDigits money) {
  switch (v.kind()) {
    case K::None: return "none";
    case K::Bool: return v.as_bool() ? "true" : "false";
    case K::Int:
      if (t.kind == ir::TypeKind::Schedule) return ir::schedule_name(v.as_int(), schema);
      return std::to_string(v.as_int());
    case K::Decimal:
      if (t.kind == ir::TypeKind::Percent) return format_percent(v.as_decimal());
      return v.as_decimal().to_string();
    case K::Money: return money == MoneyDigits::Output ? rt::format_money(v.as_money()) : money_text(v.as_money());
    case K::Date: return rt::format_date(v.as_date());
    case K::DateTime: return rt::format_datetime(v.as_datetime(), zone ? *zone : *rt::utc_zone());
    case K::Duration: return ir::duration_words(v.as_duration());
    case K::BusinessDuration: return format_business_duration(v.as_business_duration());
    case K::Period: {
      int64_t m = v.as_period();
      return std::to_string(m) + (m == 1 || m == -1 ? " month" : " months");
    }
    case K::Text: return quote_text(v.as_text());
    case K::Enum: return enum_name(v, t, schema);
    case K::Zone: return v.as_zone() ? std::string(v.as_zone()->name()) : "?";
    case K::Calendar: return ir::calendar_text(v.as_calendar().get());
    case K::Holidays: return v.as_holidays() ? std::string(v.as_holidays()->name()) : "?";
    case K::List: {
      std::string out = "[";
      const ir::Type& et = elem_type(t);
      bool first = true;
      for (const ir::Value& item : v.as_list()) {
        if (!first) out += ", ";
        first = false;
        out += format_value(item, et, schema, zone, money);
      }
      return out + "]";
    }
    case K::Record: {
      const ir::RecordDef* rd = record_def(t, schema);
      const ir::ValueList& fields = v.as_record();
      if (fields.empty()) return "{}";
      std::string out = "{ ";
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ", ";
        bool known = rd && i < rd->fields.size();
        out += known ? rd->fields[i].name : "#" + std::to_string(i);
        out += ": ";
        out += format_value(fields[i], known ? rd->fields[i].type : ir::Type::error(), schema, zone, money);
      }
      return out + " }";
    }
  }
  return "?";
}

}  // namespace proviso::records

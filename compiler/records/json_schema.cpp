// JSON Schema of a policy's input document: see json_schema.h.
#include "compiler/records/json_schema.h"

#include <string>

#include <fmt/format.h>
#include <proviso/rt/time.h>

namespace proviso::records {

namespace {

using ir::Type;
using ir::TypeKind;

// The forms the decoder reads (compiler/records/decode.cpp, forms.cpp), as ECMA-262 patterns.
constexpr const char* kDecimal = "^-?[0-9]+(\\.[0-9]{1,18})?$";
constexpr const char* kPercent = "^-?[0-9]+(\\.[0-9]{1,16})?%$";
constexpr const char* kDate = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
// RFC 3339 with an offset; seconds may be left out, and fractions of a second must be zero.
constexpr const char* kDateTime =
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.0+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})$";
// ISO 8601: weeks and days, then hours, minutes and seconds, each at most once and in order.
constexpr const char* kDuration = "^[-+]?P(?!$)([0-9]+W)?([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+S)?)?$";
constexpr const char* kPeriod = "^[-+]?P(?!$)([0-9]+Y)?([0-9]+M)?$";
// "2 business days", "1 business day + 4 business hours"
constexpr const char* kBusinessDuration =
    "^ *(\\+ +)?-?[0-9]+ +business +(day|hour|minute|second)s?( +(\\+ +)?-?[0-9]+ +business "
    "+(day|hour|minute|second)s?)* "
    "*$";
constexpr int64_t kMaxListItems = 100000;  // docs/LIMITS.md, as the decoder checks it

Json string_of(const char* pattern, const std::string& description) {
  return Json{{"type", "string"}, {"pattern", pattern}, {"description", description}};
}

class SchemaWriter {
 public:
  explicit SchemaWriter(const ir::Program& program) : program_(program) {}

  Json document() {
    Json properties = Json::object(), required = Json::array();
    for (const ir::InputDef& input : program_.inputs) {
      properties[input.name] = value(input.optional ? input.type.as_optional() : input.type);
      if (!input.optional) required.push_back(input.name);
    }
    Json out = Json::object();
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    out["title"] = fmt::format("Input of {}", program_.name);
    std::string about = fmt::format("One input document of the policy `{}`", program_.name);
    if (!program_.title.empty()) about += fmt::format(" (\"{}\")", program_.title);
    if (!program_.version.empty()) about += fmt::format(", version {}", program_.version);
    if (program_.effective) about += fmt::format(", effective {}", rt::format_date(*program_.effective));
    out["description"] = about + ": one line of `proviso eval`'s input.";
    out["type"] = "object";
    out["properties"] = std::move(properties);
    out["required"] = std::move(required);
    out["additionalProperties"] = false;
    if (!defs_.empty()) out["$defs"] = std::move(defs_);
    return out;
  }

 private:
  // A value of `t`; an optional one may also be null (or its key left out, said by `required`).
  Json value(const Type& t) {
    Json v = required_value(t);
    if (!t.optional) return v;
    return Json{{"anyOf", Json::array({std::move(v), Json{{"type", "null"}}})}};
  }

  Json required_value(const Type& t) {
    switch (t.kind) {
      case TypeKind::Bool: return Json{{"type", "boolean"}};
      case TypeKind::Integer: {
        Json v{{"type", "integer"}};
        if (t.lo) v["minimum"] = *t.lo;
        if (t.hi) v["maximum"] = *t.hi;
        return v;
      }
      case TypeKind::Decimal:
        return Json{{"type", Json::array({"number", "string"})},
                    {"pattern", kDecimal},
                    {"description", "a decimal: a JSON number or a string, read exactly (\"12.50\")"}};
      case TypeKind::Percent:
        return Json{{"type", Json::array({"number", "string"})},
                    {"pattern", kPercent},
                    {"description", "a percentage: \"25%\", or a number meaning the percentage (25)"}};
      case TypeKind::Money: {
        std::string code = t.currency.empty() ? "[A-Z]{3}" : t.currency;
        std::string pattern = "^-?[0-9]+(\\.[0-9]{1,18})? " + code + "$";
        return Json{
            {"type", "string"},
            {"pattern", pattern},
            {"description", t.currency.empty() ? std::string("an amount and its ISO 4217 currency: \"1234.50 USD\"")
                                               : "an amount in " + t.currency + ": \"1234.50 " + t.currency + "\""}};
      }
      case TypeKind::Date: {
        Json v = string_of(kDate, "a date: \"2026-11-27\"");
        v["format"] = "date";
        return v;
      }
      case TypeKind::DateTime: {
        Json v = string_of(kDateTime, "an RFC 3339 datetime with its offset: \"2026-11-27T16:00:00-05:00\"");
        v["format"] = "date-time";
        return v;
      }
      case TypeKind::Duration: return string_of(kDuration, "an ISO 8601 duration: \"PT4H30M\", \"P2D\" (48 hours)");
      case TypeKind::Period: return string_of(kPeriod, "an ISO 8601 period of years and months: \"P1Y6M\"");
      case TypeKind::BusinessDuration:
        return string_of(kBusinessDuration, "working time: \"2 business days\", \"4 business hours\"");
      case TypeKind::Text: return Json{{"type", "string"}};
      case TypeKind::Zone: return Json{{"type", "string"}, {"description", "an IANA time zone: \"America/New_York\""}};
      case TypeKind::Enum: {
        const ir::EnumDef& e = program_.schema.enums[static_cast<size_t>(t.id)];
        return Json{{"enum", e.members}, {"description", "a member of `" + e.name + "`"}};
      }
      case TypeKind::Record: return Json{{"$ref", "#/$defs/" + record(t.id)}};
      case TypeKind::List:
        return Json{
            {"type", "array"}, {"items", t.elem ? value(*t.elem) : Json::object()}, {"maxItems", kMaxListItems}};
      default: break;
    }
    // The checker refuses inputs of the other types (P0090): nothing valid can be given.
    return Json{{"not", Json::object()}};
  }

  // The record's definition under $defs (added once, so recursive records refer to themselves).
  std::string record(int id) {
    const ir::RecordDef& r = program_.schema.records[static_cast<size_t>(id)];
    if (defs_.contains(r.name)) return r.name;
    defs_[r.name] = Json::object();  // a placeholder while its fields are written
    Json properties = Json::object(), required = Json::array();
    for (const ir::FieldDef& f : r.fields) {
      properties[f.name] = value(f.type);
      if (!f.type.optional) required.push_back(f.name);
    }
    defs_[r.name] = Json{{"type", "object"},
                         {"properties", std::move(properties)},
                         {"required", std::move(required)},
                         {"additionalProperties", false}};
    return r.name;
  }

  const ir::Program& program_;
  Json defs_ = Json::object();
};

}  // namespace

Json input_json_schema(const ir::Program& program) { return SchemaWriter(program).document(); }

}  // namespace proviso::records

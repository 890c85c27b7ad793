// Schema-driven decoding of evaluation inputs (JSON, YAML, NDJSON splitting): values and the
// exact error messages, built against a hand-made schema.
#include <catch2/catch.hpp>

#include "compiler/records/decode.h"
#include "compiler/records/encode.h"
#include "compiler/records/forms.h"

using namespace proviso;
using proviso::records::Decoder;

namespace {

struct Fixture {
  ir::Schema schema;
  std::vector<ir::InputDef> inputs;

  Fixture() {
    schema.enums.push_back({"Support", {"Enterprise", "Basic"}});
    schema.enums.push_back({"Channel", {"Phone", "Portal", "Email"}});
    ir::RecordDef contract{"contract", {}};
    contract.fields = {
        {"support", ir::Type::enum_type(0)},
        {"support_end", ir::Type::of(ir::TypeKind::Date)},
        {"dse_commenced", ir::Type::of(ir::TypeKind::Date).as_optional()},
        {"technical_contacts", ir::Type::integer_range(0, std::nullopt)},
        {"customer_timezone", ir::Type::of(ir::TypeKind::Zone).as_optional()},
    };
    ir::RecordDef contact{
        "Contact",
        {{"name", ir::Type::of(ir::TypeKind::Text)}, {"phone", ir::Type::of(ir::TypeKind::Text).as_optional()}}};
    ir::RecordDef kase{"case", {}};
    kase.fields = {
        {"severity", ir::Type::integer_range(1, 3)},
        {"channel", ir::Type::enum_type(1)},
        {"reported_at", ir::Type::of(ir::TypeKind::DateTime)},
        {"fee", ir::Type::of(ir::TypeKind::Money).as_optional()},
        {"discount", ir::Type::of(ir::TypeKind::Percent).as_optional()},
        {"ratio", ir::Type::of(ir::TypeKind::Decimal).as_optional()},
        {"wait", ir::Type::of(ir::TypeKind::Duration).as_optional()},
        {"term", ir::Type::of(ir::TypeKind::Period).as_optional()},
        {"urgent", ir::Type::of(ir::TypeKind::Bool).as_optional()},
        {"count", ir::Type::of(ir::TypeKind::Integer).as_optional()},
        {"contacts", ir::Type::list_of(ir::Type::record(1)).as_optional()},
    };
    schema.records = {contract, contact, kase};
    inputs = {{"contract", false, ir::Type::record(0)},
              {"case", false, ir::Type::record(2)},
              {"reinstatement", true, ir::Type::record(1)}};
  }
};

const char* kContract = R"("contract": {"support": "Basic", "support_end": "2027-01-31", "technical_contacts": 2})";

std::string with_case(const std::string& case_fields) {
  return std::string("{") + kContract +
         R"(, "case": {"severity": 1, "channel": "Phone", "reported_at": "2026-11-25T16:00:00-05:00")" +
         (case_fields.empty() ? "" : ", " + case_fields) + "}}";
}

std::string error_of(const records::DecodeResult& r) { return r.ok() ? std::string("<ok>") : r.error->to_string(); }

std::string json_error(const std::string& text) {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  return error_of(d.decode_json(text));
}

const ir::Value& field(const ir::Value& rec, size_t i) { return rec.as_record()[i]; }

}  // namespace

TEST_CASE("a valid input decodes into one value per input") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  auto r = d.decode_json(with_case(R"("fee": "1234.50 USD", "discount": "25%", "ratio": 0.1, "wait": "PT4H30M",
      "term": "P1Y6M", "urgent": true, "count": -3, "contacts": [{"name": "A"}, {"name": "B", "phone": null}])"));
  REQUIRE(r.ok());
  REQUIRE(r.values.size() == 3);
  CHECK(r.values[2].is_none());
  const ir::Value& contract = r.values[0];
  CHECK(field(contract, 0).as_enum() == 1);
  CHECK(rt::format_date(field(contract, 1).as_date()) == "2027-01-31");
  CHECK(field(contract, 2).is_none());
  CHECK(field(contract, 3).as_int() == 2);
  const ir::Value& c = r.values[1];
  CHECK(field(c, 0).as_int() == 1);
  CHECK(field(c, 1).as_enum() == 0);
  CHECK(rt::format_datetime_utc(field(c, 2).as_datetime()) == "2026-11-25T21:00:00Z");
  CHECK(rt::format_money(field(c, 3).as_money()) == "1234.50 USD");
  CHECK(field(c, 4).as_decimal().to_string() == "0.25");
  CHECK(field(c, 5).as_decimal().to_string() == "0.1");
  CHECK(field(c, 6).as_duration() == 4 * 3600 + 1800);
  CHECK(field(c, 7).as_period() == 18);
  CHECK(field(c, 8).as_bool());
  CHECK(field(c, 9).as_int() == -3);
  REQUIRE(field(c, 10).as_list().size() == 2);
  CHECK(field(field(c, 10).as_list()[1], 1).is_none());
}

TEST_CASE("decimals are exact: read from the number's text, not through a double") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  auto r = d.decode_json(with_case(R"("ratio": 0.30000000000000004)"));
  REQUIRE(r.ok());
  CHECK(field(r.values[1], 5).as_decimal().to_string() == "0.30000000000000004");
  r = d.decode_json(with_case(R"("ratio": "12.50")"));
  REQUIRE(r.ok());
  CHECK(field(r.values[1], 5).as_decimal().to_string() == "12.50");
  r = d.decode_json(with_case(R"("ratio": 1.5e2, "discount": 2.5)"));
  REQUIRE(r.ok());
  CHECK(field(r.values[1], 5).as_decimal().to_string() == "150");
  CHECK(field(r.values[1], 4).as_decimal().to_string() == "0.025");
}

TEST_CASE("errors name the field path and what was expected") {
  struct Case {
    std::string fields, error;
  };
  std::vector<Case> cases = {
      {R"("severity": 7)", "case.severity: expected an integer from 1 to 3, got 7"},
      {R"("severity": 1.5)", "case.severity: expected an integer from 1 to 3, got 1.5"},
      {R"("severity": 1e0)", "case.severity: expected an integer from 1 to 3, got 1e0"},
      {R"("severity": "1")", "case.severity: expected an integer from 1 to 3, got \"1\""},
      {R"("severity": null)", "case.severity: expected an integer from 1 to 3, got null"},
      {R"("channel": "Fax")", "case.channel: expected one of Phone, Portal, Email, got \"Fax\""},
      {R"("reported_at": "2026-13-40")", "case.reported_at: expected an RFC 3339 datetime, got \"2026-13-40\""},
      {R"("reported_at": "2026-11-25T16:00:00")",
       "case.reported_at: expected an RFC 3339 datetime, got \"2026-11-25T16:00:00\""},
      {R"("colour": "red")", "case.colour: unknown field"},
      {R"("fee": "12.00 XYZ")", "case.fee: unknown currency \"XYZ\" in \"12.00 XYZ\""},
      {R"("fee": 12)", "case.fee: expected an amount with its currency (\"1234.50 USD\"), got 12"},
      {R"("discount": "25")", "case.discount: expected a percentage (\"25%\" or 25), got \"25\""},
      {R"("wait": "4 hours")", "case.wait: expected an ISO 8601 duration (\"PT4H\"), got \"4 hours\""},
      {R"("urgent": "yes")", "case.urgent: expected true or false, got \"yes\""},
      {R"("count": 99999999999999999999)",
       "case.count: the number 99999999999999999999 is out of range: integers are from -9223372036854775808 to "
       "9223372036854775807"},
      // Valid JSON and RFC 3339 that Proviso cannot represent: said as such, with the path.
      {R"("ratio": 1e309)",
       "case.ratio: the number 1e309 is out of range: a decimal has at most 36 digits and 18 decimals"},
      {R"("ratio": 1e-400)",
       "case.ratio: the number 1e-400 is out of range: a decimal has at most 36 digits and 18 decimals"},
      {R"("discount": 1e309)", "case.discount: the number 1e309 is out of range for a percentage"},
      // The same limits for numbers written as strings: the limit is named, not "expected a decimal".
      {R"("ratio": "0.1234567890123456789")",
       "case.ratio: the number \"0.1234567890123456789\" is out of range: a decimal has at most 36 digits and 18 "
       "decimals"},
      {R"("fee": "1.0000000000000000001 USD")",
       "case.fee: the amount \"1.0000000000000000001 USD\" is out of range: an amount has at most 36 digits and 18 "
       "decimals"},
      {R"("fee": "1234567890123456789012345678901234567 USD")",
       "case.fee: the amount \"1234567890123456789012345678901234567 USD\" is out of range: an amount has at most 36 "
       "digits and 18 decimals"},
      {R"("discount": "0.12345678901234567%")",
       "case.discount: the percentage \"0.12345678901234567%\" is out of range: a percentage has at most 16 decimals"},
      {R"("discount": "1.2.3%")", "case.discount: expected a percentage (\"25%\" or 25), got \"1.2.3%\""},
      {R"("count": 1e309)", "case.count: expected an integer, got 1e309"},
      {R"("reported_at": "2026-12-31T23:59:60Z")",
       "case.reported_at: the datetime \"2026-12-31T23:59:60Z\" is a leap second, which is not supported: use :59 or "
       "the next minute"},
      {R"("reported_at": "2026-11-25T16:00:00.25Z")",
       "case.reported_at: the datetime \"2026-11-25T16:00:00.25Z\" has fractional seconds, which are not supported: "
       "datetimes are "
       "whole seconds"},
      {R"("reported_at": "9999-12-31T23:59:59-14:00")",
       "case.reported_at: the datetime \"9999-12-31T23:59:59-14:00\" (10000-01-01T13:59:59Z in UTC) is outside the "
       "supported years "
       "0001..9999"},
      {R"("reported_at": "2026-11-25T16:00:00.000Z")", "<ok>"},
      {R"("reported_at": "0000-01-01T00:00:00+14:00")",
       "case.reported_at: the datetime \"0000-01-01T00:00:00+14:00\" (-001-12-31T10:00:00Z in UTC) is outside the "
       "supported years "
       "0001..9999"},
      {R"("contacts": [{"name": "A"}, {"name": "B"}, {"phone": "1"}])",
       "case.contacts[2].name: missing required field"},
      {R"("contacts": [{"name": 5}])", "case.contacts[0].name: expected a string, got 5"},
      {R"("contacts": {"name": "A"})", "case.contacts: expected a list, got an object"},
      {R"("severity": 2, "severity": 3)", "case.severity: duplicate field"},
  };
  for (const auto& c : cases) {
    INFO(c.fields);
    // The base fields, each left out when the case gives its own.
    std::string fields;
    for (auto [key, value] : {std::pair{"severity", "1"}, std::pair{"channel", "\"Phone\""},
                              std::pair{"reported_at", "\"2026-11-25T16:00:00-05:00\""}}) {
      if (c.fields.find(std::string("\"") + key + "\"") != std::string::npos) continue;
      fields += std::string("\"") + key + "\": " + value + ", ";
    }
    std::string text = std::string("{") + kContract + R"(, "case": {)" + fields + c.fields + "}}";
    CHECK(json_error(text) == c.error);
  }
}

TEST_CASE("numbers of any size are valid JSON; a byte order mark is skipped") {
  std::string digits(400, '9');
  CHECK(json_error(with_case(R"("count": )" + digits)) ==
        "case.count: the number " + digits.substr(0, 60) +
            "... is out of range: integers are from -9223372036854775808 to 9223372036854775807");
  Fixture f;
  Decoder d(f.schema, f.inputs);
  CHECK(d.decode_json("\xEF\xBB\xBF" + with_case("")).ok());
  // A syntax error is reported where it is, never as "not well-formed".
  CHECK(json_error(with_case(R"("count": 1,)")) ==
        "case: invalid JSON at line 1, column 189: expected a member name in double quotes");
  CHECK(json_error(R"({"contract": {"support": "Basic")") ==
        "invalid JSON at line 1, column 33: the text ends inside an object");
}

TEST_CASE("contract-level errors") {
  CHECK(json_error(R"({"case": {"severity": 1, "channel": "Phone", "reported_at": "2026-11-25T16:00:00Z"}})") ==
        "contract: missing required input");
  CHECK(json_error(R"({"contract": null, "case": {}})") == "contract: missing required input");
  CHECK(json_error(R"({"contract": {"support": "Basic", "support_end": 12, "technical_contacts": 0}})") ==
        "contract.support_end: expected a date (YYYY-MM-DD), got 12");
  CHECK(json_error(R"({"contract": {"support_end": "2026-02-30", "technical_contacts": 0, "support": "Basic"}})") ==
        "contract.support_end: expected a date (YYYY-MM-DD), got \"2026-02-30\"");
  CHECK(json_error(R"({"contract": {"support_end": "2026-02-03", "technical_contacts": 0}})") ==
        "contract.support: missing required field");
  CHECK(json_error(R"({"contract": {"support": "Basic", "support_end": "2026-02-03", "technical_contacts": -1}})") ==
        "contract.technical_contacts: expected an integer of at least 0, got -1");
  CHECK(json_error(R"({"contract": {"support": "Basic", "support_end": "2026-02-03", "technical_contacts": 1,
        "customer_timezone": "America/New_Yrok"}})") ==
        "contract.customer_timezone: unknown time zone \"America/New_Yrok\"");
  CHECK(json_error(R"({"contrakt": {}})") == "contrakt: unknown input");
  CHECK(json_error("[1, 2]") == "expected a JSON object with the inputs (contract, case, reinstatement), got a list");
  CHECK(json_error("") == "invalid JSON: the input is empty");
  CHECK(json_error(with_case("") + " {}").rfind("invalid JSON", 0) == 0);
  CHECK(json_error(R"({"contract": {"support": "Basic",)").rfind("invalid JSON", 0) == 0);
  CHECK(json_error(R"({"contract": {"support": tru}})").rfind("contract.support: invalid JSON", 0) == 0);
  // A syntax error says where (simdjson's own "JSON document ended early ..." is not shown,
  // and where simdjson's message is shown it keeps its acronym: the UTF-8 case below).
  CHECK(json_error(R"({"contract": {"support": [1,)") ==
        "invalid JSON at line 1, column 29: the text ends inside a value");
  CHECK(json_error("{\"contract\": \"\xff\"}") == "invalid JSON: the input is not valid UTF-8");
}

TEST_CASE("optional inputs may be null or absent, and are then none") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  std::string base = with_case("");
  auto r = d.decode_json(base.substr(0, base.size() - 1) + R"(, "reinstatement": null})");
  REQUIRE(r.ok());
  CHECK(r.values[2].is_none());
  r = d.decode_json(base.substr(0, base.size() - 1) + R"(, "reinstatement": {"name": "x"}})");
  REQUIRE(r.ok());
  CHECK(field(r.values[2], 0).as_text() == "x");
}

TEST_CASE("limits: string length, list length, nesting depth, input size") {
  Fixture f;
  records::Limits limits;
  limits.max_string_bytes = 30;
  limits.max_list_length = 2;
  limits.max_input_bytes = 4096;
  Decoder d(f.schema, f.inputs, limits);
  CHECK(error_of(d.decode_json(with_case(R"("contacts": [{"name": "1234567890123456789012345678901"}])"))) ==
        "case.contacts[0].name: string longer than 30 bytes");
  CHECK(error_of(d.decode_json(with_case(R"("contacts": [{"name": "a"}, {"name": "b"}, {"name": "c"}])"))) ==
        "case.contacts: list longer than 2 elements");
  CHECK(error_of(d.decode_json(std::string(5000, ' '))) == "input larger than 0 MiB");

  // A list nested 70 deep against a schema that allows it.
  ir::Schema deep;
  ir::Type t = ir::Type::of(ir::TypeKind::Integer);
  for (int i = 0; i < 70; ++i) t = ir::Type::list_of(t);
  std::vector<ir::InputDef> in = {{"x", false, t}};
  Decoder dd(deep, in);
  std::string text = "{\"x\": " + std::string(70, '[') + std::string(70, ']') + "}";
  CHECK(error_of(dd.decode_json(text)).find("nesting deeper than 64 levels") != std::string::npos);
}

TEST_CASE("YAML follows the same rules") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  auto rs = d.decode_yaml(R"(contract:
  support: Enterprise
  support_end: 2027-01-31
  technical_contacts: 4
case:
  severity: 2
  channel: Email
  reported_at: 2026-11-25T16:00:00-05:00
  fee: 12.5 EUR
  ratio: 0.125
  urgent: false
  contacts:
    - name: A
      phone: ~
---
contract: {support: Basic, support_end: "2027-01-31", technical_contacts: "4"}
)");
  REQUIRE(rs.size() == 2);
  REQUIRE(rs[0].ok());
  CHECK(field(rs[0].values[0], 0).as_enum() == 0);
  CHECK(field(rs[0].values[1], 0).as_int() == 2);
  CHECK(field(rs[0].values[1], 5).as_decimal().to_string() == "0.125");
  CHECK(!field(rs[0].values[1], 8).as_bool());
  CHECK(error_of(rs[1]) == "contract.technical_contacts: expected an integer of at least 0, got \"4\"");
  auto bad = d.decode_yaml("contract: [a, b\n");
  REQUIRE(bad.size() == 1);
  CHECK(error_of(bad[0]).rfind("invalid YAML at line", 0) == 0);
  // libyaml's message, with the line and column in the stream.
  auto indented = d.decode_yaml("---\ncontract:\n  support: Basic\n    severity: 3\n");
  REQUIRE(indented.size() == 1);
  CHECK(error_of(indented[0]) == "invalid YAML at line 4, column 13: mapping values are not allowed in this context");
  auto unclosed = d.decode_yaml("---\ncontract: [1, 2\n");
  REQUIRE(unclosed.size() == 1);
  CHECK(error_of(unclosed[0]) == "invalid YAML at line 3, column 1: did not find expected ',' or ']'");
}

TEST_CASE("NDJSON splitting: one object per non-empty line, or one document") {
  std::string text = "{\"a\": 1}\n\n  \n{\"b\": 2}\r\n{\"c\": 3}";
  auto parts = records::split_json_inputs(text);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].line == 1);
  CHECK(parts[1].line == 4);
  CHECK(parts[2].text == "{\"c\": 3}");
  auto one = records::split_json_inputs("{\n  \"a\": 1\n}\n");
  REQUIRE(one.size() == 1);
  CHECK(one[0].text == "{\n  \"a\": 1\n}\n");
  records::Limits small;
  small.max_line_bytes = 10;
  auto lines = records::split_json_inputs("{\"a\":1}\n{\"b\": 222222222}\n{}\n", small);
  REQUIRE(lines.size() == 3);
  CHECK(!lines[0].error);
  REQUIRE(lines[1].error);
  CHECK(lines[1].error->message == "line 2 is longer than 0 MiB");
  CHECK(!lines[2].error);
}

TEST_CASE("in-place decoding of NDJSON lines from a padded buffer") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  std::string file = with_case("") + "\n" + with_case(R"("severity": 3)") + "\n";
  auto padded = records::PaddedText::copy_of(file);
  auto parts = records::split_json_inputs(padded.view());
  REQUIRE(parts.size() == 2);
  auto r0 = d.decode_json(parts[0].text, padded.capacity_from(parts[0].text.data()));
  CHECK(r0.ok());
  auto r1 = d.decode_json(parts[1].text, padded.capacity_from(parts[1].text.data()));
  CHECK(error_of(r1) == "case.severity: duplicate field");
}

TEST_CASE("a syntax error anywhere wins over a schema error found first") {
  CHECK(json_error(R"({"contract": {"support": "Basic"})").rfind("invalid JSON", 0) == 0);
  CHECK(json_error(R"({"contract": {"support": "Gold"}, "case": [})").rfind("invalid JSON", 0) == 0);
}

TEST_CASE("NDJSON whose first line is broken is still split into lines") {
  auto parts = records::split_json_inputs("not json\n{\"a\": 1}\n");
  REQUIRE(parts.size() == 2);
  CHECK(parts[1].line == 2);
}

namespace {

// A sink that refuses the values of one kind, texts unless told otherwise (as a sink that
// cannot represent a value would), and counts the records and lists it was given, delegating
// the rest to a TreeSink. Booleans, integers and enums reach scalar() through ValueSink's
// defaults of boolean(), integer() and enumeration().
class RefusingSink final : public ir::ValueSink {
 public:
  explicit RefusingSink(const ir::Schema& schema, ir::TypeKind refused = ir::TypeKind::Text)
      : tree(schema), refused(refused) {}
  records::TreeSink tree;
  ir::TypeKind refused;
  int open = 0, opened = 0;

  void begin(size_t n) override { tree.begin(n); }
  Slot input(size_t i, const ir::Type& t) override { return tree.input(i, t); }
  void none(Slot s, const ir::Type& t) override { tree.none(s, t); }
  bool scalar(Slot s, const ir::Type& t, ir::Value&& v, std::string* error) override {
    if (t.kind == refused) {
      *error = t.kind == ir::TypeKind::Text ? "no texts here" : "not this kind";
      return false;
    }
    return tree.scalar(s, t, std::move(v), error);
  }
  Nested begin_record(Slot s, const ir::Type& t) override {
    ++open, ++opened;
    return tree.begin_record(s, t);
  }
  Slot field(Nested& r, const ir::Type& t, size_t i) override { return tree.field(r, t, i); }
  void end_record(Slot s, const ir::Type& t, Nested& r, bool ok) override {
    --open;
    tree.end_record(s, t, r, ok);
  }
  Nested begin_list(Slot s, const ir::Type& t) override {
    ++open, ++opened;
    return tree.begin_list(s, t);
  }
  Slot element(Nested& l, const ir::Type& t) override { return tree.element(l, t); }
  void end_list(Slot s, const ir::Type& t, Nested& l, bool ok) override {
    --open;
    tree.end_list(s, t, l, ok);
  }
};

}  // namespace

TEST_CASE("decode: a value the sink refuses is reported with its path, after the document's own errors") {
  Fixture f;
  Decoder d(f.schema, f.inputs);
  RefusingSink sink(f.schema);

  // The only problem is the sink's: its message, at the text's path.
  auto bad = d.decode_json(with_case(R"("contacts": [{"name": 7}, {"name": "Ann"}])"), sink);
  REQUIRE(bad);  // `7` is not a string: the document's own error comes first
  CHECK(bad->to_string() == "case.contacts[0].name: expected a string, got 7");
  CHECK(sink.open == 0);  // every record and list begun was ended, also on the error

  bad = d.decode_json(with_case(R"("contacts": [{"name": "Ann"}])"), sink);
  REQUIRE(bad);
  CHECK(bad->to_string() == "case.contacts[0].name: no texts here");
  CHECK(sink.open == 0);

  // A document error later in the text still wins over the refused text before it.
  bad = d.decode_json(with_case(R"("contacts": [{"name": "Ann"}], "count": "many")"), sink);
  REQUIRE(bad);
  CHECK(bad->to_string() == "case.count: expected an integer, got \"many\"");
  CHECK(sink.open == 0);

  // Without texts the sink builds what the value decoder builds.
  sink.opened = 0;
  CHECK_FALSE(d.decode_json(with_case(R"("contacts": [])"), sink));
  CHECK(sink.opened == 3);  // contract, case, contacts
  CHECK(sink.tree.values.size() == 3);
  CHECK(sink.tree.values[2].is_none());  // the optional input `reinstatement`
}

TEST_CASE("decode: a boolean, integer or enum the sink refuses is reported with its path") {
  // These take the walker's direct path to the sink (ValueSink::boolean, integer,
  // enumeration), which reports a refusal like scalar()'s.
  Fixture f;
  Decoder d(f.schema, f.inputs);
  RefusingSink bools(f.schema, ir::TypeKind::Bool);
  auto bad = d.decode_json(with_case(R"("urgent": true)"), bools);
  REQUIRE(bad);
  CHECK(bad->to_string() == "case.urgent: not this kind");
  CHECK_FALSE(d.decode_json(with_case(R"("urgent": null)"), bools));  // absent: nothing to refuse

  RefusingSink integers(f.schema, ir::TypeKind::Integer);
  bad = d.decode_json(with_case(""), integers);
  REQUIRE(bad);
  CHECK(bad->to_string() == "contract.technical_contacts: not this kind");  // the first integer

  RefusingSink enums(f.schema, ir::TypeKind::Enum);
  bad = d.decode_json(with_case(R"("count": "many")"), enums);
  REQUIRE(bad);  // the document's own error wins over the refused enum before it
  CHECK(bad->to_string() == "case.count: expected an integer, got \"many\"");
  bad = d.decode_json(with_case(""), enums);
  REQUIRE(bad);
  CHECK(bad->to_string() == "contract.support: not this kind");
}

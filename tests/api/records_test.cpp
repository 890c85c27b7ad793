// Typed records and values of the C++ API: an input built field by field evaluates exactly as
// the same input in JSON (the seed policies' examples and workloads, good and damaged), typed
// values agree with the JSON line, and batches keep input order.
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <proviso/proviso.hpp>

using namespace proviso;
using Json = nlohmann::ordered_json;

namespace {

std::string source_dir() {
  const char* d = std::getenv("PROVISO_SOURCE_DIR");
  return d ? d : PROVISO_SOURCE_DIR;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Policy compile(const std::string& relative, EngineKind kind = EngineKind::Interpreter) {
  EngineOptions o;
  o.engine = kind;
  o.use_cache = false;
  auto r = Engine(o).compile_file(source_dir() + "/" + relative);
  REQUIRE(r.ok());
  return std::move(r.value());
}

// Sets every scalar of `json` (an input object) on `record` through field paths, as a caller
// of the typed API would; false when the input has a list or a key that is no field (such an
// input is only given as JSON).
bool fill(const Policy& policy, Record& record, const Json& value, const std::string& path) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items())
      if (!fill(policy, record, child, path.empty() ? key : path + "." + key)) return false;
    return true;
  }
  if (value.is_array()) return false;
  auto field = policy.field(path);
  if (!field.ok()) return false;
  Field f = field.value();
  if (value.is_null()) return record.set_null(f);
  if (value.is_boolean()) return record.set_bool(f, value.get<bool>());
  if (value.is_number_integer()) return record.set_int(f, value.get<int64_t>());
  if (value.is_number()) return record.set_number(f, value.dump());
  return record.set_text(f, value.get<std::string>());
}

// The JSON form of a typed value, to compare with the JSON line.
Json json_of(const Value& v) {
  switch (v.kind) {
    case Value::Kind::None: return nullptr;
    case Value::Kind::Bool: return v.boolean;
    case Value::Kind::Integer: return v.integer;
    case Value::Kind::Money: return v.text + " " + v.unit;
    case Value::Kind::List: {
      Json a = Json::array();
      for (const Value& item : v.items) a.push_back(json_of(item));
      return a;
    }
    case Value::Kind::Record: {
      Json o = Json::object();
      for (size_t i = 0; i < v.items.size(); ++i) o[v.names[i]] = json_of(v.items[i]);
      return o;
    }
    default: return v.text;
  }
}

// Evaluates `line` as JSON and as a Record; checks both agree. False when it cannot be a Record.
bool agrees(const Policy& policy, Session& json_session, Session& typed_session, Record& record,
            const std::string& line) {
  Json input = Json::parse(line);
  record.clear();
  if (!fill(policy, record, input, "")) return false;
  Evaluation from_json = json_session.evaluate_json(line);
  Evaluation typed = typed_session.evaluate(record);
  INFO(line);
  CHECK(typed.json == from_json.json);
  CHECK(typed.ok == from_json.ok);
  CHECK(typed.error_path == from_json.error_path);
  CHECK(typed.error_message == from_json.error_message);
  if (typed.ok) {
    Json decisions = Json::parse(typed.json)["decisions"];
    REQUIRE(typed.values.size() == typed_session.decisions().size());
    for (size_t i = 0; i < typed.values.size(); ++i) {
      const std::string& name = typed_session.decisions()[i];
      Json expected = decisions[name];
      Json got = json_of(typed.values[i]);
      if (typed.values[i].kind == Value::Kind::Percent) {  // the fraction here, "25%" in JSON
        CHECK_FALSE(typed.values[i].text.empty());
        CHECK(expected.get<std::string>().back() == '%');
      } else {
        CHECK(got == expected);
      }
    }
  }
  return true;
}

// Every line of `ndjson_path`, and a damaged copy of each (one scalar replaced by a wrong value).
void check_workload(const std::string& policy_path, const std::string& ndjson_path, EngineKind kind) {
  Policy policy = compile(policy_path, kind);
  EvalOptions both;
  both.values = true;
  Session json_session = std::move(policy.session().value());
  Session typed_session = std::move(policy.session(both).value());
  Record record = policy.record();
  std::istringstream lines(slurp(source_dir() + "/" + ndjson_path));
  std::string line;
  size_t compared = 0, damaged = 0, n = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if (agrees(policy, json_session, typed_session, record, line)) ++compared;
    // Damage the n-th scalar (cycling): a string, a negative number, a wrong type, null.
    Json input = Json::parse(line);
    std::vector<Json*> leaves;
    std::function<void(Json&)> collect = [&](Json& j) {
      if (j.is_object())
        for (Json& child : j) collect(child);
      else if (!j.is_array())
        leaves.push_back(&j);
    };
    collect(input);
    if (leaves.empty()) continue;
    Json& leaf = *leaves[n % leaves.size()];
    static const Json kBad[] = {"not a value", -7, true, nullptr, "2026-13-40T25:00:00Z", 1.5};
    leaf = kBad[n % std::size(kBad)];
    ++n;
    if (agrees(policy, json_session, typed_session, record, input.dump())) ++damaged;
  }
  CHECK(compared >= 100);
  CHECK(damaged >= 100);
}

}  // namespace

TEST_CASE("records: typed inputs evaluate as JSON does, on the Qlik deadlines workload") {
  check_workload("policies/qlik/oem_maintenance.policy", "policies/qlik/deadlines.ndjson", EngineKind::Interpreter);
}

TEST_CASE("records: typed inputs evaluate as JSON does, on the Qlik deadlines workload with the JIT") {
  // Both decode straight into the JIT's frame (jit::FlatSink), from fields and from JSON.
  check_workload("policies/qlik/oem_maintenance.policy", "policies/qlik/deadlines.ndjson", EngineKind::Auto);
}

TEST_CASE("records: typed inputs evaluate as JSON does, on the triage workload with the JIT") {
  check_workload("policies/bench/triage.policy", "policies/bench/triage.ndjson", EngineKind::Auto);
}

TEST_CASE("records: the seed examples, built field by field") {
  const char* examples[][2] = {
      {"policies/ciq/eula_sla.policy", "policies/ciq/examples/advanced_tokyo_sev1.json"},
      {"policies/ciq/eula_sla.policy", "policies/ciq/examples/premium_by_node.json"},
      {"policies/portrait/support.policy", "policies/portrait/examples/sev1_defect_overdue.json"},
      {"policies/portrait/support.policy", "policies/portrait/examples/sev1_solved_late.json"},
      {"policies/qlik/oem_maintenance.policy", "policies/qlik/examples/basic_london_christmas_eve.json"},
  };
  for (const auto& [policy_path, example] : examples) {
    Policy policy = compile(policy_path);
    EvalOptions both;
    both.values = true;
    Session json_session = std::move(policy.session().value());
    Session typed_session = std::move(policy.session(both).value());
    Record record = policy.record();
    std::string text = slurp(source_dir() + "/" + example);
    INFO(example);
    CHECK(agrees(policy, json_session, typed_session, record, Json::parse(text).dump()));
  }
}

TEST_CASE("records: field paths resolve once, or say why not") {
  Policy policy = compile("policies/qlik/oem_maintenance.policy");
  auto ok = policy.field("case.severity");
  REQUIRE(ok.ok());
  CHECK(ok.value().valid());

  auto no_input = policy.field("kase.severity");
  REQUIRE_FALSE(no_input.ok());
  CHECK(no_input.error().find("no input `kase`") == 0);
  CHECK(no_input.error().find("case") != std::string::npos);

  auto no_field = policy.field("case.sevrity");
  REQUIRE_FALSE(no_field.ok());
  CHECK(no_field.error().find("no field `sevrity` in `case`") == 0);
  CHECK(no_field.error().find("severity") != std::string::npos);

  auto scalar = policy.field("case.severity.level");
  REQUIRE_FALSE(scalar.ok());
  CHECK(scalar.error().find("`case.severity` is not a record") == 0);

  // A field of another policy sets nothing.
  Policy other = compile("policies/qlik/oem_maintenance.policy");
  Record record = other.record();
  CHECK_FALSE(record.set_int(ok.value(), 1));
  CHECK_FALSE(record.set_int(Field(), 1));

  // A record of another policy is refused by the session.
  Session s = std::move(policy.session().value());
  Evaluation e = s.evaluate(record);
  CHECK_FALSE(e.ok);
  CHECK(e.error_message == "the record was made by another policy");
}

TEST_CASE("records: null against fields, missing required fields, an absent optional input") {
  Policy policy = compile("policies/qlik/oem_maintenance.policy");
  Session s = std::move(policy.session().value());
  Record record = policy.record();
  Evaluation empty = s.evaluate(record);
  CHECK_FALSE(empty.ok);
  CHECK(empty.json == s.evaluate_json("{}").json);

  // Text that is not UTF-8: the field's error.
  Field channel = policy.field("case.channel").value();
  record.set_text(channel, "Ph\xffone");
  Evaluation bad_text = s.evaluate(record);
  CHECK(bad_text.error_path == "case.channel");
  CHECK(bad_text.error_message == "the text is not valid UTF-8");
  record.clear();

  // `case` set to null while one of its fields is set: an error naming `case`.
  Field severity = policy.field("case.severity").value();
  Field whole = policy.field("case").value();
  record.set_int(severity, 2);
  record.set_null(whole);
  Evaluation both = s.evaluate(record);
  CHECK_FALSE(both.ok);
  CHECK(both.error_path == "case");
  CHECK(both.error_message == "set to null, and fields of it are set too");
}

TEST_CASE("records: batches keep input order, over NDJSON and over records") {
  Policy policy = compile("policies/bench/triage.policy");
  Session s = std::move(policy.session().value());
  std::string text = slurp(source_dir() + "/policies/bench/triage.ndjson");
  std::vector<Evaluation> batch = s.evaluate_batch(text + "\n\n{\"case\": 1}\n");
  std::istringstream lines(text);
  std::string line;
  size_t i = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    REQUIRE(i < batch.size());
    CHECK(batch[i++].json == s.evaluate_json(line).json);
  }
  REQUIRE(batch.size() == i + 1);  // the blank lines are skipped, the bad line is a result
  CHECK_FALSE(batch.back().ok);
  CHECK(batch.back().error_path == "case");
  CHECK(s.evaluate_ndjson(text).size() > text.size() / 2);

  std::vector<Record> records;
  Field severity = policy.field("case.severity").value();
  for (int64_t sev : {1, 2, 3, 9}) {
    Record r = policy.record();
    r.set_int(severity, sev);
    records.push_back(std::move(r));
  }
  std::vector<Evaluation> typed = s.evaluate_batch(records);
  REQUIRE(typed.size() == 4);
  // Each is missing its other fields: the same first error as the JSON input.
  for (size_t k = 0; k < typed.size(); ++k) {
    std::string json = "{\"case\": {\"severity\": " + std::to_string(k == 3 ? 9 : k + 1) + "}}";
    CHECK(typed[k].json == s.evaluate_json(json).json);
  }
}

TEST_CASE("records: the content hash follows the source text") {
  auto a = Engine().compile_text("policy t.a \"A\"\ninput x { a: integer }\ndecision d: integer clause \"1\" = x.a\n",
                                 "a.policy");
  auto b = Engine().compile_text("policy t.a \"A\"\ninput x { a: integer }\ndecision d: integer clause \"1\" = x.a\n",
                                 "b.policy");
  auto c = Engine().compile_text(
      "policy t.a \"A\"\ninput x { a: integer }\ndecision d: integer clause \"1\" = x.a + 0\n", "a.policy");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(c.ok());
  const std::string& h = a.value().info().content_hash;
  CHECK(h.rfind("sha256:", 0) == 0);
  CHECK(h.size() == 7 + 64);
  CHECK(h == b.value().info().content_hash);  // the text, not the name
  CHECK(h != c.value().info().content_hash);
}

TEST_CASE("records: the schema's fields in the metadata, and the engine's input limits") {
  Policy policy = compile("policies/qlik/oem_maintenance.policy");
  const auto& fields = policy.info().fields;
  auto find = [&](const std::string& path) -> const PolicyInfo::Field* {
    for (const auto& f : fields)
      if (f.path == path) return &f;
    return nullptr;
  };
  REQUIRE(find("case"));
  REQUIRE(find("case.severity"));
  CHECK(find("case.severity")->type == "integer 1..3");
  CHECK_FALSE(find("case.severity")->optional);
  for (const auto& f : fields) CHECK(policy.field(f.path).ok());  // every listed path resolves

  EngineOptions o;
  o.engine = EngineKind::Interpreter;
  o.limits.max_string_bytes = 8;
  auto strict = Engine(o).compile_file(source_dir() + "/policies/qlik/oem_maintenance.policy");
  REQUIRE(strict.ok());
  Session s = std::move(strict.value().session().value());
  std::istringstream lines(slurp(source_dir() + "/policies/qlik/deadlines.ndjson"));
  std::string line;
  std::getline(lines, line);
  Evaluation e = s.evaluate_json(line);
  CHECK_FALSE(e.ok);
  CHECK(e.error_message == "string longer than 8 bytes");
  Record r = strict.value().record();
  r.set_text(strict.value().field("case.reported_at").value(), "2026-03-02T09:00:00Z");
  Evaluation typed = s.evaluate(r);
  CHECK(typed.error_path == "case.reported_at");
  CHECK(typed.error_message == "string longer than 8 bytes");
}

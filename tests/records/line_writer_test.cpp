// The direct line writer (write_decisions_line, write_error_line) against nlohmann's compact
// dump of encode_decisions / encode_error, byte for byte: every decision of the seed workloads
// and examples, and crafted values (escapes, non-ASCII and invalid UTF-8 text, lists, records),
// written with and without a LinePlan.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"
#include "compiler/interp/interpreter.h"
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"

using namespace proviso;

namespace {

std::string source_dir() {
  const char* d = std::getenv("PROVISO_SOURCE_DIR");
  return d ? d : PROVISO_SOURCE_DIR;
}

std::string dumped(const records::Json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string written(const ir::Program& p, const std::vector<std::pair<int32_t, ir::Value>>& decisions,
                    const rt::Zone* zone) {
  std::string out = "prefix:";  // appends, never replaces
  records::write_decisions_line(out, p, decisions, zone);
  REQUIRE(out.rfind("prefix:", 0) == 0);
  // With the program's LinePlan (keys and enum members written once): the same bytes.
  std::string planned = "prefix:";
  records::LinePlan plan(p);
  records::write_decisions_line(planned, p, decisions, zone, &plan);
  CHECK(planned == out);
  for (const auto& [value, v] : decisions) {
    const std::string* key = plan.key(value);
    REQUIRE(key);
    CHECK(*key == "\"" + p.values[static_cast<size_t>(value)].name + "\":");
  }
  return out.substr(7);
}

size_t check_workload(const std::string& policy, const std::string& ndjson) {
  auto compiled = driver::compile_file(source_dir() + "/" + policy);
  REQUIRE(compiled.ok());
  const ir::Program& p = *compiled.program;
  interp::Interpreter interp(p);
  records::Decoder decoder(p);
  std::ifstream in(source_dir() + "/" + ndjson);
  std::string line;
  size_t compared = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    records::DecodeResult d = decoder.decode_json(line);
    if (!d.ok()) {
      std::string out;
      records::write_error_line(out, d.error->path, d.error->message);
      CHECK(out == dumped(records::encode_error(d.error->path, d.error->message)));
      continue;
    }
    ir::EvalResult r = interp.evaluate(d.values);
    if (!r.ok) continue;
    INFO(line);
    CHECK(written(p, r.decisions, r.home_zone) == dumped(records::encode_decisions(p, r.decisions, r.home_zone)));
    ++compared;
  }
  return compared;
}

}  // namespace

TEST_CASE("line writer: the seed workloads, byte for byte") {
  CHECK(check_workload("policies/qlik/oem_maintenance.policy", "policies/qlik/deadlines.ndjson") >= 1000);
  CHECK(check_workload("policies/bench/triage.policy", "policies/bench/triage.ndjson") >= 500);
}

TEST_CASE("line writer: escapes, non-ASCII text, lists, records and none") {
  auto compiled =
      driver::compile_source(std::make_shared<const SourceFile>("w.policy",
                                                                "policy w \"W\"\n"
                                                                "record Pair {\n  name: text\n  n: integer?\n}\n"
                                                                "input x {\n  t: text\n  p: Pair\n}\n"
                                                                "decision a: text  clause \"1\" = x.t\n"
                                                                "decision b: list of text  clause \"2\" = [x.t, x.t]\n"
                                                                "decision c: integer?  clause \"3\" = none\n"
                                                                "decision d: Pair  clause \"4\" = x.p\n"
                                                                "decision e: bool  clause \"5\" = true\n"));
  REQUIRE(compiled.ok());
  const ir::Program& p = *compiled.program;
  const std::string texts[] = {"plain",
                               "quote \" and backslash \\",
                               "controls \b\f\n\r\t\x01\x1f\x7f",
                               "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                               "bad \xff\xfe utf-8 \xc3",
                               ""};
  for (const std::string& t : texts) {
    std::vector<std::pair<int32_t, ir::Value>> decisions;
    decisions.emplace_back(p.find_value("a"), ir::Value(t));
    decisions.emplace_back(p.find_value("b"), ir::Value::list({ir::Value(t), ir::Value(std::string("x"))}));
    decisions.emplace_back(p.find_value("c"), ir::Value::none());
    decisions.emplace_back(p.find_value("d"), ir::Value::record({ir::Value(t), ir::Value(int64_t{-42})}));
    decisions.emplace_back(p.find_value("e"), ir::Value(true));
    INFO(t);
    CHECK(written(p, decisions, nullptr) == dumped(records::encode_decisions(p, decisions, nullptr)));
    std::string error;
    records::write_error_line(error, "case." + t, t, "w.policy:3:1");
    records::Json expected = records::encode_error("case." + t, t);
    expected["error"]["location"] = "w.policy:3:1";
    CHECK(error == dumped(expected));
  }
}

TEST_CASE("line writer: a LinePlan has keys for decisions and strings for members, nothing else") {
  auto compiled = driver::compile_file(source_dir() + "/tests/grammar/data/every_construct.policy");
  REQUIRE(compiled.ok());
  const ir::Program& p = *compiled.program;
  records::LinePlan plan(p);
  size_t others = 0;
  for (size_t v = 0; v < p.values.size(); ++v) {
    bool decision = std::find(p.decisions.begin(), p.decisions.end(), static_cast<int32_t>(v)) != p.decisions.end();
    CHECK((plan.key(static_cast<int32_t>(v)) != nullptr) == decision);
    others += decision ? 0 : 1;
  }
  CHECK(others > 0);  // the policy has lets, which are not written
  CHECK(plan.key(-1) == nullptr);
  CHECK(plan.key(static_cast<int32_t>(p.values.size())) == nullptr);
  REQUIRE(!p.schema.enums.empty());
  const ir::EnumDef& first = p.schema.enums[0];
  REQUIRE(plan.member(0, 0));
  CHECK(*plan.member(0, 0) == "\"" + first.members[0] + "\"");
  CHECK(plan.member(0, static_cast<int32_t>(first.members.size())) == nullptr);
  CHECK(plan.member(-1, 0) == nullptr);
  CHECK(plan.member(static_cast<int32_t>(p.schema.enums.size()), 0) == nullptr);
}

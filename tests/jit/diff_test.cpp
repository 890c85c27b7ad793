// Differential tests: every seed policy evaluated by the interpreter and the JIT on random
// inputs from its schema, on its own test cases and on its NDJSON workload, with identical
// results demanded (decisions, or error message + path + location).
// PROVISO_DIFF_COUNT=10000 runs 10,000 random inputs per policy (default 300).
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"
#include "compiler/interp/interpreter.h"
#include "compiler/jit/jit.h"
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"
#include "tests/jit/diff_support.h"

using namespace proviso;

namespace {

std::string show_inputs(const ir::Program& p, const std::vector<ir::Value>& inputs) {
  std::string s;
  for (size_t i = 0; i < inputs.size(); ++i)
    s += fmt::format("{} = {}\n", p.inputs[i].name,
                     records::format_value(inputs[i], p.inputs[i].type, p.schema, nullptr));
  return s;
}

struct Tally {
  size_t runs = 0, errors = 0, mismatches = 0;
};

void check_one(const ir::Program& p, const interp::Interpreter& interp, const jit::CompiledPolicy& compiled,
               const std::vector<ir::Value>& inputs, Tally& tally, const char* origin) {
  ir::EvalResult expected = interp.evaluate(inputs);
  ir::EvalResult actual = compiled.evaluate(inputs);
  ++tally.runs;
  tally.errors += expected.ok ? 0 : 1;
  std::string diff = jit_test::difference(p, expected, actual);
  if (!diff.empty()) {
    ++tally.mismatches;
    if (tally.mismatches <= 5) FAIL_CHECK(origin << ": " << diff << "\ninputs:\n" << show_inputs(p, inputs));
  }
}

std::vector<std::vector<ir::Value>> ndjson_records(const ir::Program& p, const std::string& path, size_t limit) {
  std::vector<std::vector<ir::Value>> out;
  std::ifstream in(path);
  if (!in) return out;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  records::Decoder decoder(p);
  for (const auto& part : records::split_json_inputs(text)) {
    if (part.error) continue;
    auto r = decoder.decode_json(part.text);
    if (r.ok()) out.push_back(std::move(r.values));
    if (out.size() >= limit) break;
  }
  return out;
}

void diff_tier(const std::string& relative, const std::string& ndjson, jit::JitOptions::Tiering tiering) {
  std::string path = jit_test::source_dir() + "/" + relative;
  driver::CompileResult compiled = driver::compile_file(path);
  const char* tier = tiering == jit::JitOptions::Tiering::Quick ? "quick tier" : "optimised";
  INFO(relative << ", " << tier);
  REQUIRE(compiled.ok());
  const ir::Program& p = *compiled.program;
  jit::JitOptions options;
  options.use_cache = false;
  options.tiering = tiering;
  auto jitted = jit::CompiledPolicy::create(p, options);
  INFO(jitted.status.message);
  REQUIRE(jitted.ok());
  interp::Interpreter interp(p);
  Tally tally;
  for (const auto& inputs : jit_test::test_case_inputs(p, interp))
    check_one(p, interp, *jitted.policy, inputs, tally, "test case");
  if (!ndjson.empty())
    for (const auto& inputs :
         ndjson_records(p, jit_test::source_dir() + "/" + ndjson, static_cast<size_t>(jit_test::diff_count(300))))
      check_one(p, interp, *jitted.policy, inputs, tally, "ndjson record");
  jit_test::InputGenerator gen(p, 0x5eed0000u + std::hash<std::string>{}(relative));
  int n = jit_test::diff_count(300);
  for (int i = 0; i < n; ++i) check_one(p, interp, *jitted.policy, gen.next(), tally, "random input");
  WARN(fmt::format("{}, {}: {} evaluations compared ({} evaluation errors), {} mismatches", relative, tier, tally.runs,
                   tally.errors, tally.mismatches));
  CHECK(tally.mismatches == 0);
}

// Both kinds of code a policy can run on: the quick tier (what answers first after a cache
// miss) and the optimised code.
void diff_policy(const std::string& relative, const std::string& ndjson = "") {
  diff_tier(relative, ndjson, jit::JitOptions::Tiering::Optimised);
  diff_tier(relative, ndjson, jit::JitOptions::Tiering::Quick);
}

}  // namespace

TEST_CASE("JIT agrees with the interpreter: bench triage") {
  diff_policy("policies/bench/triage.policy", "policies/bench/triage.ndjson");
}
TEST_CASE("JIT agrees with the interpreter: qlik oem maintenance") {
  diff_policy("policies/qlik/oem_maintenance.policy", "policies/qlik/deadlines.ndjson");
}
TEST_CASE("JIT agrees with the interpreter: qlik partner duties") {
  diff_policy("policies/qlik/partner_duties.policy");
}
TEST_CASE("JIT agrees with the interpreter: ciq eula sla") { diff_policy("policies/ciq/eula_sla.policy"); }
TEST_CASE("JIT agrees with the interpreter: portrait support") { diff_policy("policies/portrait/support.policy"); }
TEST_CASE("JIT agrees with the interpreter: semantics suite") { diff_policy("tests/policies/semantics.policy"); }
TEST_CASE("JIT agrees with the interpreter: enums of one and two bytes") {
  diff_policy("tests/policies/wide_enums.policy");
}
TEST_CASE("JIT agrees with the interpreter: every construct") {
  diff_policy("tests/grammar/data/every_construct.policy", "tests/golden/explain/every_construct.json");
}
TEST_CASE("JIT agrees with the interpreter: explain golden policy") {
  diff_policy("tests/golden/explain/response.policy");
}
TEST_CASE("JIT agrees with the interpreter: regional desk (hours chosen by the inputs)") {
  diff_policy("policies/examples/regional_desk.policy");
}

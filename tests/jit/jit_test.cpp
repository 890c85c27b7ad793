// Unit tests of the JIT: the fast paths (sessions, batches, subsets) against evaluate(), the
// object cache (hits, damaged and stale entries, no cache), errors with their locations, and
// concurrent evaluation.
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"
#include "compiler/driver/evaluation_check.h"
#include "compiler/interp/interpreter.h"
#include "compiler/jit/jit.h"
#include "compiler/records/decode.h"
#include "compiler/sema/check.h"
#include "grammar/parser.h"
#include "tests/jit/diff_support.h"

using namespace proviso;

namespace {

std::shared_ptr<const ir::Program> compile_path(const std::string& relative) {
  auto r = driver::compile_file(jit_test::source_dir() + "/" + relative);
  REQUIRE(r.ok());
  return r.program;
}

std::shared_ptr<const ir::Program> compile_text(const std::string& body) {
  std::string text = "policy t \"Test\"\n  home zone zone \"America/New_York\"\n" + body;
  auto r = driver::compile_source(std::make_shared<const SourceFile>("test.policy", std::move(text)));
  INFO(body);
  for (const auto& d : r.diagnostics.items()) INFO(d.message);
  REQUIRE(r.ok());
  return r.program;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int n = 0;
    path = std::filesystem::temp_directory_path() / fmt::format("proviso-jit-test-{}-{}", ::getpid(), n++);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::vector<std::vector<ir::Value>> triage_records(const ir::Program& p, size_t limit = 1000) {
  std::ifstream in(jit_test::source_dir() + "/policies/bench/triage.ndjson");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  records::Decoder decoder(p);
  std::vector<std::vector<ir::Value>> out;
  for (const auto& part : records::split_json_inputs(text)) {
    auto r = decoder.decode_json(part.text);
    if (r.ok()) out.push_back(std::move(r.values));
    if (out.size() >= limit) break;
  }
  return out;
}

jit::JitOptions no_cache() {
  jit::JitOptions o;
  o.use_cache = false;
  return o;
}

}  // namespace

TEST_CASE("triage: the JIT computes the benchmark's response table") {
  auto p = compile_path("policies/bench/triage.policy");
  auto jitted = jit::CompiledPolicy::create(*p, no_cache());
  REQUIRE(jitted.ok());
  records::Decoder decoder(*p);
  auto r = decoder.decode_json(
      R"({"case":{"tier":"Enterprise","severity":1,"channel":"Portal","region_matches":true,"version_supported":true,)"
      R"("evaluation_license":false,"fees_paid":true,"reproducible":true}})");
  REQUIRE(r.ok());
  ir::EvalResult out = jitted.policy->evaluate(r.values);
  REQUIRE(out.ok);
  REQUIRE(out.decisions.size() == 5);
  auto value_of = [&](const char* name) {
    for (auto& [v, x] : out.decisions)
      if (p->values[v].name == name) return x;
    FAIL(name);
    return ir::Value();
  };
  CHECK(value_of("covered").as_bool());
  CHECK(value_of("exclusion").is_none());
  CHECK(value_of("initial_response_minutes").as_int() == 60);
  CHECK(value_of("business_hours_only").as_bool());
  CHECK(value_of("comm_frequency_hours").as_int() == 24);
}

TEST_CASE("the layout is compact: narrow enums, fields by alignment, no padding between") {
  auto p = compile_path("policies/bench/triage.policy");
  jit::Layout layout(*p);
  int rec = p->inputs[0].type.id;
  const ir::RecordDef& c = p->schema.records[static_cast<size_t>(rec)];
  auto offset = [&](const char* name) { return layout.field_offset(rec, c.find(name)); };
  // The integer first, then the one-byte enums and booleans in declaration order.
  CHECK(offset("severity") == 0);
  CHECK(offset("tier") == 8);
  CHECK(offset("channel") == 9);
  CHECK(offset("region_matches") == 10);
  CHECK(offset("reproducible") == 14);
  CHECK(layout.record_slot(rec).size == 16);
  CHECK(layout.record_slot(rec).align == 8);

  auto wide = compile_path("tests/policies/wide_enums.policy");
  jit::Layout wl(*wide);
  ir::Type country = wide->schema.records[static_cast<size_t>(wide->inputs[0].type.id)]
                         .fields[static_cast<size_t>(
                             wide->schema.records[static_cast<size_t>(wide->inputs[0].type.id)].find("country"))]
                         .type;
  CHECK(wl.enum_bytes(country) == 2);  // 300 members
  CHECK(wl.value_slot(country).size == 2);
  CHECK(wl.slot(country.as_optional()).size == 4);  // the tag, then the value at its alignment

  // value_offset, inline for some kinds, agrees with value_slot's alignment for every kind.
  for (int k = static_cast<int>(ir::TypeKind::Bool); k <= static_cast<int>(ir::TypeKind::List); ++k) {
    ir::Type t = ir::Type::of(static_cast<ir::TypeKind>(k));
    if (t.kind == ir::TypeKind::Enum) t = country;
    if (t.kind == ir::TypeKind::Record) t = wide->inputs[0].type.as_required();
    if (t.kind == ir::TypeKind::List) t.elem = std::make_shared<const ir::Type>(ir::Type::of(ir::TypeKind::Text));
    INFO("kind " << k);
    CHECK(wl.value_offset(t.as_required()) == 0);
    CHECK(wl.value_offset(t.as_optional()) == std::max<uint32_t>(1, wl.value_slot(t.as_required()).align));
  }
}

TEST_CASE("sessions and batches give what evaluate() gives") {
  auto p = compile_path("policies/qlik/oem_maintenance.policy");
  auto jitted = jit::CompiledPolicy::create(*p, no_cache());
  REQUIRE(jitted.ok());
  const auto& policy = *jitted.policy;
  jit_test::InputGenerator gen(*p, 7);
  std::vector<std::vector<ir::Value>> inputs;
  std::vector<jit::FlatRecord> flat(200);
  std::vector<const uint8_t* const*> pointers;
  for (size_t i = 0; i < flat.size(); ++i) {
    inputs.push_back(gen.next());
    std::string why;
    REQUIRE(policy.flatten(inputs.back(), &flat[i], &why));
    pointers.push_back(flat[i].pointers());
  }
  jit::Session session(policy);
  size_t failures = session.run_batch(pointers.data(), pointers.size());
  size_t expected_failures = 0;
  for (size_t i = 0; i < flat.size(); ++i) {
    ir::EvalResult direct = policy.evaluate(inputs[i]);
    expected_failures += direct.ok ? 0 : 1;
    CHECK((session.batch_status(i) == 0) == direct.ok);
    CHECK(jit_test::difference(*p, direct, session.batch_result(i, flat[i])).empty());
    session.run(flat[i]);
    CHECK(jit_test::difference(*p, direct, session.result(flat[i])).empty());
  }
  CHECK(failures == expected_failures);
}

TEST_CASE("flattening checks ranges and enum members (generated code relies on them)") {
  auto p = compile_path("policies/bench/triage.policy");
  auto jitted = jit::CompiledPolicy::create(*p, no_cache());
  REQUIRE(jitted.ok());
  auto records = triage_records(*p, 1);
  REQUIRE(records.size() == 1);
  const ir::RecordDef& def = p->schema.records[p->inputs[0].type.id];
  auto with_field = [&](const char* name, ir::Value v) {
    std::vector<ir::Value> in = records[0];
    ir::ValueList fields = in[0].as_record();
    fields[def.find(name)] = std::move(v);
    in[0] = ir::Value::record(std::move(fields));
    return in;
  };
  jit::FlatRecord flat;
  std::string why;
  for (int64_t severity : {1, 3})
    CHECK(jitted.policy->flatten(with_field("severity", ir::Value(severity)), &flat, &why));
  CHECK_FALSE(jitted.policy->flatten(with_field("severity", ir::Value(int64_t{4})), &flat, &why));
  CHECK(why == "the input `case.severity`: expected an integer from 1 to 3, got 4");
  CHECK_FALSE(jitted.policy->flatten(with_field("severity", ir::Value(int64_t{0})), &flat, &why));
  CHECK(why == "the input `case.severity`: expected an integer from 1 to 3, got 0");
  CHECK_FALSE(jitted.policy->flatten(with_field("tier", ir::Value(ir::EnumValue{2})), &flat, &why));
  CHECK(why == "the input `case.tier`: `Tier` has no member number 2 (it has 2)");
  ir::EvalResult r = jitted.policy->evaluate(with_field("tier", ir::Value(ir::EnumValue{-1})));
  CHECK_FALSE(r.ok);
  CHECK(r.error.message == "`Tier` has no member number -1 (it has 2)");
  CHECK(r.error.path == "case.tier");
}

TEST_CASE("an input the JIT cannot take names the path of the wrong value") {
  auto p = compile_text(R"(
record Line { units: integer 1..9 }
input order { lines: list of Line }
decision total: integer  clause "1" = sum l in order.lines: l.units
)");
  auto jitted = jit::CompiledPolicy::create(*p, no_cache());
  REQUIRE(jitted.ok());
  auto line = [](int64_t units) { return ir::Value::record({ir::Value(units)}); };
  std::vector<ir::Value> in = {ir::Value::record({ir::Value::list({line(2), line(12)})})};
  jit::FlatRecord flat;
  std::string why;
  CHECK_FALSE(jitted.policy->flatten(in, &flat, &why));
  CHECK(why == "the input `order.lines[1].units`: expected an integer from 1 to 9, got 12");
  ir::EvalResult r = jitted.policy->evaluate(in);
  CHECK_FALSE(r.ok);
  CHECK(r.error.path == "order.lines[1].units");
  // The decoder's wording for the same value (records::check_ranges).
  CHECK(r.error.message == "expected an integer from 1 to 9, got 12");
  ir::EvalResult missing = jitted.policy->evaluate({ir::Value::none()});
  CHECK(missing.error.path == "order");
  CHECK(missing.error.message == "missing required input");
}

TEST_CASE("lists read by first() and is_empty(): early exit only where nothing else can tell") {
  // `pure` qualifies for the chain of tests that stops early; `counted` is also counted, and
  // `risky` has a condition that overflows for a large x.n (the interpreter evaluates every
  // condition, so the failure must be reported even after an earlier condition holds).
  auto p = compile_text(R"(
input x {
  a: integer 0..10
  c: bool
  n: integer
}
let pure: list of text = collect { "low" when x.a < 3, "off" when not x.c, "mid" when x.a == 5 }
let counted: list of text = collect { "low" when x.a < 3, "off" when not x.c }
let risky: list of text = collect { "low" when x.a < 3, "big" when x.n * x.n > 4 }
decision first_pure: text? = first(pure)
decision none_pure: bool = is_empty(pure)
decision first_counted: text? = first(counted)
decision how_many: integer = count(counted)
decision first_risky: text? = first(risky)
)");
  auto jitted = jit::CompiledPolicy::create(*p, no_cache());
  REQUIRE(jitted.ok());
  interp::Interpreter interp(*p);
  const ir::RecordDef& def = p->schema.records[p->inputs[0].type.id];
  size_t compared = 0, failures = 0;
  for (int64_t a : {0, 2, 3, 5, 10})
    for (bool c : {false, true})
      for (int64_t n : {int64_t{0}, int64_t{9}, int64_t{4000000000}}) {
        ir::ValueList fields(def.fields.size());
        fields[def.find("a")] = ir::Value(a);
        fields[def.find("c")] = ir::Value(c);
        fields[def.find("n")] = ir::Value(n);
        std::vector<ir::Value> in = {ir::Value::record(std::move(fields))};
        ir::EvalResult want = interp.evaluate(in);
        CHECK(jit_test::difference(*p, want, jitted.policy->evaluate(in)).empty());
        failures += want.ok ? 0 : 1;
        ++compared;
      }
  CHECK(compared == 30);
  CHECK(failures == 10);  // every input with x.n = 4e9: `risky` overflows even when x.a < 3
}

TEST_CASE("a subset of decisions, in the order asked, errors included") {
  auto p = compile_path("policies/qlik/oem_maintenance.policy");
  auto jitted = jit::CompiledPolicy::create(*p, no_cache());
  REQUIRE(jitted.ok());
  interp::Interpreter interp(*p);
  ir::EvalOptions options;
  options.decisions = {p->decisions[3], p->decisions[0]};
  jit_test::InputGenerator gen(*p, 11);
  for (int i = 0; i < 200; ++i) {
    auto in = gen.next();
    CHECK(jit_test::difference(*p, interp.evaluate(in, options), jitted.policy->evaluate(in, options)).empty());
  }
  options.explain = true;  // answered by the interpreter
  auto in = gen.next();
  auto e = interp.evaluate(in, options);
  auto a = jitted.policy->evaluate(in, options);
  CHECK(a.explanations.size() == e.explanations.size());
}

TEST_CASE("evaluation errors name the same message, path and location") {
  auto p = compile_text(R"(
input case {
  n: integer
  m: integer?
  k: integer 0..9
}
let doubled: integer 1..3 = case.n * 2
decision big: integer  clause "1" = case.n * 1000000000000
decision small: integer  clause "2" = doubled
decision pick: text  clause "3" = match case.k { 0..3 => "low", 4..6 => "mid", else => "high" }
decision must: integer  clause "4" = case.m ?? 0
)");
  auto jitted = jit::CompiledPolicy::create(*p, no_cache());
  INFO(jitted.status.message);
  REQUIRE(jitted.ok());
  interp::Interpreter interp(*p);
  for (int64_t n : {int64_t{1}, int64_t{2}, int64_t{-5}, int64_t{10000000}, INT64_MAX}) {
    for (int64_t k : {0, 5, 9}) {
      std::vector<ir::Value> in = {ir::Value::record({ir::Value(n), ir::Value::none(), ir::Value(k)})};
      auto e = interp.evaluate(in);
      auto a = jitted.policy->evaluate(in);
      INFO("n = " << n << ", k = " << k);
      CHECK(jit_test::difference(*p, e, a).empty());
      if (!e.ok) CHECK(a.error.loc >= 0);
    }
  }
}

TEST_CASE("the object cache: miss, hit, damaged and stale entries, no cache") {
  auto p = compile_path("policies/qlik/oem_maintenance.policy");
  TempDir dir;
  jit::JitOptions options;
  options.cache_dir = dir.path.string();

  auto first = jit::CompiledPolicy::create(*p, options);
  REQUIRE(first.ok());
  CHECK_FALSE(first.policy->info().cache_hit);
  CHECK(first.policy->info().compile_ms > 0);
  std::string path = first.policy->info().cache_path;
  REQUIRE(std::filesystem::exists(path));
  CHECK(first.policy->info().object_bytes > 0);

  auto second = jit::CompiledPolicy::create(*p, options);
  REQUIRE(second.ok());
  CHECK(second.policy->info().cache_hit);
  CHECK(second.policy->info().cache_load_ms > 0);

  jit_test::InputGenerator gen(*p, 3);
  for (int i = 0; i < 100; ++i) {
    auto in = gen.next();
    CHECK(jit_test::difference(*p, first.policy->evaluate(in), second.policy->evaluate(in)).empty());
  }

  SECTION("a damaged entry is rebuilt") {
    {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(path) - 10));
      f.put('\x5a');
    }
    auto third = jit::CompiledPolicy::create(*p, options);
    REQUIRE(third.ok());
    CHECK_FALSE(third.policy->info().cache_hit);
    CHECK(third.policy->info().cache_note.find("forged or altered") != std::string::npos);
    auto fourth = jit::CompiledPolicy::create(*p, options);
    REQUIRE(fourth.ok());
    CHECK(fourth.policy->info().cache_hit);
  }
  SECTION("a truncated entry is rebuilt") {
    std::filesystem::resize_file(path, 20);
    auto third = jit::CompiledPolicy::create(*p, options);
    REQUIRE(third.ok());
    CHECK_FALSE(third.policy->info().cache_hit);
    CHECK(jit::CompiledPolicy::create(*p, options).policy->info().cache_hit);
  }
  SECTION("an entry for another key is stale") {
    {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(16);  // the first byte of the key
      f.put('\x00');
      f.seekp(17);
      f.put('\x01');
    }
    auto third = jit::CompiledPolicy::create(*p, options);
    REQUIRE(third.ok());
    CHECK_FALSE(third.policy->info().cache_hit);
    CHECK(third.policy->info().cache_note.find("stale") != std::string::npos);
  }
  SECTION("the cache can be skipped") {
    options.use_cache = false;
    auto third = jit::CompiledPolicy::create(*p, options);
    REQUIRE(third.ok());
    CHECK_FALSE(third.policy->info().cache_hit);
    CHECK(third.policy->info().cache_path.empty());
  }
  SECTION("another program is another entry") {
    auto other = compile_path("policies/bench/triage.policy");
    auto third = jit::CompiledPolicy::create(*other, options);
    REQUIRE(third.ok());
    CHECK_FALSE(third.policy->info().cache_hit);
    CHECK(third.policy->info().cache_path != path);
  }
}

TEST_CASE("compiled policies are thread-safe and unload cleanly") {
  auto p = compile_path("policies/bench/triage.policy");
  auto records = triage_records(*p, 400);
  interp::Interpreter interp(*p);
  for (int round = 0; round < 3; ++round) {
    auto jitted = jit::CompiledPolicy::create(*p, no_cache());
    REQUIRE(jitted.ok());
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (const auto& r : records)
          if (!jit_test::difference(*p, interp.evaluate(r), jitted.policy->evaluate(r)).empty()) ++mismatches;
      });
    }
    for (auto& t : threads) t.join();
    CHECK(mismatches == 0);
  }
}

TEST_CASE("tiered: quick code answers at once, the optimised code replaces it and is cached") {
  auto p = compile_path("policies/qlik/oem_maintenance.policy");
  interp::Interpreter interp(*p);
  jit_test::InputGenerator gen(*p, 11);
  std::vector<std::vector<ir::Value>> inputs;
  for (int i = 0; i < 200; ++i) inputs.push_back(gen.next());
  std::vector<jit::FlatRecord> flat(inputs.size());
  TempDir dir;
  jit::JitOptions options;
  options.cache_dir = dir.path.string();
  options.tiering = jit::JitOptions::Tiering::Tiered;

  auto created = jit::CompiledPolicy::create(*p, options);
  REQUIRE(created.ok());
  const jit::CompiledPolicy& policy = *created.policy;
  CHECK(policy.info().tiered);
  CHECK_FALSE(policy.info().cache_hit);
  CHECK(policy.info().compile_ms > 0);
  CHECK(policy.info().cache_note.find("compiled a quick tier; the optimised code goes to `") == 0);
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::string why;
    REQUIRE(policy.flatten(inputs[i], &flat[i], &why));
  }

  // Evaluations on two threads run across the switch from the quick code to the optimised
  // code: every answer is the interpreter's, whichever code gave it.
  std::atomic<bool> optimised{false};
  std::atomic<int> mismatches{0}, evaluations{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      jit::Session session(policy);
      for (int pass = 0; pass < 1000; ++pass) {
        bool last = optimised.load();
        for (size_t i = 0; i < inputs.size(); ++i) {
          ir::EvalResult expected = interp.evaluate(inputs[i]);
          ir::EvalResult got = t == 0 ? policy.evaluate(inputs[i]) : (session.run(flat[i]), session.result(flat[i]));
          if (!jit_test::difference(*p, expected, got).empty()) ++mismatches;
          ++evaluations;
        }
        if (last) break;  // one whole pass after the switch
      }
    });
  }
  jit::CompileInfo info = policy.wait_optimised();
  optimised = true;
  for (auto& t : threads) t.join();
  CHECK(mismatches == 0);
  CHECK(evaluations > 0);

  INFO(info.optimised_error);
  CHECK(info.optimised_error.empty());
  CHECK(info.optimised_ms >= info.compile_ms);
  CHECK(info.object_bytes > 0);
  CHECK(info.cache_note == fmt::format("compiled; wrote `{}`", info.cache_path));
  CHECK(std::filesystem::exists(info.cache_path));

  auto again = jit::CompiledPolicy::create(*p, options);
  REQUIRE(again.ok());
  CHECK(again.policy->info().cache_hit);
  CHECK_FALSE(again.policy->info().tiered);
  CHECK(again.policy->wait_optimised().cache_note == fmt::format("loaded `{}`", info.cache_path));

  SECTION("a policy destroyed before its optimised code is ready waits for it, and caches it") {
    TempDir other;
    options.cache_dir = other.path.string();
    std::string path;
    {
      auto brief = jit::CompiledPolicy::create(*p, options);
      REQUIRE(brief.ok());
      CHECK(brief.policy->info().tiered);
      path = brief.policy->info().cache_path;
    }
    CHECK(std::filesystem::exists(path));
    auto hit = jit::CompiledPolicy::create(*p, options);
    REQUIRE(hit.ok());
    CHECK(hit.policy->info().cache_hit);
  }
  SECTION("a subset of decisions is tiered too, and both parts reach the cache") {
    TempDir other;
    options.cache_dir = other.path.string();
    ir::EvalOptions some;
    some.decisions = {p->decisions.back(), p->decisions.front()};
    {
      auto fresh = jit::CompiledPolicy::create(*p, options);
      REQUIRE(fresh.ok());
      for (size_t i = 0; i < inputs.size(); ++i)
        CHECK(jit_test::difference(*p, interp.evaluate(inputs[i], some), fresh.policy->evaluate(inputs[i], some))
                  .empty());
    }
    size_t entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(other.path))
      entries += e.path().extension() == ".pjo" ? 1 : 0;
    CHECK(entries == 2);
  }
  SECTION("the quick tier alone neither reads nor writes the cache") {
    TempDir other;
    options.cache_dir = other.path.string();
    options.tiering = jit::JitOptions::Tiering::Quick;
    auto quick = jit::CompiledPolicy::create(*p, options);
    REQUIRE(quick.ok());
    CHECK_FALSE(quick.policy->info().tiered);
    CHECK(quick.policy->info().cache_path.empty());
    CHECK(std::filesystem::is_empty(other.path));
    for (size_t i = 0; i < 20; ++i)
      CHECK(jit_test::difference(*p, interp.evaluate(inputs[i]), quick.policy->evaluate(inputs[i])).empty());
  }
  SECTION("opt_level 0 has one tier") {
    options.opt_level = 0;
    auto plain = jit::CompiledPolicy::create(*p, options);
    REQUIRE(plain.ok());
    CHECK_FALSE(plain.policy->info().tiered);
    CHECK(plain.policy->info().cache_note.find("compiled; wrote `") == 0);
  }
}

TEST_CASE("the interpreter's depth limit: same answers on both sides of it") {
  // Each let adds 19 nested evaluations to the chain below it, so the interpreter's limit of
  // ir::kMaxEvalDepth falls inside this range of chain lengths. `guarded` only goes down the
  // chain for a large `a` (generated code must not refuse what the interpreter evaluates).
  // compile_source refuses a policy that could nest past the limit (driver/evaluation_check.h);
  // the engines' own limit is tested here on programs checked without that step, and the
  // static bound is checked to be exactly where the interpreter's limit bites.
  bool saw_ok = false, saw_too_deep = false, saw_refused = false;
  for (int n = 100; n <= 110; ++n) {
    std::string body = "input case {\n  a: integer\n}\nlet l0: integer = case.a\n";
    for (int i = 1; i < n; ++i) {
      body += fmt::format("let l{}: integer = l{}", i, i - 1);
      for (int k = 0; k < 18; ++k) body += " + 1";
      body += "\n";
    }
    body += "decision first: integer  clause \"1\" = case.a * 2\n";
    body += fmt::format("decision guarded: integer  clause \"2\" = if case.a > 100 then l{} else 0\n", n - 1);
    body += fmt::format("decision deep: integer  clause \"3\" = l{}\n", n - 1);
    std::string text = "policy t \"Test\"\n  home zone zone \"America/New_York\"\n" + body;
    auto source = std::make_shared<const SourceFile>("test.policy", text);
    syntax::ParseResult parsed = syntax::parse(source);
    REQUIRE_FALSE(parsed.diagnostics.has_errors());
    sema::CheckResult checked = sema::check(parsed.module, {});
    REQUIRE(checked.program);
    const ir::Program& program = *checked.program;
    int64_t bound = 0;
    for (int32_t d : program.decisions)
      bound = std::max(bound, driver::evaluation_depth(program, program.values[static_cast<size_t>(d)].body));
    bool refused = !driver::compile_source(source).ok();
    CHECK(refused == (bound > ir::kMaxEvalDepth));
    saw_refused |= refused;

    auto p = checked.program;
    auto jitted = jit::CompiledPolicy::create(*p, no_cache());
    REQUIRE(jitted.ok());
    interp::Interpreter interp(*p);
    jit::Session session(*jitted.policy);
    for (int64_t a : {1, 1000}) {
      std::vector<ir::Value> in = {ir::Value::record({ir::Value(a)})};
      auto e = interp.evaluate(in);
      INFO("chain of " << n << ", a = " << a << ", static bound " << bound);
      CHECK(jit_test::difference(*p, e, jitted.policy->evaluate(in)).empty());
      jit::FlatRecord flat;
      std::string why;
      REQUIRE(jitted.policy->flatten(in, &flat, &why));
      CHECK(session.run(flat) == e.ok);
      CHECK(jit_test::difference(*p, e, session.result(flat)).empty());
      (e.ok ? saw_ok : saw_too_deep) = true;
      if (!e.ok) CHECK(e.error.message == "the evaluation nests too deeply");
      // With a = 1000 every decision goes down the whole chain: the interpreter fails exactly
      // when the static bound is over the limit.
      if (a == 1000) CHECK(e.ok == (bound <= ir::kMaxEvalDepth));
    }
  }
  CHECK(saw_ok);
  CHECK(saw_too_deep);
  CHECK(saw_refused);
}

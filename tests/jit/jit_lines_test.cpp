// The API's writer of JIT lines (api/jit_lines.h) against records::write_decisions_line over
// the same output struct, byte for byte, appended after what the buffer already holds: texts
// at and past the length it writes itself, texts to escape or outside ASCII, absent and present
// optional values, enum members, lists of texts short and long, money, dates, and datetimes in
// a home zone, one of which cannot be written.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "api/jit_lines.h"
#include "compiler/driver/compile.h"
#include "compiler/jit/jit.h"
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"
#include "compiler/records/fast_json_impl.h"

using namespace proviso;

namespace {

const char* kPolicy =
    "policy w \"W\"\n"
    "enum Level = Low | Medium | High\n"
    "input x {\n"
    "  t: text\n"
    "  n: integer?\n"
    "  l: Level?\n"
    "  b: bool\n"
    "  at: datetime\n"
    "}\n"
    "decision a: text  clause \"1\" = x.t\n"
    "decision c: integer?  clause \"2\" = x.n\n"
    "decision d: Level?  clause \"3\" = x.l\n"
    "decision e: bool  clause \"4\" = x.b\n"
    "decision f: list of text  clause \"5\" = [x.t, \"y\"]\n"
    "decision g: datetime  clause \"6\" = x.at\n"
    "decision h: bool  clause \"7\" = not x.b\n";

// A policy compiled by the JIT (no cache), with what writing its lines needs.
struct Jitted {
  Jitted(const char* name, const char* source) {
    auto compiled = driver::compile_source(std::make_shared<const SourceFile>(name, source));
    REQUIRE(compiled.ok());
    program = compiled.program;
    jit::JitOptions options;
    options.use_cache = false;
    auto created = jit::CompiledPolicy::create(*program, options);
    REQUIRE(created.ok());
    policy = std::move(created.policy);
    session = std::make_unique<jit::Session>(*policy);
    decoder = std::make_unique<records::Decoder>(*program);
    plan = std::make_unique<records::LinePlan>(*program);
    writer = std::make_unique<api::JitLineWriter>(policy->layout(), *plan);
  }

  // One input's line as each writer appends it to `prefix`, and what each refused.
  struct Lines {
    std::string expected, got;  // records::write_decisions_line's, the API writer's
    std::optional<std::pair<std::string, std::string>> bad_expected, bad_got;
  };
  // Decodes `json` (the bound fast path) and evaluates it; false when the evaluation fails.
  bool lines(std::string_view json, const std::string& prefix, Lines* out) {
    REQUIRE_FALSE(decoder->decode_json_as(json, 0, session->input_sink()));
    jit::Session::Output o;
    if (!session->run_input(&o)) return false;
    out->expected = out->got = prefix;
    out->bad_expected =
        records::write_decisions_line(out->expected, *program, *o.source, o.decisions, o.home_zone, plan.get());
    out->bad_got = writer->write(out->got, *o.source, o.decisions, o.home_zone);
    return true;
  }
  // The API writer's line for `json`, which must evaluate and be written.
  std::string line(std::string_view json) {
    Lines l;
    REQUIRE(lines(json, "", &l));
    REQUIRE_FALSE(l.bad_got);
    return l.got;
  }
  // Whether both writers write `json`'s line alike, after `prefix`; it must evaluate.
  bool alike(std::string_view json, const std::string& prefix) {
    Lines l;
    REQUIRE(lines(json, prefix, &l));
    REQUIRE_FALSE(l.bad_expected);
    REQUIRE_FALSE(l.bad_got);
    CHECK(l.got == l.expected);
    return l.got == l.expected;
  }

  std::shared_ptr<const ir::Program> program;
  std::unique_ptr<const jit::CompiledPolicy> policy;
  std::unique_ptr<jit::Session> session;
  std::unique_ptr<records::Decoder> decoder;
  std::unique_ptr<records::LinePlan> plan;
  std::unique_ptr<api::JitLineWriter> writer;
};

}  // namespace

TEST_CASE("jit lines: the API's writer writes what write_decisions_line writes") {
  Jitted w("w.policy", kPolicy);
  const std::vector<std::string> texts = {
      "",
      "plain",
      std::string(64, 'x'),  // the longest text the writer writes itself
      std::string(65, 'y'),  // the shortest the encoder writes
      std::string(300, 'z'),
      "quote \" and backslash \\",
      "controls \b\f\n\r\t\x01\x1f\x7f",
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
  };
  const std::vector<std::string> optionals = {"\"n\":null,\"l\":null", "\"n\":-9223372036854775808,\"l\":\"High\"",
                                              "\"n\":0,\"l\":\"Low\"", "\"l\":\"Medium\""};
  size_t alike = 0;
  for (const std::string& t : texts) {
    for (const std::string& opt : optionals) {
      for (const char* b : {"true", "false"}) {
        records::Json text = t;
        std::string json =
            fmt::format("{{\"x\":{{\"t\":{},{},\"b\":{},\"at\":\"2026-03-29T01:30:00+01:00\"}}}}", text.dump(), opt, b);
        INFO(json);
        alike += w.alike(json, "prefix:");
      }
    }
  }
  CHECK(alike == texts.size() * optionals.size() * 2);

  // A line written exactly, to pin the forms down.
  CHECK(
      w.line(R"({"x":{"t":"a\"b","n":7,"l":null,"b":true,"at":"2026-01-02T03:04:05Z"}})") ==
      R"({"decisions":{"a":"a\"b","c":7,"d":null,"e":true,"f":["a\"b","y"],"g":"2026-01-02T03:04:05+00:00","h":false}})");
}

TEST_CASE("jit lines: dates, datetimes in a home zone, and a datetime that cannot be written") {
  Jitted z("z.policy",
           "policy z \"Z\"\n"
           "  home zone zone \"Pacific/Kiritimati\"\n"
           "input x {\n  at: datetime\n  day: date?\n}\n"
           "decision a: datetime  clause \"1\" = x.at\n"
           "decision b: date?  clause \"2\" = x.day\n");
  size_t refused = 0;
  for (const char* input : {R"({"x":{"at":"2026-03-29T01:30:00+01:00","day":"0001-01-01"}})",
                            R"({"x":{"at":"1970-01-01T00:00:00Z","day":null}})",
                            R"({"x":{"at":"9999-12-31T09:59:59Z","day":"9999-12-31"}})",
                            R"({"x":{"at":"9999-12-31T10:00:00Z","day":"2026-02-28"}})",  // 10000-01-01 there
                            R"({"x":{"at":"9999-12-31T23:59:59Z"}})"}) {
    INFO(input);
    Jitted::Lines l;
    REQUIRE(z.lines(input, "", &l));
    REQUIRE(l.bad_got.has_value() == l.bad_expected.has_value());
    if (l.bad_got) {
      CHECK(*l.bad_got == *l.bad_expected);
      ++refused;
    } else {
      CHECK(l.got == l.expected);
    }
  }
  CHECK(refused == 2);
}

TEST_CASE("jit lines: money, rounded to its minor unit, absent, and at the edge of the range") {
  Jitted m("m.policy",
           "policy m \"M\"\n"
           "input x {\n  fee: money\n  extra: money?\n}\n"
           "decision a: money  clause \"1\" = x.fee\n"
           "decision b: money?  clause \"2\" = x.extra\n"
           "decision c: money  clause \"3\" = x.fee * 1.25\n");
  size_t alike = 0;
  for (const char* fee :
       {"0 USD", "12.345 USD", "-12.345 USD", "1000.5 JPY", "1.2345 KWD", "7 CLF", "-0.004 EUR",
        "18446744073709551616.005 USD", "0.000000000000000001 GBP", "99999999999999999999999999999999999.9 USD"}) {
    for (const char* extra : {"null", "\"51462.59 USD\"", "\"-3 JPY\""}) {
      const std::string json = fmt::format(R"({{"x":{{"fee":"{}","extra":{}}}}})", fee, extra);
      INFO(json);
      Jitted::Lines l;
      if (!m.lines(json, "[", &l)) continue;  // x.fee * 1.25 overflows at the edge: no line to compare
      REQUIRE_FALSE(l.bad_got);
      CHECK(l.got == l.expected);
      alike += l.got == l.expected;
    }
  }
  CHECK(alike >= 27);
  CHECK(m.line(R"({"x":{"fee":"12.345 USD","extra":null}})") ==
        R"({"decisions":{"a":"12.35 USD","b":null,"c":"15.43 USD"}})");
}

TEST_CASE("jit lines: lists of texts, short and past the room made for them") {
  Jitted l("l.policy",
           "policy l \"L\"\n"
           "input x {\n  xs: list of text\n  b: bool\n}\n"
           "decision a: list of text  clause \"1\" = x.xs\n"
           "decision b: bool  clause \"2\" = x.b\n"
           "decision c: list of text  clause \"3\" = x.xs\n");
  size_t alike = 0;
  for (size_t n : {0, 1, 2, 7, 40, 300}) {
    for (const std::string& odd : {std::string("7.2(iv)(a)"), std::string(), std::string(64, 'x'), std::string(65, 'y'),
                                   std::string("tab\there"), std::string("\xc3\xa9t\xc3\xa9")}) {
      records::Json xs = records::Json::array();
      for (size_t k = 0; k < n; ++k) xs.push_back(k == n / 2 ? odd : fmt::format("{}.{}", k, k % 3 ? "b" : "(ii)"));
      const std::string json = fmt::format(R"({{"x":{{"xs":{},"b":true}}}})", xs.dump());
      INFO(json.substr(0, 200));
      alike += l.alike(json, "{}\n");
    }
  }
  CHECK(alike == 36);
  CHECK(l.line(R"j({"x":{"xs":["2.4","7.2(i)"],"b":false}})j") ==
        R"j({"decisions":{"a":["2.4","7.2(i)"],"b":false,"c":["2.4","7.2(i)"]}})j");
}

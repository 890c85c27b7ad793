// The API's writer of JIT lines (api/jit_lines.h) against records::write_decisions_line over
// the same output struct, byte for byte: texts at and past the length it writes itself, texts
// to escape or outside ASCII, absent and present optional values, enum members, lists and
// datetimes (written by the encoder), appended after what the buffer already holds.
#include <string>
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
  const ir::Program& p = *w.program;
  jit::Session& session = *w.session;
  records::Decoder& decoder = *w.decoder;
  const records::LinePlan& plan = *w.plan;
  const api::JitLineWriter& writer = *w.writer;

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
  size_t compared = 0;
  for (const std::string& t : texts) {
    for (const std::string& opt : optionals) {
      for (const char* b : {"true", "false"}) {
        records::Json text = t;
        std::string json =
            fmt::format("{{\"x\":{{\"t\":{},{},\"b\":{},\"at\":\"2026-03-29T01:30:00+01:00\"}}}}", text.dump(), opt, b);
        INFO(json);
        REQUIRE_FALSE(decoder.decode_json_as(json, 0, session.input_sink()));
        jit::Session::Output out;
        REQUIRE(session.run_input(&out));
        std::string expected = "prefix:", got = "prefix:";
        REQUIRE_FALSE(records::write_decisions_line(expected, p, *out.source, out.decisions, out.home_zone, &plan));
        REQUIRE_FALSE(writer.write(got, *out.source, out.decisions, out.home_zone));
        CHECK(got == expected);
        ++compared;
      }
    }
  }
  CHECK(compared == texts.size() * optionals.size() * 2);

  // A few lines written exactly, to pin the forms down.
  REQUIRE_FALSE(decoder.decode_json_as(
      std::string_view(R"({"x":{"t":"a\"b","n":7,"l":null,"b":true,"at":"2026-01-02T03:04:05Z"}})"), 0,
      session.input_sink()));
  jit::Session::Output out;
  REQUIRE(session.run_input(&out));
  std::string line;
  REQUIRE_FALSE(writer.write(line, *out.source, out.decisions, out.home_zone));
  CHECK(
      line ==
      R"({"decisions":{"a":"a\"b","c":7,"d":null,"e":true,"f":["a\"b","y"],"g":"2026-01-02T03:04:05+00:00","h":false}})");
}

TEST_CASE("jit lines: dates, datetimes in a home zone, and a datetime that cannot be written") {
  Jitted z("z.policy",
           "policy z \"Z\"\n"
           "  home zone zone \"Pacific/Kiritimati\"\n"
           "input x {\n  at: datetime\n  day: date?\n}\n"
           "decision a: datetime  clause \"1\" = x.at\n"
           "decision b: date?  clause \"2\" = x.day\n");
  const ir::Program& p = *z.program;
  jit::Session& session = *z.session;
  records::Decoder& decoder = *z.decoder;
  const records::LinePlan& plan = *z.plan;
  const api::JitLineWriter& writer = *z.writer;
  size_t refused = 0;
  for (const char* input : {R"({"x":{"at":"2026-03-29T01:30:00+01:00","day":"0001-01-01"}})",
                            R"({"x":{"at":"1970-01-01T00:00:00Z","day":null}})",
                            R"({"x":{"at":"9999-12-31T09:59:59Z","day":"9999-12-31"}})",
                            R"({"x":{"at":"9999-12-31T10:00:00Z","day":"2026-02-28"}})",  // 10000-01-01 there
                            R"({"x":{"at":"9999-12-31T23:59:59Z"}})"}) {
    INFO(input);
    REQUIRE_FALSE(decoder.decode_json_as(std::string_view(input), 0, session.input_sink()));
    jit::Session::Output out;
    REQUIRE(session.run_input(&out));
    std::string expected, got;
    auto bad_expected = records::write_decisions_line(expected, p, *out.source, out.decisions, out.home_zone, &plan);
    auto bad_got = writer.write(got, *out.source, out.decisions, out.home_zone);
    REQUIRE(bad_got.has_value() == bad_expected.has_value());
    if (bad_got) {
      CHECK(*bad_got == *bad_expected);
      ++refused;
    } else {
      CHECK(got == expected);
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
  const ir::Program& p = *m.program;
  jit::Session& session = *m.session;
  records::Decoder& decoder = *m.decoder;
  const records::LinePlan& plan = *m.plan;
  const api::JitLineWriter& writer = *m.writer;
  size_t compared = 0;
  for (const char* fee :
       {"0 USD", "12.345 USD", "-12.345 USD", "1000.5 JPY", "1.2345 KWD", "7 CLF", "-0.004 EUR",
        "18446744073709551616.005 USD", "0.000000000000000001 GBP", "99999999999999999999999999999999999.9 USD"}) {
    for (const char* extra : {"null", "\"51462.59 USD\"", "\"-3 JPY\""}) {
      const std::string json = fmt::format(R"({{"x":{{"fee":"{}","extra":{}}}}})", fee, extra);
      INFO(json);
      REQUIRE_FALSE(decoder.decode_json_as(json, 0, session.input_sink()));
      jit::Session::Output out;
      if (!session.run_input(&out)) continue;  // x.fee * 1.25 overflows at the edge: no line to compare
      std::string expected = "[", got = "[";
      REQUIRE_FALSE(records::write_decisions_line(expected, p, *out.source, out.decisions, out.home_zone, &plan));
      REQUIRE_FALSE(writer.write(got, *out.source, out.decisions, out.home_zone));
      CHECK(got == expected);
      ++compared;
    }
  }
  CHECK(compared >= 27);
  REQUIRE_FALSE(
      decoder.decode_json_as(std::string_view(R"({"x":{"fee":"12.345 USD","extra":null}})"), 0, session.input_sink()));
  jit::Session::Output out;
  REQUIRE(session.run_input(&out));
  std::string line;
  REQUIRE_FALSE(writer.write(line, *out.source, out.decisions, out.home_zone));
  CHECK(line == R"({"decisions":{"a":"12.35 USD","b":null,"c":"15.43 USD"}})");
}

TEST_CASE("jit lines: lists of texts, short and past the room made for them") {
  Jitted l("l.policy",
           "policy l \"L\"\n"
           "input x {\n  xs: list of text\n  b: bool\n}\n"
           "decision a: list of text  clause \"1\" = x.xs\n"
           "decision b: bool  clause \"2\" = x.b\n"
           "decision c: list of text  clause \"3\" = x.xs\n");
  const ir::Program& p = *l.program;
  jit::Session& session = *l.session;
  records::Decoder& decoder = *l.decoder;
  const records::LinePlan& plan = *l.plan;
  const api::JitLineWriter& writer = *l.writer;
  size_t compared = 0;
  for (size_t n : {0, 1, 2, 7, 40, 300}) {
    for (const std::string& odd : {std::string("7.2(iv)(a)"), std::string(), std::string(64, 'x'), std::string(65, 'y'),
                                   std::string("tab\there"), std::string("\xc3\xa9t\xc3\xa9")}) {
      records::Json xs = records::Json::array();
      for (size_t k = 0; k < n; ++k) xs.push_back(k == n / 2 ? odd : fmt::format("{}.{}", k, k % 3 ? "b" : "(ii)"));
      const std::string json = fmt::format(R"({{"x":{{"xs":{},"b":true}}}})", xs.dump());
      INFO(json.substr(0, 200));
      REQUIRE_FALSE(decoder.decode_json_as(json, 0, session.input_sink()));
      jit::Session::Output out;
      REQUIRE(session.run_input(&out));
      std::string expected = "{}\n", got = "{}\n";
      REQUIRE_FALSE(records::write_decisions_line(expected, p, *out.source, out.decisions, out.home_zone, &plan));
      REQUIRE_FALSE(writer.write(got, *out.source, out.decisions, out.home_zone));
      CHECK(got == expected);
      ++compared;
    }
  }
  CHECK(compared == 36);
  REQUIRE_FALSE(decoder.decode_json_as(std::string_view(R"j({"x":{"xs":["2.4","7.2(i)"],"b":false}})j"), 0,
                                       session.input_sink()));
  jit::Session::Output out;
  REQUIRE(session.run_input(&out));
  std::string line;
  REQUIRE_FALSE(writer.write(line, *out.source, out.decisions, out.home_zone));
  CHECK(line == R"j({"decisions":{"a":["2.4","7.2(i)"],"b":false,"c":["2.4","7.2(i)"]}})j");
}

// The fast path of JSON decoding (compiler/records/fast_json.h) against the general decoder:
// on the seed policies' record files and on thousands of mutations of them, whatever the fast
// path accepts is what the general decoder decodes, and the Decoder (fast path on) gives the
// same values and the same errors as the general decoder alone.
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"
#include "compiler/records/decode.h"
#include "compiler/records/fast_json.h"

using namespace proviso;

namespace {

std::string source_dir() {
  const char* d = std::getenv("PROVISO_SOURCE_DIR");
  return d ? d : ".";
}

// The inputs of a file: each line of an .ndjson file, or a .json file whole.
std::vector<std::string> inputs_of(const std::string& relative) {
  std::ifstream in(source_dir() + "/" + relative);
  REQUIRE(in);
  std::vector<std::string> out;
  if (relative.ends_with(".json")) {
    std::ostringstream text;
    text << in.rdbuf();
    out.push_back(text.str());
    return out;
  }
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// The same values, or the same error (message and path).
bool same(const records::DecodeResult& a, const records::DecodeResult& b) {
  if (a.ok() != b.ok()) return false;
  if (!a.ok()) return a.error->to_string() == b.error->to_string();
  if (a.values.size() != b.values.size()) return false;
  for (size_t i = 0; i < a.values.size(); ++i)
    if (!ir::equal(a.values[i], b.values[i])) return false;
  return true;
}

// Mutations a damaged or hand-written input may have: a byte removed, inserted or replaced (by
// the bytes JSON gives meaning to, and a few it does not allow), a cut, a field repeated.
std::string mutate(const std::string& line, std::mt19937& rng) {
  static const std::string bytes = "\"\\{}[],: \t\n0123456789-+.eEtfnul\x01\x7f\x80\xc3\xa9xyzABC";
  std::string s = line;
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % std::max<size_t>(n, 1)); };
  int edits = 1 + static_cast<int>(rng() % 3);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    size_t at = pick(s.size());
    switch (rng() % 6) {
      case 0: s.erase(at, 1); break;
      case 1: s.insert(at, 1, bytes[pick(bytes.size())]); break;
      case 2: s[at] = bytes[pick(bytes.size())]; break;
      case 3: s.resize(at); break;
      case 4: {  // a field written twice
        size_t comma = s.find(',', at);
        size_t prev = s.rfind(',', at);
        if (comma != std::string::npos && prev != std::string::npos && prev < comma)
          s.insert(comma, s.substr(prev, comma - prev));
        break;
      }
      default: {  // spaces around a token
        s.insert(at, std::string(1 + pick(3), rng() % 2 ? ' ' : '\t'));
      }
    }
  }
  return s;
}

struct Tally {
  size_t inputs = 0, fast = 0;
};

// One input: the fast path's verdict, and the Decoder's result against the general decoder's.
// A policy and the three readers compared: the Decoder (the fast path, then the general
// decoder), the general decoder alone, and the fast path alone.
struct Readers {
  explicit Readers(const std::string& policy) : compiled(driver::compile_file(source_dir() + "/" + policy)) {
    REQUIRE(compiled.ok());
    const ir::Program& p = *compiled.program;
    decoder = std::make_unique<records::Decoder>(p);
    general = std::make_unique<records::Decoder>(p);
    general->set_fast_path(false);
    fast = std::make_unique<records::detail::FastJson>(p.schema, p.inputs, limits);
  }
  driver::CompileResult compiled;
  records::Limits limits;  // FastJson keeps a reference
  std::unique_ptr<records::Decoder> decoder, general;
  std::unique_ptr<records::detail::FastJson> fast;
};

void check(const ir::Program& p, records::Decoder& decoder, records::Decoder& general, records::detail::FastJson& fast,
           const std::string& text, Tally& tally) {
  ++tally.inputs;
  records::TreeSink sink(p.schema);
  bool taken = fast.decode(text, sink);
  records::DecodeResult slow = general.decode_json(text);
  records::DecodeResult both = decoder.decode_json(text);
  INFO(text);
  if (taken) {
    ++tally.fast;
    // Accepted: valid input, decoded to the general decoder's values.
    REQUIRE(slow.ok());
    REQUIRE(sink.values.size() == slow.values.size());
    for (size_t i = 0; i < slow.values.size(); ++i) CHECK(ir::equal(sink.values[i], slow.values[i]));
  }
  INFO((slow.ok() ? std::string("decoded") : slow.error->to_string()));
  CHECK(same(both, slow));
}

void run(const std::string& policy, const std::vector<std::string>& files, size_t mutations, double min_share) {
  Readers r(policy);
  const ir::Program& p = *r.compiled.program;
  records::Decoder &decoder = *r.decoder, &general = *r.general;
  records::detail::FastJson& fast = *r.fast;
  std::vector<std::string> lines;
  for (const auto& f : files)
    for (auto& l : inputs_of(f)) lines.push_back(std::move(l));
  REQUIRE(!lines.empty());
  Tally clean, damaged;
  for (const auto& l : lines) check(p, decoder, general, fast, l, clean);
  // PROVISO_FAST_JSON_MUTATIONS scales the mutations (a longer run by hand).
  if (const char* n = std::getenv("PROVISO_FAST_JSON_MUTATIONS")) mutations = std::strtoul(n, nullptr, 10);
  std::mt19937 rng(20261205);
  for (size_t i = 0; i < mutations; ++i)
    check(p, decoder, general, fast, mutate(lines[i % lines.size()], rng), damaged);
  // The fast path must be the common path, or this test compares nothing.
  INFO(policy << ": the fast path took " << clean.fast << " of " << clean.inputs << " clean inputs and " << damaged.fast
              << " of " << damaged.inputs << " mutated ones");
  CHECK(static_cast<double>(clean.fast) >= min_share * static_cast<double>(clean.inputs));
  CHECK(damaged.fast > 0);
  CHECK(damaged.fast < damaged.inputs);
}

}  // namespace

TEST_CASE("the JSON fast path agrees with the general decoder: triage", "[fast_json]") {
  run("policies/bench/triage.policy", {"policies/bench/triage.ndjson"}, 20000, 1.0);
}

TEST_CASE("the JSON fast path agrees with the general decoder: Qlik OEM", "[fast_json]") {
  // Every record of deadlines.ndjson is plain; the examples hold a few that are not.
  run("policies/qlik/oem_maintenance.policy", {"policies/qlik/deadlines.ndjson"}, 20000, 1.0);
}

TEST_CASE("the JSON fast path reads amounts and nulls as the general decoder does", "[fast_json]") {
  // Amounts ("51462.59 USD", rt::quick_parse_money through put_scalar) and `null`: the edges of
  // each, in one Qlik OEM record, read by the fast path and by the general decoder alike.
  Readers r("policies/qlik/oem_maintenance.policy");
  const ir::Program& p = *r.compiled.program;
  records::Decoder &decoder = *r.decoder, &general = *r.general;
  records::detail::FastJson& fast = *r.fast;
  std::string line;
  for (auto& l : inputs_of("policies/qlik/deadlines.ndjson"))
    if (l.find("\"annual_fee\": \"") != std::string::npos) {
      line = l;
      break;
    }
  REQUIRE(!line.empty());
  const size_t at = line.find("\"annual_fee\": \"") + 14;  // the opening quote of the amount
  const size_t end = line.find('"', at + 1) + 1;
  Tally tally;
  for (const char* amount : {"\"1 USD\"",
                             "\"-0 EUR\"",
                             "\"0.000000000000000001 USD\"",
                             "\"1234567890123456789 JPY\"",
                             "\"12345678901234567890 USD\"",
                             "\"1.5 usd\"",
                             "\"1.5 XXX\"",
                             "\"1.5  USD\"",
                             "\"1.5\\u0020USD\"",
                             "\"1. USD\"",
                             "\".5 USD\"",
                             "\"+1 USD\"",
                             "\"1.5 USD \"",
                             "\"1.5USD\"",
                             "\"\"",
                             "\" USD\"",
                             "null",
                             "nul",
                             "nullx",
                             "1.5",
                             "\"1.5 USD"}) {
    std::string text = line;
    text.replace(at, end - at, amount);
    check(p, decoder, general, fast, text, tally);
  }
  // `null` where a field is optional (taken) and where it is required (declined).
  for (const char* field : {"\"last_update_at\": ", "\"as_of\": ", "\"support_end\": ", "\"dse_commenced\": "}) {
    std::string text = line;
    const size_t f = text.find(field) + std::string_view(field).size();
    const size_t v = text.find_first_of(",}", f);
    text.replace(f, v - f, "null");
    check(p, decoder, general, fast, text, tally);
  }
  CHECK(tally.fast > 5);
  CHECK(tally.fast < tally.inputs);
}

TEST_CASE("the JSON fast path agrees with the general decoder: every construct, lists and all", "[fast_json]") {
  // Records, lists of records, optional lists, money, dates, durations, datetimes: one
  // document over several lines, whitespace and all.
  run("tests/grammar/data/every_construct.policy", {"tests/golden/explain/every_construct.json"}, 20000, 1.0);
}

TEST_CASE("the JSON fast path declines what it does not read, and limits stay the general decoder's", "[fast_json]") {
  driver::CompileResult compiled = driver::compile_file(source_dir() + "/policies/bench/triage.policy");
  REQUIRE(compiled.ok());
  const ir::Program& p = *compiled.program;
  records::Limits limits;
  records::detail::FastJson fast(p.schema, p.inputs, limits);
  auto takes = [&](const std::string& text) {
    records::TreeSink sink(p.schema);
    return fast.decode(text, sink);
  };
  const std::string good =
      R"({"case":{"tier":"Basic","severity":2,"channel":"Portal","region_matches":false,"version_supported":true,)"
      R"("evaluation_license":true,"fees_paid":true,"reproducible":true}})";
  CHECK(takes(good));
  CHECK(takes(" \t" + good + "\r\n"));
  CHECK_FALSE(takes("\xEF\xBB\xBF" + good));                                            // a byte order mark
  CHECK_FALSE(takes(good + "x"));                                                       // text after the object
  CHECK_FALSE(takes(std::string(good).replace(good.find("Basic"), 5, "Ba\\u0073ic")));  // an escape
  CHECK_FALSE(takes(std::string(good).replace(good.find("\"severity\":2"), 12, "\"severity\":2.0")));
  CHECK_FALSE(takes(std::string(good).replace(good.find("\"severity\":2"), 12, "\"severity\":02")));
  CHECK_FALSE(takes(std::string(good).replace(good.find("\"severity\":2"), 12, "\"severity\":9")));  // range
  CHECK_FALSE(takes(std::string(good).replace(good.find("\"severity\":2"), 12, "\"severity\":0")));
  CHECK_FALSE(takes(std::string(good).replace(good.find("\"severity\":2"), 12, "\"severity\":-2")));
  CHECK_FALSE(takes(std::string(good).replace(good.find("Basic"), 5, "Bronze")));  // not a member
  CHECK_FALSE(takes(std::string(good).replace(good.find("true"), 4, "truex")));
  CHECK_FALSE(takes(std::string(good).replace(good.find(",\"channel\""), 0, ",\"tier\":\"Basic\"")));  // twice
  CHECK_FALSE(takes(std::string(good).replace(good.find("\"channel\":\"Portal\","), 19, "")));         // missing
  // Fields in another order are still read.
  CHECK(takes(R"({"case":{"severity":2,"tier":"Basic","channel":"Portal","region_matches":false,)"
              R"("version_supported":true,"evaluation_license":true,"fees_paid":true,"reproducible":true}})"));
  // A field given again where declaration order expects it next, so that its key is read with
  // the comma before it (,"severity":): still a duplicate, declined.
  CHECK_FALSE(takes(R"({"case":{"severity":2,"tier":"Basic","severity":3,"channel":"Portal","region_matches":false,)"
                    R"("version_supported":true,"evaluation_license":true,"fees_paid":true,"reproducible":true}})"));
  // Spaces after a comma: the key is read without it.
  CHECK(takes(std::string(good).replace(good.find(",\"channel\""), 1, ", ")));

  records::Limits tight;
  tight.max_values = 5;
  records::detail::FastJson small(p.schema, p.inputs, tight);
  records::TreeSink sink(p.schema);
  CHECK_FALSE(small.decode(good, sink));
  tight = records::Limits{};
  tight.max_depth = 1;
  records::detail::FastJson shallow(p.schema, p.inputs, tight);
  CHECK_FALSE(shallow.decode(good, sink));

  // Lists: the general decoder's length limit (contacts has two elements).
  driver::CompileResult every = driver::compile_file(source_dir() + "/tests/grammar/data/every_construct.policy");
  REQUIRE(every.ok());
  const ir::Program& e = *every.program;
  std::string document = inputs_of("tests/golden/explain/every_construct.json")[0];
  records::TreeSink tree(e.schema);
  records::Limits lists;
  records::detail::FastJson unlimited(e.schema, e.inputs, lists);
  CHECK(unlimited.decode(document, tree));
  lists.max_list_length = 1;
  records::detail::FastJson short_lists(e.schema, e.inputs, lists);
  CHECK_FALSE(short_lists.decode(document, tree));
}

TEST_CASE("the JSON fast path finds enum members by their letters, or in turn when two share an index", "[fast_json]") {
  // AA and C3 share the letters' index ((65*7+65) and (67*7+51) are both 8 mod 256), so Pair's
  // members are tried in turn; Plain's have an index each. Either way the member read is the
  // member written, and a near miss is declined to the general decoder.
  auto compiled =
      driver::compile_source(std::make_shared<const SourceFile>("e.policy",
                                                                "policy e \"E\"\n"
                                                                "enum Pair = AA | C3 | B\n"
                                                                "enum Plain = Phone | Portal | Email | P\n"
                                                                "input x {\n  pair: Pair\n  plain: Plain\n}\n"
                                                                "decision d: bool  clause \"1\" = x.pair == AA\n"));
  REQUIRE(compiled.ok());
  const ir::Program& p = *compiled.program;
  records::Limits limits;
  records::detail::FastJson fast(p.schema, p.inputs, limits);
  const char* pairs[] = {"AA", "C3", "B"};
  const char* plains[] = {"Phone", "Portal", "Email", "P"};
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 4; ++b) {
      std::string text = std::string(R"({"x":{"pair":")") + pairs[a] + R"(","plain":")" + plains[b] + "\"}}";
      INFO(text);
      records::TreeSink sink(p.schema);
      REQUIRE(fast.decode(text, sink));
      REQUIRE(sink.values.size() == 1);
      const auto& fields = sink.values[0].as_record();
      CHECK(fields[0].as_enum() == a);
      CHECK(fields[1].as_enum() == b);
    }
  }
  records::TreeSink sink(p.schema);
  CHECK_FALSE(fast.decode(R"({"x":{"pair":"AB","plain":"Phone"}})", sink));  // AA's letters, not AA
  CHECK_FALSE(fast.decode(R"({"x":{"pair":"AA","plain":"Pho"}})", sink));    // Phone's letters, not Phone
  CHECK_FALSE(fast.decode(R"({"x":{"pair":"C","plain":"Email"}})", sink));
}

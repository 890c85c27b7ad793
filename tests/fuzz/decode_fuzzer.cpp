// Fuzz target `decode`: arbitrary bytes as the input file of policies/qlik/oem_maintenance.policy
// (compiled once at start-up). Bytes starting with `---` or `%YAML` are a YAML stream, others
// a JSON file (one object or NDJSON, split as `proviso eval` splits it). Every input decodes to
// one value per declared input or to an error with a message; decoded values then evaluate in
// the interpreter (with explanations) and encode to JSON without crashing.
// A YAML stream is also fed to a YamlSplitter in uneven chunks (sizes drawn from the input's
// hash), each document decoded with decode_yaml_document: the results must be decode_yaml's.
// The same with a 256-byte document limit, to reach the splitter's refusals; and wherever libyaml
// reads a whole document, the flow pre-scan must have counted the flow level its scanner reached.
// Every JSON input is also decoded by the general decoder alone (the fast path off): the two
// results must be the same, values or error (compiler/records/fast_json.h).
// PROVISO_FUZZ_DECODE_YAML=0 skips the YAML inputs (scripts/ci-fuzz.sh --no-yaml), to tell a
// YAML problem from the others.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml.h>

#include "compiler/driver/compile.h"
#include "compiler/explain/render.h"
#include "compiler/interp/interpreter.h"
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"
#include "compiler/records/yaml_flow_scan.h"
#include "compiler/records/yaml_stream.h"
#include "compiler/records/yaml_tree.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace proviso;

struct State {
  std::shared_ptr<const ir::Program> program;
  std::unique_ptr<records::Decoder> decoder;
  std::unique_ptr<records::Decoder> general;  // the fast path off
  std::unique_ptr<interp::Interpreter> interp;
};

State* state = nullptr;

bool yaml_enabled() {
  static const bool on = [] {
    const char* v = std::getenv("PROVISO_FUZZ_DECODE_YAML");
    return !(v && std::string(v) == "0");
  }();
  return on;
}

void evaluate(const records::DecodeResult& decoded) {
  if (!decoded.ok()) {
    FUZZ_CHECK(!decoded.error->message.empty(), decoded.error->path);
    FUZZ_CHECK(!decoded.error->to_string().empty());
    return;
  }
  const ir::Program& p = *state->program;
  FUZZ_CHECK(decoded.values.size() == p.inputs.size());
  ir::EvalOptions options;
  options.explain = true;
  ir::EvalResult r = state->interp->evaluate(decoded.values, options);
  if (!r.ok) {
    FUZZ_CHECK(!r.error.message.empty(), r.error.path);
    FUZZ_CHECK(r.error.loc < static_cast<int32_t>(p.locs.size()));
    (void)records::encode_error(r.error.path, r.error.message).dump();
    return;
  }
  records::Json out = records::encode_decisions(p, r.decisions, r.home_zone);
  out["explain"] = explain::render_json(p, r);
  (void)out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  (void)explain::render_text(p, r);
}

// Chunk sizes from 1 to 64 bytes, the same for the same input (FNV-1a, then xorshift).
class Chunks {
 public:
  explicit Chunks(std::string_view text) {
    for (char c : text) state_ = (state_ ^ static_cast<unsigned char>(c)) * 1099511628211u;
  }
  size_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return 1 + state_ % 64;
  }

 private:
  uint64_t state_ = 14695981039346656037u;
};

std::vector<records::YamlDocument> split_in_chunks(std::string_view text, const records::Limits& limits) {
  std::vector<records::YamlDocument> out;
  records::YamlSplitter splitter(limits);
  records::YamlDocument doc;
  Chunks chunks(text);
  for (size_t at = 0; at < text.size();) {
    size_t n = chunks.next();
    splitter.feed(text.substr(at, n));
    at += n;
    while (splitter.next(&doc)) out.push_back(std::move(doc));
    FUZZ_CHECK(splitter.buffered() <= limits.max_input_bytes);
  }
  splitter.finish();
  while (splitter.next(&doc)) out.push_back(std::move(doc));
  return out;
}

// The deepest flow level libyaml's scanner reaches in `text`; nothing when it fails.
std::optional<size_t> libyaml_flow_level(std::string_view text) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return std::nullopt;
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
  size_t level = 0, most = 0;
  std::optional<size_t> out;
  for (;;) {
    yaml_token_t token;
    if (!yaml_parser_scan(&parser, &token)) break;
    yaml_token_type_t type = token.type;
    yaml_token_delete(&token);
    if (type == YAML_FLOW_SEQUENCE_START_TOKEN || type == YAML_FLOW_MAPPING_START_TOKEN) {
      most = std::max(most, ++level);
    } else if ((type == YAML_FLOW_SEQUENCE_END_TOKEN || type == YAML_FLOW_MAPPING_END_TOKEN) && level > 0) {
      --level;
    } else if (type == YAML_STREAM_END_TOKEN) {
      out = most;
      break;
    }
  }
  yaml_parser_delete(&parser);
  return out;
}

bool same_result(const records::DecodeResult& a, const records::DecodeResult& b) {
  if (a.ok() != b.ok()) return false;
  if (!a.ok()) return a.error->to_string() == b.error->to_string();
  if (a.values.size() != b.values.size()) return false;
  for (size_t i = 0; i < a.values.size(); ++i)
    if (!ir::equal(a.values[i], b.values[i])) return false;
  return true;
}

void yaml_stream(std::string_view text) {
  records::Decoder& decoder = *state->decoder;
  std::vector<records::DecodeResult> whole = decoder.decode_yaml(text);
  std::vector<records::YamlDocument> docs = split_in_chunks(text, decoder.limits());
  FUZZ_CHECK(docs.size() == whole.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    records::DecodeResult r;
    if (docs[i].error) {
      r.error = docs[i].error;
    } else {
      r = decoder.decode_yaml_document(docs[i].text, docs[i].line);
    }
    FUZZ_CHECK(same_result(r, whole[i]), "document " + std::to_string(i + 1));
    if (!r.ok()) {
      char c = r.error->message.empty() ? 0 : r.error->message[0];
      FUZZ_CHECK(c >= 'a' && c <= 'z', r.error->message);
    }
  }
  for (const records::DecodeResult& r : whole) evaluate(r);

  // Where libyaml reads the whole document, the pre-scan counted its flow level exactly.
  records::yaml::DocumentReader reader;
  for (const records::YamlDocument& doc : docs) {
    if (doc.error || reader.read(doc.text, doc.line, decoder.limits())) continue;
    size_t counted = records::yaml::scan_flow_nesting(doc.text, SIZE_MAX).max_depth;
    std::optional<size_t> level = libyaml_flow_level(doc.text);
    FUZZ_CHECK(level && *level == counted, doc.text);
  }

  // With a small document limit: the same documents however the stream is fed.
  records::Limits small;
  small.max_input_bytes = 256;
  std::vector<records::YamlDocument> chunked = split_in_chunks(text, small);
  records::YamlSplitter once(small);
  once.feed(text);
  once.finish();
  records::YamlDocument doc;
  size_t n = 0;
  for (; once.next(&doc); ++n) {
    FUZZ_CHECK(n < chunked.size());
    const records::YamlDocument& other = chunked[n];
    FUZZ_CHECK(doc.text == other.text && doc.line == other.line && !doc.error == !other.error);
    FUZZ_CHECK(doc.text.size() <= small.max_input_bytes);
  }
  FUZZ_CHECK(n == chunked.size());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  std::string path = proviso::fuzz::source_dir() + "/policies/qlik/oem_maintenance.policy";
  driver::CompileResult compiled = driver::compile_file(path);
  if (!compiled.ok()) {
    std::fprintf(stderr, "decode fuzzer: cannot compile %s:\n%s\n", path.c_str(),
                 render_all(compiled.diagnostics).c_str());
    std::exit(2);
  }
  state = new State;  // lives as long as the process; nothing to gain from freeing it
  state->program = compiled.program;
  state->decoder = std::make_unique<records::Decoder>(*state->program);
  state->general = std::make_unique<records::Decoder>(*state->program);
  state->general->set_fast_path(false);
  state->interp = std::make_unique<interp::Interpreter>(*state->program);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.starts_with("---") || text.starts_with("%YAML")) {
    if (!yaml_enabled()) return 0;
    yaml_stream(text);
    return 0;
  }
  for (const records::InputText& part : records::split_json_inputs(text, state->decoder->limits())) {
    if (part.error) {
      FUZZ_CHECK(!part.error->message.empty());
      continue;
    }
    records::DecodeResult decoded = state->decoder->decode_json(part.text);
    records::DecodeResult general = state->general->decode_json(part.text);
    FUZZ_CHECK(decoded.ok() == general.ok(), "the fast path and the general decoder disagree on success");
    if (!decoded.ok()) {
      FUZZ_CHECK(decoded.error->to_string() == general.error->to_string(),
                 decoded.error->to_string() + " against " + general.error->to_string());
    } else {
      FUZZ_CHECK(decoded.values.size() == general.values.size());
      for (size_t i = 0; i < decoded.values.size(); ++i)
        FUZZ_CHECK(ir::equal(decoded.values[i], general.values[i]), "the fast path decoded another value");
    }
    evaluate(decoded);
  }
  return 0;
}

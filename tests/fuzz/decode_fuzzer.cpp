// Fuzz target `decode`: arbitrary bytes as the input file of policies/qlik/oem_maintenance.policy
// (compiled once at start-up). Bytes starting with `---` or `%YAML` are a YAML stream, others
// a JSON file (one object or NDJSON, split as `proviso eval` splits it). Every input decodes to
// one value per declared input or to an error with a message; decoded values then evaluate in
// the interpreter (with explanations) and encode to JSON without crashing.
// PROVISO_FUZZ_DECODE_YAML=0 skips the YAML inputs (scripts/ci-fuzz.sh --no-yaml), to tell a
// YAML problem from the others.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "compiler/driver/compile.h"
#include "compiler/explain/render.h"
#include "compiler/interp/interpreter.h"
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace proviso;

struct State {
  std::shared_ptr<const ir::Program> program;
  std::unique_ptr<records::Decoder> decoder;
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
  interp::EvalOptions options;
  options.explain = true;
  interp::EvalResult r = state->interp->evaluate(decoded.values, options);
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
  state->interp = std::make_unique<interp::Interpreter>(*state->program);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.starts_with("---") || text.starts_with("%YAML")) {
    if (!yaml_enabled()) return 0;
    for (const records::DecodeResult& r : state->decoder->decode_yaml(text)) evaluate(r);
    return 0;
  }
  for (const records::InputText& part : records::split_json_inputs(text, state->decoder->limits())) {
    if (part.error) {
      FUZZ_CHECK(!part.error->message.empty());
      continue;
    }
    evaluate(state->decoder->decode_json(part.text));
  }
  return 0;
}

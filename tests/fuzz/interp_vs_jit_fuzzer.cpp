// Fuzz target `interp_vs_jit`: the differential oracle of STYLE.md ("every evaluation runs
// through the interpreter and the JIT and demands identical output"). Inputs are decoded for
// policies/qlik/oem_maintenance.policy as in `decode` (JSON and NDJSON); each one is evaluated
// by the reference interpreter and by the JIT (compiler/jit, PROVISO_FUZZ_JIT, no object cache),
// and both must give the same output line and the same error location. The JIT also decodes
// each input straight into its flat frame (jit::FlatSink): the same decode error, or the same
// line, is demanded. Built without the JIT,
// or when the JIT refuses the policy, the second engine is a fresh interpreter, which at least
// checks that evaluation does not depend on the calendar cache.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "compiler/driver/compile.h"
#include "compiler/interp/interpreter.h"
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"
#include "tests/fuzz/fuzz_check.h"
#ifdef PROVISO_FUZZ_JIT
#include "api/jit_lines.h"
#include "compiler/jit/jit.h"
#include "compiler/records/fast_json_impl.h"
#endif

namespace {

using namespace proviso;

std::shared_ptr<const ir::Program> program;
std::unique_ptr<records::Decoder> decoder;
std::unique_ptr<interp::Interpreter> reference;
#ifdef PROVISO_FUZZ_JIT
std::unique_ptr<const jit::CompiledPolicy> jitted;
std::unique_ptr<jit::Session> direct;  // decodes into the frame
std::unique_ptr<records::LinePlan> line_plan;
std::unique_ptr<api::JitLineWriter> line_writer;   // writes the lines of `jitted`, as the API does
std::unique_ptr<const jit::CompiledPolicy> quick;  // the quick tier's code, what answers first
#endif

// One output line of `proviso eval` for an evaluation result.
std::string line_of(const ir::EvalResult& r) {
  if (!r.ok) return records::encode_error(r.error.path, r.error.message).dump();
  return records::encode_decisions(*program, r.decisions, r.home_zone)
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The engine compared with the reference interpreter.
ir::EvalResult evaluate_other_engine(const std::vector<ir::Value>& inputs) {
#ifdef PROVISO_FUZZ_JIT
  if (jitted) return jitted->evaluate(inputs);
#endif
  interp::Interpreter fresh(*program);
  return fresh.evaluate(inputs);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  std::string path = proviso::fuzz::source_dir() + "/policies/qlik/oem_maintenance.policy";
  driver::CompileResult result = driver::compile_file(path);
  if (!result.ok()) {
    std::fprintf(stderr, "interp_vs_jit fuzzer: cannot compile %s\n", path.c_str());
    std::exit(2);
  }
  program = result.program;
  decoder = std::make_unique<records::Decoder>(*program);
  reference = std::make_unique<interp::Interpreter>(*program);
#ifdef PROVISO_FUZZ_JIT
  jit::JitOptions options;
  options.use_cache = false;
  auto created = jit::CompiledPolicy::create(*program, options);
  if (created.ok()) {
    jitted = std::move(created.policy);
    direct = std::make_unique<jit::Session>(*jitted);
    line_plan = std::make_unique<records::LinePlan>(*program);
    line_writer = std::make_unique<api::JitLineWriter>(jitted->layout(), *line_plan);
    options.tiering = jit::JitOptions::Tiering::Quick;
    auto quick_tier = jit::CompiledPolicy::create(*program, options);
    if (!quick_tier.ok()) {
      std::fprintf(stderr, "interp_vs_jit fuzzer: the quick tier failed (%s)\n", quick_tier.status.message.c_str());
      std::exit(2);
    }
    quick = std::move(quick_tier.policy);
  } else {
    std::fprintf(stderr, "interp_vs_jit fuzzer: the JIT refused the policy (%s); comparing with a fresh interpreter\n",
                 created.status.message.c_str());
  }
#endif
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const records::InputText& part : records::split_json_inputs(text, decoder->limits())) {
    if (part.error) continue;
    records::DecodeResult decoded = decoder->decode_json(part.text);
#ifdef PROVISO_FUZZ_JIT
    if (direct) {
      // Bound to the frame's sink, as the API decodes (fast_json_impl.h).
      std::optional<records::DecodeError> bad = decoder->decode_json_as(part.text, 0, direct->input_sink());
      FUZZ_CHECK(bad.has_value() == !decoded.ok(), "decoding into values and into the frame disagree on success");
      if (bad) FUZZ_CHECK(bad->to_string() == decoded.error->to_string(), "decode errors differ: " + bad->to_string());
      if (!bad) {
        std::string into_values = line_of(jitted->evaluate(decoded.values));
        std::string into_frame = line_of(direct->evaluate_input());
        std::string on_quick_code = line_of(quick->evaluate(decoded.values));
        FUZZ_CHECK(into_values == on_quick_code,
                   "the optimised code: " + into_values + "\nthe quick tier's code: " + on_quick_code);
        FUZZ_CHECK(into_values == into_frame,
                   "decoded into values: " + into_values + "\ninto the frame: " + into_frame);
        // The line written from the output struct in place (jit::FlatSource) is the same.
        jit::Session::Output out;
        if (direct->run_input(&out)) {
          std::string in_place;
          if (auto bad = records::write_decisions_line(in_place, *program, *out.source, out.decisions, out.home_zone))
            in_place = records::encode_error(bad->first, bad->second).dump();
          FUZZ_CHECK(in_place == into_frame, "written in place: " + in_place + "\nfrom values: " + into_frame);
          // And by the API's writer of JIT lines.
          std::string written;
          if (auto bad = line_writer->write(written, *out.source, out.decisions, out.home_zone))
            written = records::encode_error(bad->first, bad->second).dump();
          FUZZ_CHECK(written == into_frame, "the JIT line writer: " + written + "\nfrom values: " + into_frame);
        }
      }
    }
#endif
    if (!decoded.ok()) continue;
    ir::EvalResult want = reference->evaluate(decoded.values);
    ir::EvalResult got = evaluate_other_engine(decoded.values);
    std::string expected = line_of(want);
    std::string actual = line_of(got);
    FUZZ_CHECK(expected == actual, "interpreter: " + expected + "\nother engine: " + actual);
    FUZZ_CHECK(want.ok || want.error.loc == got.error.loc,
               "error locations differ: " + std::to_string(want.error.loc) + " vs " + std::to_string(got.error.loc));
  }
  return 0;
}

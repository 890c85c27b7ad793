// Fuzz target `interp_vs_jit`: the differential oracle of STYLE.md ("every evaluation runs
// through the interpreter and the JIT and demands identical output"). Inputs are decoded for
// policies/qlik/oem_maintenance.policy as in `decode`; each one is evaluated by a long-lived
// interpreter (its calendar cache warm) and by a fresh one, and both must print the same line.
//
// >>> JIT HOOK: when compiler/jit/ exists (CMake target proviso_jit), replace
// >>> `evaluate_other_engine` below with the JIT's evaluation of the same program and inputs,
// >>> link proviso_jit in tests/fuzz/CMakeLists.txt (PROVISO_FUZZ_JIT) and add this target to
// >>> FUZZ_SMOKE_TARGETS in scripts/ci-fuzz.sh.
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

namespace {

using namespace proviso;

std::shared_ptr<const ir::Program> program;
std::unique_ptr<records::Decoder> decoder;
std::unique_ptr<interp::Interpreter> reference;

// One output line of `proviso eval` for an evaluation result.
std::string line_of(const interp::EvalResult& r) {
  if (!r.ok) return records::encode_error(r.error.path, r.error.message).dump();
  return records::encode_decisions(*program, r.decisions, r.home_zone)
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The engine compared with the reference interpreter. Until the JIT exists this is a fresh
// interpreter, which at least checks that evaluation does not depend on cached state.
std::string evaluate_other_engine(const std::vector<ir::Value>& inputs) {
  interp::Interpreter fresh(*program);
  return line_of(fresh.evaluate(inputs));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  std::string path = proviso::fuzz::source_dir() + "/policies/qlik/oem_maintenance.policy";
  driver::CompileResult compiled = driver::compile_file(path);
  if (!compiled.ok()) {
    std::fprintf(stderr, "interp_vs_jit fuzzer: cannot compile %s\n", path.c_str());
    std::exit(2);
  }
  program = compiled.program;
  decoder = std::make_unique<records::Decoder>(*program);
  reference = std::make_unique<interp::Interpreter>(*program);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const records::InputText& part : records::split_json_inputs(text, decoder->limits())) {
    if (part.error) continue;
    records::DecodeResult decoded = decoder->decode_json(part.text);
    if (!decoded.ok()) continue;
    std::string expected = line_of(reference->evaluate(decoded.values));
    std::string actual = evaluate_other_engine(decoded.values);
    FUZZ_CHECK(expected == actual, "interpreter: " + expected + "\nother engine: " + actual);
  }
  return 0;
}

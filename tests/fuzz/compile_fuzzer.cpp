// Fuzz target `compile`: arbitrary bytes as a policy file through parse + imports + check
// (driver::compile_source). It must give a program or error diagnostics, never crash or hang;
// every diagnostic is rendered, and every span of the main file lies inside it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "compiler/ast/diagnostic.h"
#include "compiler/driver/compile.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace proviso;
  auto source =
      std::make_shared<const SourceFile>("fuzz.policy", std::string(reinterpret_cast<const char*>(data), size));
  driver::CompileResult r = driver::compile_source(source);

  FUZZ_CHECK(r.ok() == !r.diagnostics.has_errors(), render_all(r.diagnostics));
  for (const Diagnostic& d : r.diagnostics.items()) {
    FUZZ_CHECK(!d.message.empty());
    FUZZ_CHECK(!d.code.empty(), d.message);
    if (d.source == source) {
      FUZZ_CHECK(d.span.begin <= d.span.end && d.span.end <= size, render(d));
      for (const auto& [span, note] : d.notes) FUZZ_CHECK(span.begin <= span.end && span.end <= size, render(d));
    }
    std::string text = render(d);
    FUZZ_CHECK(!text.empty());
  }
  (void)render_all(r.diagnostics);
  return 0;
}

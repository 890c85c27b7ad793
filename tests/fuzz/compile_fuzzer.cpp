// Fuzz target `compile`: arbitrary bytes as a policy file through parse + imports + check
// (driver::compile_source). It must give a program or error diagnostics, never crash or hang;
// every diagnostic has a known code and is rendered (as text and JSON), and every span of the
// main file (its related locations' and fixes' too) lies inside it.
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
    FUZZ_CHECK(code_info(d.code).code == d.code, d.message);
    if (d.source == source) {
      FUZZ_CHECK(d.span.begin <= d.span.end && d.span.end <= size, render(d));
      for (const Related& r : d.related) FUZZ_CHECK(r.span.begin <= r.span.end && r.span.end <= size, render(d));
      for (const Fix& f : d.fixes) FUZZ_CHECK(f.span.begin <= f.span.end && f.span.end <= size, render(d));
    }
    FUZZ_CHECK(!render_json(d).empty());
    std::string text = render(d);
    FUZZ_CHECK(!text.empty());
  }
  (void)render_all(r.diagnostics);
  return 0;
}

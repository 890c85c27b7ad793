// Fuzz target `format`: for bytes that parse, format::format_source either refuses with a
// reason or gives text that parses to an equal tree (ast::equal) and formats to itself.
// With PROVISO_FUZZ_FMT_STRICT=1 an "internal error" refusal (the formatter caught itself
// changing a program) also counts as a failure: use it to hunt formatter bugs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "compiler/ast/ast_equal.h"
#include "compiler/ast/diagnostic.h"
#include "compiler/format/formatter.h"
#include "grammar/parser.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

bool strict() {
  static const bool on = [] {
    const char* v = std::getenv("PROVISO_FUZZ_FMT_STRICT");
    return v && *v && std::string(v) != "0";
  }();
  return on;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace proviso;
  auto source =
      std::make_shared<const SourceFile>("fuzz.policy", std::string(reinterpret_cast<const char*>(data), size));
  syntax::ParseResult parsed = syntax::parse(source);
  if (parsed.diagnostics.has_errors()) return 0;

  format::FormatResult first = format::format_source(source);
  if (!first.ok) {
    FUZZ_CHECK(!first.error.empty());
    FUZZ_CHECK(!strict() || first.error.rfind("internal error", 0) != 0, first.error);
    return 0;
  }

  auto formatted = std::make_shared<const SourceFile>("fuzz.policy", first.text);
  syntax::ParseResult again = syntax::parse(formatted);
  FUZZ_CHECK(!again.diagnostics.has_errors(), render_all(again.diagnostics) + "\n--- formatted:\n" + first.text);
  FUZZ_CHECK(ast::equal(parsed.module, again.module), "--- formatted:\n" + first.text);

  format::FormatResult second = format::format_source(formatted);
  FUZZ_CHECK(second.ok, second.error + "\n--- formatted once:\n" + first.text);
  FUZZ_CHECK(second.text == first.text, "--- formatted once:\n" + first.text + "--- formatted twice:\n" + second.text);
  return 0;
}

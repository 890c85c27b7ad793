// libFuzzer target for the parser and the formatter: any bytes must parse without a crash, and
// a file that parses must format (format_source never refuses a program it parsed) and format
// again to the same text. Not part of the CMake build; run by hand:
//   clang++-19 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I. \
//     tests/grammar/fuzz/parse_format_fuzzer.cpp grammar/*.cpp compiler/ast/*.cpp \
//     compiler/fmt/*.cpp -lfmt -o /tmp/parse_format_fuzzer
//   /tmp/parse_format_fuzzer -max_len=4096 tests/grammar/data policies/*/ stdlib/
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "compiler/fmt/formatter.h"
#include "grammar/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace proviso;
  auto source = std::make_shared<SourceFile>("fuzz.policy", std::string(reinterpret_cast<const char*>(data), size));
  syntax::ParseResult parsed = syntax::parse(source);
  if (parsed.diagnostics.has_errors()) return 0;
  fmt_policy::FormatResult once = fmt_policy::format_source(source);
  if (!once.ok) std::abort();  // the formatter refused a program that parses
  fmt_policy::FormatResult twice = fmt_policy::format_source(std::make_shared<SourceFile>("fuzz.policy", once.text));
  if (!twice.ok || twice.text != once.text) std::abort();  // not idempotent
  return 0;
}

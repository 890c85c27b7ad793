// Test helpers: compile policy text from a string, evaluate it on JSON-like inputs built
// with the language's own record literals (through a test block), and look at diagnostics.
#pragma once
#include <string>

#include "compiler/ast/diagnostic.h"
#include "compiler/driver/compile.h"
#include "compiler/interp/interpreter.h"

namespace proviso::testing {

inline driver::CompileResult compile(const std::string& body, const std::string& path = "test.policy") {
  std::string text = "policy t \"Test\"\n  home zone zone \"America/New_York\"\n" + body;
  return driver::compile_source(std::make_shared<const SourceFile>(path, std::move(text)));
}

// The first error's "line:col: message [P0017 unknown-name]" (lines count from the two-line header).
inline std::string first_error(const driver::CompileResult& r) {
  for (const auto& d : r.diagnostics.items()) {
    if (d.severity != Severity::Error) continue;
    LineCol lc = d.source ? d.source->line_col(d.span.begin) : LineCol{0, 0};
    return std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + d.message + " " + code_tag(d.code);
  }
  return "";
}

inline std::string first_warning(const driver::CompileResult& r) {
  for (const auto& d : r.diagnostics.items()) {
    if (d.severity != Severity::Warning) continue;
    LineCol lc = d.source ? d.source->line_col(d.span.begin) : LineCol{0, 0};
    return std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + d.message + " " + code_tag(d.code);
  }
  return "";
}

}  // namespace proviso::testing

// One analysis of a document: its parse (declarations and comments, for outlines, lenses and
// tokens), its compilation with the checker's semantic index (diagnostics, names, types), and
// the program when it has no errors. Analyses are immutable once made and shared by pointer.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "compiler/driver/compile.h"
#include "compiler/driver/coverage.h"
#include "compiler/sema/index.h"
#include "grammar/parser.h"
#include "lsp/document.h"

namespace proviso::lsp {

struct Analysis {
  Document doc;      // the text analysed, with its URI and version
  SourcePtr source;  // the same text as the compiler's SourceFile
  syntax::ParseResult parsed;
  driver::CompileResult compiled;
  sema::SemanticIndex index;
  double milliseconds = 0;  // parse and check, wall time
  // The code lenses of this analysis once computed (lenses.cpp): they run the policy's tests
  // and decisions, so they are made once per compiled text, not once per request.
  mutable std::optional<Json> lenses;
  // What the policy's tests reach (compiler/driver/coverage.h), once per compiled text: the
  // faded code of the diagnostics and the tests' outcomes of the lenses.
  mutable std::optional<driver::Coverage> coverage;

  const ir::Program* program() const { return compiled.program.get(); }
  // The index's entity named at `offset` of the document, with the occurrence there; -1 when
  // no name is there.
  int32_t entity_at(uint32_t offset, Span* where = nullptr) const;
};

std::shared_ptr<const Analysis> analyse(const Document& doc);

// The coverage of a compiled analysis, measured on first use.
const driver::Coverage& coverage_of(const Analysis& a);

// The URI of file `file` of an analysis (0 is the document itself); "" for a standard module,
// which has no file an editor can open.
std::string file_uri(const Analysis& a, int file);

}  // namespace proviso::lsp

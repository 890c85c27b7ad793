// The front half of the pipeline in one call: read a file, parse it (with the modules it
// imports, compiler/driver/modules.h), check it, and give the typed IR plus every diagnostic.
#pragma once
#include <memory>
#include <string>

#include "compiler/ast/diagnostic.h"
#include "compiler/driver/modules.h"
#include "compiler/ir/program.h"
#include "compiler/sema/index.h"

namespace proviso::driver {

struct CompileResult {
  std::shared_ptr<const ir::Program> program;  // null when there were errors
  Diagnostics diagnostics;                     // sorted by position; warnings included
  bool ok() const { return program != nullptr; }
};

// Reads `path` ("-" is not accepted here). An unreadable file is an error diagnostic
// without a source location. Its `import "PATH"` files are read relative to its directory.
CompileResult compile_file(const std::string& path);
// Compiles text. Without `imports.base_dir` the text has no file behind it: it may import the
// standard modules only (a file import is an error), and no file is read. With `index`, the
// checker records names and types there for editors (compiler/sema/index.h).
CompileResult compile_source(SourcePtr source, const ImportOptions& imports = {}, sema::SemanticIndex* index = nullptr);
// The same, from the text already parsed (its module.source is the text): a caller that keeps
// the syntax tree (the language server's outline and lenses) parses once.
CompileResult compile_parsed(const syntax::ParseResult& main, const ImportOptions& imports = {},
                             sema::SemanticIndex* index = nullptr);

// Whether compile_source runs the IR verifier (ir/verifier.h) on every program it makes:
// always in builds with PROVISO_VERIFY_IR (Debug and the sanitizer build), else when the
// environment has PROVISO_VERIFY_IR=1 (ctest sets it).
bool verify_ir_enabled();

}  // namespace proviso::driver

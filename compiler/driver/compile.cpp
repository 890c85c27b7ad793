// Reads a policy, parses it and the modules it imports, and checks the whole.
#include "compiler/driver/compile.h"
#include <proviso/rt/error.h>

#include "compiler/driver/evaluation_check.h"
#include "compiler/ir/verifier.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "compiler/sema/check.h"
#include "grammar/parser.h"

namespace proviso::driver {

namespace {

constexpr size_t kMaxSourceBytes = 8u << 20;

}  // namespace

CompileResult compile_file(const std::string& path) {
  CompileResult result;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Diagnostic d;
    d.message = fmt::format("cannot read `{}`: {}", path, rt::system_reason(errno));
    d.code = Code::UnreadableFile;
    result.diagnostics.add(std::move(d));
    return result;
  }
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxSourceBytes) {
      Diagnostic d;
      d.message = fmt::format("`{}` is larger than the limit of {} MiB for a policy file", path, kMaxSourceBytes >> 20);
      d.code = Code::FileTooLarge;
      result.diagnostics.add(std::move(d));
      return result;
    }
  }
  ImportOptions imports;
  imports.base_dir = std::filesystem::path(path).parent_path().string();
  return compile_source(std::make_shared<const SourceFile>(path, std::move(text)), imports);
}

bool verify_ir_enabled() {
#ifdef PROVISO_VERIFY_IR
  return true;
#else
  static const bool on = [] {
    const char* v = std::getenv("PROVISO_VERIFY_IR");
    return v && std::string_view(v) == "1";
  }();
  return on;
#endif
}

CompileResult compile_source(SourcePtr source, const ImportOptions& imports, sema::SemanticIndex* index) {
  return compile_parsed(syntax::parse(std::move(source)), imports, index);
}

CompileResult compile_parsed(const syntax::ParseResult& main, const ImportOptions& imports,
                             sema::SemanticIndex* index) {
  const SourcePtr& source = main.module.source;
  CompileResult result;
  result.diagnostics.append(main.diagnostics);
  if (main.diagnostics.has_errors()) {
    result.diagnostics.sort();
    return result;
  }
  std::vector<LoadedModule> loaded = load_modules(main.module, imports, &result.diagnostics);
  if (result.diagnostics.has_errors()) {
    result.diagnostics.sort();
    return result;
  }
  std::vector<sema::ImportedModule> modules;
  for (const LoadedModule& m : loaded) modules.push_back({&m.parsed.module, m.imports});
  sema::CheckResult checked = sema::check(main.module, modules, index);
  result.diagnostics.append(checked.diagnostics);
  if (checked.program && !result.diagnostics.has_errors()) {
    // The IR verifier, in builds made for finding bugs (PROVISO_VERIFY_IR) and in the tests
    // (the environment variable): a finding is a compiler bug, reported as an error.
    if (verify_ir_enabled()) {
      for (const std::string& problem : ir::verify(*checked.program))
        result.diagnostics.error(source, Span{}, Code::Internal, "internal error: the IR verifier: " + problem);
    }
    if (!result.diagnostics.has_errors()) check_evaluation(*checked.program, result.diagnostics);
  }
  result.diagnostics.sort();
  if (checked.program && !result.diagnostics.has_errors()) result.program = std::move(checked.program);
  return result;
}

}  // namespace proviso::driver

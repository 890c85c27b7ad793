// Reads a policy, parses it and the stdlib modules it imports, and checks the whole.
#include "compiler/driver/compile.h"
#include <proviso/rt/error.h>

#include "compiler/driver/evaluation_check.h"
#include "compiler/ir/verifier.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "compiler/sema/check.h"
#include "grammar/parser.h"
#include "stdlib/stdlib.h"

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
  return compile_source(std::make_shared<const SourceFile>(path, std::move(text)));
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

CompileResult compile_source(SourcePtr source) {
  CompileResult result;
  syntax::ParseResult main = syntax::parse(source);
  result.diagnostics.append(main.diagnostics);
  if (main.diagnostics.has_errors()) {
    result.diagnostics.sort();
    return result;
  }
  // Imports: stdlib modules embedded in the binary.
  std::vector<syntax::ParseResult> parsed;
  parsed.reserve(main.module.decls.size());
  for (const ast::Decl& d : main.module.decls) {
    if (d.kind() != ast::DeclKind::Import) continue;
    const std::string& name = d.import_decl()->path.text;
    const stdlib::Module* found = nullptr;
    std::vector<std::string> names;
    for (const auto& m : stdlib::modules()) {
      names.push_back(std::string(m.name));
      if (m.name == name) found = &m;
    }
    if (!found) {
      auto& diag = result.diagnostics.error(source, d.import_decl()->path.span, Code::UnknownImport,
                                            fmt::format("there is no module `{}`", name));
      diag.help = fmt::format("the modules are {}", fmt::join(names, ", "));
      continue;
    }
    bool already = false;
    for (const auto& p : parsed) already |= p.module.header.name.text == name;
    if (already) continue;
    auto src = std::make_shared<const SourceFile>(std::string(found->path), std::string(found->source));
    parsed.push_back(syntax::parse(src));
    result.diagnostics.append(parsed.back().diagnostics);
  }
  if (result.diagnostics.has_errors()) {
    result.diagnostics.sort();
    return result;
  }
  std::vector<const ast::Module*> imports;
  for (const auto& p : parsed) imports.push_back(&p.module);
  sema::CheckResult checked = sema::check(main.module, imports);
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

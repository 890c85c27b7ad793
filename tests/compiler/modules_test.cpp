// Module files of the author's own (`import "lib/hours.policy"`, compiler/driver/modules.h):
// the fixtures of tests/policies/modules/ (a policy importing a module that imports another,
// and in broken/ a cycle, a missing file, a policy imported, a syntax error in a module, a
// module that reads the policy's input), then cases built in a temporary directory.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"

using namespace proviso;
namespace fs = std::filesystem;

namespace {

std::string source_dir() {
  const char* d = std::getenv("PROVISO_SOURCE_DIR");
  return d ? d : PROVISO_SOURCE_DIR;
}

std::string fixture(const std::string& relative) { return source_dir() + "/tests/policies/modules/" + relative; }
// Modules and policies that must not compile, kept out of tests/policies (whose every policy
// passes `proviso test`).
std::string broken_fixture() { return source_dir() + "/tests/data/broken_modules/"; }

// "FILE:LINE:COLUMN: message [CODE name]" of every error, FILE relative to `base`.
std::vector<std::string> errors(const driver::CompileResult& r, const std::string& base = "") {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics.items()) {
    if (d.severity != Severity::Error) continue;
    std::string path = d.source ? d.source->path() : "";
    if (!base.empty() && path.rfind(base, 0) == 0) path = path.substr(base.size());
    LineCol lc = d.source ? d.source->line_col(d.span.begin) : LineCol{0, 0};
    out.push_back(fmt::format("{}:{}:{}: {} {}", path, lc.line, lc.column, d.message, code_tag(d.code)));
  }
  return out;
}

const Diagnostic& only_error(const driver::CompileResult& r) {
  INFO(render_all(r.diagnostics));
  REQUIRE(r.diagnostics.error_count() == 1);
  for (const Diagnostic& d : r.diagnostics.items())
    if (d.severity == Severity::Error) return d;
  FAIL("no error");
  return r.diagnostics.items().front();
}

std::vector<std::string> file_paths(const ir::Program& p) {
  std::vector<std::string> out;
  for (const SourcePtr& f : p.files) out.push_back(f->path());
  return out;
}

struct TempDir {
  fs::path path;
  TempDir() {
    static int n = 0;
    path = fs::temp_directory_path() / fmt::format("proviso-modules-test-{}-{}", ::getpid(), n++);
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& relative, const std::string& text) const {
    fs::path p = path / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string str() const { return path.string() + "/"; }
};

// A policy whose body is `body`, with an input and a decision that reads it.
std::string policy(const std::string& imports, const std::string& decision = "ticket.severity") {
  return "policy t.p \"P\"\n\n" + imports +
         "\ninput ticket { severity: integer 1..3 }\n\ndecision d: integer  clause " + "\"1\" = " + decision + "\n";
}

// A module file of the ModuleFiles interface that counts what it is asked to read.
class CountingFiles final : public driver::ModuleFiles {
 public:
  bool read(const std::string& path, std::string* text, std::string* why) const override {
    reads.push_back(path);
    return driver::file_system().read(path, text, why);
  }
  std::string identity(const std::string& path) const override { return driver::file_system().identity(path); }
  mutable std::vector<std::string> reads;
};

}  // namespace

TEST_CASE("a policy imports a module that imports another, and a module imported twice is read once", "[modules]") {
  auto r = driver::compile_file(fixture("support_terms.policy"));
  INFO(render_all(r.diagnostics));
  REQUIRE(r.ok());
  CHECK(r.diagnostics.items().empty());
  // Each module after the modules it imports; levels.policy, imported by the policy and by
  // hours.policy, once.
  std::string dir = fixture("");
  CHECK(file_paths(*r.program) == std::vector<std::string>{dir + "support_terms.policy", "stdlib/holidays.policy",
                                                           dir + "lib/levels.policy", dir + "lib/hours.policy"});
  // The policy sees the declarations of both modules, and of the standard module hours.policy imports.
  CHECK(r.program->find_value("respond_by") >= 0);
  CHECK(r.program->calendars.size() == 1);
}

TEST_CASE("a module checked on its own: its imports are followed, its declarations are not unused", "[modules]") {
  auto r = driver::compile_file(fixture("lib/hours.policy"));
  INFO(render_all(r.diagnostics));
  REQUIRE(r.ok());
  CHECK(r.diagnostics.items().empty());
}

TEST_CASE("an import cycle is an error at the import that closes it, naming the chain", "[modules]") {
  std::string dir = broken_fixture();
  auto r = driver::compile_file(dir + "imports_cycle.policy");
  CHECK(errors(r, dir) ==
        std::vector<std::string>{"cycle_b.policy:4:8: importing `cycle_a.policy` here closes a cycle: " + dir +
                                 "cycle_a.policy -> " + dir + "cycle_b.policy -> " + dir +
                                 "cycle_a.policy [P0027 cycle]"});
  CHECK(only_error(r).help.find("in a circle") != std::string::npos);
  // The same module checked on its own.
  auto own = driver::compile_file(dir + "cycle_a.policy");
  CHECK(errors(own, dir) ==
        std::vector<std::string>{"cycle_b.policy:4:8: importing `cycle_a.policy` here closes a cycle: " + dir +
                                 "cycle_a.policy -> " + dir + "cycle_b.policy -> " + dir +
                                 "cycle_a.policy [P0027 cycle]"});
}

TEST_CASE("a missing module file is an error at the import's path", "[modules]") {
  std::string dir = broken_fixture();
  auto r = driver::compile_file(dir + "imports_missing.policy");
  CHECK(errors(r, dir) == std::vector<std::string>{"imports_missing.policy:4:8: cannot read `" + dir +
                                                   "no_such_module.policy`: no such file or directory "
                                                   "[P0082 unreadable-file]"});
  // The underline covers the quoted path.
  CHECK(only_error(r).span.size() == std::string("\"no_such_module.policy\"").size());
}

TEST_CASE("a policy file cannot be imported", "[modules]") {
  std::string dir = broken_fixture();
  auto r = driver::compile_file(dir + "imports_policy.policy");
  CHECK(errors(r, dir) == std::vector<std::string>{"imports_policy.policy:4:8: `" + fixture("") +
                                                   "support_terms.policy` is a policy, not a module "
                                                   "[P0023 unknown-import]"});
  CHECK(only_error(r).help ==
        "only a file that starts with `module NAME \"TITLE\"` can be imported: move the declarations that policies "
        "share into one");
}

TEST_CASE("a syntax error in a module is reported in the module's file", "[modules]") {
  std::string dir = broken_fixture();
  auto r = driver::compile_file(dir + "imports_bad_syntax.policy");
  CHECK(errors(r, dir) ==
        std::vector<std::string>{"bad_syntax.policy:5:14: expected `=` and the constant's value [P0001 syntax]"});
  CHECK(render(only_error(r)).find(dir + "bad_syntax.policy:5:14: error:") == 0);
}

TEST_CASE("a module sees its own declarations and its imports', not the policy's", "[modules]") {
  std::string dir = broken_fixture();
  auto r = driver::compile_file(dir + "imports_peeking_module.policy");
  CHECK(errors(r, dir) == std::vector<std::string>{"peeks.policy:5:24: unknown name `ticket` [P0017 unknown-name]"});
  CHECK(only_error(r).help == "`ticket` is declared in the policy `" + dir +
                                  "imports_peeking_module.policy`: a module sees only its own declarations and "
                                  "those of the modules it imports");
}

TEST_CASE("a policy given as text imports no file, unless a directory is given", "[modules]") {
  std::string text = policy("import \"lib/levels.policy\"\n");
  CountingFiles files;
  driver::ImportOptions text_only;
  text_only.files = &files;
  auto r = driver::compile_source(std::make_shared<const SourceFile>("given.policy", text), text_only);
  CHECK(errors(r) == std::vector<std::string>{"given.policy:3:8: a policy given as text cannot import files; compile "
                                              "it from its file, so that `lib/levels.policy` is read from beside it "
                                              "[P0023 unknown-import]"});
  CHECK(files.reads.empty());
  // The same text with the directory its imports are relative to.
  driver::ImportOptions beside;
  beside.base_dir = fixture("");
  beside.files = &files;
  auto ok = driver::compile_source(std::make_shared<const SourceFile>("given.policy", text), beside);
  INFO(render_all(ok.diagnostics));
  CHECK(ok.ok());
  CHECK(files.reads == std::vector<std::string>{fixture("lib/levels.policy")});
}

TEST_CASE("module files: paths, repeats, nesting and scope", "[modules]") {
  TempDir t;
  t.write("lib/base.policy", "module t.base \"Base\"\n\nconst base_limit = 2\n");
  t.write("lib/top.policy", "module t.top \"Top\"\n\nimport \"base.policy\"\n\nconst top_limit = base_limit + 1\n");

  SECTION("two spellings of a path, and a symbolic link, are one file") {
    fs::create_directory_symlink(t.path / "lib", t.path / "linked");
    auto r = driver::compile_file(
        t.write("p.policy", policy("import \"lib/base.policy\"\nimport \"./lib/../lib/base.policy\"\nimport "
                                   "\"linked/base.policy\"\n",
                                   "base_limit")));
    INFO(render_all(r.diagnostics));
    REQUIRE(r.ok());
    CHECK(r.program->files.size() == 2);
  }
  SECTION("a path is relative to the directory of the file that imports it") {
    // top.policy's `import "base.policy"` is lib/base.policy, not a base.policy beside p.policy.
    t.write("base.policy", "module t.decoy \"Decoy\"\n\nconst decoy = 1\n");
    auto r = driver::compile_file(t.write("p.policy", policy("import \"lib/top.policy\"\n", "top_limit + base_limit")));
    INFO(render_all(r.diagnostics));
    REQUIRE(r.ok());
    CHECK(file_paths(*r.program) ==
          std::vector<std::string>{t.str() + "p.policy", t.str() + "lib/base.policy", t.str() + "lib/top.policy"});
  }
  SECTION("a missing file imported by a module is an error in the module") {
    t.write("lib/broken.policy", "module t.broken \"Broken\"\n\n-- gone\nimport \"gone.policy\"\n");
    auto r = driver::compile_file(t.write("p.policy", policy("import \"lib/broken.policy\"\n")));
    CHECK(errors(r, t.str()) == std::vector<std::string>{"lib/broken.policy:4:8: cannot read `" + t.str() +
                                                         "lib/gone.policy`: no such file or directory "
                                                         "[P0082 unreadable-file]"});
  }
  SECTION("a module that imports the policy back closes a cycle through the policy") {
    t.write("lib/back.policy", "module t.back \"Back\"\n\nimport \"../p.policy\"\n");
    auto r = driver::compile_file(t.write("p.policy", policy("import \"lib/back.policy\"\n")));
    CHECK(errors(r, t.str()) == std::vector<std::string>{"lib/back.policy:3:8: importing `../p.policy` here closes a "
                                                         "cycle: " +
                                                         t.str() + "p.policy -> " + t.str() + "lib/back.policy -> " +
                                                         t.str() + "p.policy [P0027 cycle]"});
  }
  SECTION("a module that imports itself") {
    t.write("lib/self.policy", "module t.self \"Self\"\n\nimport \"self.policy\"\n");
    auto r = driver::compile_file(t.write("p.policy", policy("import \"lib/self.policy\"\n")));
    CHECK(errors(r, t.str()) ==
          std::vector<std::string>{"lib/self.policy:3:8: importing `self.policy` here closes a "
                                   "cycle: " +
                                   t.str() + "lib/self.policy -> " + t.str() + "lib/self.policy [P0027 cycle]"});
  }
  SECTION("absolute and empty paths are refused") {
    auto r =
        driver::compile_file(t.write("p.policy", policy("import \"" + t.str() + "lib/base.policy\"\nimport \"\"\n")));
    CHECK(errors(r, t.str()) ==
          std::vector<std::string>{
              "p.policy:3:8: `" + t.str() + "lib/base.policy` is an absolute path [P0023 unknown-import]",
              "p.policy:4:8: the path of an imported file is empty [P0023 unknown-import]"});
  }
  SECTION("a directory or a FIFO is not read") {
    ::mkfifo((t.path / "pipe.policy").c_str(), 0600);
    auto r = driver::compile_file(t.write("p.policy", policy("import \"lib\"\nimport \"pipe.policy\"\n")));
    CHECK(errors(r, t.str()) ==
          std::vector<std::string>{
              "p.policy:3:8: cannot read `" + t.str() + "lib`: it is a directory [P0082 unreadable-file]",
              "p.policy:4:8: cannot read `" + t.str() +
                  "pipe.policy`: it is not a regular file [P0082 unreadable-file]"});
  }
  SECTION("a name declared by two modules is declared twice") {
    t.write("lib/other.policy", "module t.other \"Other\"\n\nconst base_limit = 3\n");
    auto r = driver::compile_file(
        t.write("p.policy", policy("import \"lib/base.policy\"\nimport \"lib/other.policy\"\n", "base_limit")));
    CHECK(errors(r, t.str()) == std::vector<std::string>{"lib/other.policy:3:7: `base_limit` is declared twice "
                                                         "[P0014 duplicate-declaration]"});
    CHECK(only_error(r).help ==
          "`base_limit` is already declared by the imported module `t.base` (`" + t.str() + "lib/base.policy`)");
  }
  SECTION("a module does not see a module it does not import") {
    // Both are imported by the policy, which sees both; uses.policy imports neither.
    t.write("lib/uses.policy", "module t.uses \"Uses\"\n\nconst uses_limit = base_limit + 1\n");
    auto r = driver::compile_file(
        t.write("p.policy", policy("import \"lib/base.policy\"\nimport \"lib/uses.policy\"\n", "uses_limit")));
    CHECK(errors(r, t.str()) ==
          std::vector<std::string>{"lib/uses.policy:3:20: unknown name `base_limit` [P0017 unknown-name]"});
    CHECK(only_error(r).help == "`base_limit` is declared in `" + t.str() +
                                    "lib/base.policy`, which this module does not import: a module sees only its own "
                                    "declarations and those of the modules it imports");
  }
  SECTION("a module sees an enum's bare members only through its imports") {
    t.write("lib/levels.policy", "module t.levels \"Levels\"\n\nenum Level = Gold | Silver\n");
    t.write("lib/sees.policy", "module t.sees \"Sees\"\n\nimport \"levels.policy\"\n\nconst best: Level = Gold\n");
    t.write("lib/blind.policy", "module t.blind \"Blind\"\n\nconst best_name = text(Gold)\n");
    auto sees = driver::compile_file(
        t.write("p.policy", policy("import \"lib/sees.policy\"\n", "if best == Gold then 1 else 2")));
    INFO(render_all(sees.diagnostics));
    CHECK(sees.ok());
    auto blind =
        driver::compile_file(t.write("q.policy", policy("import \"lib/levels.policy\"\nimport \"lib/blind.policy\"\n",
                                                        "if best_name == \"Gold\" then 1 else 2")));
    CHECK(errors(blind, t.str()) ==
          std::vector<std::string>{"lib/blind.policy:3:24: unknown name `Gold` [P0017 unknown-name]"});
  }
}

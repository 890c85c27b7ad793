// The modules a policy imports: the standard ones built into the binary (`import
// stdlib.holidays`) and the author's own module files (`import "lib/hours.policy"`, relative to
// the directory of the file that imports it), followed through the modules' own imports.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/ast/diagnostic.h"
#include "grammar/parser.h"

namespace proviso::driver {

// Where module files are read from: the file system, or another store such as a git revision
// (`proviso diff --git` reads the modules of the old version there). Paths are as the loader
// makes them: the importing file's directory joined with the import's path, made lexically
// normal.
class ModuleFiles {
 public:
  virtual ~ModuleFiles() = default;
  // The text of the file at `path`; false, with the reason in `*why` ("no such file or
  // directory"), when it cannot be read.
  virtual bool read(const std::string& path, std::string* text, std::string* why) const = 0;
  // One name for every path to the same file: repeated imports and cycles are found by it.
  virtual std::string identity(const std::string& path) const = 0;
  // How diagnostics name the file at `path`.
  virtual std::string label(const std::string& path) const { return path; }
};

// Regular files of at most the size limit of a policy file, identified by their canonical
// path (so that two spellings of a path, or a symbolic link, import one file once).
const ModuleFiles& file_system();

// What a compilation needs to follow `import "PATH"`.
struct ImportOptions {
  // The directory the policy's file imports are relative to ("" is the current directory).
  // None for a policy given as text with no file behind it: it may import the standard modules
  // only, and no file is ever read for it.
  std::optional<std::string> base_dir;
  const ModuleFiles* files = nullptr;  // null: file_system()
  // The policy's own file as `files` reads it, so that a module importing it back is a cycle;
  // none: `base_dir` joined with the file name of the policy's SourceFile path.
  std::optional<std::string> self;
};

// A module as read, with the modules it imports itself.
struct LoadedModule {
  syntax::ParseResult parsed;
  std::vector<int> imports;  // positions in the list of load_modules of the modules it imports
};

// Follows the imports of `policy` (the parsed main file) depth first and gives the modules in
// the order the checker takes them (Program::files[1..]): each after the modules it imports,
// every file and standard module once. Every problem is an error in `diagnostics` at the import
// that meets it: an unknown standard module, a file that cannot be read, that is not a module
// or that closes a cycle (named by the chain of files), a file import in a policy given as
// text. Syntax errors of a module are reported in the module's own file.
std::vector<LoadedModule> load_modules(const ast::Module& policy, const ImportOptions& options,
                                       Diagnostics* diagnostics);

// The paths of the module files that `policy` imports, directly or through other modules, as
// the loader asks `options.files` for them: found or not (a deleted module counts), without
// errors. Empty when the policy does not parse. For `proviso diff --git`: which policies a
// changed module file affects.
std::set<std::string> module_paths(SourcePtr policy, const ImportOptions& options);

}  // namespace proviso::driver

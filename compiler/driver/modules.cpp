// Follows a policy's imports: standard modules by name, module files by path, depth first,
// each once, refusing cycles.
#include "compiler/driver/modules.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <proviso/rt/error.h>

#include "grammar/builder.h"
#include "stdlib/stdlib.h"

namespace proviso::driver {

namespace fs = std::filesystem;

namespace {

// Module files that import each other in a chain, from the policy: each level holds a few
// frames of the loader's stack (docs/LIMITS.md).
constexpr size_t kMaxImportDepth = 64;

class FileSystem final : public ModuleFiles {
 public:
  // Opened without blocking (a FIFO named by mistake must not hang the compiler) and read only
  // when it is a regular file, up to the size limit of a policy file.
  bool read(const std::string& path, std::string* text, std::string* why) const override {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      *why = rt::system_reason(errno);
      return false;
    }
    bool ok = read_open(fd, text, why);
    ::close(fd);
    return ok;
  }

  std::string identity(const std::string& path) const override {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    return ec ? fs::absolute(path, ec).lexically_normal().string() : canonical.string();
  }

 private:
  static bool read_open(int fd, std::string* text, std::string* why) {
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      *why = rt::system_reason(errno);
      return false;
    }
    if (!S_ISREG(st.st_mode)) {
      *why = S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file";
      return false;
    }
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        *why = rt::system_reason(errno);
        return false;
      }
      if (n == 0) return true;
      text->append(buf, static_cast<size_t>(n));
      if (text->size() > syntax::kMaxSourceBytes) {
        *why = fmt::format("it is larger than the limit of {} MiB for a policy file", syntax::kMaxSourceBytes >> 20);
        return false;
      }
    }
  }
};

// One file on the path from the policy to the import being followed.
struct OnPath {
  std::string identity;
  std::string label;
};

class Loader {
 public:
  Loader(const ImportOptions& options, Diagnostics* diags)
      : files_(options.files ? *options.files : file_system()), diags_(diags) {}

  std::vector<LoadedModule> run(const ast::Module& policy, const ImportOptions& options) {
    // The policy is on the path too: a module that imports it back closes a cycle.
    std::string self;
    if (options.self) {
      self = files_.identity(*options.self);
    } else if (options.base_dir) {
      self = files_.identity(join(*options.base_dir, fs::path(policy.source->path()).filename().string()));
    }
    path_.push_back({self, policy.source->path()});
    follow(policy, options.base_dir);
    return std::move(loaded_);
  }

 private:
  static constexpr int kNone = -1;

  static std::string join(const std::string& dir, const std::string& relative) {
    return (fs::path(dir) / relative).lexically_normal().string();
  }

  // The imports of `module`, whose file imports are relative to `dir` (none: it has no file):
  // the positions in loaded_ of those that could be loaded.
  std::vector<int> follow(const ast::Module& module, const std::optional<std::string>& dir) {
    std::vector<int> found;
    for (const ast::Decl& d : module.decls) {
      const ast::ImportDecl* import = d.import_decl();
      if (!import) continue;
      int at = import->is_file ? import_file(*import, module.source, dir) : import_standard(*import, module.source);
      if (at != kNone) found.push_back(at);
    }
    return found;
  }

  int import_standard(const ast::ImportDecl& import, const SourcePtr& from) {
    const std::string& name = import.path.text;
    const stdlib::Module* found = nullptr;
    std::vector<std::string> names;
    for (const auto& m : stdlib::modules()) {
      names.push_back(std::string(m.name));
      if (m.name == name) found = &m;
    }
    if (!found) {
      diags_->error(from, import.path.span, Code::UnknownImport, fmt::format("there is no module `{}`", name)).help =
          fmt::format(
              "the standard modules are {}; a module file is imported by its path in quotes, such as "
              "`import \"lib/hours.policy\"`",
              fmt::join(names, ", "));
      return kNone;
    }
    std::string identity = "stdlib:" + name;
    if (auto it = position_.find(identity); it != position_.end()) return it->second;
    syntax::ParseResult parsed =
        syntax::parse(std::make_shared<const SourceFile>(std::string(found->path), std::string(found->source)));
    diags_->append(parsed.diagnostics);
    return add(identity, std::move(parsed), std::nullopt);
  }

  int import_file(const ast::ImportDecl& import, const SourcePtr& from, const std::optional<std::string>& dir) {
    const ast::Ident& written = import.path;
    if (!dir) {
      diags_->error(from, written.span, Code::UnknownImport,
                    fmt::format("a policy given as text cannot import files; compile it from its file, so that "
                                "`{}` is read from beside it",
                                written.text));
      return kNone;
    }
    if (written.text.empty() || fs::path(written.text).is_absolute()) {
      diags_
          ->error(from, written.span, Code::UnknownImport,
                  written.text.empty() ? std::string("the path of an imported file is empty")
                                       : fmt::format("`{}` is an absolute path", written.text))
          .help = "name the module file by its path from the directory of the file that imports it";
      return kNone;
    }
    std::string path = join(*dir, written.text);
    std::string identity = files_.identity(path);
    auto on_path = std::find_if(path_.begin(), path_.end(), [&](const OnPath& p) { return p.identity == identity; });
    if (on_path != path_.end()) {
      cycle(written, from, on_path, path);
      return kNone;
    }
    if (auto it = position_.find(identity); it != position_.end()) return it->second;
    if (unparsed_.contains(identity)) return kNone;
    if (path_.size() > kMaxImportDepth) {
      diags_->error(from, written.span, Code::NestingTooDeep,
                    fmt::format("modules import each other more than {} deep", kMaxImportDepth));
      return kNone;
    }
    std::string text, why;
    if (!files_.read(path, &text, &why)) {
      diags_->error(from, written.span, Code::UnreadableFile,
                    fmt::format("cannot read `{}`: {}", files_.label(path), why));
      return kNone;
    }
    syntax::ParseResult parsed = syntax::parse(std::make_shared<const SourceFile>(files_.label(path), std::move(text)));
    diags_->append(parsed.diagnostics);
    if (parsed.diagnostics.has_errors()) {
      unparsed_.insert(identity);
      return kNone;
    }
    if (!parsed.module.header.is_module) {
      not_a_module(written, from, parsed.module, path);
      return kNone;
    }
    path_.push_back({identity, files_.label(path)});
    int at = add(identity, std::move(parsed), fs::path(path).parent_path().string());
    path_.pop_back();
    return at;
  }

  // Follows the imports of a module just read, then lists it after them.
  int add(const std::string& identity, syntax::ParseResult parsed, const std::optional<std::string>& dir) {
    std::vector<int> imports = follow(parsed.module, dir);
    loaded_.push_back({std::move(parsed), std::move(imports)});
    int at = static_cast<int>(loaded_.size() - 1);
    position_.emplace(identity, at);
    return at;
  }

  void cycle(const ast::Ident& written, const SourcePtr& from, std::vector<OnPath>::const_iterator start,
             const std::string& path) {
    std::vector<std::string> chain;
    for (auto it = start; it != path_.end(); ++it) chain.push_back(it->label);
    chain.push_back(files_.label(path));
    diags_
        ->error(from, written.span, Code::Cycle,
                fmt::format("importing `{}` here closes a cycle: {}", written.text, fmt::join(chain, " -> ")))
        .help = "modules cannot import each other in a circle: move what they share into a module that both import";
  }

  void not_a_module(const ast::Ident& written, const SourcePtr& from, const ast::Module& found,
                    const std::string& path) {
    bool has_header = found.header.span.size() > 0;
    diags_
        ->error(from, written.span, Code::UnknownImport,
                has_header ? fmt::format("`{}` is a policy, not a module", files_.label(path))
                           : fmt::format("`{}` is not a module: it does not start with `module`", files_.label(path)))
        .help =
        "only a file that starts with `module NAME \"TITLE\"` can be imported: move the declarations that "
        "policies share into one";
  }

  const ModuleFiles& files_;
  Diagnostics* diags_;
  std::vector<OnPath> path_;             // from the policy to the file whose imports are followed
  std::map<std::string, int> position_;  // identity of a file or standard module -> its place in loaded_
  std::vector<LoadedModule> loaded_;
  std::set<std::string> unparsed_;  // files with syntax errors, reported once however often imported
};

}  // namespace

namespace {

// Another ModuleFiles, noting every path the loader asks it to read.
class RecordingFiles final : public ModuleFiles {
 public:
  explicit RecordingFiles(const ModuleFiles& files) : files_(files) {}
  bool read(const std::string& path, std::string* text, std::string* why) const override {
    asked.insert(path);
    return files_.read(path, text, why);
  }
  std::string identity(const std::string& path) const override { return files_.identity(path); }
  std::string label(const std::string& path) const override { return files_.label(path); }
  mutable std::set<std::string> asked;

 private:
  const ModuleFiles& files_;
};

}  // namespace

const ModuleFiles& file_system() {
  static const FileSystem files;
  return files;
}

std::vector<LoadedModule> load_modules(const ast::Module& policy, const ImportOptions& options,
                                       Diagnostics* diagnostics) {
  return Loader(options, diagnostics).run(policy, options);
}

std::set<std::string> module_paths(SourcePtr policy, const ImportOptions& options) {
  syntax::ParseResult parsed = syntax::parse(std::move(policy));
  if (parsed.diagnostics.has_errors()) return {};
  RecordingFiles files(options.files ? *options.files : file_system());
  ImportOptions recorded = options;
  recorded.files = &files;
  Diagnostics ignored;  // what compiling the policy reports
  load_modules(parsed.module, recorded, &ignored);
  return std::move(files.asked);
}

}  // namespace proviso::driver

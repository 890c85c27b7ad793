// Helpers shared by the commands.
#include "tools/cli.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <proviso/rt/error.h>

#include "compiler/ast/diagnostic.h"
#include "tools/output.h"

namespace proviso::cli {

void print_error(const std::string& message) { std::cerr << "proviso: error: " << message << "\n"; }

bool readable(const std::string& path, std::string* error) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    *error = "cannot read " + path + ": " + rt::system_reason(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    *error = "cannot read " + path + ": it is a directory";
    return false;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *error = "cannot read " + path + ": " + rt::system_reason(errno);
    return false;
  }
  std::fclose(f);
  return true;
}

bool read_file(const std::string& path, std::string* text, std::string* error) {
  if (path == "-") {
    text->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (std::cin.bad()) {
      *error = "cannot read standard input";
      return false;
    }
    return true;
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    *error = "cannot read " + path + ": " + rt::system_reason(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    *error = "cannot read " + path + ": it is a directory";
    return false;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *error = "cannot read " + path + ": " + rt::system_reason(errno);
    return false;
  }
  text->clear();
  if (st.st_size > 0) text->reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text->append(buf, n);
  bool bad = std::ferror(f);
  int err = errno;
  std::fclose(f);
  if (bad) {
    *error = "cannot read " + path + ": " + rt::system_reason(err);
    return false;
  }
  return true;
}

bool replace_file(const std::string& path, std::string_view text, std::string* error) {
  auto fail = [&](int err) {
    *error = "cannot write " + path + ": " + rt::system_reason(err);
    return false;
  };
  char* real = ::realpath(path.c_str(), nullptr);
  if (!real) return fail(errno);
  std::string target = real;
  std::free(real);
  struct stat st;
  if (::stat(target.c_str(), &st) != 0) return fail(errno);
  size_t slash = target.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : target.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  std::string tmpl = dir + "." + base + ".proviso-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) return fail(errno);
  std::string tmp = name.data();
  int err = 0;
  std::string_view rest = text;
  while (!rest.empty() && err == 0) {
    ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      err = n < 0 ? errno : EIO;
    else
      rest.remove_prefix(static_cast<size_t>(n));
  }
  if (err == 0 && ::fchmod(fd, st.st_mode & 07777) != 0) err = errno;
  // Keep the owner when allowed (as root, or the group for its members); otherwise the file
  // becomes the user's, as any editor's save would make it.
  if (err == 0 && (st.st_uid != ::geteuid() || st.st_gid != ::getegid())) (void)::fchown(fd, st.st_uid, st.st_gid);
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), target.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return fail(err);
  }
  return true;
}

bool report_diagnostics(const Result<Policy>& compiled, bool show_warnings) {
  bool any_error = false;
  std::string text;
  for (const PolicyDiagnostic& d : compiled.diagnostics()) {
    any_error |= d.severity == PolicyDiagnostic::Severity::Error;
    if (show_warnings || d.severity == PolicyDiagnostic::Severity::Error) text += d.rendered;
  }
  std::cerr << text;
  if (!compiled.ok() && !any_error) print_error(compiled.error());
  return compiled.ok();
}

std::shared_ptr<const ir::Program> compile_or_report(const std::string& path, bool show_warnings,
                                                     DiagnosticFormat format) {
  // Checked here so that an unreadable file is reported like every other file error.
  std::string error;
  if (!readable(path, &error)) {
    print_error(error);
    return nullptr;
  }
  driver::CompileResult r = driver::compile_file(path);
  if (!r.ok() || show_warnings) {
    Diagnostics shown;
    for (const auto& d : r.diagnostics.items())
      if (show_warnings || d.severity == Severity::Error) shown.add(d);
    if (format == DiagnosticFormat::Json) {
      for (const Diagnostic& d : shown.items()) Output::standard().write(render_json(d) + "\n");
    } else {
      std::cerr << render_all(shown);
    }
  }
  if (!r.ok() && !r.diagnostics.has_errors()) print_error(path + ": the policy could not be compiled");
  return r.program;
}

}  // namespace proviso::cli

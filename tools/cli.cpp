// Helpers shared by the commands.
#include "tools/cli.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

#include <sys/stat.h>

#include "compiler/ast/diagnostic.h"

namespace proviso::cli {
namespace {

// strerror in the diagnostics' style: lower case ("no such file or directory").
std::string reason(int err) {
  std::string r = std::strerror(err);
  if (!r.empty() && r[0] >= 'A' && r[0] <= 'Z' && !(r.size() > 1 && r[1] >= 'A' && r[1] <= 'Z'))
    r[0] = static_cast<char>(r[0] - 'A' + 'a');
  return r;
}

}  // namespace

void print_error(const std::string& message) { std::cerr << "proviso: error: " << message << "\n"; }

bool readable(const std::string& path, std::string* error) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    *error = "cannot read " + path + ": " + reason(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    *error = "cannot read " + path + ": it is a directory";
    return false;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *error = "cannot read " + path + ": " + reason(errno);
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
    *error = "cannot read " + path + ": " + reason(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    *error = "cannot read " + path + ": it is a directory";
    return false;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *error = "cannot read " + path + ": " + reason(errno);
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
    *error = "cannot read " + path + ": " + reason(err);
    return false;
  }
  return true;
}

std::shared_ptr<const ir::Program> compile_or_report(const std::string& path, bool show_warnings) {
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
    std::cerr << render_all(shown);
  }
  if (!r.ok() && !r.diagnostics.has_errors()) print_error(path + ": the policy could not be compiled");
  return r.program;
}

}  // namespace proviso::cli

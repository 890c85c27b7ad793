// `proviso fmt [--check] [--stdout] FILE...`: lay out policies in the house format
// (compiler/fmt). Rewrites files in place only when the formatter succeeded.
#include <fstream>
#include <iostream>
#include <type_traits>

#include "compiler/ast/diagnostic.h"
#include "tools/cli.h"

#if __has_include("compiler/fmt/formatter.h")
#include "compiler/fmt/formatter.h"
#define PROVISO_HAVE_FORMATTER 1
#endif

namespace proviso::cli {
namespace {

struct Formatted {
  bool ok = false;
  std::string text;
  std::string error;
};

#ifdef PROVISO_HAVE_FORMATTER
// The formatter's result has `ok`, `text` and `error`; `error` may be text or diagnostics.
template <class R>
Formatted adapt(R&& r) {
  Formatted f;
  if constexpr (requires { r.ok(); }) f.ok = r.ok();
  else f.ok = static_cast<bool>(r.ok);
  f.text = std::string(r.text);
  using E = std::decay_t<decltype(r.error)>;
  if constexpr (std::is_same_v<E, Diagnostics>) f.error = render_all(r.error);
  else if constexpr (std::is_same_v<E, Diagnostic>) f.error = render(r.error);
  else f.error = std::string(r.error);
  return f;
}

// Accepts the formatter's entry point taking (source file), (path, text) or (text).
template <class S>
Formatted format_with(const std::string& path, const S& text) {
  namespace F = proviso::fmt_policy;
  if constexpr (requires { F::format_source(std::make_shared<const SourceFile>(path, text)); })
    return adapt(F::format_source(std::make_shared<const SourceFile>(path, text)));
  else if constexpr (requires { F::format_source(path, text); })
    return adapt(F::format_source(path, text));
  else
    return adapt(F::format_source(text));
}
#endif

Formatted format_file(const std::string& path, const std::string& text) {
#ifdef PROVISO_HAVE_FORMATTER
  return format_with(path, text);
#else
  return {false, {}, "the formatter is not built yet"};
#endif
}

}  // namespace

Command add_fmt(CLI::App& app) {
  struct Options {
    std::vector<std::string> files;
    bool check = false;
    bool to_stdout = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("fmt", "Format policies in place");
  sub->add_option("FILE", o->files, "Policy files")->required();
  sub->add_flag("--check", o->check, "Change nothing; list the files that would change and exit 1 if any");
  sub->add_flag("--stdout", o->to_stdout, "Print the formatted text instead of rewriting the files");
  sub->footer("A file is rewritten only when it parses. Exit status: 0 ok, 1 when a file cannot be formatted\n"
              "(or, with --check, would change), 2 for a bad command line.");
  return {sub, [o] {
            int code = kOk;
            for (const auto& path : o->files) {
              std::string text, error;
              if (!read_file(path, &text, &error)) {
                print_error(error);
                code = kFailed;
                continue;
              }
              Formatted f = format_file(path, text);
              if (!f.ok) {
                if (f.error.find(path) == std::string::npos) print_error(path + ": " + f.error);
                else std::cerr << f.error << (f.error.empty() || f.error.back() != '\n' ? "\n" : "");
                code = kFailed;
                continue;
              }
              if (o->to_stdout) {
                std::cout << f.text;
              } else if (o->check) {
                if (f.text != text) {
                  std::cout << path << "\n";
                  code = kFailed;
                }
              } else if (f.text != text) {
                std::ofstream out(path, std::ios::binary | std::ios::trunc);
                out << f.text;
                if (!out) {
                  print_error("cannot write " + path);
                  code = kFailed;
                }
              }
            }
            return code;
          }};
}

}  // namespace proviso::cli

// `proviso fmt [--check] [--stdout] [--fix] FILE...`: lay out policies in the house format
// (compiler/format), after rewriting refused old constructs with --fix (compiler/driver/
// migrate.h). Rewrites files in place only when the formatter succeeded.

#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "tools/cli.h"
#include "tools/output.h"

#include "compiler/driver/migrate.h"
#include "compiler/format/formatter.h"

namespace proviso::cli {

Command add_fmt(CLI::App& app) {
  struct Options {
    std::vector<std::string> files;
    bool check = false;
    bool to_stdout = false;
    bool fix = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("fmt", "Format policies in place");
  sub->add_option("FILE", o->files, "Policy files")->required();
  sub->add_flag("--check", o->check, "Change nothing; list the files that would change and exit 1 if any");
  sub->add_flag("--stdout", o->to_stdout, "Print the formatted text instead of rewriting the files");
  sub->add_flag("--fix", o->fix,
                "First rewrite what this version refuses but earlier ones accepted (P0084 `1 day` as working\n"
                "time becomes `24 business hours`, its old meaning; P0085 `25% * x` becomes `25% of x`)");
  sub->footer(
      "A file is rewritten only when it parses. --fix changes only the constructs it names and says\n"
      "how many edits it made on standard error; `proviso check` shows what is left. Exit status: 0 ok,\n"
      "1 when a file cannot be formatted (or, with --check, would change), 2 for a bad command line.");
  return {sub, [o] {
            int code = kOk;
            for (const auto& path : o->files) {
              std::string text, error;
              if (!read_file(path, &text, &error)) {
                print_error(error);
                code = kFailed;
                continue;
              }
              std::string source = text;
              if (o->fix) {
                // A policy read from standard input has no directory to import files from.
                driver::ImportOptions imports;
                if (path != "-") imports.base_dir = std::filesystem::path(path).parent_path().string();
                driver::MigrateResult m = driver::migrate(std::make_shared<const SourceFile>(path, text), imports);
                if (m.edits > 0)
                  std::cerr << fmt::format("proviso: note: {}: {} edit{} by --fix\n", path, m.edits,
                                           m.edits == 1 ? "" : "s");
                source = std::move(m.text);
              }
              format::FormatResult f = format::format_source(std::make_shared<const SourceFile>(path, source));
              if (!f.ok) {
                std::string error = f.error;
                while (!error.empty() && error.back() == '\n') error.pop_back();
                print_error(path + ": " + error);
                code = kFailed;
                continue;
              }
              if (o->to_stdout) {
                Output::standard().write(f.text);
              } else if (o->check) {
                if (f.text != text) {
                  Output::standard().write(path + "\n");
                  code = kFailed;
                }
              } else if (f.text != text) {
                std::string why;
                if (!replace_file(path, f.text, &why)) {
                  print_error(why);
                  code = kFailed;
                }
              }
            }
            return code;
          }};
}

}  // namespace proviso::cli

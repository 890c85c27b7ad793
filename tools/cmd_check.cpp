// `proviso check FILE...`: compile each policy and print its diagnostics, as text or (for
// editors) one JSON object per line.
#include <iostream>

#include "tools/cli.h"

namespace proviso::cli {

Command add_check(CLI::App& app) {
  struct Options {
    std::vector<std::string> files;
    std::string format = "text";
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("check", "Check policies and print their diagnostics (errors and warnings)");
  sub->add_option("FILE", o->files, "Policy files (.policy)")->required();
  sub->add_option("--format", o->format,
                  "text: GNU form on standard error (the default); json: one object per diagnostic per line on "
                  "standard output")
      ->check(CLI::IsMember({"text", "json"}));
  sub->footer(
      "Each diagnostic has a code such as P0017: `proviso explain P0017` says what it means and how to fix\n"
      "it. Exit status: 0 when no file has errors (warnings allowed), 1 otherwise, 2 for a bad command line.");
  return {sub, [o] {
            DiagnosticFormat format = o->format == "json" ? DiagnosticFormat::Json : DiagnosticFormat::Text;
            int code = kOk;
            for (const auto& f : o->files)
              if (!compile_or_report(f, /*show_warnings=*/true, format)) code = kFailed;
            return code;
          }};
}

}  // namespace proviso::cli

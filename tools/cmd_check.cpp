// `proviso check FILE...`: compile each policy and print its diagnostics.
#include <iostream>

#include "tools/cli.h"

namespace proviso::cli {

Command add_check(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* sub = app.add_subcommand("check", "Check policies and print their diagnostics (errors and warnings)");
  sub->add_option("FILE", *files, "Policy files (.policy)")->required();
  sub->footer("Exit status: 0 when no file has errors (warnings allowed), 1 otherwise, 2 for a bad command line.");
  return {sub, [files] {
            int code = kOk;
            for (const auto& f : *files)
              if (!compile_or_report(f, /*show_warnings=*/true)) code = kFailed;
            return code;
          }};
}

}  // namespace proviso::cli

// `proviso doc FILE`: a Markdown reference of a policy on standard output.
#include <iostream>

#include "compiler/driver/doc.h"
#include "tools/cli.h"
#include "tools/output.h"

namespace proviso::cli {

Command add_doc(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("doc",
                                     "Print a Markdown reference of a policy: inputs, decisions, lets, tables, "
                                     "calendars, holidays and their dates, exclusions, as written");
  sub->add_option("FILE", *file, "Policy file")->required();
  return {sub, [file] {
            auto program = compile_or_report(*file, false);
            if (!program) return kFailed;
            Output::standard().write(driver::policy_markdown(*program) + "\n");
            return kOk;
          }};
}

}  // namespace proviso::cli

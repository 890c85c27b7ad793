// `proviso schema FILE`: the JSON Schema of a policy's input document on standard output.
#include "compiler/records/json_schema.h"
#include "tools/cli.h"
#include "tools/output.h"

namespace proviso::cli {

Command add_schema(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "schema", "Print the JSON Schema (draft 2020-12) of a policy's input: one line of `proviso eval`'s input");
  sub->add_option("FILE", *file, "Policy file")->required();
  return {sub, [file] {
            auto program = compile_or_report(*file, false);
            if (!program) return kFailed;
            Output::standard().write(records::input_json_schema(*program).dump(2) + "\n");
            return kOk;
          }};
}

}  // namespace proviso::cli

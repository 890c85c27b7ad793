// `proviso ir FILE`: the typed IR of a policy as text (compiler/ir/printer.h), checked by the
// IR verifier first (compiler/ir/verifier.h). For people reading what the compiler made of a
// policy, and for goldens of the lowering.
#include <fmt/format.h>

#include "compiler/ir/printer.h"
#include "compiler/ir/verifier.h"
#include "tools/cli.h"
#include "tools/output.h"

namespace proviso::cli {

Command add_ir(CLI::App& app) {
  struct Options {
    std::string policy;
    bool ids = false;
    bool tests = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("ir", "Print the typed IR of a policy (after checking it and verifying the IR)");
  sub->add_option("FILE", o->policy, "Policy file")->required();
  sub->add_flag("--ids", o->ids, "Number every node (%N), as the IR verifier's messages name them");
  sub->add_flag("--tests", o->tests, "Also print the policy's tests");
  sub->footer(
      "Each declaration is printed with its expressions as trees of operations (docs/ARCHITECTURE.md\n"
      "lists them) and their types. Exit status: 0 ok, 1 when the policy has errors or the IR verifier\n"
      "finds a problem (a compiler bug), 2 for a bad command line.");
  return {sub, [o] {
            auto program = compile_or_report(o->policy, false);
            if (!program) return kFailed;
            std::vector<std::string> problems = ir::verify(*program);
            if (!problems.empty()) {
              for (const std::string& p : problems) print_error("internal error: the IR verifier: " + p);
              return kFailed;
            }
            ir::PrintOptions options;
            options.node_ids = o->ids;
            options.tests = o->tests;
            Output::standard().write(ir::print(*program, options));
            return kOk;
          }};
}

}  // namespace proviso::cli

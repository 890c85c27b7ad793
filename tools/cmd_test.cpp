// `proviso test FILE...|DIR`: run the tests written in policies (directories are searched
// recursively for *.policy). A policy that does not compile counts as one failure.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include <proviso/rt/error.h>

#include "tools/cli.h"
#include "tools/engine.h"
#include "tools/output.h"

namespace proviso::cli {

Command add_test(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* sub = app.add_subcommand("test", "Run the tests written in policies");
  auto engine = std::make_shared<std::string>("both");
  auto verbose = std::make_shared<bool>(false);
  sub->add_option("PATH", *paths, "Policy files, or directories searched recursively for *.policy")->required();
  CLI::Option* chosen =
      sub->add_option(
             "--engine", *engine,
             PROVISO_ENABLE_JIT
                 ? "Evaluator: both (the default: the interpreter and the JIT, which must agree), interp or jit"
                 : "Evaluator: interp (this build has no JIT: without --engine, the interpreter alone)")
          ->check(CLI::IsMember({"both", "interp", "jit"}));
  sub->add_flag("-v,--verbose", *verbose,
                "Say on stderr what the JIT's object cache did, and why an entry was not used");
  sub->footer(
      "Prints each failure with its location and the decisions that differ, then `N passed, M failed`.\n"
      "With both engines, a test whose outcome differs between them fails, naming both answers.\n"
      "Exit status: 0 when every test passes, 1 otherwise, 2 for a bad command line.");
  return {sub, [paths, engine, chosen, verbose] {
            namespace fs = std::filesystem;
            std::vector<std::string> files;
            int passed = 0, failed = 0;
            for (const auto& p : *paths) {
              std::error_code ec;
              if (fs::is_directory(p, ec)) {
                std::vector<std::string> found;
                for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
                     it.increment(ec)) {
                  if (it->is_regular_file(ec) && it->path().extension() == ".policy")
                    found.push_back(it->path().string());
                }
                if (ec) {
                  print_error("cannot read " + p + ": " + rt::system_reason(ec.value()));
                  ++failed;
                }
                std::sort(found.begin(), found.end());
                if (found.empty()) {
                  print_error("no .policy files under " + p);
                  ++failed;
                }
                files.insert(files.end(), found.begin(), found.end());
              } else {
                files.push_back(p);
              }
            }
            // Checked first (no engine prepared); the library then runs the tests on the engines
            // asked for: without an explicit --engine, a policy the JIT cannot compile, or cannot
            // compile quickly, is tested by the interpreter alone with a note (as `eval` does);
            // with --engine jit, a policy the JIT cannot compile fails each of its tests.
            EngineFlags flags;
            flags.engine = *engine == "interp" ? "interp" : "jit";
            flags.chosen = chosen->count() > 0;
            flags.verbose = *verbose;
            flags.fallback = "its tests ran on the interpreter";
            flags.force_flag = "--engine both";
            TestEngines engines = *engine == "interp" ? TestEngines::Interpreter
                                  : *engine == "jit"  ? TestEngines::Jit
                                                      : TestEngines::Both;
            EngineOptions front;
            front.engine = EngineKind::Interpreter;
            for (const auto& f : files) {
              std::string error;
              if (!readable(f, &error)) {
                print_error(error);
                Output::standard().write(f + ": the policy does not compile\n");
                ++failed;
                continue;
              }
              auto compiled = Engine(front).compile_file(f);
              if (!report_diagnostics(compiled, false)) {
                Output::standard().write(f + ": the policy does not compile\n");
                ++failed;
                continue;
              }
              flags.label = f;
              EngineOptions jit_options;
              if (!engine_options(flags, &jit_options)) return kUsage;
              TestReport report = compiled.value().run_tests(engines, jit_options);
              Output::standard().write(report.failures_text());
              passed += report.passed;
              failed += report.failed;
            }
            Output::standard().write(fmt::format("{} passed, {} failed\n", passed, failed));
            return failed == 0 ? kOk : kFailed;
          }};
}

}  // namespace proviso::cli

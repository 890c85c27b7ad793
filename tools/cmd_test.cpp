// `proviso test FILE...|DIR`: run the tests written in policies (directories are searched
// recursively for *.policy). A policy that does not compile counts as one failure.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "compiler/driver/test_runner.h"
#include "compiler/jit/jit.h"
#include "tools/cli.h"
#include "tools/engine.h"
#include "tools/output.h"

namespace proviso::cli {

namespace {

// The tests of one policy on the engines asked for. Without an explicit --engine, a policy
// the JIT cannot compile, or cannot compile quickly (tools/engine.h), is tested by the
// interpreter alone, with a note (as `proviso eval` does); with --engine jit, a policy the JIT
// cannot compile fails each of its tests.
driver::TestReport run_on(const ir::Program& p, const std::string& engine, bool chosen, bool verbose,
                          const std::string& file) {
  if (engine == "interp" || p.tests.empty()) return driver::run_tests(p);
  EngineRequest request;
  request.engine = "jit";
  request.chosen = chosen;
  request.required = chosen && engine == "jit";
  request.verbose = verbose;
  request.label = file;
  request.fallback = "its tests ran on the interpreter";
  request.force_flag = "--engine both";
  PreparedEngine prepared = prepare_engine(p, request);
  if (!prepared.jit && chosen && engine == "jit") {
    driver::TestReport refused;
    for (const ir::TestCase& t : p.tests) {
      driver::TestOutcome o;
      o.name = t.name;
      o.location = driver::location_of(p, t.loc);
      o.passed = false;
      o.problem = "the JIT cannot compile this policy";
      refused.outcomes.push_back(std::move(o));
      ++refused.failed;
    }
    return refused;
  }
  if (!prepared.jit) return driver::run_tests(p);
  const jit::CompiledPolicy& jitted = *prepared.jit;
  driver::TestReport on_jit =
      driver::run_tests(p, [&](const std::vector<ir::Value>& inputs, const ir::EvalOptions& options) {
        return jitted.evaluate(inputs, options);
      });
  if (engine == "jit") return on_jit;
  return driver::merge_reports(driver::run_tests(p), "interpreter", on_jit, "JIT");
}

}  // namespace

Command add_test(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* sub = app.add_subcommand("test", "Run the tests written in policies");
  auto engine = std::make_shared<std::string>("both");
  auto verbose = std::make_shared<bool>(false);
  sub->add_option("PATH", *paths, "Policy files, or directories searched recursively for *.policy")->required();
  CLI::Option* chosen =
      sub->add_option("--engine", *engine,
                      "Evaluator: both (the default: the interpreter and the JIT, which must agree), interp or jit")
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
                  print_error("cannot read " + p + ": " + ec.message());
                  ++failed;
                }
                std::sort(found.begin(), found.end());
                if (found.empty()) print_error("no .policy files under " + p);
                files.insert(files.end(), found.begin(), found.end());
              } else {
                files.push_back(p);
              }
            }
            for (const auto& f : files) {
              auto program = compile_or_report(f, false);
              if (!program) {
                Output::standard().write(f + ": the policy does not compile\n");
                ++failed;
                continue;
              }
              driver::TestReport report = run_on(*program, *engine, chosen->count() > 0, *verbose, f);
              Output::standard().write(driver::render_failures(report));
              passed += report.passed;
              failed += report.failed;
            }
            Output::standard().write(driver::summary_line(passed, failed) + "\n");
            return failed == 0 ? kOk : kFailed;
          }};
}

}  // namespace proviso::cli

// `proviso test FILE...|DIR`: run the tests written in policies (directories are searched
// recursively for *.policy). A policy that does not compile counts as one failure. With
// --coverage, what no test reaches (compiler/driver/coverage.h), as text or JSON lines.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include <proviso/rt/error.h>

#include "compiler/driver/coverage.h"
#include "tools/cli.h"
#include "tools/engine.h"
#include "tools/output.h"

namespace proviso::cli {

Command add_test(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* sub = app.add_subcommand("test", "Run the tests written in policies");
  auto engine = std::make_shared<std::string>("both");
  auto verbose = std::make_shared<bool>(false);
  auto coverage = std::make_shared<bool>(false);
  auto format = std::make_shared<std::string>("text");
  auto minimum = std::make_shared<double>(0);
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
  CLI::Option* covering = sub->add_flag(
      "--coverage", *coverage,
      "Also run the tests on the interpreter and report, per policy, the table rows, match arms, exclusions, "
      "`if` branches and cited clauses of its own file that no test reaches");
  sub->add_option("--format", *format,
                  "Coverage report: text (the default: a summary line per policy, then `file:line:col: ...` per "
                  "item no test reaches) or json (one object per policy per line on stdout; failures and "
                  "`N passed, M failed` go to stderr)")
      ->check(CLI::IsMember({"text", "json"}))
      ->needs(covering);
  sub->add_option("--coverage-min", *minimum,
                  "Fail (exit 1) when some kind of item of some policy is reached less than PERCENT (0 to 100)")
      ->check(CLI::Range(0.0, 100.0))
      ->needs(covering);
  sub->footer(
      "Prints each failure with its location and the decisions that differ, then `N passed, M failed`.\n"
      "With both engines, a test whose outcome differs between them fails, naming both answers.\n"
      "--coverage: a row, arm, branch or clause is reached when some test's evaluation used it (the decisions\n"
      "a test expects are evaluated, all of them when it expects an error); an exclusion when its condition\n"
      "was true in some test. Only the policy's own file is measured, not the modules it imports.\n"
      "Exit status: 0 when every test passes (and, with --coverage-min, every kind of item is reached at\n"
      "least that much), 1 otherwise, 2 for a bad command line.");
  return {sub, [paths, engine, chosen, verbose, coverage, format, minimum] {
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
            // With JSON coverage, standard output holds the JSON lines only; the rest goes to stderr.
            const bool json = *coverage && *format == "json";
            auto say = [json](const std::string& text) {
              if (json)
                std::cerr << text;
              else
                Output::standard().write(text);
            };
            bool below_minimum = false;
            for (const auto& f : files) {
              std::string error;
              if (!readable(f, &error)) {
                print_error(error);
                say(f + ": the policy does not compile\n");
                ++failed;
                continue;
              }
              auto compiled = Engine(front).compile_file(f);
              if (!report_diagnostics(compiled, false)) {
                say(f + ": the policy does not compile\n");
                ++failed;
                continue;
              }
              flags.label = f;
              EngineOptions jit_options;
              if (!engine_options(flags, &jit_options)) return kUsage;
              TestReport report = compiled.value().run_tests(engines, jit_options);
              say(report.failures_text());
              passed += report.passed;
              failed += report.failed;
              if (*coverage) {
                // The library's Policy keeps its IR to itself: coverage compiles the file again (it
                // compiled a moment ago, so this cannot fail but for a file changed meanwhile).
                driver::CompileResult program = driver::compile_file(f);
                if (!program.ok()) {
                  say(f + ": the policy does not compile\n");
                  ++failed;
                  continue;
                }
                driver::Coverage measured = driver::measure_coverage(*program.program);
                if (json)
                  Output::standard().write(driver::coverage_json(*program.program, measured) + "\n");
                else
                  Output::standard().write(driver::coverage_text(*program.program, measured));
                for (size_t k = 0; k < driver::CoverageItem::kKinds; ++k) {
                  const driver::CoverageCount& c = measured.counts[k];
                  if (c.total == 0 || 100.0 * c.reached >= *minimum * c.total) continue;
                  std::cerr << fmt::format("{}: {} reached {}%, below --coverage-min {}\n", f,
                                           driver::coverage_words(static_cast<driver::CoverageItem::Kind>(k)),
                                           c.percent(), *minimum);
                  below_minimum = true;
                }
              }
            }
            say(fmt::format("{} passed, {} failed\n", passed, failed));
            return failed == 0 && !below_minimum ? kOk : kFailed;
          }};
}

}  // namespace proviso::cli

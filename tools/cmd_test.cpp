// `proviso test FILE...|DIR`: run the tests written in policies (directories are searched
// recursively for *.policy). A policy that does not compile counts as one failure.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "compiler/driver/test_runner.h"
#include "tools/cli.h"

namespace proviso::cli {

Command add_test(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* sub = app.add_subcommand("test", "Run the tests written in policies");
  sub->add_option("PATH", *paths, "Policy files, or directories searched recursively for *.policy")->required();
  sub->footer("Prints each failure with its location and the decisions that differ, then `N passed, M failed`.\n"
              "Exit status: 0 when every test passes, 1 otherwise, 2 for a bad command line.");
  return {sub, [paths] {
            namespace fs = std::filesystem;
            std::vector<std::string> files;
            int passed = 0, failed = 0;
            for (const auto& p : *paths) {
              std::error_code ec;
              if (fs::is_directory(p, ec)) {
                std::vector<std::string> found;
                for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
                     it.increment(ec)) {
                  if (it->is_regular_file(ec) && it->path().extension() == ".policy") found.push_back(it->path().string());
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
                std::cout << f << ": the policy does not compile\n";
                ++failed;
                continue;
              }
              driver::TestReport report = driver::run_tests(*program);
              std::cout << driver::render_failures(report);
              passed += report.passed;
              failed += report.failed;
            }
            std::cout << driver::summary_line(passed, failed) << "\n";
            return failed == 0 ? kOk : kFailed;
          }};
}

}  // namespace proviso::cli

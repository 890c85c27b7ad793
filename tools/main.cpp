// `proviso`: the command-line tool. Parses the command line with CLI11, runs one command and
// maps every outcome to an exit code (0 ok, 1 failure, 2 usage); nothing escapes as a crash.
#include <cctype>
#include <exception>
#include <iostream>
#include <vector>

#include <sstream>

#include "tools/cli.h"
#include "tools/output.h"

#ifndef PROVISO_VERSION
#define PROVISO_VERSION "dev"
#endif

namespace {

std::string lower_first(std::string s) {
  // "The following argument..." -> "the following argument...", but "FILE is required" stays.
  if (s.size() > 1 && std::isupper(static_cast<unsigned char>(s[0])) && !std::isupper(static_cast<unsigned char>(s[1])))
    s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

int run(int argc, char** argv) {
  using namespace proviso::cli;
  CLI::App app{"Proviso: support-contract terms as policies that compile, evaluate and explain", "proviso"};
  app.set_version_flag("--version", std::string("proviso ") + PROVISO_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);

  std::vector<Command> commands = {add_check(app),  add_fmt(app),   add_eval(app),  add_test(app), add_doc(app),
                                   add_schema(app), add_bench(app), add_cache(app), add_ir(app),   add_explain(app),
                                   add_diff(app),   add_serve(app), add_lsp(app)};
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    for (const Command& c : commands) {
      known |= c.app->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + c.app->get_name();
    }
    if (!known) {
      print_error(std::string("unknown command `") + argv[1] + "`; the commands are " + names);
      return kUsage;
    }
  }
  // Help and version texts go through the checked standard output too.
  auto exit_with = [&](const CLI::Error& e) {
    std::ostringstream text;
    int code = app.exit(e, text, std::cerr);
    Output::standard().write(text.str());
    return code;
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return exit_with(e);
  } catch (const CLI::CallForAllHelp& e) {
    return exit_with(e);
  } catch (const CLI::CallForVersion& e) {
    return exit_with(e);
  } catch (const CLI::ParseError& e) {
    print_error(lower_first(e.what()));
    std::cerr << "run `proviso --help` or `proviso COMMAND --help` for usage\n";
    return kUsage;
  }
  for (const Command& c : commands)
    if (c.app->parsed()) return c.run();
  return kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  proviso::cli::Output::reserve_standard_descriptors();
  std::ios::sync_with_stdio(false);
  try {
    int code = run(argc, argv);
    // Output that could not be written is a failure, whatever the command thought.
    if (!proviso::cli::finish_output()) return proviso::cli::kFailed;
    return code;
  } catch (const std::bad_alloc&) {
    proviso::cli::print_error("out of memory");
  } catch (const std::exception& e) {
    proviso::cli::print_error(std::string("internal error: ") + e.what());
  } catch (...) {
    proviso::cli::print_error("internal error");
  }
  return proviso::cli::kFailed;
}

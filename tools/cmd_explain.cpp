// `proviso explain CODE`: the entry of a diagnostic code (`P0017`, `p0017` or `unknown-name`)
// from docs/DIAGNOSTICS.md, which is built in, as `rustc --explain` does; `--list` lists them.
#include <sys/stat.h>

#include <fmt/format.h>

#include "compiler/ast/diagnostic_docs.h"
#include "tools/cli.h"
#include "tools/output.h"

namespace proviso::cli {

namespace {

std::string code_list() {
  std::string out;
  for (const CodeInfo& c : all_codes())
    out += fmt::format("{}  {:<26} {:<8} {}\n", code_id(c.code), c.name, severity_word(c.severity), c.summary);
  return out;
}

bool names_a_file(const std::string& arg) {
  struct stat st;
  return (arg.size() > 7 && arg.compare(arg.size() - 7, 7, ".policy") == 0) || ::stat(arg.c_str(), &st) == 0;
}

}  // namespace

Command add_explain(CLI::App& app) {
  struct Options {
    std::string code;
    bool list = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("explain", "Explain a diagnostic code: what it means, an example, the fix");
  sub->add_option("CODE", o->code, "The code printed after a diagnostic: P0017, p0017 or unknown-name");
  sub->add_flag("--list", o->list, "List every code with its name, severity and summary");
  sub->footer(
      "The entries are those of docs/DIAGNOSTICS.md. To explain a policy's decisions, use\n"
      "`proviso eval FILE --input INPUT --explain`. Exit status: 0 ok, 2 for an unknown code or a bad\n"
      "command line.");
  return {sub, [o] {
            if (o->list) {
              if (!o->code.empty()) {
                print_error("give a code or `--list`, not both");
                return kUsage;
              }
              Output::standard().write(code_list());
              return kOk;
            }
            if (o->code.empty()) {
              print_error("give a diagnostic code such as `P0017`; `proviso explain --list` lists them");
              return kUsage;
            }
            // A code wins over a file of the same name: codes are what this command takes.
            if (const CodeInfo* c = find_code(o->code)) {
              std::string_view entry = diagnostic_entry(c->code);
              if (entry.empty()) {
                print_error(fmt::format("internal error: docs/DIAGNOSTICS.md has no entry for {}", code_id(c->code)));
                return kFailed;
              }
              Output::standard().write(entry);
              return kOk;
            }
            if (names_a_file(o->code)) {
              print_error(
                  fmt::format("`{}` is not a diagnostic code but a file; to explain a policy's decisions, run "
                              "`proviso eval {} --input INPUT --explain`",
                              o->code, o->code));
              return kUsage;
            }
            print_error(fmt::format("unknown diagnostic code `{}`; `proviso explain --list` lists them", o->code));
            return kUsage;
          }};
}

}  // namespace proviso::cli

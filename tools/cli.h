// Shared pieces of the `proviso` commands: exit codes, file reading, compiling a policy with
// its diagnostics printed, and the registration of each command with CLI11.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include <proviso/proviso.hpp>

#include "compiler/driver/compile.h"

namespace proviso::cli {

// Exit codes of every command.
inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;  // errors in a policy or an input, failed tests, unreadable files
inline constexpr int kUsage = 2;   // a bad command line

// `proviso: error: MESSAGE` on stderr.
void print_error(const std::string& message);

// The whole file ("-" = standard input), or an error message "cannot read FILE: reason".
bool read_file(const std::string& path, std::string* text, std::string* error);

// Replaces the contents of `path` atomically (a new file beside it, renamed over it), so an
// interrupted run never leaves half a file: a symbolic link is written through (its target is
// replaced, the link stays) and the file keeps its mode (and owner, where allowed). False with
// "cannot write PATH: reason".
bool replace_file(const std::string& path, std::string_view text, std::string* error);

// Whether `path` is a readable regular file; else the message "cannot read FILE: reason".
bool readable(const std::string& path, std::string* error);

// How diagnostics are printed: text on standard error, or one JSON object per line on standard
// output (compiler/ast/diagnostic.h, render_json) for editors.
enum class DiagnosticFormat { Text, Json };

// Compiles `path`; on errors prints the diagnostics (warnings too when `show_warnings`) and
// returns null. An unreadable file prints `proviso: error: cannot read FILE: reason` on
// standard error, in either format.
std::shared_ptr<const ir::Program> compile_or_report(const std::string& path, bool show_warnings,
                                                     DiagnosticFormat format = DiagnosticFormat::Text);

// Prints what compiling a policy through the library said: its error diagnostics (warnings
// too when `show_warnings`), or the engine's error. True when the policy is ready.
bool report_diagnostics(const Result<Policy>& compiled, bool show_warnings);

// A command: its subcommand and what runs when it was chosen (returns the exit code).
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_check(CLI::App& app);
Command add_fmt(CLI::App& app);
Command add_eval(CLI::App& app);
Command add_test(CLI::App& app);
Command add_doc(CLI::App& app);
Command add_schema(CLI::App& app);
Command add_bench(CLI::App& app);
Command add_cache(CLI::App& app);
Command add_ir(CLI::App& app);
Command add_explain(CLI::App& app);
Command add_diff(CLI::App& app);
Command add_serve(CLI::App& app);
Command add_lsp(CLI::App& app);

}  // namespace proviso::cli

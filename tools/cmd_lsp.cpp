// `proviso lsp`: the language server for editors, over stdio (lsp/server.h, docs/EDITORS.md).
#include <unistd.h>

#include "lsp/server.h"
#include "tools/cli.h"

namespace proviso::cli {

Command add_lsp(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("lsp", "Run the language server for editors (LSP over stdin and stdout)");
  auto debounce = std::make_shared<int>(150);
  auto stdio = std::make_shared<bool>(true);
  sub->add_flag("--stdio", *stdio,
                "Talk over stdin and stdout (the default and only transport; accepted for clients that pass it)");
  sub->add_option("--debounce-ms", *debounce, "Re-check a document this long after its last change (default 150)")
      ->check(CLI::Range(0, 10000));
  sub->footer(
      "Speaks the Language Server Protocol (3.17) on stdin and stdout; logs go to the client.\n"
      "docs/EDITORS.md says how to use it from VS Code, Neovim, Emacs and Helix.\n"
      "Exit status: 0 after the client's shutdown and exit, 1 when the input ends without them.");
  // The lambda keeps every option's target alive: CLI11 writes them while parsing.
  return {sub, [debounce, stdio] {
            lsp::Writer out(STDOUT_FILENO);
            lsp::ServerOptions options;
            options.debounce_ms = *debounce;
            lsp::Server server(out, options);
            return server.run(STDIN_FILENO);
          }};
}

}  // namespace proviso::cli

// The requests `proviso lsp` answers, each a function of an analysis (analysis.h) and the
// request's parameters, giving the LSP result as JSON. The server (server.h) picks the analysis
// and turns failures into error responses.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>

#include "lsp/analysis.h"
#include "lsp/document.h"

namespace proviso::lsp {

// A request that cannot be answered as asked: becomes an error response with this message
// (a rename to a name that is taken, a command without its arguments).
struct RequestError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Diagnostics of `a`, grouped by the URI of their file: the document's own under its URI.
// Unreached table rows, match arms and exclusions are added as faded hints when the document
// compiles.
std::vector<std::pair<std::string, Json>> diagnostics(const Analysis& a, const LineMap& map);

// navigation.cpp
Json definition(const Analysis& a, const LineMap& map, uint32_t offset);
Json references(const Analysis& a, const LineMap& map, uint32_t offset, bool include_declaration);
Json document_highlight(const Analysis& a, const LineMap& map, uint32_t offset);
Json prepare_rename(const Analysis& a, const LineMap& map, uint32_t offset);
Json rename(const Analysis& a, const LineMap& map, uint32_t offset, const std::string& new_name);
Json document_symbols(const Analysis& a, const LineMap& map);

// hover.cpp
Json hover(const Analysis& a, const LineMap& map, uint32_t offset);

// completion.cpp: `good` is the last analysis without syntax errors (the one the names and
// types come from while the document is being typed); may be `a` itself.
Json completion(const Analysis& a, const Analysis& good, const LineMap& map, uint32_t offset);

// tokens.cpp
Json semantic_token_legend();
Json semantic_tokens(const Analysis& a, const LineMap& map);

// lenses.cpp: lenses run the reference interpreter on `good`, the last analysis that compiled.
Json code_lenses(const Analysis& a, const Analysis* good, const LineMap& map);
// `proviso.runTest` and `proviso.evaluateDecision`: the result as JSON, with a `message`.
Json execute_command(const std::string& command, const Json& arguments, const Analysis* good);

// edits.cpp
Json formatting(const Analysis& a, const LineMap& map, std::optional<Span> range);
Json code_actions(const Analysis& a, const LineMap& map, Span range);

}  // namespace proviso::lsp

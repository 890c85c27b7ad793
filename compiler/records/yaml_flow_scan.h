// Internal to compiler/records: a lexical pre-scan of one YAML document for the nesting of its
// flow collections (`[...]`, `{...}`), so that text nested too deep is refused before libyaml
// reads it: libyaml's scanner walks every open flow level at every token, and 100,000 nested
// `[` took it 26 s.
#pragma once
#include <cstddef>
#include <string_view>

namespace proviso::records::yaml {

struct FlowNesting {
  size_t max_depth = 0;   // the deepest flow nesting met (up to `limit` + 1)
  bool too_deep = false;  // nesting passed `limit` at line:column (0-based, in characters)
  size_t line = 0;
  size_t column = 0;
};

// Follows libyaml's scanner closely enough to count only the brackets it would read as flow
// indicators: not those in quoted scalars, comments or block scalars (`|`, `>`), nor, in block
// context, those inside plain scalars (`note: see [1]`), since a flow collection starts only
// where a node does. Exact for valid YAML (the decode fuzzer checks it against libyaml's scanner);
// on invalid YAML it may count differently after the point where libyaml stops with an error.
FlowNesting scan_flow_nesting(std::string_view text, size_t limit);

}  // namespace proviso::records::yaml

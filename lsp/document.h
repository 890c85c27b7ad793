// Open documents: their text as the editor has it, and positions converted between the byte
// offsets of the compiler (Span) and the LSP's line and character, counted in UTF-16 code
// units unless the client agreed to UTF-8.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/source.h"
#include "lsp/rpc.h"

namespace proviso::lsp {

enum class Encoding { Utf16, Utf8 };

// Positions of one text: `{"line", "character"}` to offsets and back.
class LineMap {
 public:
  LineMap() = default;
  LineMap(std::string_view text, Encoding encoding);
  uint32_t offset(const Json& position) const;  // clamped into the text
  Json position(uint32_t offset) const;
  Json range(Span span) const;
  Span span(const Json& range) const;

 private:
  std::string_view text_;
  Encoding encoding_ = Encoding::Utf16;
  std::vector<uint32_t> starts_;
};

struct Document {
  std::string uri;
  std::string path;  // the file's path when the URI is a file: URI, else the URI
  std::string text;
  int64_t version = 0;
};

// `file:///a/b%20c.policy` -> `/a/b c.policy`; other URIs are returned as they are.
std::string uri_to_path(std::string_view uri);
std::string path_to_uri(std::string_view path);

// Applies one `contentChanges` entry (a range and its new text, or the whole text) to `text`.
void apply_change(std::string& text, const Json& change, Encoding encoding);

}  // namespace proviso::lsp

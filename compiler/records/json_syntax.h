// A strict JSON (RFC 8259) syntax check that reports where the text goes wrong. Numbers are
// checked for their form only, not their size: `1e309` and a 400-digit integer are valid
// JSON, and whether a value fits its field is the decoder's business (with the field path).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace proviso::records {

struct JsonSyntaxError {
  size_t line = 1, column = 1;  // 1-based; the column counts bytes
  std::string message;          // "expected `,` or `}` after an object member"
  // "invalid JSON at line L, column C: MESSAGE"
  std::string to_string() const;
};

// Nothing when `text` is exactly one JSON value (surrounded by white space at most), nested
// at most `max_depth` deep (deeper is reported as an error, without recursion).
std::optional<JsonSyntaxError> check_json_syntax(std::string_view text, size_t max_depth = 1024);

// Whether `text` is one valid JSON value.
inline bool is_json(std::string_view text) { return !check_json_syntax(text).has_value(); }

}  // namespace proviso::records

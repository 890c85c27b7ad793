// Source files and spans: byte offsets into a file's text, turned into line and column on
// demand (as cel-cpp's common/source.h does).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace proviso {

// A half-open byte range [begin, end) in one source file.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;

  static Span cover(Span a, Span b) { return {a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end}; }
  uint32_t size() const { return end - begin; }
};

struct LineCol {
  uint32_t line = 1;    // 1-based
  uint32_t column = 1;  // 1-based, in bytes
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  std::string_view slice(Span span) const;

  LineCol line_col(uint32_t offset) const;
  // The text of the 1-based line, without its line break.
  std::string_view line_text(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;  // INVARIANT: line_starts_[0] == 0, ascending
};

using SourcePtr = std::shared_ptr<const SourceFile>;

}  // namespace proviso

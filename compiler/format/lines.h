// The formatter's output before comments: lines with their indentation and the source offsets
// of the first and last tokens printed on them ("anchors"). Comments are placed afterwards by
// position: a comment that follows code on its source line trails the output line holding that
// code; any other comment goes on its own line before the first line whose code comes after it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"

namespace proviso::format {

inline constexpr int64_t kNoAnchor = -1;

struct Line {
  int indent = 0;
  std::string text;           // empty for a blank line
  int64_t first = kNoAnchor;  // source offset where the first anchored token on the line starts
  int64_t last = kNoAnchor;   // source offset where the last anchored token on the line ends
  int block = -1;             // the declaration the line belongs to (trailing comments align per block)
  bool blank = false;
};

class Lines {
 public:
  void add(int indent, std::string text, int64_t first, int64_t last) {
    lines_.push_back({indent, std::move(text), first, last, block_, false});
  }
  void blank() { lines_.push_back({0, "", kNoAnchor, kNoAnchor, -1, true}); }
  void set_block(int block) { block_ = block; }
  size_t size() const { return lines_.size(); }
  void append(const Lines& other) { lines_.insert(lines_.end(), other.lines_.begin(), other.lines_.end()); }
  const std::vector<Line>& lines() const { return lines_; }

  // The final text: lines with their comments. `source` is the text the comments' spans refer
  // to (empty when there is none: every comment then stands on its own line).
  std::string render(const std::vector<ast::Comment>& comments, std::string_view source) const;

 private:
  std::vector<Line> lines_;
  int block_ = -1;
};

// Whether a comment lies strictly inside `span` (used to break constructs that hold comments).
class CommentIndex {
 public:
  explicit CommentIndex(const std::vector<ast::Comment>& comments);
  bool inside(Span span) const;

 private:
  std::vector<uint32_t> starts_;
};

}  // namespace proviso::format

// Placing comments among the formatter's lines, and writing the result.
#include "compiler/format/lines.h"

#include <algorithm>
#include <map>

namespace proviso::format {

namespace {

std::string rstrip(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

// Whether code precedes `offset` on its source line.
bool follows_code(std::string_view source, uint32_t offset) {
  if (source.empty() || offset > source.size()) return false;
  for (uint32_t i = offset; i > 0; --i) {
    char c = source[i - 1];
    if (c == '\n') return false;
    if (c != ' ' && c != '\t' && c != '\r') return true;
  }
  return false;
}

// Whether the source line after the comment's line is empty: a paragraph break to keep.
bool blank_line_after(std::string_view source, uint32_t comment_end) {
  size_t nl = source.find('\n', comment_end);
  if (nl == std::string_view::npos) return false;
  for (size_t i = nl + 1; i < source.size(); ++i) {
    if (source[i] == '\n') return true;
    if (source[i] != ' ' && source[i] != '\t' && source[i] != '\r') return false;
  }
  return false;
}

bool same_line(std::string_view source, int64_t from, uint32_t to) {
  if (from < 0 || from > to || to > source.size()) return false;
  return source.substr(from, to - from).find('\n') == std::string_view::npos;
}

// Lines wider than this keep their trailing comment close instead of pushing the block's
// comment column far to the right.
constexpr size_t kAlignLimit = 80;

}  // namespace

CommentIndex::CommentIndex(const std::vector<ast::Comment>& comments) {
  for (const auto& c : comments) starts_.push_back(c.span.begin);
  std::sort(starts_.begin(), starts_.end());
}

bool CommentIndex::inside(Span span) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), span.begin);
  return it != starts_.end() && *it < span.end;
}

std::string Lines::render(const std::vector<ast::Comment>& comments, std::string_view source) const {
  const size_t n = lines_.size();
  struct Placed {
    std::string text;
    bool blank_after;  // a paragraph break follows it in the source
  };
  std::vector<std::vector<Placed>> before(n);
  std::vector<std::string> trailing(n);
  std::vector<Placed> at_end;

  // Lines ordered by their anchors, for the searches below.
  std::vector<std::pair<int64_t, size_t>> by_last, by_first;
  for (size_t i = 0; i < n; ++i) {
    if (lines_[i].last != kNoAnchor) by_last.push_back({lines_[i].last, i});
    if (lines_[i].first != kNoAnchor) by_first.push_back({lines_[i].first, i});
  }
  std::sort(by_last.begin(), by_last.end());
  std::sort(by_first.begin(), by_first.end());

  for (const ast::Comment& c : comments) {
    std::string text = rstrip(c.text);
    const int64_t at = c.span.begin;
    if (follows_code(source, c.span.begin)) {
      // The line holding the last code before the comment, if that code is on its line.
      auto it = std::upper_bound(by_last.begin(), by_last.end(), std::make_pair(at, n));
      if (it != by_last.begin()) {
        --it;
        if (same_line(source, it->first, c.span.begin) && trailing[it->second].empty()) {
          trailing[it->second] = std::move(text);
          continue;
        }
      }
    }
    auto it = std::upper_bound(by_first.begin(), by_first.end(), std::make_pair(at, n));
    Placed placed{std::move(text), blank_line_after(source, c.span.end)};
    if (it == by_first.end()) {
      at_end.push_back(std::move(placed));
    } else {
      before[it->second].push_back(std::move(placed));
    }
  }

  // The column of trailing comments, per block.
  std::map<int, size_t> column;
  for (size_t i = 0; i < n; ++i) {
    if (trailing[i].empty()) continue;
    size_t width = lines_[i].indent + lines_[i].text.size();
    if (width <= kAlignLimit) column[lines_[i].block] = std::max(column[lines_[i].block], width + 2);
  }

  std::string out;
  for (size_t i = 0; i < n; ++i) {
    const Line& l = lines_[i];
    // Paragraph breaks after comments are kept before a declaration, not inside one.
    const bool head = i == 0 || lines_[i - 1].block != l.block;
    for (const Placed& c : before[i]) {
      out += std::string(l.indent, ' ') + c.text + "\n";
      if (head && c.blank_after) out += "\n";
    }
    if (l.blank) {
      out += "\n";
      continue;
    }
    std::string text = std::string(l.indent, ' ') + l.text;
    if (!trailing[i].empty()) {
      size_t col = std::max(column[l.block], text.size() + 2);
      text += std::string(col - text.size(), ' ') + trailing[i];
    }
    out += text + "\n";
  }
  if (!at_end.empty()) {
    if (!out.empty()) out += "\n";
    for (size_t i = 0; i < at_end.size(); ++i) {
      out += at_end[i].text + "\n";
      if (at_end[i].blank_after && i + 1 < at_end.size()) out += "\n";
    }
  }
  return out;
}

}  // namespace proviso::format

// scan_flow_nesting: a one-pass lexer that tracks what libyaml's scanner tracks to tell a flow
// indicator from text (flow level, block indentation stack, simple-key column, whether a plain
// scalar may continue on the next line, block scalar indentation) and nothing more.
#include "compiler/records/yaml_flow_scan.h"

#include <algorithm>
#include <vector>

namespace proviso::records::yaml {

namespace {

class FlowScanner {
 public:
  FlowScanner(std::string_view text, size_t limit) : text_(text), limit_(limit) {}

  FlowNesting run() {
    while (pos_ < text_.size() && !out_.too_deep) {
      if (at_line_start_) {
        line_start();
      } else if (flow_ > 0) {
        flow_token();
      } else {
        block_token();
      }
    }
    return out_;
  }

 private:
  unsigned char at(size_t j) const { return j < text_.size() ? static_cast<unsigned char>(text_[j]) : 0; }
  // Line breaks as libyaml reads them (YAML 1.1: also NEL, LS and PS); 0 when none at j.
  size_t break_len(size_t j) const {
    unsigned char c = at(j);
    if (c == '\n') return 1;
    if (c == '\r') return at(j + 1) == '\n' ? 2 : 1;
    if (c == 0xC2 && at(j + 1) == 0x85) return 2;
    if (c == 0xE2 && at(j + 1) == 0x80 && (at(j + 2) == 0xA8 || at(j + 2) == 0xA9)) return 3;
    return 0;
  }
  bool blank(size_t j) const { return at(j) == ' ' || at(j) == '\t'; }
  bool blankz(size_t j) const { return j >= text_.size() || blank(j) || break_len(j) != 0; }
  bool end() const { return pos_ >= text_.size(); }

  // Columns count characters, as libyaml's do: UTF-8 continuation bytes add none.
  void step() {
    if ((at(pos_) & 0xC0) != 0x80) ++column_;
    ++pos_;
  }
  void skip_blanks() {
    while (blank(pos_)) step();
  }
  // At a line break or the end: consumes the break and starts the next line.
  void new_line() {
    size_t n = break_len(pos_);
    if (n == 0) {
      pos_ = text_.size();
      return;
    }
    pos_ += n;
    ++line_;
    column_ = 0;
    at_line_start_ = true;
  }
  void skip_to_break() {
    while (!end() && break_len(pos_) == 0) step();
  }
  bool marker_at(size_t j) const {
    if (j + 3 > text_.size()) return false;
    std::string_view s = text_.substr(j, 3);
    return (s == "---" || s == "...") && blankz(j + 3);
  }
  void skip_bom() {
    if (column_ == 0 && at(pos_) == 0xEF && at(pos_ + 1) == 0xBB && at(pos_ + 2) == 0xBF) {
      pos_ += 3;
      column_ = 1;
    }
  }
  long top() const { return indents_.empty() ? -1 : indents_.back(); }
  void roll(long column) {
    if (column > top()) indents_.push_back(column);
  }
  void note_key() {
    if (key_column_ < 0) key_column_ = static_cast<long>(column_);
  }

  void open_flow() {
    ++flow_;
    out_.max_depth = std::max(out_.max_depth, flow_);
    if (flow_ > limit_) {
      out_.too_deep = true;
      out_.line = line_;
      out_.column = column_;
    }
    step();
    flow_plain_ = false;
  }
  void close_flow() {
    step();
    --flow_;
    flow_plain_ = false;
    if (flow_ == 0) node_start_ = false;
  }

  void line_start() {
    at_line_start_ = false;
    skip_bom();
    if (flow_ > 0) return;  // indentation means nothing inside a flow collection
    if (block_scalar_ && block_scalar_line()) return;
    block_scalar_ = false;
    if (column_ == 0 && marker_at(pos_)) {  // `---` or `...`: a new document's context
      for (int k = 0; k < 3; ++k) step();
      indents_.clear();
      plain_ = false;
      node_start_ = true;
      key_column_ = -1;
      return;
    }
    size_t j = pos_;
    size_t indent = column_;
    while (blank(j)) {
      ++j;
      ++indent;
    }
    if (j >= text_.size() || break_len(j) != 0) {  // a blank line: a plain scalar goes on after it
      pos_ = j;
      column_ = indent;
      new_line();
      return;
    }
    if (at(j) == '#') {  // a comment line ends a plain scalar
      plain_ = false;
      pos_ = j;
      column_ = indent;
      skip_to_break();
      new_line();
      return;
    }
    if (plain_ && static_cast<long>(indent) > top()) {  // more of a multi-line plain scalar
      pos_ = j;
      column_ = indent;
      return;
    }
    plain_ = false;
    if (column_ == 0 && at(pos_) == '%') {  // a directive
      skip_to_break();
      new_line();
      return;
    }
    pos_ = j;
    column_ = indent;
    while (top() > static_cast<long>(column_)) indents_.pop_back();
    node_start_ = true;
    key_column_ = -1;
  }

  // A line after a block scalar's header: its content (true, line consumed) or not.
  bool block_scalar_line() {
    size_t j = pos_;
    long spaces = 0;
    while (at(j) == ' ') {
      ++j;
      ++spaces;
    }
    bool empty = j >= text_.size() || break_len(j) != 0;
    if (block_indent_ == 0) {  // indentation still to be found: libyaml's auto-detection
      if (empty) {
        block_blank_indent_ = std::max(block_blank_indent_, spaces);
      } else {
        block_indent_ = std::max({spaces, block_blank_indent_, block_parent_ + 1, 1L});
      }
    }
    if (!empty && spaces < block_indent_) return false;
    pos_ = j;
    column_ = static_cast<size_t>(spaces);
    skip_to_break();
    new_line();
    return true;
  }

  void block_scalar_header() {
    block_parent_ = top();
    step();  // `|` or `>`
    long increment = 0;
    for (int k = 0; k < 2; ++k) {
      if (at(pos_) == '+' || at(pos_) == '-') {
        step();
      } else if (at(pos_) >= '1' && at(pos_) <= '9' && increment == 0) {
        increment = at(pos_) - '0';
        step();
      }
    }
    skip_to_break();  // blanks and a comment, or an error libyaml stops at
    new_line();
    block_scalar_ = true;
    block_blank_indent_ = 0;
    block_indent_ = increment == 0 ? 0 : block_parent_ >= 0 ? block_parent_ + increment : increment;
  }

  // A quoted scalar, over as many lines as it takes.
  void skip_quoted() {
    char q = static_cast<char>(at(pos_));
    step();
    while (!end()) {
      if (break_len(pos_) != 0) {
        pos_ += break_len(pos_);
        ++line_;
        column_ = 0;
        continue;
      }
      unsigned char c = at(pos_);
      if (q == '\'' && c == '\'') {
        step();
        if (at(pos_) != '\'') return;
        step();
      } else if (q == '"' && c == '\\') {
        step();
        if (break_len(pos_) != 0) continue;  // an escaped line break
        if (!end()) step();
      } else if (q == '"' && c == '"') {
        step();
        return;
      } else {
        step();
      }
    }
  }

  // An anchor or alias name: libyaml's "alpha" characters.
  static bool name_char(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '-';
  }
  // A tag: `!<...>` (verbatim), or `!`, a handle and a suffix of URI characters.
  static bool uri_char(unsigned char c) {
    return name_char(c) || std::string_view(";/?:@&=+$.%!~*'()").find(static_cast<char>(c)) != std::string_view::npos;
  }
  void skip_property() {
    unsigned char first = at(pos_);
    step();
    if (first == '!' && at(pos_) == '<') {
      step();
      while (!end() && (uri_char(at(pos_)) || at(pos_) == ',' || at(pos_) == '[' || at(pos_) == ']')) step();
      if (at(pos_) == '>') step();
      return;
    }
    while (!end() && (first == '!' ? uri_char(at(pos_)) : name_char(at(pos_)))) step();
  }

  void block_token() {
    if (plain_ && !node_start_) {
      block_plain();
      return;
    }
    skip_blanks();
    if (end()) return;
    if (break_len(pos_) != 0) {
      new_line();
      return;
    }
    unsigned char c = at(pos_);
    if (c == '#') {
      skip_to_break();
      return;
    }
    // As libyaml before each token in block context: collections indented deeper end here.
    while (top() > static_cast<long>(column_)) indents_.pop_back();
    switch (c) {
      case '-':
      case '?':
      case ':':
        if (blankz(pos_ + 1)) {
          // `- ` and `? ` open a block collection at their column; `: ` at the key's.
          roll(c == ':' && key_column_ >= 0 ? key_column_ : static_cast<long>(column_));
          node_start_ = true;
          key_column_ = -1;
          step();
          return;
        }
        break;
      case '&':
      case '!':
        note_key();
        skip_property();
        return;
      case '*':
        note_key();
        skip_property();
        node_start_ = false;
        return;
      case '"':
      case '\'':
        note_key();
        skip_quoted();
        node_start_ = false;
        return;
      case '[':
      case '{':
        note_key();
        open_flow();
        return;
      case ']':
      case '}':
      case ',':
        step();
        node_start_ = false;
        return;
      case '|':
      case '>': block_scalar_header(); return;
      default: break;
    }
    note_key();
    plain_ = true;
    node_start_ = false;
    block_plain();
  }

  // Inside a plain scalar in block context: brackets are text. Ends at `: `, at ` #`, or at the
  // end of the line (line_start() decides whether the next line goes on with it).
  void block_plain() {
    while (!end()) {
      if (break_len(pos_) != 0) {
        new_line();
        return;
      }
      if (at(pos_) == ':' && blankz(pos_ + 1)) {
        plain_ = false;
        roll(key_column_ >= 0 ? key_column_ : static_cast<long>(column_));
        node_start_ = true;
        key_column_ = -1;
        step();
        return;
      }
      if (blank(pos_)) {
        skip_blanks();
        if (at(pos_) == '#') {
          plain_ = false;
          node_start_ = true;
          skip_to_break();
          return;
        }
        continue;
      }
      step();
    }
  }

  void flow_token() {
    if (flow_plain_) {
      flow_plain();
      return;
    }
    skip_blanks();
    if (end()) return;
    if (break_len(pos_) != 0) {
      new_line();
      return;
    }
    if (column_ == 0 && marker_at(pos_)) {  // libyaml stops there with an error
      for (int k = 0; k < 3; ++k) step();
      return;
    }
    unsigned char c = at(pos_);
    switch (c) {
      case '#': skip_to_break(); return;
      case '[':
      case '{': open_flow(); return;
      case ']':
      case '}': close_flow(); return;
      case ',':
      case '?':
      case ':':
      case '|':
      case '>':
      case '%':
      case '@':
      case '`': step(); return;
      case '-':
        if (blankz(pos_ + 1)) {
          step();
          return;
        }
        break;
      case '&':
      case '!':
      case '*': skip_property(); return;
      case '"':
      case '\'': skip_quoted(); return;
      default: break;
    }
    flow_plain_ = true;
    flow_plain();
  }

  // Inside a plain scalar in a flow collection, as libyaml's loop reads one: runs of non-blank
  // characters up to a flow indicator or `: `, then blanks and line breaks (it may go on over
  // lines); a comment or a document marker ends it.
  void flow_plain() {
    while (!end()) {
      if ((column_ == 0 && marker_at(pos_)) || at(pos_) == '#') {
        flow_plain_ = false;
        return;
      }
      while (!blankz(pos_)) {
        unsigned char c = at(pos_);
        unsigned char d = at(pos_ + 1);
        bool value =
            c == ':' && (blankz(pos_ + 1) || d == ',' || d == '?' || d == '[' || d == ']' || d == '{' || d == '}');
        if (value || c == ',' || c == '[' || c == ']' || c == '{' || c == '}') {
          flow_plain_ = false;
          return;
        }
        step();
      }
      while (!end() && (blank(pos_) || break_len(pos_) != 0)) {
        if (blank(pos_)) {
          step();
        } else {
          pos_ += break_len(pos_);
          ++line_;
          column_ = 0;
        }
      }
    }
  }

  std::string_view text_;
  size_t limit_;
  FlowNesting out_;
  size_t pos_ = 0;
  size_t line_ = 0;
  size_t column_ = 0;
  bool at_line_start_ = true;

  size_t flow_ = 0;
  bool flow_plain_ = false;

  std::vector<long> indents_;
  bool node_start_ = true;
  long key_column_ = -1;
  bool plain_ = false;  // in a block plain scalar that may go on over lines

  bool block_scalar_ = false;
  long block_parent_ = -1;
  long block_indent_ = 0;  // 0 until found
  long block_blank_indent_ = 0;
};

}  // namespace

FlowNesting scan_flow_nesting(std::string_view text, size_t limit) { return FlowScanner(text, limit).run(); }

}  // namespace proviso::records::yaml

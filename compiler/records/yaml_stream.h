// Splitting a YAML stream into its documents, one evaluation input each, before any parsing:
// incrementally (feed the bytes as they are read) and in bounded memory.
#pragma once
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/records/decode.h"

namespace proviso::records {

// One document of a YAML stream, with what surrounds it (directives before its `---`, comments
// after its content, its `...`): give `text` and `line` to Decoder::decode_yaml_document.
struct YamlDocument {
  std::string text;
  size_t line = 1;                   // stream line (1-based) of the first line of `text`
  std::optional<DecodeError> error;  // set (and `text` empty) when the document is not kept
};

// Documents are cut at marker lines: `---` or `...` at the start of a line, followed by a space,
// a tab, a line break or the end of the stream. YAML 1.2 forbids such a line inside any scalar,
// so cutting there, before parsing, is exact for valid YAML and lets one document fail alone.
//  - `---` starts a new document, unless all before it since the last document are directives,
//    comments and blank lines: those belong to the document it starts.
//  - `...` ends the document it follows (and stays in its text); on its own it ends nothing.
//  - A stretch of only comments, blank lines and directives is no document. `---` followed by
//    `---` is an empty document (null, as in YAML).
// A UTF-8 byte order mark at the start of the stream is dropped. Line breaks are `\n`, `\r\n`
// and `\r`, as in YAML 1.2.
// Memory: the current document (at most limits.max_input_bytes) plus what next() has not taken
// yet, so drain next() after each feed(). A document over the limit gives one YamlDocument with
// an error, and its bytes are dropped as they come, up to the next marker line.
class YamlSplitter {
 public:
  explicit YamlSplitter(const Limits& limits = {});

  // Any chunk boundaries, even inside a line or a `\r\n`.
  void feed(std::string_view bytes);
  // The end of the stream: the last document becomes available. Bytes fed after it are ignored.
  void finish();
  // The next complete document, in stream order; false when there is none yet.
  bool next(YamlDocument* out);
  // Bytes held for the document being read (at most the limit): for tests and monitoring.
  size_t buffered() const { return buf_.size(); }

 private:
  enum class State { Prefix, Body, Skip };  // between documents, in one, in one too large
  enum class LineMode { Undecided, Keep, Drop, Tentative };

  void take(std::string_view bytes);
  void take_head(char c);
  void decide_line(bool at_end);
  void append(std::string_view bytes);
  void end_line();
  void emit();
  void refuse_document();

  size_t max_bytes_;
  std::deque<YamlDocument> ready_;
  std::string buf_;  // the current document's text so far
  size_t buf_line_ = 1;
  State state_ = State::Prefix;

  // The current line: its number, where it starts in buf_ (when kept), its first bytes (enough
  // to tell a marker line) and what is done with its bytes.
  size_t line_ = 1;
  size_t line_start_ = 0;
  char head_[4] = {};
  size_t head_len_ = 0;
  LineMode mode_ = LineMode::Undecided;
  bool ends_document_ = false;  // a `...` line: the document ends with it
  bool pending_cr_ = false;     // the line ended with `\r`; a `\n` may still belong to it

  size_t bom_seen_ = 0;  // bytes of a byte order mark matched at the start of the stream
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace proviso::records

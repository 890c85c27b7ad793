// An NDJSON batch of `proviso serve`, evaluated while it streams in (POST .../evaluate with
// application/x-ndjson): the body is split into lines as it arrives, the complete lines of each
// read are handed over together (to be evaluated, on more than one thread if it pays), and
// their answers go to the caller's buffer in order, which the transport sends after each read.
// Memory stays within one read plus the longest line, whatever the body's size. A line longer
// than the limit is handed over as too long, in its place, and the rest of it is skipped, as
// `proviso eval` does.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace proviso::server {

class BatchStream {
 public:
  struct Line {
    size_t number;          // from 1, counting every line, blank or too long
    std::string_view text;  // without its newline; empty when too long
    size_t capacity;        // bytes readable from text.data(): at least text.size() + kPadding
    bool too_long;          // longer than the limit
  };
  // Answers `lines`, in order, appending each answer and a newline to `out`. False stops the
  // batch. The lines' text is valid during the call only.
  using LinesFn = std::function<bool(const std::vector<Line>& lines, std::string* out)>;

  BatchStream(size_t max_line, LinesFn answer);

  // Bytes of the body; answers go to `out`. False when the batch has stopped: read no more.
  bool feed(const char* data, size_t n, std::string* out);
  // The body has ended, completely or not. True when it was complete and every line answered.
  bool finish(bool body_complete, std::string* out);

  static constexpr size_t kPadding = 64;  // the JSON parser's, after each line

 private:
  bool answer(std::string* out);
  void add(size_t start, size_t size, bool too_long);

  size_t max_line_;
  LinesFn answer_;
  std::string pending_;      // the lines not yet complete
  std::vector<Line> lines_;  // those of the current read
  size_t line_number_ = 0;   // of the last line begun
  bool skipping_ = false;    // inside a line answered as too long
  bool failed_ = false;
};

}  // namespace proviso::server

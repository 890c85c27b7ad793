// An NDJSON batch of `proviso serve`, evaluated while it streams in (POST .../evaluate with
// application/x-ndjson): the body is split into lines as it arrives, each complete line is
// evaluated, and the answers go to the caller's buffer in order, which the transport sends
// after each read. Memory stays within one read plus the longest line, whatever the body's
// size. A line longer than the limit is answered with an error in its place and the rest of it
// is skipped, as `proviso eval` does.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace proviso::server {

class BatchStream {
 public:
  // Evaluates one line, appending its answer and a newline to `out`; `capacity` bytes from
  // line.data() are readable (at least line.size() + kPadding). `too_long`: the line was longer
  // than the limit, and `line` is empty. False stops the batch.
  using LineFn =
      std::function<bool(size_t line_number, std::string_view line, size_t capacity, bool too_long, std::string* out)>;

  BatchStream(size_t max_line, LineFn line);

  // Bytes of the body; answers go to `out`. False when the batch has stopped: read no more.
  bool feed(const char* data, size_t n, std::string* out);
  // The body has ended, completely or not. True when it was complete and every line answered.
  bool finish(bool body_complete, std::string* out);

  static constexpr size_t kPadding = 64;  // the JSON parser's, after each line

 private:
  bool answer(std::string_view line, bool too_long, std::string* out);

  size_t max_line_;
  LineFn line_;
  std::string pending_;     // the line not yet complete
  size_t line_number_ = 0;  // of the last line begun
  bool skipping_ = false;   // inside a line answered as too long
  bool failed_ = false;
};

}  // namespace proviso::server

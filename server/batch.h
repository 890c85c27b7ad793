// An NDJSON batch of `proviso serve`, evaluated while it streams in (POST .../evaluate with
// application/x-ndjson), on the worker that reads it: the body is split into lines as it
// arrives, each complete line is evaluated, and the answers go back in order. Memory stays
// within one read plus the longest line, whatever the body's size. Answers are written at
// kFlushBytes, or as soon as a read comes back short: the client has sent no more for now and
// may wait for these answers before it sends more. A line longer than the limit is answered
// with an error in its place and the rest of it is skipped, as `proviso eval` does.
//
// Everything happens on the reading thread on purpose: the HTTP library's writes peek at the
// socket, which a read on another thread would race with (bench/README.md, "proviso serve under
// load", has the measurements of a version that evaluated on a second thread).
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
  // Writes answer bytes to the client. False when the client is gone.
  using WriteFn = std::function<bool(std::string_view bytes)>;

  BatchStream(size_t max_line, LineFn line, WriteFn write);

  // Bytes of the body. False when the batch has stopped: stop reading.
  bool feed(const char* data, size_t n);
  // The body has ended, completely or not. True when it was complete and every answer written.
  bool finish(bool body_complete);

  static constexpr size_t kFlushBytes = 32 * 1024;
  static constexpr size_t kShortRead = 4096;  // the HTTP library reads at most this much at a time
  static constexpr size_t kPadding = 64;      // the JSON parser's, after each line

 private:
  bool answer(std::string_view line, bool too_long);
  bool flush();

  size_t max_line_;
  LineFn line_;
  WriteFn write_;
  std::string pending_;     // the line not yet complete
  std::string out_;         // answers not yet written
  size_t line_number_ = 0;  // of the last line begun
  bool skipping_ = false;   // inside a line answered as too long
  bool failed_ = false;
};

}  // namespace proviso::server

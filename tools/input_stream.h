// Evaluation inputs read as a stream, in bounded memory: NDJSON line by line, one JSON
// document (pretty-printed over several lines), or YAML document by document, from a file or
// a pipe. `proviso eval` decodes and evaluates each input as soon as it is complete.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/records/decode.h"

namespace proviso::cli {

class InputStream {
 public:
  InputStream();
  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  // Opens `path` ("-" = standard input). False, with `error` set to "cannot read PATH: reason",
  // when it cannot be opened or is a directory.
  bool open(const std::string& path, bool yaml, const records::Limits& limits, std::string* error);

  // Called just before a read that would block (input from a pipe or terminal with nothing
  // ready): the place to flush output, so that a reader downstream sees every result whose
  // input is complete.
  void on_idle(std::function<void()> f) { idle_ = std::move(f); }

  struct Item {
    size_t line = 1;                            // 1-based line of the stream where the input starts
    std::string_view json;                      // JSON: the text of one input (padded, for in-place decoding)
    size_t capacity = 0;                        // JSON: readable bytes from json.data()
    std::string_view yaml;                      // YAML: the text of one document
    std::optional<records::DecodeError> error;  // the input cannot be decoded at all (too long)
  };
  // The next input; false at the end of the input or when reading failed (read_error() then
  // says why). The views stay valid until the next call.
  bool next(Item* out);
  // Up to `max` next inputs at once (`out` is cleared first): next()'s, then, while the input
  // is NDJSON, those whose lines the buffer already holds whole, so that no read waits for more.
  // Gives how many; 0 when next() would give false. The views stay valid until the next call
  // of either.
  size_t next_lines(std::vector<Item>* out, size_t max);
  const std::string& read_error() const { return read_error_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::function<void()> idle_;
  std::string read_error_;
};

}  // namespace proviso::cli

// Standard output for the commands: buffered, every write checked, so that output lost to a
// full disk, a closed pipe or a closed descriptor is an error (exit 1), never silent.
#pragma once
#include <string>
#include <string_view>

namespace proviso::cli {

class Output {
 public:
  // The process's standard output.
  static Output& standard();

  // Appends to the buffer, writing it out when it grows past 64 KiB (a text of 64 KiB or more
  // is written from where it is, after the buffer). After a failure further output is dropped
  // (the command stops at its next check of failed()).
  void write(std::string_view text);
  // The buffer, for a writer that appends to it in place; then wrote() writes it out when it
  // has grown past 64 KiB.
  std::string& buffer() { return buffer_; }
  void wrote() {
    if (buffer_.size() >= kFlushBytes) flush();
  }
  // Writes the buffer out; false on failure.
  bool flush();
  bool failed() const { return !error_.empty(); }
  // "cannot write output: REASON"
  const std::string& error() const { return error_; }
  // Whether the descriptor is a pipe, socket or terminal (a reader may be waiting line by line).
  bool interactive() const { return interactive_; }

  // Called once at start-up, before anything can open a file: a standard descriptor that is
  // closed is pointed at /dev/null so that no file opened later takes its number, and a
  // closed standard output is remembered, so that writing to it fails.
  static void reserve_standard_descriptors();

 private:
  static constexpr size_t kFlushBytes = size_t{64} << 10;
  explicit Output(int fd);
  // Writes `text` to the descriptor, all of it; false (error_ set) on failure.
  bool write_out(std::string_view text);
  int fd_;
  bool closed_ = false;
  bool interactive_ = false;
  std::string buffer_;
  std::string error_;
};

// Flushes std::cout and standard output; on failure prints `proviso: error: cannot write
// output: REASON` and gives false.
bool finish_output();

}  // namespace proviso::cli

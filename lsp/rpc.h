// JSON-RPC 2.0 messages framed as the Language Server Protocol frames them: a header block
// (`Content-Length: N`, optionally `Content-Type`), a blank line, then N bytes of JSON.
#pragma once
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace proviso::lsp {

using Json = nlohmann::json;

// Messages larger than this are refused (the whole text of a policy is at most 8 MiB; a
// message carries it once, escaped).
inline constexpr size_t kMaxMessageBytes = 64u << 20;

// Reads framed messages from a file descriptor.
class Reader {
 public:
  explicit Reader(int fd) : fd_(fd) {}
  // The next message's body; none at the end of the input. A malformed frame is reported in
  // `*error` (and reading goes on with the next frame when it can).
  std::optional<std::string> next(std::string* error);

 private:
  bool fill();  // reads more into buf_; false at the end
  int fd_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
};

// Writes framed messages; safe to call from several threads.
class Writer {
 public:
  explicit Writer(int fd) : fd_(fd) {}
  void send(const Json& message);

 private:
  int fd_;
  std::mutex mutex_;
};

}  // namespace proviso::lsp

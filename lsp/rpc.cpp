// LSP framing (rpc.h).
#include "lsp/rpc.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace proviso::lsp {

bool Reader::fill() {
  if (eof_) return false;
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }
}

std::optional<std::string> Reader::next(std::string* error) {
  for (;;) {
    // The header block ends with an empty line.
    size_t end;
    while ((end = buf_.find("\r\n\r\n", pos_)) == std::string::npos) {
      if (buf_.size() - pos_ > 65536) {
        *error = "a message header is longer than 64 KiB";
        buf_.clear();
        pos_ = 0;
        return std::string();
      }
      if (!fill()) return std::nullopt;
    }
    std::string_view headers(buf_.data() + pos_, end - pos_);
    pos_ = end + 4;
    std::optional<size_t> length;
    while (!headers.empty()) {
      size_t eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string name(line.substr(0, colon));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name != "content-length") continue;
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      size_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec == std::errc() && p == value.data() + value.size()) length = n;
    }
    if (!length) {
      *error = "a message has no valid Content-Length header";
      return std::string();
    }
    if (*length > kMaxMessageBytes) {
      *error = "a message is larger than 64 MiB";
      // Skip its body.
      size_t skip = *length;
      while (skip > 0) {
        size_t have = buf_.size() - pos_;
        size_t take = std::min(have, skip);
        pos_ += take;
        skip -= take;
        if (skip > 0 && !fill()) return std::nullopt;
      }
      return std::string();
    }
    while (buf_.size() - pos_ < *length)
      if (!fill()) return std::nullopt;
    std::string body = buf_.substr(pos_, *length);
    pos_ += *length;
    if (pos_ > (1u << 20)) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    return body;
  }
}

void Writer::send(const Json& message) {
  std::string body = message.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string frame = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::lock_guard lock(mutex_);
  const char* p = frame.data();
  size_t left = frame.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client is gone; the read side ends the loop
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace proviso::lsp

// Documents and positions (document.h).
#include "lsp/document.h"

#include <algorithm>

namespace proviso::lsp {

LineMap::LineMap(std::string_view text, Encoding encoding) : text_(text), encoding_(encoding) {
  starts_.push_back(0);
  for (uint32_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts_.push_back(i + 1);
}

namespace {

// The length in bytes of the UTF-8 sequence that starts with `c` (1 for a stray byte).
uint32_t sequence_length(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

}  // namespace

uint32_t LineMap::offset(const Json& position) const {
  int64_t line = position.value("line", int64_t{0});
  int64_t character = position.value("character", int64_t{0});
  if (line < 0) return 0;
  if (static_cast<size_t>(line) >= starts_.size()) return static_cast<uint32_t>(text_.size());
  uint32_t at = starts_[static_cast<size_t>(line)];
  uint32_t end = static_cast<size_t>(line) + 1 < starts_.size() ? starts_[static_cast<size_t>(line) + 1] - 1
                                                                : static_cast<uint32_t>(text_.size());
  if (end > at && text_[end - 1] == '\r') --end;
  int64_t units = 0;
  while (at < end && units < character) {
    uint32_t len = sequence_length(static_cast<unsigned char>(text_[at]));
    if (encoding_ == Encoding::Utf8) {
      units += len;
    } else {
      units += len == 4 ? 2 : 1;  // a character outside the BMP is a surrogate pair
    }
    at = std::min(at + len, end);
  }
  return at;
}

Json LineMap::position(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  size_t line = static_cast<size_t>(it - starts_.begin()) - 1;
  uint32_t at = starts_[line];
  int64_t units = 0;
  while (at < offset) {
    uint32_t len = sequence_length(static_cast<unsigned char>(text_[at]));
    units += encoding_ == Encoding::Utf8 ? len : (len == 4 ? 2 : 1);
    at += len;
  }
  return Json{{"line", line}, {"character", units}};
}

Json LineMap::range(Span span) const { return Json{{"start", position(span.begin)}, {"end", position(span.end)}}; }

Span LineMap::span(const Json& range) const {
  uint32_t a = offset(range.value("start", Json::object()));
  uint32_t b = offset(range.value("end", Json::object()));
  return a <= b ? Span{a, b} : Span{b, a};
}

std::string uri_to_path(std::string_view uri) {
  constexpr std::string_view scheme = "file://";
  if (uri.substr(0, scheme.size()) != scheme) return std::string(uri);
  std::string_view rest = uri.substr(scheme.size());
  if (!rest.empty() && rest.front() != '/') {  // file://host/path: keep the path
    size_t slash = rest.find('/');
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  std::string path;
  for (size_t i = 0; i < rest.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (rest[i] == '%' && i + 2 < rest.size() && hex(rest[i + 1]) >= 0 && hex(rest[i + 2]) >= 0) {
      path.push_back(static_cast<char>(hex(rest[i + 1]) * 16 + hex(rest[i + 2])));
      i += 2;
    } else {
      path.push_back(rest[i]);
    }
  }
  return path;
}

std::string path_to_uri(std::string_view path) {
  static const char* digits = "0123456789ABCDEF";
  std::string uri = "file://";
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri.push_back(c);
    } else {
      uri.push_back('%');
      uri.push_back(digits[u >> 4]);
      uri.push_back(digits[u & 15]);
    }
  }
  return uri;
}

void apply_change(std::string& text, const Json& change, Encoding encoding) {
  std::string replacement = change.value("text", std::string());
  if (!change.contains("range")) {
    text = std::move(replacement);
    return;
  }
  LineMap map(text, encoding);
  Span span = map.span(change["range"]);
  text.replace(span.begin, span.size(), replacement);
}

}  // namespace proviso::lsp

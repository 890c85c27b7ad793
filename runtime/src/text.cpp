// The blank test of `blank(t)`, over UTF-8.
#include <proviso/rt/text.h>

#include <cstddef>
#include <cstdint>

namespace proviso::rt {

namespace {

bool is_space_code_point(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

}  // namespace

bool is_blank(std::string_view text) {
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size(), i = 0;
  while (i < n) {
    unsigned char b = t[i];
    uint32_t c = 0;
    size_t len = 1;
    if (b < 0x80) {
      c = b;
    } else if ((b & 0xE0) == 0xC0 && i + 1 < n) {
      c = ((b & 0x1Fu) << 6) | (t[i + 1] & 0x3Fu);
      len = 2;
    } else if ((b & 0xF0) == 0xE0 && i + 2 < n) {
      c = ((b & 0x0Fu) << 12) | ((t[i + 1] & 0x3Fu) << 6) | (t[i + 2] & 0x3Fu);
      len = 3;
    } else {
      return false;  // a four-byte sequence (no white space there) or invalid UTF-8
    }
    if (!is_space_code_point(c)) return false;
    i += len;
  }
  return true;
}

}  // namespace proviso::rt

// Reading evaluation inputs incrementally. The buffer holds at most one input being completed
// (a line of at most Limits::max_line_bytes; the whole text only while deciding whether it is
// one pretty-printed JSON document, at most Limits::max_input_bytes) plus one chunk.
#include "tools/input_stream.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

#include <fmt/format.h>
#include <proviso/rt/error.h>
#include "compiler/records/json_syntax.h"
#include "compiler/records/yaml_stream.h"

namespace proviso::cli {

namespace {

constexpr size_t kChunk = size_t{1} << 20;

// A line of only spaces, tabs or a CR: skipped between NDJSON records.
bool is_blank_line(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

}  // namespace

struct InputStream::Impl {
  int fd = -1;
  bool own_fd = false;
  bool eof = false;
  bool yaml = false;
  std::string name;
  records::Limits limits;

  // Unconsumed bytes are buf[start, end); the buffer always has kJsonPadding bytes after end.
  // Grown with realloc, which moves a large buffer by remapping its pages instead of copying
  // it (a copy would double the peak memory of a long line).
  struct Buffer {
    char* p = nullptr;
    size_t n = 0;
    ~Buffer() { std::free(p); }
    char* data() { return p; }
    const char* data() const { return p; }
    size_t size() const { return n; }
    void resize(size_t size) {
      char* q = static_cast<char*>(std::realloc(p, size));
      if (!q) throw std::bad_alloc();
      p = q;
      n = size;
    }
    void reset(size_t size) {
      std::free(p);
      p = nullptr;
      n = 0;
      resize(size);
    }
  };
  Buffer buf;
  size_t start = 0, end = 0;
  size_t line = 1;  // the line number at `start`

  enum class Phase { Start, Whole, Ndjson, Yaml, Done };
  Phase phase = Phase::Start;
  // YAML: documents are cut from the stream as it is read (records/yaml_stream.h).
  std::unique_ptr<records::YamlSplitter> splitter;
  records::YamlDocument document;  // the one last given out
  bool skipping = false;           // discarding the rest of an over-long line
  bool bom_checked = false;

  ~Impl() {
    if (own_fd && fd >= 0) ::close(fd);
  }

  std::string_view pending() const { return {buf.data() + start, end - start}; }

  // Reads one more chunk (blocking); false at the end of the input or on an error.
  bool fill(const std::function<void()>& idle, std::string* error) {
    if (eof) return false;
    if (idle) {
      struct pollfd p {};
      p.fd = fd;
      p.events = POLLIN;
      int r;
      do r = ::poll(&p, 1, 0);
      while (r < 0 && errno == EINTR);
      if (r == 0) idle();
    }
    if (start > 0 && (start >= buf.size() / 2 || buf.size() - end < kChunk + records::kJsonPadding)) {
      std::memmove(buf.data(), buf.data() + start, end - start);
      end -= start;
      start = 0;
    }
    if (buf.size() < end + kChunk + records::kJsonPadding) {
      // Grow geometrically: a long input is copied a few times, not once per chunk.
      buf.resize(std::max(end + kChunk + records::kJsonPadding, buf.size() * 2));
    }
    ssize_t n;
    do n = ::read(fd, buf.data() + end, kChunk);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      *error = fmt::format("cannot read {}: {}", name, rt::system_reason(errno));
      eof = true;
      return false;
    }
    if (n == 0) {
      eof = true;
      return false;
    }
    end += static_cast<size_t>(n);
    std::memset(buf.data() + end, 0, records::kJsonPadding);
    return true;
  }

  // The next line in the buffer: [start, nl) with nl < end, or npos.
  size_t newline() const {
    const void* p = std::memchr(buf.data() + start, '\n', end - start);
    return p ? static_cast<size_t>(static_cast<const char*>(p) - buf.data()) : std::string::npos;
  }

  void make_item(Item* out, size_t at, size_t size, size_t item_line) const {
    out->line = item_line;
    out->json = std::string_view(buf.data() + at, size);
    out->capacity = buf.size() - at;
    out->yaml = {};
    out->error.reset();
  }

  // The NDJSON line [at, at + size), which starts line `item_line`, as an item: false for a
  // blank line, which is no input.
  bool line_item(Item* out, size_t at, size_t size, size_t item_line) const {
    if (is_blank_line(std::string_view(buf.data() + at, size))) return false;
    make_item(out, at, size, item_line);
    if (size > limits.max_line_bytes)
      out->error = records::DecodeError{
          "", fmt::format("line {} is longer than {} MiB", item_line, limits.max_line_bytes >> 20)};
    return true;
  }
};

InputStream::InputStream() : impl_(std::make_unique<Impl>()) {}
InputStream::~InputStream() = default;

bool InputStream::open(const std::string& path, bool yaml, const records::Limits& limits, std::string* error) {
  Impl& s = *impl_;
  s.yaml = yaml;
  s.limits = limits;
  if (path == "-") {
    s.fd = 0;
    s.name = "standard input";
  } else {
    s.name = path;
    s.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (s.fd < 0) {
      *error = fmt::format("cannot read {}: {}", path, rt::system_reason(errno));
      return false;
    }
    s.own_fd = true;
  }
  struct stat st;
  if (::fstat(s.fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    *error = fmt::format("cannot read {}: it is a directory", s.name);
    return false;
  }
  // Only the padding is zeroed: a megabyte of zeros would cost every run its page faults, and
  // the bytes before `end` are always read ones.
  s.buf.resize(kChunk + records::kJsonPadding);
  std::memset(s.buf.data(), 0, records::kJsonPadding);
  if (yaml) {
    s.splitter = std::make_unique<records::YamlSplitter>(limits);
    s.phase = Impl::Phase::Yaml;
  }
  return true;
}

bool InputStream::next(Item* out) {
  Impl& s = *impl_;
  using Phase = Impl::Phase;
  const records::Limits& lim = s.limits;
  for (;;) {
    if (!read_error_.empty()) return false;
    switch (s.phase) {
      case Phase::Done: return false;

      case Phase::Yaml: {
        if (s.splitter->next(&s.document)) {
          out->line = s.document.line;
          out->json = {};
          out->capacity = 0;
          out->yaml = s.document.text;
          out->error = s.document.error;
          return true;
        }
        s.start = s.end = 0;  // the splitter keeps what it needs
        if (!s.fill(idle_, &read_error_)) {
          if (!read_error_.empty()) return false;
          s.splitter->finish();
          if (!s.splitter->next(&s.document)) {
            s.phase = Phase::Done;
            return false;
          }
          out->line = s.document.line;
          out->json = {};
          out->capacity = 0;
          out->yaml = s.document.text;
          out->error = s.document.error;
          return true;
        }
        s.splitter->feed(s.pending());
        continue;
      }

      case Phase::Start: {
        if (!s.bom_checked) {
          // A UTF-8 byte order mark at the very start is not part of the input.
          while (s.end - s.start < 3 && s.fill(idle_, &read_error_)) {
          }
          if (s.pending().substr(0, 3) == "\xEF\xBB\xBF") s.start += 3;
          s.bom_checked = true;
          continue;
        }
        size_t nl = s.newline();
        std::string_view first;
        if (nl != std::string::npos) {
          first = std::string_view(s.buf.data() + s.start, nl - s.start);
          if (is_blank_line(first)) {
            s.start = nl + 1;
            ++s.line;
            continue;
          }
        } else if (s.end - s.start > lim.max_line_bytes) {
          s.phase = Phase::Whole;  // too long for an NDJSON line: perhaps one document
          continue;
        } else if (s.fill(idle_, &read_error_)) {
          continue;
        } else {
          if (!read_error_.empty()) return false;
          first = s.pending();
          if (is_blank_line(first)) {
            s.phase = Phase::Done;
            return false;
          }
        }
        // NDJSON when the first line is a JSON value on its own; otherwise perhaps one
        // document over several lines (decided once the whole text is read).
        s.phase = first.size() <= lim.max_line_bytes && records::is_json(first) ? Phase::Ndjson : Phase::Whole;
        continue;
      }

      case Phase::Whole: {
        while (s.end - s.start <= lim.max_input_bytes && s.fill(idle_, &read_error_)) {
        }
        if (!read_error_.empty()) return false;
        std::string_view whole = s.pending();
        if (s.eof && whole.size() <= lim.max_input_bytes && records::is_json(whole)) {
          s.make_item(out, s.start, whole.size(), s.line);
          s.start = s.end;
          s.phase = Phase::Done;
          return true;
        }
        s.phase = Phase::Ndjson;
        continue;
      }

      case Phase::Ndjson: {
        size_t nl = s.newline();
        if (s.skipping) {
          if (nl == std::string::npos) {
            s.start = s.end;
            if (!s.fill(idle_, &read_error_)) {
              s.phase = Phase::Done;
              return false;
            }
            continue;
          }
          s.start = nl + 1;
          ++s.line;
          s.skipping = false;
          continue;
        }
        size_t at = s.start, size = 0, item_line = s.line;
        if (nl != std::string::npos) {
          size = nl - s.start;
          s.start = nl + 1;
          ++s.line;
        } else if (s.end - s.start > lim.max_line_bytes) {
          // The line is longer than allowed and not complete yet: an error for this line, and
          // its remaining bytes are dropped as they arrive.
          out->line = item_line;
          out->json = {};
          out->yaml = {};
          out->capacity = 0;
          out->error = records::DecodeError{
              "", fmt::format("line {} is longer than {} MiB", item_line, lim.max_line_bytes >> 20)};
          s.start = s.end;
          s.skipping = true;
          // The buffer grew to hold the line: give the memory back.
          s.buf.reset(kChunk + records::kJsonPadding);
          s.start = s.end = 0;
          return true;
        } else if (s.fill(idle_, &read_error_)) {
          continue;
        } else {
          if (!read_error_.empty()) return false;
          if (s.start == s.end) {
            s.phase = Phase::Done;
            return false;
          }
          size = s.end - s.start;  // the last line, without a newline
          s.start = s.end;
        }
        if (!s.line_item(out, at, size, item_line)) continue;
        return true;
      }
    }
  }
}

size_t InputStream::next_lines(std::vector<Item>* out, size_t max) {
  out->clear();
  Item item;
  if (max == 0 || !next(&item)) return 0;
  out->push_back(std::move(item));
  // Only lines already whole in the buffer: reading more could move the ones given out.
  Impl& s = *impl_;
  while (out->size() < max && s.phase == Impl::Phase::Ndjson && !s.skipping) {
    const size_t nl = s.newline();
    if (nl == std::string::npos) break;
    const size_t at = s.start, item_line = s.line;
    s.start = nl + 1;
    ++s.line;
    if (s.line_item(&item, at, nl - at, item_line)) out->push_back(std::move(item));
  }
  return out->size();
}

}  // namespace proviso::cli

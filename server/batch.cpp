// Evaluating an NDJSON batch while it streams in (batch.h).
#include "server/batch.h"

namespace proviso::server {

BatchStream::BatchStream(size_t max_line, LineFn line) : max_line_(max_line), line_(std::move(line)) {}

bool BatchStream::answer(std::string_view line, bool too_long, std::string* out) {
  size_t capacity = static_cast<size_t>(pending_.data() + pending_.capacity() - line.data());
  if (!line_(line_number_, line, capacity, too_long, out)) failed_ = true;
  return !failed_;
}

bool BatchStream::feed(const char* data, size_t n, std::string* out) {
  if (failed_) return false;
  // Lines are decoded in place: the parser's padding stays readable after the last byte.
  if (pending_.capacity() < pending_.size() + n + kPadding) pending_.reserve(2 * (pending_.size() + n + kPadding));
  pending_.append(data, n);
  size_t start = 0;
  for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
    if (skipping_) {  // the end of a line answered as too long
      skipping_ = false;
      continue;
    }
    ++line_number_;
    if (!answer(std::string_view(pending_).substr(start, nl - start), false, out)) return false;
  }
  pending_.erase(0, start);
  if (!skipping_ && pending_.size() > max_line_) {  // answered now; the rest of it skipped
    ++line_number_;
    if (!answer(std::string_view(pending_).substr(0, 0), true, out)) return false;
    skipping_ = true;
  }
  if (skipping_) pending_.clear();
  return true;
}

bool BatchStream::finish(bool body_complete, std::string* out) {
  if (!body_complete || failed_) return false;
  if (!skipping_ && !pending_.empty()) {  // a last line without a newline
    ++line_number_;
    if (!answer(pending_, false, out)) return false;
  }
  return true;
}

}  // namespace proviso::server

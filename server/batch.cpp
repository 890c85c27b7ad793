// Evaluating an NDJSON batch while it streams in (batch.h).
#include "server/batch.h"

namespace proviso::server {

BatchStream::BatchStream(size_t max_line, LinesFn answer) : max_line_(max_line), answer_(std::move(answer)) {}

void BatchStream::add(size_t start, size_t size, bool too_long) {
  ++line_number_;
  lines_.push_back(
      Line{line_number_, std::string_view(pending_).substr(start, size), pending_.capacity() - start, too_long});
}

bool BatchStream::answer(std::string* out) {
  if (!lines_.empty() && !answer_(lines_, out)) failed_ = true;
  lines_.clear();
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
    add(start, nl - start, false);
  }
  // A part line over the limit is answered now, and the rest of it skipped as it comes.
  bool too_long = !skipping_ && pending_.size() - start > max_line_;
  if (too_long) add(start, 0, true);
  if (!answer(out)) return false;
  pending_.erase(0, start);
  if (too_long) skipping_ = true;
  if (skipping_) pending_.clear();
  return true;
}

bool BatchStream::finish(bool body_complete, std::string* out) {
  if (!body_complete || failed_) return false;
  if (!skipping_ && !pending_.empty()) add(0, pending_.size(), false);  // a last line without a newline
  return answer(out);
}

}  // namespace proviso::server

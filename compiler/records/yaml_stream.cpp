// YamlSplitter: cuts a YAML stream at its marker lines, one line at a time, deciding each line
// from its first four bytes so that no line is ever scanned twice.
#include "compiler/records/yaml_stream.h"

#include <algorithm>
#include <cstring>

#include "compiler/records/yaml_tree.h"

namespace proviso::records {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_break(char c) { return c == '\n' || c == '\r'; }

}  // namespace

YamlSplitter::YamlSplitter(const Limits& limits) : max_bytes_(limits.max_input_bytes) {}

void YamlSplitter::feed(std::string_view bytes) {
  if (finished_) return;
  if (!started_) {
    // A byte order mark may arrive split across chunks: hold its bytes until it is complete.
    while (!bytes.empty() && bom_seen_ < kBom.size() && bytes[0] == kBom[bom_seen_]) {
      ++bom_seen_;
      bytes.remove_prefix(1);
    }
    if (bom_seen_ < kBom.size() && bytes.empty()) return;
    started_ = true;
    if (bom_seen_ < kBom.size()) take(kBom.substr(0, bom_seen_));  // not a mark after all
  }
  take(bytes);
}

void YamlSplitter::finish() {
  if (finished_) return;
  if (!started_) {
    started_ = true;
    if (bom_seen_ < kBom.size()) take(kBom.substr(0, bom_seen_));
  }
  finished_ = true;
  if (pending_cr_) {
    pending_cr_ = false;
    end_line();
  } else if (head_len_ > 0) {  // a last line without a line break
    if (mode_ == LineMode::Undecided) decide_line(true);
    end_line();
  }
  if (state_ == State::Body) emit();
}

bool YamlSplitter::next(YamlDocument* out) {
  if (ready_.empty()) return false;
  *out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

void YamlSplitter::take(std::string_view bytes) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  // The next `\r`, found once per call rather than once per line (most streams have none).
  const char* cr = nullptr;
  bool cr_known = false;
  while (p < end) {
    if (pending_cr_) {
      pending_cr_ = false;
      if (*p == '\n') {
        if (mode_ == LineMode::Keep || mode_ == LineMode::Tentative) append(std::string_view(p, 1));
        ++p;
      }
      end_line();
      continue;
    }
    if (mode_ == LineMode::Undecided) {
      take_head(*p++);
      continue;
    }
    if (!cr_known || (cr != nullptr && cr < p)) {
      cr = static_cast<const char*>(std::memchr(p, '\r', static_cast<size_t>(end - p)));
      cr_known = true;
    }
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* brk = nl == nullptr ? cr : cr == nullptr ? nl : std::min(nl, cr);
    const char* stop = brk == nullptr ? end : brk + 1;
    if (mode_ == LineMode::Keep || mode_ == LineMode::Tentative)
      append(std::string_view(p, static_cast<size_t>(stop - p)));
    p = stop;
    if (brk == nullptr) break;
    if (*brk == '\r') {
      pending_cr_ = true;
    } else {
      end_line();
    }
  }
}

void YamlSplitter::take_head(char c) {
  head_[head_len_++] = c;
  if (!is_break(c) && head_len_ < sizeof head_) return;
  decide_line(false);
  if (c == '\n') end_line();
  if (c == '\r') pending_cr_ = true;
}

// Called once per line, when its first four bytes are known (or the line or the stream ended
// before): is it a marker line, and what becomes of its bytes.
void YamlSplitter::decide_line(bool at_end) {
  std::string_view head(head_, head_len_);
  bool marker = false;
  if (head_len_ == 3) {
    marker = at_end;
  } else if (head_len_ == 4) {
    char c = head_[3];
    marker = c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
  bool start = marker && head.substr(0, 3) == "---";
  bool stop = marker && head.substr(0, 3) == "...";
  if (start) {
    // The document so far (if any) ends before this line; one too large has already been
    // reported. Directives and comments before the first `---` belong to its document.
    if (state_ == State::Body) emit();
    state_ = State::Body;
    mode_ = LineMode::Keep;
  } else if (stop) {
    ends_document_ = state_ != State::Prefix;
    if (state_ == State::Body) {
      mode_ = LineMode::Keep;
    } else {
      // `...` with no document before it ends nothing; directives before it had no document.
      buf_.clear();
      line_start_ = 0;
      mode_ = LineMode::Drop;
    }
  } else {
    mode_ = state_ == State::Body ? LineMode::Keep : state_ == State::Skip ? LineMode::Drop : LineMode::Tentative;
  }
  if (mode_ == LineMode::Keep || mode_ == LineMode::Tentative) append(std::string_view(head_, head_len_));
}

// Bytes of the current line that are kept. A line between documents is kept tentatively until
// its first non-blank byte says whether it is content (a document starts), a directive, or a
// comment (dropped while no directive is kept, so a long preamble costs nothing).
void YamlSplitter::append(std::string_view bytes) {
  if (mode_ == LineMode::Tentative) {
    size_t i = 0;
    while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\t' || is_break(bytes[i]))) ++i;
    if (i < bytes.size()) {
      char c = bytes[i];
      size_t column = buf_.size() - line_start_ + i;
      if (c == '#' && line_start_ == 0) {
        buf_.clear();
        mode_ = LineMode::Drop;
        return;
      }
      if (c != '#' && !(c == '%' && column == 0)) state_ = State::Body;
      mode_ = LineMode::Keep;
    }
  }
  if (buf_.empty()) buf_line_ = line_;
  // Refused before the buffer grows past the limit (growing it first would double it).
  if (buf_.size() + bytes.size() > max_bytes_) {
    refuse_document();
    return;
  }
  buf_.append(bytes);
}

void YamlSplitter::end_line() {
  if (mode_ == LineMode::Tentative && line_start_ == 0) buf_.clear();  // a blank line: dropped
  if (ends_document_) {
    if (state_ == State::Body) emit();
    state_ = State::Prefix;
    ends_document_ = false;
  }
  ++line_;
  line_start_ = buf_.size();
  head_len_ = 0;
  mode_ = LineMode::Undecided;
}

void YamlSplitter::emit() {
  YamlDocument doc;
  doc.text = std::move(buf_);
  doc.line = buf_line_;
  ready_.push_back(std::move(doc));
  buf_.clear();
  line_start_ = 0;
}

void YamlSplitter::refuse_document() {
  YamlDocument doc;
  doc.line = buf_line_;
  doc.error = DecodeError{"", yaml::too_large_message(buf_line_, max_bytes_)};
  ready_.push_back(std::move(doc));
  std::string().swap(buf_);  // gives the memory back: the next document may be small
  line_start_ = 0;
  state_ = State::Skip;
  mode_ = LineMode::Drop;
}

}  // namespace proviso::records

// read_document: libyaml's events (yaml_parser_parse) into a yaml::Tree, with the limits on
// nesting, values and alias expansion checked at each event, so a refused document costs no
// more than the events read before the refusal.
#include "compiler/records/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>

#include "compiler/records/yaml_flow_scan.h"

namespace proviso::records::yaml {

namespace {

constexpr uint32_t kMaxArena = std::numeric_limits<uint32_t>::max();

// libyaml's C objects, released on every path.
struct Parser {
  yaml_parser_t p{};
  bool ok = false;
  Parser() { ok = yaml_parser_initialize(&p) != 0; }
  ~Parser() {
    if (ok) yaml_parser_delete(&p);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

struct Event {
  yaml_event_t e{};
  bool set = false;
  ~Event() {
    if (set) yaml_event_delete(&e);
  }
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
};

std::string_view chars(const yaml_char_t* s) { return s ? std::string_view(reinterpret_cast<const char*>(s)) : ""; }

// Anchor names come from the input: keep messages short.
std::string short_name(std::string_view name) {
  return name.size() > 64 ? std::string(name.substr(0, 61)) + "..." : std::string(name);
}

uint32_t saturate(uint64_t n) { return n > kMaxArena ? kMaxArena : static_cast<uint32_t>(n); }

}  // namespace

// One read: the state that lives for one document only; the buffers are the DocumentReader's.
class EventReader {
 public:
  EventReader(std::string_view text, size_t first_line, const Limits& limits, DocumentReader& r)
      : text_(text), first_line_(first_line), limits_(limits), tree_(r.tree_), stack_(r.stack_), pending_(r.pending_),
        anchors_(r.anchors_), tag_ids_(r.tag_ids_) {}

  std::optional<std::string> run() {
    Parser parser;
    if (!parser.ok) return std::string("invalid YAML: the YAML parser could not start");
    yaml_parser_set_input_string(&parser.p, reinterpret_cast<const unsigned char*>(text_.data()), text_.size());
    // The splitter works on UTF-8 bytes; a UTF-16 stream is refused rather than misread.
    yaml_parser_set_encoding(&parser.p, YAML_UTF8_ENCODING);
    for (;;) {
      Event ev;
      if (!yaml_parser_parse(&parser.p, &ev.e)) return syntax_error(parser.p);
      ev.set = true;
      if (ev.e.type == YAML_STREAM_END_EVENT) break;
      if (!on_event(ev.e)) return std::move(error_);
    }
    return std::nullopt;
  }

 private:
  using Frame = DocumentReader::Frame;

  size_t line_of(const yaml_mark_t& m) const { return first_line_ + m.line; }

  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }
  bool invalid(const yaml_mark_t& m, std::string_view problem) {
    return fail(fmt::format("invalid YAML at line {}, column {}: {}", line_of(m), m.column + 1, problem));
  }

  std::optional<std::string> syntax_error(const yaml_parser_t& p) const {
    size_t line = 0, column = 0;
    if (p.error == YAML_READER_ERROR) {
      // Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark.
      size_t offset = std::min(p.problem_offset, text_.size());
      size_t line_begin = 0;
      for (size_t i = 0; i < offset; ++i) {
        bool cr_lf = text_[i] == '\r' && i + 1 < text_.size() && text_[i + 1] == '\n';
        if ((text_[i] == '\n' || text_[i] == '\r') && !cr_lf) {
          ++line;
          line_begin = i + 1;
        }
      }
      column = offset - line_begin;
    } else {
      const yaml_mark_t& m = p.problem ? p.problem_mark : p.context_mark;
      line = m.line;
      column = m.column;
    }
    const char* problem = p.problem ? p.problem : p.error == YAML_MEMORY_ERROR ? "out of memory" : "unreadable YAML";
    return fmt::format("invalid YAML at line {}, column {}: {}", first_line_ + line, column + 1, problem);
  }

  bool on_event(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (tree_.has_document) return invalid(e.start_mark, "a second document starts here");
        tree_.has_document = true;
        return true;
      case YAML_SCALAR_EVENT: return scalar(e);
      case YAML_SEQUENCE_START_EVENT:
        return open(e, NodeType::Sequence, e.data.sequence_start.anchor, e.data.sequence_start.tag);
      case YAML_MAPPING_START_EVENT:
        return open(e, NodeType::Mapping, e.data.mapping_start.anchor, e.data.mapping_start.tag);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: return close();
      case YAML_ALIAS_EVENT: return alias(e);
      default: return true;  // stream start, document end
    }
  }

  // A new node: counted against the values limit unless it is a key.
  bool new_node(const yaml_event_t& e, NodeType type, const yaml_char_t* anchor, const yaml_char_t* tag,
                uint32_t* index) {
    if (tree_.nodes.size() >= kMaxArena) return fail("input too large for the YAML reader");
    bool key = !stack_.empty() && tree_.nodes[stack_.back().node].type == NodeType::Mapping &&
               (pending_.size() - stack_.back().first_child) % 2 == 0;
    if (!key && ++values_ > limits_.max_values)
      return fail(fmt::format("input too large: more than {} values", limits_.max_values));
    Node n;
    n.type = type;
    n.line = saturate(e.start_mark.line);
    n.tag = intern_tag(chars(tag));
    *index = static_cast<uint32_t>(tree_.nodes.size());
    tree_.nodes.push_back(n);
    if (anchor) anchors_[std::string(chars(anchor))] = *index;  // a later anchor of the same name wins
    return true;
  }

  uint32_t intern_tag(std::string_view tag) {
    if (tag.empty()) return 0;
    auto [it, added] = tag_ids_.try_emplace(std::string(tag), static_cast<uint32_t>(tree_.tags.size()));
    if (added) tree_.tags.emplace_back(tag);
    return it->second;
  }

  // The node as the root or the next child of the open collection.
  void attach(uint32_t index) {
    if (stack_.empty()) {
      tree_.root = index;
    } else {
      pending_.push_back(index);
    }
  }

  bool scalar(const yaml_event_t& e) {
    const auto& s = e.data.scalar;
    if (tree_.text.size() + s.length > kMaxArena) return fail("input too large for the YAML reader");
    uint32_t index = 0;
    if (!new_node(e, NodeType::Scalar, s.anchor, s.tag, &index)) return false;
    Node& n = tree_.nodes[index];
    switch (s.style) {
      case YAML_SINGLE_QUOTED_SCALAR_STYLE: n.style = ScalarStyle::SingleQuoted; break;
      case YAML_DOUBLE_QUOTED_SCALAR_STYLE: n.style = ScalarStyle::DoubleQuoted; break;
      case YAML_LITERAL_SCALAR_STYLE: n.style = ScalarStyle::Literal; break;
      case YAML_FOLDED_SCALAR_STYLE: n.style = ScalarStyle::Folded; break;
      default: n.style = ScalarStyle::Plain; break;
    }
    n.begin = static_cast<uint32_t>(tree_.text.size());
    n.size = static_cast<uint32_t>(s.length);
    n.expanded = 1;
    if (s.length > 0) tree_.text.append(reinterpret_cast<const char*>(s.value), s.length);
    attach(index);
    return true;
  }

  bool open(const yaml_event_t& e, NodeType type, const yaml_char_t* anchor, const yaml_char_t* tag) {
    // The top-level mapping holds the inputs: values below it may nest max_depth levels.
    if (stack_.size() >= limits_.max_depth + 1)
      return fail(fmt::format("nesting deeper than {} levels (line {})", limits_.max_depth, line_of(e.start_mark)));
    uint32_t index = 0;
    if (!new_node(e, type, anchor, tag, &index)) return false;
    attach(index);
    stack_.push_back(Frame{index, pending_.size()});
    return true;
  }

  bool close() {
    Frame f = stack_.back();
    stack_.pop_back();
    Node& n = tree_.nodes[f.node];
    if (tree_.children.size() >= kMaxArena - (pending_.size() - f.first_child))
      return fail("input too large for the YAML reader");
    n.begin = static_cast<uint32_t>(tree_.children.size());
    n.size = static_cast<uint32_t>(pending_.size() - f.first_child);
    uint64_t expanded = 1;
    for (size_t i = f.first_child; i < pending_.size(); ++i) expanded += tree_.nodes[pending_[i]].expanded;
    n.expanded = saturate(expanded);
    tree_.children.insert(tree_.children.end(), pending_.begin() + static_cast<std::ptrdiff_t>(f.first_child),
                          pending_.end());
    pending_.resize(f.first_child);
    return true;
  }

  // An alias is its anchored node again: it costs that node's expanded size, counted before
  // anything is expanded, so `billion laughs` stops at the first alias past the limit.
  bool alias(const yaml_event_t& e) {
    std::string_view name = chars(e.data.alias.anchor);
    auto it = anchors_.find(std::string(name));
    if (it == anchors_.end()) return invalid(e.start_mark, fmt::format("unknown anchor `{}`", short_name(name)));
    const Node& target = tree_.nodes[it->second];
    if (target.expanded == 0)
      return invalid(e.start_mark, fmt::format("anchor `{}` is used inside its own node", short_name(name)));
    alias_values_ += target.expanded;
    if (alias_values_ > limits_.max_alias_values)
      return fail(fmt::format("aliases expand to more than {} values (line {})", limits_.max_alias_values,
                              line_of(e.start_mark)));
    attach(it->second);
    return true;
  }

  std::string_view text_;
  size_t first_line_;
  const Limits& limits_;
  Tree& tree_;
  std::vector<Frame>& stack_;
  std::vector<uint32_t>& pending_;
  std::unordered_map<std::string, uint32_t>& anchors_;
  std::unordered_map<std::string, uint32_t>& tag_ids_;
  std::string error_;
  size_t values_ = 0;
  uint64_t alias_values_ = 0;
};

bool Tree::forced_string(const Node& n) const {
  if (n.style != ScalarStyle::Plain) return true;
  std::string_view t = tag(n);
  return t == "!" || t == "tag:yaml.org,2002:str";
}

bool Tree::is_null(const Node& n) const {
  if (n.type != NodeType::Scalar || forced_string(n)) return false;
  std::string_view s = scalar(n);
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

void Tree::clear() {
  nodes.clear();
  children.clear();
  text.clear();
  tags.assign(1, std::string());
  root = 0;
  has_document = false;
}

std::optional<std::string> DocumentReader::read(std::string_view text, size_t first_line, const Limits& limits) {
  // The buffers of a large document are not kept for the small ones that usually follow.
  constexpr size_t kKeep = size_t{1} << 16;
  if (tree_.nodes.capacity() > kKeep || tree_.children.capacity() > kKeep || tree_.text.capacity() > 16 * kKeep ||
      pending_.capacity() > kKeep || anchors_.size() > kKeep || tag_ids_.size() > kKeep) {
    tree_ = Tree();
    pending_ = {};
    anchors_ = {};
    tag_ids_ = {};
  }
  tree_.clear();
  stack_.clear();
  pending_.clear();
  anchors_.clear();
  tag_ids_.clear();
  FlowNesting nesting = scan_flow_nesting(text, limits.max_depth + 1);
  if (nesting.too_deep)
    return fmt::format("nesting deeper than {} levels (line {})", limits.max_depth, first_line + nesting.line);
  return EventReader(text, first_line, limits, *this).run();
}

std::string too_large_message(size_t line, size_t limit_bytes) {
  constexpr size_t kMiB = size_t{1} << 20;
  std::string size =
      limit_bytes % kMiB == 0 ? fmt::format("{} MiB", limit_bytes / kMiB) : fmt::format("{} bytes", limit_bytes);
  return fmt::format("document at line {} is larger than {}", line, size);
}

}  // namespace proviso::records::yaml

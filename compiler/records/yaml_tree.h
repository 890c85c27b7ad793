// Internal to compiler/records: one YAML document read with libyaml's event parser into a small
// tree (an arena of nodes), checking the limits while it reads. Aliases stay references to their
// anchored node, and each node knows its size with aliases expanded, so an alias costs what it
// expands to without being expanded.
// Takes: the text of one document (from YamlSplitter) and its first line in the stream.
// Gives: the tree, or one message: `invalid YAML at line L, column C: <libyaml's problem>` or a
// limit (`nesting deeper than 64 levels (line L)`), with lines counted in the whole stream.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/records/decode.h"

namespace proviso::records::yaml {

enum class NodeType : uint8_t { Scalar, Sequence, Mapping };
enum class ScalarStyle : uint8_t { Plain, SingleQuoted, DoubleQuoted, Literal, Folded };

// 24 bytes: a document may hold millions of nodes.
struct Node {
  uint32_t begin = 0;     // Scalar: offset of its text in Tree::text; else first child in Tree::children
  uint32_t size = 0;      // Scalar: bytes of text; Sequence: items; Mapping: 2 per entry (key, value)
  uint32_t line = 0;      // 0-based, in the document's text
  uint32_t tag = 0;       // index in Tree::tags; 0: no tag
  uint32_t expanded = 0;  // nodes in the subtree with aliases expanded (saturates); 0 while open
  NodeType type = NodeType::Scalar;
  ScalarStyle style = ScalarStyle::Plain;
};
static_assert(sizeof(Node) <= 24);

struct Tree {
  std::vector<Node> nodes;
  std::vector<uint32_t> children;                // node indices; an alias is the index of its anchored node
  std::string text;                              // scalar texts, back to back
  std::vector<std::string> tags{std::string()};  // tags[0]: no tag
  uint32_t root = 0;
  bool has_document = false;  // false for text with no document (only comments)

  const Node& node(uint32_t i) const { return nodes[i]; }
  std::string_view scalar(const Node& n) const { return std::string_view(text).substr(n.begin, n.size); }
  std::string_view tag(const Node& n) const { return tags[n.tag]; }
  const uint32_t* child_begin(const Node& n) const { return children.data() + n.begin; }
  // Quoted and block scalars, and scalars tagged `!` or `!!str`, are strings whatever their text.
  bool forced_string(const Node& n) const;
  // A plain, untagged scalar that reads as null in YAML's core schema (`~`, `null`, empty).
  bool is_null(const Node& n) const;
  void clear();
};

// Reads documents one at a time into its tree, keeping its buffers from one to the next (a
// Decoder keeps one: a stream may hold millions of small documents).
class DocumentReader {
 public:
  // Reads the one document in `text` (a second `---` in it is an error), after refusing flow
  // nesting past limits.max_depth from the text alone (scan_flow_nesting). Gives the message
  // when the document is refused; tree() is then incomplete.
  std::optional<std::string> read(std::string_view text, size_t first_line, const Limits& limits);
  const Tree& tree() const { return tree_; }

 private:
  friend class EventReader;
  struct Frame {
    uint32_t node;
    size_t first_child;  // in pending_
  };
  Tree tree_;
  std::vector<Frame> stack_;
  std::vector<uint32_t> pending_;  // children of the open collections, innermost last
  std::unordered_map<std::string, uint32_t> anchors_;
  std::unordered_map<std::string, uint32_t> tag_ids_;
};

// `document at line 12 is larger than 64 MiB`.
std::string too_large_message(size_t line, size_t limit_bytes);

}  // namespace proviso::records::yaml

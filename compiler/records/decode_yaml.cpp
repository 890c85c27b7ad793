// YAML decoding: each document of the stream read into a yaml::Tree (libyaml events), then the
// same walk and rules as JSON. Plain scalars are typed as in YAML's core schema restricted to
// JSON's forms (true/false, JSON numbers, null/~/empty); quoted and block scalars are strings.
#include "compiler/records/walker.h"
#include "compiler/records/yaml_stream.h"
#include "compiler/records/yaml_tree.h"

namespace proviso::records {
namespace {

using detail::NodeKind;

struct YamlVal {
  uint32_t index;
};

// The walker's Source over a yaml::Tree. The tree is complete and valid by the time it is
// walked, so the only errors found here are keys that are not names.
struct YamlSource {
  const yaml::Tree& tree;
  size_t first_line;
  std::string error;

  std::string syntax_error() const { return error.empty() ? "invalid YAML" : error; }

  const yaml::Node& node(const YamlVal& v) const { return tree.node(v.index); }

  NodeKind kind(YamlVal& v) {
    const yaml::Node& n = node(v);
    switch (n.type) {
      case yaml::NodeType::Sequence: return NodeKind::Array;
      case yaml::NodeType::Mapping: return NodeKind::Object;
      case yaml::NodeType::Scalar: break;
    }
    if (tree.forced_string(n)) return NodeKind::String;
    if (tree.is_null(n)) return NodeKind::Null;
    std::string_view s = tree.scalar(n);
    if (s == "true" || s == "false" || s == "True" || s == "False" || s == "TRUE" || s == "FALSE")
      return NodeKind::Bool;
    if (is_json_number(s)) return NodeKind::Number;
    return NodeKind::String;
  }
  bool null(YamlVal&) { return true; }
  bool boolean(YamlVal& v, bool& b) {
    std::string_view s = tree.scalar(node(v));
    b = s == "true" || s == "True" || s == "TRUE";
    return true;
  }
  bool number(YamlVal& v, std::string_view& s) {
    s = tree.scalar(node(v));
    return true;
  }
  bool string(YamlVal& v, std::string_view& s) {
    s = tree.scalar(node(v));
    return true;
  }
  template <class F>
  bool fields(YamlVal& v, F&& f) {
    const yaml::Node& n = node(v);
    const uint32_t* c = tree.child_begin(n);
    for (uint32_t i = 0; i + 1 < n.size; i += 2) {
      const yaml::Node& key = tree.node(c[i]);
      if (key.type != yaml::NodeType::Scalar || tree.is_null(key)) {
        error = fmt::format("a key must be a plain name (line {})", first_line + key.line);
        return false;
      }
      YamlVal child{c[i + 1]};
      if (!f(tree.scalar(key), child)) return false;
    }
    return true;
  }
  template <class F>
  bool elements(YamlVal& v, F&& f) {
    const yaml::Node& n = node(v);
    const uint32_t* c = tree.child_begin(n);
    for (uint32_t i = 0; i < n.size; ++i) {
      YamlVal child{c[i]};
      if (!f(child)) return false;
    }
    return true;
  }
};

}  // namespace

DecodeResult Decoder::decode_yaml_document(std::string_view text, size_t first_line) {
  return decode_values(schema_, [&](ir::ValueSink& sink) { return decode_yaml_document(text, first_line, sink); });
}

std::optional<DecodeError> Decoder::decode_yaml_document(std::string_view text, size_t first_line,
                                                         ir::ValueSink& sink) {
  auto failed = [](std::string message) { return DecodeError{"", std::move(message)}; };
  if (text.size() > limits_.max_input_bytes)
    return failed(yaml::too_large_message(first_line, limits_.max_input_bytes));
  if (!yaml_) yaml_ = std::make_unique<yaml::DocumentReader>();
  if (auto problem = yaml_->read(text, first_line, limits_)) return failed(std::move(*problem));
  const yaml::Tree& tree = yaml_->tree();
  if (!tree.has_document || tree.node(tree.root).type != yaml::NodeType::Mapping)
    return failed("expected a YAML mapping with the inputs");
  YamlSource src{tree, first_line, {}};
  detail::Walker<YamlSource> w(src, schema_, limits_);
  YamlVal root{tree.root};
  return w.decode_inputs(root, inputs_, sink);
}

std::vector<DecodeResult> Decoder::decode_yaml(std::string_view text) {
  std::vector<DecodeResult> out;
  YamlSplitter splitter(limits_);
  YamlDocument doc;
  auto drain = [&] {
    while (splitter.next(&doc)) {
      if (doc.error) {
        DecodeResult r;
        r.error = std::move(doc.error);
        out.push_back(std::move(r));
      } else {
        out.push_back(decode_yaml_document(doc.text, doc.line));
      }
    }
  };
  // Fed in slices and drained after each, so that the splitter holds one document at a time.
  constexpr size_t kSlice = size_t{1} << 20;
  for (size_t at = 0; at < text.size(); at += kSlice) {
    splitter.feed(text.substr(at, kSlice));
    drain();
  }
  splitter.finish();
  drain();
  return out;
}

}  // namespace proviso::records

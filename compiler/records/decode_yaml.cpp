// YAML decoding (yaml-cpp): the same walk and rules as JSON. Plain scalars are typed as in
// YAML's core schema restricted to JSON's forms (true/false, JSON numbers, null/~/empty);
// quoted scalars are always strings.
#include <optional>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "compiler/records/walker.h"

namespace proviso::records {
namespace {

using detail::NodeKind;

struct YamlSource {
  std::string error;

  std::string syntax_error() const { return error.empty() ? "invalid YAML" : error; }

  static bool is_quoted(const YAML::Node& n) {
    const std::string& tag = n.Tag();
    return tag == "!" || tag == "tag:yaml.org,2002:str" || tag == "!!str";
  }

  NodeKind kind(const YAML::Node& n) {
    switch (n.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined: return NodeKind::Null;
      case YAML::NodeType::Sequence: return NodeKind::Array;
      case YAML::NodeType::Map: return NodeKind::Object;
      case YAML::NodeType::Scalar: {
        if (is_quoted(n)) return NodeKind::String;
        const std::string& s = n.Scalar();
        if (s == "true" || s == "false" || s == "True" || s == "False" || s == "TRUE" || s == "FALSE")
          return NodeKind::Bool;
        if (s == "null" || s == "Null" || s == "NULL" || s == "~") return NodeKind::Null;
        if (is_json_number(s)) return NodeKind::Number;
        return NodeKind::String;
      }
    }
    return NodeKind::Invalid;
  }
  bool null(const YAML::Node&) { return true; }
  bool boolean(const YAML::Node& n, bool& b) {
    const std::string& s = n.Scalar();
    b = s == "true" || s == "True" || s == "TRUE";
    return true;
  }
  bool number(const YAML::Node& n, std::string_view& s) {
    s = n.Scalar();
    return true;
  }
  bool string(const YAML::Node& n, std::string_view& s) {
    s = n.Scalar();
    return true;
  }
  template <class F>
  bool fields(const YAML::Node& n, F&& f) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar()) {
        error = fmt::format("a key must be a plain name (line {})", it->first.Mark().line + 1);
        return false;
      }
      const std::string& key = it->first.Scalar();
      YAML::Node child = it->second;
      if (!f(std::string_view(key), child)) return false;
    }
    return true;
  }
  template <class F>
  bool elements(const YAML::Node& n, F&& f) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      YAML::Node child = *it;
      if (!f(child)) return false;
    }
    return true;
  }
};

std::string lower_first(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// yaml-cpp 0.7 never returns from LoadAll when a document's first content starts with `,`
// (found by the decode fuzzer: a single `,` hangs it). Such a document is invalid YAML anyway
// (`,` is a flow indicator), so it is refused here with its line and column.
std::optional<std::string> leading_flow_comma(std::string_view text) {
  bool at_document_start = true;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    ++line_no;
    size_t col = line.find_first_not_of(" \t\r");
    std::string_view rest = col == std::string_view::npos ? std::string_view{} : line.substr(col);
    if (col == 0 && (rest.substr(0, 3) == "---" || rest.substr(0, 3) == "...")) {
      at_document_start = true;
      // content may follow the marker on the same line
      size_t after = rest.find_first_not_of(" \t\r", 3);
      if (after != std::string_view::npos && rest[after] != '#') {
        if (rest[after] == ',') return fmt::format("invalid YAML at line {}, column {}: a value cannot start with `,`", line_no, after + 1);
        at_document_start = false;
      }
    } else if (!rest.empty() && rest[0] != '#' && !(col == 0 && rest[0] == '%') && at_document_start) {
      if (rest[0] == ',') return fmt::format("invalid YAML at line {}, column {}: a value cannot start with `,`", line_no, col + 1);
      at_document_start = false;
    }
    if (end == text.size()) break;
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::vector<DecodeResult> Decoder::decode_yaml(std::string_view text) {
  std::vector<DecodeResult> out;
  auto fail = [&](std::string message) {
    out.clear();
    DecodeResult r;
    r.error = DecodeError{"", std::move(message)};
    out.push_back(std::move(r));
    return out;
  };
  if (text.size() > limits_.max_input_bytes)
    return fail(fmt::format("input larger than {} MiB", limits_.max_input_bytes >> 20));
  if (auto problem = leading_flow_comma(text)) return fail(*problem);
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    return fail(fmt::format("invalid YAML: nesting deeper than {} levels", e.depth()));
  } catch (const YAML::Exception& e) {
    return fail(fmt::format("invalid YAML at line {}, column {}: {}", e.mark.line + 1, e.mark.column + 1,
                            lower_first(e.msg)));
  } catch (const std::exception& e) {
    return fail(std::string("invalid YAML: ") + e.what());
  }
  for (const YAML::Node& doc : docs) {
    YamlSource src;
    detail::Walker<YamlSource> w(src, schema_, limits_);
    if (!doc.IsMap()) {
      DecodeResult r;
      r.error = DecodeError{"", "expected a YAML mapping with the inputs"};
      out.push_back(std::move(r));
      continue;
    }
    try {
      out.push_back(w.decode_inputs(doc, inputs_));
    } catch (const YAML::Exception& e) {
      DecodeResult r;
      r.error = DecodeError{"", "invalid YAML: " + lower_first(e.msg)};
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace proviso::records

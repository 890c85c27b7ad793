// YAML decoding (yaml-cpp): the same walk and rules as JSON. Plain scalars are typed as in
// YAML's core schema restricted to JSON's forms (true/false, JSON numbers, null/~/empty);
// quoted scalars are always strings.
#include <optional>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>
#include <yaml.h>

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

// yaml-cpp 0.7 never returns from LoadAll on a `,` in block context that starts a line or
// follows a complete quoted or bracketed node, an anchor, an alias or a tag (the decode fuzzer
// found `,` alone, `"reinstatement",`, `&a,` and `!t ,`). Such text is invalid YAML anyway
// (`,` only separates flow items), so it is refused here with its line and column. Commas
// inside plain scalars (`a, b`), quotes and flow collections are left alone.
std::optional<std::string> stray_block_comma(std::string_view text) {
  size_t line = 1, col = 0;
  int flow_depth = 0;
  char last = '\n';      // the last character outside white space and comments, on this line
  char token_first = 0;  // the first character of the current run of non-blank characters
  char prev_first = 0;   // ... and of the run before it on this line
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    ++col;
    if (c == '\n') {
      ++line;
      col = 0;
      last = '\n';
      token_first = prev_first = 0;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      if (token_first != 0) prev_first = token_first;
      token_first = 0;
      continue;
    }
    if (token_first == 0) token_first = c;
    auto is_property = [](char f) { return f == '&' || f == '*' || f == '!'; };
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    bool token_start = i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n' ||
                       last == ':' || last == '-' || last == '?' || last == '[' || last == '{' || last == ',';
    if ((c == '"' || c == '\'') && token_start) {
      // skip the quoted scalar, which may span lines
      for (++i; i < text.size(); ++i) {
        if (text[i] == '\n') {
          ++line;
          col = 0;
        } else {
          ++col;
        }
        if (c == '"' && text[i] == '\\') {
          ++i;
          ++col;
          continue;
        }
        if (text[i] == c) {
          if (c == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
            ++i;
            ++col;
            continue;
          }
          break;
        }
      }
      last = c;
      continue;
    }
    if (c == '[' || c == '{') ++flow_depth;
    if ((c == ']' || c == '}') && flow_depth > 0) --flow_depth;
    if (c == ',' && flow_depth == 0 &&
        (last == '\n' || last == '"' || last == '\'' || last == ']' || last == '}' || last == '-' || last == '?' ||
         last == ':' || last == '&' || last == '*' || last == '!' || last == '|' || last == '>' ||
         // after an anchor, alias or tag (`&a,`, `!t ,`): a `,` ends its name, as in flow context
         is_property(token_first) || (token_first == ',' && is_property(prev_first)))) {
      return fmt::format("invalid YAML at line {}, column {}: `,` separates items only inside `[...]` or `{{...}}`",
                         line, col);
    }
    last = c;
  }
  return std::nullopt;
}

// yaml-cpp 0.7 has more hangs than the shapes above refuse (fuzzing keeps finding block-level
// commas in new guises). libyaml's parser is a state machine that has been fuzzed for years:
// text it rejects is invalid YAML, so it is refused with libyaml's message before yaml-cpp
// sees it. Gives the problem, or nothing when libyaml reads every event of the stream.
std::optional<std::string> libyaml_problem(std::string_view text) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return std::string("invalid YAML: the YAML parser could not start");
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::optional<std::string> problem;
  for (bool done = false; !done;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      const yaml_mark_t& mark = parser.problem ? parser.problem_mark : parser.context_mark;
      problem = fmt::format("invalid YAML at line {}, column {}: {}", mark.line + 1, mark.column + 1,
                            parser.problem ? parser.problem : "unreadable YAML");
      break;
    }
    done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  return problem;
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
  if (auto problem = stray_block_comma(text)) return fail(*problem);
  if (auto problem = libyaml_problem(text)) return fail(*problem);
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

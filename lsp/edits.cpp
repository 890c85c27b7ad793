// Diagnostics as the LSP carries them, their fixes as code actions, and formatting
// (features.h).
#include <fmt/format.h>

#include "compiler/format/formatter.h"
#include "lsp/features.h"

namespace proviso::lsp {

namespace {

// The LineMap of a diagnostic's file: the document's, or a module's own.
LineMap map_for(const Analysis& a, const LineMap& map, const SourcePtr& source, std::string* uri) {
  if (!source || source == a.source || source->path() == a.source->path()) {
    *uri = a.doc.uri;
    return map;
  }
  for (size_t f = 1; f < a.index.files.size(); ++f)
    if (a.index.files[f] == source) *uri = file_uri(a, static_cast<int>(f));
  return LineMap(source->text(), Encoding::Utf16);
}

Json diagnostic_json(const Diagnostic& d, const LineMap& map, const std::string& uri) {
  std::string tag = code_tag(d.code);  // "[P0017 unknown-name]"
  Json out{{"range", map.range(d.span)},
           {"severity", d.severity == Severity::Error ? 1 : 2},
           {"code", tag.substr(1, tag.find(' ') - 1)},
           {"source", "proviso"},
           {"message", d.help.empty() ? d.message : d.message + "\nhelp: " + d.help}};
  if (!d.related.empty()) {
    Json related = Json::array();
    for (const Related& r : d.related)
      related.push_back(Json{{"location", {{"uri", uri}, {"range", map.range(r.span)}}}, {"message", r.message}});
    out["relatedInformation"] = related;
  }
  if (d.code == Code::Unused) out["tags"] = {1};  // faded: unnecessary
  return out;
}

// The declarations of the names a problem is about (those used inside its span, at most three),
// as related information: where `covered` is declared, and its type, beside "`covered` is a
// `bool`, not an `integer`".
void add_declarations(const Analysis& a, const LineMap& map, const Diagnostic& d, Json& j) {
  if (d.severity != Severity::Error || d.span.size() == 0) return;
  std::vector<int32_t> named;
  for (const sema::Occurrence& o : a.index.occurrences) {
    if (o.file != 0 || o.declaration || o.span.begin < d.span.begin || o.span.end > d.span.end) continue;
    if (std::find(named.begin(), named.end(), o.entity) == named.end()) named.push_back(o.entity);
  }
  if (named.empty() || named.size() > 3) return;
  for (int32_t id : named) {
    const sema::Entity& e = a.index.entities[static_cast<size_t>(id)];
    std::string uri = file_uri(a, e.file);
    if (uri.empty() || e.span.size() == 0) continue;
    LineMap other = e.file == 0 ? map : LineMap(a.index.files[static_cast<size_t>(e.file)]->text(), Encoding::Utf16);
    std::string message = fmt::format("`{}` is declared here", e.name);
    if (!e.type.empty() && e.kind != sema::EntityKind::Member) message += fmt::format(" as `{}`", e.type);
    j["relatedInformation"].push_back(
        Json{{"location", {{"uri", uri}, {"range", other.range(e.span)}}}, {"message", message}});
  }
}

}  // namespace

std::vector<std::pair<std::string, Json>> diagnostics(const Analysis& a, const LineMap& map) {
  std::map<std::string, Json> by_uri;
  by_uri[a.doc.uri] = Json::array();
  for (const Diagnostic& d : a.compiled.diagnostics.items()) {
    std::string uri;
    LineMap m = map_for(a, map, d.source, &uri);
    if (uri.empty()) {
      // A standard module has no file to show it in: the problem goes on the document's start.
      Json j = diagnostic_json(d, m, a.doc.uri);
      j["range"] = map.range(Span{0, 0});
      j.erase("relatedInformation");
      by_uri[a.doc.uri].push_back(std::move(j));
      continue;
    }
    Json j = diagnostic_json(d, m, uri);
    if (uri == a.doc.uri) add_declarations(a, map, d, j);
    by_uri[uri].push_back(std::move(j));
  }
  // What no test reaches, faded (a hint tagged unnecessary), when the policy compiles.
  if (a.program()) {
    for (const driver::CoverageItem& item : coverage_of(a).items) {
      if (item.reached || item.file != 0) continue;
      by_uri[a.doc.uri].push_back(Json{{"range", map.range(item.span)},
                                       {"severity", 4},
                                       {"source", "proviso test --coverage"},
                                       {"message", item.what + " is reached by no test"},
                                       {"tags", {1}}});
    }
  }
  std::vector<std::pair<std::string, Json>> out;
  for (auto& [uri, list] : by_uri) out.emplace_back(uri, std::move(list));
  return out;
}

Json code_actions(const Analysis& a, const LineMap& map, Span range) {
  Json out = Json::array();
  for (const Diagnostic& d : a.compiled.diagnostics.items()) {
    if (d.fixes.empty() || (d.source && d.source != a.source && d.source->path() != a.source->path())) continue;
    if (d.span.end < range.begin || d.span.begin > range.end) continue;
    std::string title;
    if (d.help.rfind("did you mean `", 0) == 0 && d.fixes.size() == 1) {
      title = fmt::format("Change to `{}`", d.fixes[0].replacement);
    } else if (!d.help.empty()) {
      title = "Fix: " + d.help;
    } else {
      title = "Fix: " + d.message;
    }
    if (title.size() > 100) title = title.substr(0, 97) + "...";
    Json edits = Json::array();
    bool placeholders = false;
    for (const Fix& f : d.fixes) {
      edits.push_back(Json{{"range", map.range(f.span)}, {"newText", f.replacement}});
      placeholders |= f.applicability == Applicability::HasPlaceholders;
    }
    out.push_back(Json{{"title", title},
                       {"kind", "quickfix"},
                       {"diagnostics", {diagnostic_json(d, map, a.doc.uri)}},
                       {"isPreferred", !placeholders},
                       {"edit", {{"changes", {{a.doc.uri, edits}}}}}});
  }
  return out;
}

namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size() - 1;
    lines.push_back(text.substr(start, end + 1 - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

Json formatting(const Analysis& a, const LineMap& map, std::optional<Span> range) {
  format::FormatResult f = format::format_source(a.source);
  if (!f.ok) throw RequestError("cannot format: " + f.error);
  Json edits = Json::array();
  const std::string& old = a.doc.text;
  if (f.text == old) return edits;
  if (!range) {
    edits.push_back(Json{{"range", map.range(Span{0, static_cast<uint32_t>(old.size())})}, {"newText", f.text}});
    return edits;
  }
  // The changed hunks of a line diff (longest common subsequence), those that touch the range.
  std::vector<std::string_view> a_lines = lines_of(old), b_lines = lines_of(f.text);
  size_t n = a_lines.size(), m = b_lines.size();
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a_lines[i] == b_lines[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::vector<uint32_t> a_start(n + 1, 0);
  for (size_t i = 0; i < n; ++i) a_start[i + 1] = a_start[i] + static_cast<uint32_t>(a_lines[i].size());
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a_lines[i] == b_lines[j]) {
      ++i, ++j;
      continue;
    }
    size_t i0 = i, j0 = j;
    while ((i < n || j < m) && !(i < n && j < m && a_lines[i] == b_lines[j])) {
      if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
        ++j;
      } else {
        ++i;
      }
    }
    Span hunk{a_start[i0], a_start[i]};
    if (hunk.end >= range->begin && hunk.begin <= range->end) {
      std::string text;
      for (size_t k = j0; k < j; ++k) text += b_lines[k];
      edits.push_back(Json{{"range", map.range(hunk)}, {"newText", text}});
    }
  }
  return edits;
}

}  // namespace proviso::lsp

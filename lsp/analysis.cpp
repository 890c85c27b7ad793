// Analysing a document (analysis.h).
#include "lsp/analysis.h"

#include <chrono>
#include <filesystem>

namespace proviso::lsp {

std::shared_ptr<const Analysis> analyse(const Document& doc) {
  auto start = std::chrono::steady_clock::now();
  auto a = std::make_shared<Analysis>();
  a->doc = doc;
  a->source = std::make_shared<const SourceFile>(doc.path, doc.text);
  a->parsed = syntax::parse(a->source);
  driver::ImportOptions imports;
  if (doc.uri.rfind("file://", 0) == 0) imports.base_dir = std::filesystem::path(doc.path).parent_path().string();
  a->compiled = driver::compile_parsed(a->parsed, imports, &a->index);
  a->milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return a;
}

const driver::Coverage& coverage_of(const Analysis& a) {
  if (!a.coverage) a.coverage = driver::measure_coverage(*a.program());
  return *a.coverage;
}

int32_t Analysis::entity_at(uint32_t offset, Span* where) const {
  int32_t best = -1;
  Span best_span{0, UINT32_MAX};
  for (const sema::Occurrence& o : index.occurrences) {
    if (o.file != 0 || offset < o.span.begin || offset > o.span.end) continue;
    if (o.span.size() < best_span.size()) {
      best = o.entity;
      best_span = o.span;
    }
  }
  if (where && best >= 0) *where = best_span;
  return best;
}

std::string file_uri(const Analysis& a, int file) {
  if (file == 0) return a.doc.uri;
  if (file < 0 || static_cast<size_t>(file) >= a.index.files.size() || !a.index.files[file]) return "";
  const std::string& path = a.index.files[file]->path();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return "";
  return path_to_uri(std::filesystem::absolute(path, ec).string());
}

}  // namespace proviso::lsp

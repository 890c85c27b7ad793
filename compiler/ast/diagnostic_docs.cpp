// Finding a code's entry in the built-in docs/DIAGNOSTICS.md.
#include "compiler/ast/diagnostic_docs.h"

#include <string>

namespace proviso {

std::string_view diagnostic_entry(Code code) {
  std::string_view doc = diagnostics_doc();
  std::string heading = "\n## " + code_id(code) + " ";
  size_t begin = doc.find(heading);
  if (begin == std::string_view::npos) return {};
  ++begin;  // past the line break before the heading
  size_t end = doc.find("\n## ", begin);
  std::string_view entry = doc.substr(begin, end == std::string_view::npos ? doc.size() - begin : end + 1 - begin);
  while (entry.size() > 1 && entry[entry.size() - 1] == '\n' && entry[entry.size() - 2] == '\n') entry.remove_suffix(1);
  return entry;
}

}  // namespace proviso

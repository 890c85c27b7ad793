// Each evaluation-error message is written once in the tree: the interpreter and the JIT take
// them from compiler/ir/eval_messages.h, and the runtime's shared ones from runtime/, so the
// engines cannot drift apart in wording. Scans the code (not comments) of the evaluating
// parts of compiler/, of runtime/ and of tools/.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include <catch2/catch.hpp>

namespace fs = std::filesystem;

namespace {

std::string source_dir() {
  const char* d = std::getenv("PROVISO_SOURCE_DIR");
  return d ? d : PROVISO_SOURCE_DIR;
}

// The file without its `//` comments (comments may quote a message).
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::string out, line;
  while (std::getline(in, line)) {
    size_t comment = line.find("//");
    out += line.substr(0, comment) + "\n";
  }
  return out;
}

// Every source file of the engines, by path relative to the source directory.
std::map<std::string, std::string> sources() {
  std::map<std::string, std::string> out;
  // The evaluating parts of the tree (the checker's compile-time diagnostics are another
  // matter, and may use the same words).
  for (const char* dir : {"compiler/interp", "compiler/jit", "compiler/ir", "compiler/records", "compiler/explain",
                          "compiler/driver", "runtime", "tools"})
    for (const auto& e : fs::recursive_directory_iterator(source_dir() + "/" + dir)) {
      auto ext = e.path().extension();
      if (ext == ".cpp" || ext == ".h") out[fs::relative(e.path(), source_dir()).string()] = slurp(e.path());
    }
  return out;
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("every evaluation-error message is written once") {
  auto files = sources();
  std::string table = files.at("compiler/ir/eval_messages.h");
  // The string literals of the table, cut at `{}` placeholders into the fixed parts.
  std::vector<std::string> pieces;
  std::regex literal("\"((?:[^\"\\\\]|\\\\.)*)\"");
  for (auto it = std::sregex_iterator(table.begin(), table.end(), literal); it != std::sregex_iterator(); ++it) {
    std::string text = (*it)[1];
    size_t from = 0;
    while (from <= text.size()) {
      size_t hole = text.find("{}", from);
      std::string piece = text.substr(from, hole == std::string::npos ? std::string::npos : hole - from);
      if (piece.size() >= 12) pieces.push_back(piece);
      if (hole == std::string::npos) break;
      from = hole + 2;
    }
  }
  REQUIRE(pieces.size() >= 15);
  // Messages that the runtime gives both engines.
  for (const char* runtime : {"this working time overflows", "working time cannot be negative",
                              "cannot compare {} with {}", "currency mismatch: cannot"})
    pieces.emplace_back(runtime);
  for (const std::string& piece : pieces) {
    size_t total = 0;
    std::string where;
    for (const auto& [path, text] : files) {
      size_t n = count(text, piece);
      if (n == 0) continue;
      total += n;
      where += " " + path;
    }
    INFO("\"" << piece << "\" found in" << where);
    CHECK(total == 1u);
  }
}

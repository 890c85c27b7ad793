// The registry of built-in functions (compiler/sema/builtins.h) agrees with itself, with the
// IR's operation table and with the documentation users read.
#include <fstream>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "compiler/ir/ops.h"
#include "compiler/sema/builtins.h"

namespace {

std::string read_doc(const std::string& name) {
  const char* d = std::getenv("PROVISO_SOURCE_DIR");
  std::ifstream in(std::string(d ? d : PROVISO_SOURCE_DIR) + "/docs/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

using proviso::sema::detail::Builtin;
using proviso::sema::detail::builtins;
using proviso::sema::detail::find_builtin;
using proviso::sema::detail::kVariadic;

TEST_CASE("every builtin row is well formed and found by its name", "[builtins]") {
  std::set<std::string_view> names;
  REQUIRE(builtins().size() == 30);
  for (const Builtin& b : builtins()) {
    INFO(b.name);
    CHECK(names.insert(b.name).second);
    CHECK(b.signature.starts_with(std::string(b.name) + "("));
    CHECK(b.min_args >= 1);
    CHECK((b.max_args == kVariadic || b.min_args <= b.max_args));
    // ExprChecker::argument_as names arguments "first" to "fourth".
    CHECK((b.max_args == kVariadic || b.max_args <= 4));
    CHECK(b.rule != nullptr);
    CHECK(proviso::ir::op_info(b.op).op == b.op);
    CHECK(find_builtin(b.name) == &b);
  }
  CHECK(find_builtin("sum") == nullptr);
  CHECK(find_builtin("") == nullptr);
}

TEST_CASE("the docs list every builtin", "[builtins]") {
  std::string language = read_doc("LANGUAGE.md");
  std::string diagnostics = read_doc("DIAGNOSTICS.md");
  REQUIRE(!language.empty());
  size_t p0022 = diagnostics.find("## P0022");
  REQUIRE(p0022 != std::string::npos);
  std::string unknown_function = diagnostics.substr(p0022, diagnostics.find("## P0023") - p0022);
  for (const Builtin& b : builtins()) {
    INFO(b.name);
    CHECK(language.find("`" + std::string(b.signature) + "`") != std::string::npos);
    CHECK(unknown_function.find("`" + std::string(b.name) + "`") != std::string::npos);
  }
}

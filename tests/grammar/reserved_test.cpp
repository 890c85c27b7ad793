// syntax::is_reserved_word: the grammar's own rule says which words cannot name a declaration
// (the language server refuses a rename to one).
#include <catch2/catch.hpp>

#include "grammar/parser.h"

using proviso::syntax::is_reserved_word;

TEST_CASE("reserved words: the grammar's keywords, whole words only") {
  for (const char* w : {"policy", "decision", "if", "none", "true", "with", "hit", "schedule", "present"})
    CHECK(is_reserved_word(w));
  // `exclusions` starts a declaration but may be a name (LANGUAGE.md's own example uses it).
  for (const char* w : {"exclusions", "covered", "ifs", "decisions", "If", "", "if x"})
    CHECK_FALSE(is_reserved_word(w));
}

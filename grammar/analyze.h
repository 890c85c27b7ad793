// PEGTL's static check of the grammar (left recursion, loops that match nothing), run by the
// unit tests, which do not see PEGTL.
#pragma once
#include <cstddef>

namespace proviso::syntax {

// The number of problems analyze<>() finds in the grammar: 0 when it is sound.
size_t analyze_grammar(bool verbose);

}  // namespace proviso::syntax

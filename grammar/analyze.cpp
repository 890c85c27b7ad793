// Runs PEGTL's analyze<>() over the whole grammar.
#include "grammar/analyze.h"

#include <tao/pegtl/contrib/analyze.hpp>

#include "grammar/grammar.h"

namespace proviso::syntax {

size_t analyze_grammar(bool verbose) { return tao::pegtl::analyze<grammar::file>(verbose ? 1 : 0); }

}  // namespace proviso::syntax

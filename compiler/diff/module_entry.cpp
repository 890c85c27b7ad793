// The entry of the module libproviso-diff.so (compiler/diff/module_loader.cpp loads it): the
// comparison with Z3, called by the `proviso` command, which does not link Z3 itself.
#include "compiler/diff/diff.h"

extern "C" void proviso_diff_module_compare(const proviso::ir::Program& old_program,
                                            const proviso::ir::Program& new_program,
                                            const proviso::diff::Options& options, proviso::diff::Report* out) {
  *out = proviso::diff::compare(old_program, new_program, options);
}

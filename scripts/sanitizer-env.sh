# Sourced by the CI scripts: sanitizer options, so that any report stops the process with a
# failure. (ccache sharing across clones is set up by the top-level CMakeLists.txt.)
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

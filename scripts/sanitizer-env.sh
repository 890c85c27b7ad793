# Sourced by the CI scripts: sanitizer options, so that any report stops the process with a
# failure. (ccache sharing across clones is set up by the top-level CMakeLists.txt.)
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
# Sanitizer frames are 10 to 20 times larger than normal ones: the deepest recursion the limits
# allow (docs/LIMITS.md: 4096 expression levels across 400 declarations) fits in the default
# 8 MiB stack of a normal build, but not in a sanitizer build. The tests and fuzzers get 256 MiB.
ulimit -s 262144 2>/dev/null || ulimit -s unlimited 2>/dev/null || true

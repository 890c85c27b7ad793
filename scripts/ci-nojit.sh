#!/usr/bin/env bash
# CI: Proviso without the JIT (PROVISO_ENABLE_JIT=OFF), a Release build in build-nojit.
# 1. Packaging: configured with BUILD_TESTING=OFF while LLVM, Catch2, yaml-cpp and Google
#    Benchmark cannot be found, it builds the library (shared and static), the CLI with its
#    diff module and the Python module, and has no other target.
# 2. Neither bin/proviso, lib/libproviso.so nor the Python module needs libLLVM (readelf for
#    what they name, ldd for what they load), and libproviso.a calls nothing in LLVM.
# 3. Reconfigured with BUILD_TESTING=ON (LLVM still unfindable), it builds the few test
#    programs that apply and runs the tests whose answer the missing JIT can change: the
#    API's and the command's behaviour (tests/nojit), the C API from 8 threads, the install
#    with its C, C++ and Python examples against the shared and the static library, the
#    policies' own tests and every golden file, all on the interpreter, and the Python
#    module's tests.
# Usage: scripts/ci-nojit.sh   (JOBS=N for parallel jobs; BUILD_NOJIT=DIR for another directory)
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
BUILD="${BUILD_NOJIT:-build-nojit}"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
configure() {  # BUILD_TESTING=ON|OFF
  local testing="$1" disabled=ON
  [ "$testing" = OFF ] || disabled=OFF
  mkdir -p "$BUILD"
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPROVISO_ENABLE_JIT=OFF -DBUILD_TESTING="$testing" \
    -DCMAKE_DISABLE_FIND_PACKAGE_LLVM=ON -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=$disabled \
    -DCMAKE_DISABLE_FIND_PACKAGE_yaml-cpp=$disabled -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=$disabled \
    > "$BUILD/configure.log" 2>&1 || { cat "$BUILD/configure.log" >&2; fail "configuring $BUILD (BUILD_TESTING=$testing)"; }
}

# 1. The packaging build: everything `all` has is the library, the CLI with its diff module
# (lib/proviso/libproviso-diff.so) and the Python module.
configure OFF
cmake --build "$BUILD" -j "$JOBS"
# What gets linked: the internal static libraries, and then only these five.
linked="$(ninja -C "$BUILD" -t targets all | sed -n 's/^\([^:]*\): [A-Z_]*_LINKER__.*/\1/p' |
  grep -v '/libproviso_[a-z_]*\.a$' | LC_ALL=C sort)"
expected="$(printf '%s\n' bin/proviso lib/libproviso.a lib/libproviso.so.1.0.0 lib/proviso/libproviso-diff.so \
  "$(cd "$BUILD" && ls python/proviso/_proviso*.so)" | LC_ALL=C sort)"
[ "$linked" = "$expected" ] || fail "BUILD_TESTING=OFF does not link just the library, the CLI and the modules: $linked"
if ninja -C "$BUILD" -t targets all | grep -Eq '^(tests|bench)/'; then
  fail "BUILD_TESTING=OFF still defines test, fuzz or benchmark targets"
fi

# 2. No LLVM anywhere.
module="$(find "$BUILD/python" -name '_proviso*.so' | head -1)"
[ -n "$module" ] || fail "no Python module in $BUILD/python"
for f in "$BUILD/bin/proviso" "$BUILD/lib/libproviso.so" "$module"; do
  ! readelf -d "$f" | grep 'NEEDED' | grep -qi llvm || fail "$f names libLLVM: $(readelf -d "$f" | grep -i llvm)"
  ! ldd "$f" | grep -qi llvm || fail "$f loads libLLVM: $(ldd "$f" | grep -i llvm)"
done
! nm -u "$BUILD/lib/libproviso.a" 2> /dev/null | c++filt | grep -q 'llvm::' || fail "libproviso.a calls into LLVM"
if grep -q 'LLVM' "$BUILD/api/proviso-static.pc"; then
  fail "proviso-static.pc names LLVM: $(grep Libs "$BUILD/api/proviso-static.pc")"
fi
echo "nojit: the library, the CLI and the Python module built without LLVM"

# 3. The tests that apply, on the interpreter.
configure ON
cmake --build "$BUILD" -j "$JOBS" --target proviso-nojit-tests proviso-c-api-test proviso-golden
(cd "$BUILD" && ctest -j "$JOBS" --output-on-failure --timeout 600 -R '^(nojit|capi|golden|policies|python):' -E 'symbols')
echo "nojit: ok"

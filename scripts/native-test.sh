#!/usr/bin/env bash
# Builds the engine's C++ tests and runs them with CTest; then, where the tools are installed,
# the x86 paths this CPU lacks in software (scripts/x86-emulation-test.sh), the ARM build under
# qemu (scripts/arm-test.sh) and the Windows build under wine (scripts/windows-test.sh).
#
# By default the tests are built in the addon's own cmake-js tree, build/native (`npm install`
# makes it): the engine library (tern_engine) is compiled once, for the addon and the tests
# alike, and the test programs link that same library. If build/native does not exist yet it is
# configured with cmake-js (offline, Node-API headers from node_modules), as `npm install` would.
# Another build type or extra CMake arguments get a plain-CMake tree of their own (no Node):
#   scripts/native-test.sh                               # Release, in build/native
#   BUILD_TYPE=Debug scripts/native-test.sh              # Debug, in build/native-tests-debug
#   TERN_CMAKE_ARGS="-DCMAKE_CXX_COMPILER=clang++" scripts/native-test.sh   # in build/native-tests
#   TERN_NATIVE_TEST_DIR=/tmp/t scripts/native-test.sh   # plain CMake in that tree
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
addon_tree="$root/build/native"   # package.json: cmake-js compile --out build/native
build_type="${BUILD_TYPE:-Release}"

standalone() {  # a plain-CMake tree of its own: the engine is compiled again there
  build="$1"
  echo "native-test: building the engine and the tests in $build (plain CMake, $build_type)"
  # shellcheck disable=SC2086
  cmake -S "$root" -B "$build" -DTERN_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE="$build_type" ${TERN_CMAKE_ARGS:-} >/dev/null
}

if [[ -n "${TERN_NATIVE_TEST_DIR:-}" ]]; then
  standalone "$TERN_NATIVE_TEST_DIR"
elif [[ "$build_type" != Release ]]; then
  standalone "$root/build/native-tests-$(echo "$build_type" | tr '[:upper:]' '[:lower:]')"
elif [[ -n "${TERN_CMAKE_ARGS:-}" ]]; then
  standalone "$root/build/native-tests"
elif [[ -f "$addon_tree/CMakeCache.txt" ]] && grep -q '^CMAKE_JS_VERSION' "$addon_tree/CMakeCache.txt"; then
  build="$addon_tree"
  echo "native-test: building the tests in the addon's tree $build (the engine is compiled once)"
  # Re-running CMake on the tree keeps everything cmake-js put in its cache; it only adds the tests.
  cmake -S "$root" -B "$build" -DTERN_BUILD_TESTS=ON >/dev/null
elif [[ ! -e "$addon_tree/CMakeCache.txt" && -x "$root/node_modules/.bin/cmake-js" ]]; then
  build="$addon_tree"
  echo "native-test: configuring the addon's tree $build with cmake-js, with the tests"
  (cd "$root" && node_modules/.bin/cmake-js configure --out build/native --CDTERN_BUILD_TESTS=ON >/dev/null)
else
  echo "native-test: no cmake-js tree in $addon_tree (run npm install); using a tree of its own"
  standalone "$root/build/native-tests"
fi

# --config / -C: multi-configuration generators (Visual Studio, Xcode) build and test the build
# type asked for; the single-configuration ones (Make, Ninja) ignore it.
cmake --build "$build" --config "$build_type" -j "$jobs"
# --no-tests=error: a build that registers no test is a failure, not a pass.
ctest --test-dir "$build" -C "$build_type" --output-on-failure --no-tests=error -j "$jobs"

status=0
# The AVX-VNNI, AVX-512 and AMX paths in software, on an x86 machine where SIMDe is installed (CI
# installs it): most machines, CI's included, have only some of those instruction sets.
if [[ "$(uname -m)" =~ ^(x86_64|amd64)$ ]]; then
  if [[ -f "${SIMDE_AVX512_HEADER:-/usr/include/simde/x86/avx512.h}" ]]; then
    bash "$root/scripts/x86-emulation-test.sh" || status=1
  else
    echo "native-test: emulated AVX-VNNI/AVX-512/AMX tests not run: install libsimde-dev to run them"
  fi
fi

# The NEON path, cross-compiled and run under qemu, where the tools are installed (CI installs them).
if command -v aarch64-linux-gnu-g++ >/dev/null && command -v qemu-aarch64 >/dev/null; then
  bash "$root/scripts/arm-test.sh" || status=1
else
  echo "native-test: ARM (NEON) tests not run: install g++-aarch64-linux-gnu and qemu-user to run them"
fi

# The Windows build (MinGW-w64), run under wine, where the tools are installed (CI installs them).
if command -v x86_64-w64-mingw32-g++-posix >/dev/null && command -v wine >/dev/null; then
  bash "$root/scripts/windows-test.sh" || status=1
else
  echo "native-test: Windows tests not run: install g++-mingw-w64-x86-64-posix, wine and wine64 to run them"
fi
exit $status

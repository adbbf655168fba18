#!/usr/bin/env bash
# Builds the engine and its C++ tests with plain CMake (no Node) and runs them with CTest; then
# the ARM build of them under qemu when the cross tools are installed (scripts/arm-test.sh).
#   scripts/native-test.sh            # Release build in build/native-tests
#   BUILD_TYPE=Debug scripts/native-test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${TERN_NATIVE_TEST_DIR:-$root/build/native-tests}"
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$root" -B "$build" -DTERN_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" ${TERN_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$jobs"
# --no-tests=error: a build that registers no test is a failure, not a pass.
ctest --test-dir "$build" --output-on-failure --no-tests=error -j "$jobs"

# The NEON path, cross-compiled and run under qemu, where the tools are installed (CI installs them).
if command -v aarch64-linux-gnu-g++ >/dev/null && command -v qemu-aarch64 >/dev/null; then
  bash "$root/scripts/arm-test.sh"
else
  echo "native-test: ARM (NEON) tests not run: install g++-aarch64-linux-gnu and qemu-user to run them"
fi

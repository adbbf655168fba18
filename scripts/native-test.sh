#!/usr/bin/env bash
# Builds the engine and its C++ tests with plain CMake (no Node) and runs them with CTest.
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

#!/usr/bin/env bash
# Cross-compiles the engine library and the kernel tests for AArch64 (g++-aarch64-linux-gnu,
# native/cmake/aarch64-linux-gnu.cmake) and runs them under qemu-aarch64 with a CPU model that
# has dotprod (-cpu max): the NEON kernels (ternary and LM head) against the scalar ones, the
# head agreement, the fixture models' logits (test_model runs every path itself, scalar and NEON)
# and the tokenizer cases on ARM; then the kernel and tokenizer tests once more with
# TERN_ISA=scalar (the scalar head path is covered natively and under wine). Under emulation
# test_head checks 2 positions per prompt instead of 8 (TERN_HEAD_POSITIONS). Correctness only:
# never time anything under emulation. Needs: apt-get install g++-aarch64-linux-gnu qemu-user.
#   scripts/arm-test.sh                   # build in build/arm-tests, run the default set
#   ARM_TESTS="test_kernels test_x" ARM_SCALAR_TESTS="test_kernels" scripts/arm-test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${TERN_ARM_TEST_DIR:-$root/build/arm-tests}"
tests="${ARM_TESTS:-test_kernels test_kernels_q8 test_head test_model test_tokenizer}"
scalar_tests="${ARM_SCALAR_TESTS:-test_kernels test_kernels_q8 test_tokenizer}"
export TERN_HEAD_POSITIONS="${TERN_HEAD_POSITIONS:-2}"
jobs="${JOBS:-2}"
for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "arm-test: $tool not found (apt-get install g++-aarch64-linux-gnu qemu-user)" >&2; exit 1; }
done
start=$(date +%s)
cmake -S "$root" -B "$build" -DTERN_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" \
  -DCMAKE_TOOLCHAIN_FILE="$root/native/cmake/aarch64-linux-gnu.cmake" >/dev/null
# shellcheck disable=SC2086
cmake --build "$build" -j "$jobs" --target $tests
built=$(date +%s)
qemu=(qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu max)
status=0
for t in $tests; do
  exe="$build/native/tests/$t"
  file "$exe" | grep -q aarch64 || { echo "arm-test: $exe is not an AArch64 program" >&2; exit 1; }
  echo "== $t (qemu-aarch64 -cpu max)"
  "${qemu[@]}" "$exe" || status=1
  if [[ " $scalar_tests " == *" $t "* ]]; then
    echo "== $t (qemu-aarch64 -cpu max, TERN_ISA=scalar)"
    TERN_ISA=scalar "${qemu[@]}" "$exe" || status=1
  fi
done
echo "arm-test: build $((built - start)) s, tests $(( $(date +%s) - built )) s"
exit $status

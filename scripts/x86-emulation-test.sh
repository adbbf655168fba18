#!/usr/bin/env bash
# Runs the AVX-VNNI, AVX-512 and AMX kernel paths on an x86 CPU that has only AVX2: the engine and
# its kernel and model tests built with TERN_X86_EMULATION=ON, where those three instruction-set
# files are compiled for AVX2 with the instructions in software (native/tests/emulation/
# x86_emulation.h, over Debian's libsimde-dev) and the CPU is reported to have them. Then
# test_kernels checks every path against the scalar reference; test_model runs every fixture
# model on every path (the AMX tile GEMM in prefill); test_head and test_arch check the LM heads
# and that the fixtures catch each architecture mistake, and test_synth the formats and TriLM's
# per-shard scales, on the default table (amx); and
# test_x86_emulation checks the emulation itself against the instructions' definitions. A CPU
# that has these sets runs them natively in the ordinary tests; this build is for those without.
# Correctness only: never time anything here. Needs: apt-get install libsimde-dev.
#   scripts/x86-emulation-test.sh               # build in build/x86-emulation, run the set
#   X86_EMULATION_TESTS="test_kernels" scripts/x86-emulation-test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${TERN_X86_EMULATION_DIR:-$root/build/x86-emulation}"
tests="${X86_EMULATION_TESTS:-test_x86_emulation test_kernels test_kernels_q8 test_kernel_paths test_head test_model test_arch test_synth}"
# The head agreement is a property of the head, not of the path: 2 positions per prompt suffice.
export TERN_HEAD_POSITIONS="${TERN_HEAD_POSITIONS:-2}"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
[[ -f "${SIMDE_AVX512_HEADER:-/usr/include/simde/x86/avx512.h}" ]] ||
  { echo "x86-emulation-test: SIMDe not found (apt-get install libsimde-dev)" >&2; exit 1; }
grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && grep -qw f16c /proc/cpuinfo ||
  { echo "x86-emulation-test: this CPU lacks AVX2, FMA or F16C, which the emulated build is compiled for" >&2; exit 1; }
start=$(date +%s)
cmake -S "$root" -B "$build" -DTERN_BUILD_TESTS=ON -DTERN_X86_EMULATION=ON -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" >/dev/null
# shellcheck disable=SC2086
cmake --build "$build" -j "$jobs" --target $tests
built=$(date +%s)
status=0
for t in $tests; do
  echo "== $t (AVX-VNNI, AVX-512 and AMX emulated)"
  "$build/native/tests/$t" || status=1
done
echo "x86-emulation-test: build $((built - start)) s, tests $(( $(date +%s) - built )) s"
exit $status

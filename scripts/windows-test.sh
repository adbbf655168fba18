#!/usr/bin/env bash
# Cross-compiles the engine, its test programs and the Node-API addon for 64-bit Windows with
# MinGW-w64 (native/cmake/x86_64-w64-mingw32.cmake) and runs the tests under wine: the
# Windows file mapping (the GGUF reader and every fixture model), CPU feature detection, threads,
# the kernels on every path this CPU has (scalar, AVX2, and AVX-VNNI / AVX-512 where present; the
# AMX path is Linux-only, so absent here), the tokenizers; then the kernel, model and tokenizer
# tests once more with TERN_ISA=scalar. The addon is only linked (against an import library of
# Node-API): no Node for Windows runs here to load it. Correctness only: never time under wine.
# Needs: apt-get install g++-mingw-w64-x86-64-posix wine wine64.
#   scripts/windows-test.sh                  # build in build/windows-tests, run every test
#   WINDOWS_TESTS="test_kernels test_gguf" scripts/windows-test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${TERN_WINDOWS_TEST_DIR:-$root/build/windows-tests}"
jobs="${JOBS:-2}"
for tool in x86_64-w64-mingw32-g++-posix wine; do
  command -v "$tool" >/dev/null || { echo "windows-test: $tool not found (apt-get install g++-mingw-w64-x86-64-posix wine wine64)" >&2; exit 1; }
done
start=$(date +%s)
cmake -S "$root" -B "$build" -DTERN_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" \
  -DCMAKE_TOOLCHAIN_FILE="$root/native/cmake/x86_64-w64-mingw32.cmake" >/dev/null
cmake --build "$build" -j "$jobs"
built=$(date +%s)

# A wine prefix of the build's own; no Mono or Gecko (nothing here needs .NET or a browser), no
# wine chatter on stderr.
export WINEPREFIX="${WINEPREFIX:-$build/wineprefix}" WINEDEBUG="${WINEDEBUG:--all}" WINEDLLOVERRIDES="mscoree,mshtml="
# One wineserver for the whole run: started per program, it would exit between them, and a
# program starting just then loses its connection ("wine client error ... Connection reset").
mkdir -p "$WINEPREFIX"  # wineserver needs the folder; wineboot fills it
wineserver -p
trap 'wineserver -k 2>/dev/null || true' EXIT
wineboot --init >/dev/null 2>&1 || true

tests="${WINDOWS_TESTS:-$(cd "$build/native/tests" && ls test_*.exe | sed 's/\.exe$//' | tr '\n' ' ')}"
again="${WINDOWS_SCALAR_TESTS:-test_kernels test_kernels_q8 test_head test_model test_tokenizer}"
status=0
run() {  # name, label, env...
  local t="$1" label="$2"; shift 2
  local exe="$build/native/tests/$t.exe"
  file "$exe" | grep -q 'PE32+ executable.*x86-64' || { echo "windows-test: $exe is not a Windows x64 program" >&2; exit 1; }
  echo "== $t (wine$label)"
  env "$@" wine "$exe" || status=1
}
for t in $tests; do run "$t" ""; done
for t in $again; do
  [[ " $tests " == *" $t "* ]] && run "$t" ", TERN_ISA=scalar" TERN_ISA=scalar
done
file "$build/native/addon/tern.node" | grep -q 'PE32+ executable (DLL).*x86-64' || { echo "windows-test: the addon was not linked" >&2; status=1; }
echo "windows-test: build $((built - start)) s, tests $(( $(date +%s) - built )) s"
exit $status

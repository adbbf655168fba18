#!/usr/bin/env bash
# Fuzzes the GGUF reader and model loader, and runs the GGUF/model tests under AddressSanitizer.
# Not part of CI. Needs clang with libFuzzer (Debian: clang).
#   scripts/fuzz.sh [SECONDS]     # default 60 seconds of fuzzing
# 1. builds native/fuzz/make_corpus and regenerates native/fuzz/corpus (the broken-file corpus);
# 2. builds the engine with -fsanitize=fuzzer-no-link,address and native/fuzz/gguf_fuzz.cpp with
#    -fsanitize=fuzzer,address, runs it for SECONDS over a copy of the corpus (new inputs go to
#    build/fuzz/corpus, crashes to build/fuzz/artifacts);
# 3. builds the native tests with -fsanitize=address,undefined and runs test_gguf, test_formats
#    and test_model.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds="${1:-60}"
out="$root/build/fuzz"
CXX="${CXX:-clang++}"
CC="${CC:-clang}"
mkdir -p "$out/artifacts" "$out/corpus"

echo "== corpus"
"$CXX" -std=c++17 -O1 -I"$root/native/tests" -I"$root/native/src" "$root/native/fuzz/make_corpus.cpp" -o "$out/make_corpus"
rm -f "$root"/native/fuzz/corpus/*.gguf
"$out/make_corpus" "$root/native/fuzz/corpus"
cp "$root"/native/fuzz/corpus/*.gguf "$out/corpus/"

echo "== fuzz target (engine with -fsanitize=fuzzer-no-link,address)"
cmake -S "$root" -B "$out/engine" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer" >/dev/null
cmake --build "$out/engine" -j 2 --target tern_engine >/dev/null
"$CXX" -std=c++17 -g -O1 -fsanitize=fuzzer,address -fno-omit-frame-pointer -I"$root/native/src" -I"$root/native/include" \
  "$root/native/fuzz/gguf_fuzz.cpp" "$out/engine/native/libtern_engine.a" -lpthread -o "$out/gguf_fuzz"

echo "== fuzzing for ${seconds}s"
"$out/gguf_fuzz" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
  -artifact_prefix="$out/artifacts/" "$out/corpus" 2>&1 | tail -n 12

echo "== tests under AddressSanitizer + UBSan"
cmake -S "$root" -B "$out/asan-tests" -DTERN_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER="$CC" \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -O1" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$out/asan-tests" -j 2 --target test_gguf test_formats test_model >/dev/null
for t in test_gguf test_formats test_model; do
  (cd "$out/asan-tests" && "./native/tests/$t" | tail -n 1)
done
echo "== done: crashes (if any) are in $out/artifacts"
ls "$out/artifacts"

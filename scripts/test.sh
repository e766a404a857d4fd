#!/usr/bin/env bash
# The whole test suite: native build + ctest (unit, golden, integration with real llama.cpp, byte order), the same
# ctest suite under AddressSanitizer/UBSan, and the WebAssembly build's tests under node.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/install-deps.sh test
scripts/setup-js.sh
jobs=$(nproc)

echo "== native (Release)"
stage_start=$SECONDS
cmake --preset native >/dev/null
cmake --build build/native -j "$jobs" >/dev/null
ctest --test-dir build/native -j "$jobs" --output-on-failure --timeout 900
echo "native stage: $((SECONDS - stage_start)) s"

echo "== native-asan (ASan + UBSan at -O1): the whole ctest suite again"
# Every executable of this build stops with SIGABRT at the first report (cmake/sanitizer_options.cpp), so a report
# fails its test whoever starts the binary. The byte-order and wasm/web tests run in the plain build only.
asan_start=$SECONDS
cmake --preset native-asan >/dev/null
cmake --build build/native-asan -j "$jobs" >/dev/null
ctest --test-dir build/native-asan -j "$jobs" --output-on-failure --timeout 900
echo "native-asan stage: $((SECONDS - asan_start)) s"

echo "== fuzz (libFuzzer + ASan/UBSan, clang: each target a fixed few seconds, ~60 s in all)"
stage_start=$SECONDS
scripts/fuzz.sh
echo "fuzz stage: $((SECONDS - stage_start)) s"

if [ -x scripts/test-wasm.sh ]; then
  echo "== wasm (Emscripten, under node)"
  stage_start=$SECONDS
  scripts/test-wasm.sh
  echo "wasm stage: $((SECONDS - stage_start)) s"
fi
echo "== all test stages passed in $SECONDS s"

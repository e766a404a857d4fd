#!/usr/bin/env bash
# The whole test suite: native build + ctest (unit, golden, integration with real llama.cpp), the same unit tests
# under AddressSanitizer/UBSan, and the WebAssembly build's tests under node.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/install-deps.sh test
scripts/setup-js.sh
jobs=$(nproc)

echo "== native (Release)"
cmake --preset native >/dev/null
cmake --build build/native -j "$jobs" >/dev/null
ctest --test-dir build/native -j "$jobs" --output-on-failure --timeout 900

echo "== native-asan (Debug, ASan + UBSan)"
cmake --preset native-asan >/dev/null
cmake --build build/native-asan -j "$jobs" --target test_unit ggufsmith >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  build/native-asan/tests/test_unit
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  python3 tests/integration/cli_errors.py --cli "$root/build/native-asan/ggufsmith" --shared "$(cd .. && pwd)/shared" \
  --work build/native-asan/it-errors

echo "== fuzz (libFuzzer + ASan/UBSan, clang: each target a fixed few seconds, ~60 s in all)"
scripts/fuzz.sh

if [ -x scripts/test-wasm.sh ]; then
  echo "== wasm (Emscripten, under node)"
  scripts/test-wasm.sh
fi
echo "== all test stages passed"

#!/usr/bin/env bash
# Configure, build and run the wasm preset (Catch2 binaries under node). Silent on success; on failure prints the
# failing step's output. Usage: scripts/test-wasm.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in emcc node cmake; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "test-wasm: '$tool' not found; the wasm build needs Debian's emscripten, node and cmake (apt-get install emscripten nodejs cmake)" >&2
    exit 1
  fi
done

log_dir=build/wasm-logs
mkdir -p "$log_dir"

step() {  # step NAME CMD...: run quietly, show the log if it fails
  local name=$1; shift
  if ! "$@" >"$log_dir/$name.log" 2>&1; then
    echo "test-wasm: $name failed ($*); output follows (also in $log_dir/$name.log)" >&2
    tail -n 200 "$log_dir/$name.log" >&2
    exit 1
  fi
}

step configure cmake --preset wasm
step build cmake --build --preset wasm
step test ctest --preset wasm "$@"

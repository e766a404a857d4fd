#!/usr/bin/env bash
# Builds the page's wasm module (target ggufsmith_web of the wasm preset) and copies ggufsmith.js/.wasm into web/,
# which is then a complete static site. Quiet on success; on failure shows the failing step's output.
# Usage: scripts/build-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in emcc node cmake; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "build-web: '$tool' not found; the wasm build needs Debian's emscripten, node and cmake" >&2; exit 1; }
done

log_dir=build/wasm-logs
mkdir -p "$log_dir"
step() {  # step NAME CMD...: run quietly, show the log if it fails
  local name=$1; shift
  if ! "$@" >"$log_dir/$name.log" 2>&1; then
    echo "build-web: $name failed ($*); output follows (also in $log_dir/$name.log)" >&2
    tail -n 200 "$log_dir/$name.log" >&2
    exit 1
  fi
}

step web-configure cmake --preset wasm  # cheap when current; picks up targets added since the last configure
step web-build cmake --build --preset wasm --target ggufsmith_web
cp build/wasm/web/ggufsmith.js build/wasm/web/ggufsmith.wasm web/

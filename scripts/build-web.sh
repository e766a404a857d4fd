#!/usr/bin/env bash
# Builds the page's wasm module (target ggufsmith_web of the wasm preset) and copies ggufsmith.js/.wasm into web/,
# which is then a complete static site. Quiet on success; on failure shows the failing step's output.
# Usage: scripts/build-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."

GS_SCRIPT=build-web
. scripts/wasm-steps.sh

step web-configure cmake --preset wasm  # cheap when current; picks up targets added since the last configure
step web-build cmake --build --preset wasm --target ggufsmith_web
cp build/wasm/web/ggufsmith.js build/wasm/web/ggufsmith.wasm web/

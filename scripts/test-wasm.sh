#!/usr/bin/env bash
# Configure, build and run the wasm preset (Catch2 binaries under node). Silent on success; on failure prints the
# failing step's output. Usage: scripts/test-wasm.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."

GS_SCRIPT=test-wasm
. scripts/wasm-steps.sh

step configure cmake --preset wasm
step build cmake --build --preset wasm
step test ctest --preset wasm "$@"

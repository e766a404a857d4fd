#!/usr/bin/env bash
# The main job: build ggufsmith and convert a model folder to GGUF (default: the bundled demo model).
# Usage: scripts/run.sh [MODEL_DIR] [ggufsmith convert options, e.g. -t F16 -o out.gguf]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh" build
cmake --preset native -S "$root" >/dev/null
cmake --build "$root/build/native" --target ggufsmith -j "$(nproc)" >/dev/null
model="$root/demo/tinystories-656k"
if [ $# -gt 0 ] && [ "${1:0:1}" != "-" ]; then model="$1"; shift; fi
"$root/build/native/ggufsmith" convert "$model" "$@"

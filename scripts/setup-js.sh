#!/usr/bin/env bash
# Installs the npm test dependencies of tests/js (node-llama-cpp 3.22.1 with its prebuilt CPU binary
# @node-llama-cpp/linux-x64, and @huggingface/tokenizers) exactly as pinned by tests/js/package-lock.json.
# Quiet and idempotent: does nothing when node_modules already matches package.json/package-lock.json/.npmrc.
#
# Nothing is downloaded or compiled besides the npm packages themselves: --ignore-scripts skips
# node-llama-cpp's postinstall (the only install script in the tree; it would probe the binary and, if that
# failed, try to fetch and build llama.cpp from source), and NODE_LLAMA_CPP_SKIP_DOWNLOAD makes it a no-op even
# when run. tests/js/.npmrc omits the optional GPU/other-platform binaries (~650 MB).
set -euo pipefail
js="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/js" && pwd)"
cd "$js"

command -v node >/dev/null || { echo "setup-js.sh: node not found (Node.js >= 20 needed)" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup-js.sh: npm not found" >&2; exit 1; }

stamp=node_modules/.ggufsmith-setup-stamp
want="$(cat package.json package-lock.json .npmrc | sha256sum | cut -d' ' -f1) node-$(node -p 'process.versions.modules')"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" \
      && -d node_modules/node-llama-cpp && -d node_modules/@node-llama-cpp/linux-x64 \
      && -d node_modules/@huggingface/tokenizers && -d node_modules/playwright-core ]]; then
    exit 0
fi

export NODE_LLAMA_CPP_SKIP_DOWNLOAD=true
if ! out="$(npm ci --ignore-scripts --no-audit --no-fund --loglevel=error 2>&1)"; then
    echo "$out" >&2
    echo "setup-js.sh: npm ci failed in $js" >&2
    exit 1
fi
echo "$want" > "$stamp"
echo "setup-js.sh: installed npm test dependencies in $js"

#!/usr/bin/env bash
# The web page's end-to-end test: builds the wasm module into web/ (scripts/build-web.sh, incremental), then converts
# the reference models in headless Chromium and compares with the native CLI (tests/web/browser.test.mjs).
# Usage: scripts/test-web.sh --cli build/native/ggufsmith [--work DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli="" work="$root/build/it-web"
while [ $# -gt 0 ]; do
  case "$1" in
    --cli) cli="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "test-web: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$cli" ] || { echo "test-web: --cli must name the native ggufsmith binary (got '$cli')" >&2; exit 2; }
[ -x /usr/bin/chromium ] || { echo "test-web: /usr/bin/chromium missing: scripts/install-deps.sh test" >&2; exit 1; }
[ -d "$root/tests/js/node_modules/playwright-core" ] || {
  echo "test-web: tests/js/node_modules/playwright-core missing: run scripts/setup-js.sh" >&2; exit 1; }

"$root/scripts/build-web.sh"
exec node "$root/tests/web/browser.test.mjs" --web "$root/web" --cli "$cli" \
  --shared "$(cd "$root/.." && pwd)/shared" --work "$work"

#!/usr/bin/env bash
# Installs what ggufsmith needs from Debian's packages (and nothing else). Idempotent: installs only what is missing.
# Usage: scripts/install-deps.sh [build|test|bench]
set -euo pipefail
want=(g++ cmake make python3 libhwy-dev nlohmann-json3-dev catch2)
if [ "${1:-build}" = test ]; then
  want+=(emscripten nodejs npm chromium python3-numpy)  # numpy: the architecture logits reference (tests/integration/arch)
  want+=(firefox-esr)  # the page's Firefox test (tests/web/firefox.test.mjs)
  want+=(clang libclang-rt-14-dev)  # scripts/fuzz.sh: libFuzzer + sanitizer runtimes of Debian bookworm's clang 14
fi
if [ "${1:-build}" = bench ]; then
  want+=(time)  # /usr/bin/time: peak RSS for scripts/bench-convert.sh
fi
# A package whose command is already on PATH (node and npm installed some other way, say) is not asked for:
# Debian's npm conflicts with a nodejs that bundles its own npm.
command_of() {
  case "$1" in
    nodejs) echo node ;; npm) echo npm ;; emscripten) echo emcc ;; chromium) echo chromium ;;
    firefox-esr) echo firefox-esr ;; *) echo "" ;;
  esac
}
missing=()
for p in "${want[@]}"; do
  c=$(command_of "$p")
  if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# Sourced by the scripts that build the wasm preset (test-wasm.sh, build-web.sh): check the toolchain is there, and
# run steps quietly, showing a step's log only when it fails. The caller sets GS_SCRIPT (its name, for messages)
# and runs from the repository root.
for tool in emcc node cmake; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$GS_SCRIPT: '$tool' not found; the wasm build needs Debian's emscripten, node and cmake (scripts/install-deps.sh test)" >&2
    exit 1
  fi
done

log_dir=build/wasm-logs
mkdir -p "$log_dir"

step() {  # step NAME CMD...: run quietly, show the log if it fails
  local name=$1; shift
  if ! "$@" >"$log_dir/$name.log" 2>&1; then
    echo "$GS_SCRIPT: $name failed ($*); output follows (also in $log_dir/$name.log)" >&2
    tail -n 200 "$log_dir/$name.log" >&2
    exit 1
  fi
}

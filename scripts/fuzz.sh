#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake preset `fuzz`: Debian clang, ASan + UBSan) and runs each one for a fixed time,
# one after the other on one core. Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   default: 60 s in total, split evenly between the targets of tests/fuzz/; scripts/fuzz.sh 3600 runs an hour each.
# Each target starts from its committed seed corpus (tests/fuzz/corpus/<target>) and the saved reproducers of past
# findings (tests/fuzz/regressions/<target>); new inputs go to build/fuzz/work/<target>/corpus, which is kept between
# runs (delete build/fuzz/work for a fresh start) and never committed. A finding (crash, sanitizer report, uncaught
# non-gs::Error exception, broken invariant, timeout, huge allocation) is saved under build/fuzz/work/<target>/; the
# script prints executions and findings per target and exits non-zero if there was any.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

all=()
for f in tests/fuzz/*.cpp; do
  n=$(basename "$f" .cpp)
  [ "$n" = replay_main ] || all+=("$n")
done
secs="${1:-}"
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
[ -z "$secs" ] && secs=$(( 60 / ${#targets[@]} ))
[ "$secs" -lt 1 ] && secs=1

for tool in clang clang++; do
  command -v "$tool" >/dev/null || { echo "fuzz.sh: $tool not found (scripts/install-deps.sh test installs it)" >&2; exit 1; }
done
cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null

dict_of() {
  case "$1" in
    gguf_reader|imatrix) echo tests/fuzz/dict/gguf.dict ;;
    sentencepiece_model) echo tests/fuzz/dict/sentencepiece.dict ;;
    *) echo tests/fuzz/dict/json.dict ;;
  esac
}

stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

work=build/fuzz/work
findings=0
printf '%-20s %6s %10s %8s %7s %7s  %s\n' target seconds execs exec/s corpus new findings
for t in "${targets[@]}"; do
  dir="$work/$t"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  inputs=("$dir/corpus" "tests/fuzz/corpus/$t")
  [ -d "tests/fuzz/regressions/$t" ] && inputs+=("tests/fuzz/regressions/$t")
  touch "$dir/.start"
  rc=0
  # -timeout: one input running 20 s is a hang; -malloc_limit_mb: the inputs are at most a few hundred KB, so an
  # allocation of 512 MB is one the input cannot back.
  "build/fuzz/fuzz/fuzz_$t" "${inputs[@]}" -dict="$(dict_of "$t")" -max_total_time="$secs" -timeout=20 \
    -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
    >"$dir/log" 2>&1 || rc=$?
  execs=$(stat number_of_executed_units "$dir/log")
  rate=$(stat average_exec_per_sec "$dir/log")
  new=$(stat new_units_added "$dir/log")
  corpus=$(( $(find "$dir/corpus" -type f | wc -l) + $(find "tests/fuzz/corpus/$t" -type f | wc -l) ))
  found=$(find "$dir/artifacts" -type f -newer "$dir/.start" | wc -l)
  [ "$rc" -ne 0 ] && [ "$found" -eq 0 ] && found=1  # a failure that left no artifact is still one
  printf '%-20s %6s %10s %8s %7s %7s  %s\n' "$t" "$secs" "${execs:-?}" "${rate:-?}" "$corpus" "${new:-?}" "$found"
  if [ "$found" -ne 0 ]; then
    findings=$(( findings + found ))
    grep -m1 -E 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error|fuzz invariant|terminate called|deadly signal' \
      "$dir/log" | sed 's/^/    /' || true
    find "$dir/artifacts" -type f -newer "$dir/.start" | sed 's/^/    reproducer: /'
    echo "    log: $dir/log"
  fi
done
if [ "$findings" -ne 0 ]; then
  echo "fuzz.sh: $findings finding(s); reproduce with build/fuzz/fuzz/fuzz_<target> FILE, fix, then add the file to tests/fuzz/regressions/<target>/" >&2
  exit 1
fi
echo "fuzz.sh: no findings"

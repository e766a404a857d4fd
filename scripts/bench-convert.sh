#!/usr/bin/env bash
# Conversion benchmark: a synthetic TinyLlama-1.1B-shaped BF16 model (bench/make_synthetic_model.cpp, generated once
# and cached in build/bench-model) converted by the CLI, timed against copying the same bytes with cp, in the same
# run so both see the same machine load. Prints best/median wall time, CPU time, MB/s and peak RSS.
#
# Usage: scripts/bench-convert.sh
#   DEST=dir      where outputs go (default build/bench-out, i.e. the disk); DEST=/dev/shm takes the disk out
#   TYPES="..."   output types (default "F16 BF16 F32")
#   RUNS=n        timed runs per command, after one untimed warm-up run (default 3)
#   GGUFSMITH=bin time this binary instead of build/native/ggufsmith (A/B comparisons of two builds)
#
# ggufsmith fsyncs its output before renaming it into place, so the baselines are fsynced too: "cp + fsync" (cp,
# then `sync FILE`) and "dd + fsync" (dd bs=8M conv=fsync). They differ because GNU cp copies with
# copy_file_range, inside the kernel, while dd, like any program that transforms the bytes, read()s them into its
# own memory and write()s them back out. Plain cp (data left in the page cache) is shown too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/native
gs=${GGUFSMITH:-$build/ggufsmith}
model=$root/build/bench-model
runs=${RUNS:-3}
types=${TYPES:-F16 BF16 F32}
dest_base=${DEST:-$root/build/bench-out}
min_free_gb=8  # model 2.2 GB (first run) + the largest output, BF16 -> F32 at 4.4 GB, + slack

"$root/scripts/install-deps.sh" bench

free_gb() { df -Pk "$1" | awk 'NR==2 { printf "%d", $4 / 1048576 }'; }
mkdir -p "$dest_base" "$(dirname "$model")"
for d in "$dest_base" "$(dirname "$model")"; do
  if [ "$(free_gb "$d")" -lt "$min_free_gb" ]; then
    echo "bench-convert: only $(free_gb "$d") GB free on $(df -P "$d" | awk 'NR==2 {print $6}') (for $d);" \
         "needs ~$min_free_gb GB for the model and the F32 output. Free some space or set DEST." >&2
    exit 1
  fi
done

cmake --preset native >/dev/null
cmake --build --preset native --target ggufsmith make_synthetic_model >/dev/null

if [ ! -f "$model/model.safetensors" ]; then
  echo "generating the synthetic model in $model (once; cached) ..." >&2
  "$build/make_synthetic_model" "$model" --tokenizer-from "$root/demo/tinystories-656k" >&2
fi

dest=$(mktemp -d "$dest_base/run.XXXXXX")
work=$(mktemp -d)
trap 'rm -rf "$dest" "$work"' EXIT

# measure LABEL CMD...: one untimed warm-up (fills the page cache with the input), then $runs timed runs. Each
# run's output is deleted before the next, outside the timing. Appends "wall user+sys maxrss_kb" lines to $work/LABEL.
measure() {
  local label=$1; shift
  for i in $(seq 0 "$runs"); do
    rm -f "$dest"/out.*
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null
    [ "$i" -gt 0 ] && awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/t" >>"$work/$label"
  done
  rm -f "$dest"/out.*
}

# stats LABEL -> "best median cpu_median rss_max" (medians of $runs values)
stats() {
  sort -n "$work/$1" | awk '{ w[NR] = $1 } END { printf "%s %s ", w[1], (NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2) }'
  sort -n -k2 "$work/$1" | awk '{ c[NR] = $2; if ($3 > r) r = $3 } END { printf "%s %d\n", (NR % 2 ? c[(NR + 1) / 2] : (c[NR / 2] + c[NR / 2 + 1]) / 2), r }'
}

src=$model/model.safetensors
mb=$(awk -v b="$(stat -c %s "$src")" 'BEGIN { printf "%.1f", b / 1e6 }')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

measure cp cp "$src" "$dest/out.copy"
measure cp_fsync sh -c 'cp "$1" "$2" && sync "$2"' sh "$src" "$dest/out.copy"
measure dd_fsync dd if="$src" of="$dest/out.copy" bs=8M conv=fsync status=none
for t in $types; do
  measure "gs_$t" "$gs" convert "$model" -t "$t" -o "$dest/out.gguf" --quiet
done

read -r _ cp_median _ _ < <(stats cp_fsync)
read -r _ dd_median _ _ < <(stats dd_fsync)
echo
echo "input: $model/model.safetensors, $mb MB BF16 (TinyLlama-1.1B shapes)"
echo "output: $dest_base ($(df -PT "$dest_base" | awk 'NR==2 {print $2}')); $(nproc) cores, load average $load_before before," \
     "$(cut -d' ' -f1-3 /proc/loadavg) after"
echo "$runs timed runs per command after one warm-up; x cp, x dd = median / median of cp + fsync, of dd + fsync;"
echo "cpu s = median user + sys; MB/s = input MB / median"
printf '%-16s %8s %9s %8s %8s %7s %7s %10s\n' command "best s" "median s" "cpu s" "MB/s" "x cp" "x dd" "peak RSS"
row() {
  local label=$1 name=$2 best median cpu rss
  read -r best median cpu rss < <(stats "$label")
  awk -v n="$name" -v b="$best" -v m="$median" -v c="$cpu" -v r="$rss" -v mb="$mb" -v cpm="$cp_median" \
    -v ddm="$dd_median" 'BEGIN { printf "%-16s %8.2f %9.2f %8.2f %8.0f %7.2f %7.2f %7.1f MB\n", n, b, m, c, mb / m,
                                 m / cpm, m / ddm, r / 1024 }'
}
row cp "cp"
row cp_fsync "cp + fsync"
row dd_fsync "dd + fsync"
for t in $types; do row "gs_$t" "ggufsmith $t"; done

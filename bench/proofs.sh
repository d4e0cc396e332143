#!/usr/bin/env bash
# bench/proofs.sh [BUILD_DIR]: what the prover proves today, and what it costs.
#
# For each module of the C corpus at -O2 (tests/programs, built by
# ./dogma build into BUILD_DIR/corpus/c): the memory accesses proved by
# dogma-verify (no annotations: there is no producer yet, issue 7), the
# verification time, per module and per MB of module. Prints figures;
# never fails on one. Use the release build for times.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-release}
verify=$build/libabi/dogma-verify
[ -x "$verify" ] || { echo "no $verify: build it first (cmake --build $build)" >&2; exit 2; }
corpus=$build/corpus/c
[ -d "$corpus" ] || corpus=$root/build/corpus/c

printf '%-10s %8s %8s %8s %7s %9s %9s\n' module bytes accesses proved share ms "ms/MB"
tp=0 ta=0 tb=0 tms=0
for m in "$corpus"/*.O2.wasm; do
    name=$(basename "$m" .O2.wasm)
    json=$("$verify" --json "$m" 2>/dev/null) || { echo "$name: dogma-verify failed"; continue; }
    bytes=$(sed -nE 's/.*"bytes": ([0-9]+).*/\1/p' <<<"$json")
    ms=$(sed -nE 's/.*"ms": ([0-9.]+).*/\1/p' <<<"$json")
    read -r proved total < <(sed -nE 's/.*"load": \{"proved": ([0-9]+), "unproved": ([0-9]+).*"store": \{"proved": ([0-9]+), "unproved": ([0-9]+).*/\1 \2 \3 \4/p' <<<"$json" |
        awk '{print $1 + $3, $1 + $2 + $3 + $4}')
    share=$(awk -v p="$proved" -v t="$total" 'BEGIN {printf "%.1f%%", t ? 100 * p / t : 0}')
    permb=$(awk -v ms="$ms" -v b="$bytes" 'BEGIN {printf "%.0f", ms / (b / 1e6)}')
    printf '%-10s %8s %8s %8s %7s %9.0f %9s\n' "$name" "$bytes" "$total" "$proved" "$share" "$ms" "$permb"
    tp=$((tp + proved)) ta=$((ta + total)) tb=$((tb + bytes))
    tms=$(awk -v a="$tms" -v b="$ms" 'BEGIN {print a + b}')
done
echo
awk -v p="$tp" -v a="$ta" -v b="$tb" -v ms="$tms" 'BEGIN {
    printf "all: %d of %d accesses proved (%.1f%%; target 90%% with the producer'"'"'s annotations),\n", p, a, a ? 100 * p / a : 0
    printf "     %.0f ms for %d bytes: %.0f ms per MB (target: 1 MB in under 1,000 ms)\n", ms, b, ms / (b / 1e6) }'

#!/usr/bin/env bash
# bench/proofs.sh [BUILD_DIR]: what the prover proves, and what it costs.
#
# 1. Static share: every module of the C corpus at -O2 (tests/programs,
#    built by ./dogma build into BUILD_DIR/corpus/c) and every benchmark
#    program (bench/programs, built by bench/run-bench.sh into
#    BUILD_DIR/bench/run/wasm, when it has run) goes through dogma-prove;
#    its report gives the accesses proved. dogma-verify then times the
#    verification of the proved module alone (ms, and ms per MB).
# 2. A module of about 1 MB: a benchmark module repeated by bench/replicate
#    (the same mix of code; the copies are never called, so dogma-prove
#    infers nothing for them: the figure is the verifier's own speed).
# 3. Executed share: each benchmark program at its quick size under
#    `dogma-run --strategy proved --count-accesses` (instrumented code: the
#    counts, not a time).
# Run times of proved beside guard, checked and native are bench/run-bench.sh's
# (its `proved` column). Prints figures; never fails on one. Use the
# release build for times.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-release}
prove=$build/libabi/dogma-prove verify=$build/libabi/dogma-verify run=$build/libabi/dogma-run
for t in "$prove" "$verify" "$run"; do
    [ -x "$t" ] || { echo "no $t: build it first (cmake --build $build)" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/dogma-proofs.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
corpus=$build/corpus/c
[ -d "$corpus" ] || corpus=$root/build/corpus/c
benchwasm=$build/bench/run/wasm

modules=("$corpus"/*.O2.wasm)
[ -d "$benchwasm" ] && modules+=("$benchwasm"/*.wasm)

# ---- 1. static share ---------------------------------------------------------------
echo "## Accesses proved (static), and verification time"
echo
printf '| %-14s | %8s | %8s | %8s | %6s | %9s | %9s | %8s |\n' module bytes accesses proved share \
    "prove ms" "verify ms" "ms/MB"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
tp=0 ta=0 tb=0 tms=0
for m in "${modules[@]}"; do
    [ -f "$m" ] || continue
    name=$(basename "$m" .wasm)
    case $m in "$benchwasm"/*) name="bench/$name" ;; *) name=${name%.O2} ;; esac
    out=$work/$(basename "$m")
    t0=$(date +%s.%N)
    rep=$("$prove" "$m" -o "$out" 2>&1) || { echo "| $name | dogma-prove failed: $(head -1 <<<"$rep") |"; continue; }
    t1=$(date +%s.%N)
    read -r proved total < <(sed -nE 's/.*: ([0-9]+) of ([0-9]+) memory accesses proved.*/\1 \2/p' <<<"$rep")
    json=$("$verify" --json "$out" 2>/dev/null) || { echo "| $name | dogma-verify failed |"; continue; }
    bytes=$(sed -nE 's/.*"bytes": ([0-9]+).*/\1/p' <<<"$json")
    ms=$(sed -nE 's/.*"ms": ([0-9.]+).*/\1/p' <<<"$json")
    awk -v n="$name" -v b="$bytes" -v a="$total" -v p="$proved" -v ms="$ms" -v t0="$t0" -v t1="$t1" 'BEGIN {
        printf "| %-14s | %8d | %8d | %8d | %5.1f%% | %9.0f | %9.1f | %8.0f |\n",
            n, b, a, p, a ? 100 * p / a : 0, (t1 - t0) * 1000, ms, ms / (b / 1e6) }'
    tp=$((tp + proved)) ta=$((ta + total)) tb=$((tb + bytes))
    tms=$(awk -v a="$tms" -v b="$ms" 'BEGIN {print a + b}')
done
echo
awk -v p="$tp" -v a="$ta" -v b="$tb" -v ms="$tms" 'BEGIN {
    printf "all: %d of %d accesses proved (%.1f%%; target 90%%)\n", p, a, a ? 100 * p / a : 0
    printf "verification: %.0f ms for %d bytes: %.0f ms per MB (target: 1 MB in under 1,000 ms)\n",
        ms, b, b ? ms / (b / 1e6) : 0 }'

# ---- 2. a module of about 1 MB ---------------------------------------------------------
echo
echo "## A module of about 1 MB"
echo
base=${modules[0]}
[ -f "$benchwasm/hashes.wasm" ] && base=$benchwasm/hashes.wasm
if cc -O2 -std=c11 -o "$work/replicate" "$root/bench/replicate.c" 2>/dev/null; then
    k=$(( 1000000 / $(stat -c %s "$base") + 1 ))
    "$work/replicate" "$base" "$k" "$work/big.wasm" > /dev/null
    rep=$("$prove" "$work/big.wasm" -o "$work/big.proved.wasm" 2>&1) || echo "dogma-prove failed: $rep"
    json=$("$verify" --json "$work/big.proved.wasm" 2>/dev/null)
    echo "$(basename "$base") x$k: $(sed -nE 's/.*"bytes": ([0-9]+).*/\1/p' <<<"$json") bytes;" \
         "dogma-prove: $(sed -nE 's/^  inferred in (.*)/inferred in \1/p' <<<"$rep");" \
         "dogma-verify: $(sed -nE 's/.*"ms": ([0-9.]+).*/\1/p' <<<"$json") ms"
else
    echo "(no C compiler for bench/replicate.c: skipped)"
fi

# ---- 3. executed share -------------------------------------------------------------------
echo
echo "## Accesses executed, by class (quick sizes)"
echo
if [ -d "$benchwasm" ] && "$run" --help 2>&1 | grep -q -- --count-accesses; then
    # name:quick-size, as bench/run-bench.sh
    for p in hashes:1500 fft:40 lu:60 bintrees:1 regvm:2 strsort:2 wordfreq:6 editdist:15 \
             sieve:100 pchase:1; do
        n=${p%%:*}
        [ -f "$benchwasm/$n.wasm" ] || continue
        "$prove" -q "$benchwasm/$n.wasm" -o "$work/$n.proved.wasm" || continue
        line=$("$run" --strategy proved --count-accesses "$work/$n.proved.wasm" "${p#*:}" 2>&1 \
               > /dev/null | grep 'executed accesses')
        echo "$n: ${line#dogma-run: }"
    done
else
    echo "(no benchmark modules in $benchwasm, or a dogma-run without --count-accesses: run" \
         "bench/run-bench.sh first)"
fi

#!/usr/bin/env bash
# ranges.sh DOGMA-VERIFY WAT2WASM FILE.wat [DOGMA-RUN]: the first pass's verdicts on
# hand-written functions. Each `;; expect NAME: P of N` line of FILE.wat
# must match dogma-verify --functions' `func I NAME: P of N accesses
# proved` for the module built with names (wat2wasm --debug-names), and
# each `;; expect-div NAME: P of N` its `P of N divisions`. With DOGMA-RUN,
# the divisions then run under strategy proved: a proved one computes, an
# unproved one still traps on 0.
set -uo pipefail
verify=$1 wat2wasm=$2 wat=$3 run=${4:-}
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$wat2wasm" --debug-names "$wat" -o "$tmp/m.wasm" || fail "wat2wasm $wat"
"$verify" --functions "$tmp/m.wasm" > "$tmp/out" || fail "dogma-verify exited $?: $(cat "$tmp/out")"
n=0 bad=0
while read -r kind name want; do
    if [ "$kind" = expect ]; then
        got=$(sed -nE "s/^  func [0-9]+ $name: ([0-9]+ of [0-9]+) accesses proved.*/\1/p" "$tmp/out")
    else
        got=$(sed -nE "s/^  func [0-9]+ $name: .* accesses proved, ([0-9]+ of [0-9]+) divisions.*/\1/p" "$tmp/out")
    fi
    if [ "$got" != "$want" ]; then
        echo "FAIL: $name: $want expected, dogma-verify says '${got:-nothing}'"
        bad=$((bad + 1))
    fi
    n=$((n + 1))
done < <(sed -nE 's/^ *;; (expect|expect-div) ([a-z_0-9]+): ([0-9]+ of [0-9]+)$/\1 \2 \3/p' "$wat")
[ "$n" -gt 0 ] || fail "no expectations in $wat"
[ "$bad" = 0 ] || { cat "$tmp/out"; exit 1; }
# A function whose states outgrow the first pass's memory (20,000 locals,
# 3,000 branches: gigabytes of copied states) is judged by the second
# pass alone; the verifier neither fails nor proves what it cannot.
{
    printf '(module (memory 1) (func (export "f") (param i32) (result i32) (local'
    for i in $(seq 20000); do printf ' i32'; done
    printf ')\n(block $b\n'
    for i in $(seq 3000); do printf '(br_if $b (i32.eq (local.get 0) (i32.const %d)))\n' "$i"; done
    printf ')\n(i32.load (local.get 0))))\n'
} > "$tmp/wide.wat"
"$wat2wasm" "$tmp/wide.wat" -o "$tmp/wide.wasm" || fail "wat2wasm wide.wat"
w=$("$verify" --functions "$tmp/wide.wasm") || fail "dogma-verify on the wide function: exit $?"
grep -q 'func 0: 0 of 1 accesses proved' <<<"$w" || fail "the wide function: $w"
if [ -n "$run" ]; then
    r=$("$run" --strategy proved --invoke div_guarded "$tmp/m.wasm" 7 3) && [ "$r" = "i32:1" ] ||
        fail "div_guarded 7 3 gave '$r'"
    r=$("$run" --strategy proved --invoke div_guarded "$tmp/m.wasm" 7 0) && [ "$r" = "i32:0" ] ||
        fail "div_guarded 7 0 gave '$r'"
    r=$("$run" --strategy proved --invoke rem_s_positive "$tmp/m.wasm" 0 5) && [ "$r" = "i32:-2" ] ||
        fail "rem_s_positive 0 5 gave '$r'"
    "$run" --strategy proved --invoke div_param "$tmp/m.wasm" 7 0 > /dev/null 2> "$tmp/err"
    grep -q '^trap: integer divide by zero in div_param' "$tmp/err" ||
        fail "div_param 7 0 under proved: $(head -1 "$tmp/err")"
fi
echo "PASS: $n functions of $(basename "$wat") as expected"

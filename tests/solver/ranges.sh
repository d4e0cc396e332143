#!/usr/bin/env bash
# ranges.sh DOGMA-VERIFY WAT2WASM FILE.wat: the first pass's verdicts on
# hand-written functions. Each `;; expect NAME: P of N` line of FILE.wat
# must match dogma-verify --functions' `func I NAME: P of N accesses
# proved` for the module built with names (wat2wasm --debug-names).
set -uo pipefail
verify=$1 wat2wasm=$2 wat=$3
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$wat2wasm" --debug-names "$wat" -o "$tmp/m.wasm" || fail "wat2wasm $wat"
"$verify" --functions "$tmp/m.wasm" > "$tmp/out" || fail "dogma-verify exited $?: $(cat "$tmp/out")"
n=0 bad=0
while read -r name want; do
    got=$(sed -nE "s/^  func [0-9]+ $name: ([0-9]+ of [0-9]+) accesses proved.*/\1/p" "$tmp/out")
    if [ "$got" != "$want" ]; then
        echo "FAIL: $name: $want expected, dogma-verify says '${got:-nothing}'"
        bad=$((bad + 1))
    fi
    n=$((n + 1))
done < <(sed -nE 's/^ *;; expect ([a-z_0-9]+): ([0-9]+ of [0-9]+)$/\1 \2/p' "$wat")
[ "$n" -gt 0 ] || fail "no expectations in $wat"
[ "$bad" = 0 ] || { cat "$tmp/out"; exit 1; }
echo "PASS: $n functions of $(basename "$wat") as expected"

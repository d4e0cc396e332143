#!/bin/sh
# prove-trap.sh MODULE.wasm DOGMA-PROVE DOGMA-RUN: a program that goes out
# of bounds on purpose (oob.c), through dogma-prove and run with its
# annotations (strategy proved): in bounds it prints its answer; asked to
# go far out, it must trap, not read. Exit 0 when both hold, 1 otherwise.
set -u
[ $# -eq 3 ] || { echo "usage: prove-trap.sh MODULE.wasm DOGMA-PROVE DOGMA-RUN" >&2; exit 2; }
module=$1 prove=$2 run=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$prove" "$module" -o "$tmp/p.wasm" || { echo "FAIL: dogma-prove"; exit 1; }
out=$("$run" --strategy proved "$tmp/p.wasm") || { echo "FAIL: in bounds: exit $?"; exit 1; }
[ "$out" = "table[7] = 49" ] || { echo "FAIL: in bounds printed '$out'"; exit 1; }
"$run" --strategy proved "$tmp/p.wasm" far > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 134 ] || { echo "FAIL: out of bounds: exit $rc, not 134 (a trap)"; cat "$tmp/out" "$tmp/err"; exit 1; }
grep -q '^trap: out of bounds memory access' "$tmp/err" || { echo "FAIL: no trap report:"; cat "$tmp/err"; exit 1; }
[ ! -s "$tmp/out" ] || { echo "FAIL: it printed before trapping: $(cat "$tmp/out")"; exit 1; }
echo "PASS: in bounds it prints, out of bounds it traps"

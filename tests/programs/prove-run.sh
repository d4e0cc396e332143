#!/bin/sh
# prove-run.sh: a program through the producer of proofs, then run with them.
#
#   prove-run.sh NATIVE MODULE.wasm DOGMA-PROVE DOGMA-VERIFY DOGMA-RUN
#
# Runs `DOGMA-PROVE MODULE.wasm -o PROVED.wasm` (which checks what it wrote
# as a verifier does, and fails on a refuted claim), requires its report to
# name a share of accesses proved and the shadow-stack pointer's range,
# has DOGMA-VERIFY accept PROVED.wasm on its own with the same share, then
# compares PROVED.wasm under `DOGMA-RUN --strategy proved` with the native
# program (compare.sh). Exit 0 when all of that holds, 1 otherwise, 2 on
# bad usage.
set -u
if [ $# -ne 5 ]; then
    echo "usage: prove-run.sh NATIVE MODULE.wasm DOGMA-PROVE DOGMA-VERIFY DOGMA-RUN" >&2
    exit 2
fi
native=$1 module=$2 prove=$3 verify=$4 run=$5
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
if ! "$prove" "$module" -o "$tmp/proved.wasm" >"$tmp/report" 2>&1; then
    echo "FAIL: $prove $module exited non-zero:"
    cat "$tmp/report"
    exit 1
fi
cat "$tmp/report"
grep -Eq '^[^:]*: [0-9]+ of [0-9]+ memory accesses proved \([0-9.]+%\)$' "$tmp/report" || {
    echo "FAIL: no share of accesses proved in the report"; exit 1; }
grep -Eq 'stack pointer: global [0-9]+ in \[[0-9]+, [0-9]+\]' "$tmp/report" || {
    echo "FAIL: no shadow-stack pointer range in the report"; exit 1; }
share=$(sed -nE 's/.*: ([0-9]+ of [0-9]+) memory accesses proved.*/\1/p' "$tmp/report")
"$verify" --functions "$tmp/proved.wasm" > "$tmp/verify" 2>&1 || {
    echo "FAIL: $verify rejects what dogma-prove wrote:"; cat "$tmp/verify"; exit 1; }
got=$(awk '/accesses proved/ { split($0, a, ": "); split(a[2], b, " "); p += b[1]; n += b[3] }
           END { print p " of " n }' "$tmp/verify")
[ "$got" = "$share" ] || { echo "FAIL: dogma-verify proves $got accesses, dogma-prove said $share"; exit 1; }
exec sh "$(dirname "$0")/compare.sh" "$native" "$tmp/proved.wasm" "$run" --strategy proved

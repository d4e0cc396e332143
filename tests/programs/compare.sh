#!/bin/sh
# compare.sh: runs a program natively and as WebAssembly, and compares stdout.
#
#   compare.sh NATIVE NODE RUN-WASI.MJS MODULE.wasm [ARGS...]
#
# Both runs get the same ARGS. Passes (exit 0) when both exit 0 and print
# the same bytes on stdout; otherwise says what differed, prints both
# outputs (and both stderrs) and exits 1. Exits 2 on bad usage.
set -u
if [ $# -lt 4 ]; then
    echo "usage: compare.sh NATIVE NODE RUN-WASI.MJS MODULE.wasm [ARGS...]" >&2
    exit 2
fi
native=$1 node=$2 runner=$3 module=$4
shift 4
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

"$native" "$@" >"$tmp/native.out" 2>"$tmp/native.err"
native_rc=$?
"$node" --no-warnings "$runner" "$module" "$@" >"$tmp/wasm.out" 2>"$tmp/wasm.err"
wasm_rc=$?

status=0
if [ "$native_rc" -ne 0 ]; then
    echo "FAIL: native $native exited $native_rc"
    status=1
fi
if [ "$wasm_rc" -ne 0 ]; then
    echo "FAIL: $module under node exited $wasm_rc"
    status=1
fi
if ! cmp -s "$tmp/native.out" "$tmp/wasm.out"; then
    echo "FAIL: stdout differs between $native and $module"
    diff "$tmp/native.out" "$tmp/wasm.out"
    status=1
fi
if [ "$status" -ne 0 ]; then
    for run in native wasm; do
        echo "---- $run stdout"
        cat "$tmp/$run.out"
        echo "---- $run stderr"
        cat "$tmp/$run.err"
    done
    exit 1
fi
cat "$tmp/wasm.out"
